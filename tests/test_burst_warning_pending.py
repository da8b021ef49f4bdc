"""``engine.burst_warning_pending_s``: a warning only a burst's buffer makes waits longer before it fires.

Scripted: a traffic driver sells 6/min, then the host features it for 4 minutes at 120/min.  At
the feature's onset the line is 270 at the steady rate + 1,161 from the feature x 2.00 (the
buffer, before the room has seen a feature end) = 2,594, its highest: it falls within a minute as
the feature's level is re-estimated.  A SKU with 2,590 available then (2,650 in stock; 2,138 left
when the feature is over, never sold out) was warned at once and recovered 42 s later; its stock
covered the expected 270 + 1,161, only the buffer put it under.  With the longer wait it is not
warned.  A SKU the expected sales would empty (1,040 available) is warned as soon as before.
"""
from __future__ import annotations

from controlroom.engine.scripted import Script
from controlroom.review.replay import replay
from controlroom.settings import Settings

FEATURE_S = 600.0


def _featured_once(stock: int, pending_s: float):
    """The show above with ``stock`` units; the warning's transitions as (s from the start, state)."""
    s = Script([{"sku": "X", "tier": "traffic_driver", "available": stock}], viewers=10000)
    end = 1000.0
    s.traffic(0, FEATURE_S, viewers=10000)
    s.traffic(FEATURE_S, FEATURE_S + 240, featured="X", viewers=10000)
    s.traffic(FEATURE_S + 240, end, viewers=10000)
    s.orders("X", 6, 0, end)
    s.carts("X", 150, FEATURE_S, FEATURE_S + 240)
    s.orders("X", 114, FEATURE_S + 20, FEATURE_S + 240)
    s.heartbeats(0, end, every_s=5)
    settings = Settings().with_changes({"engine.burst_warning_pending_s": pending_s})
    r = replay(s.snapshot(), s.events(), settings, start_ts=s.start_ts, end_ts=s.ts(end), samples=False)
    return [(t.ts - s.start_ts, t.state) for t in r.transitions if t.level == "warning"]


def test_a_line_that_peaks_at_a_features_onset_does_not_warn_after_the_wait():
    before = _featured_once(2650, 0.0)  # the tier's 5 s
    assert [st for _t, st in before][:3] == ["pending", "firing", "recovering"]
    fired = [t for t, st in before if st == "firing"][0]
    assert FEATURE_S < fired <= FEATURE_S + 10
    after = _featured_once(2650, 60.0)
    assert "firing" not in [st for _t, st in after]
    assert after[-1][1] == "resolved"  # cleared before firing


def test_a_burst_whose_expected_sales_empty_the_sku_warns_without_the_wait():
    # 1,100 units: the feature's expected sales alone (not its buffer) go past the stock, so the
    # warning is no blip; it fires after the tier's 5 s either way (delaying those cost lead).
    for pending in (0.0, 60.0):
        w = _featured_once(1100, pending)
        fired = [t for t, st in w if st == "firing"][0]
        assert FEATURE_S < fired <= FEATURE_S + 10


def test_a_warning_the_steady_rate_makes_keeps_the_tiers_pending():
    # 300 units at 6/min: under the steady line (45 min x 6/min = 270 units) long before any feature;
    # the burst wait does not apply and the warning fires after the tier's 5 s either way.
    for pending in (0.0, 60.0):
        w = _featured_once(300, pending)
        assert [st for _t, st in w][:2] == ["pending", "firing"]
        assert w[1][0] - w[0][0] <= 6.0
