"""Releases at a lowered exposure (engine/freeze.py's helpers): shown to fewer buyers, what is
left covers the orders in flight.

* **The trickle** (tiers with ``lower_exposure_to`` below 1): a freeze whose stock is below the
  reserve at full exposure is released at the exposure whose reserve it covers.
* **A flash lot's thin pulse** (``engine.pulse_thin_rate_pm``, auto tiers): a measured pulse
  too short for one step of the feed at full exposure is opened for one step at the exposure
  that what is left covers; the next release (a pulse or a whole one) restores exposure 1
  with its unfreeze, never before: the storefront may still show the SKU open for its lag
  after the re-freeze, and a restored exposure would then sell the lot's last units at the
  flash's full rate.
"""
from __future__ import annotations

from math import ceil, floor

from controlroom.engine.tiers import safety_stock

__all__ = ["MIN_TRICKLE", "release_lowered", "thin_weight", "restore_exposure"]

MIN_TRICKLE = 0.05  # a release at a lower exposure than this sells too little to be worth it


def release_lowered(eng, m, a: int, reserve: float, demand_release: float, lag: float, last: float,
                     ts: float) -> None:
    """Release at the exposure that makes ``a`` cover the reserve (tiers with ``lower_exposure_to`` < 1).

    The weight is what is left over the reserve at full exposure (by the exit ratio), at most the
    tier's ``lower_exposure_to`` and at least :data:`MIN_TRICKLE`; the hold's "truly runs out" line
    is then sized on the lowered demand, and the exposure comes back with a restock
    (engine/exposure.py)."""
    tier = m.tier
    # Never for the last few units (step_frozen: evening-show seed 8 oversold 6 when a trickle went
    # down to 6 left).  Each cycle waits for the orders in flight to settle, which bounds the churn.
    if tier.lower_exposure_to >= 1.0:
        return
    # The demand was measured at the exposure the engine last set: the reserve at full exposure is
    # that over the weight (a weight sized on an already lowered rate oversold 1,177 units on
    # flash-sale seed 6).
    full = reserve / m.exposure_weight
    demand_full = demand_release / m.exposure_weight
    w = min(tier.lower_exposure_to, a / (full * tier.exit_ratio))
    if w < MIN_TRICKLE:
        return
    w = floor(w * 100.0) / 100.0
    m.release_sent = True
    m.released_at = ts
    m.release_rate = demand_full / 60.0 * w
    m.exposure_weight = w
    m.pulse_w = 1.0  # (this exposure replaces one a thin pulse left: the next release must not restore it)
    if m.exposure_line is None:
        m.exposure_line = full * tier.lower_exposure_at
    reserve = full
    confirm = tier.auto_freeze == "confirm"
    eng._actions.append({
        "op": "exposure", "sku": m.sku, "weight": w, "by": "auto", "confirm": confirm, "ts": ts,
        "why": "release_exposure", "available": a, "line": ceil(reserve * w),
        "reason": f"release at exposure {w:g}: {a} left cover the reserve {ceil(reserve * w)} at {w:g} of the demand",
    })
    eng._actions.append({
        "op": "unfreeze", "sku": m.sku, "by": "auto", "confirm": confirm, "ts": ts,
        "why": "release_exposure", "available": a, "line": ceil(reserve * w), "at_weight": w,
        "reason": (f"release at exposure {w:g}: {a} left, below the reserve {ceil(reserve)} at full exposure "
                   f"({demand_full:.1f}/min x {lag:.1f} s learned lag x {tier.safety_margin:g}), above "
                   f"{ceil(reserve * w)} at {w:g}; orders in flight settled {ts - last:.0f} s ago"),
    })


def thin_weight(tier, r: float, d: float, budget: float, spread: float) -> float:
    """The exposure (0.01 steps) at which a pulse of ``d`` s at ``r`` units/s (full exposure) fits in
    ``budget`` units: ``w r d x margin`` and ``safety_z`` sd of the count; 0 below :data:`MIN_TRICKLE`."""
    w = min(1.0, budget / (r * d * tier.safety_margin))
    for _ in range(80):  # the count's spread too: lower until it fits
        if safety_stock(tier, r * w, d, spread) <= budget:
            break
        w *= 0.95
    else:
        return 0.0
    w = floor(w * 100.0) / 100.0
    return w if w >= MIN_TRICKLE else 0.0


def restore_exposure(eng, m, ts: float, why: str) -> None:
    """Send exposure 1 for a SKU a thin pulse left lowered (with a release, or the operator's unfreeze)."""
    if m.pulse_w >= 1.0:
        return
    w, m.pulse_w = m.pulse_w, 1.0
    eng._actions.append({
        "op": "exposure", "sku": m.sku, "weight": 1.0, "by": "auto", "confirm": False, "ts": ts,
        "reason": f"exposure restored to 1 (lowered to {w:g} for a pulse of the flash): {why}",
    })
