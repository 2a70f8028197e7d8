"""A visitor driving the chat API through the test client, as the widget would."""

from __future__ import annotations

import uuid
from typing import Any

from flask.testing import FlaskClient

ORIGIN = "https://www.estudi.es"

# An answer to every question of the base flow, as a visitor clicking through the widget gives them.
BASE_ANSWERS: dict[str, dict[str, Any]] = {
    "consent": {"choice": "yes"},
    "project": {"choice": "kitchen"},
    "area": {"value": 14},
    "budget": {"value": [8000, 12000]},
    "style": {"choice": "modern"},
    "urgency": {"choice": "soon"},
    "photos": {"skip": True},
    "name": {"value": "Ana Serra"},
    "contact_method": {"choice": "email"},
    "email": {"value": "Ana.Serra@Example.com"},
    "phone": {"value": "612 345 678"},
    "visit_type": {"choice": "showroom"},
}


class Visitor:
    """One browser tab on a store's website, talking to the bot."""

    def __init__(self, client: FlaskClient, widget_key: str, origin: str = ORIGIN) -> None:
        self.client, self.widget_key, self.origin = client, widget_key, origin
        self.token = self.session_id = ""
        # The conversation's secret, given when it was opened: the widget keeps it to resume.
        self.secret: str | None = None
        self.last: dict[str, Any] = {}

    def open(self, lang: str | None = None, session_id: str | None = None, secret: str | None = None) -> dict[str, Any]:
        """Open (or resume, with the conversation's id and secret) the conversation; returns the
        widget session answer. Resuming this visitor's own conversation sends the secret it kept."""
        body: dict[str, Any] = {"widget_key": self.widget_key}
        if lang:
            body["lang"] = lang
        if session_id:
            body["session_id"] = session_id
            if secret is None and session_id == self.session_id:
                secret = self.secret
        if secret:
            body["session_secret"] = secret
        response = self.client.post("/v1/widget/session", json=body, headers={"Origin": self.origin})
        assert response.status_code == 200, response.get_json()
        data = response.get_json()
        if data["session_id"] != self.session_id:
            self.secret = None
        self.token, self.session_id = data["token"], data["session_id"]
        self.secret = data.get("session_secret") or self.secret
        return data

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Origin": self.origin, **extra}

    def start(self, lang: str | None = None) -> dict[str, Any]:
        body = {"session_id": self.session_id} | ({"lang": lang} if lang else {})
        response = self.client.post("/v1/chat/start", json=body, headers=self.headers())
        assert response.status_code == 200, response.get_json()
        self.last = response.get_json()
        return self.last

    def send(self, key: str | None = None, **reply: Any) -> dict[str, Any]:
        response = self.post_send(key=key, **reply)
        assert response.status_code == 200, response.get_json()
        self.last = response.get_json()
        return self.last

    def post_send(self, key: str | None = None, **reply: Any):
        headers = self.headers(**{"Idempotency-Key": key or uuid.uuid4().hex})
        return self.client.post("/v1/chat/send", json={"session_id": self.session_id, **reply}, headers=headers)

    def transcript(self) -> dict[str, Any]:
        response = self.client.get(f"/v1/chat/{self.session_id}", headers=self.headers())
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    @property
    def waiting_for(self) -> str | None:
        return self.last["input"]["block_id"] if self.last.get("input") else None

    def texts(self) -> list[str]:
        return [m["text"] for m in self.last["messages"]]
