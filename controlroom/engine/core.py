"""The engine: per-SKU burn rates and forecasts, the tiered alert rules, auto actions.

Driven by the core thread (see ``docs/engine.md``):

* :meth:`Engine.on_event` for every accepted event, after the mirror applied it;
  O(1) and cheap.  An order that takes a SKU down to its safety stock fires the
  critical alert (and queues the auto-freeze) right there, not at the next tick.
* :meth:`Engine.tick` at least once per shop-second: forecasts every SKU and
  runs the alert state machines; returns the transitions since the last call.
* :meth:`Engine.set_feed_state` when the feed changes state: a stale feed
  raises one room-level alert and holds every SKU alert until it is live again.

The only clock is the events' ``ts`` (shop time); the engine is deterministic.
"""
from __future__ import annotations

from controlroom.alerts.episodes import EpisodeBook
from controlroom.alerts.state import Alert, AlertBook
from controlroom.alerts.transition import AlertTransition
from controlroom.engine.band import BandCalibrator
from controlroom.engine.forecast import Forecast
from controlroom.engine.intake import SLICE_FRACTION, EventIntake
from controlroom.engine.lag import note_behind
from controlroom.engine.predict import predict
from controlroom.engine.rules import baseline_forecast, baseline_numbers, evaluate, evaluate_baseline
from controlroom.engine.sku import RoomModel, SkuModel, scales
from controlroom.feed.mirror import SkuStock, StockMirror
from controlroom.settings import Settings
from controlroom.state.view import AlertView, EpisodeView

__all__ = ["Engine"]

TIER_QTY_PRIOR_ORDERS = 5.0  # orders the 1-unit prior is worth for a tier


class Engine(EventIntake):
    """Consumption-rate engine and alert rules for one session (see module doc)."""

    def __init__(self, settings: Settings, mirror: StockMirror) -> None:
        self.settings = settings
        self.mirror = mirror
        self.book = AlertBook(settings.engine.history_max)
        self.episodes = EpisodeBook(settings.engine, settings.engine.history_max)
        self.band = BandCalibrator(settings.engine.band80_prior_z, settings.engine.band80_gain,
                                   inflight_weight=settings.engine.band80_inflight_weight,
                                   borrow_level=settings.engine.band80_borrow_level)
        self._band_sample = False
        self.models: dict[str, SkuModel] = {}
        self.now = float(mirror.last_ts or 0.0)
        self.start_ts: float | None = self.now if self.now > 0 else None
        self.room = RoomModel(settings.engine, self.now)
        self.feed_state = "live"
        self.held = False
        self._out: list[AlertTransition] = []
        self._actions: list[dict] = []
        self._pulse_due = float("inf")  # the earliest end of a measured-pulse release (engine/freeze.py)
        self._configure(settings)
        self._sync_skus(self.now)

    # --- configuration -------------------------------------------------------------------------
    def _configure(self, settings: Settings) -> None:
        e = settings.engine
        self._e = e
        self.room.lag_floor = e.lag_floor
        self.room.answer_prior = e.confirm_answer_s
        self.room.learn_transit = e.freeze_transit
        self.room.learn_behind = e.freeze_behind
        self._policy = e.policy
        self._immediate = e.policy == "engine"
        self._burst = e.burst_qty_factor
        self._inv_inst = 1.0 / e.instant_scale_s
        self._scales = scales(e)
        self._tau_d = e.surge_decay_min * 60.0
        self._tail = e.feature_tail_s
        self._off_scales = (e.fast_scale_s, e.mid_scale_s, e.slow_scale_s)
        self._slice = e.instant_scale_s * SLICE_FRACTION
        self._fade = e.feature_fade_s
        self._min_rem = e.feature_min_remaining_s
        self._feat_prior = e.feature_length_prior_s

    def update_settings(self, settings: Settings) -> None:
        """Apply new settings live: tiers, thresholds, time scales, policy."""
        self.settings = settings
        self._configure(settings)
        e = settings.engine
        self.book.history_max = e.history_max
        self.episodes.configure(e)
        self.band.prior_z, self.band.gain = e.band80_prior_z, e.band80_gain
        self.band.inflight_weight, self.band.borrow_level = e.band80_inflight_weight, e.band80_borrow_level
        self.band.q.clear()  # the cached multipliers were worked out with the old ones
        self.episodes.history_max = e.history_max
        for sku, m in self.models.items():
            st = self.mirror.skus.get(sku)
            tname = settings.tier_of(sku, st.tier if st else None)
            m.set_tier(tname, settings.tiers[tname])
            m.live.retune(self._scales)
            m.other.retune((e.slow_scale_s, e.longrun_scale_s))
            m.off.retune(self._off_scales)
            m.carts.retune((e.instant_scale_s, e.fast_scale_s, e.mid_scale_s, e.slow_scale_s))
            m.ord_cusum.configure(e.cusum_ratio, e.cusum_threshold)
            m.ord_down.configure(1.0 / e.cusum_ratio, e.cusum_threshold)
            m.cart_cusum.configure(e.cusum_ratio, e.cusum_threshold)
            m.fc = None
        self.room.entries.retune((e.fast_scale_s, e.slow_scale_s))

    # --- catalogue -----------------------------------------------------------------------------
    def _start(self, ts: float) -> None:
        """First real shop time seen: anchor every estimator there."""
        self.start_ts = ts
        self.room = RoomModel(self._e, ts)
        self.room.featured = None
        for sku in list(self.models):
            st = self.mirror.skus.get(sku)
            self.models[sku] = self._new_model(sku, st, ts)
        self._set_featured(self.mirror.featured, ts)

    def _new_model(self, sku: str, st: SkuStock | None, ts: float) -> SkuModel:
        tname = self.settings.tier_of(sku, st.tier if st else None)
        m = SkuModel(sku, tname, self.settings.tiers[tname], self._e, ts)
        if st is not None:
            m.was_frozen = st.frozen
        return m

    def _model(self, sku: str, ts: float) -> SkuModel | None:
        st = self.mirror.skus.get(sku)
        if st is None:
            return None
        m = self.models[sku] = self._new_model(sku, st, ts if ts > 0 else self.now)
        return m

    def _sync_skus(self, ts: float) -> None:
        skus = self.mirror.skus
        for sku, st in skus.items():
            m = self.models.get(sku)
            if m is None:
                self._model(sku, ts)
            else:
                tname = self.settings.tier_of(sku, st.tier)
                if tname != m.tier_name:
                    m.set_tier(tname, self.settings.tiers[tname])
        for sku in [s for s in self.models if s not in skus]:
            del self.models[sku]
            self.book.resolve_sku(sku, ts, self._out, "SKU left the catalogue")

    def on_reset(self, ts: float) -> None:
        """The mirror adopted a snapshot: SKUs may have appeared or gone, tiers changed."""
        if self.start_ts is None and ts > 0:
            self._start(ts)
        if ts > self.now:
            self.now = ts
        self._sync_skus(ts)
        self._set_featured(self.mirror.featured, ts)

    def _set_featured(self, sku: str | None, ts: float) -> None:
        room = self.room
        if sku == room.featured:
            return
        old = self.models.get(room.featured) if room.featured else None
        if old is not None and old.feat_since is not None:
            old.off_exposures(ts, self._off_scales, self._tail)
            d = ts - old.feat_since
            if d > 0.0:
                old.feat_time += d
                room.feat_n += 1  # the room's feature lengths: how long the host usually stays
                room.feat_sum += d
            old.feat_since = None
            old.feat_end = ts
        room.featured = sku
        new = self.models.get(sku) if sku else None
        if new is not None:
            new.off_exposures(ts, self._off_scales, self._tail)
            new.feat_since = ts

    # --- feed ----------------------------------------------------------------------------------
    def set_feed_state(self, state: str, ts: float) -> list[AlertTransition]:
        """The feed's state changed: stale raises one feed alert; anything but live holds SKU alerts."""
        out, self._out = self._out, []
        self.feed_state = state
        self.held = state != "live"
        book = self.book
        if state == "stale" and self._e.feed_alert and book.get(None, "feed") is None:
            book.fire_now(None, "feed", ts, "feed stale: no data from the shop; SKU alerts held", out)
        elif state == "live":
            book.resolve_level(None, "feed", ts, out, "feed live again")
        self.episodes.update(out, ts)
        return out

    # --- per second ----------------------------------------------------------------------------
    def note_behind(self, seconds: float) -> None:
        """The core is ``seconds`` (shop clock) behind the shop: the live session calls it on each answer to
        the feed client's clock request, and with 0 once they stop (engine/lag.py)."""
        note_behind(self.room, seconds)

    def tick(self, ts: float) -> list[AlertTransition]:
        """Forecast every SKU and run the alert rules; return all transitions since the last call."""
        if self.start_ts is None and ts > 0:
            self._start(ts)
        if ts > self.now:
            self.now = ts
        ts = self.now
        out, self._out = self._out, []
        if self.held:
            return out
        self.book.expire_silences(ts, out)
        mirror = self.mirror
        if mirror.featured != self.room.featured:
            self._set_featured(mirror.featured, ts)
        models = self.models
        policy = self._policy
        if policy == "engine":
            self._pool_conversions()
            self._band_sample = self.band.is_sampling_tick(ts)

        for sku, st in mirror.skus.items():
            m = models.get(sku) or self._model(sku, ts)
            if policy == "engine":
                m.fc = evaluate(self, m, st, ts, out)
            else:
                m.fc = evaluate_baseline(self, m, st, ts, out)
            m.fc_ts = ts
            m.was_frozen = st.frozen
        self.episodes.update(out, ts)
        return out

    def _pool_conversions(self) -> None:
        """Per tier, pooled over its SKUs: the mean order size, and the cart->units conversion
        (steady-period data), the cold-start priors of each SKU's own estimates."""
        e = self._e
        acc: dict[str, list] = {}
        for m in self.models.values():
            a = acc.get(m.tier_name)
            if a is None:
                acc[m.tier_name] = [m.live_units, m.n_orders, m.k_units, m.k_adds]
            else:
                a[0] += m.live_units
                a[1] += m.n_orders
                a[2] += m.k_units
                a[3] += m.k_adds
        k, n = e.cart_conversion_prior, e.cart_conversion_strength
        room = self.room
        room.tier_qty = tq = {t: (v[0] + TIER_QTY_PRIOR_ORDERS) / (v[1] + TIER_QTY_PRIOR_ORDERS) for t, v in acc.items()}
        room.tier_kappa = {t: min(tq[t], (v[2] + k * tq[t] * n) / (v[3] + n)) for t, v in acc.items()}

    # --- outputs -------------------------------------------------------------------------------
    def take_transitions(self) -> list[AlertTransition]:
        """Transitions queued by ``on_event``/``on_reset`` since the last tick (tick returns them too)."""
        out, self._out = self._out, []
        return out

    def take_actions(self) -> list[dict]:
        """Auto actions queued since the last call (``confirm: True`` = ask the operator first)."""
        if not self._actions:
            return []
        out, self._actions = self._actions, []
        return out

    @property
    def actions_pending(self) -> int:
        """Number of queued actions (cheap check for the hot path)."""
        return len(self._actions)

    def open_episodes(self) -> list[EpisodeView]:
        """Open episodes (what the operator is shown), most severe first."""
        return self.episodes.open_episodes()

    def take_episode_changes(self) -> list[EpisodeView]:
        """Episode records that changed since the last call (notifications send these)."""
        return self.episodes.take_changes()

    def forecast(self, sku: str) -> Forecast:
        """The SKU's forecast as of the last tick (computed now if it has none yet)."""
        m = self.models.get(sku)
        if m is None:
            m = self._model(sku, self.now)
            if m is None:
                raise KeyError(sku)
        if m.fc is None:
            st = self.mirror.skus[sku]
            if self._policy == "engine":
                p = predict(self, m, st, self.now)
                m.fc = Forecast(rate_per_min=p.rate * 60.0, window_min=m.tier.window_min, predicted_sales=p.mu,
                                predicted_hi=p.hi, sellout_s=p.sellout, sellout_pessimistic_s=p.sellout_p,
                                warning_line=p.line, safety_stock=p.safety, level=self.book.level_of(sku),
                                cart_rate_per_min=p.cart_f * 60.0)
            else:  # no side effects here: alerts only move on tick
                rate, line, w_min, _why = baseline_numbers(self, m, st, self.now)
                m.fc = baseline_forecast(self, m, st, rate, line, w_min)
        return m.fc

    def ack(self, key: str, by: str, ts: float) -> AlertTransition | None:
        """Acknowledge an active alert (stops repeats and sound); recorded as a transition."""
        t = self.book.ack(key, by, ts)
        if t is not None:
            self.episodes.update([t], max(ts, self.now))  # the episode behind it shows acknowledged
        return t

    def snooze(self, key: str, minutes: float, by: str, ts: float) -> AlertTransition | None:
        """Silence an active alert for ``minutes`` of shop time; it expires on its own."""
        t = self.book.snooze(key, minutes, by, ts)
        if t is not None:
            self.episodes.update([t], max(ts, self.now))
        return t

    def active_alerts(self) -> list[Alert]:
        """Pending, firing and recovering alerts, most severe first (``a.to_view()`` for the desk)."""
        return self.book.sorted_active()

    @property
    def history(self) -> list[AlertView]:
        """Resolved alerts that had fired, oldest first (bounded by ``engine.history_max``)."""
        return self.book.history
