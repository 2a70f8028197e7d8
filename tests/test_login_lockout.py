"""Sign-in lockout is per e-mail and client address: it cannot be used to keep a person out, nor to
learn which e-mails have accounts, and the person hears of it by mail."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.accounts import throttle
from appliance.accounts.login import LOCK_MINUTES, MAX_FAILURES, check_password
from appliance.accounts.throttle import LOCK_STEPS_MINUTES
from appliance.infra.db import LoginThrottle, User, utcnow
from appliance.infra.runtime import Runtime, runtime_of
from tests.conftest import PASSWORD, Cast
from tests.mailbox import Inbox
from tests.panel import sign_in

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def fail(client: FlaskClient, email: str, times: int = MAX_FAILURES):
    return [sign_in(client, email, "wrong password") for _ in range(times)][-1]


def error_of(response) -> str:
    found = re.search(r'data-testid="login-error"[^>]*>(.*?)<', response.get_data(as_text=True), re.S)
    assert found, "no error on the page"
    return " ".join(found.group(1).split())


def test_the_right_password_from_another_address_signs_in_while_one_address_is_locked_out(
    app: Flask, cast: Cast
) -> None:
    attacker = client_at(app, ATTACKER)
    assert fail(attacker, "alice@example.com").status_code == 423
    assert sign_in(attacker, "alice@example.com").status_code == 423  # still locked from there
    owner = client_at(app, OWNER)
    response = sign_in(owner, "alice@example.com")
    assert response.status_code == 302
    assert owner.get("/panel").status_code == 200
    # Signing in from elsewhere does not lift the lock of the attacker's address.
    assert sign_in(attacker, "alice@example.com").status_code == 423


def test_known_and_unknown_emails_get_the_same_answer_before_and_after_the_lock(app: Flask, cast: Cast) -> None:
    known, unknown = client_at(app, ATTACKER), client_at(app, ATTACKER)
    for _ in range(MAX_FAILURES - 1):
        a, b = sign_in(known, "alice@example.com", "wrong"), sign_in(unknown, "nobody@example.com", "wrong")
        assert (a.status_code, error_of(a)) == (b.status_code, error_of(b)) == (401, error_of(a))
    a, b = sign_in(known, "alice@example.com", "wrong"), sign_in(unknown, "nobody@example.com", "wrong")
    assert a.status_code == b.status_code
    assert error_of(a) == error_of(b)
    assert "locked for 15 minutes" in error_of(a)
    # While locked, even the right password gets the same answer as an unknown e-mail.
    a, b = sign_in(known, "alice@example.com"), sign_in(unknown, "nobody@example.com", PASSWORD)
    assert (a.status_code, error_of(a)) == (b.status_code, error_of(b))


def login(rt: Runtime, email: str, password: str, now, address: str = ATTACKER):
    with rt.transaction() as db:
        return check_password(db, email, password, address=address, now=now)


def test_each_further_lock_of_the_same_email_and_address_lasts_longer(rt: Runtime, cast: Cast) -> None:
    now = utcnow()
    for minutes in LOCK_STEPS_MINUTES:
        outcomes = [login(rt, "alice@example.com", "wrong", now).status for _ in range(MAX_FAILURES)]
        assert outcomes[-1] == "locked"
        locked = login(rt, "alice@example.com", PASSWORD, now)
        assert locked.status == "locked"
        assert locked.locked_until == now + timedelta(minutes=minutes)
        now = locked.locked_until + timedelta(seconds=1)
    assert LOCK_STEPS_MINUTES[0] == LOCK_MINUTES
    assert tuple(sorted(set(LOCK_STEPS_MINUTES))) == LOCK_STEPS_MINUTES  # each lock longer
    # The longest step is kept for further locks, and a right password from there lifts it.
    for _ in range(MAX_FAILURES):
        last = login(rt, "alice@example.com", "wrong", now)
    assert last.locked_until == now + timedelta(minutes=LOCK_STEPS_MINUTES[-1])
    later = last.locked_until + timedelta(seconds=1)
    assert login(rt, "alice@example.com", PASSWORD, later).status == "ok"
    for _ in range(MAX_FAILURES):
        first_again = login(rt, "alice@example.com", "wrong", later)
    assert first_again.locked_until == later + timedelta(minutes=LOCK_MINUTES)


def test_a_day_without_failures_forgets_earlier_locks(rt: Runtime, cast: Cast) -> None:
    now = utcnow()
    for _ in range(MAX_FAILURES):
        login(rt, "alice@example.com", "wrong", now)
    next_day = now + timedelta(days=1, minutes=LOCK_MINUTES + 1)
    for _ in range(MAX_FAILURES):
        locked = login(rt, "alice@example.com", "wrong", next_day)
    assert locked.locked_until == next_day + timedelta(minutes=LOCK_MINUTES)


def test_unknown_emails_are_locked_too_but_never_stored_in_clear(rt: Runtime, cast: Cast) -> None:
    now = utcnow()
    outcomes = [login(rt, "Stranger@Example.com", "wrong", now).status for _ in range(MAX_FAILURES)]
    assert outcomes == ["invalid"] * (MAX_FAILURES - 1) + ["locked"]
    with rt.sessions() as db:
        [row] = db.scalars(select(LoginThrottle)).all()
    assert "stranger" not in row.email_key
    assert row.address == ATTACKER


def test_ipv6_clients_are_counted_by_their_64(rt: Runtime, cast: Cast) -> None:
    now = utcnow()
    for n in range(MAX_FAILURES):
        last = login(rt, "alice@example.com", "wrong", now, address=f"2001:db8:1:2::{n + 1:x}")
    assert last.status == "locked"
    assert login(rt, "alice@example.com", PASSWORD, now, address="2001:db8:1:3::1").status == "ok"


def test_the_person_is_mailed_once_per_lockout_in_their_language(mail_app: Flask, inbox: Inbox, cast: Cast) -> None:
    with runtime_of(mail_app).transaction() as db:
        db.get(User, cast.alice.id).language = "ca"
    attacker = client_at(mail_app, ATTACKER)
    fail(attacker, "alice@example.com", MAX_FAILURES - 1)
    assert inbox.messages == []
    fail(attacker, "alice@example.com", 1)
    fail(attacker, "alice@example.com", 3)  # refused while locked: no more mail
    [message] = inbox.messages
    assert message["To"] == "alice@example.com"
    assert "intents fallits" in message["Subject"]
    body = message.get_content()
    assert ATTACKER in body
    assert "Des de qualsevol altre lloc" in body
    # An unknown e-mail locked out gets no mail (there is nobody to tell), and nor does anyone else.
    fail(attacker, "nobody@example.com")
    assert len(inbox.messages) == 1


def test_failures_of_one_pair_arriving_together_are_all_counted(rt: Runtime) -> None:
    rounds, now = 10, utcnow()
    for n in range(rounds):
        email, address = f"racer{n}@example.com", f"192.0.2.{n + 1}"
        start, errors = threading.Barrier(2), []

        def fail_once(
            email: str = email, address: str = address, start: threading.Barrier = start, errors: list = errors
        ) -> None:
            start.wait()
            try:
                with rt.transaction() as db:
                    throttle.count_failure(db, email, address, now)
            except Exception as exc:
                errors.append(exc)

        racers = [threading.Thread(target=fail_once) for _ in range(2)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        assert errors == []
        with rt.transaction() as db:
            assert throttle.find(db, email, address).failures == 2


def test_counts_left_a_day_without_failures_are_deleted_but_live_locks_are_kept(rt: Runtime, cast: Cast) -> None:
    now = utcnow()
    login(rt, "alice@example.com", "wrong", now - timedelta(days=2))
    for _ in range(MAX_FAILURES):
        login(rt, "bob@example.com", "wrong", now)
    assert throttle.forget_stale_throttles(rt, now) == 1
    with rt.sessions() as db:
        [kept] = db.scalars(select(LoginThrottle)).all()
    assert kept.email_key == throttle.email_key("bob@example.com")
    assert kept.locked_until is not None
    assert throttle.forget_stale_throttles(rt, now + timedelta(days=1, minutes=LOCK_MINUTES + 1)) == 1
