"""Reading what an attacker with a copy of the disks would read: the database and the stored files, raw.

Nothing here goes through the models, so a column someone adds later in plaintext is read too.
"""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from appliance.infra.crypto import DecryptionError
from appliance.infra.runtime import Runtime


def database_dump(rt: Runtime) -> str:
    """Return every row of every table (not only the models' tables) as text, lower-cased.

    PostgreSQL renders each row with ``t::text`` (JSON and TOASTed values included); SQLite gets
    the same from its own tables, plus the raw bytes of the database file and its WAL after a
    checkpoint, so even free pages and half-written frames are read.
    """
    parts = [_rows_as_text(rt)]
    if rt.engine.dialect.name == "sqlite":
        parts.append(_sqlite_file_bytes(rt).decode("latin-1"))
    return "\n".join(parts).lower()


def _rows_as_text(rt: Runtime) -> str:
    tables = inspect(rt.engine).get_table_names()
    lines: list[str] = []
    with rt.engine.connect() as conn:
        for table in tables:
            if rt.engine.dialect.name == "postgresql":
                rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()  # noqa: S608 - own table names
                lines.extend(rows)
            else:
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 - own table names
                    lines.append(json.dumps([_plain(v) for v in row], ensure_ascii=False))
    return "\n".join(lines)


def _plain(value: object) -> object:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, int | float | str | type(None)) else str(value)


def _sqlite_file_bytes(rt: Runtime) -> bytes:
    path = Path(make_url(str(rt.engine.url)).database or "")
    # A connection of our own, outside SQLAlchemy's transactions: a checkpoint cannot run inside one.
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    chunks = [path.read_bytes()]
    for suffix in ("-wal", "-shm", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            chunks.append(extra.read_bytes())
    return b"\n".join(chunks)


def stored_files(rt: Runtime) -> dict[str, bytes]:
    """Return every file under the storage folder, by its path relative to the folder."""
    root: Path = rt.storage.root  # type: ignore[attr-defined] - the tests run on local storage
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def decrypted_dump(rt: Runtime) -> str:
    """Return every row of every table with each encrypted value decrypted, lower-cased.

    What a thief with the keys too would read: erased data must be gone, not merely encrypted.
    On SQLite the database file's bytes are read as well, free pages included.
    """
    lines = _rows_as_text(rt).splitlines()
    if rt.engine.dialect.name == "sqlite":
        # Free pages and old WAL frames too: a deleted row must not linger there, decryptable.
        lines.extend(FERNET_TOKEN.findall(_sqlite_file_bytes(rt).decode("latin-1")))
    words: list[str] = []
    for line in lines:
        words.append(line)
        words.extend(_decrypt_tokens(rt, line))
    return "\n".join(words).lower()


def _decrypt_tokens(rt: Runtime, line: str) -> list[str]:
    found = []
    for token in _tokens(line):
        try:
            found.append(rt.keyring.decrypt(token))
        except (DecryptionError, UnicodeError, ValueError):
            continue
    return found


def fernet_tokens(rt: Runtime) -> list[str]:
    """Return every encrypted value stored in any row of any table."""
    return [token for line in _rows_as_text(rt).splitlines() for token in _tokens(line)]


def _tokens(line: str) -> list[str]:
    pieces = line.replace('"', " ").replace(",", " ").replace("'", " ").split()
    return [piece.strip("()[]{}\\") for piece in pieces if piece.startswith(FERNET_PREFIX)]


# Every Fernet token starts with its version byte 0x80 and a timestamp: "gAAAAA" in base64.
FERNET_PREFIX = "gAAAA"
FERNET_TOKEN = re.compile(FERNET_PREFIX + r"[A-Za-z0-9_\-=]+")
