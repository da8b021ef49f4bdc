"""Per-tier thresholds: the dynamic warning line, safety stock and critical horizon.

Pure functions of a forecast's numbers and a :class:`~controlroom.settings.TierSettings`.
"""
from __future__ import annotations

from controlroom.settings import TierSettings

__all__ = ["warning_line", "safety_stock", "critical_condition", "warning_condition"]


def warning_line(tier: TierSettings, predicted_sales: float) -> float:
    """multiplier x predicted window sales, never below the tier's floor."""
    line = tier.multiplier * predicted_sales
    return line if line > tier.warning_floor else tier.warning_floor


def safety_stock(tier: TierSettings, rate_per_s: float, lag_s: float | None = None) -> float:
    """Units that can still be ordered while a freeze is in flight: rate x lag x margin, floored.

    ``lag_s``: the storefront's learned lag (default: the tier's ``safety_lag_s``)."""
    s = rate_per_s * (tier.safety_lag_s if lag_s is None else lag_s) * tier.safety_margin
    return s if s > tier.safety_floor else tier.safety_floor


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
