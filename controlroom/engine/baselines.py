"""The two comparison baselines, run through the same alert machinery as the engine.

* ``static``: warn below a fixed count (``engine.static_threshold``, e.g. 100).
* ``naive``: warn below ``naive_multiplier`` x the window's sales predicted from the
  session's plain average rate (units sold so far / time since the session started),
  the rule of thumb "1.5 x predicted 30-minute sales" with the simplest predictor.

Baselines only alert (warning level); they raise no watch, critical, losing-sales
alert and take no action.
"""
from __future__ import annotations

__all__ = ["naive_rate_per_s", "naive_line", "static_line"]

MIN_ELAPSED_S = 60.0  # the plain average is not defined in the session's first minute


def naive_rate_per_s(sold: int, elapsed_s: float) -> float:
    """The session's plain average sales rate (units/s)."""
    return max(sold, 0) / max(elapsed_s, MIN_ELAPSED_S)


def naive_line(rate_per_s: float, multiplier: float, window_min: float) -> float:
    """multiplier x predicted window sales at the plain average rate."""
    return multiplier * rate_per_s * window_min * 60.0


def static_line(threshold: int) -> float:
    """The fixed warning count."""
    return float(threshold)
