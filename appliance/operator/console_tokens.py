"""Short-lived operator tokens for `ebanista console` run on the appliance's own machine."""

from __future__ import annotations

from datetime import timedelta

from appliance.infra.audit import COMMAND_LINE, record
from appliance.infra.db import utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.registry import create_api_token

CONSOLE_TOKEN_MINUTES = 60


def mint_console_token(rt: Runtime, minutes: int = CONSOLE_TOKEN_MINUTES) -> str:
    """Create a SUPER_ADMIN api token that expires in ``minutes`` and return its plaintext.

    Whoever runs the command on the appliance's machine can read its database anyway; the token
    only lets the console speak to the API, and its creation is audited like any other.
    """
    with rt.transaction() as db:
        token, plaintext = create_api_token(db, None, "SUPER_ADMIN", name="console")
        token.expires_at = utcnow() + timedelta(minutes=minutes)
        record(
            db,
            "console.token_created",
            tenant_id=None,
            target_type="api_token",
            target_id=token.id,
            details={"minutes": minutes},
            actor=COMMAND_LINE,
        )
    return plaintext
