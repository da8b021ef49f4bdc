"""What grows with a show's length stays bounded: chart histories keep a horizon, drifts a window."""
from __future__ import annotations

from controlroom.feed.mirror import StockMirror
from controlroom.live.history import HORIZON_S, SkuHistory


def test_history_keeps_the_horizon_and_stays_bounded():
    h = SkuHistory()
    h.ensure(["A"])
    sizes = []
    for t in range(4 * 3600):  # a 4-hour show, a new value every shop-second
        h.add("A", float(t), float(t % 97))
        if t % 600 == 0:
            sizes.append(len(h._series["A"].ts))
    ts, val = h.get("A")
    assert ts[-1] == 4 * 3600 - 1 and val[-1] == (4 * 3600 - 1) % 97
    assert ts[0] <= ts[-1] - HORIZON_S  # the whole horizon is there (charts draw 30 min of it)
    assert ts[0] >= ts[-1] - 2 * HORIZON_S  # and not the whole show
    assert (ts[1:] > ts[:-1]).all() and (val == ts % 97).all()  # in order, values intact after compaction
    assert max(sizes) == sizes[-1] and sizes[-1] <= 4 * HORIZON_S  # flat after warm-up


def test_mirror_drifts_are_counted_all_and_kept_recent():
    m = StockMirror()
    m.reset({"room": "R", "skus": [{"sku": "A", "available": 0}]})
    for i in range(5000):
        m.apply({"topic": "stock", "sku": "A", "available": i + 1, "frozen": False, "ts": float(i), "seq": i + 1})
    assert m.drift_count == 5000
    assert len(m.drifts) == m.drifts.maxlen < 5000 and m.drifts[-1] == (4999.0, "A", 4999, 5000)
