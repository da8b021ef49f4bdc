"""Burn-rate estimators: exponentially decayed counts on several time scales.

A :class:`DecayedCounts` keeps, for each time scale ``tau``, the sum of past
amounts weighted by ``exp(-age / tau)``.  One update costs one ``exp`` per
scale (none when several events share a timestamp), so per-event work is O(1).

For a Poisson stream of rate ``r`` observed for ``age`` seconds the expected
decayed count is ``r * E`` with the *effective exposure*
``E = tau * (1 - exp(-age / tau))``.  :func:`posterior_rate` turns a decayed
count into a rate with a Gamma prior (``prior_rate`` worth ``strength``
seconds of observation): the cold-start answer is the prior, and the SKU's
own data takes over as exposure accumulates.
"""
from __future__ import annotations

from math import exp

__all__ = ["DecayedCounts", "exposure", "posterior_rate", "posterior_var"]


class DecayedCounts:
    """Exponentially decayed sums of an event amount on several time scales (seconds)."""

    __slots__ = ("inv", "c", "last")

    def __init__(self, taus: tuple[float, ...], t0: float = 0.0) -> None:
        self.inv = tuple(1.0 / t for t in taus)
        self.c = [0.0] * len(taus)
        self.last = t0

    def add(self, ts: float, x: float) -> None:
        """Add amount ``x`` at shop time ``ts`` (O(1); late timestamps count as ``last``)."""
        c = self.c
        dt = ts - self.last
        if dt > 0.0:
            for i, k in enumerate(self.inv):
                c[i] = c[i] * exp(-dt * k) + x
            self.last = ts
        else:
            for i in range(len(c)):
                c[i] += x

    def at(self, ts: float) -> list[float]:
        """The decayed sums as seen at ``ts`` (does not change the state)."""
        dt = ts - self.last
        if dt <= 0.0:
            return list(self.c)
        return [v * exp(-dt * k) for v, k in zip(self.c, self.inv)]

    def value(self, ts: float, i: int) -> float:
        """Scale ``i``'s decayed sum at ``ts``."""
        dt = ts - self.last
        v = self.c[i]
        return v * exp(-dt * self.inv[i]) if dt > 0.0 else v

    def retune(self, taus: tuple[float, ...]) -> None:
        """Adopt new time scales, keeping the current sums (settings changed live)."""
        if len(taus) != len(self.c):
            raise ValueError("number of scales cannot change")
        self.inv = tuple(1.0 / t for t in taus)


def exposure(tau: float, age: float) -> float:
    """Effective observation time of a scale-``tau`` decayed count after ``age`` seconds."""
    if age <= 0.0:
        return 0.0
    return tau * (1.0 - exp(-age / tau))


def posterior_rate(count: float, expo: float, prior_rate: float, strength: float) -> float:
    """Gamma-Poisson posterior mean rate (per second) from a decayed count and its exposure."""
    den = expo + strength
    if den <= 0.0:
        return prior_rate
    return (count + prior_rate * strength) / den


def posterior_var(count: float, expo: float, prior_rate: float, strength: float) -> float:
    """Posterior variance of the same rate (per second squared)."""
    den = expo + strength
    if den <= 0.0:
        return prior_rate * prior_rate
    return (count + prior_rate * strength) / (den * den)
