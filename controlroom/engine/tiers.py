"""Per-tier thresholds: the dynamic warning line, safety stock and critical horizon.

Pure functions of a forecast's numbers and a :class:`~controlroom.settings.TierSettings`.
"""
from __future__ import annotations

from math import sqrt

from controlroom.settings import TierSettings

__all__ = ["warning_line", "safety_stock", "count_spread", "critical_condition", "warning_condition"]


def warning_line(tier: TierSettings, predicted_sales: float) -> float:
    """multiplier x predicted window sales, never below the tier's floor."""
    line = tier.multiplier * predicted_sales
    return line if line > tier.warning_floor else tier.warning_floor


def safety_stock(tier: TierSettings, rate_per_s: float, lag_s: float | None = None, spread: float = 0.0) -> float:
    """Units that can still be ordered while a freeze is in flight: rate x lag x margin, floored,
    and never below the count's upper quantile (``mu + sqrt(mu x spread)``, :func:`count_spread`).

    ``lag_s``: the storefront's learned lag (default: the tier's ``safety_lag_s``); ``spread``:
    :func:`count_spread` of the SKU (0: the mean x margin alone)."""
    mu = rate_per_s * (tier.safety_lag_s if lag_s is None else lag_s)
    s = mu * tier.safety_margin
    if spread > 0.0:
        u = mu + sqrt(mu * spread)
        if u > s:
            s = u
    return s if s > tier.safety_floor else tier.safety_floor


def count_spread(z: float, mean_qty: float) -> float:
    """``z**2 x (2 x mean order size - 1)``: with it, ``mu + sqrt(mu x spread)`` is ``z`` standard
    deviations above the mean ``mu`` units ordered in the lag.

    The orders in a lag are a count (Poisson), each of several units: the units' variance is
    ``mu x E[q^2] / E[q]``, taken for a geometric order size (``E[q^2] = m (2m - 1)``: exact for
    single units, generous for the 1-3 unit orders of a driver).  A margin scales the mean only,
    and the fewer the orders in the lag the larger their spread is against it: 10 units held for
    a profit SKU's 20 s at 23/min (mean 7.7) met 12 orders (mentions seed 11, 2 oversold), and 9
    for a driver's 1-3 unit orders met 13 units in 2 s (late-restock seed 17, 5 oversold)."""
    k = 2.0 * mean_qty - 1.0
    return z * z * (k if k > 1.0 else 1.0)


def critical_condition(tier: TierSettings, available: int, safety: float,
                       sellout_pessimistic_s: float | None) -> tuple[bool, bool]:
    """(enter, clear) of the critical rule, with separate exit thresholds (hysteresis)."""
    horizon = tier.critical_horizon_min * 60.0
    p = sellout_pessimistic_s
    enter = available <= safety or (p is not None and p < horizon)
    clear = available > safety * tier.exit_ratio and (p is None or p >= horizon * tier.exit_ratio)
    return enter, clear


def warning_condition(tier: TierSettings, available: int, line: float,
                      exit_line: float | None = None) -> tuple[bool, bool]:
    """(enter, clear) of the warning rule: below ``line`` enters; clears at ``exit_line`` (default
    ``line``) x exit_ratio or above."""
    return available < line, available >= (line if exit_line is None else exit_line) * tier.exit_ratio
