"""Engine on scripted event streams with known ground truth (issue 3, "Must show").

Every stream here is deterministic (evenly spaced events), so sell-out times and
line crossings are known by construction.
"""
from __future__ import annotations

import pytest

from controlroom.review import metrics
from controlroom.engine.scripted import Script
from controlroom.review.replay import Replayer, replay
from controlroom.settings import Settings


def fired(transitions, level=None, sku=None):
    """Distinct alert keys that reached firing (optionally of one level / SKU)."""
    return sorted({t.key for t in transitions if t.state == "firing"
                   and (level is None or t.level == level) and (sku is None or t.sku == sku)})


def first(transitions, state, level, sku=None):
    for t in transitions:
        if t.state == state and t.level == level and (sku is None or t.sku == sku):
            return t
    return None


# --- a surge after a mention raises watch within 10 s -----------------------------------------

SURGE_AT = 1200.0


def surge_script(mention: bool, surge_per_min: float = 60.0, available: int = 1200) -> Script:
    """A profit SKU selling 6/min for 20 min, then 10x from SURGE_AT (the host's mention).

    With ``mention`` the surge looks like a real mention: the SKU becomes featured
    and cart adds jump with the orders.  1200 units last 20 min at the surged
    rate, so the surge matters (watch) but stock is still above the warning line.
    """
    s = Script([{"sku": "P1", "tier": "profit", "available": available}])
    s.orders("P1", 6, 0, SURGE_AT)
    s.orders("P1", surge_per_min, SURGE_AT, SURGE_AT + 120)
    if mention:
        s.carts("P1", 9, 0, SURGE_AT)
        s.carts("P1", surge_per_min * 1.5, SURGE_AT, SURGE_AT + 120)
        s.traffic(0, SURGE_AT)
        s.traffic(SURGE_AT, SURGE_AT + 120, featured="P1")
    return s


@pytest.mark.parametrize("mention", [True, False], ids=["mention", "orders-only"])
def test_surge_raises_watch_within_10s(mention):
    # A 15x surge (90/min) on ~1380 units left: they would last ~15 min, within half the
    # profit tier's 30-min window at the pessimistic rate (watch_horizon_windows 0.5 since
    # issue 16; the 10x surge on 1200 units, ~20 min, no longer raises a watch).
    s = surge_script(mention, surge_per_min=90.0, available=1500)
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(SURGE_AT + 120), samples=False)
    before = [t for t in r.transitions if t.ts < s.ts(SURGE_AT)]
    assert before == [], "steady selling must raise nothing"
    w = first(r.transitions, "firing", "watch", "P1")
    assert w is not None, [t for t in r.transitions]
    assert w.ts - s.ts(SURGE_AT) <= 10.0
    # and the numbers that caused it: the surged rate, not the old one
    assert w.rate_per_min is not None and w.rate_per_min > 30


def test_no_watch_without_a_surge_or_when_the_surge_does_not_matter():
    # same stream without the surge: nothing at all
    s = Script([{"sku": "P1", "tier": "profit", "available": 1200}])
    s.orders("P1", 6, 0, 1500)
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(1500), samples=False)
    assert r.transitions == []
    # a surge on a SKU with stock for hours at the surged rate is not worth a look
    s = surge_script(mention=False, available=20000)
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(SURGE_AT + 120), samples=False)
    assert fired(r.transitions) == []


def test_small_bursts_do_not_trigger_the_change_detector():
    # three orders at once every 5 minutes on top of a steady 6/min: bursty, not a surge
    s = Script([{"sku": "P1", "tier": "profit", "available": 1200}])
    s.orders("P1", 6, 0, 3600)
    for k in range(1, 12):
        for _ in range(3):
            s.order("P1", k * 300.0 + 0.5)
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(3600), samples=False)
    assert fired(r.transitions, "watch") == []


# --- a steady sell-out is warned at least a window ahead ---------------------------------------

@pytest.mark.parametrize("tier,available,per_min", [
    ("traffic_driver", 600, 10.0),   # window 15 min; sells out at 60 min
    ("profit", 300, 5.0),            # window 30 min; sells out at 60 min
    ("long_tail", 150, 1.0),         # window 30 min; sells out at 150 min
])
def test_steady_sellout_is_warned_a_window_ahead(tier, available, per_min):
    s = Script([{"sku": "S1", "tier": tier, "available": available}])
    sellout_s = available / per_min * 60.0
    s.orders("S1", per_min, 0, sellout_s + 600)
    settings = Settings()
    r = replay(s.snapshot(), s.events(), settings, end_ts=s.ts(sellout_s + 600), samples=False)
    window_s = settings.tiers[tier].window_min * 60.0
    lead = metrics.lead_times(r.transitions, {"S1": s.ts(sellout_s)})["S1"]
    assert lead is not None, "the sell-out was not warned"
    assert lead >= window_s
    # one warning span, no flapping on the way down
    assert len(metrics.warning_spans(r.transitions)["S1"]) == 1
    # and no false alarm early on: nothing before the stock is really within reach
    w = first(r.transitions, "firing", "warning", "S1")
    assert w.ts - s.start_ts >= sellout_s - 2.5 * settings.tiers[tier].multiplier * window_s


def test_steady_forecast_numbers():
    s = Script([{"sku": "S1", "tier": "traffic_driver", "available": 5000}])
    s.orders("S1", 10, 0, 1800)
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(1800), samples=False)
    f = r.engine.forecast("S1")
    assert f.rate_per_min == pytest.approx(10.0, rel=0.1)
    assert f.window_min == 15.0
    assert f.predicted_sales == pytest.approx(150.0, rel=0.1)
    assert f.predicted_hi > f.predicted_sales
    # steady: the rule of thumb's 45 min (tiers.traffic_driver.line_horizon_min; the tier's 2 x 15 min is shorter)
    assert f.warning_line == pytest.approx(3.0 * f.predicted_sales, rel=0.01)
    avail = r.mirror.skus["S1"].available
    assert f.sellout_s == pytest.approx(avail / (f.rate_per_min / 60.0), rel=0.01)  # as of the last tick
    assert f.sellout_pessimistic_s < f.sellout_s
    assert f.safety_stock >= Settings().tiers["traffic_driver"].safety_floor
    assert f.level == "ok"


# --- hovering at the warning line: one alert, not a storm ---------------------------------------

# These two hold the line at the tier's own 2 x 15 min (~300 at 10/min), the numbers they were
# written for: what they test is the hysteresis, not the line's horizon (tests/test_line_horizon.py).
TIER_LINE = Settings().with_changes({"tiers.traffic_driver.line_horizon_min": 0})


@pytest.mark.parametrize("swing", [0.05, 0.10])
def test_hovering_at_the_warning_line_fires_once(swing):
    # 10/min on a traffic driver (line ~ 2 x 150).  After a warm-up, stock is topped up
    # whenever it falls to line - swing, back to line + swing: it crosses the line
    # every few minutes for an hour.
    warm = Script([{"sku": "H1", "tier": "traffic_driver", "available": 2000}])
    warm.orders("H1", 10, 0, 1800)
    rep = Replayer(TIER_LINE, warm.snapshot(), start_ts=warm.start_ts)
    for ev in warm.events():
        rep.feed(ev)
    rep.advance(warm.ts(1800))
    line = rep.engine.forecast("H1").warning_line
    assert 250 < line < 320
    lo, hi = int(line * (1 - swing)), int(line * (1 + swing)) + 1
    s = Script(warm.skus, start_ts=warm.start_ts, id_prefix="h")
    s.stock("H1", 1800.5, hi)
    avail, t, crossings = hi, 1800.5, 0
    while t < 1800 + 3600:
        t += 6.0
        s.order("H1", t)
        avail -= 1
        if avail <= lo:
            s.stock("H1", t + 0.5, hi)
            avail = hi
            crossings += 1
    for ev in s.events():
        rep.feed(ev)
    r = rep.finish(s.ts(t))
    assert crossings >= 5
    assert len(fired(r.transitions, "warning", "H1")) == 1
    if swing <= 0.05:  # inside the exit band: not even a recovery
        assert len([x for x in r.transitions if x.state == "firing" and x.level == "warning"]) == 1
    assert fired(r.transitions, "critical") == []


def test_recovering_alert_reenters_without_a_new_alert():
    # drop well below the line, recover above the exit threshold briefly, drop again
    s = Script([{"sku": "H1", "tier": "traffic_driver", "available": 2000}])
    s.orders("H1", 10, 0, 1800)
    s.stock("H1", 1800, 250)
    s.orders("H1", 10, 1800, 1900)
    s.stock("H1", 1900, 400)  # above 300 x 1.15: recovering
    s.orders("H1", 10, 1900, 1950)
    s.stock("H1", 1950, 250)  # back under within recover_s (90 s): same alert fires again
    s.orders("H1", 10, 1950, 2100)
    r = replay(s.snapshot(), s.events(), TIER_LINE, end_ts=s.ts(2100), samples=False)
    states = [x.state for x in r.transitions if x.level == "warning"]
    assert "recovering" in states
    assert len(fired(r.transitions, "warning")) == 1
    assert states.count("firing") == 2  # fired, recovered, re-entered: same key


# --- a frozen SKU is silent -----------------------------------------------------------------------

def test_frozen_sku_raises_no_stock_alert_only_frozen_with_stock():
    # frozen from the start, yet it has everything that would alert: low stock, a surge,
    # cart adds, a sell-out with viewers.  Its only alert is that it is frozen with stock
    # left (issue 16: never green), which ends when its stock is gone.
    s = Script([{"sku": "F1", "tier": "traffic_driver", "available": 120, "frozen": True},
                {"sku": "N1", "tier": "traffic_driver", "available": 120}])
    for sku in ("F1", "N1"):
        s.orders(sku, 2, 0, 600)
        s.orders(sku, 30, 600, 800)
        s.carts(sku, 60, 600, 1000)
    s.traffic(0, 1000, viewers=5000)
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(1000), samples=False)
    f1 = [t for t in r.transitions if t.sku == "F1"]
    assert {t.level for t in f1} == {"frozen_with_stock"}
    assert [t.state for t in f1] == ["pending", "firing", "resolved"] and f1[-1].reason == "stock gone"
    assert f1[1].reason.startswith("frozen with ") and "/min not selling" in f1[1].reason
    assert [a for a in r.actions if a["sku"] == "F1"] == []
    # the control SKU with the very same stream does alert (so the test can fail)
    assert fired(r.transitions, sku="N1")
    assert {"warning", "critical", "lost_sales"} <= {t.level for t in r.transitions if t.sku == "N1"}


def test_freezing_resolves_active_alerts_at_once():
    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": 200}])
    s.orders("A1", 10, 0, 900)
    s.stock("A1", 600, 140, frozen=True)
    s.orders("A1", 10, 900, 1200)  # storefront lag: a few orders still arrive
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(1200), samples=False)
    w = first(r.transitions, "firing", "warning", "A1")
    assert w is not None and w.ts < s.ts(600)
    res = first(r.transitions, "resolved", "warning", "A1")
    assert res is not None and res.reason == "frozen" and res.ts - s.ts(600) <= 1.0
    assert {t.level for t in r.transitions if t.ts > s.ts(601)} == {"frozen_with_stock"}


# --- a stale feed holds SKU alerts --------------------------------------------------------------

def test_stale_feed_raises_one_alert_and_holds_sku_alerts():
    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": 560}])
    s.orders("A1", 10, 0, 1200)  # the line (45 min x 10/min = 450) is crossed at ~11 min, while the feed is stale
    s.feed_state(200, "stale")
    s.feed_state(205, "resyncing")
    s.feed_state(210, "stale")  # still one feed alert
    s.feed_state(900, "live")
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(1200), samples=False)
    feed = [t for t in r.transitions if t.level == "feed"]
    assert [t.state for t in feed] == ["firing", "resolved"]
    assert feed[0].ts == s.ts(200) and feed[1].ts == s.ts(900)
    held = [t for t in r.transitions if t.sku is not None and s.ts(200) <= t.ts < s.ts(900)]
    assert held == [], held
    assert r.actions == []
    # once live again the SKU's alerts resume (the warning line was crossed meanwhile)
    w = first(r.transitions, "firing", "warning", "A1")
    assert w is not None and s.ts(900) <= w.ts <= s.ts(920)


def test_held_feed_suppresses_immediate_critical_and_actions():
    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": 40}])
    s.orders("A1", 10, 0, 600)  # would go critical within seconds, and sell out
    s.feed_state(0.5, "stale")
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(600), samples=False)
    assert [t for t in r.transitions if t.sku] == []
    assert r.actions == []


# --- critical at safety stock, at once, with the tier's action ------------------------------------

@pytest.mark.parametrize("tier,expect", [("traffic_driver", False), ("profit", True), ("long_tail", None)])
def test_critical_at_safety_stock_is_immediate(tier, expect):
    # 2/min leaves 40 units at 10 min, far from any critical horizon; then one bulk order
    # takes the SKU straight to its safety floor: critical on that very order.
    floor = int(Settings().tiers[tier].safety_floor)
    s = Script([{"sku": "A1", "tier": tier, "available": 60}])
    s.orders("A1", 2, 0, 600)
    s.order("A1", 600.5, qty=40 - floor)
    s.orders("A1", 0.5, 601, 1800)
    rep = Replayer(Settings(), s.snapshot(), start_ts=s.start_ts)
    eng = rep.engine
    crit = crossing = None
    for ev in s.events():
        rep.feed(ev)
        if ev["topic"] == "order":
            # transitions queued by on_event itself (ticks drain theirs into the result)
            now = [t for t in eng.take_transitions() if t.level == "critical" and t.state == "firing"]
            if now:
                crit, crossing = now[0], ev
                break
    assert [t for t in rep.result.transitions if t.level == "critical"] == []
    assert crit is not None, "critical must be decided on the order event, not by a tick"
    assert crit.ts == crossing["ts"] == s.ts(600.5)
    assert crit.available == floor and crit.available <= crit.threshold  # at safety stock
    assert crit.threshold >= Settings().tiers[tier].safety_floor
    acts = rep.result.actions
    if expect is None:
        assert acts == []
    else:
        assert len(acts) == 1
        a = acts[0]
        assert (a["op"], a["sku"], a["by"], a["confirm"]) == ("freeze", "A1", "auto", expect)
        assert a["alert"] == crit.key and a["ts"] == crossing["ts"]
    # no repeat of the action on later orders and ticks
    for ev in s.events():
        if ev["ts"] > crossing["ts"]:
            rep.feed(ev)
    rep.finish(s.ts(1900))
    assert len(rep.result.actions) == (0 if expect is None else 1)


def test_critical_supersedes_warning_and_watch():
    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": 400}])
    s.orders("A1", 10, 0, 2400)
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(2500), samples=False)
    crit = first(r.transitions, "firing", "critical", "A1")
    assert crit is not None
    active_after = {}
    for t in r.transitions:
        if t.ts <= crit.ts:
            active_after[(t.level, t.key)] = t.state
    assert [k for k, v in active_after.items() if k[0] in ("warning", "watch") and v != "resolved"] == []
    sup = [t for t in r.transitions if t.level == "warning" and t.state == "resolved"]
    assert sup and sup[0].reason == "superseded by critical" and sup[0].ts == crit.ts
    assert r.engine.forecast("A1").level == "critical"


# --- losing sales -------------------------------------------------------------------------------

def test_sold_out_with_viewers_and_carts_raises_lost_sales():
    s = Script([{"sku": "A1", "tier": "long_tail", "available": 30}])
    s.orders("A1", 6, 0, 300)  # sold out at 300 s
    s.carts("A1", 12, 0, 1200)
    s.traffic(0, 1200, viewers=8000)
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(1200), samples=False)
    ls = first(r.transitions, "firing", "lost_sales", "A1")
    assert ls is not None and s.ts(300) < ls.ts <= s.ts(300 + 60)
    assert ls.available == 0
    # about conversion x cart adds: 6 units per 12 adds before the sell-out -> ~6/min
    assert 2.0 < ls.rate_per_min < 12.0
    assert "losing about" in ls.reason


def test_no_lost_sales_without_viewers_or_carts():
    s = Script([{"sku": "A1", "tier": "long_tail", "available": 30}])
    s.orders("A1", 6, 0, 300)
    s.traffic(0, 1200, viewers=8000)  # viewers but no cart adds
    r = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(1200), samples=False)
    assert fired(r.transitions, "lost_sales") == []


# --- ack and snooze -----------------------------------------------------------------------------

def _warning_engine():
    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": 250}])
    s.orders("A1", 10, 0, 600)
    rep = Replayer(Settings(), s.snapshot(), start_ts=s.start_ts)
    for ev in s.events():
        rep.feed(ev)
    return s, rep


def test_ack_is_recorded_and_once():
    s, rep = _warning_engine()
    eng = rep.engine
    active = eng.active_alerts()
    assert [a.level for a in active] == ["warning"]
    key = active[0].key
    t = eng.ack(key, "op1", eng.now)
    assert (t.state, t.by, t.key) == ("acked", "op1", key)
    assert active[0].to_view().acked is True
    assert eng.ack(key, "op1", eng.now) is None
    assert eng.ack("nope", "op1", eng.now) is None


def test_snooze_expires_on_its_own_in_shop_time():
    s, rep = _warning_engine()
    eng = rep.engine
    key = eng.active_alerts()[0].key
    now = eng.now
    t = eng.snooze(key, 2, "op1", now)
    assert (t.state, t.until) == ("snoozed", now + 120)
    assert eng.active_alerts()[0].to_view().snoozed_until == now + 120
    assert [x for x in eng.tick(now + 60) if x.key == key] == []
    expired = [x for x in eng.tick(now + 121) if x.key == key]
    assert len(expired) == 1 and expired[0].reason == "snooze expired" and expired[0].state == "firing"
    assert eng.active_alerts()[0].snoozed_until is None
    assert eng.snooze("nope", 5, "op1", now) is None


# --- catalogue changes, settings, baselines, determinism ----------------------------------------

def test_reset_removes_alerts_of_vanished_skus_and_adds_new_ones():
    s, rep = _warning_engine()
    eng = rep.engine
    snap = s.snapshot()
    snap["skus"] = [{"sku": "B2", "tier": "profit", "available": 500}]
    rep.mirror.reset(snap)
    eng.on_reset(eng.now)
    out = eng.tick(eng.now + 1)
    assert any(t.sku == "A1" and t.state == "resolved" and "catalogue" in t.reason for t in out)
    assert eng.active_alerts() == []
    assert eng.forecast("B2").window_min == 30.0
    with pytest.raises(KeyError):
        eng.forecast("A1")


def test_update_settings_applies_live():
    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": 1000}])
    s.orders("A1", 10, 0, 1200)
    rep = Replayer(Settings(), s.snapshot(), start_ts=s.start_ts)
    for ev in s.events():
        rep.feed(ev)
    eng = rep.engine
    eng.tick(eng.now + 1)
    line = eng.forecast("A1").warning_line
    eng.update_settings(Settings().with_changes({"tiers.traffic_driver.multiplier": 4.0}))
    eng.tick(eng.now + 2)
    # 4 x 15 = 60 min of the steady rate, where 2 x 15 drew the 45-min floor (tiers.traffic_driver.line_horizon_min)
    assert eng.forecast("A1").warning_line == pytest.approx(60.0 / 45.0 * line, rel=0.05)
    # a per-SKU tier override moves the SKU to another window
    eng.update_settings(Settings().with_changes({"sku_tiers.A1": "long_tail"}))
    eng.tick(eng.now + 3)
    assert eng.forecast("A1").window_min == Settings().tiers["long_tail"].window_min != 15.0


@pytest.mark.parametrize("policy", ["static", "naive"])
def test_baselines_warn_by_their_rule_only(policy):
    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": 400}])
    s.orders("A1", 10, 0, 2400)  # sells out at 40 min
    settings = Settings().with_changes({"engine.policy": policy})
    r = replay(s.snapshot(), s.events(), settings, end_ts=s.ts(2500), samples=False)
    assert {t.level for t in r.transitions} == {"warning"}
    assert r.actions == []
    w = first(r.transitions, "firing", "warning", "A1")
    # static: below 100 units = 10 min before the sell-out; naive: 1.5 x 30 x 10/min = 450 > 400 at once
    expected = 2400 - 600 if policy == "static" else 60
    assert abs((w.ts - s.start_ts) - expected) <= 30, w


def test_replay_is_deterministic():
    s = surge_script(mention=True)
    a = replay(s.snapshot(), s.events(), Settings(), start_ts=s.start_ts, end_ts=s.ts(1400), samples=True)
    b = replay(s.snapshot(), s.events(), Settings(), start_ts=s.start_ts, end_ts=s.ts(1400), samples=True)
    assert a.transitions == b.transitions and a.samples == b.samples
    assert len(a.samples) == 1400  # one per shop-second and SKU
