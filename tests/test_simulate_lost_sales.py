"""Demand that lowered exposure, delisting or a freeze turns away is booked as lost, not gone.

A hand-built show: three SKUs with large stock (nothing sells out), no user cancels, one
unit per order, so every unit the audience wanted is either sold or lost.  The true
demand is known in expectation (``planned_units``: the same demand model, in
expectation); the seeded draws put it within a few Poisson deviations of that.
"""
from __future__ import annotations

import math

import pytest

from controlroom.simulate.model import ShopModel
from controlroom.simulate.scenarios import Scenario, SkuSpec, planned_units

RUN_S = 600.0


def _scenario() -> Scenario:
    skus = [SkuSpec("A", "a", "traffic_driver", 1000, 1_000_000, base_rate=60.0, feature_rate=0.0),
            SkuSpec("B", "b", "profit", 1000, 1_000_000, base_rate=60.0, feature_rate=0.0),
            SkuSpec("C", "c", "profit", 1000, 1_000_000, base_rate=30.0, feature_rate=0.0, other_rate=30.0)]
    return Scenario("hand-built", "room-t", 3600.0, skus, [], viewers_base=1000, viewers_peak=1000, ramp_s=1.0,
                    user_cancel_frac=0.0)


def _run(commands: list[dict], seed: int = 7) -> ShopModel:
    m = ShopModel(_scenario(), seed, lag_s=2.0, start_ts=1_000.0)
    for c in commands:
        assert m.apply_command(c)["ok"]
    sold: dict[str, int] = {}
    while m.now - m.start_ts < RUN_S - 1e-9:
        for topic, ev in m.step(0.5):
            if topic == "order":
                sold[ev["sku"]] = sold.get(ev["sku"], 0) + ev["qty"]
            assert topic != "cancel"  # nothing oversold, no user cancels
    m.sold = sold
    return m


def _expected(m: ShopModel, sku: str) -> float:
    spec = next(s for s in m.scenario.skus if s.sku == sku)
    return planned_units(m.scenario, spec, 0.0, RUN_S, step=0.5)


def test_delisted_and_hidden_demand_is_lost_not_gone():
    m = _run([{"op": "delist", "sku": "A"}, {"op": "exposure", "sku": "B", "weight": 0.0}])
    b = m.books
    for sku in ("A", "B"):
        want = _expected(m, sku)
        # the true demand at full exposure, drawn: within 5 Poisson deviations of its expectation
        assert abs(b.wanted[sku] - want) < 5 * math.sqrt(want)
        assert m.sold.get(sku, 0) == 0
        assert b.lost[sku] == b.wanted[sku]  # every unit wanted was turned away
    assert b.lost_why["delisted"] == b.lost["A"] and b.lost_why["exposure"] == b.lost["B"]
    # the untouched SKU: everything wanted was sold, nothing lost
    assert m.sold["C"] == b.wanted["C"] and "C" not in b.lost


def test_half_exposure_loses_about_half_and_the_books_balance():
    m = _run([{"op": "exposure", "sku": "A", "weight": 0.5}])
    b = m.books
    assert m.sold["A"] + b.lost["A"] == b.wanted["A"]
    # binomial thinning: the lost share is 0.5 within 5 standard deviations
    n = b.wanted["A"]
    assert b.lost["A"] / n == pytest.approx(0.5, abs=5 * math.sqrt(0.25 / n))
    assert b.lost_why == {"exposure": b.lost["A"]}
    assert m.sold["B"] == b.wanted["B"]


def test_a_freeze_turns_away_live_and_other_channel_buyers():
    m = _run([{"op": "freeze", "sku": "C"}])
    b = m.books
    # the storefront sees the freeze after its 2 s lag: at most those first live orders sell
    assert m.sold.get("C", 0) + b.lost["C"] == b.wanted["C"]
    assert m.sold.get("C", 0) <= 5
    assert b.lost_why == {"frozen": b.lost["C"]}
    want = _expected(m, "C")
    assert abs(b.wanted["C"] - want) < 5 * math.sqrt(want)


def test_with_nothing_turned_away_everything_wanted_is_sold():
    m = _run([])
    assert m.books.lost == {} and m.books.lost_why == {}
    assert m.sold == {k: int(v) for k, v in m.books.wanted.items()}


def test_an_oversold_order_is_a_lost_sale_the_books_balance():
    """The storefront sells past the stock for its 2 s lag: each such order is cancelled, and the buyer
    who wanted it got nothing, so it is booked lost (``oversold``) — wanted = delivered + lost."""
    skus = [SkuSpec("A", "a", "traffic_driver", 1000, 100, base_rate=600.0, feature_rate=0.0)]
    sc = Scenario("hand-built", "room-t", 3600.0, skus, [], viewers_base=1000, viewers_peak=1000, ramp_s=1.0,
                  user_cancel_frac=0.0)
    m = ShopModel(sc, 7, lag_s=2.0, start_ts=1_000.0)
    ordered = cancelled = 0
    while m.now - m.start_ts < 120.0:
        for topic, ev in m.step(0.5):
            if topic == "order":
                ordered += ev["qty"]
            elif topic == "cancel":
                assert ev["reason"] == "oversold"
                cancelled += ev["qty"]
    b = m.books
    assert cancelled > 0 and b.oversold["A"] == cancelled  # 10 a second for 2 s past the last unit
    assert ordered - cancelled == 100  # the whole stock was delivered, no more
    assert b.lost_why["oversold"] == cancelled
    assert b.lost["A"] == pytest.approx(b.wanted["A"] - 100)  # every unit wanted and not delivered is lost
