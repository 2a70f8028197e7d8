"""Passwords are hashed with argon2id at production costs and verified in constant time."""

from __future__ import annotations

from argon2 import PasswordHasher

from appliance.security.passwords import generate_password, hash_password, verify_password


def test_the_production_hasher_uses_argon2id_with_strong_costs() -> None:
    hasher = PasswordHasher()
    stored = hasher.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert hasher.memory_cost >= 64 * 1024
    assert hasher.time_cost >= 3


def test_a_password_verifies_only_against_its_own_hash() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery") is True
    assert verify_password(stored, "correct horse batterY") is False
    assert verify_password(None, "anything") is False
    assert verify_password("not-a-hash", "anything") is False


def test_generated_passwords_are_long_and_different() -> None:
    first, second = generate_password(), generate_password()
    assert len(first) >= 16
    assert first != second
