"""Key rotation: every value encrypted at rest, re-encrypted under the newest key.

Run it with the new key first in EBANISTA_ENCRYPTION_KEYS and the old ones after it (the app
encrypts with the first and decrypts with any). Encrypted columns are found by their type in the
models' metadata, so a new one is rotated without being listed here. Rows go in batches, by
primary key, one transaction each; a value changed meanwhile by the running app (already under
the new key) is left alone. Afterwards the old keys can be removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import structlog
from sqlalchemy import Column, Connection, Table, Text, literal, select, type_coerce, update

from appliance.infra.db import Base, File
from appliance.infra.db.base import ENCRYPTED_TYPES, SEALED, JSONType, SealedJSON
from appliance.infra.runtime import Runtime
from appliance.infra.storage import StorageError, thumbnail_key

log = structlog.get_logger(__name__)

BATCH = 500


def encrypted_columns() -> list[Column[Any]]:
    """Return every column of every table whose values are stored encrypted."""
    return [
        column
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, ENCRYPTED_TYPES)
    ]


def rotate_keys(rt: Runtime, batch: int = BATCH) -> dict[str, int]:
    """Re-encrypt every encrypted column and stored file under the newest key; return counts by
    ``table.column`` (and ``files``, and ``files_missing`` for rows whose bytes are not in storage)."""
    counts = {f"{c.table.name}.{c.name}": _rotate_column(rt, c, batch) for c in encrypted_columns()}
    counts.update(_rotate_files(rt, batch))
    log.info("keys_rotated", values=sum(v for k, v in counts.items() if "." in k), files=counts["files"])
    return counts


def _rotate_column(rt: Runtime, column: Column[Any], batch: int) -> int:
    table = column.table
    sealed = isinstance(column.type, SealedJSON)
    # The raw stored value: read and written around the column's own type, which would decrypt and re-encrypt.
    raw = type_coerce(column, JSONType if sealed else Text())
    done = 0
    for rows in _batches(rt, table, raw, batch):
        with rt.transaction() as db:
            conn = db.connection()
            for key, value in rows:
                done += _rotate_value(rt, conn, table, column, key, value, sealed)
    return done


def _rotate_value(
    rt: Runtime, conn: Connection, table: Table, column: Column[Any], key: Any, value: Any, sealed: bool
) -> int:
    if sealed:
        if not (isinstance(value, dict) and set(value) == {SEALED}):
            return 0  # written before sealing existed: nothing encrypted to rotate
        new: Any = literal({SEALED: rt.keyring.rotate(value[SEALED])}, JSONType)
        where = [_pk(table) == key]
    else:
        new = literal(rt.keyring.rotate(value), Text())
        where = [_pk(table) == key, type_coerce(column, Text()) == value]
    result = conn.execute(update(table).where(*where).values({column.name: new}))
    return result.rowcount or 0


def _batches(rt: Runtime, table: Table, raw: Any, batch: int) -> Iterator[list[tuple[Any, Any]]]:
    """Yield (primary key, raw value) of the non-null values, ``batch`` at a time, in key order."""
    pk = _pk(table)
    after = None
    while True:
        query = select(pk, raw).where(raw.isnot(None)).order_by(pk).limit(batch)
        if after is not None:
            query = query.where(pk > after)
        with rt.transaction() as db:
            rows = [(row[0], row[1]) for row in db.connection().execute(query)]
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _pk(table: Table) -> Column[Any]:
    (column,) = table.primary_key.columns
    return column


def _rotate_files(rt: Runtime, batch: int) -> dict[str, int]:
    counts = {"files": 0, "files_missing": 0}
    for rows in _batches(rt, File.__table__, File.__table__.c.storage_key, batch):
        for _, key in rows:
            try:
                data = rt.storage.get(key)
            except StorageError:
                counts["files_missing"] += 1
                continue
            _rewrite(rt, key, data)
            counts["files"] += 1
            _rotate_thumbnail(rt, key)
    return counts


def _rewrite(rt: Runtime, key: str, data: bytes) -> None:
    # Attachments keep their tag, which the bucket's lifecycle rule expires them by.
    kind = "attachment" if "/attachments/" in key else None
    rt.storage.put(key, rt.keyring.rotate_bytes(data), kind=kind)


def _rotate_thumbnail(rt: Runtime, key: str) -> None:
    """Re-encrypt a file's thumbnail too (most files, logos and plans, have none)."""
    try:
        data = rt.storage.get(thumbnail_key(key))
    except StorageError:
        return
    _rewrite(rt, thumbnail_key(key), data)
