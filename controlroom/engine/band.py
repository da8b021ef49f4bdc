"""The forecast's 80 % band, calibrated online per tier against what really sold.

The engine's band (``predicted_hi``: Poisson noise plus the rate's posterior spread, at
``band_z``) drives the pessimistic sell-out and the alerts; it says nothing about how
often real sales land inside it.  Demand in a live room is far more dispersed than that
(features start and stop, a host mentions an item, traffic surges, a price is cut), and how
much more differs by tier and by room.  So the shown band is ``mu +- q x sd`` with ``sd``
the forecast's own spread and ``q`` learnt:

* every ``SAMPLE_S`` of shop time each selling SKU's forecast (``mu``, ``sd``), its units
  sold so far and the ``q`` it was shown with are remembered;
* when half the SKU's window has passed (:data:`EARLY`), ``|sold - mu/2| / sd_half`` is a first
  observation for its tier, and when the whole window has passed ``|sold - mu| / sd`` is a
  second (``sd_half``: the same spread over half the window, Poisson part halved, rate part
  quartered).  Windows cut off (the SKU sold out, was frozen or delisted in it) are left out:
  those say how much stock there was, not how much would have sold.  The early look halves
  the delay before the calibration hears of a new regime; it matters most for the
  30-minute tiers, whose first whole window ends only half an hour into the show;
* ``q`` is the empirical quantile of the tier's last :data:`KEEP` observations at a level
  that *adaptive conformal inference* (Gibbs & Candes 2021) moves with the misses of the
  bands really shown: each observation outside the band it was shown with raises the level
  by ``gain x 0.8``, each inside lowers it by ``gain x 0.2``, so over the show the misses come
  to 20 % even where demand moves in steps and a plain 80th percentile of past windows lags
  the regime (which it does: a window's observation arrives a whole window after its
  forecast).  ``engine.band80_gain`` 0 gives the plain 80th percentile;
* with a whole window of feedback delay that level overshoots: the misses of the bands shown
  before a step keep arriving after the band has widened, and on a calm room the overshoot is
  wasted width.  So the windows still in flight count too, at the miss rate their band is
  expected to have among the observations so far (``engine.band80_inflight_weight`` x
  ``gain x (0.2 - expected miss)`` each; the real miss replaces it when the window ends);
* until a tier has :data:`MIN_OBS` observations of its own it borrows those of the tiers
  forecasting the same way (the same ``rate_basis``: the long tail's one long-run rate is far
  less dispersed than the dynamic tiers'), and before any, the prior
  (``engine.band80_prior_z``) shares the weight.  It borrows their level as well
  (``engine.band80_borrow_level``): a 30-minute tier hears of a step from the drivers' early
  looks a quarter of an hour before its own;
* the early look is per tier (``band_early_look``): off for the long tail, whose long-run rate
  is poor only in the show's first minutes, so that an early look mostly spreads those
  minutes' misses over the band of the rest of the show.

So the band covers what it claims in this room, per tier, from the first half window on.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections import deque

__all__ = ["BandCalibrator", "SAMPLE_S", "KEEP", "MIN_OBS", "COVER", "EARLY"]

SAMPLE_S = 60.0
KEEP = 800  # observations per tier the quantile is taken over (half and whole windows of the last ~hour of a busy tier)
MIN_OBS = 30  # observations worth as much as the prior
COVER = 0.8  # the band's claimed coverage
EARLY = 0.5  # the early look at a window, as a fraction of it
LEVEL_RANGE = (0.5, 0.99)  # the quantile level the adaptation may use (median .. near the max)
ALPHA_LIMIT = 3.0  # |miss-rate target| bound: only against runaway in a pathological room


def _quantile(s: list, level: float) -> float:
    """The empirical ``level`` quantile of the already sorted ``s``."""
    n = len(s)
    return s[min(n - 1, max(0, int(level * n)))]


def _push(window: deque, ordered: list, z: float) -> None:
    """Append ``z`` to the bounded ``window`` and keep ``ordered`` its sorted copy: the quantile is
    read for every SKU whose windows matured on a tick (all of them, once a minute), so the
    observations are kept sorted as they come rather than sorted again for each read."""
    if len(window) == window.maxlen:
        del ordered[bisect_left(ordered, window[0])]
    window.append(z)
    insort(ordered, z)


def _part(mu: float, sd: float, f: float) -> tuple[float, float]:
    """Sales and spread of a forecast ``(mu, sd)`` over the fraction ``f`` of its window: the
    Poisson part (``mu``, at most the whole variance) scales with ``f``, the rate's part (the
    rest) with ``f^2``; at ``f`` = 1 it is ``(mu, sd)``."""
    var = sd * sd
    poisson = mu if mu < var else var
    return mu * f, math.sqrt(max(0.0, poisson * f + (var - poisson) * f * f))


class BandCalibrator:
    """Per tier: the multiplier ``q`` of the forecast's spread that makes an 80 % band."""

    def __init__(self, prior_z: float, gain: float = 0.04, early: bool = True, inflight_weight: float = 0.5,
                 borrow_level: bool = True) -> None:
        self.prior_z = prior_z
        self.gain = gain  # the adaptive level's step; 0: the plain 80th percentile
        self.early = early  # the early look, for tiers that do not say (observe's ``early``)
        self.inflight_weight = inflight_weight  # 0: only windows that ended move the level (plain ACI)
        self.borrow_level = borrow_level
        self.next_ts: float | None = None
        self.open: dict[str, list] = {}  # sku -> [(due, start, window, sold0, mu, sd, tier, q shown, expected)], due order
        self.obs: dict[str, deque] = {}  # tier -> |z| observations
        self.pool: dict[str, deque] = {}  # family (rate basis) -> |z| observations of its tiers
        self._obs_sorted: dict[str, list] = {}  # tier -> its observations, sorted
        self._pool_sorted: dict[str, list] = {}  # family -> its observations, sorted
        self.family: dict[str, str] = {}  # tier -> family
        self.alpha: dict[str, float] = {}  # tier -> miss rate aimed at now (ACI's alpha_t), from windows that ended
        self.family_alpha: dict[str, float] = {}  # family -> the same over all its tiers' windows
        self.inflight: dict[str, float] = {}  # tier -> sum of (0.2 - expected miss) x weight of its open windows
        self.q: dict[str, float] = {}  # tier -> learnt multiplier (cached until an observation changes it: scale)

    def scale(self, tier: str) -> float:
        """The multiplier of ``sd`` for the tier's 80 % band now."""
        q = self.q.get(tier)
        if q is None:
            q = self.q[tier] = self._compute(tier)
        return q

    def band(self, tier: str, mu: float, sd: float) -> tuple[float, float]:
        """``(lo, hi)`` of the 80 % band of window sales ``mu`` with spread ``sd``."""
        q = self.scale(tier)
        lo = mu - q * sd
        return (lo if lo > 0.0 else 0.0), mu + q * sd

    def observe(self, ts: float, sku: str, tier: str, window_s: float, sold: int, available: int,
                blocked: bool, mu: float, sd: float, sample: bool, family: str = "",
                early: bool | None = None) -> None:
        """One SKU at one tick (the engine calls it for every SKU); ``sample``: a sampling tick;
        ``family``: the tier's way of forecasting (tiers of one family lend each other data);
        ``early``: take the early look at this tier's windows (None: the calibrator's default)."""
        if tier not in self.family:
            self.family[tier] = family or tier
            self.q.pop(tier, None)
        if available <= 0 or blocked:
            q = self.open.get(sku)
            if q:
                for r in q:  # every window open now is cut off: it will never be judged
                    self._settle(r[6], r[8])
                q.clear()
            return
        q = self.open.get(sku)
        if q is None:
            q = self.open[sku] = []
        k = 0
        while k < len(q) and q[k][0] <= ts:
            _due, t_start, w0, sold0, mu0, sd0, t0, shown, ex = q[k]
            self._settle(t0, ex)
            # Judged over the time really elapsed (a tick may land after the due time): the
            # forecast's sales and spread for that part of its window.
            mu_f, sd_f = _part(mu0, sd0, (ts - t_start) / w0)
            if sd_f > 0.0:
                self._add(t0, abs(sold - sold0 - mu_f) / sd_f, shown)
            k += 1
        if k:
            del q[:k]
        if sample and sd > 0.0:
            shown = self.scale(tier)
            ex = self._expected(tier, shown)
            q.append((ts + window_s, ts, window_s, sold, mu, sd, tier, shown, ex))
            looks = 1
            if self.early if early is None else early:
                q.append((ts + window_s * EARLY, ts, window_s, sold, mu, sd, tier, shown, ex))
                looks = 2
            if ex:
                self.inflight[tier] = self.inflight.get(tier, 0.0) + looks * ex
                self.q.pop(tier, None)
            if len(q) > 1 and q[-1][0] < q[-2][0]:
                q.sort(key=lambda r: r[0])

    def is_sampling_tick(self, ts: float) -> bool:
        """True once every ``SAMPLE_S`` of shop time (the first call starts the clock)."""
        if self.next_ts is None:
            self.next_ts = ts + SAMPLE_S
            return True
        if ts + 1e-9 >= self.next_ts:
            self.next_ts += SAMPLE_S * max(1, int((ts - self.next_ts) // SAMPLE_S) + 1)
            return True
        return False

    def _settle(self, tier: str, ex: float) -> None:
        """An open look of ``tier`` ended or was cut off: its expected miss leaves the level."""
        if ex:
            self.inflight[tier] = self.inflight.get(tier, 0.0) - ex
            self.q.pop(tier, None)

    def _expected(self, tier: str, shown: float) -> float:
        """``inflight_weight x (0.2 - the share of the observations so far above shown)``: what a
        band shown now is expected to give the level once judged (the tier's own observations,
        else its family's; 0 before there are :data:`MIN_OBS`)."""
        if self.gain <= 0.0 or self.inflight_weight <= 0.0:
            return 0.0
        s = self._obs_sorted.get(tier)
        if not s or len(s) < MIN_OBS:
            s = self._pool_sorted.get(self.family.get(tier, tier))
            if not s or len(s) < MIN_OBS:
                return 0.0
        above = (len(s) - bisect_right(s, shown)) / len(s)
        return self.inflight_weight * ((1.0 - COVER) - above)

    def _add(self, tier: str, z: float, shown: float) -> None:
        o = self.obs.get(tier)
        if o is None:
            o = self.obs[tier] = deque(maxlen=KEEP)
            self._obs_sorted[tier] = []
        _push(o, self._obs_sorted[tier], z)
        fam = self.family.get(tier, tier)
        p = self.pool.get(fam)
        if p is None:
            p = self.pool[fam] = deque(maxlen=KEEP)
            self._pool_sorted[fam] = []
        _push(p, self._pool_sorted[fam], z)
        if self.gain > 0.0:
            # Gibbs & Candes: alpha += gain x (target - miss), the miss judged against the band
            # that was really shown (with delayed feedback this overshoots for a while after a
            # step, which is what brings the show's misses back to 20 %).
            miss = 1.0 if z > shown else 0.0
            step = self.gain * ((1.0 - COVER) - miss)
            a = self.alpha.get(tier, 1.0 - COVER) + step
            self.alpha[tier] = min(ALPHA_LIMIT, max(-ALPHA_LIMIT, a))
            a = self.family_alpha.get(fam, 1.0 - COVER) + step
            self.family_alpha[fam] = min(ALPHA_LIMIT, max(-ALPHA_LIMIT, a))
        # This tier's q, and that of every tier that borrows from the same family, change.
        for t, f in self.family.items():
            if f == fam:
                self.q.pop(t, None)

    def level(self, tier: str) -> float:
        """The quantile level the tier's band is read at now: ``1 - alpha``, with alpha the
        tier's own (windows that ended, plus those in flight at their expected miss), blended
        with its family's while the tier has few observations of its own."""
        a = self.alpha.get(tier, 1.0 - COVER) + self.gain * self.inflight.get(tier, 0.0)
        if self.borrow_level:
            n = len(self._obs_sorted.get(tier, ()))
            w = n / (n + MIN_OBS)
            a = w * a + (1.0 - w) * self.family_alpha.get(self.family.get(tier, tier), 1.0 - COVER)
        lo, hi = LEVEL_RANGE
        return min(hi, max(lo, 1.0 - a))

    def _compute(self, tier: str) -> float:
        level = self.level(tier)
        base = self.prior_z
        p = self._pool_sorted.get(self.family.get(tier, tier))
        if p:
            w = len(p) / (len(p) + MIN_OBS)
            base = w * _quantile(p, level) + (1.0 - w) * self.prior_z
        o = self._obs_sorted.get(tier)
        if not o:
            return base
        w = len(o) / (len(o) + MIN_OBS)
        return w * _quantile(o, level) + (1.0 - w) * base
