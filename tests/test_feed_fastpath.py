"""The batch fast path accepts exactly what the per-event path accepts."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from controlroom.feed.mirror import StockMirror
from controlroom.feed.validate import check_batch
from controlroom.protocol import Reject, validate_event


def batch(n=10, topic="order"):
    evs = []
    for i in range(n):
        ev = {"order_id": f"o{i}", "sku": "A", "qty": 1, "price_cents": 250, "channel": "live"} if topic == "order" \
            else {"sku": "A", "delta": 2}
        ev.update({"v": 1, "epoch": "E", "seq": 10 + i, "ts": 100.0 + i, "room": "R"})
        evs.append(ev)
    return evs


def per_event_ok(topic, evs):
    try:
        for ev in copy.deepcopy(evs):
            validate_event(topic, ev)
        return all(ev["epoch"] == "E" and ev["room"] == "R" for ev in evs) and \
            [ev["seq"] for ev in evs] == list(range(10, 10 + len(evs)))
    except Reject:
        return False


@pytest.mark.parametrize("topic", ["order", "cart"])
def test_valid_batch_passes_fast_path(topic):
    assert check_batch(topic, batch(topic=topic), "E", "R", 10) is not None


BAD_VALUES = [None, True, False, 0, -1, 1.5, "", "x", [], {}, 10**20]


@settings(max_examples=400, deadline=None)
@given(topic=st.sampled_from(["order", "cart"]), idx=st.integers(0, 9),
       key=st.sampled_from(["v", "epoch", "seq", "ts", "room", "order_id", "sku", "qty", "price_cents", "channel",
                            "delta", "__drop__"]),
       value=st.sampled_from(BAD_VALUES))
def test_fast_path_never_accepts_what_per_event_rejects(topic, idx, key, value):
    evs = batch(topic=topic)
    ev = evs[idx]
    if key == "__drop__":
        ev.pop(sorted(ev)[idx % len(ev)])
    elif key in ev:
        ev[key] = value
    fast = check_batch(topic, evs, "E", "R", 10)
    mirror = StockMirror()
    mirror.reset({"room": "R", "skus": [{"sku": "A", "available": 100}]})
    if fast is not None and mirror.apply_columns(topic, fast):  # SKU membership is the mirror's check
        assert per_event_ok(topic, evs) and all(ev["sku"] == "A" for ev in evs), (key, value)


def test_mirror_columns_match_per_event_application():
    evs = batch(50)
    for i, ev in enumerate(evs):
        ev["sku"] = "AB"[i % 2]
        ev["qty"] = 1 + i % 3
        ev["price_cents"] = 100 + i
    snap = {"room": "R", "skus": [{"sku": "A", "available": 1000}, {"sku": "B", "available": 1000}]}
    a, b = StockMirror(), StockMirror()
    a.reset(snap)
    b.reset(snap)
    cols = check_batch("order", copy.deepcopy(evs), "E", "R", 10)
    assert a.apply_columns("order", cols)
    for ev in copy.deepcopy(evs):
        validate_event("order", ev)
        b.apply(ev)
    for sku in "AB":
        sa, sb = a.skus[sku], b.skus[sku]
        assert (sa.available, sa.sold, sa.orders, sa.gmv_cents) == (sb.available, sb.sold, sb.orders, sb.gmv_cents)
    assert (a.units, a.orders, a.gmv_cents) == (b.units, b.orders, b.gmv_cents)
    # A repeated order id makes the whole batch go the careful way, changing nothing.
    assert not a.apply_columns("order", cols)
    assert a.skus["A"].available == b.skus["A"].available


def test_recent_ids_keep_a_bounded_window():
    from controlroom.feed.mirror import RecentIds

    ids = RecentIds(generation=100)
    ids.update([f"o{i}" for i in range(150)])
    assert "o0" in ids and "o149" in ids  # the previous generation still counts
    for i in range(150, 400):
        ids.add(f"o{i}")
    assert "o0" not in ids  # two generations later it is forgotten: memory stays bounded
    assert "o399" in ids and "o300" in ids
    assert len(ids) <= 200
    assert not ids.isdisjoint(["zz", "o399"]) and ids.isdisjoint(["zz"])


def test_duplicate_order_within_the_window_counts_once():
    m = StockMirror()
    m.reset({"room": "R", "skus": [{"sku": "A", "available": 10}]})
    ev = {"topic": "order", "ts": 1.0, "order_id": "x", "sku": "A", "qty": 1, "price_cents": 5, "channel": "live"}
    assert m.apply(dict(ev)) and not m.apply(dict(ev))
    assert m.skus["A"].available == 9
