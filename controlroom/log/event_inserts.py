"""The session log's ``events`` INSERTs: multi-row statements, constants written into the SQL.

The writer stores each queued batch of events with one ``INSERT ... VALUES (...),(...)`` per
power-of-two chunk of it (a 500-event batch: 6 statements), instead of ``executemany``'s one
``sqlite3_step`` per row.  What goes is the sqlite3 module's per-row bind/step/reset round and,
above all, its release and re-take of the GIL around every row's step, which costs the writer up
to a switch interval (5 ms) per row whenever a producer thread is running Python code.  For the
feed's column batches (:class:`~controlroom.feed.batch.EventBatch`) the values every row of the
topic shares (its ``topic``, the NULL columns) are written into the SQL, not bound per row.

The rows, their ids and their SQLite types are exactly ``executemany``'s of the same rows
(``tests/test_log_inserts.py`` compares both files' dumps).
"""
from __future__ import annotations

import sqlite3
from itertools import chain, repeat

import orjson

from controlroom.feed.batch import EventBatch
from controlroom.log.schema import INSERT_SQL

__all__ = ["chunks_for", "event_rows", "insert_events"]

_HEAD = INSERT_SQL["events"].split(" VALUES ")[0] + " VALUES "
# Chunk sizes, largest first.  The connection's statement cache keeps each one prepared; 256 rows
# bind at most 3,072 values, under SQLite's default bound of 32,766 (an SQLite built with the old
# bound of 999 gets smaller chunks: chunks_for).
CHUNKS = tuple(1 << k for k in range(8, -1, -1))
_WIDEST = 12  # values bound per row, at most (the generic shape)


class _Shape:
    """One row template of the events INSERT (``?`` for what is bound, SQL literals for the
    values every row of a batch of this shape shares) and its statements per chunk size."""

    __slots__ = ("width", "sql")

    def __init__(self, row: str) -> None:
        self.width = row.count("?")
        self.sql = {k: _HEAD + ",".join([row] * k) for k in CHUNKS}


# Columns: epoch, seq, topic, ts, received_at, sku, qty, order_id, raw, price_cents, channel, delta
_GENERIC = _Shape("(" + ",".join("?" * _WIDEST) + ")")
_ORDER = _Shape("(?,?,'order',?,?,?,?,?,?,?,?,NULL)")
_CART = _Shape("(?,?,'cart',?,?,?,NULL,NULL,?,NULL,NULL,?)")


def chunks_for(conn: sqlite3.Connection) -> tuple[int, ...]:
    """The chunk sizes this connection can bind (its bound on ``?`` values per statement)."""
    try:
        limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # pragma: no cover - Python < 3.11
        limit = 999
    return tuple(k for k in CHUNKS if k * _WIDEST <= limit)


def event_rows(item: tuple):
    """The ``events`` rows of a queued EVENTS item ``(kind, batch, received_at)`` in
    ``INSERT_SQL['events']`` order, values as they are (what ``executemany`` would bind)."""
    batch, rat = item[1], item[2]
    if type(batch) is EventBatch:  # the feed's columns
        return batch.log_rows(rat)
    dumps = orjson.dumps
    return [(e.get("epoch"), e.get("seq"), e.get("topic"), e.get("ts"), rat, e.get("sku"),
             e.get("qty"), e.get("order_id"), dumps(e).decode(), e.get("price_cents"),
             e.get("channel"), e.get("delta")) for e in batch]


def _bound(item: tuple) -> tuple[_Shape, list, list]:
    """The item's shape, the values it binds (row after row, in one flat list) and each row's raw JSON text."""
    batch, rat = item[1], item[2]
    if type(batch) is EventBatch and batch.topic in ("order", "cart"):
        # cols: v, epoch, seq, ts, room, then order_id, sku, qty, price_cents, channel / sku, delta
        c, n = batch.cols, len(batch.items)
        raw, r = batch.raw_lines(), repeat(rat, n)
        if batch.topic == "order":
            return _ORDER, list(chain.from_iterable(zip(c[1], c[2], c[3], r, c[6], c[7], c[5], raw, c[8], c[9]))), raw
        return _CART, list(chain.from_iterable(zip(c[1], c[2], c[3], r, c[5], raw, c[6]))), raw
    rows = event_rows(item)
    if type(rows) is not list:  # an EventBatch of another topic: its lazy rows, once
        rows = list(rows)
    return _GENERIC, list(chain.from_iterable(rows)), [r[8] for r in rows]


def insert_events(conn: sqlite3.Connection, item: tuple, chunks: tuple[int, ...] = CHUNKS,
                  raws: list | None = None) -> tuple[int, int]:
    """Insert the events of a queued EVENTS item with multi-row statements; returns (rows
    inserted, the last row's id, 0 if none).  Not atomic across its statements: the writer holds
    a SAVEPOINT around each item.  A row of the wrong width is refused before anything is stored.
    ``raws``, if given, is extended with each row's raw JSON text (the writer's column blocks use them)."""
    shape, flat, raw = _bound(item)
    if raws is not None:
        raws.extend(raw)
    w = shape.width
    n, rest = divmod(len(flat), w)
    if rest:
        raise ValueError("an events row has the wrong number of values")
    sql = shape.sql
    execute = conn.execute
    i = 0
    last = 0
    for k in chunks:
        while n - i >= k:
            last = execute(sql[k], flat[i * w:(i + k) * w]).lastrowid
            i += k
    return n, last
