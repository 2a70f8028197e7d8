"""Finding a store's leads: the filters of the list and the CSV, sorting, and keyset paging.

Contacts are encrypted at rest, so SQL cannot look inside them. A whole email or a phone in ``q``
is matched exactly through the keyed lookup hashes written with the lead (``Lead.email_hash`` and
``Lead.phone_hash``, normalised the same way). Anything else in ``q`` is part of a name or of an
email: every other filter still runs in SQL, and the rows that pass are decrypted and compared in
Python, newest first, at most ``NAME_SCAN_LIMIT`` rows per request. When that bound is reached the page may hold fewer
items than asked for, and ``next_cursor`` continues the scan where it stopped.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal, Protocol
from zoneinfo import ZoneInfo

import phonenumbers
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from appliance.core.kinds import CHANNELS, LEAD_STATUSES, TEMPERATURES
from appliance.errors import Invalid, NotFound
from appliance.infra.calendar_bounds import OUT_OF_BOUNDS, within_bounds
from appliance.infra.crypto import current_keyring
from appliance.infra.db import Lead, Tenant
from appliance.infra.runtime import Runtime
from appliance.leads.views import lead_json
from appliance.tenants.validation import email_problem

Sort = Literal["-created_at", "created_at", "-score", "score"]
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# How many leads one request decrypts at most to compare names (see the module docstring).
NAME_SCAN_LIMIT = 2000
NAME_BATCH = 250
_OFFSET_WITHOUT_PLUS = re.compile(r" (\d\d:?\d\d)$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")


def _moment(value: Any) -> Any:
    """Read a day (2026-03-01) as a date and anything longer as a datetime.

    An offset's "+" arrives as a space when a client forgets to encode it; it is put back.
    """
    if not isinstance(value, str):
        return value
    text = _OFFSET_WITHOUT_PLUS.sub(r"+\1", value.strip())
    try:
        moment = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("give a date (2026-03-01) or a date and time (2026-03-01T09:30:00+01:00)") from None
    # Past the bounds, the day after or the store's local midnight would overflow (a 500).
    if not within_bounds(moment):
        raise ValueError(OUT_OF_BOUNDS)
    return moment


When = Annotated[date | datetime, BeforeValidator(_moment)]


class LeadFilters(BaseModel):
    """Which leads, in which order: the query string of GET /v1/leads and /v1/leads/export.csv.

    A day in ``created_from``/``created_to`` is a day in the store's time zone and ``created_to``
    includes it; a time without an offset is the store's local time.
    """

    model_config = ConfigDict(extra="forbid")

    temperature: Literal[TEMPERATURES] | None = None  # type: ignore[valid-type]
    status: Literal[LEAD_STATUSES] | None = None  # type: ignore[valid-type]
    project_type: str | None = Field(default=None, max_length=32)
    channel: Literal[CHANNELS] | None = None  # type: ignore[valid-type]
    language: Literal["es", "ca", "pt", "en"] | None = None
    score_min: int | None = Field(default=None, ge=0, le=100)
    score_max: int | None = Field(default=None, ge=0, le=100)
    created_from: When | None = None
    created_to: When | None = None
    assignee_id: str | None = Field(
        default=None, max_length=64, description="Leads assigned to this team member; `none`: unassigned ones."
    )
    q: str | None = Field(
        default=None, max_length=200, description="Part of a name or of an email, a whole email, or a phone."
    )
    sort: Sort = "-created_at"

    @model_validator(mode="after")
    def _ordered_scores(self) -> LeadFilters:
        if self.score_min is not None and self.score_max is not None and self.score_min > self.score_max:
            raise ValueError("score_min is higher than score_max")
        return self


@dataclass(frozen=True)
class Plan:
    """The SQL conditions of a search, and the folded name to look for in Python (if any)."""

    where: list[ColumnElement[bool]]
    sort: Sort
    needle: str | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def matches(self, lead: Any) -> bool:
        """Tell whether ``lead`` (or a row with its contact) passes the name or email search (always, without one)."""
        if self.needle is None:
            return True
        contact = lead.contact or {}
        return any(isinstance(contact.get(k), str) and self.needle in fold(contact[k]) for k in ("name", "email"))


def fold(text: str) -> str:
    """Return ``text`` without case, accents or repeated spaces ("Núria  Vidal" → "nuria vidal")."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def store_of(db: Session, tenant_id: str) -> Tenant:
    """Return the tenant (its time zone and country shape the filters)."""
    tenant = db.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("This store does not exist.")
    return tenant


def plan_for(filters: LeadFilters, tenant: Tenant) -> Plan:
    """Turn the filters into SQL conditions scoped to ``tenant``, plus a name to match."""
    zone = ZoneInfo(tenant.timezone)
    where: list[ColumnElement[bool]] = [Lead.tenant_id == tenant.id]
    for name in ("temperature", "status", "project_type", "channel", "language"):
        value = getattr(filters, name)
        if value is not None:
            where.append(getattr(Lead, name) == value)
    if filters.assignee_id == "none":
        where.append(Lead.assignee_id.is_(None))
    elif filters.assignee_id is not None:
        where.append(Lead.assignee_id == filters.assignee_id)
    if filters.score_min is not None:
        where.append(Lead.score >= filters.score_min)
    if filters.score_max is not None:
        where.append(Lead.score <= filters.score_max)
    if filters.created_from is not None:
        where.append(Lead.created_at >= _start(filters.created_from, zone))
    if filters.created_to is not None:
        where.append(_until(filters.created_to, zone))
    needle = None
    if filters.q and filters.q.strip():
        # An erased person is not findable by who they were.
        where.append(Lead.erased_at.is_(None))
        condition = _contact_condition(filters.q.strip(), tenant.country)
        if condition is not None:
            where.append(condition)
        else:
            needle = fold(filters.q)
    return Plan(where=where, sort=filters.sort, needle=needle, zone=zone)


def _start(moment: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return datetime.combine(moment, time.min, zone)


def _until(moment: date | datetime, zone: ZoneInfo) -> ColumnElement[bool]:
    if isinstance(moment, datetime):
        return Lead.created_at <= _start(moment, zone)
    return Lead.created_at < datetime.combine(moment + timedelta(days=1), time.min, zone)


def _contact_condition(q: str, country: str) -> ColumnElement[bool] | None:
    """Match an email or a phone through its lookup hash, normalised as when the lead was written."""
    keyring = current_keyring()
    if "@" in q and email_problem(q) is None:
        return Lead.email_hash == keyring.lookup_hash(q.lower())
    digits = sum(c.isdigit() for c in q)
    if digits >= 6 and _PHONE_LIKE.match(q):
        phone = e164(q, country)
        # Digits that make no phone cannot match one; the name search would not find them either.
        return Lead.phone_hash == keyring.lookup_hash(phone) if phone else Lead.id.is_(None)
    return None


def e164(raw: str, country: str) -> str | None:
    """Return a phone typed by staff in E.164, national numbers read in the store's country."""
    try:
        number = phonenumbers.parse(raw, country.upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Keyset paging: a cursor is the sort key and id of the last lead of a page, so pages stay
# stable while new leads arrive and no OFFSET scan grows with the page number.


def _column(sort: Sort) -> Any:
    return Lead.score if sort.endswith("score") else Lead.created_at


def _ordered(statement: Select[tuple[Lead]], sort: Sort) -> Select[tuple[Lead]]:
    column = _column(sort)
    if sort.startswith("-"):
        return statement.order_by(column.desc(), Lead.id.desc())
    return statement.order_by(column.asc(), Lead.id.asc())


def _after(sort: Sort, position: tuple[Any, str] | None) -> list[ColumnElement[bool]]:
    if position is None:
        return []
    value, lead_id = position
    column = _column(sort)
    # The plain bound (``column <= value``) is what the index range starts from: the OR alone is only a
    # filter, and a cursor deep in a large store would read every lead before it (EXPLAIN, bench/platform_scale.py).
    if sort.startswith("-"):
        return [column <= value, or_(column < value, and_(column == value, Lead.id < lead_id))]
    return [column >= value, or_(column > value, and_(column == value, Lead.id > lead_id))]


class Keyed(Protocol):
    """A lead, or a row of its columns, that a cursor can point after."""

    id: str
    score: int
    created_at: datetime


def _key(lead: Keyed, sort: Sort) -> tuple[Any, str]:
    return (lead.score if sort.endswith("score") else lead.created_at), lead.id


def encode_cursor(lead: Keyed, sort: Sort) -> str:
    """Return the opaque cursor that continues after ``lead`` in ``sort`` order."""
    value, lead_id = _key(lead, sort)
    raw = {"s": sort, "v": value.isoformat() if isinstance(value, datetime) else value, "i": lead_id}
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, sort: Sort) -> tuple[Any, str] | None:
    """Return the position a cursor points at; 422 if it is damaged or made for another sort."""
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value = datetime.fromisoformat(raw["v"]) if not sort.endswith("score") else int(raw["v"])
        position = (value, str(raw["i"]))
        same_sort = raw["s"] == sort
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise Invalid([{"path": "cursor", "message": "is not a cursor this list gave"}]) from None
    if not same_sort:
        raise Invalid([{"path": "cursor", "message": "was made for another sort order; start again without it"}])
    return position


@dataclass
class Scan:
    """The leads a scan kept, the last one it looked at, and whether more rows may follow."""

    leads: list[Lead]
    last: Keyed | None
    more: bool


def scan(db: Session, plan: Plan, position: tuple[Any, str] | None, want: int, budget: int) -> Scan:
    """Read leads in order after ``position`` until ``want`` match or ``budget`` rows were read."""
    if plan.needle is not None:
        return _scan_names(db, plan, position, want, budget)
    size = min(want, budget)
    statement = _ordered(select(Lead).where(*plan.where, *_after(plan.sort, position)), plan.sort)
    found = list(db.scalars(statement.limit(size)).all())
    return Scan(found, found[-1] if found else None, len(found) == size)


# What a name search reads of each lead it compares: the sort key and the contact, not the whole lead.
_NAME_COLUMNS = (Lead.id, Lead.created_at, Lead.score, Lead.contact)


def _scan_names(db: Session, plan: Plan, position: tuple[Any, str] | None, want: int, budget: int) -> Scan:
    """Compare names batch by batch, decrypting only the contacts; read the matching leads whole at the end."""
    matched: list[str] = []
    last: Any = None
    read = 0
    more = True
    while len(matched) < want and read < budget:
        size = min(NAME_BATCH, budget - read)
        statement = _ordered(select(*_NAME_COLUMNS).where(*plan.where, *_after(plan.sort, position)), plan.sort)
        batch = db.execute(statement.limit(size)).all()
        for row in batch:
            last, read = row, read + 1
            if plan.matches(row):
                matched.append(row.id)
                if len(matched) == want:
                    break
        if len(matched) < want and len(batch) < size:
            more = False
            break
        if batch:
            position = _key(batch[-1], plan.sort)
    leads = {lead.id: lead for lead in db.scalars(select(Lead).where(Lead.id.in_(matched)))} if matched else {}
    return Scan([leads[lead_id] for lead_id in matched], last, more)


def search_leads(
    db: Session, tenant_id: str, filters: LeadFilters, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Return one page of the store's leads matching ``filters`` (as the API shows them) and the
    cursor of the next page (None at the end)."""
    limit = max(1, min(limit, MAX_LIMIT))
    tenant = store_of(db, tenant_id)
    plan = plan_for(filters, tenant)
    position = decode_cursor(cursor, filters.sort)
    budget = NAME_SCAN_LIMIT if plan.needle else limit + 1
    found = scan(db, plan, position, limit + 1, budget)
    page = found.leads[:limit]
    if len(found.leads) > limit:
        next_cursor = encode_cursor(page[-1], filters.sort)
    elif found.more and found.last is not None:
        next_cursor = encode_cursor(found.last, filters.sort)
    else:
        next_cursor = None
    return [lead_json(lead, plan.zone) for lead in page], next_cursor


def find_leads(
    rt: Runtime, tenant_id: str, filters: LeadFilters, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Return one page of the store's leads matching ``filters`` and the next page's cursor (see search_leads)."""
    with rt.transaction() as db:
        return search_leads(db, tenant_id, filters, limit, cursor)


def newest_leads(rt: Runtime, tenant_id: str, filters: LeadFilters, limit: int) -> list[dict[str, Any]]:
    """Return the store's newest ``limit`` leads matching ``filters`` (whatever their sort), newest first."""
    newest_first = LeadFilters.model_validate({**filters.model_dump(), "sort": "-created_at"})
    return find_leads(rt, tenant_id, newest_first, limit)[0]
