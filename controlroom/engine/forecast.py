"""The forecast of one SKU: predicted rate, window sales with a band, sell-out times, lines.

:func:`window_sales` is the rate model: the current level ``level`` (units/s) is
expected to fade back to the baseline ``base`` with time constant ``tau_d``
(live-stream surges follow the host's attention and die down).  Integrated
over the window ``w`` seconds:

    base*w + (level - base) * tau_d * (1 - exp(-w/tau_d))

The engine's trend term enters through ``level``: while a rise is detected, the
fast rate lags a linear rise by about its time scale, so ``slope x trend_horizon``
is added back to the level (and fades with it).

The band is Poisson noise plus the rate's own (Gamma posterior) uncertainty:
``hi = mu + z * sqrt(mu + (sigma_rate * w)**2)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import exp, sqrt

__all__ = ["Forecast", "window_sales", "held_window_sales", "upper_band", "sellout_seconds"]


@dataclass(frozen=True, slots=True)
class Forecast:
    """What the engine predicts for one SKU now (rates in units/min, times in seconds)."""

    rate_per_min: float = 0.0  # predicted order rate now (live + other channels)
    window_min: float = 30.0  # the tier's forecast window
    predicted_sales: float = 0.0  # expected units sold in the window
    predicted_hi: float = 0.0  # upper band of the same
    sellout_s: float | None = None  # expected seconds to sell-out at the current rate (None: not in sight)
    sellout_pessimistic_s: float | None = None  # same at the upper rate
    warning_line: float = 0.0  # dynamic warning line (units)
    safety_stock: float = 0.0  # dynamic safety stock (units)
    level: str = "ok"  # ok | watch | warning | critical: the SKU's most severe active alert
    cart_rate_per_min: float = 0.0  # cart adds per minute (fast scale)
    band_lo: float = 0.0  # the window's 80 % band, calibrated per tier (engine/band.py)
    band_hi: float = 0.0

    def as_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__slots__}


def window_sales(level: float, base: float, w: float, tau_d: float) -> float:
    """Expected units sold in ``w`` seconds when ``level`` (units/s) fades to ``base``."""
    if w <= 0.0:
        return 0.0
    mu = base * w + (level - base) * tau_d * (1.0 - exp(-w / tau_d))
    return mu if mu > 0.0 else 0.0


def held_window_sales(level: float, base: float, w: float, hold: float, fade: float) -> float:
    """Expected units in ``w`` seconds when ``level`` holds for ``hold`` seconds, then fades to ``base``.

    The featured case: the host keeps featuring the SKU for about ``hold`` more seconds
    (the room's usual feature length minus the time featured so far), after which the
    extra demand dies down with time constant ``fade``.  ``hold = 0`` is a plain fade.
    """
    if w <= 0.0:
        return 0.0
    h = hold if hold < w else w
    rest = w - h
    extra = h + (fade * (1.0 - exp(-rest / fade)) if rest > 0.0 else 0.0)
    mu = base * w + (level - base) * extra
    return mu if mu > 0.0 else 0.0


def upper_band(mu: float, rate_sd: float, w: float, z: float) -> float:
    """Upper band of window sales: Poisson noise plus rate uncertainty."""
    rw = rate_sd * w
    return mu + z * sqrt(mu + rw * rw)


def sellout_seconds(available: int, rate_per_s: float) -> float | None:
    """Seconds until ``available`` runs out at ``rate_per_s``; 0 when out, None when not selling."""
    if available <= 0:
        return 0.0
    if rate_per_s <= 1e-9:
        return None
    return available / rate_per_s
