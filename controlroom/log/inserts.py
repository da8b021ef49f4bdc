"""Queue items of :class:`~controlroom.log.writer.SessionLog` and the INSERTs that store them.

Every producer call puts one tuple on the writer's queue; its first element is one of the
kinds below.  :func:`insert_item` turns an item into rows: the fast path binds the values as
they are (``executemany``); the slow path, taken after the fast one failed, coerces every value
to something SQLite can bind (:func:`~controlroom.log.values.bindable`) and inserts row by
row, so one odd value costs its own row at most.

Events take multi-row statements (:mod:`~controlroom.log.event_inserts`).
"""
from __future__ import annotations

import sqlite3
from typing import Callable, Iterable

from controlroom.log.event_inserts import chunks_for, insert_events
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


def item_rows(item: tuple) -> int:
    """How many rows an item stands for (what is lost if it cannot be stored)."""
    kind = item[0]
    if kind in (EVENTS, SAMPLES, SKUS):
        return len(item[1])
    return 1


def insert_item(conn: sqlite3.Connection, kind: int, item: tuple, fast: bool, fail: Fail) -> int:
    """Store one queue item; returns the rows stored.  ``fail`` counts rows the slow path loses."""
    if kind == EVENTS:
        batch, rat = item[1], item[2]
        if fast:
            return insert_events(conn, item, chunks_for(conn))[0]
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
