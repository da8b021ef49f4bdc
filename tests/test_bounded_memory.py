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
    # flat after warm-up, and the buffer the smallest power of two that holds the horizon (2,048
    # samples; with compaction only when it freed a quarter, an hour's horizon took 8,192)
    assert max(sizes) == sizes[-1] and sizes[-1] <= 1 << int(HORIZON_S).bit_length()
    assert HORIZON_S >= 1800 + 60  # what the desk draws (ui.desk.chart_parts.HISTORY_S), with a margin


def test_mirror_drifts_are_counted_all_and_kept_recent():
    m = StockMirror()
    m.reset({"room": "R", "skus": [{"sku": "A", "available": 0}]})
    for i in range(5000):
        m.apply({"topic": "stock", "sku": "A", "available": i + 1, "frozen": False, "ts": float(i), "seq": i + 1})
    assert m.drift_count == 5000
    assert len(m.drifts) == m.drifts.maxlen < 5000 and m.drifts[-1] == (4999.0, "A", 4999, 5000)


def _orders(first: int, n: int, t: float, step: float) -> list[dict]:
    """``n`` valid single-unit orders from id ``first``, ``step`` shop seconds apart from ``t``."""
    return [{"v": 1, "epoch": "E", "seq": first + i, "ts": t + i * step, "room": "R", "order_id": f"o{first + i}",
             "sku": "AB"[i % 2], "qty": 1, "price_cents": 990, "channel": "live"} for i in range(n)]


def test_order_ids_are_remembered_for_a_window_of_shop_time_not_all_show():
    """20 shop minutes at 50 orders/s: far under the 250,000-id generations, so only the shop-time
    window bounds the ids kept (without it all 60,000 stay) — on the per-event and the batch path."""
    import orjson

    from controlroom.feed.batch import EventBatch, decode_batch
    from controlroom.feed.mirror import DEDUP_WINDOW_S

    snap = {"room": "R", "skus": [{"sku": "A", "available": 10**9}, {"sku": "B", "available": 10**9}]}
    per_event, batched = StockMirror(), StockMirror()
    per_event.reset(snap)
    batched.reset(snap)
    rate, n = 50, 60_000
    for first in range(1, n + 1, 100):
        evs = _orders(first, 100, 1000.0 + (first - 1) / rate, 1 / rate)
        assert batched.apply_columns("order", EventBatch("order", decode_batch("order", orjson.dumps(evs))).cols,
                                     typed=True)
        for ev in evs:
            assert per_event.apply(dict(ev, topic="order"))
    for m in (per_event, batched):
        assert m.orders == n
        assert DEDUP_WINDOW_S == 120.0
        assert len(m.orders_seen) <= 2 * 120 * rate + 100  # two 2-minute windows at most, not 60,000
        # a re-sent order is still counted once: anything from the last window is remembered
        late = _orders(n - int(DEDUP_WINDOW_S * rate) + 1, 1, 0.0, 0.0)[0]
        before = m.skus["A"].available + m.skus["B"].available
        assert m.apply(dict(late, topic="order", ts=1000.0 + n / rate)) is False
        assert m.skus["A"].available + m.skus["B"].available == before


def test_the_log_summary_forgets_order_ids_by_shop_time_too():
    """The session log's summary keeps its own mirror (the review's count): bounded the same way."""
    from controlroom.feed.mirror import DEDUP_WINDOW_S
    from controlroom.log.summary import SummaryTracker

    tr = SummaryTracker()
    tr.catalogue("R", [{"sku": "A", "available": 10**9}, {"sku": "B", "available": 10**9}])
    tr.reset({"room": "R", "skus": [{"sku": "A", "available": 10**9}, {"sku": "B", "available": 10**9}]})
    rate, n = 50, 60_000
    for first in range(1, n + 1, 100):
        tr.feed([dict(ev, topic="order") for ev in _orders(first, 100, 1000.0 + (first - 1) / rate, 1 / rate)],
                first)
    assert tr.mirror.orders == n and tr.duplicates == 0
    assert DEDUP_WINDOW_S == 120.0
    assert len(tr.mirror.orders_seen) <= 2 * 120 * rate + 100  # two 2-minute windows at most, not 60,000
    tr.feed([dict(_orders(n - 10, 1, 1000.0 + n / rate, 0.0)[0], topic="order")], n + 1)
    assert tr.duplicates == 1  # a re-sent order within the window still counts once
