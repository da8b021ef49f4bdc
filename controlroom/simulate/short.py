"""Short versions of the hard scenarios: the same show, its hard moment brought forward, 20-30 minutes.

The hard scenarios of :mod:`controlroom.simulate.scenarios` (a host who mentions items and
moves on; a restock that arrives late; a traffic surge carts do not follow; a price cut
mid-show) run 60-120 minutes, too long for the test suite.  Each short version keeps the
seeded catalogue, stock plan and schedule, and moves what makes it hard into the first
half hour, so the regression suite (tests/test_hard_scenarios.py) can replay it in seconds
with its expected scorecard.  ``controlroom evaluate`` keeps the full-length shows.
"""
from __future__ import annotations

from controlroom.simulate.scenarios import HARD_SCENARIOS, Scenario, _lot, make_scenario, planned_units

__all__ = ["SHORT", "short_scenario"]

SHORT = {"mentions": 1200.0, "late-restock": 1800.0, "traffic-surge": 1500.0, "price-cut": 1500.0}


def _cut(sc: Scenario, end: float) -> None:
    """End the show at ``end`` s: the schedule and deliveries after it go."""
    sc.duration_s = end
    sc.featured = [(a, min(b, end), k) for a, b, k in sc.featured if a < end - 30.0]
    sc.restocks = [r for r in sc.restocks if r[0] < end]


def short_scenario(name: str, seed: int) -> Scenario:
    """The short version of hard scenario ``name`` (one of :data:`HARD_SCENARIOS`)."""
    if name not in HARD_SCENARIOS:
        raise ValueError(f"no short version of {name!r}; choose one of {', '.join(HARD_SCENARIOS)}")
    sc = make_scenario(name, seed)
    end = SHORT[name]
    sc.name = f"{name}-short"
    if name == "traffic-surge":
        # The raid that buys at 10 minutes (the rates have settled by then), the one that only watches at 18.
        (_s1, d1, v1, f1), (_s2, d2, v2, f2) = sc.surges
        sc.surges = [(600.0, d1, v1, f1), (1100.0, d2, v2, f2)]
    elif name == "price-cut":
        # The cut at 5 minutes; stock planned at the old price for the short show.
        for s in sc.skus:
            if s.steps:
                (_at, k, price), = s.steps
                s.steps = []
                s.stock = _lot(planned_units(sc, s, 0.0, end), 1.1)
                s.steps = [(300.0, k, price)]
    elif name == "late-restock":
        # The hot items planned to run low at about 10 minutes; the trucks come at 15-20 minutes.
        hot = {sku for _at, sku, _q in sc.restocks}
        sc.restocks = []
        for i, s in enumerate(x for x in sc.skus if x.sku in hot):
            s.stock = _lot(planned_units(sc, s, 0.0, 600.0), 1.0, least=40)
            sc.restocks.append((900.0 + 150.0 * i, s.sku, _lot(0.8 * s.stock, 1.0)))
        sc.restocks.sort()
    _cut(sc, end)
    return sc
