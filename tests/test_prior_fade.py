"""The steady rates' cold-start prior fades as their own data comes in (issue 16, steady).

A steady SKU stocked below the naive line from the start is warned by the naive rule as soon
as its session average is defined (one minute in).  With a fixed prior worth 60 s the engine's
steady rate left the tier's prior (3/min x viewers) so slowly that it warned 20-150 s after the
naive rule (steady, seeds 1-20), and stayed a few per cent under the true rate all show.
Scripted, evenly spaced orders: both rates are known by hand.
"""
from __future__ import annotations

import pytest

from controlroom.engine.scripted import Script
from controlroom.review import metrics
from controlroom.review.replay import replay
from controlroom.settings import Settings
from tests.steady_driver import steady_driver

RATE, STOCK, END = 12.0, 520, 1200.0  # under both 540-unit lines (1.5 x 30 min, 45 min x 12/min) from the start


def _run(changes: dict):
    s, r = steady_driver(STOCK, RATE, END, changes)
    spans = metrics.warning_spans(r.transitions).get("A1")
    return r, (spans[0][0] - s.ts(0) if spans else None)


@pytest.fixture(scope="module")
def runs():
    return {name: _run(ch) for name, ch in (("naive", {"engine.policy": "naive"}), ("engine", {}),
                                            ("fixed prior", {"engine.prior_fade_orders": 0}))}


def test_an_understocked_steady_sku_is_warned_as_soon_as_the_naive_rule_warns(runs):
    naive, engine, fixed = (runs[k][1] for k in ("naive", "engine", "fixed prior"))
    assert naive is not None and engine is not None and fixed is not None
    print(f"first warning: naive at {naive:.0f} s, engine at {engine:.0f} s, fixed prior at {fixed:.0f} s")
    assert naive <= 70.0  # its session average is defined one minute in
    assert engine <= naive + 5.0
    assert fixed > naive + 60.0  # the fixed prior's lag, which the fading prior removes


def test_the_faded_prior_leaves_the_steady_rate_at_the_true_rate(runs):
    faded = runs["engine"][0].engine.forecast("A1").rate_per_min
    fixed = runs["fixed prior"][0].engine.forecast("A1").rate_per_min
    print(f"rate after 20 min: faded prior {faded:.2f}/min, fixed prior {fixed:.2f}/min (true {RATE})")
    assert faded == pytest.approx(RATE, rel=0.01)
    assert fixed < 0.97 * RATE  # the fixed prior's pull toward the tier's 3/min, all show long


def test_the_long_tails_long_run_rate_keeps_the_full_prior():
    # Faded, the long tail's band on steady seeds 6-20 went from 81.7 % to 85.7 %: its one long-run
    # rate over rare orders is what the prior steadies.  Same forecast with the fade on and off.
    def rate(changes):
        s = Script([{"sku": "L1", "tier": "long_tail", "available": 300}], viewers=10000)
        s.orders("L1", per_min=2.0, start_s=0, end_s=600)
        s.heartbeats(0, 600, every_s=5)
        r = replay(s.snapshot(), s.events(), Settings().with_changes(changes), start_ts=s.ts(0), end_ts=s.ts(600),
                   samples=False)
        return r.engine.forecast("L1").rate_per_min

    assert rate({}) == pytest.approx(rate({"engine.prior_fade_orders": 0}), rel=1e-9)
    # ...while with the long tail forecasting like a dynamic tier, the fade does move it
    dyn = {"tiers.long_tail.rate_basis": "dynamic"}
    assert rate(dyn) != pytest.approx(rate({**dyn, "engine.prior_fade_orders": 0}), rel=1e-3)
