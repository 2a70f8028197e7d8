"""Invitation links: a signed, expiring token that lets a new person set their password.

The token carries only the user's id, signed with the app's secret and the "invite" salt (so no
other signed value of the app can pass for one); nothing is stored. Accepting one (choosing the
first password) is ``appliance.accounts.acceptance``.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from appliance.errors import BadRequest

SALT = "invite"
LIFETIME_SECONDS = 7 * 24 * 3600


def make_invitation_token(secret: str, user_id: str) -> str:
    """Return the token of an invitation for ``user_id``."""
    return URLSafeTimedSerializer(secret, salt=SALT).dumps({"u": user_id})


def read_invitation_token(secret: str, token: str, max_age: int = LIFETIME_SECONDS) -> str:
    """Return the user id an invitation token was made for, or raise 400 if it is expired or forged."""
    serializer = URLSafeTimedSerializer(secret, salt=SALT)
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise BadRequest("This invitation has expired; ask for a new one.", code="invitation_expired") from None
    except BadSignature:
        raise BadRequest("This invitation link is not valid.", code="invitation_invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), str):
        raise BadRequest("This invitation link is not valid.", code="invitation_invalid")
    return payload["u"]


def invitation_url(public_url: str, token: str) -> str:
    """Return the panel address where the invited person accepts the invitation."""
    return f"{public_url.rstrip('/')}/panel/invite/{token}"
