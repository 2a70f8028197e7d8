"""E-mailing staff notifications: at once, or gathered in a digest, never during quiet hours.

A notification waits with ``mail`` = "immediate" or "digest". Each run sends, for each person
outside their quiet hours (in the store's time zone), every waiting immediate notice in its own
message, and the digest in one message once its oldest notice is an hour old. Notices held by
quiet hours simply wait for the first run after they end. A notice is marked sent before its
message goes (a conditional update, so two workers never both send it) and put back if the mail
server refuses it for now.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import select, update

from appliance.events.notices import DEFAULT_PREFS, DIGEST_SUBJECT, FOOTER, OPEN_LINE, in_quiet_hours, text, title
from appliance.events.prefs import prefs_by_user
from appliance.infra.db import Notification, Tenant, User, utcnow
from appliance.infra.mail import MailError, send_mail
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

log = structlog.get_logger(__name__)

_NOTICES = Notification.__table__
DIGEST_EVERY = timedelta(hours=1)
WAITING = ("immediate", "digest")


@task
def mail_notifications(rt: Runtime) -> int:
    """Send the notification e-mails that are due now; return how many messages went out."""
    return send_due(rt, utcnow())


def send_due(rt: Runtime, now: datetime) -> int:
    """Send the notification e-mails due at ``now``; return how many messages went out."""
    sent = 0
    for (tenant_id, user_id), notices in _waiting(rt).items():
        sent += _send_for(rt, tenant_id, user_id, notices, now)
    return sent


def _waiting(rt: Runtime) -> dict[tuple[str, str], list[dict[str, Any]]]:
    with rt.transaction() as db:
        rows = db.execute(
            select(_NOTICES).where(_NOTICES.c.mail.in_(WAITING)).order_by(_NOTICES.c.created_at).limit(1000)
        ).mappings()
        grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            grouped[(row["tenant_id"], row["user_id"])].append(dict(row))
    return grouped


def _send_for(rt: Runtime, tenant_id: str, user_id: str, notices: list[dict[str, Any]], now: datetime) -> int:
    with rt.transaction() as db:
        user = db.get(User, user_id)
        tenant = db.get(Tenant, tenant_id)
        prefs = prefs_by_user(db.connection(), tenant_id).get(user_id, DEFAULT_PREFS)
        if user is None or tenant is None:
            return 0
        person = {"email": user.email, "language": user.language, "store": tenant.name, "zone": tenant.timezone}
    zone = ZoneInfo(person["zone"])
    if in_quiet_hours(now.astimezone(zone).time(), prefs["quiet_start"], prefs["quiet_end"]):
        return 0
    sent = 0
    for notice in (n for n in notices if n["mail"] == "immediate"):
        sent += _mail(rt, person, [notice], _one_subject(notice, person, zone))
    digest = [n for n in notices if n["mail"] == "digest"]
    if digest and digest[0]["created_at"] <= now - DIGEST_EVERY:
        subject = text(DIGEST_SUBJECT, person["language"]).format(store=person["store"], count=len(digest))
        sent += _mail(rt, person, digest, subject)
    return sent


def _one_subject(notice: dict[str, Any], person: dict[str, Any], zone: ZoneInfo) -> str:
    return f"{person['store']}: {notice_line(notice, person['language'], zone)}"


def notice_line(notice: dict[str, Any], language: str, zone: ZoneInfo) -> str:
    """Return the notification's text in ``language``, its times in the store's zone."""
    facts = dict(notice["data"])
    if facts.get("start"):
        facts["start"] = datetime.fromisoformat(facts["start"]).astimezone(zone).strftime("%d/%m/%Y %H:%M")
    return title(notice["kind"], language, facts)


def link(public_url: str, notice: dict[str, Any]) -> str:
    """Return the panel page a notification leads to: its lead, else the calendar."""
    if notice.get("lead_id"):
        return f"{public_url}/panel/leads/{notice['lead_id']}"
    return f"{public_url}/panel/calendar"


def _mail(rt: Runtime, person: dict[str, Any], notices: list[dict[str, Any]], subject: str) -> int:
    ids = [n["id"] for n in notices]
    if not _claim(rt, ids, notices[0]["mail"]):
        return 0
    language, zone, base = person["language"], ZoneInfo(person["zone"]), rt.settings.public_url
    blocks = [f"{notice_line(n, language, zone)}\n{text(OPEN_LINE, language)}: {link(base, n)}" for n in notices]
    footer = text(FOOTER, language).format(url=f"{base}/panel/notifications/settings")
    try:
        send_mail(rt.settings, person["email"], subject, "\n\n".join([*blocks, "--", footer]))
    except MailError as exc:
        log.warning("notification_mail_failed", notices=len(ids), permanent=exc.permanent, code=exc.code)
        if not exc.permanent:
            _unclaim(rt, ids, notices[0]["mail"])
        return 0
    return 1


def _claim(rt: Runtime, ids: list[str], waiting: str) -> bool:
    with rt.transaction() as db:
        done = db.execute(
            update(_NOTICES)
            .where(_NOTICES.c.id.in_(ids), _NOTICES.c.mail == waiting)
            .values(mail="sent", mailed_at=utcnow())
        )
        if done.rowcount != len(ids):
            db.rollback()
            return False
    return True


def _unclaim(rt: Runtime, ids: list[str], waiting: str) -> None:
    with rt.transaction() as db:
        db.execute(update(_NOTICES).where(_NOTICES.c.id.in_(ids)).values(mail=waiting, mailed_at=None))
