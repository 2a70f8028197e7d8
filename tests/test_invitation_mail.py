"""New team members and new stores' owners get their invitation link by e-mail, in the store's language."""

from __future__ import annotations

import re

from flask import Flask

from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.mailbox import Inbox
from tests.operators import auth, platform_token
from tests.panel import post_form, sign_in


def link_in(message) -> str:
    return re.search(r"https?://\S+/panel/invite/\S+", message.get_content()).group(0)


def test_a_person_invited_from_the_panel_gets_the_link_by_mail(mail_app: Flask, inbox: Inbox, cast: Cast) -> None:
    client = mail_app.test_client()
    sign_in(client, "alice@example.com")
    post_form(client, "/panel/settings/team/invite", {"email": "nova@example.com", "role": "AGENT"})
    [message] = inbox.messages
    assert message["To"] == "nova@example.com"
    assert cast.tenant_a.name in message["Subject"]
    path = link_in(message).split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200


def test_someone_who_already_has_a_password_gets_no_mail(mail_app: Flask, inbox: Inbox, cast: Cast) -> None:
    client = mail_app.test_client()
    sign_in(client, "charlie@example.com")
    post_form(client, "/panel/settings/team/invite", {"email": "bob@example.com", "role": "AGENT"})
    assert inbox.messages == []


def test_a_new_stores_owner_gets_the_link_in_the_stores_language(mail_app: Flask, inbox: Inbox, mrt: Runtime) -> None:
    token = platform_token(mrt)
    body = {"name": "Fusteria Nova", "default_language": "ca", "owner_email": "Owner@Nova.example"}
    created = mail_app.test_client().post("/v1/admin/tenants", json=body, headers=auth(token))
    assert created.status_code == 201
    [message] = inbox.messages
    assert message["To"] == "owner@nova.example"
    assert "et convida" in message["Subject"]
    assert link_in(message).startswith(mrt.settings.public_url.rstrip("/") + "/panel/invite/")
