"""Queue items of :class:`~controlroom.log.writer.SessionLog` and the INSERTs that store them.

Every producer call puts one tuple on the writer's queue; its first element is one of the
kinds below.  :func:`insert_item` turns an item into rows: the fast path binds the values as
they are (``executemany``); the slow path, taken after the fast one failed, coerces every value
to something SQLite can bind (:func:`~controlroom.log.values.bindable`) and inserts row by
row, so one odd value costs its own row at most.

Events take a multi-row ``INSERT ... VALUES (...),(...)`` (:func:`insert_events`): one statement
per power-of-two chunk of a batch instead of one ``sqlite3_step`` per row.  The rows and their
ids are the same as ``executemany``'s; what goes is the module's per-row bind/step/reset round
and, above all, a release and re-take of the GIL per row, which under a busy producer thread
costs the writer up to a switch interval (5 ms) per row.
"""
from __future__ import annotations

import sqlite3
from itertools import chain
from typing import Callable, Iterable

import orjson

from controlroom.feed.batch import EventBatch
from controlroom.log.schema import ACTION_COLUMNS, ALERT_COLUMNS, INSERT_SQL
from controlroom.log.values import bindable, json_text, settings_json

# Queue item kinds (first element of each queued tuple).
EVENTS, REJECT, FEED, ALERT, ACTION, SAMPLES, SKUS, SETTINGS, SNAPSHOT, FLUSH, STOP = range(11)
TABLE = {EVENTS: "events", REJECT: "rejects", FEED: "feed", ALERT: "alerts", ACTION: "actions",
         SAMPLES: "samples", SKUS: "skus", SETTINGS: "settings_changes", SNAPSHOT: "snapshots"}

_ACTION_SET = frozenset(ACTION_COLUMNS)
_SKUS_SQL = ('INSERT INTO skus (sku, name, tier, price_cents, available, added_at) VALUES (?,?,?,?,?,?)'
             ' ON CONFLICT(sku) DO UPDATE SET name=excluded.name, tier=excluded.tier,'
             ' price_cents=excluded.price_cents')

Fail = Callable[[BaseException, int], None]  # (error, rows lost)

_EVENT_NCOL = 12
_EVENT_HEAD = INSERT_SQL["events"].split(" VALUES ")[0] + " VALUES "
_EVENT_ROW = "(" + ",".join("?" * _EVENT_NCOL) + ")"
# Chunk sizes, largest first: any batch is at most one statement per size (500 rows: 6), and the
# connection's statement cache keeps each one prepared.  256 rows bind 3,072 values, well under
# SQLite's default bound of 32,766 (a build with the old bound of 999 gets smaller chunks).
_EVENT_CHUNKS = tuple(1 << k for k in range(8, -1, -1))
_EVENT_SQL = {k: _EVENT_HEAD + ",".join([_EVENT_ROW] * k) for k in _EVENT_CHUNKS}


def chunks_for(conn: sqlite3.Connection) -> tuple[int, ...]:
    try:
        limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # pragma: no cover - Python < 3.11
        limit = 999
    return tuple(k for k in _EVENT_CHUNKS if k * _EVENT_NCOL <= limit)


def insert_events(conn: sqlite3.Connection, rows: Iterable[tuple], chunks: tuple[int, ...] = _EVENT_CHUNKS) -> tuple[int, int]:
    """Insert ``events`` rows (``INSERT_SQL['events']`` order) with multi-row statements;
    returns (rows inserted, the last row's id; 0 if none).  Not atomic across its statements:
    the caller holds a SAVEPOINT."""
    flat = list(chain.from_iterable(rows))
    n, rest = divmod(len(flat), _EVENT_NCOL)
    if rest:
        raise ValueError("an events row has the wrong number of values")
    i = 0
    last = 0
    for k in chunks:
        step = k * _EVENT_NCOL
        while n - i >= k:
            j = i * _EVENT_NCOL
            last = conn.execute(_EVENT_SQL[k], flat[j:j + step]).lastrowid
            i += k
    return n, last


def item_rows(item: tuple) -> int:
    """How many rows an item stands for (what is lost if it cannot be stored)."""
    kind = item[0]
    if kind in (EVENTS, SAMPLES, SKUS):
        return len(item[1])
    return 1


def event_rows(item: tuple):
    """The ``events`` rows of an EVENTS item, for the fast path (values bound as they are)."""
    batch, rat = item[1], item[2]
    if type(batch) is EventBatch:  # the feed's columns, bound as they are
        return batch.log_rows(rat)
    dumps = orjson.dumps
    return [(e.get("epoch"), e.get("seq"), e.get("topic"), e.get("ts"), rat, e.get("sku"),
             e.get("qty"), e.get("order_id"), dumps(e).decode(), e.get("price_cents"),
             e.get("channel"), e.get("delta")) for e in batch]


def insert_item(conn: sqlite3.Connection, kind: int, item: tuple, fast: bool, fail: Fail) -> int:
    """Store one queue item; returns the rows stored.  ``fail`` counts rows the slow path loses."""
    if kind == EVENTS:
        batch, rat = item[1], item[2]
        if fast:
            return insert_events(conn, event_rows(item), chunks_for(conn))[0]
        return slow_rows(conn, INSERT_SQL["events"], (
            (e.get("epoch"), e.get("seq"), e.get("topic"), e.get("ts"), rat, e.get("sku"),
             e.get("qty"), e.get("order_id"), json_text(e), e.get("price_cents"), e.get("channel"),
             e.get("delta")) if isinstance(e, dict) else
            (None, None, None, None, rat, None, None, None, json_text(e), None, None, None) for e in batch), fail)
    if kind == SAMPLES:
        rows = item[1]
        if fast:
            conn.executemany(INSERT_SQL["samples"], rows)
            return len(rows)
        return slow_rows(conn, INSERT_SQL["samples"],
                         (tuple(r[:7]) + (None,) * (7 - len(r[:7])) for r in rows), fail)
    if kind == REJECT:
        return _one(conn, INSERT_SQL["rejects"], item[1:5], fast, fail)
    if kind == FEED:
        return _one(conn, INSERT_SQL["feed"], item[1:4], fast, fail)
    if kind == ALERT:
        t = item[1]
        row = t if isinstance(t, dict) else t.as_row()
        return _one(conn, INSERT_SQL["alerts"], tuple(row.get(c) for c in ALERT_COLUMNS), fast, fail)
    if kind == ACTION:
        row = item[1]
        extra = {k: v for k, v in row.items() if k not in _ACTION_SET}
        ok = row.get("ok")
        vals = tuple(row.get(c) for c in ACTION_COLUMNS[:9]) + (
            None if ok is None else int(bool(ok)), row.get("error"), json_text(extra) if extra else None)
        return _one(conn, INSERT_SQL["actions"], vals, fast, fail)
    if kind == SETTINGS:
        _, ts, settings, by = item
        return _one(conn, INSERT_SQL["settings_changes"], (ts, by, settings_json(settings)), fast, fail)
    if kind == SNAPSHOT:
        snap, rat = item[1], item[2]
        # the replay resets the mirror right after the last event stored before the snapshot
        after = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
        room = snap.get("room") if isinstance(snap, dict) else None
        return _one(conn, INSERT_SQL["snapshots"], (rat, after, room, json_text(snap)), fast, fail)
    if kind == SKUS:
        rows, now = item[1], item[2]
        vals = [(r.get("sku"), r.get("name"), r.get("tier"), r.get("price_cents"), r.get("available"), now)
                for r in rows]
        if fast:
            conn.executemany(_SKUS_SQL, vals)
            return len(vals)
        return slow_rows(conn, _SKUS_SQL, vals, fail)
    raise ValueError(f"unknown queue item kind {kind}")  # pragma: no cover


def _one(conn: sqlite3.Connection, sql: str, vals: tuple, fast: bool, fail: Fail) -> int:
    if fast:
        conn.execute(sql, vals)
        return 1
    return slow_rows(conn, sql, [vals], fail)


def slow_rows(conn: sqlite3.Connection, sql: str, rows: Iterable[tuple], fail: Fail) -> int:
    """Insert row by row with values coerced to bindable types; count rows that still fail."""
    n = 0
    for r in rows:
        try:
            conn.execute(sql, tuple(bindable(v) for v in r))
            n += 1
        except sqlite3.Error as e:
            fail(e, 1)
    return n
