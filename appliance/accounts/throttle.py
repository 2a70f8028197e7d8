"""Counting failed sign-ins per e-mail and client address, and the growing locks they earn.

A pair (e-mail, address) is locked after ``MAX_FAILURES`` failures in a row, first for
``LOCK_STEPS_MINUTES[0]`` minutes and longer on each further lock of the same pair; a day without
failures forgets the pair. Other addresses are never affected, so whoever fails on purpose from one
address cannot keep the person out from another. Unknown e-mails are counted the same way, so a lock
says nothing about whether an account exists. IPv6 clients count by their /64, which one client
usually holds whole."""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from appliance.infra.db import LoginThrottle, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

MAX_FAILURES = 5
LOCK_STEPS_MINUTES = (15, 60, 240)
FORGET_AFTER = timedelta(days=1)


def email_key(email: str) -> str:
    """Return the hash an e-mail is counted under (the e-mail itself is not stored)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def client_key(address: str) -> str:
    """Return the address a client is counted under: an IPv6 address's /64, any other as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def find(db: Session, email: str, address: str) -> LoginThrottle | None:
    """Return the count of ``email`` from ``address``, if it failed there."""
    return db.scalar(
        select(LoginThrottle).where(
            LoginThrottle.email_key == email_key(email), LoginThrottle.address == client_key(address)
        )
    )


def locked_until(throttle: LoginThrottle | None, now: datetime) -> datetime | None:
    """Return when the lock on the pair ends, or None when it is not locked now."""
    if throttle is None or throttle.locked_until is None or throttle.locked_until <= now:
        return None
    return throttle.locked_until


def count_failure(db: Session, email: str, address: str, now: datetime) -> LoginThrottle:
    """Count one failure of ``email`` from ``address``; lock the pair when there were too many in a row."""
    throttle = _row_to_count(db, email, address, now)
    if now - throttle.last_failure_at > FORGET_AFTER:
        throttle.failures, throttle.lockouts = 0, 0
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= MAX_FAILURES:
        step = min(throttle.lockouts, len(LOCK_STEPS_MINUTES) - 1)
        throttle.locked_until = now + timedelta(minutes=LOCK_STEPS_MINUTES[step])
        throttle.lockouts += 1
        throttle.failures = 0
    db.flush()
    return throttle


def _row_to_count(db: Session, email: str, address: str, now: datetime) -> LoginThrottle:
    """Return the pair's row, locked for this transaction, creating it when it is the first failure.

    Two failures of one pair may arrive at the same moment: the row is locked so neither count is
    lost, and a first row made by the other attempt meanwhile is taken instead of failing on the key.
    """
    keys = {"email_key": email_key(email), "address": client_key(address)}
    where = (LoginThrottle.email_key == keys["email_key"], LoginThrottle.address == keys["address"])
    throttle = db.scalar(select(LoginThrottle).where(*where).with_for_update())
    if throttle is not None:
        return throttle
    try:
        with db.begin_nested():
            db.add(LoginThrottle(**keys, failures=0, lockouts=0, last_failure_at=now))
    except IntegrityError:
        pass  # the other attempt made it first: count on its row
    return db.scalars(select(LoginThrottle).where(*where).with_for_update()).one()


def forget(db: Session, email: str, address: str | None = None) -> None:
    """Forget the failures of ``email`` from ``address`` (a success there), or from everywhere (a new password)."""
    query = delete(LoginThrottle).where(LoginThrottle.email_key == email_key(email))
    if address is not None:
        query = query.where(LoginThrottle.address == client_key(address))
    db.execute(query)


@task
def forget_stale_throttles(rt: Runtime, now: datetime | None = None) -> int:
    """Delete the counts of pairs that failed no more for a day (they would start afresh anyway)."""
    now = now or utcnow()
    with rt.transaction() as db:
        result = db.execute(
            delete(LoginThrottle).where(
                LoginThrottle.last_failure_at < now - FORGET_AFTER,
                (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now),
            )
        )
    return result.rowcount or 0
