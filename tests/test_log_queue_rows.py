"""The session log writer's queue is bounded in rows: at the bound the producer waits, nothing is lost.

The writer is held up for real: another connection holds the file's write lock (``BEGIN
IMMEDIATE``), so the writer's INSERTs wait in SQLite's busy handler (up to its 10 s busy timeout)
while the producer goes on putting batches; the lock is released as soon as the producer is seen
waiting.
"""
from __future__ import annotations

import sqlite3
import threading
import time

from controlroom.log import SessionLog


def order(seq, sku="A"):
    return {"v": 1, "epoch": "e1", "seq": seq, "ts": 1000.0 + seq, "room": "r1", "order_id": f"o{seq}",
            "sku": sku, "qty": 1, "price_cents": 1000, "channel": "live", "topic": "order"}


def _wait_until(cond, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def test_a_stalled_writer_blocks_the_producer_at_the_row_bound_and_loses_nothing(tmp_path):
    p = tmp_path / "s.sqlite"
    # many small batches: the item bound (10,000) is far away, only the row bound can stop the producer
    log = SessionLog(p, room="r1", settings={}, max_queue_rows=1_000, commit_interval_s=0.05).start()
    log.events([order(1)], 1.0)
    assert log.flush(10)
    blocker = sqlite3.connect(str(p), isolation_level=None, timeout=30)
    blocker.execute("BEGIN IMMEDIATE")  # the writer's next transaction waits for this lock
    done = threading.Event()
    put = [1]

    def produce():
        seq = 1
        for _ in range(60):  # 60 batches of 50 rows = 3,000 rows, three times the bound
            log.events([order(seq + k) for k in range(1, 51)], 2.0)
            seq += 50
            put[0] = seq
        done.set()

    th = threading.Thread(target=produce)
    th.start()
    try:
        # the producer stops at the bound: it cannot finish while the writer is held up
        assert _wait_until(lambda: log.stats["producer_waiting"] > 0 or done.is_set(), timeout=8.0)
        assert not done.is_set() and log.stats["producer_waits"] >= 1
        st = log.stats
        assert st["queue_rows"] <= 1_000 and st["max_queue_rows_seen"] <= 1_000
        assert put[0] < 3_001
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    th.join(30)
    assert done.is_set()
    assert log.flush(30)
    st = log.stats
    log.close()
    assert st["max_queue_rows_seen"] <= 1_000  # never more rows waiting than the bound
    assert st["producer_waits"] >= 1 and st["dropped"] == 0
    c = sqlite3.connect(p)
    n, s = c.execute("SELECT count(*), sum(seq) FROM events").fetchone()
    assert n == 3_001 and s == 3_001 * 3_002 // 2  # every row, once


def test_an_item_larger_than_the_row_bound_goes_in_once_the_queue_is_empty(tmp_path):
    p = tmp_path / "s.sqlite"
    log = SessionLog(p, room="r1", settings={}, max_queue_rows=100).start()
    log.events([order(k) for k in range(1, 251)], 1.0)  # 250 rows in one item: bigger than the bound
    log.events([order(k) for k in range(251, 501)], 1.0)  # waits for the first to be taken, then goes in
    assert log.flush(10)
    st = log.stats
    log.close()
    assert st["committed"] == 500 and st["dropped"] == 0
    assert st["max_queue_rows_seen"] <= 250


def test_the_log_settings_reach_the_writer(tmp_path):
    from types import SimpleNamespace

    from controlroom.live.wiring import open_session_log
    from controlroom.settings import Settings

    s = Settings().with_changes({"log.max_queue_rows": 1234, "log.batch_rows": 777, "log.commit_interval_ms": 250})
    lg = open_session_log(SimpleNamespace(log=str(tmp_path / "s.sqlite")), s, "r1")
    try:
        assert (lg.max_queue_rows, lg.batch_rows, lg.commit_interval_s) == (1234, 777, 0.25)
        assert lg.stats["max_queue_rows"] == 1234
    finally:
        lg.close()
