"""The plug-in shapes: the web channel reads the widget's replies, the rules are an AI provider."""

from __future__ import annotations

import pytest

from appliance.ai.provider import Ask, ProviderError
from appliance.ai.rules import RULES
from appliance.channels.base import ChannelError
from appliance.channels.web import WEB
from appliance.core.flows.answers import Reply
from appliance.core.understanding import understand
from appliance.errors import ExternalError


@pytest.mark.parametrize(
    ("payload", "reply"),
    [
        ({"text": "Hola"}, Reply("text", "Hola")),
        ({"choice": "kitchen", "lang": "ca"}, Reply("choice", "kitchen")),
        ({"value": [9000, 14000]}, Reply("value", [9000, 14000])),
        ({"skip": True}, Reply("skip", True)),
        ({"lang": "pt"}, Reply("language", "pt")),
    ],
)
def test_the_web_channel_reads_each_kind_of_reply(payload: dict, reply: Reply) -> None:
    inbound = WEB.parse(payload)
    assert inbound.reply == reply
    assert inbound.language == payload.get("lang")


def test_the_web_channel_hands_the_widget_the_turn_answer_as_it_is() -> None:
    answer = {"messages": [{"text": "Hola"}], "input": None}
    assert WEB.render(answer) == answer


def test_the_rules_provider_reads_what_the_core_reads() -> None:
    text = "Hola, busco una cocina nórdica de unos 12 m2, entre 9 y 14 mil, mi correo es ana@example.com"
    found = RULES.understand(Ask(text, "es", "ES"))
    assert found == understand(text, default_language="es", default_country="ES")
    assert found["area_m2"] == 12
    assert found["email"] == "ana@example.com"


def test_the_rules_provider_writes_nothing_so_callers_keep_the_flow_text() -> None:
    with pytest.raises(ProviderError) as raised:
        RULES.write("greet the visitor", "es")
    assert raised.value.permanent is True


@pytest.mark.parametrize("kind", [ChannelError, ProviderError])
def test_plugin_errors_say_whether_a_retry_can_help(kind: type[ExternalError]) -> None:
    passing, final = kind("timed out"), kind("bad token", permanent=True)
    assert isinstance(passing, ExternalError)
    assert (passing.permanent, final.permanent) == (False, True)
    assert str(final) == final.message == "bad token"
