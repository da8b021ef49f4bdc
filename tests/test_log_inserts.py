"""The writer's multi-row INSERT of events stores exactly what ``executemany`` of the same rows stores.

Real SQLite files: the same rows (orders and carts from the feed's EventBatch, traffic dicts with
odd values, every batch size around the chunk sizes) go into one file through
``event_inserts.insert_events`` and into another through ``executemany`` of ``INSERT_SQL['events']``;
every column with its SQLite type, the ids, and the file's ``events`` table dump are compared.
"""
from __future__ import annotations

import sqlite3

import orjson
import pytest

from controlroom.feed.batch import EventBatch, decode_batch
from controlroom.log.event_inserts import chunks_for, event_rows, insert_events
from controlroom.log.inserts import EVENTS
from controlroom.log.schema import INSERT_SQL, create_schema


def _orders(n: int, seq0: int) -> EventBatch:
    evs = [{"v": 1, "epoch": "E", "seq": seq0 + i, "ts": 1_760_000_000.0 + (seq0 + i) * 1e-3, "room": "R",
            "order_id": f"o{seq0 + i}", "sku": f"S{i % 7}", "qty": 1 + i % 3, "price_cents": 100 + i % 2,
            "channel": ("live", "other")[i % 2]} for i in range(n)]
    return EventBatch("order", decode_batch("order", orjson.dumps(evs)))


def _carts(n: int, seq0: int) -> EventBatch:
    evs = [{"v": 1, "epoch": "E", "seq": seq0 + i, "ts": 1_760_000_000 + seq0 + i, "room": "R",
            "sku": f"S{i % 5}", "delta": (1, -1, 3)[i % 3]} for i in range(n)]
    return EventBatch("cart", decode_batch("cart", orjson.dumps(evs)))


def _traffic(n: int, seq0: int) -> list[dict]:
    return [{"v": 1, "epoch": "E", "seq": seq0 + i, "ts": 1_760_000_000 + seq0 + i, "room": "R", "topic": "traffic",
             "viewers": 10 + i, "entries": 0, "featured": None if i % 3 else "S1", "note": "é\n\"x\""}
            for i in range(n)]


def _conn(path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    create_schema(conn)
    return conn


def _dump(conn: sqlite3.Connection) -> list[tuple]:
    cols = ["id", "epoch", "seq", "topic", "ts", "received_at", "sku", "qty", "order_id", "raw", "price_cents",
            "channel", "delta"]
    sel = ", ".join(f"{c}, typeof({c})" for c in cols)
    return conn.execute(f"SELECT {sel} FROM events ORDER BY id").fetchall()


@pytest.mark.parametrize("limit", [None, 999, 40])
def test_multi_row_insert_stores_what_executemany_stores(tmp_path, limit):
    a, b = _conn(tmp_path / "multi.sqlite"), _conn(tmp_path / "many.sqlite")
    if limit:  # an SQLite built with a lower bound on bound values gets smaller chunks
        a.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    chunks = chunks_for(a)
    assert max(chunks) * 12 <= a.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    seq = 1
    sizes = [1, 2, 3, 255, 256, 257, 500, 500, 500, 511, 512, 513, 7, 1000, 64]
    for i, n in enumerate(sizes):
        batch = (_orders, _carts, _traffic)[i % 3](n, seq)
        seq += n
        item = (EVENTS, batch, 1234.5 + i)
        a.execute("BEGIN")
        got, last = insert_events(a, item, chunks)
        a.execute("COMMIT")
        b.execute("BEGIN")
        b.executemany(INSERT_SQL["events"], event_rows(item))
        b.execute("COMMIT")
        assert got == n
        assert last == a.execute("SELECT max(id) FROM events").fetchone()[0] == seq - 1
    rows_a, rows_b = _dump(a), _dump(b)
    assert len(rows_a) == seq - 1
    assert rows_a == rows_b
    assert list(a.iterdump()) == list(b.iterdump())


def test_an_item_that_cannot_be_bound_stores_nothing(tmp_path):
    a = _conn(tmp_path / "x.sqlite")
    item = (EVENTS, _traffic(3, 1) + [["not", "a", "dict"]], 1.0)
    with pytest.raises(AttributeError):  # not a dict: the writer then takes its slow path
        insert_events(a, item)
    assert a.execute("SELECT count(*) FROM events").fetchone()[0] == 0
