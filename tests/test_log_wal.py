"""The session log's WAL checkpoints run in their own thread, and the WAL stays bounded.

Real SQLite files written by a real SessionLog: the background thread checkpoints (its count
goes up and the database file grows while the writer is still open), a writer that is never
idle keeps the ``-wal`` file under its bound, every row arrives, and a clean close leaves no WAL.
"""
from __future__ import annotations

import os
import sqlite3
import time

from controlroom.log import SessionLog
from controlroom.log import writer as writer_mod


def _orders(seq0: int, n: int) -> list[dict]:
    return [{"v": 1, "epoch": "e1", "seq": seq0 + k, "ts": 1000.0 + (seq0 + k) * 1e-3, "room": "r1",
             "order_id": f"o{seq0 + k}-" + "x" * 80, "sku": f"S{k % 9}", "qty": 1, "price_cents": 100,
             "channel": "live", "topic": "order"} for k in range(n)]


def _wait(pred, timeout=60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def test_checkpoints_run_off_the_writer_thread(tmp_path):
    p = tmp_path / "s.sqlite"
    log = SessionLog(p, room="r1", settings={}, batch_rows=2_000).start()
    db_before = os.path.getsize(p)
    for b in range(20):
        log.events(_orders(1 + b * 500, 500), 1.0)
    assert log.flush(60)
    # the writer's own automatic checkpoint is only the bound (16,000 pages): 10,000 rows never
    # reach it, so a database file that has grown was checkpointed by the background thread
    assert _wait(lambda: log.stats["checkpoints"] >= 1)
    assert _wait(lambda: os.path.getsize(p) > db_before + 1_000_000)
    with sqlite3.connect(p) as c:
        assert c.execute("SELECT count(*) FROM events").fetchone()[0] == 10_000
    log.close()
    assert not os.path.exists(f"{p}-wal") or os.path.getsize(f"{p}-wal") == 0


def test_a_writer_that_is_never_idle_keeps_the_wal_bounded(tmp_path, monkeypatch):
    # A small bound so the test stays small: 500 pages (2 MB at 4 kB pages).
    monkeypatch.setattr(writer_mod, "CAP_PAGES", 500)
    p = tmp_path / "s.sqlite"
    log = SessionLog(p, room="r1", settings={}, batch_rows=2_000, max_queue_batches=8).start()
    biggest = 0
    n = 0
    for b in range(160):  # 80,000 rows of ~250 bytes: ~20 MB through the WAL, the producer never pausing
        log.events(_orders(1 + n, 500), 1.0)
        n += 500
        if os.path.exists(f"{p}-wal"):
            biggest = max(biggest, os.path.getsize(f"{p}-wal"))
    assert log.flush(120)
    st = log.stats
    log.close()
    with sqlite3.connect(p) as c:
        assert c.execute("SELECT count(*), sum(seq) FROM events").fetchone() == (n, n * (n + 1) // 2)
    assert st["dropped"] == 0
    # bound + one transaction's pages (2,000 rows, ~0.6 MB) + slack; unbounded it would be ~20 MB
    assert biggest < 8_000_000, biggest


def test_without_background_checkpoints_the_writer_checkpoints_itself(tmp_path):
    p = tmp_path / "s.sqlite"
    log = SessionLog(p, room="r1", settings={}, background_checkpoints=False).start()
    log.events(_orders(1, 500), 1.0)
    assert log.flush(30)
    assert log.stats["checkpoints"] == 0
    log.close()
    with sqlite3.connect(p) as c:
        assert c.execute("SELECT count(*) FROM events").fetchone()[0] == 500
