"""Change detection: a one-sided Poisson CUSUM on an event stream.

The detector tests "the rate is now ``ratio`` x the baseline" against "it is
the baseline" (Page's CUSUM with the Poisson log-likelihood ratio).  Written
for the limit of infinitely narrow buckets, i.e. on the point process itself:
every event adds ``n * ln(ratio)``, and between events the statistic drains at
``(ratio - 1) * baseline`` per second, floored at zero.  That is the same
statistic as CUSUM on bucketed counts as the bucket width goes to zero, so a
surge is declared within a few events of its start (seconds, not the minutes
a slow average needs), and it costs O(1) per event.

While a surge is declared, ``rate_since`` (events since the excursion began,
over the time since) is the post-change rate: unlike an average, it does not
lag the step.

The statistic is capped at the threshold plus ``cap_s`` seconds of baseline
drain, so that after a long surge it falls back below the threshold within
about ``cap_s`` seconds once the rate does, whatever the rate's scale.
"""
from __future__ import annotations

from math import log

__all__ = ["PoissonCusum"]


class PoissonCusum:
    """One-sided Poisson CUSUM for a rate increase by ``ratio`` over a baseline (per second)."""

    __slots__ = ("s", "last", "log_k", "k1", "h", "cap_s", "t_start", "n_since")

    def __init__(self, ratio: float, threshold: float, t0: float = 0.0, cap_s: float = 10.0) -> None:
        self.s = 0.0
        self.last = t0
        self.t_start = t0  # start of the current excursion (the change-point estimate)
        self.n_since = 0.0  # events since then
        self.configure(ratio, threshold, cap_s)

    def configure(self, ratio: float, threshold: float, cap_s: float = 10.0) -> None:
        """Change the detector's parameters, keeping its statistic."""
        self.log_k = log(ratio)
        self.k1 = ratio - 1.0
        self.h = threshold
        self.cap_s = cap_s

    def update(self, ts: float, n: float, base_rate: float) -> float:
        """Account ``n`` events at ``ts`` given the baseline rate (events/s); return the statistic."""
        dt = ts - self.last
        s = self.s
        drain = self.k1 * base_rate
        if dt > 0.0:
            s -= drain * dt
            if s < 0.0:
                s = 0.0
            self.last = ts
        if s <= 0.0:
            # A new excursion starts here: the change point, if this becomes a surge.
            self.t_start = ts
            self.n_since = 0.0
        self.n_since += n
        s += n * self.log_k
        cap = self.h + abs(drain) * self.cap_s
        if s > cap:
            s = cap
        self.s = s
        return s

    def value(self, ts: float, base_rate: float) -> float:
        """The statistic at ``ts`` (drained since the last event), without changing state."""
        dt = ts - self.last
        if dt <= 0.0:
            return self.s
        s = self.s - self.k1 * base_rate * dt
        return s if s > 0.0 else 0.0

    def rate_since(self, ts: float, min_s: float = 1.0) -> float:
        """Events per second since the change point (the post-change rate estimate)."""
        return self.n_since / max(ts - self.t_start, min_s)

    def alarm(self, ts: float, base_rate: float) -> bool:
        """True while the statistic is at or above the threshold."""
        return self.value(ts, base_rate) >= self.h

    def reset(self, ts: float) -> None:
        self.s = 0.0
        self.last = ts
        self.t_start = ts
        self.n_since = 0.0
