"""The session log stores a feed EventBatch (columns) exactly as it stores the same events as dicts.

Real SQLite files: two SessionLogs, one fed dicts, one fed the feed's batches of the same events;
their events (every column, the raw JSON read back), summary rows and replay input are compared.
"""
from __future__ import annotations

import sqlite3

import orjson
import pytest

from controlroom.feed.batch import EventBatch, decode_batch
from controlroom.log import SessionLog, open_log
from tests.test_log_summary_batch import SKUS, _events


def _as_feed_batches(batches: list[list[dict]]) -> list:
    """Orders and carts as the feed client hands them over (EventBatch); other topics as dicts."""
    out = []
    for b in batches:
        topic = b[0]["topic"]
        if topic in ("order", "cart") and len({e.get("order_id") for e in b}) == len(b):
            wire = orjson.dumps([{k: v for k, v in e.items() if k != "topic"} for e in b])
            out.append(EventBatch(topic, decode_batch(topic, wire)))
        else:
            out.append(b)
    return out


def _write(path, batches) -> None:
    log = SessionLog(path, room="R", settings={}).start()
    log.skus([{"sku": s, "name": s, "tier": "profit", "price_cents": 100, "available": 40 + 30 * i}
              for i, s in enumerate(SKUS)])
    log.snapshot({"room": "R", "epoch": "E", "seq": 0,
                  "skus": [{"sku": s, "available": 40 + 30 * i} for i, s in enumerate(SKUS)]}, 1.0)
    for i, b in enumerate(batches):
        log.events(b, 1000.0 + i)
        if i % 9 == 0:
            assert log.flush()
    assert log.flush()
    log.close()


def _tables(path) -> dict:
    conn = sqlite3.connect(path)
    cols = "id, epoch, seq, topic, ts, received_at, sku, qty, order_id, price_cents, channel, delta"
    out = {"events": conn.execute(f"SELECT {cols} FROM events ORDER BY id").fetchall(),
           "raw": [orjson.loads(r) for (r,) in conn.execute("SELECT raw FROM events ORDER BY id")]}
    for t in ("sum_minute", "sum_marks", "sum_levels", "sum_meta"):
        out[t] = sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
    conn.close()
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_a_batch_is_logged_like_its_dicts(tmp_path, seed):
    batches = _events(seed)
    feed = _as_feed_batches(batches)
    assert sum(type(b) is EventBatch for b in feed) >= 20
    _write(tmp_path / "dicts.sqlite", batches)
    _write(tmp_path / "batches.sqlite", feed)
    a, b = _tables(tmp_path / "dicts.sqlite"), _tables(tmp_path / "batches.sqlite")
    assert len(a["events"]) == sum(map(len, batches))
    for t in a:
        assert a[t] == b[t], t
    # What the review and the replay read back is the same too.
    with open_log(tmp_path / "dicts.sqlite") as ra, open_log(tmp_path / "batches.sqlite") as rb:
        assert list(ra.iter_events()) == list(rb.iter_events())
        assert [getattr(x, "cols", x) for x in ra.iter_event_blocks(columns=True)] == \
            [getattr(x, "cols", x) for x in rb.iter_event_blocks(columns=True)]
