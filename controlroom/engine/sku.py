"""Per-SKU and room-level estimator state (mutable, owned by the core thread)."""
from __future__ import annotations

from collections import deque
from math import exp

from controlroom.engine.change import PoissonCusum
from controlroom.engine.forecast import Forecast
from controlroom.engine.rates import DecayedCounts
from controlroom.settings import EngineSettings, TierSettings

__all__ = ["SkuModel", "RoomModel", "scales"]


def scales(e: EngineSettings) -> tuple[float, float, float, float]:
    """The five burn-rate time scales (instant, fast, mid, slow, long-run), seconds."""
    return (e.instant_scale_s, e.fast_scale_s, e.mid_scale_s, e.slow_scale_s, e.longrun_scale_s)


class SkuModel:
    """Everything the engine keeps about one SKU between events."""

    __slots__ = ("sku", "tier_name", "tier", "t0", "live", "other", "carts", "ord_cusum", "ord_down", "cart_cusum",
                 "mean_qty", "live_units", "cart_adds", "ord_base", "down_base", "cart_base", "safety", "safety_tick",
                 "lag_margin", "other_rate", "fc", "fc_ts", "feat_units", "feat_time", "feat_since",
                 "freeze_sent", "was_frozen", "up_latch", "down_latch", "deescalated", "kappa", "feat_end", "off", "off_expo", "off_last",
                 "k_units", "k_adds", "n_orders", "feat_rise", "frozen_at", "frozen_last_order", "lag_open",
                 "auto_frozen", "freeze_rate", "freeze_cart", "freeze_times", "released_at", "release_sent",
                 "release_rate", "exposure_line", "exposure_weight", "asked_at",
                 "off_rate", "freeze_featured", "freeze_off", "lag_in", "spread", "inflight_units", "pulse_end", "pulse_units0", "pulse_plan", "pulse_open", "unfrozen_at", "freeze_pulsed", "pulse_w", "rise_since", "sent_at")

    def __init__(self, sku: str, tier_name: str, tier: TierSettings, e: EngineSettings, t0: float) -> None:
        self.sku = sku
        self.t0 = t0
        sc = scales(e)
        self.live = DecayedCounts(sc, t0)  # live-channel units (burst-capped)
        self.other = DecayedCounts((e.slow_scale_s, e.longrun_scale_s), t0)  # other-channel units
        self.carts = DecayedCounts((e.instant_scale_s, e.fast_scale_s, e.mid_scale_s, e.slow_scale_s), t0)  # cart adds
        self.ord_cusum = PoissonCusum(e.cusum_ratio, e.cusum_threshold, t0)  # rate up
        self.ord_down = PoissonCusum(1.0 / e.cusum_ratio, e.cusum_threshold, t0)  # rate down
        self.cart_cusum = PoissonCusum(e.cusum_ratio, e.cusum_threshold, t0)
        self.mean_qty = 1.0
        self.live_units = 0  # live units this session (for the cart->order conversion)
        self.n_orders = 0  # live orders this session (mean order size)
        self.feat_rise = False  # the current detected rise began while featured
        self.rise_since: float | None = None  # a rise (order latch or cart surge) on since (engine/predict.py)
        self.cart_adds = 0
        self.ord_base = e.cusum_min_rate_per_min / 60.0  # change-detector baselines (events/s), set per tick
        self.down_base = e.cusum_min_rate_per_min / 60.0
        self.cart_base = e.cusum_min_rate_per_min / 60.0
        self.other_rate = 0.0
        self.fc: Forecast | None = None
        self.fc_ts = -1.0
        self.feat_units = 0.0  # live units ordered while featured
        self.feat_time = 0.0  # seconds featured (closed periods)
        self.feat_since: float | None = None  # start of the current featured period
        self.freeze_sent = False
        self.sent_at: float | None = None  # when the engine sent its freeze (engine/freeze.py: its flight time)
        self.was_frozen = False
        # The freeze's life (engine/freeze.py): acknowledged at, last order still in flight,
        # whether the engine asked for it, the demand it turns away, recent freezes, release.
        self.frozen_at: float | None = None
        self.frozen_last_order: float | None = None
        self.lag_open = False
        self.inflight_units = 0.0  # live units ordered since the freeze's acknowledgement (in flight)
        self.pulse_end: float | None = None  # a measured-pulse release re-freezes at this ts
        self.pulse_units0: float | None = None  # live_units when the pulse was released
        self.pulse_plan = 0.0  # the units the pulse was sized to sell (rate x length)
        self.pulse_open: float | None = None  # seconds the last pulse was open (unfreeze ack -> freeze ack)
        self.unfrozen_at: float | None = None  # the last unfreeze's acknowledgement
        self.pulse_w = 1.0  # the exposure a thin pulse left the SKU at (restored with the next release)
        self.freeze_pulsed = False  # the current freeze ended a measured pulse (its in-flight orders are the pulse's)
        self.auto_frozen = False
        self.freeze_rate = 0.0
        self.freeze_cart = 0.0  # cart adds per minute at the freeze
        self.freeze_times: deque[float] = deque()
        self.released_at: float | None = None
        self.release_sent = False
        self.release_rate = 0.0  # demand (units/s) a release was judged on
        self.exposure_line: float | None = None  # the engine lowered exposure at this stock line (engine/exposure.py)
        self.exposure_weight = 1.0  # the exposure the engine last set (its rates are measured at it)
        self.off_rate = 0.0  # units/s a featured burst fades back to (set by predict while not frozen)
        self.freeze_featured = False  # the freeze came in a feature of this SKU (or its tail)
        self.freeze_off = 0.0  # off_rate at the freeze
        self.asked_at: float | None = None  # a confirm tier's freeze asked of the operator, not yet answered
        self.deescalated = False  # the critical resolved this tick
        self.kappa = e.cart_conversion_prior  # units per cart add, learnt outside cart surges
        self.k_units = 0  # live units and cart adds as of the last steady period (the conversion's data)
        self.k_adds = 0
        self.up_latch = False  # a detected rise, held until the fast rate is back near the pooled one
        self.down_latch = False  # same for a detected fall
        self.feat_end = -1e18  # when the last featured period ended
        # Off-feature rates: units ordered, and decayed exposure, while not featured (nor in the
        # feature's tail), on the fast, mid and slow scales.  A non-featured SKU is forecast from
        # these (a past feature's orders say nothing of the next minutes); a featured burst fades
        # back to the slow one.
        self.off = DecayedCounts((e.fast_scale_s, e.mid_scale_s, e.slow_scale_s), t0)
        self.off_expo = [0.0, 0.0, 0.0]
        self.off_last = t0
        self.set_tier(tier_name, tier)

    def set_tier(self, tier_name: str, tier: TierSettings) -> None:
        self.tier_name = tier_name
        self.tier = tier
        self.lag_margin = tier.safety_lag_s * tier.safety_margin
        self.lag_in = tier.safety_lag_s  # the learned time a freeze is in flight (predict sets both)
        self.spread = 0.0  # tiers.count_spread of the SKU's orders: 0 until its first tick
        self.safety_tick = tier.safety_floor
        self.safety = tier.safety_floor

    def featured_now(self, ts: float, tail_s: float) -> bool:
        """Featured, or within the tail after a feature."""
        return self.feat_since is not None or ts - self.feat_end < tail_s

    def off_exposures(self, ts: float, taus: tuple[float, float, float], tail_s: float) -> list[float]:
        """Advance and return the decayed off-feature exposures (seconds) at ``ts``."""
        dt = ts - self.off_last
        ex = self.off_expo
        if dt > 0.0:
            t0, t1, t2 = taus
            k0, k1, k2 = exp(-dt / t0), exp(-dt / t1), exp(-dt / t2)
            if self.feat_since is None and ts - self.feat_end >= tail_s:  # off feature: exposure grows
                ex[0] = ex[0] * k0 + t0 * (1.0 - k0)
                ex[1] = ex[1] * k1 + t1 * (1.0 - k1)
                ex[2] = ex[2] * k2 + t2 * (1.0 - k2)
            else:
                ex[0] *= k0
                ex[1] *= k1
                ex[2] *= k2
            self.off_last = ts
        return ex

    def featured_time(self, ts: float) -> float:
        if self.feat_since is None:
            return self.feat_time
        return self.feat_time + max(0.0, ts - self.feat_since)


FEATURE_PRIOR_COUNT = 2.0  # features the feature-length prior is worth
LAG_SAMPLES = 10  # the learned lag is the longest of the room's last this many (a faster storefront is followed)


class RoomModel:
    """Room-level traffic: entries on a fast and a slow scale, the featured SKU, feature lengths."""

    __slots__ = ("entries", "featured", "t0", "feat_n", "feat_sum", "tier_kappa", "tier_qty", "lag_n", "lag_sum",
                 "lag_floor", "answer_n", "answer_sum", "answer_prior", "lag_hi", "feed_gap", "feed_gap_at",
                 "transit_hi", "learn_transit", "behind", "learn_behind")

    def __init__(self, e: EngineSettings, t0: float) -> None:
        self.entries = DecayedCounts((e.fast_scale_s, e.slow_scale_s), t0)
        self.featured: str | None = None
        self.t0 = t0
        self.feat_n = 0  # features that ended this session
        self.feat_sum = 0.0  # and their total length (s)
        self.tier_kappa: dict[str, float] = {}  # pooled cart->units conversion per tier (cold-start prior)
        self.tier_qty: dict[str, float] = {}  # pooled mean order size per tier
        self.lag_n = 0  # storefront lag observations (engine/freeze.py: freeze ack -> last order)
        self.lag_sum = 0.0
        # Upper bounds on the lag (engine/freeze.py: an observation plus the SKU's order gap), the last few
        self.lag_hi: deque[float] = deque(maxlen=LAG_SAMPLES)
        # The engine's own freezes: from sending to the shop's acknowledgement (shop clock), the last few.
        # A core behind the feed or a slow command channel makes this seconds long (engine/freeze.py).
        self.transit_hi: deque[float] = deque(maxlen=LAG_SAMPLES)
        self.learn_transit = e.freeze_transit
        # How far (s, shop clock) the core was behind the shop at its last clock reading (feed/shop_clock.py):
        # a freeze decided now meets those orders too (engine/lag.py).
        self.behind = 0.0
        self.learn_behind = e.freeze_behind
        self.lag_floor = e.lag_floor  # share of a tier's safety_lag_s the learned lag never goes below
        self.answer_n = 0  # operator answers to a confirm tier's freeze (engine/freeze.py: ask -> ack)
        self.answer_sum = 0.0
        self.answer_prior = e.confirm_answer_s
        # The longest step of the engine's clock (between event timestamps, or ticks) in the last
        # FEED_GAP_S: a measured pulse's re-freeze goes out at the first event at or after its end,
        # so up to this late (engine/freeze.py).  1 s (the tick) until measured.
        self.feed_gap = 1.0
        self.feed_gap_at = t0

    def feature_prior_weight(self) -> float:
        """Weight of the prior in :meth:`feature_length` (1 before any feature ended, then falling)."""
        return FEATURE_PRIOR_COUNT / (self.feat_n + FEATURE_PRIOR_COUNT)

    def feature_length(self, prior_s: float) -> float:
        """The room's usual feature length (s): its own features, the prior worth two of them."""
        return (self.feat_sum + prior_s * FEATURE_PRIOR_COUNT) / (self.feat_n + FEATURE_PRIOR_COUNT)
