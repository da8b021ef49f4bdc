"""The checkpoint tracker's spacing and size (controlroom.log.checkpoints), on a real SQLite file.

Each checkpoint is checked against the summary tracker's own mirror replayed to its event id.
"""
from __future__ import annotations

import random
import sqlite3

from controlroom.log.checkpoints import FULL_EVERY, MAX_EVENTS, PER_SKU
from controlroom.log.summary import SummaryTracker, create_summary_tables


def _orders(rng, skus, n, t, seq, dt):
    out = []
    for _ in range(n):
        seq += 1
        t += dt
        out.append({"v": 1, "epoch": "E", "seq": seq, "ts": t, "room": "R", "topic": "order", "order_id": f"o{seq}",
                    "sku": rng.choice(skus), "qty": 1, "price_cents": 10, "channel": "live"})
    return out, t, seq


def _follow(tmp_path, n_skus, dt, batches=200, size=100):
    rng = random.Random(n_skus)
    skus = [f"S{i}" for i in range(n_skus)]
    cat = [{"sku": s, "available": 10**6} for s in skus]
    tr = SummaryTracker()
    tr.catalogue("R", cat)
    tr.reset({"room": "R", "skus": cat})
    conn = sqlite3.connect(tmp_path / f"c{n_skus}.sqlite")
    create_summary_tables(conn)
    t, seq, fid, states = 1000.0, 0, 1, {}
    for _ in range(batches):
        b, t, seq = _orders(rng, skus, size, t, seq, dt)
        tr.feed(b, fid)
        fid += len(b)
        states[tr.last_id] = {k: (s.available, int(bool(s.frozen)), s.sold) for k, s in tr.mirror.skus.items()}
    tr.flush(conn)
    conn.commit()
    at = conn.execute("SELECT n, ts, through_id, full FROM sum_check_at ORDER BY n").fetchall()
    rows = conn.execute("SELECT n, sku, available, frozen, sold FROM sum_check ORDER BY n").fetchall()
    conn.close()
    return at, rows, states, seq


def _state_at(rows, at, k):
    full = max(n for n, _ts, _i, f in at[:k + 1] if f)
    out = {}
    for n, sku, a, fz, sold in rows:
        if full <= n <= k:
            out[sku] = (a, fz, sold)
    return out


def test_slow_show_checkpoints_every_few_shop_seconds_with_the_mirrors_state(tmp_path):
    at, rows, states, n_events = _follow(tmp_path, 20, dt=0.02)  # 50 events/s: 2 s a batch
    assert at[0][3] == 1 and all(f == (n % FULL_EVERY == 0 or n == 0) for n, _t, _i, f in at[1:])
    timed = [(ts, i) for _n, ts, i, _f in at if ts is not None]
    assert all(0 < tb - ta <= 6.0 for (ta, _), (tb, _) in zip(timed, timed[1:]))  # a slot, plus a batch
    for k, (_n, _ts, through, _f) in enumerate(at):
        if through:
            assert _state_at(rows, at, k) == states[through], k


def test_busy_big_room_checkpoints_by_count_and_writes_few_rows(tmp_path):
    at, rows, states, n_events = _follow(tmp_path, 300, dt=0.0001, batches=300)  # 10,000 events/s, 300 SKUs
    through = [i for _n, _t, i, _f in at if i]
    gaps = [b - a for a, b in zip(through, through[1:])]
    assert max(gaps) <= max(MAX_EVENTS, PER_SKU * 300) + 100 and min(gaps) >= PER_SKU * 300
    assert len(rows) <= n_events / PER_SKU + 300 * (len(at) // FULL_EVERY + 2)
    for k in (len(at) // 2, len(at) - 1):
        assert _state_at(rows, at, k) == states[at[k][2]]
