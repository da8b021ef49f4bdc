"""kill -9 of a real writer process at a random moment, five times over the same file.

The child appends batches of events, samples and alerts as fast as it can and
prints ``committed <n>`` each time ``flush()`` returns (so ``n`` events are
acknowledged as committed).  The parent kills it with SIGKILL at a random
moment, then checks the file: ``PRAGMA integrity_check`` is ok, every
acknowledged event is there, the events are exactly seq 1..N (a lost
transaction is lost whole, never half), and the next run continues the same
file and records the restart.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

CHILD = r"""
import sys, time
from controlroom.log import SessionLog
path, start = sys.argv[1], int(sys.argv[2])
log = SessionLog(path, room="crash", settings={"k": 1}, app_version="test", commit_interval_s=0.005,
                 batch_rows=2500).start()
print("started", log.segment, flush=True)
seq = start
while True:
    batch = []
    for _ in range(1000):
        seq += 1
        batch.append({"v": 1, "epoch": "e", "seq": seq, "ts": 1000.0 + seq, "room": "crash",
                      "order_id": f"o{seq}", "sku": f"S{seq % 7}", "qty": 1, "price_cents": 500,
                      "channel": "live", "topic": "order"})
    log.events(batch, time.time())
    log.samples([(1000.0 + seq, f"S{k}", 10, seq, 1.0, 60.0, "ok") for k in range(7)])
    log.feed(1000.0 + seq, "live", "x" * 200)
    if seq % 6000 == 0:
        if log.flush(10):
            print("committed", seq, flush=True)
"""

ROUNDS = 5


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_mid_write_keeps_every_acknowledged_row(tmp_path):
    path = tmp_path / "crash.sqlite"
    rng = random.Random(5)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.getcwd(), env.get("PYTHONPATH", "")])
    total_acked = 0
    for round_no in range(1, ROUNDS + 1):
        start = 0
        if path.exists():
            with sqlite3.connect(path) as c:
                start = c.execute("SELECT count(*) FROM events").fetchone()[0]
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(start)],
                                stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert proc.stdout.readline().split() == ["started", str(round_no)]
            acked = start
            want_lines = rng.randint(2, 6)
            for _ in range(want_lines):
                line = proc.stdout.readline()
                assert line.startswith("committed"), line
                acked = int(line.split()[1])
            time.sleep(rng.uniform(0.0, 0.05))  # land somewhere inside the next transaction
            os.kill(proc.pid, signal.SIGKILL)
            # lines printed between our last read and the kill are acknowledged too
            rest = proc.stdout.read()
        finally:
            proc.kill()
            proc.wait()
        for line in rest.splitlines():
            if line.startswith("committed"):
                acked = int(line.split()[1])
        assert proc.returncode == -signal.SIGKILL
        with sqlite3.connect(path) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            n, lo, hi, s = c.execute("SELECT count(*), min(seq), max(seq), sum(seq) FROM events").fetchone()
            assert n >= acked, f"round {round_no}: {n} events in the file, {acked} acknowledged"
            assert (lo, hi, s) == (1, n, n * (n + 1) // 2)  # no holes, no duplicates
            assert c.execute("SELECT ended_at FROM session").fetchone()[0] is None  # killed, not closed
            segs = c.execute("SELECT segment, ended_at FROM segments ORDER BY segment").fetchall()
            assert [g[0] for g in segs] == list(range(1, round_no + 1))
        print(f"round {round_no}: acked {acked}, in file {n}")
        total_acked = acked
    # A clean start after the last kill continues the file and records the gap.
    from controlroom.log import SessionLog, open_log

    log = SessionLog(path, room="crash", settings={"k": 1}, app_version="test").start()
    log.close()
    with open_log(path) as r:
        restarts = [f for f in r.feed() if f["state"] == "restart"]
        assert len(restarts) == ROUNDS
        assert all("without close" in f["detail"] for f in restarts)
        assert r.count("events") >= total_acked
        assert r.session()["ended_at"] is not None
