"""validate_flow: a sound flow passes; a broken one is refused with every problem and where it is."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from appliance.core.flows.presets import preset
from appliance.core.flows.schema import FlowDocument
from appliance.core.flows.validation import explain_flow, validate_flow


def texts(word: str) -> dict[str, str]:
    return {"es": f"{word} (es)", "en": f"{word} (en)"}


def sound_flow() -> dict[str, Any]:
    """Return a small valid flow: welcome → question → condition → end (or a goodbye)."""
    return {
        "languages": ["es", "en"],
        "default_language": "es",
        "start": "hello",
        "blocks": [
            {"id": "hello", "type": "message", "text": texts("hello"), "next": "kind"},
            {
                "id": "kind",
                "type": "buttons",
                "variable": "kind",
                "text": texts("which?"),
                "options": [{"id": "a", "label": texts("A")}, {"id": "b", "label": texts("B"), "next": "bye"}],
                "next": "check",
            },
            {
                "id": "check",
                "type": "condition",
                "branches": [{"if": {"var": "kind", "op": "equals", "value": "a"}, "next": "bye"}],
                "next": "end",
            },
            {"id": "bye", "type": "message", "text": texts("bye"), "next": "end"},
            {"id": "end", "type": "end"},
        ],
    }


def problems_of(data: dict[str, Any]) -> list[dict[str, str]]:
    flow, problems = validate_flow(data)
    assert flow is None, "a broken flow must not be returned"
    assert problems, "a broken flow must come with its problems"
    return problems


def paths_of(data: dict[str, Any]) -> set[str]:
    return {p["path"] for p in problems_of(data)}


def with_change(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(sound_flow())
    change(data)
    return data


def test_it_accepts_a_sound_flow() -> None:
    flow, problems = validate_flow(sound_flow())

    assert problems == []
    assert isinstance(flow, FlowDocument)
    assert flow.block("check").next == "end"


def test_it_accepts_the_base_preset_in_four_languages() -> None:
    flow, problems = validate_flow(preset("base"))

    assert problems == []
    assert flow is not None
    assert flow.languages == ["es", "ca", "pt", "en"]
    assert flow.start == "welcome"


def test_it_reports_a_next_that_names_no_block() -> None:
    problems = problems_of(with_change(lambda d: d["blocks"][0].update(next="nowhere")))

    assert {"path": "blocks[0].next", "message": "there is no block 'nowhere'"} in problems


def test_it_reports_an_option_and_a_branch_that_lead_nowhere() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][1]["options"][1]["next"] = "ghost"
        d["blocks"][2]["branches"][0]["next"] = "phantom"

    assert {"blocks[1].options[1].next", "blocks[2].branches[0].next"} <= paths_of(with_change(change))


def test_it_reports_a_block_that_cannot_be_reached() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"].insert(3, {"id": "lonely", "type": "message", "text": texts("nobody"), "next": "end"})

    problems = problems_of(with_change(change))

    assert problems == [{"path": "blocks[3]", "message": "block 'lonely' cannot be reached from start"}]


def test_it_reports_each_missing_translation_of_texts_and_labels() -> None:
    def change(d: dict[str, Any]) -> None:
        del d["blocks"][0]["text"]["en"]
        del d["blocks"][1]["options"][0]["label"]["es"]

    problems = problems_of(with_change(change))

    assert {"path": "blocks[0].text.en", "message": "missing translation"} in problems
    assert {"path": "blocks[1].options[0].label.es", "message": "missing translation"} in problems


def test_it_reports_a_text_in_a_language_the_flow_does_not_declare() -> None:
    problems = problems_of(with_change(lambda d: d["blocks"][0]["text"].update(pt="olá")))

    assert problems == [{"path": "blocks[0].text.pt", "message": "language not declared by the flow"}]


@pytest.mark.parametrize("index", [0, 2])
def test_it_reports_a_dead_end_on_a_message_or_a_condition(index: int) -> None:
    paths = paths_of(with_change(lambda d: d["blocks"][index].pop("next")))

    assert f"blocks[{index}].next" in paths


def test_it_reports_buttons_whose_options_without_next_go_nowhere() -> None:
    problems = problems_of(with_change(lambda d: d["blocks"][1].pop("next")))

    assert problems[0]["path"] == "blocks[1].next"
    assert "dead end" in problems[0]["message"]


def test_it_accepts_buttons_without_next_when_every_option_has_one() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][1].pop("next")
        d["blocks"][1]["options"][0]["next"] = "check"

    assert validate_flow(with_change(change))[1] == []


def test_it_reports_a_loop_of_messages_and_conditions_with_no_question() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][3]["next"] = "again"  # bye → again → bye ...
        d["blocks"].insert(
            4,
            {
                "id": "again",
                "type": "condition",
                "branches": [{"if": {"var": "kind", "op": "exists"}, "next": "bye"}],
                "next": "end",
            },
        )

    problems = problems_of(with_change(change))

    assert {p["path"] for p in problems} == {"blocks[3]", "blocks[4]"}
    assert all("loop with no question" in p["message"] for p in problems)


def test_it_accepts_a_loop_that_goes_through_a_question() -> None:
    assert validate_flow(with_change(lambda d: d["blocks"][3].update(next="kind")))[1] == []


def test_it_reports_duplicate_option_ids() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][1]["options"].append({"id": "a", "label": texts("A again")})

    assert problems_of(with_change(change)) == [
        {"path": "blocks[1].options[2].id", "message": "duplicate option id 'a'"}
    ]


def test_it_reports_duplicate_block_ids() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"].append({"id": "bye", "type": "end"})

    assert {"path": "blocks[5].id", "message": "duplicate block id 'bye'"} in problems_of(with_change(change))


def test_it_reports_an_unknown_start() -> None:
    problems = problems_of(with_change(lambda d: d.update(start="nope")))

    assert problems == [{"path": "start", "message": "there is no block 'nope'"}]


def test_it_reports_a_consent_grant_option_that_is_not_an_option() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][1]["consent"] = {"purpose": "lead_contact", "version": "1", "grant_option": "yes"}

    assert paths_of(with_change(change)) == {"blocks[1].consent.grant_option"}


def test_it_reports_bounds_where_min_is_not_below_max() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][0]["next"] = "size"
        d["blocks"].append({"id": "size", "type": "range", "text": texts("size"), "min": 10, "max": 10, "next": "kind"})

    assert paths_of(with_change(change)) == {"blocks[5].max"}


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        ({"var": "kind", "op": "like", "value": "a"}, "blocks[2].branches[0].if.op"),
        ({"var": "Kind", "op": "exists"}, "blocks[2].branches[0].if.var"),
        ({"all": [{"var": "kind", "op": "exists"}, {"var": "kind"}]}, "blocks[2].branches[0].if.all[1].op"),
        ({"not": {"var": "kind", "op": "gt", "valu": 3}}, "blocks[2].branches[0].if.not.valu"),
        ({"any": []}, "blocks[2].branches[0].if.any"),
    ],
)
def test_it_reports_a_malformed_condition_at_its_own_path(condition: dict[str, Any], path: str) -> None:
    paths = paths_of(with_change(lambda d: d["blocks"][2]["branches"][0].update({"if": condition})))

    assert paths == {path}


def test_it_reports_an_unknown_block_type() -> None:
    problems = problems_of(with_change(lambda d: d["blocks"].append({"id": "film", "type": "video"})))

    assert len(problems) == 1
    assert problems[0]["path"] == "blocks[5]"
    assert "video" in problems[0]["message"]


def test_it_lists_every_problem_of_a_flow_at_once_with_its_path() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][0]["next"] = "nowhere"  # unknown next
        del d["blocks"][0]["text"]["en"]  # missing translation
        d["blocks"][1]["options"].append({"id": "b", "label": texts("B again")})  # duplicate option
        d["blocks"][2]["branches"][0]["if"] = {"var": "kind", "op": "like"}  # malformed condition
        d["blocks"][3].pop("next")  # dead end
        d["blocks"].append({"id": "film", "type": "video"})  # unknown type

    paths = paths_of(with_change(change))

    assert paths == {
        "blocks[0].next",
        "blocks[0].text.en",
        "blocks[1].options[2].id",
        "blocks[2].branches[0].if.op",
        "blocks[3].next",
        "blocks[5]",
    }


def test_it_lists_problems_of_a_well_formed_flow_together() -> None:
    def change(d: dict[str, Any]) -> None:
        d["start"] = "nope"
        d["blocks"].append({"id": "bye", "type": "end"})
        d["blocks"][1]["options"].append({"id": "a", "label": {"es": "otra A"}})
        d["default_language"] = "en"
        d["languages"] = ["es", "ca"]

    paths = paths_of(with_change(change))

    assert {"start", "blocks[5].id", "blocks[1].options[2].id", "default_language", "blocks[0].text.ca"} <= paths
    assert "blocks[0].text.en" in paths  # a text in an undeclared language


def test_it_refuses_a_document_that_is_not_a_flow_without_raising() -> None:
    for junk in (None, [], "flow", {"blocks": "many"}, {"blocks": [None, 3]}):
        flow, problems = validate_flow(junk)
        assert flow is None
        assert problems


# --- codes, for interfaces that say problems in their reader's language -----------------------------


def test_each_problem_comes_with_a_code_and_its_params_beside_the_plain_message() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][0]["next"] = "nowhere"
        del d["blocks"][1]["options"][0]["label"]["en"]

    flow, problems = explain_flow(with_change(change))
    assert flow is None
    assert {
        "path": "blocks[0].next",
        "message": "there is no block 'nowhere'",
        "code": "unknown_block",
        "params": {"target": "nowhere"},
    } in problems
    assert {
        "path": "blocks[1].options[0].label.en",
        "message": "missing translation",
        "code": "missing_translation",
        "params": {"language": "en"},
    } in problems
    # validate_flow answers the same problems in the shape the API has always had.
    assert validate_flow(with_change(change))[1] == [{"path": p["path"], "message": p["message"]} for p in problems]


def test_schema_problems_are_coded_by_their_kind_with_plain_params() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"][1]["options"].append({"id": "c", "label": {"es": "x" * 2001, "en": "C"}})
        d["blocks"].append({"id": "film", "type": "video"})

    problems = explain_flow(with_change(change))[1]
    codes = {p["path"]: (p["code"], p["params"]) for p in problems}
    assert codes["blocks[1].options[2].label.es"] == ("string_too_long", {"max_length": 2000})
    assert codes["blocks[5]"][0] == "union_tag_invalid"
    assert all(isinstance(v, str | int | float | bool) for p in problems for v in p["params"].values())
