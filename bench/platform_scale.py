"""Platform data at scale: 1 M leads and 10 M messages in PostgreSQL, and how fast staff read them.

Run as `.venv/bin/python bench/platform_scale.py [--keep] [--reuse] [--explain]`. It creates a scratch
database beside EBANISTA_TEST_DATABASE_URL (default postgresql://root@127.0.0.1:5432/test; the
database is `ebanista_scale`, or --database), runs the app's migrations, and fills it fast with
INSERT ... SELECT over generate_series (foreign-key triggers off and the secondary indexes built
after the load, as a restore does):

- 300 stores: the demo store (seed_demo, the large one, ~200 k leads, five staff) and 299 made by
  the app's create_tenant, the rest of the leads spread unevenly among them;
- 1 M leads over the last two years, each with its conversation (one session), 10 messages per
  conversation (10 M), analytics events (conversation started, completed, lead created) and an
  appointment for about one lead in twelve.

Encrypted columns hold real ciphertext made by the app's key ring: a pool of 4,000 people (contact,
answers, score from the app's own scoring) is encrypted once and reused, with the keyed lookup
hashes the app writes for e-mail and phone search; 100 more people are unique, to search for.

Then it measures, in process through the Flask test client and the large store's OWNER api token
(and a signed-in panel session for the panel's pages), every read staff do on the leads: the list
(first page, a cursor deep in it, each sort), each filter, search by e-mail, phone and name, the
KPIs, the panel's Today and Leads pages, one lead and its transcript, and the CSV export (time to
first byte and to the last one, and the memory it took). --runs times each (default 25, after a
warm-up) and prints p50/p95 against the 200 ms target. --explain adds, for each query, the plan
(node types, the index used, rows, buffers) of every statement on the big tables, from EXPLAIN
(ANALYZE, BUFFERS) of the SQL the request really sent.

--keep keeps the database afterwards, --reuse skips the generation when it is already filled (with
the same shape and key: set EBANISTA_SECRET_KEY the same, or leave the bench's own), and
--revision REV measures with the schema at REV (e.g. `--revision 0012b` for the schema before the
scale indexes of 0013i: the script migrates down or up to it first).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import psycopg.sql
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from appliance.app import create_app
from appliance.core.scoring import ScoringConfig, score, temperature
from appliance.infra.db import Flow, Lead, Tenant
from appliance.infra.db.migrate import downgrade, status, upgrade
from appliance.infra.runtime import Runtime, runtime_of
from appliance.leads.query import encode_cursor
from appliance.tenants.demo import seed_demo
from appliance.tenants.registry import TenantSpec, add_membership, create_tenant, upsert_user

TARGET_MS = 200.0
BENCH_SECRET = "ebanista-platform-scale-bench-secret-0123456789"  # noqa: S105 - a scratch database's key
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
PERSONAS = 4000
NEEDLES = 100
MESSAGES_PER_CONVERSATION = 10
DAYS = 730
# The data is loaded on the schema before the scale indexes (0013i), so measuring at head times their
# creation on the full tables as a deploy would, and `--revision 0012b` measures without them.
GENERATE_AT = "0012b"
BIG_TABLES = ("leads", "sessions", "messages", "analytics_events", "appointments")

FIRST_NAMES = [
    "Núria", "Laura", "Marta", "Ana", "Carmen", "Lucía", "Elena", "Paula", "Sofía", "Júlia", "Montse", "Rosa",
    "Pere", "Jordi", "Joan", "Marc", "David", "Javier", "Carlos", "Miguel", "Pablo", "Sergio", "Àlex", "João",
    "Inês", "Tiago", "Beatriz", "Emma", "Oliver", "Hugo",
]  # fmt: skip
LAST_NAMES = [
    "García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Vidal", "Serra", "Puig", "Ferrer", "Soler",
    "Roca", "Font", "Costa", "Navarro", "Torres", "Ruiz", "Díaz", "Moreno", "Romero", "Silva", "Santos",
    "Oliveira", "Pereira", "Smith", "Jones", "Castells", "Domènech", "Bosch", "Sala",
]  # fmt: skip
PROJECTS = ["kitchen", "kitchen", "kitchen", "wardrobe", "wardrobe", "bathroom", "living_room", "other"]
STYLES = ["modern", "classic", "nordic", "industrial", "rustic", "undecided", None]
URGENCIES = ["asap", "soon", "months", "exploring", None]
LANGUAGES = ["es"] * 6 + ["ca"] * 2 + ["pt", "en"]
STAFF = [("marta@estudiroure.demo", None), *[(f"agent{n}@estudiroure.demo", f"Agent {n}") for n in range(1, 5)]]
# The ten messages of a conversation: (role, block, text); {name}/{email} come from the person.
CONVERSATION = [
    ("bot", "welcome", "¡Hola! Soy el asistente de la tienda. ¿Buscas cocina, armario o un mueble a medida?"),
    ("visitor", "consent", "Acepto"),
    ("bot", "project", "¿Qué proyecto tienes en mente?"),
    ("visitor", "project", "Quiero reformar la {project} de unos {area} m2, estilo {style}"),
    ("bot", "budget", "¿Cuánto quieres invertir, más o menos?"),
    ("visitor", "budget", "Entre {budget_min} y {budget_max} euros"),
    ("bot", "name", "¿Cómo te llamas?"),
    ("visitor", "name", "{name}"),
    ("bot", "email", "¿A qué correo te enviamos el resumen?"),
    ("visitor", "email", "{email}"),
]


def b32(expr: str, chars: int) -> str:
    """Return SQL that writes the integer ``expr`` as ``chars`` Crockford base32 digits (as core.ids)."""
    digits = [f"substr('{ALPHABET}', ((({expr}) >> {5 * (chars - 1 - n)}) & 31)::int + 1, 1)" for n in range(chars)]
    return " || ".join(digits)


def sql_id(prefix: str, moment: str, serial: str) -> str:
    """Return SQL for an id like core.ids.new_id: the milliseconds of ``moment``, then 80 bits unique by ``serial``."""
    ms = f"(extract(epoch from {moment}) * 1000)::bigint"
    spread = f"((({serial}) * 2654435761) % 1099511627776)"
    return f"'{prefix}_' || {b32(ms, 10)} || {b32(spread, 8)} || {b32(serial, 8)}"


@dataclass(frozen=True)
class Shape:
    leads: int
    large: int
    stores: int

    @property
    def label(self) -> str:
        return f"ebanista-scale v1 leads={self.leads} large={self.large} stores={self.stores}"


# -- the scratch database --------------------------------------------------------------------------


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def scratch_url(base: str, name: str) -> str:
    return make_url(base).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def database_comment(base: str, name: str) -> str | None:
    """Return the comment on database ``name`` (None when it does not exist or has none)."""
    with psycopg.connect(libpq(base), autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    return None if row is None else (row[0] or "")


def recreate_database(base: str, name: str) -> None:
    with psycopg.connect(libpq(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(base: str, name: str) -> None:
    with psycopg.connect(libpq(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_app(database_url: str, data_dir: Path) -> Any:
    """Return the app in platform mode on ``database_url``, configured through EBANISTA_* as in production."""
    os.environ["EBANISTA_MODE"] = "platform"
    os.environ["EBANISTA_DATABASE_URL"] = database_url
    os.environ.setdefault("EBANISTA_REDIS_URL", "redis://127.0.0.1:6379/13")
    os.environ.setdefault("EBANISTA_SECRET_KEY", BENCH_SECRET)
    os.environ["EBANISTA_DATA_DIR"] = str(data_dir)
    os.environ["EBANISTA_RATE_LIMITS"] = "off"  # one client asks thousands of times
    os.environ.setdefault("EBANISTA_LOG_LEVEL", "WARNING")  # request log lines would bury the figures
    return create_app()


def key_mark(rt: Runtime) -> str:
    """Return a short fingerprint of the key ring's lookup key (ciphertext of another key is useless)."""
    return rt.keyring.lookup_hash("ebanista-scale")[:12]


def migrate_to(rt: Runtime, revision: str) -> None:
    current, head = status(rt.engine)
    target = head if revision == "head" else revision
    if current == target:
        return
    started = time.perf_counter()
    try:
        upgrade(rt.engine, target)
    except Exception:  # alembic says "not an ancestor" in several ways: go down instead
        downgrade(rt.engine, target)
    print(f"schema {current} -> {target} in {time.perf_counter() - started:.1f} s")


# -- generation ------------------------------------------------------------------------------------


def personas(rt: Runtime, count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Return ``count`` people with their answers, score and ciphertexts, made with the app's key ring."""
    rng = random.Random(seed)  # noqa: S311 - made-up people, the same on every run
    config = ScoringConfig()
    people = []
    for k in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        plain = re.sub(r"[^a-z]", "", _ascii(first).lower()) + "." + re.sub(r"[^a-z]", "", _ascii(last).lower())
        email = f"{plain}{k}@example.com" if rng.random() < 0.75 else None
        phone = f"+346{rng.randrange(10_000_000, 99_999_999)}" if rng.random() < 0.6 else None
        contact = {key: value for key, value in {"name": name, "email": email, "phone": phone}.items() if value}
        people.append(_persona(rt, rng, config, contact))
    return people


def needles(rt: Runtime, count: int, seed: int = 11) -> list[dict[str, Any]]:
    """Return ``count`` people who appear once each in the large store (what a search looks for)."""
    rng = random.Random(seed)  # noqa: S311 - made-up people, the same on every run
    config = ScoringConfig()
    found = []
    for n in range(count):
        contact = {
            "name": f"Valentina Quirós-Bench {n:03d}",
            "email": f"valentina.quiros.{n:03d}@bench.example",
            "phone": f"+34712{n:06d}",
        }
        found.append(_persona(rt, rng, config, contact))
    return found


def _ascii(text_: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text_) if not unicodedata.combining(c))


def _persona(rt: Runtime, rng: random.Random, config: ScoringConfig, contact: dict[str, str]) -> dict[str, Any]:
    keyring = rt.keyring
    budget_min = rng.choice([None, 3000, 5000, 8000, 12000, 20000, 35000])
    fields: dict[str, Any] = {
        "project_type": rng.choice(PROJECTS),
        "budget_min_eur": budget_min,
        "budget_max_eur": budget_min * 3 // 2 if budget_min else None,
        "area_m2": rng.choice([None, 6, 9, 12, 14, 18, 25, 40]),
        "style": rng.choice(STYLES),
        "urgency": rng.choice(URGENCIES),
        "contact_method": "email" if "email" in contact else "phone" if "phone" in contact else None,
    }
    fields = {key: value for key, value in fields.items() if value is not None}
    channel = "whatsapp" if rng.random() < 0.3 else "web"
    language = rng.choice(LANGUAGES)
    points, breakdown = score(fields, channel, config)
    dumped = json.dumps(contact, ensure_ascii=False, separators=(",", ":"))
    variables = json.dumps(fields | contact, ensure_ascii=False, separators=(",", ":"))
    email, phone = contact.get("email"), contact.get("phone")
    words = {
        "project": fields.get("project_type", "cocina"),
        "area": fields.get("area_m2", 10),
        "style": fields.get("style", "moderno"),
        "budget_min": fields.get("budget_min_eur", 5000),
        "budget_max": fields.get("budget_max_eur", 9000),
        "name": contact.get("name", "Prefiero no decirlo"),
        "email": email or phone or "Prefiero que me llaméis",
    }
    return {
        "contact": keyring.encrypt(dumped),
        "variables": keyring.encrypt(variables),
        "email_hash": keyring.lookup_hash(email.lower()) if email else None,
        "phone_hash": keyring.lookup_hash(phone) if phone else None,
        "fields": json.dumps(fields),
        "breakdown": json.dumps(breakdown),
        "score": points,
        "temperature": temperature(points, config),
        "project_type": fields.get("project_type"),
        "language": language,
        "channel": channel,
        "texts": [keyring.encrypt(line.format(**words)) for _role, _block, line in CONVERSATION],
        "plain": contact,
    }


def make_stores(rt: Runtime, shape: Shape) -> tuple[str, list[str]]:
    """Create the large (demo) store with its staff and the other stores through the app; return their ids."""
    with rt.transaction() as db:
        seed_demo(db, rt.settings.public_url)
        large = db.scalar(select(Tenant).where(Tenant.slug == "demo"))
        assert large is not None
        for email, name in STAFF[1:]:
            add_membership(db, large, upsert_user(db, email, "bench-password-0123456789", name=name or ""), "AGENT")
        large_id = large.id
    others = []
    for n in range(shape.stores - 1):
        with rt.transaction() as db:
            spec = TenantSpec(name=f"Fusteria Escala {n:03d}", slug=f"escala-{n:03d}", plan="base")
            others.append(create_tenant(db, spec).id)
    return large_id, others


@contextmanager
def step(name: str) -> Iterator[None]:
    started = time.perf_counter()
    print(f"  {name} ...", end="", flush=True)
    yield
    print(f" {time.perf_counter() - started:.1f} s", flush=True)


def generate(rt: Runtime, url: str, shape: Shape) -> float:
    """Fill the database with ``shape``; return the seconds it took."""
    started = time.perf_counter()
    print(f"generating {shape.label} ...")
    with step(f"{shape.stores} stores through the app"):
        large_id, others = make_stores(rt, shape)
    with step(f"{PERSONAS} people and {NEEDLES} unique ones encrypted with the app's key ring"):
        pool = personas(rt, PERSONAS) + needles(rt, NEEDLES)
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers row by row: the ids are made to fit
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SELECT setseed(0.42)")
        _pools(conn, rt, pool, large_id, others)
        rebuild = _drop_secondary_indexes(conn)
        _bulk(conn, shape, rt.keyring.encrypt("{}"))
        with step(f"rebuilding {len(rebuild)} indexes and constraints"):
            for statement in rebuild:
                conn.execute(statement)
        with step("VACUUM ANALYZE"):
            for table in (*BIG_TABLES, "tenants", "users", "memberships", "flows", "configs"):
                conn.execute(f"VACUUM ANALYZE {table}")
        for table in ("scale_person", "scale_text", "scale_store", "scale_staff", "scale_plan"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    return time.perf_counter() - started


def _pools(conn: psycopg.Connection, rt: Runtime, pool: list[dict[str, Any]], large: str, others: list[str]) -> None:
    conn.execute(
        "CREATE UNLOGGED TABLE scale_person (k int PRIMARY KEY, contact text, variables text, email_hash text,"
        " phone_hash text, fields jsonb, breakdown jsonb, score int, temperature text, project_type text,"
        " language text, channel text)"
    )
    conn.execute("CREATE UNLOGGED TABLE scale_text (k int, seq int, text text, PRIMARY KEY (k, seq))")
    with conn.cursor().copy("COPY scale_person FROM STDIN") as copy:
        for k, p in enumerate(pool):
            ciphers = (p["contact"], p["variables"], p["email_hash"], p["phone_hash"])
            copy.write_row((k, *ciphers, p["fields"], p["breakdown"], p["score"], p["temperature"], *_kind(p)))
    with conn.cursor().copy("COPY scale_text FROM STDIN") as copy:
        for k, p in enumerate(pool):
            for seq, line in enumerate(p["texts"]):
                copy.write_row((k, seq, line))
    conn.execute("CREATE UNLOGGED TABLE scale_store (n int PRIMARY KEY, id text, flow_id text, flow_version int)")
    with rt.transaction() as db:
        flows = dict(db.execute(select(Flow.tenant_id, Flow.id).where(Flow.state == "published")).all())
        versions = dict(db.execute(select(Flow.tenant_id, Flow.version).where(Flow.state == "published")).all())
    with conn.cursor().copy("COPY scale_store FROM STDIN") as copy:
        for n, tenant_id in enumerate([large, *others]):
            copy.write_row((n, tenant_id, flows.get(tenant_id), versions.get(tenant_id)))
    conn.execute("CREATE UNLOGGED TABLE scale_staff (n int PRIMARY KEY, id text)")
    staff = conn.execute(
        "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.tenant_id = %s ORDER BY u.email",
        (large,),
    ).fetchall()
    for n, (user_id,) in enumerate(staff):
        conn.execute("INSERT INTO scale_staff VALUES (%s, %s)", (n, user_id))


def _kind(person: dict[str, Any]) -> tuple[Any, ...]:
    return person["project_type"], person["language"], person["channel"]


def _drop_secondary_indexes(conn: psycopg.Connection) -> list[str]:
    """Drop the big tables' unique constraints and indexes (not primary keys); return what rebuilds them."""
    rebuild = []
    tables = list(BIG_TABLES)
    for name, table, definition in conn.execute(
        "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
        (tables,),
    ).fetchall():
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (tables,),
    ).fetchall():
        conn.execute(f'DROP INDEX "{name}"')
        rebuild.append(definition)
    return rebuild


def _bulk(conn: psycopg.Connection, shape: Shape, empty: str) -> None:
    """Insert the rows; ``empty`` is the ciphertext of an erased person's contact ({})."""
    stores = shape.stores - 1
    people = PERSONAS
    step_ = max(1, shape.large // NEEDLES)
    # One row per lead: its store, person, moment, status and assignee; the rest derive from it. Rows
    # follow time (i grows with the moment), so the tables are laid out on disk as a live store writes them.
    share = shape.large / shape.leads
    with step(f"plan of {shape.leads:,} leads"):
        conn.execute(
            f"""
            CREATE UNLOGGED TABLE scale_plan AS
            SELECT i, store, k, at, r1, r2, r3,
                   {sql_id("s", "at - interval '6 minutes'", "i")} AS sid, {sql_id("l", "at", "i")} AS lid
            FROM (
                SELECT i,
                       CASE WHEN random() < {share} THEN 0
                            ELSE 1 + least({stores - 1}, floor({stores} * power(random(), 1.6))::int) END AS store,
                       (i * 7919) % {people} AS k,
                       date_trunc('milliseconds', now() - interval '{DAYS} days' * (1 - i::float8 / {shape.leads})
                                  - random() * interval '1 minute') AS at,
                       random() AS r1, random() AS r2, random() AS r3
                FROM generate_series(1::bigint, {shape.leads}) AS i
            ) AS drawn
            ORDER BY i
            """
        )
        conn.execute("ALTER TABLE scale_plan ADD PRIMARY KEY (i)")
        # The unique people, once each in the large store, spread over its two years.
        conn.execute(
            f"""
            UPDATE scale_plan p SET k = {people} + (o.n - 1) / {step_}
            FROM (SELECT i, row_number() OVER (ORDER BY i) AS n FROM scale_plan WHERE store = 0) AS o
            WHERE p.i = o.i AND (o.n - 1) % {step_} = 0 AND o.n <= {step_ * NEEDLES}
            """
        )
        conn.execute("VACUUM ANALYZE scale_plan")
    recent = "p.at > now() - interval '14 days'"
    status = (
        f"CASE WHEN {recent} AND p.r1 < 0.7 THEN 'new' WHEN p.r1 < 0.08 THEN 'new' WHEN p.r1 < 0.35 THEN 'contacted'"
        " WHEN p.r1 < 0.55 THEN 'qualified' WHEN p.r1 < 0.7 THEN 'won' ELSE 'lost' END"
    )
    with step("sessions"):
        conn.execute(
            """
            INSERT INTO sessions (id, tenant_id, channel, language, status, flow_id, flow_version, current_block,
                                  state, variables, origin, channel_user_hash, secret_hash, last_activity_at,
                                  expires_at, created_at, updated_at)
            SELECT p.sid, s.id, x.channel, x.language,
                   CASE WHEN p.at > now() - interval '1 day' AND p.r2 < 0.2 THEN 'active'
                        WHEN p.r2 < 0.6 THEN 'completed' ELSE 'expired' END,
                   s.flow_id, s.flow_version,
                   CASE WHEN p.r2 < 0.6 THEN 'end'
                        ELSE (ARRAY['budget', 'style', 'urgency', 'name', 'email', 'phone', 'appointment'])
                             [1 + (p.i % 7)] END,
                   '{}'::jsonb, x.variables,
                   CASE WHEN x.channel = 'web' THEN 'https://www.store-' || p.store || '.example' END,
                   CASE WHEN x.channel = 'whatsapp' THEN md5('wa' || p.k) END, md5('secret' || p.i),
                   p.at, p.at + interval '30 days', p.at - interval '6 minutes', p.at
            FROM scale_plan p JOIN scale_store s ON s.n = p.store JOIN scale_person x ON x.k = p.k
            ORDER BY p.i
            """
        )
    erased = "p.r3 < 0.003"
    with step("leads"):
        conn.execute(
            f"""
            INSERT INTO leads (id, tenant_id, session_id, status, score, temperature, score_breakdown, fields,
                               project_type, contact, email_hash, phone_hash, language, channel, notes, assignee_id,
                               erased_at, created_at, updated_at)
            SELECT p.lid, s.id, p.sid,
                   {status}, x.score, x.temperature, x.breakdown, x.fields, x.project_type,
                   CASE WHEN {erased} THEN '{empty}' ELSE x.contact END,
                   CASE WHEN {erased} THEN NULL ELSE x.email_hash END,
                   CASE WHEN {erased} THEN NULL ELSE x.phone_hash END,
                   x.language, x.channel, NULL,
                   st.id,
                   CASE WHEN {erased} THEN p.at + interval '40 days' END,
                   p.at, p.at + interval '1 day' * p.r3 * 10
            FROM scale_plan p JOIN scale_store s ON s.n = p.store JOIN scale_person x ON x.k = p.k
                 LEFT JOIN scale_staff st ON p.store = 0 AND p.r3 < 0.6 AND st.n = p.i % 5
            ORDER BY p.i
            """
        )
    per = MESSAGES_PER_CONVERSATION
    roles = "ARRAY[" + ",".join(f"'{role}'" for role, _b, _t in CONVERSATION) + "]"
    blocks = "ARRAY[" + ",".join(f"'{block}'" for _r, block, _t in CONVERSATION) + "]"
    with step(f"{shape.leads * per:,} messages"):
        conn.execute(
            f"""
            INSERT INTO messages (id, tenant_id, session_id, seq, role, text, data, block_id, channel_message_id,
                                  created_at)
            SELECT {sql_id("m", "p.at - interval '6 minutes' + q.seq * interval '35 seconds'", f"p.i * {per} + q.seq")},
                   s.id, p.sid, q.seq,
                   ({roles})[q.seq + 1], t.text, NULL, ({blocks})[q.seq + 1], NULL,
                   p.at - interval '6 minutes' + q.seq * interval '35 seconds'
            FROM scale_plan p JOIN scale_store s ON s.n = p.store
                 CROSS JOIN generate_series(0, {per - 1}) AS q(seq)
                 JOIN scale_text t ON t.k = p.k AND t.seq = q.seq
            """
        )
    with step("analytics events"):
        started = "p.at - interval '6 minutes'"
        for name, moment, where, serial in (
            ("conversation_started", started, "true", "p.i * 3"),
            ("lead_created", "p.at", "true", "p.i * 3 + 1"),
            ("completed", "p.at + interval '2 minutes'", "p.r2 < 0.6", "p.i * 3 + 2"),
        ):
            conn.execute(
                f"""
                INSERT INTO analytics_events (id, tenant_id, name, session_id, lead_id, block_id, data, created_at)
                SELECT {sql_id("ev", moment, serial)}, s.id, '{name}',
                       p.sid, p.lid,
                       NULL, '{{}}'::jsonb, {moment}
                FROM scale_plan p JOIN scale_store s ON s.n = p.store
                WHERE {where}
                """
            )
    with step("appointments"):
        day = "p.at + interval '2 days' + (p.i % 12) * interval '1 day'"
        start = f"date_trunc('hour', {day}) + interval '1 hour' * (p.i % 8)"
        conn.execute(
            f"""
            INSERT INTO appointments (id, tenant_id, lead_id, service, start_at, end_at, blocked_start_at,
                                      blocked_end_at, status, contact, notes, postal_code, ics_uid, ics_sequence,
                                      mail_log, created_by, created_at, updated_at)
            SELECT {sql_id("a", "p.at", "p.i")}, s.id, p.lid,
                   CASE WHEN p.i % 3 = 0 THEN 'measuring_visit' ELSE 'showroom_visit' END,
                   {start}, {start} + interval '1 hour', {start}, {start} + interval '1 hour',
                   CASE WHEN {start} > now() THEN (CASE WHEN p.r3 < 0.1 THEN 'cancelled' ELSE 'booked' END)
                        WHEN p.r3 < 0.1 THEN 'cancelled' WHEN p.r3 < 0.18 THEN 'no_show' ELSE 'completed' END,
                   x.contact, NULL, CASE WHEN p.i % 3 = 0 THEN '46' || lpad((p.i % 1000)::text, 3, '0') END,
                   'scale-' || p.i || '@ebanista.bench', 0, NULL, NULL, p.at, p.at
            FROM scale_plan p JOIN scale_store s ON s.n = p.store JOIN scale_person x ON x.k = p.k
            WHERE (p.i * 31) % 1000 < 85
            """
        )


# -- measuring -------------------------------------------------------------------------------------


@dataclass
class Query:
    name: str
    path: str
    panel: bool = False  # needs the signed-in panel session instead of the api token
    export: bool = False  # stream the body, report first byte and the end


@dataclass
class Result:
    query: Query
    timings: list[float]
    first_bytes: list[float]
    status: int
    size: int
    note: str = ""


def p(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(fraction * len(ordered)) - 1)]


def queries(rt: Runtime, large_id: str) -> list[Query]:
    """Return every read to measure on the large store, with ids and cursors taken from its data."""
    with rt.transaction() as db:
        count = db.scalar(text("SELECT count(*) FROM leads WHERE tenant_id = :t"), {"t": large_id}) or 0
        deep = db.scalars(
            select(Lead).where(Lead.tenant_id == large_id).order_by(Lead.created_at.desc(), Lead.id.desc())
            .offset(count // 2).limit(1)
        ).first()  # fmt: skip
        agent = db.scalar(text("SELECT id FROM users WHERE email = 'agent3@estudiroure.demo'"))
        with_email = "SELECT id FROM leads WHERE tenant_id = :t AND email_hash IS NOT NULL LIMIT 1"
        one = db.scalar(text(with_email), {"t": large_id})
        tz_today = datetime.now(UTC).date()
    assert deep is not None
    deep_cursor = encode_cursor(deep, "-created_at")
    month_ago = (tz_today - timedelta(days=30)).isoformat()
    year_ago = (tz_today - timedelta(days=365)).isoformat()
    year_ago_week = (tz_today - timedelta(days=358)).isoformat()
    needle = 42
    return [
        Query("list: first page", "/v1/leads"),
        Query("list: page 2 (cursor)", "/v1/leads?cursor={next}"),
        Query(f"list: cursor half-way ({count // 2:,} in)", f"/v1/leads?cursor={deep_cursor}"),
        Query("list: limit=200", "/v1/leads?limit=200"),
        Query("sort: -score", "/v1/leads?sort=-score"),
        Query("sort: score", "/v1/leads?sort=score"),
        Query("sort: created_at (oldest)", "/v1/leads?sort=created_at"),
        Query("filter: status=new", "/v1/leads?status=new"),
        Query("filter: status=won", "/v1/leads?status=won"),
        Query("filter: temperature=premium", "/v1/leads?temperature=premium"),
        Query("filter: temperature=hot, -score", "/v1/leads?temperature=hot&sort=-score"),
        Query("filter: score 40-69", "/v1/leads?score_min=40&score_max=69"),
        Query("filter: score>=90, -score", "/v1/leads?score_min=90&sort=-score"),
        Query("filter: channel=whatsapp", "/v1/leads?channel=whatsapp"),
        Query("filter: language=pt", "/v1/leads?language=pt"),
        Query("filter: project_type=bathroom", "/v1/leads?project_type=bathroom"),
        Query("filter: assignee=agent", f"/v1/leads?assignee_id={agent}"),
        Query("filter: assignee=none", "/v1/leads?assignee_id=none"),
        Query("filter: last 30 days", f"/v1/leads?created_from={month_ago}"),
        Query("filter: a week a year ago", f"/v1/leads?created_from={year_ago}&created_to={year_ago_week}"),
        Query("filter: week ago, -score", f"/v1/leads?created_from={year_ago}&created_to={year_ago_week}&sort=-score"),
        Query("filter: status=new, -score (Today)", "/v1/leads?status=new&sort=-score"),
        Query("filter: won+premium+pt (rare)", "/v1/leads?status=won&temperature=premium&language=pt"),
        Query("filter: agent+status=lost+ca", f"/v1/leads?assignee_id={agent}&status=lost&language=ca"),
        Query("search: e-mail", f"/v1/leads?q=valentina.quiros.{needle:03d}@bench.example"),
        Query("search: phone", f"/v1/leads?q=712 {needle:06d}"),
        Query("search: common name", "/v1/leads?q=garcia"),
        Query("search: unique name", f"/v1/leads?q=Quir%C3%B3s-Bench {needle:03d}"),
        Query("search: nobody (2,000 scanned)", "/v1/leads?q=zzzyx"),
        Query("search: name + last 30 days", f"/v1/leads?q=zzzyx&created_from={month_ago}"),
        Query("kpis: last 30 days", "/v1/analytics/kpis"),
        Query("kpis: 365 days", f"/v1/analytics/kpis?from={year_ago}&to={tz_today.isoformat()}"),
        Query("lead detail", f"/v1/leads/{one}"),
        Query("lead transcript", f"/v1/leads/{one}/transcript"),
        Query("panel: Today", "/panel", panel=True),
        Query("panel: Leads", "/panel/leads", panel=True),
        Query("panel: Leads, hot, page 2", "/panel/leads?temperature=hot&cursor={next25}", panel=True),
        Query("export: last 30 days", f"/v1/leads/export.csv?created_from={month_ago}", export=True),
        Query("export: won, a year", f"/v1/leads/export.csv?status=won&created_from={year_ago}", export=True),
        Query("export: all (over the cap)", "/v1/leads/export.csv", export=True),
    ]


class Recorder:
    """Collect the SQL an engine sends while on (for EXPLAIN)."""

    def __init__(self, rt: Runtime) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(rt.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if self.on and not many:
            self.statements.append((statement, parameters))


def panel_client(app: Any, email: str, password: str) -> Any:
    client = app.test_client()
    html = client.get("/panel/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, "no CSRF token on the sign-in page"
    response = client.post("/panel/login", data={"email": email, "password": password, "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def measure(app: Any, rt: Runtime, runs: int, explain: bool) -> list[Result]:
    with rt.transaction() as db:
        demo = seed_demo(db, rt.settings.public_url)  # fresh credentials of the large store's owner
        large_id = db.scalar(select(Tenant.id).where(Tenant.slug == "demo"))
    api = app.test_client()
    headers = {"Authorization": f"Bearer {demo['api_token']}"}
    panel = panel_client(app, demo["owner_email"], demo["owner_password"])
    first = api.get("/v1/leads", headers=headers).get_json()
    hot = api.get("/v1/leads?temperature=hot&limit=25", headers=headers).get_json()
    recorder = Recorder(rt)
    results = []
    for q in queries(rt, large_id):
        path = q.path.replace("{next}", first["next_cursor"] or "").replace("{next25}", hot["next_cursor"] or "")
        client, extra = (panel, {}) if q.panel else (api, headers)
        timings, first_bytes = [], []
        status, size = 0, 0
        for n in range(runs + 1):
            started = time.perf_counter()
            response = client.get(path, headers=extra, buffered=False)
            chunks = iter(response.response)
            head = next(chunks, b"")
            got_first = time.perf_counter()
            size = len(head) + sum(len(chunk) for chunk in chunks)
            response.close()
            ended = time.perf_counter()
            status = response.status_code
            if n:  # the first one warms caches
                timings.append((ended - started) * 1000)
                first_bytes.append((got_first - started) * 1000)
        note = ""
        if q.export and status == 200:
            tracemalloc.start()
            response = client.get(path, headers=extra, buffered=False)
            for _chunk in response.response:  # a streamed body is written while it is read: read it all
                pass
            response.close()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            note = f"peak {peak / 1e6:.0f} MB Python memory, {size / 1e6:.1f} MB body"
        elif q.export:
            note = "refused: over the export cap"
        results.append(Result(q, timings, first_bytes, status, size, note))
        if explain:
            recorder.statements.clear()
            recorder.on = True
            client.get(path, headers=extra).close()
            recorder.on = False
            print_result(results[-1])
            explain_statements(rt, recorder.statements)
    return results


def explain_statements(rt: Runtime, statements: list[tuple[str, Any]]) -> None:
    """Print the plan of each statement on the big tables, as sent (custom plan); and, where it differs,
    the generic plan a prepared statement settles on after five runs (psycopg prepares from the fifth)."""
    big = re.compile(r"\b(FROM|JOIN)\s+(" + "|".join(BIG_TABLES) + r")\b")
    with rt.engine.connect() as conn:
        for n, (statement, parameters) in enumerate(statements):
            if not statement.lstrip().upper().startswith("SELECT") or not big.search(statement):
                continue
            plan = _explain(conn, statement, parameters)
            where = re.search(r"\bWHERE\b(.*?)(\bORDER BY\b|\bGROUP BY\b|\bLIMIT\b|$)", statement, re.S)
            shown = re.sub(r"\s+", " ", where.group(1) if where else statement)[:150]
            print(f"      {plan['Execution Time']:.1f} ms  where {shown.strip()}")
            lines = plan_lines(plan["Plan"])
            for line in lines:
                print(f"        {line}")
            generic = _explain(conn, statement, parameters, name=f"scale_{n}")
            if generic is not None and _shape(generic["Plan"]) != _shape(plan["Plan"]):
                print(f"        generic plan (prepared, after 5 runs): {generic['Execution Time']:.1f} ms")
                for line in plan_lines(generic["Plan"]):
                    print(f"          {line}")
        conn.rollback()


def _explain(conn: Any, statement: str, parameters: Any, name: str | None = None) -> Any:
    """Return EXPLAIN (ANALYZE, BUFFERS) of ``statement``; with ``name``, of its generic prepared plan."""
    if name is None:
        raw = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters).scalar()
        return (raw if isinstance(raw, list) else json.loads(raw))[0]
    if not isinstance(parameters, dict):
        return None
    order: list[str] = []

    def numbered(match: re.Match[str]) -> str:
        if match.group(1) not in order:
            order.append(match.group(1))
        return f"${order.index(match.group(1)) + 1}"

    prepared = re.sub(r"%\((\w+)\)s", numbered, statement)
    if "%" in prepared.replace("%%", ""):
        return None
    conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    conn.exec_driver_sql(f"PREPARE {name} AS {prepared.replace('%%', '%')}")
    driver = conn.connection.driver_connection
    values = ", ".join(psycopg.sql.Literal(parameters[key]).as_string(driver) for key in order)
    raw = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE {name}({values})").scalar()
    conn.exec_driver_sql(f"DEALLOCATE {name}")
    conn.exec_driver_sql("SET LOCAL plan_cache_mode = auto")
    return (raw if isinstance(raw, list) else json.loads(raw))[0]


def _shape(node: dict[str, Any]) -> list[Any]:
    return [node["Node Type"], node.get("Index Name"), [_shape(child) for child in node.get("Plans", [])]]


def plan_lines(node: dict[str, Any], depth: int = 0) -> list[str]:
    kind = node["Node Type"]
    if node.get("Scan Direction") == "Backward":
        kind += " Backward"
    bits = [kind]
    if "Index Name" in node:
        bits.append(f"using {node['Index Name']}")
    if "Relation Name" in node:
        bits.append(f"on {node['Relation Name']}")
    bits.append(f"rows {node.get('Actual Rows', 0)}")
    if node.get("Rows Removed by Filter"):
        bits.append(f"filtered {node['Rows Removed by Filter']}")
    if node.get("Heap Fetches"):
        bits.append(f"heap fetches {node['Heap Fetches']}")
    buffers = node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)
    bits.append(f"buffers {buffers} ({node.get('Shared Read Blocks', 0)} read)")
    bits.append(f"{node.get('Actual Total Time', 0):.1f} ms")
    lines = ["  " * depth + " ".join(bits)]
    for child in node.get("Plans", []):
        lines.extend(plan_lines(child, depth + 1))
    return lines


def verdict(r: Result) -> str:
    """OK or OVER against the target; a whole export is not held to it (its first byte is shown beside)."""
    if r.query.export and r.status == 200:
        streamed = statistics.median(r.first_bytes) < 0.5 * statistics.median(r.timings)
        return "(file: streamed)" if streamed else "(file: not streamed, built whole first)"
    return "OK" if p(r.timings, 0.95) <= TARGET_MS else "OVER"


def print_result(r: Result) -> None:
    line = f"{r.query.name:<40} {r.status:>4} {statistics.median(r.timings):>9.1f} {p(r.timings, 0.95):>9.1f}"
    if r.query.export:
        line += f"  first byte p50 {statistics.median(r.first_bytes):.1f} p95 {p(r.first_bytes, 0.95):.1f}"
    print(f"{line}  {verdict(r)} {r.note}".rstrip(), flush=True)


def print_table(results: list[Result], runs: int, revision: str) -> None:
    print(f"\nlarge store, {runs} runs each, schema {revision}, target p95 <= {TARGET_MS:.0f} ms (ms):")
    print(f"{'query':<40} {'code':>4} {'p50':>9} {'p95':>9}")
    for r in results:
        print_result(r)
    over = [r.query.name for r in results if verdict(r) == "OVER"]
    summary = f"{len(results) - len(over)} of {len(results)} within target"
    print(f"\n{summary}; over: {', '.join(over)}" if over else f"\n{summary}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="ebanista_scale")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a filled database (implies --keep)")
    parser.add_argument("--explain", action="store_true", help="print the plans of each query's statements")
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--revision", default="head", help="measure with the schema at this revision")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=200_000, help="leads of the large store")
    parser.add_argument("--stores", type=int, default=300)
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args(argv)
    shape = Shape(args.leads, min(args.large, args.leads), args.stores)
    base = os.environ.get("EBANISTA_TEST_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
    url = scratch_url(base, args.database)
    with tempfile.TemporaryDirectory() as folder:
        app = None
        comment = database_comment(base, args.database)
        fresh = not (args.reuse and comment and comment.startswith(shape.label))
        if fresh:
            recreate_database(base, args.database)
        app = build_app(url, Path(folder))
        rt = runtime_of(app)
        label = f"{shape.label} key={key_mark(rt)}"
        if not fresh and comment != label:
            sys.exit(f"{args.database} was filled with another key or shape ({comment}); run without --reuse")
        try:
            if fresh:
                started = time.perf_counter()
                upgrade(rt.engine, GENERATE_AT)
                print(f"migrated to {GENERATE_AT} in {time.perf_counter() - started:.1f} s")
                seconds = generate(rt, url, shape)
                with psycopg.connect(libpq(base), autocommit=True) as conn:
                    conn.execute(f"COMMENT ON DATABASE \"{args.database}\" IS '{label}'")
                print(f"generated in {seconds:.0f} s ({seconds / 60:.1f} min)")
            else:
                print(f"reusing {args.database}: {comment}")
            _sizes(url)
            if args.generate_only:
                return
            migrate_to(rt, args.revision)
            revision = status(rt.engine)[0] or "none"
            results = measure(app, rt, args.runs, args.explain)
            print_table(results, args.runs, revision)
        finally:
            runtime_of(app).engine.dispose()
            if not (args.keep or args.reuse):
                drop_database(base, args.database)


def _sizes(url: str) -> None:
    with psycopg.connect(libpq(url)) as conn:
        rows = conn.execute(
            "SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) FROM pg_stat_user_tables"
            " WHERE relname = ANY(%s) ORDER BY relname",
            (list(BIG_TABLES),),
        ).fetchall()
    print("  " + ", ".join(f"{name} {rows_:,} rows ({size})" for name, rows_, size in rows))


if __name__ == "__main__":
    main()
