"""The hard scenarios as regression cases (issue 16), each with its expected scorecard.

Short versions (controlroom/simulate/short.py: the seeded show, its hard moment brought
forward, 20-30 minutes) of the four shows that are hard the way real shows are: a host who
mentions items and moves on, a restock that arrives late, a traffic surge carts do not
follow, a price cut mid-show.  Seed 1 each: the open loop feeds the engine and the naive
rule the same events; the closed loop applies the engine's actions to the shop.  The
ranges are the figures measured when these cases were added, with a little room: a change
that makes the engine warn later, miss, cry wolf, chatter, oversell or throw sales away
breaks them (docs/engine.md has the full-length evaluation).
"""
from __future__ import annotations

import functools

import pytest

from controlroom.review import evaluate as ev
from controlroom.review.chatter import episode_level_changes
from controlroom.settings import Settings
from controlroom.simulate.short import short_scenario

pytestmark = pytest.mark.timeout(120)
SEED = 1


@functools.lru_cache(maxsize=None)  # each show is run once per test session
def scorecard(name: str, seed: int = SEED) -> dict:
    """The figures of one short show: engine vs naive (open loop), the engine's actions (closed loop)."""
    sc = short_scenario(name, seed)
    st = Settings()
    model, res = ev.run_open_loop(sc, seed, {"engine": st, "naive": st.with_changes({"engine.policy": "naive"})})
    t0, dur = model.start_ts, model.now - model.start_ts
    sell = dict(model.books.sellout_ts)
    out: dict = {"sellouts": {k: v - t0 for k, v in sell.items()}, "duration_s": dur,
                 "oversold_open": sum(model.books.oversold.values()),
                 "lost_open": sum(model.books.lost.values())}
    for p, r in res.items():
        out[p] = ev._summary(model, r, st, sell, dur)
    book = res["engine"].engine.episodes
    out["episodes"] = [(e.sku, e.level, e.start_ts - t0) for e in book.history + book.open_episodes()]
    out["episodes_shown"] = book.count_shown()
    out["shown_at"] = {k: v - t0 for k, v in book.shown_at.items()}  # each SKU's first row (own or the room's)
    out["chatter"] = episode_level_changes(book.level_log)
    # Each time an episode opened or went up a level: (s into the show, subject, the new rank).
    ups, last = [], {}
    for ts, eid, rank in book.level_log:
        if rank > last.get(eid, 0):
            ups.append((ts - t0, eid.split(":")[1], rank))
        last[eid] = rank
    out["levels_up"] = ups
    if not res["engine"].actions:
        # The engine asked for nothing: the closed loop would replay the open loop exactly (its actions
        # are the only difference), so it is not run again (suite time).
        out["oversold_closed"], out["lost_closed"] = out["oversold_open"], out["lost_open"]
        out["actions"], out["action_reasons"] = [], []
    else:
        cm, _cres, applied = ev.run_closed_loop(sc, seed, st)
        out["oversold_closed"] = sum(cm.books.oversold.values())
        out["lost_closed"] = sum(cm.books.lost.values())
        out["actions"] = [(a["op"], a["sku"], a["applied_ts"] - cm.start_ts) for a in applied]
        out["action_reasons"] = [a.get("reason", "") for a in applied]
    out["restocks"] = sc.restocks
    out["surges"] = sc.surges
    return out


@pytest.fixture(scope="module", params=["mentions", "late-restock", "traffic-surge", "price-cut"])
def card(request):
    return request.param, scorecard(request.param)


def test_every_hard_scenario_is_shown_without_misses_floods_or_overselling(card):
    name, c = card
    e, n = c["engine"], c["naive"]
    assert e["misses"] == 0, name
    assert e["false_warnings"] <= n["false_warnings"], name
    assert c["oversold_closed"] == 0, name
    # No SKU swings more than twice in 10 minutes (EEMUA's "no chatter"), and no flood of episodes.
    assert c["chatter"]["max_swings_10min"] <= 2, (name, c["chatter"])
    assert c["episodes_shown"] <= 5, (name, c["episodes"])


def test_mentions_raise_watches_only_and_two_at_most():
    c = scorecard("mentions")
    # The host mentions an item for half a minute to two and moves on: nothing sells out, and the
    # engine's featured hold, learnt from long features, must not turn each mention into a warning.
    assert c["sellouts"] == {} and c["engine"]["false_warnings"] == 0
    # Watches only: listed in the room's surge row (a watch alone is not a row of its own, issue 16).
    assert 1 <= c["episodes_shown"] <= 2 and {lv for _s, lv, _t in c["episodes"]} == {"surge"}, c["episodes"]
    assert c["chatter"]["max_swings_10min"] <= 1 and c["engine"]["incidents_per_operator_per_10min"] <= 1.0


def test_a_raid_that_only_watches_opens_no_warning():
    c = scorecard("traffic-surge")
    (s1, d1, _v1, f1), (s2, d2, _v2, f2) = c["surges"]
    assert f1 > 1.0 and f2 == 1.0  # the first raid buys, the second only watches
    # While (and 2 minutes after) the crowd that does not buy is in, no problem opens or goes up to a
    # warning or worse (a critical of the buying raid stepping down after its hold is no news).
    late = [x for x in c["levels_up"] if s2 <= x[0] <= s2 + d2 + 120 and x[2] >= 2]
    assert late == [], late
    assert c["sellouts"] == {} and c["engine"]["false_warnings"] <= 2 < c["naive"]["false_warnings"]
    # The buying raid's warning and the surge row its watches are listed in (before the surge row: 3-5).
    assert 2 <= c["episodes_shown"] <= 5 and "surge" in {lv for _s, lv, _t in c["episodes"]}, c["episodes"]


def test_a_price_cut_is_warned_early_and_frozen_without_overselling():
    c = scorecard("price-cut")
    cut = {sku for sku in ("TD06", "PF06")}
    assert set(c["sellouts"]) == cut  # planned at the old price, both cut items sell out
    e, n = c["engine"], c["naive"]
    # Each cut item's episode opens within a minute of the cut (at 300 s), long before it sells out.
    # (On its own row or the room's warning wave: both cut items cross their lines within seconds.)
    # TD06 may be on a row before the cut: its stock, planned for this 25-min show, is under the 45 min
    # of its old rate the line covers (tiers.traffic_driver.line_horizon_min; the naive rule's 1.5 x 30 min too).
    first = {sku: t for sku, t in c["shown_at"].items() if sku in cut}
    assert set(first) == cut and all(t <= 360.0 for t in first.values()), first
    assert 300.0 <= first["PF06"] <= 360.0, first
    # Lead time: measured 660 s, naive 660 s (517 s before the line covered 45 min of the steady rate:
    # the driver's 2 x 15 min waited for the critical horizon on a step it could not yet tell from a
    # feature's burst).
    assert e["median_lead_s"] >= 600 and n["median_lead_s"] >= 600
    assert c["oversold_open"] > 0 and c["oversold_closed"] == 0
    assert c["lost_closed"] <= 1.2 * max(c["lost_open"], 1.0) + 20, (c["lost_closed"], c["lost_open"])


def test_a_late_restock_releases_the_freeze_it_finds():
    c = scorecard("late-restock")
    assert len(c["sellouts"]) == 3 and c["oversold_open"] > 0 and c["oversold_closed"] == 0
    frozen_at = {}
    released = []
    for op, sku, t in c["actions"]:
        if op == "freeze":
            frozen_at[sku] = t
        elif op == "unfreeze":
            released.append((sku, t))
            frozen_at.pop(sku, None)
    # Every SKU frozen when its truck arrives is released within a minute of it (never frozen on a
    # restock), and no SKU is frozen more than twice in any 10 minutes.
    for at, sku, _qty in c["restocks"]:
        was = [t for op, s, t in c["actions"] if s == sku and op == "freeze" and t <= at]
        rel = [t for s, t in released if s == sku and t <= at + 60.0]
        assert len(rel) >= len(was), (sku, at, c["actions"])
    # At most 2 freezes of a SKU in 10 minutes unless its stock truly runs out (the reason says so).
    freezes = [(s, t, why) for (op, s, t), why in zip(c["actions"], c["action_reasons"]) if op == "freeze"]
    for sku, t, why in freezes:
        before = [u for s, u, _w in freezes if s == sku and t - 600.0 < u < t]
        assert len(before) < 2 or "stock runs out" in why, (sku, t, why)
    # Lost sales with auto-freeze: measured 133 units against 111 without (+20 %: issue 16's open target).
    assert c["lost_closed"] <= 150 and c["lost_open"] >= 90
