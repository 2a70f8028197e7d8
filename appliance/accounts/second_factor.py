"""Two-factor sign-in with TOTP (RFC 6238) and single-use recovery codes.

The secret is encrypted at rest (User.totp_secret); recovery codes are stored as SHA-256
hashes, since each is random and used once. Two-factor counts as on only after the user
proved the secret with a first code, so a half-finished set-up never locks anyone out."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp

from appliance.infra.db import User

ISSUER = "Ebanista"
RECOVERY_CODES = 10
# One step either side tolerates a phone clock 30 s off.
VALID_WINDOW = 1


def enabled(user: User) -> bool:
    """Tell whether ``user`` must give a second factor."""
    return bool(user.totp_secret) and user.totp_confirmed_at is not None


def begin(user: User) -> tuple[str, str]:
    """Start (or restart) set-up: store a new unconfirmed secret; return it and its otpauth:// URI."""
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_confirmed_at = None
    return secret, pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def begin_or_resume(user: User) -> tuple[str, str]:
    """Return the secret and otpauth:// URI of an unfinished set-up, starting one when there is none."""
    # Showing the same secret again lets a person who reloads the page keep the entry already in their app.
    if user.totp_secret and user.totp_confirmed_at is None:
        uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
        return user.totp_secret, uri
    return begin(user)


def confirm(user: User, code: str, now: datetime) -> list[str] | None:
    """Finish set-up with a first code; return the new recovery codes (shown once), or None if wrong."""
    if not user.totp_secret or not _totp_ok(user.totp_secret, code, now):
        return None
    user.totp_confirmed_at = now
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [_hash(code) for code in codes]
    return codes


def disable(user: User) -> None:
    """Turn two-factor off and forget the secret and the recovery codes."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.recovery_codes = []


def verify(user: User, code: str, now: datetime) -> bool:
    """Accept a current TOTP code, or a recovery code (which is then used up)."""
    if not enabled(user):
        return False
    code = code.strip()
    if _totp_ok(user.totp_secret or "", code, now):
        return True
    hashed = _hash(code)
    if hashed in (user.recovery_codes or []):
        user.recovery_codes = [h for h in user.recovery_codes if h != hashed]
        return True
    return False


def _totp_ok(secret: str, code: str, now: datetime) -> bool:
    digits = code.replace(" ", "")
    return digits.isdigit() and pyotp.TOTP(secret).verify(digits, for_time=now, valid_window=VALID_WINDOW)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()
