"""Field encryption at rest (Fernet, rotatable) and keyed lookup hashes for encrypted values.

The key ring is process-wide because SQLAlchemy column types, which encrypt and decrypt, have no
access to the application; create_app() installs it before the database is touched.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from appliance.infra.settings import Settings, split_keys


class KeyRing:
    """Encrypts with the first key, decrypts with any, and hashes values for lookups."""

    def __init__(self, keys: list[bytes], lookup_key: bytes) -> None:
        self._fernet = MultiFernet([Fernet(k) for k in keys])
        self._lookup_key = lookup_key

    def encrypt(self, plaintext: str) -> str:
        """Return the ciphertext of ``plaintext`` under the newest key."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Return the plaintext of a token made with any key of the ring."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise DecryptionError("a stored value cannot be decrypted with the configured keys") from None

    def encrypt_bytes(self, data: bytes) -> bytes:
        """Return ``data`` encrypted under the newest key (for stored files)."""
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, token: bytes) -> bytes:
        """Return the plaintext of file bytes encrypted with any key of the ring."""
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise DecryptionError("a stored file cannot be decrypted with the configured keys") from None

    def rotate(self, token: str) -> str:
        """Return ``token`` re-encrypted under the newest key (same plaintext, same timestamp)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise DecryptionError("a stored value cannot be decrypted with the configured keys") from None

    def rotate_bytes(self, token: bytes) -> bytes:
        """Return encrypted file bytes re-encrypted under the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise DecryptionError("a stored file cannot be decrypted with the configured keys") from None

    def lookup_hash(self, value: str) -> str:
        """Return a keyed hash of a normalised value, so encrypted fields can still be searched."""
        return hmac.new(self._lookup_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


class DecryptionError(Exception):
    """A stored value could not be decrypted (wrong or missing key)."""


def keyring_from_settings(settings: Settings) -> KeyRing:
    """Build the key ring: explicit EBANISTA_ENCRYPTION_KEYS, else one key derived from the secret.

    With explicit keys the derived key still comes last, for decrypting only: data written before
    the keys were set stays readable, and `ebanista keys rotate` moves it to the new key.
    """
    secret = (settings.secret_key or "").encode("utf-8")
    derived = base64.urlsafe_b64encode(_derive(secret, b"ebanista field encryption"))
    keys = [k.encode("ascii") for k in split_keys(settings.encryption_keys or "")]
    return KeyRing([*keys, derived] if derived not in keys else keys, _derive(secret, b"ebanista lookup hash"))


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


_keyring: KeyRing | None = None


def install_keyring(keyring: KeyRing) -> None:
    """Make ``keyring`` the one the encrypted column types use."""
    global _keyring  # one key ring per process, see the module docstring
    _keyring = keyring


def current_keyring() -> KeyRing:
    """Return the installed key ring; fail loudly if the app has not installed one."""
    if _keyring is None:
        raise RuntimeError("no encryption key ring installed; call create_app() first")
    return _keyring
