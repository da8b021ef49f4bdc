"""Issue #3's bar on a whole evening-show (3 h, 30 SKUs), open loop, seed 2.

Seed 2 is the closest call of seeds 1-6 (docs/engine.md): before the long-tail tier
used the 30-minute rule it had one false warning more than naive.  The whole show
takes ~25 s to replay for three policies, the price of checking the real bar.
"""
from __future__ import annotations

import pytest

from controlroom.review import evaluate
from controlroom.settings import Settings

# A whole show replayed three ways is CPU work (~25-50 s); the bound only catches a hang, on a busy machine too.
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def evening():
    return evaluate.evaluate_all("evening-show", 2, Settings(), closed_loop=False)


def test_engine_beats_both_baselines_on_a_whole_evening_show(evening):
    e, n, s = evening["engine"], evening["naive"], evening["static"]
    assert e["sellouts"] == n["sellouts"] == s["sellouts"] >= 3
    # lead time: every sell-out counted (a miss = 0 s), and over warned sell-outs against naive
    assert e["median_lead_all_s"] > n["median_lead_all_s"]
    assert e["median_lead_all_s"] > s["median_lead_all_s"]
    assert e["median_lead_s"] > n["median_lead_s"]
    # misses: none, where static misses some
    assert e["misses"] == 0 and e["misses"] <= n["misses"] and s["misses"] > 0
    # no more false warnings than naive
    assert e["false_warnings"] <= n["false_warnings"]
    # EEMUA 191: under one alarm per operator per 10 minutes
    assert e["alarms_per_operator_per_10min"] < 1.0
    # watch advisories are counted apart, not hidden
    assert e["advisories"] > 0
    assert e["alerts"] >= e["alarms"] + e["advisories"]


def test_watch_alerts_do_not_flicker_between_firing_and_recovering():
    # The first hour of the same show: each watch instance leaves firing about once (when its
    # surge is over); a reach-based exit used to flip them about three times each.
    from collections import Counter

    model, res = evaluate.run_open_loop("evening-show", 2, {"engine": Settings()}, until_s=3600.0)
    per_key = Counter(t.key for t in res["engine"].transitions if t.level == "watch" and t.state == "recovering")
    fired = {t.key for t in res["engine"].transitions if t.level == "watch" and t.state == "firing"}
    assert len(fired) >= 2  # (3 before issue 16 halved watch_horizon_windows)
    assert sum(per_key.values()) <= 1.5 * len(fired)
    assert max(per_key.values(), default=0) <= 3
