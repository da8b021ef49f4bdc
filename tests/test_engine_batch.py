"""Engine.on_events (the batch API) decides as on_event does, event by event; replay batches."""
from __future__ import annotations

import copy

import pytest

from controlroom.engine import Engine
from controlroom.engine.scripted import Script
from controlroom.feed.mirror import StockMirror
from controlroom.protocol import validate_event
from controlroom.review.replay import Replayer, replay
from controlroom.settings import Settings

from tests.test_engine_scripted import surge_script


def _ev(topic, ts, **f):
    base = {"v": 1, "epoch": "e", "seq": 1, "ts": ts, "room": "r"}
    base.update(f)
    return validate_event(topic, base)


def _pair(skus, settings=None):
    """Two engines over two mirrors of the same snapshot."""
    snap = {"room": "r", "viewers": 5000, "featured": None,
            "skus": [{"sku": s, "tier": t, "available": a, "price_cents": 100} for s, t, a in skus]}
    out = []
    for _ in range(2):
        m = StockMirror()
        m.reset(snap)
        m.last_ts = 1000.0
        e = Engine(settings or Settings(), m)
        e.on_reset(1000.0)
        out.append((m, e))
    return out


def _state(e: Engine) -> dict:
    """The estimator state that events change."""
    out = {"featured": e.room.featured, "feat_n": e.room.feat_n, "feat_sum": round(e.room.feat_sum, 6),
           "entries": [round(x, 6) for x in e.room.entries.c]}
    for sku, m in e.models.items():
        out[sku] = {
            "live": [round(x, 6) for x in m.live.c], "off": [round(x, 6) for x in m.off.c],
            "other": [round(x, 6) for x in m.other.c], "carts": [round(x, 6) for x in m.carts.c],
            "cusum": round(m.ord_cusum.s, 6), "down": round(m.ord_down.s, 6), "cart_cusum": round(m.cart_cusum.s, 6),
            "live_units": m.live_units, "n_orders": m.n_orders, "cart_adds": m.cart_adds,
            "feat_units": round(m.feat_units, 6), "feat_time": round(m.feat_time, 6),
            "safety": round(m.safety, 6), "mean_qty": round(m.mean_qty, 6),
        }
    return out


def _apply_both(pair, events):
    (m1, e1), (m2, e2) = pair
    for ev in events:  # the live core applies a whole batch to the mirror before the engine sees it
        if ev["topic"] not in ("hb",):
            m1.apply(copy.deepcopy(ev))
            m2.apply(copy.deepcopy(ev))
    for ev in events:
        e1.on_event(ev)
    e2.on_events(events)


def test_one_timestamp_batch_matches_event_by_event_exactly():
    # A feed message stamped at one instant: orders (mixed sizes, both channels), carts (adds
    # and removals), traffic with a change of featured SKU.
    pair = _pair([("A", "traffic_driver", 5000), ("B", "profit", 800)])
    evs = [_ev("traffic", 1000.5, viewers=5000, entries=30, featured="A")]
    t = 1001.0
    for i in range(40):
        evs.append(_ev("order", t, order_id=f"o{i}", sku="A" if i % 3 else "B", qty=1 + i % 3, price_cents=100,
                       channel="other" if i % 7 == 0 else "live"))
    evs += [_ev("cart", t, sku="A", delta=3), _ev("cart", t, sku="B", delta=-1), _ev("cart", t, sku="A", delta=2),
            _ev("cart", t, sku="B", delta=1), _ev("cart", t, sku="A", delta=1)]
    _apply_both(pair, evs)
    (_, e1), (_, e2) = pair
    s1, s2 = _state(e1), _state(e2)
    # the mean order size moves by the batch's mean (documented): compare everything else exactly
    for s in (s1, s2):
        for sku in ("A", "B"):
            s[sku].pop("mean_qty")
    assert s1 == s2
    assert s1["A"]["live_units"] > 0 and s1["A"]["cart_adds"] == 6 and s1["B"]["cart_adds"] == 1


def test_spread_batch_matches_within_the_slice_tolerance():
    # Orders spread over 3 s (many 10 ms slices), carts over the same span: counts agree
    # exactly, decayed sums within the slice width over the fastest scale (0.1 %).
    pair = _pair([("A", "traffic_driver", 100000), ("B", "traffic_driver", 100000)])
    evs = []
    for i in range(600):
        t = 1001.0 + i * 0.005
        evs.append(_ev("order", t, order_id=f"o{i}", sku="AB"[i % 2], qty=1, price_cents=100, channel="live"))
    _apply_both(pair, evs)
    evs = [_ev("cart", 1005.0 + i * 0.004, sku="AB"[i % 2], delta=1) for i in range(300)]
    _apply_both(pair, evs)
    (_, e1), (_, e2) = pair
    s1, s2 = _state(e1), _state(e2)
    for sku in ("A", "B"):
        assert s1[sku]["live_units"] == s2[sku]["live_units"] == 300
        assert s1[sku]["cart_adds"] == s2[sku]["cart_adds"] == 150
        for k in ("live", "carts", "off"):
            assert s2[sku][k] == pytest.approx(s1[sku][k], rel=2e-3, abs=1e-9), k
        assert s2[sku]["cusum"] == pytest.approx(s1[sku]["cusum"], rel=1e-2, abs=1e-6)


def test_out_of_order_timestamps_take_the_per_event_path():
    pair = _pair([("A", "traffic_driver", 1000)])
    ts = [1001.0, 1000.9, 1001.3, 1001.2, 1001.5, 1001.4]
    evs = [_ev("order", t, order_id=f"o{i}", sku="A", qty=1, price_cents=100, channel="live") for i, t in enumerate(ts)]
    _apply_both(pair, evs)
    (_, e1), (_, e2) = pair
    assert _state(e1) == _state(e2)


def test_bulk_orders_are_capped_in_a_batch_too():
    pair = _pair([("A", "profit", 100000)])
    evs = [_ev("order", 1001.0, order_id=f"o{i}", sku="A", qty=q, price_cents=100, channel="live")
           for i, q in enumerate([1, 1, 1, 50, 1, 1])]
    _apply_both(pair, evs)
    (_, e1), (_, e2) = pair
    # 50 units count as 4 x the mean order size (about 1): the rate is not blown up by one bulk buyer
    assert e1.models["A"].live.c[0] == pytest.approx(e2.models["A"].live.c[0], rel=0.05)
    assert e2.models["A"].live.c[0] < 12 and e2.models["A"].live_units == e1.models["A"].live_units == 55


def test_featured_changes_inside_a_traffic_batch_are_all_kept():
    pair = _pair([("A", "profit", 1000), ("B", "profit", 1000), ("C", "profit", 1000)])
    evs = [_ev("traffic", 1001.0 + i * 0.001, viewers=5000, entries=5, featured=f)
           for i, f in enumerate(["A", "A", "B", "B", "C", None, "A"])]
    _apply_both(pair, evs)
    (_, e1), (_, e2) = pair
    s1, s2 = _state(e1), _state(e2)
    assert s1["featured"] == s2["featured"] == "A"
    assert s1["feat_n"] == s2["feat_n"] == 3  # A, B and C each ended a (short) feature
    for sku in "ABC":
        assert s2[sku]["feat_time"] == pytest.approx(s1[sku]["feat_time"], abs=1e-9)
    assert s2["entries"] == pytest.approx(s1["entries"], rel=1e-4)


def test_critical_at_safety_stock_is_immediate_inside_a_batch():
    # 30 units; one message of 28 orders takes the SKU to 2 (its safety floor is 5): the critical
    # fires in on_events, the freeze is queued before any tick, once.
    pair = _pair([("A", "traffic_driver", 30)])
    (m1, e1), (m2, e2) = pair
    evs = [_ev("order", 1001.0, order_id=f"o{i}", sku="A", qty=1, price_cents=100, channel="live") for i in range(28)]
    _apply_both(pair, evs)
    for e in (e1, e2):
        crit = [t for t in e.take_transitions() if t.level == "critical" and t.state == "firing"]
        assert len(crit) == 1 and crit[0].available == 2 and crit[0].ts == 1001.0
        acts = e.take_actions()
        assert [(a["op"], a["sku"], a["confirm"]) for a in acts] == [("freeze", "A", False)]


def test_replay_in_batches_decides_as_event_by_event():
    s = surge_script(mention=True, available=450)  # 330 left at the surge
    s.orders("P1", 60, 1320, 1700)  # keeps selling: warning, critical, sell-out
    end = s.ts(1700)
    one = Replayer(Settings(), s.snapshot(), start_ts=s.start_ts)
    for ev in s.events():
        one.feed(ev)
    a = one.finish(end)
    b = replay(s.snapshot(), s.events(), Settings(), start_ts=s.start_ts, end_ts=end, samples=False)
    key = [(t.key, t.level, t.state, t.ts) for t in a.transitions]
    assert key == [(t.key, t.level, t.state, t.ts) for t in b.transitions]
    assert {t.level for t in a.transitions} >= {"warning", "critical"}
    assert [(x["op"], x["sku"], x["ts"]) for x in a.actions] == [(x["op"], x["sku"], x["ts"]) for x in b.actions]
    assert a.mirror.available() == b.mirror.available()


def test_replay_batches_count_duplicates_and_unknown_skus_like_single_events():
    s = Script([{"sku": "A", "tier": "profit", "available": 500}])
    s.orders("A", 30, 0, 60)
    evs = s.events()
    dup = [dict(e) for e in evs[:5]]
    ghost = [dict(e, sku="NOPE", order_id=f"g{i}") for i, e in enumerate(evs[5:10])]
    stream = evs[:20] + dup + ghost + evs[20:]
    stream.sort(key=lambda e: e["ts"])
    a = Replayer(Settings(), s.snapshot(), start_ts=s.start_ts)
    for ev in stream:
        a.feed(ev)
    ra = a.finish(s.ts(70))
    rb = replay(s.snapshot(), stream, Settings(), start_ts=s.start_ts, end_ts=s.ts(70), samples=False)
    assert (ra.duplicates, ra.rejected) == (rb.duplicates, rb.rejected) == (5, 5)
    assert ra.mirror.available() == rb.mirror.available() == {"A": 500 - 30}


def test_replay_of_a_demo_slice_matches_event_by_event():
    # The opening of the evening show (the opening deal sells out): events grouped per shop
    # step as the live core gets them, vs one at a time.
    from controlroom.simulate.model import ShopModel

    model = ShopModel("evening-show", 2, start_ts=1_700_000_000.0)
    snap = model.snapshot()
    steps = []
    while model.now - model.start_ts < 700:
        steps.append([validate_event(t, f) for t, f in model.step(0.5)])
    a = Replayer(Settings(), snap, start_ts=model.start_ts)
    b = Replayer(Settings(), snap, start_ts=model.start_ts)
    for batch in steps:
        for ev in batch:
            a.feed(ev)
        b.feed_batch(batch)
    ra, rb = a.finish(model.now), b.finish(model.now)
    fired = lambda r: [(t.sku, t.level, t.ts) for t in r.transitions if t.state == "firing"]  # noqa: E731
    assert fired(ra) and len(fired(ra)) == len(fired(rb))
    for (s1, l1, t1), (s2, l2, t2) in zip(fired(ra), fired(rb)):
        assert (s1, l1) == (s2, l2) and abs(t1 - t2) <= 2.0
    assert ra.mirror.available() == rb.mirror.available()


@pytest.mark.parametrize("spread", [0.0, 0.004])
def test_a_feed_batch_read_as_columns_decides_exactly_as_its_dicts(spread):
    # Engine.on_batch (the live session's hot path: the feed's EventBatch, no dict built) and
    # Engine.on_events on the same events leave the very same estimator state and actions.
    import orjson

    from controlroom.feed.batch import EventBatch, decode_batch

    pair = _pair([("A", "traffic_driver", 5000), ("B", "profit", 60)])
    (m1, e1), (m2, e2) = pair
    for topic in ("order", "cart", "order"):
        raw = []
        for i in range(120):
            f = ({"order_id": f"{len(m1.orders_seen)}-{i}", "sku": "AB"[i % 2], "qty": 1 + i % 3,
                  "price_cents": 100, "channel": "other" if i % 9 == 0 else "live"} if topic == "order"
                 else {"sku": "AB"[i % 2], "delta": 1 - i % 3})
            f.update({"v": 1, "epoch": "e", "seq": i + 1, "ts": 1001.0 + i * spread + len(m1.orders_seen), "room": "r"})
            raw.append(f)
        batch = EventBatch(topic, decode_batch(topic, orjson.dumps(raw)))
        assert m1.apply_columns(topic, batch.cols, typed=True) and m2.apply_columns(topic, batch.cols, typed=True)
        e1.on_events(batch.events())
        e2.on_batch(batch)
    assert _state(e1) == _state(e2)
    assert e1.actions_pending == e2.actions_pending
    assert _state(e1)["B"]["live_units"] > 0
