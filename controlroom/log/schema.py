"""The session log's SQLite schema: tables, version number and migrations.

The current layout is :data:`SCHEMA_VERSION`; the number is stored in
``PRAGMA user_version`` and the file is marked with ``PRAGMA application_id``
(:data:`APPLICATION_ID`, ASCII ``CRLG``) so tools can tell a session log from
any other SQLite file.  Every column is documented in ``docs/session-log.md``.

Schema creation goes through sqlite-utils; the writer's hot path uses plain
``executemany`` with the INSERT statements in :data:`INSERT_SQL`.

Version history
---------------
* **0** — the unversioned draft layout (``user_version`` 0, no application id):
  no ``segments``, ``snapshots`` or ``settings_changes`` tables; ``events``
  without ``raw``; ``alerts`` without ``key``, ``by`` and ``until``; ``rejects``
  without ``raw_len``; ``actions`` without ``extra``; ``skus`` without ``added_at``;
  no indexes on ``samples`` and ``alerts``.
* **1** — ``events`` without ``price_cents``, ``channel``, ``delta``.
* **2** — those three ``events`` columns, so replay can read orders and
  carts as typed columns without decoding their JSON (rows written before stay NULL there and
  are replayed from ``raw``).
* **3** — the per-minute summary tables ``sum_minute``, ``sum_marks`` and
  ``sum_meta`` (:mod:`controlroom.log.summary`), kept by the writer as it writes.  Migration
  2 -> 3 creates them empty (no ``sum_meta`` row: the review builds a cache instead); a writer
  continuing such a file fills them from the events already there.
* **4** — the scrub checkpoints ``sum_check`` and ``sum_check_at``
  (:mod:`controlroom.log.checkpoints`), every SKU's stock every few seconds of shop time, kept by
  the writer with the summary rows.  Migration 3 -> 4 creates them empty; a writer continuing
  the file rebuilds them with every summary row.  Readers take empty checkpoint tables beside
  events (a file migrated by a reader, or a schema-3 file, which the review never migrates) as
  missing: the review then builds the checkpoints into its cache.
* **5** — the current layout: ``event_blocks`` (:mod:`controlroom.log.block_writer`), the replay's
  column blocks, one row per whole block of 2,048 event ids, written by the writer with the events.
  Migration 4 -> 5 creates it empty; a block without a row is read from ``events`` as before, so
  older files replay exactly as they did (``events`` stays the record either way).

A migration step ``n -> n+1`` lives in :data:`MIGRATIONS`; :func:`migrate`
runs every step the file needs inside one transaction, so a failed migration
leaves the file as it was.
"""
from __future__ import annotations

import sqlite3
from typing import Callable

import sqlite_utils

from controlroom.log.block_writer import EVENT_BLOCKS_DDL
from controlroom.log.checkpoints import CHECKPOINT_DDL
from controlroom.log.summary import create_summary_tables

SCHEMA_VERSION = 5
APPLICATION_ID = 0x43524C47  # "CRLG"


class LogFormatError(RuntimeError):
    """The file is not a session log, or was written by a newer schema version."""


# table -> (columns in order with their sqlite-utils types, primary key)
TABLES: dict[str, tuple[dict[str, type], str | None]] = {
    "session": ({"id": int, "room": str, "started_at": float, "ended_at": float,
                 "app_version": str, "settings": str}, "id"),
    "segments": ({"segment": int, "started_at": float, "ended_at": float, "last_commit_at": float,
                  "app_version": str, "pid": int, "gap_s": float, "previous_clean": int,
                  "settings": str}, "segment"),
    "skus": ({"sku": str, "name": str, "tier": str, "price_cents": int, "available": int,
              "added_at": float}, "sku"),
    "events": ({"id": int, "epoch": str, "seq": int, "topic": str, "ts": float,
                "received_at": float, "sku": str, "qty": int, "order_id": str, "raw": str,
                # after raw, where migration 1 -> 2 appends them: new and migrated files agree
                "price_cents": int, "channel": str, "delta": int}, "id"),
    "snapshots": ({"id": int, "received_at": float, "after_event_id": int, "room": str,
                   "raw": str}, "id"),
    "rejects": ({"id": int, "received_at": float, "reason": str, "raw": bytes, "raw_len": int}, "id"),
    "feed": ({"id": int, "ts": float, "state": str, "detail": str}, "id"),
    "alerts": ({"id": int, "key": str, "ts": float, "sku": str, "level": str, "state": str,
                "reason": str, "available": int, "rate_per_min": float,
                "predicted_sellout_s": float, "threshold": float, "by": str, "until": float}, "id"),
    "actions": ({"id": int, "ts": float, "sku": str, "op": str, "qty": int, "origin": str,
                 "operator": str, "command_id": str, "sent_at": float, "acked_at": float,
                 "ok": int, "error": str, "extra": str}, "id"),
    "samples": ({"id": int, "ts": float, "sku": str, "available": int, "sold": int,
                 "rate_per_min": float, "predicted_sellout_s": float, "level": str}, "id"),
    "settings_changes": ({"id": int, "ts": float, "by": str, "settings": str}, "id"),
}

INDEXES: list[tuple[str, list[str]]] = [
    ("samples", ["sku", "ts"]),
    ("alerts", ["sku", "ts"]),
]

ALERT_COLUMNS = ("key", "ts", "sku", "level", "state", "reason", "available", "rate_per_min",
                 "predicted_sellout_s", "threshold", "by", "until")
ACTION_COLUMNS = ("ts", "sku", "op", "qty", "origin", "operator", "command_id", "sent_at",
                  "acked_at", "ok", "error")
SAMPLE_COLUMNS = ("ts", "sku", "available", "sold", "rate_per_min", "predicted_sellout_s", "level")


def _insert(table: str, cols: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in cols)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})'


INSERT_SQL = {
    "events": _insert("events", ("epoch", "seq", "topic", "ts", "received_at", "sku", "qty",
                                 "order_id", "raw", "price_cents", "channel", "delta")),
    "snapshots": _insert("snapshots", ("received_at", "after_event_id", "room", "raw")),
    "rejects": _insert("rejects", ("received_at", "reason", "raw", "raw_len")),
    "feed": _insert("feed", ("ts", "state", "detail")),
    "alerts": _insert("alerts", ALERT_COLUMNS),
    "actions": _insert("actions", ACTION_COLUMNS + ("extra",)),
    "samples": _insert("samples", SAMPLE_COLUMNS),
    "settings_changes": _insert("settings_changes", ("ts", "by", "settings")),
}


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def is_empty(conn: sqlite3.Connection) -> bool:
    return not table_names(conn)


def check_is_log(conn: sqlite3.Connection) -> int:
    """Return the file's schema version; raise :class:`LogFormatError` if it is no session log."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = schema_version(conn)
    if app_id not in (0, APPLICATION_ID) or "session" not in table_names(conn):
        raise LogFormatError("not a controlroom session log (no session table / foreign application id)")
    if version > SCHEMA_VERSION:
        raise LogFormatError(f"log schema version {version} is newer than this program's "
                             f"({SCHEMA_VERSION}); upgrade controlroom to read it")
    return version


def _db(conn: sqlite3.Connection) -> sqlite_utils.Database:
    return sqlite_utils.Database(conn, execute_plugins=False)


def _create_tables(db: sqlite_utils.Database, names=None) -> None:
    for name, (cols, pk) in TABLES.items():
        if names is not None and name not in names:
            continue
        db[name].create(cols, pk=pk, if_not_exists=True)
    for table, cols in INDEXES:
        db[table].create_index(cols, if_not_exists=True)


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table of the current schema in an empty file (one transaction)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        _create_tables(_db(conn))
        create_summary_tables(conn)
        conn.execute(EVENT_BLOCKS_DDL)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    db = _db(conn)
    _create_tables(db, names={"segments", "snapshots", "settings_changes"})
    adds = {
        "events": [("raw", str)],
        "alerts": [("key", str), ("by", str), ("until", float)],
        "rejects": [("raw_len", int)],
        "actions": [("extra", str)],
        "skus": [("added_at", float)],
    }
    for table, cols in adds.items():
        have = _columns(conn, table)
        for name, typ in cols:
            if name not in have:
                db[table].add_column(name, typ)
    # v0 kept no raw JSON: rebuild one from the columns it had, so replay still works.
    conn.execute(
        "UPDATE events SET raw = json_object('v', 1, 'epoch', epoch, 'seq', seq, 'ts', ts, "
        "'topic', topic, 'sku', sku, 'qty', qty, 'order_id', order_id) WHERE raw IS NULL")
    conn.execute("UPDATE events SET raw = json_remove(raw, '$.sku') WHERE sku IS NULL")
    conn.execute("UPDATE events SET raw = json_remove(raw, '$.qty') WHERE qty IS NULL")
    conn.execute("UPDATE events SET raw = json_remove(raw, '$.order_id') WHERE order_id IS NULL")
    conn.execute("UPDATE rejects SET raw_len = length(raw) WHERE raw_len IS NULL")
    # One segment for the whole v0 session, so later restarts have something to follow.
    row = conn.execute("SELECT started_at, ended_at, app_version, settings FROM session LIMIT 1").fetchone()
    if row is not None and conn.execute("SELECT count(*) FROM segments").fetchone()[0] == 0:
        conn.execute("INSERT INTO segments (segment, started_at, ended_at, last_commit_at, app_version,"
                     " pid, gap_s, previous_clean, settings) VALUES (1, ?, ?, ?, ?, NULL, NULL, NULL, ?)",
                     (row[0], row[1], row[1] or row[0], row[2], row[3]))
    for table, cols in INDEXES:
        db[table].create_index(cols, if_not_exists=True)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    # No backfill: rewriting every row of a long show would take seconds and double the file
    # in the WAL; the column reader sends rows with NULL there down the raw-JSON path.
    db = _db(conn)
    have = _columns(conn, "events")
    for name, typ in (("price_cents", int), ("channel", str), ("delta", int)):
        if name not in have:
            db["events"].add_column(name, typ)


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    # Empty summary tables and no sum_meta row: nothing says they cover the events yet.
    create_summary_tables(conn)


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    # Empty checkpoint tables (no rows beside events reads as "none"); the minute summary stays
    # valid, so a reader that migrated the file still opens it without a cache.  A writer
    # continuing the file rebuilds every summary row and checkpoint from the events.
    for sql in CHECKPOINT_DDL:
        conn.execute(sql)


def _migrate_4_to_5(conn: sqlite3.Connection) -> None:
    # Empty: no block has a row, so every block is read from events as before.
    conn.execute(EVENT_BLOCKS_DDL)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
}


def migrate(conn: sqlite3.Connection) -> tuple[int, int]:
    """Bring a log to :data:`SCHEMA_VERSION` in one transaction; return (from, to).

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    version = check_is_log(conn)
    if version == SCHEMA_VERSION:
        return version, version
    conn.execute("BEGIN IMMEDIATE")
    try:
        v = schema_version(conn)  # re-read under the write lock
        start = v
        while v < SCHEMA_VERSION:
            MIGRATIONS[v](conn)
            v += 1
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return start, SCHEMA_VERSION
