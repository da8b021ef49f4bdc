"""The forecast's 80 % band, calibrated online per tier against what really sold.

The engine's band (``predicted_hi``: Poisson noise plus the rate's posterior spread, at
``band_z``) drives the pessimistic sell-out and the alerts; it says nothing about how
often real sales land inside it.  Demand in a live room is far more dispersed than that
(features start and stop, a host mentions an item), and how much more differs by tier
and by room.  So the shown band is ``mu +- q x sd`` with ``sd`` the forecast's own spread
and ``q`` learnt:

* every ``SAMPLE_S`` of shop time each selling SKU's forecast (``mu``, ``sd``) and its
  units sold so far are remembered;
* when the SKU's window has passed, ``|sold - mu| / sd`` is one observation for its tier,
  unless the window was cut off (the SKU sold out, was frozen or delisted in it): those
  say how much stock there was, not how much would have sold;
* ``q`` is the 80th percentile of the tier's last :data:`KEEP` observations; until
  :data:`MIN_OBS` are in, the prior (``engine.band80_prior_z``) shares the weight.

So the band covers what it claims in this room, per tier, after the first window.
"""
from __future__ import annotations

from collections import deque

__all__ = ["BandCalibrator", "SAMPLE_S", "KEEP", "MIN_OBS", "COVER"]

SAMPLE_S = 60.0
KEEP = 400  # observations per tier the quantile is taken over (the last ~hour of a busy tier)
MIN_OBS = 30  # observations worth as much as the prior
COVER = 0.8  # the band's claimed coverage


class BandCalibrator:
    """Per tier: the multiplier ``q`` of the forecast's spread that makes an 80 % band."""

    def __init__(self, prior_z: float) -> None:
        self.prior_z = prior_z
        self.next_ts: float | None = None
        self.open: dict[str, deque] = {}  # sku -> (due ts, sold0, mu, sd, tier)
        self.obs: dict[str, deque] = {}  # tier -> |z| observations
        self.q: dict[str, float] = {}  # tier -> learnt multiplier

    def scale(self, tier: str) -> float:
        """The multiplier of ``sd`` for the tier's 80 % band now."""
        return self.q.get(tier, self.prior_z)

    def band(self, tier: str, mu: float, sd: float) -> tuple[float, float]:
        """``(lo, hi)`` of the 80 % band of window sales ``mu`` with spread ``sd``."""
        q = self.scale(tier)
        lo = mu - q * sd
        return (lo if lo > 0.0 else 0.0), mu + q * sd

    def observe(self, ts: float, sku: str, tier: str, window_s: float, sold: int, available: int,
                blocked: bool, mu: float, sd: float, sample: bool) -> None:
        """One SKU at one tick (the engine calls it for every SKU); ``sample``: a sampling tick."""
        if available <= 0 or blocked:
            q = self.open.get(sku)
            if q:
                q.clear()  # every window open now is cut off
            return
        q = self.open.get(sku)
        if q is None:
            q = self.open[sku] = deque()
        while q and q[0][0] <= ts:
            _due, sold0, mu0, sd0, t0 = q.popleft()
            if sd0 > 0.0:
                self._add(t0, abs(sold - sold0 - mu0) / sd0)
        if sample and sd > 0.0:
            q.append((ts + window_s, sold, mu, sd, tier))

    def is_sampling_tick(self, ts: float) -> bool:
        """True once every ``SAMPLE_S`` of shop time (the first call starts the clock)."""
        if self.next_ts is None:
            self.next_ts = ts + SAMPLE_S
            return True
        if ts + 1e-9 >= self.next_ts:
            self.next_ts += SAMPLE_S * max(1, int((ts - self.next_ts) // SAMPLE_S) + 1)
            return True
        return False

    def _add(self, tier: str, z: float) -> None:
        o = self.obs.get(tier)
        if o is None:
            o = self.obs[tier] = deque(maxlen=KEEP)
        o.append(z)
        s = sorted(o)
        n = len(s)
        emp = s[min(n - 1, int(COVER * n))]
        w = n / (n + MIN_OBS)
        self.q[tier] = w * emp + (1.0 - w) * self.prior_z
