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

from bisect import bisect_right
from collections import Counter
from itertools import groupby
from math import ceil, floor, sqrt
from operator import itemgetter, le

from controlroom.alerts.state import Alert, AlertBook
from controlroom.alerts.transition import AlertTransition
from controlroom.engine import baselines
from controlroom.engine.forecast import Forecast, held_window_sales, sellout_seconds, upper_band
from controlroom.engine.rates import exposure, posterior_rate, posterior_var
from controlroom.engine.sku import RoomModel, SkuModel, scales
from controlroom.engine.tiers import critical_condition, safety_stock, warning_condition
from controlroom.feed.mirror import SkuStock, StockMirror
from controlroom.settings import Settings
from controlroom.view import AlertView

__all__ = ["Engine"]

LOW_STOCK = ("watch", "warning", "critical")
SKU_LEVELS = LOW_STOCK + ("lost_sales",)
FEATURED_STRENGTH_S = 120.0  # seconds of featuring the tier's featured prior is worth
QTY_EWMA = 0.05  # smoothing of the mean order size that caps a bulk order (burst_qty_factor)
QTY_PRIOR_ORDERS = 10.0  # orders the tier's pooled mean order size is worth for one SKU
TIER_QTY_PRIOR_ORDERS = 5.0  # orders the 1-unit prior is worth for a tier
LATCH_RATIO = 1.25  # a detected change holds until fast and pooled rates are within this ratio
SLICE_FRACTION = 1e-3  # on_events: events within this fraction of the instant scale count at one time
_TOPIC = itemgetter("topic")
_ORDER = itemgetter("ts", "sku", "qty", "channel")
_CART = itemgetter("ts", "sku", "delta")
_TRAFFIC = itemgetter("ts", "entries", "featured")


def _up(x: float) -> int:
    """A threshold as whole units for "below x" / "at or above x" (integer stock: a < x iff a < ceil(x))."""
    return ceil(x - 1e-9)


def _down(x: float) -> int:
    """A threshold as whole units for "at or below x" (a <= x iff a <= floor(x))."""
    return floor(x + 1e-9)


def _fmt_s(s: float | None) -> str:
    if s is None:
        return "not in sight"
    if s < 90:
        return f"{s:.0f} s"
    if s < 600:
        m, r = divmod(int(round(s)), 60)
        return f"{m} min {r} s" if r else f"{m} min"
    return f"{s / 60:.1f} min"


class Engine:
    """Consumption-rate engine and alert rules for one session (see module doc)."""

    def __init__(self, settings: Settings, mirror: StockMirror) -> None:
        self.settings = settings
        self.mirror = mirror
        self.book = AlertBook(settings.engine.history_max)
        self.models: dict[str, SkuModel] = {}
        self.now = float(mirror.last_ts or 0.0)
        self.start_ts: float | None = self.now if self.now > 0 else None
        self.room = RoomModel(settings.engine, self.now)
        self.feed_state = "live"
        self.held = False
        self._out: list[AlertTransition] = []
        self._actions: list[dict] = []
        self._configure(settings)
        self._sync_skus(self.now)

    # --- configuration -------------------------------------------------------------------------
    def _configure(self, settings: Settings) -> None:
        e = settings.engine
        self._e = e
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

    # --- hot path ------------------------------------------------------------------------------
    def on_event(self, ev: dict) -> None:
        """Account one accepted, validated event (the mirror has already applied it)."""
        topic = ev["topic"]
        ts = ev["ts"]
        if ts > self.now:
            if self.start_ts is None:
                self._start(ts)
            self.now = ts
        if topic == "order":
            sku = ev["sku"]
            m = self.models.get(sku) or self._model(sku, ts)
            if m is None:
                return
            q = ev["qty"]
            if ev["channel"] == "live":
                cap = m.mean_qty * self._burst
                u = q if q <= cap else cap
                m.mean_qty += QTY_EWMA * (q - m.mean_qty)
                m.live.add(ts, u)
                m.live_units += q
                m.n_orders += 1
                m.ord_cusum.update(ts, 1.0, m.ord_base)
                m.ord_down.update(ts, 1.0, m.down_base)
                if m.feat_since is not None or ts - m.feat_end < self._tail:
                    m.feat_units += u
                else:
                    m.off.add(ts, u)
                s = (m.live.c[0] * self._inv_inst + m.other_rate) * m.lag_margin
                if s > m.safety:
                    m.safety = s
            else:
                m.other.add(ts, q)
            if self._immediate and not self.held:
                st = self.mirror.skus.get(sku)
                if st is not None and st.available <= m.safety and not (st.frozen or st.delisted):
                    self._critical_now(m, st, ts, self._out)
        elif topic == "cart":
            d = ev["delta"]
            if d > 0:
                sku = ev["sku"]
                m = self.models.get(sku) or self._model(sku, ts)
                if m is None:
                    return
                m.carts.add(ts, d)
                m.cart_adds += d
                m.cart_cusum.update(ts, d, m.cart_base)
        elif topic == "traffic":
            self.room.entries.add(ts, ev["entries"])
            if ev["featured"] != self.room.featured:
                self._set_featured(ev["featured"], ts)
        elif topic == "stock":
            m = self.models.get(ev["sku"])
            if m is not None and ev["frozen"] and not m.was_frozen:
                m.freeze_sent = False

    def on_events(self, events: list[dict]) -> None:
        """Account a batch of accepted events, in order (the mirror has applied all of them).

        Same decisions as calling :meth:`on_event` for each, at a fraction of the cost:
        consecutive events of one topic are taken together, and orders and cart adds are
        summed per SKU over *slices* of the batch whose timestamps lie within
        ``instant_scale_s / 1000`` of each other (10 ms by default), which then count at
        the slice's last timestamp (a weight error below 0.1 % on the fastest scale).
        The critical at safety stock stays immediate: it is decided per SKU at the end of
        each slice, against the mirror's stock after the batch, as ``on_event`` does when
        the feed client hands over a batch it has applied.  Differences from the
        per-event path: a slice's orders are capped (``burst_qty_factor``) at the SKU's
        mean order size as of the slice's start, and the mean order size moves by the
        slice's mean order at the weight of its number of orders.
        """
        if len(events) < 4:
            for ev in events:
                self.on_event(ev)
            return
        for topic, grp in groupby(events, _TOPIC):
            evs = list(grp)
            if len(evs) < 4:
                for ev in evs:
                    self.on_event(ev)
            elif topic == "order":
                ts, sku, qty, chan = zip(*map(_ORDER, evs))
                self.on_order_columns(ts, sku, qty, chan)
            elif topic == "cart":
                ts, sku, delta = zip(*map(_CART, evs))
                self.on_cart_columns(ts, sku, delta)
            elif topic == "traffic":
                ts, entries, featured = zip(*map(_TRAFFIC, evs))
                self.on_traffic_columns(ts, entries, featured)
            elif topic == "stock":
                for ev in evs:
                    self.on_event(ev)
            elif topic in ("hb", "cancel"):
                t = max(map(itemgetter("ts"), evs))
                if t > self.now:
                    if self.start_ts is None:
                        self._start(t)
                    self.now = t
            else:
                for ev in evs:
                    self.on_event(ev)

    def _slices(self, ts: tuple) -> list[tuple[int, int]] | None:
        """``[(i, j), ...]`` runs of ``ts`` within the slice width; None if ``ts`` is out of order."""
        lo, hi = ts[0], ts[-1]
        w = self._slice
        if hi - lo <= w and hi >= lo and (len(ts) < 3 or max(ts) == hi and min(ts) == lo):
            return [(0, len(ts))]
        if not all(map(le, ts, ts[1:])):
            return None
        out = []
        i, n = 0, len(ts)
        while i < n:
            j = bisect_right(ts, ts[i] + w, i)
            out.append((i, j))
            i = j
        return out

    def _advance_now(self, t: float) -> None:
        if t > self.now:
            if self.start_ts is None:
                self._start(t)
            self.now = t

    def on_order_columns(self, ts, sku, qty, channel) -> None:
        """Orders as columns (``ts``, ``sku``, ``qty``, ``channel`` sequences of one batch, in order).

        The fast path of :meth:`on_events` (the replay passes the columns it already has).
        """
        sl = self._slices(ts)
        if sl is None:
            for ev_ts, s, q, c in zip(ts, sku, qty, channel):
                self.on_event({"topic": "order", "ts": ev_ts, "sku": s, "qty": q, "channel": c})
            return
        if len(sl) == 1:
            self._order_slice(ts[-1], sku, qty, channel)
        else:
            for i, j in sl:
                self._order_slice(ts[j - 1], sku[i:j], qty[i:j], channel[i:j])

    def _order_slice(self, t: float, sku, qty, channel) -> None:
        self._advance_now(t)
        models = self.models
        others = None
        if "other" in channel:
            live_s, live_q, others = [], [], set()
            for s, q, c in zip(sku, qty, channel):
                if c == "live":
                    live_s.append(s)
                    live_q.append(q)
                else:
                    m = models.get(s) or self._model(s, t)
                    if m is not None:
                        m.other.add(t, q)
                        others.add(s)
            sku, qty = live_s, live_q
        immediate = self._immediate and not self.held
        skus = self.mirror.skus
        if sku:
            qmax = max(qty)
            if qmax == 1:
                counts = Counter(sku)
                units = counts
                pairs = None
            else:
                pairs = Counter(zip(sku, qty))
                counts, units = {}, {}
                for (s, q), c in pairs.items():
                    counts[s] = counts.get(s, 0) + c
                    units[s] = units.get(s, 0) + q * c
            burst = self._burst
            capped = qmax > burst  # the cap is >= burst_qty_factor: the mean order size is >= 1
            inv_inst = self._inv_inst
            tail = self._tail
            keep = 1.0 - QTY_EWMA
            for s, n in counts.items():
                m = models.get(s) or self._model(s, t)
                if m is None:
                    continue
                u = units[s]
                uc = u
                if capped:
                    cap = m.mean_qty * burst
                    uc = 0.0
                    for (s2, q), c in pairs.items():
                        if s2 == s:
                            uc += (q if q <= cap else cap) * c
                qbar = u / n
                m.mean_qty = qbar + (m.mean_qty - qbar) * keep ** n
                m.live.add(t, uc)
                m.live_units += u
                m.n_orders += n
                m.ord_cusum.update(t, n, m.ord_base)
                m.ord_down.update(t, n, m.down_base)
                if m.feat_since is not None or t - m.feat_end < tail:
                    m.feat_units += uc
                else:
                    m.off.add(t, uc)
                x = (m.live.c[0] * inv_inst + m.other_rate) * m.lag_margin
                if x > m.safety:
                    m.safety = x
                if immediate:
                    st = skus.get(s)
                    if st is not None and st.available <= m.safety and not (st.frozen or st.delisted):
                        self._critical_now(m, st, t, self._out)
        if others and immediate:
            for s in others:
                m = models.get(s)
                st = skus.get(s)
                if m is not None and st is not None and st.available <= m.safety and not (st.frozen or st.delisted):
                    self._critical_now(m, st, t, self._out)

    def on_cart_columns(self, ts, sku, delta) -> None:
        """Cart events as columns (``ts``, ``sku``, ``delta``); only adds (delta > 0) count."""
        sl = self._slices(ts)
        if sl is None:
            for ev_ts, s, d in zip(ts, sku, delta):
                self.on_event({"topic": "cart", "ts": ev_ts, "sku": s, "delta": d})
            return
        for i, j in sl:
            t = ts[j - 1]
            self._advance_now(t)
            adds: dict = {}
            for (s, d), c in Counter(zip(sku[i:j], delta[i:j])).items():
                if d > 0:
                    adds[s] = adds.get(s, 0) + d * c
            models = self.models
            for s, a in adds.items():
                m = models.get(s) or self._model(s, t)
                if m is None:
                    continue
                m.carts.add(t, a)
                m.cart_adds += a
                m.cart_cusum.update(t, a, m.cart_base)

    def on_traffic_columns(self, ts, entries, featured) -> None:
        """Traffic events as columns: entries summed per slice, every change of the featured SKU kept."""
        sl = self._slices(ts)
        if sl is None:
            for ev_ts, n, f in zip(ts, entries, featured):
                self.on_event({"topic": "traffic", "ts": ev_ts, "entries": n, "featured": f})
            return
        room = self.room
        set_featured = self._set_featured
        for i, j in sl:
            t = ts[j - 1]
            self._advance_now(t)
            # Entries only matter as decayed rates at the next tick: the slice's sum at its end.
            room.entries.add(t, sum(entries[i:j]))
            cur = room.featured
            if featured[j - 1] != cur or any(f != cur for f in featured[i:j]):
                for k in range(i, j):
                    f = featured[k]
                    if f != cur:
                        set_featured(f, ts[k])
                        cur = f

    def _critical_now(self, m: SkuModel, st: SkuStock, ts: float, out: list) -> None:
        """Available at safety stock: critical at once, and the tier's freeze action."""
        book = self.book
        a = book.get(m.sku, "critical")
        fc = m.fc
        rate = fc.rate_per_min if fc else None
        if a is None or a.state != "firing":
            reason = f"available {st.available} at or below safety stock {_down(m.safety)}: act now"
            a, _ = book.fire_now(m.sku, "critical", ts, reason, out,
                                 (st.available, rate, fc.sellout_pessimistic_s if fc else None, m.safety))
            book.resolve_level(m.sku, "warning", ts, out, "superseded by critical")
            book.resolve_level(m.sku, "watch", ts, out, "superseded by critical")
        if not m.freeze_sent and m.tier.auto_freeze != "off":
            m.freeze_sent = True
            confirm = m.tier.auto_freeze == "confirm"
            self._actions.append({
                "op": "freeze", "sku": m.sku, "by": "auto", "confirm": confirm, "ts": ts, "alert": a.key,
                "reason": f"available {st.available} at or below safety stock {_down(m.safety)} ({m.tier_name})",
            })

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
        return out

    # --- per second ----------------------------------------------------------------------------
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

        for sku, st in mirror.skus.items():
            m = models.get(sku) or self._model(sku, ts)
            if policy == "engine":
                m.fc = self._evaluate(m, st, ts, out)
            else:
                m.fc = self._evaluate_baseline(m, st, ts, out)
            m.fc_ts = ts
            m.was_frozen = st.frozen
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

    def _blocked(self, m: SkuModel, st: SkuStock, ts: float, out: list) -> bool:
        if st.frozen or st.delisted:
            if self.book.active:
                self.book.resolve_sku(m.sku, ts, out, "frozen" if st.frozen else "delisted")
            m.freeze_sent = False if not st.frozen else m.freeze_sent
            return True
        return False

    def _predict(self, m: SkuModel, st: SkuStock, ts: float) -> tuple:
        """The engine's numbers for one SKU (rates per second).

        Level: without a detected change, the pooled (precision-weighted) rate of
        all scales, which is the best estimate of a steady rate.  When the CUSUM
        detects a rise, the fast scale (and a rising trend); when it detects a
        fall, the fast scale, and no reversion back up.  Leading indicators (a cart
        surge at the SKU's conversion; being featured) can only raise the level.
        """
        e = self._e
        tier = m.tier
        age = ts - m.t0
        viewers = self.mirror.viewers
        tf = 1.0
        if viewers > 0:
            tf = min(4.0, max(0.25, viewers / e.reference_viewers))
        lam0 = tier.prior_rate_per_min / 60.0 * tf
        beta = e.prior_strength_s
        # Mean order size (units per order) for turning order counts into units: the SKU's own,
        # the tier's pooled size as its prior (cold start: the tier and the room).
        q = (m.live_units + self.room.tier_qty.get(m.tier_name, 1.0) * QTY_PRIOR_ORDERS) / (m.n_orders + QTY_PRIOR_ORDERS)
        t_i, t_f, t_m, t_s, t_l = self._scales
        ci, cf, cm, cs, cl = m.live.at(ts)
        e_i, e_f, e_m, e_s = exposure(t_i, age), exposure(t_f, age), exposure(t_m, age), exposure(t_s, age)
        # The prior is worth prior_strength_s on the slow scale and proportionally less on
        # shorter ones, so it shapes the cold start without muting a fresh surge.
        b_i, b_f, b_m = (beta * min(1.0, t / t_s) for t in (t_i, t_f, t_m))
        r_i = posterior_rate(ci, e_i, lam0, b_i)
        r_f = posterior_rate(cf, e_f, lam0, b_f)
        r_m = posterior_rate(cm, e_m, lam0, b_m)
        r_s = posterior_rate(cs, e_s, lam0, beta)
        pooled = posterior_rate(cf + cm + cs, e_f + e_m + e_s, lam0, beta)
        r_l = posterior_rate(cl, exposure(t_l, age), lam0, beta)
        if tier.rate_basis == "longrun":  # the simple rule: every rate on the long-run scale
            e_l = exposure(t_l, age)
            r_o = m.other.value(ts, 1) / (e_l + beta) if e_l + beta > 0 else 0.0
        else:
            r_o = m.other.value(ts, 0) / (e_s + beta) if e_s + beta > 0 else 0.0
        m.other_rate = r_o
        h = e.cusum_threshold
        s_up = m.ord_cusum.value(ts, m.ord_base)
        s_down = m.ord_down.value(ts, m.down_base)
        up = s_up >= h
        down = not up and s_down >= h
        ki, kf, km, ks = m.carts.at(ts)
        cart_i = ki / e_i if e_i > 1.0 else 0.0
        cart_f = kf / e_f if e_f > 1.0 else 0.0
        cart_m = km / e_m if e_m > 1.0 else 0.0
        cart_s = ks / e_s if e_s > 1.0 else 0.0
        featured = m.featured_now(ts, self._tail)
        of, om, os_ = m.off.at(ts)
        xf, xm, xs = m.off_exposures(ts, self._off_scales, self._tail)
        off_rate = posterior_rate(os_, xs, lam0, beta)  # what a featured burst fades back to
        if featured:
            level = pooled
        else:
            level = posterior_rate(of + om + os_, xf + xm + xs, lam0, beta)
        base = off_rate
        slope = 0.0
        if up:
            if not m.up_latch:
                # Remember whether this rise belongs to a feature (it fades like one, later too).
                m.feat_rise = featured
            m.up_latch, m.down_latch = True, False
        elif down:
            m.up_latch, m.down_latch = False, True
        if m.up_latch:
            if not up and r_f <= level * LATCH_RATIO:
                m.up_latch = False
            else:
                # A confirmed rise: the post-change rate (orders since the change point) and the
                # instant rate are the freshest estimates; the fast one lags.
                level = max(r_i, r_f, m.ord_cusum.rate_since(ts) * q if up else 0.0)
                if r_f > r_m and t_m > t_f:
                    slope = (r_f - r_m) / (t_m - t_f)
                    level += e.trend_weight * slope * e.trend_horizon_s
        elif m.down_latch:
            if not down and r_f * LATCH_RATIO >= level:
                m.down_latch = False
            else:
                level = r_f
                if r_f < base:
                    base = r_f
        if tier.rate_basis == "longrun":
            level = base = r_l
            slope = 0.0
        s_cart = m.cart_cusum.value(ts, m.cart_base)
        surge_c = s_cart >= h
        if not surge_c and not m.up_latch and cart_f <= 2.0 * cart_s:
            # Orders follow cart adds with a lag, so the conversion is learnt only in steady
            # periods; during a cart surge the last steady value is used.  Its prior is the
            # tier's pooled conversion (cold start: the tier and the room, then the SKU's own).
            m.k_units = m.live_units
            m.k_adds = m.cart_adds
        k0 = self.room.tier_kappa.get(m.tier_name, e.cart_conversion_prior * q)
        kappa = (m.k_units + k0 * e.cart_conversion_strength) / (m.k_adds + e.cart_conversion_strength)
        if kappa > q:  # a cart add becomes at most one order (orders without a cart add, "buy now", exist)
            kappa = q
        m.kappa = kappa
        if not tier.leading_indicators:
            surge_c = False
        else:
            if surge_c:
                lam_cart = kappa * max(cart_i, cart_f, m.cart_cusum.rate_since(ts))
                if lam_cart > level:
                    level = lam_cart
            if self.room.featured == m.sku:
                ft = m.featured_time(ts)
                lam_feat = (m.feat_units + tier.featured_rate_per_min / 60.0 * tf * FEATURED_STRENGTH_S) / (
                    ft + FEATURED_STRENGTH_S)
                ef, es = self.room.entries.at(ts)
                if es > 0 and age > t_f:
                    ratio = (ef / e_f) / (es / e_s)
                    if ratio > 1.0:
                        lam_feat = max(lam_feat, r_m * min(ratio, e.traffic_uplift_max))
                if lam_feat > level:
                    level = lam_feat
        w = tier.window_min * 60.0
        # How long the level holds, and how it fades: while the host features the SKU, for
        # the rest of the room's usual feature, then the feature's fade; a feature that just
        # ended fades at once; any other rise fades with surge_decay_min.
        hold = 0.0
        fade = self._tau_d
        featured_burst = False
        if tier.rate_basis == "dynamic":
            if m.feat_since is not None and self.room.featured == m.sku:
                hold = self.room.feature_length(self._feat_prior) - (ts - m.feat_since)
                if hold < self._min_rem:
                    hold = self._min_rem
                fade = self._fade
                featured_burst = True
            elif ts - m.feat_end < self._tail or (m.up_latch and m.feat_rise):
                fade = self._fade
                featured_burst = True
        mu = held_window_sales(level, base, w, hold, fade) + r_o * w
        sd = sqrt(posterior_var(cm, e_m, lam0, b_m))
        hi = upper_band(mu, sd, w, e.band_z)
        rate_now = level + r_o
        hz = max(60.0, tier.critical_horizon_min * 60.0)
        mu_h = held_window_sales(level, base, hz, hold, fade) + r_o * hz
        rate_hi = upper_band(mu_h, sd, hz, e.band_z) / hz
        inst = r_i + r_o
        if m.up_latch and tier.rate_basis == "dynamic" and inst > rate_hi:
            # Only a confirmed rise lets the (noisy) instant rate drive the pessimistic case.
            rate_hi = inst
        a = st.available
        sellout = sellout_seconds(a, rate_now)
        sellout_p = sellout_seconds(a, rate_hi)
        # The warning line: the rule of thumb "multiplier x predicted window sales" is kept for
        # steady demand (multiplier x window of the steady rate), but a feature's burst is
        # finite: it is counted once, times a buffer for what is still unknown about it.  That
        # buffer is the tier's multiplier while the room's feature length is a prior guess,
        # and shrinks toward 1 as the room's features are seen (its weight in the
        # feature-length estimate).  A rise that is not a feature keeps the full multiplier.
        mult = tier.multiplier
        hz_w = mult * w
        steady = (base + r_o) * hz_w
        burst = held_window_sales(level, base, hz_w, hold, fade) - base * hz_w
        if featured_burst:
            buf = 1.0 + (mult - 1.0) * self.room.feature_prior_weight()
        else:
            buf = mult
        line = steady + buf * burst
        if line < tier.warning_floor:
            line = tier.warning_floor
        if e.longrun_enters and tier.rate_basis == "dynamic":
            lr = tier.multiplier * (r_l + r_o) * w
            if lr > line:
                line = lr
        # Enter fast, leave slow: the warning clears only above the line the long-run
        # rate (featured bursts included) would also draw.
        exit_line = tier.multiplier * (r_l + r_o) * w
        if exit_line < line:
            exit_line = line
        safety = safety_stock(tier, inst if inst > rate_now else rate_now)
        m.safety_tick = safety
        m.safety = safety
        floor = e.cusum_min_rate_per_min / 60.0
        ob = r_s / q
        m.ord_base = ob if ob > floor else floor
        db = pooled / q
        m.down_base = db if db > floor else floor
        m.cart_base = cart_s if cart_s > floor else floor
        surge = up or surge_c
        exit_surge = s_up < h * 0.5 and s_cart < h * 0.5
        return (rate_now, w, mu, hi, sellout, sellout_p, line, safety, cart_f, surge, exit_surge, cart_m,
                kappa, r_s + r_o, surge_c and not up, exit_line, rate_hi, steady, burst, buf)

    def _evaluate(self, m: SkuModel, st: SkuStock, ts: float, out: list) -> Forecast:
        (rate, w, mu, hi, sellout, sellout_p, line, safety, cart_f, surge, exit_surge, cart_m, kappa,
         slow, cart_only, exit_line, rate_hi, steady, burst, buf) = self._predict(m, st, ts)
        tier = m.tier
        book = self.book
        sku = m.sku
        if not self._blocked(m, st, ts, out):
            a = st.available
            rpm = rate * 60.0
            if a > safety * tier.exit_ratio:
                m.freeze_sent = False
            # critical
            if a <= safety:
                self._critical_now(m, st, ts, out)
                crit = book.get(sku, "critical")
                crit.set_numbers(a, rpm, sellout_p, safety)
            else:
                was_on = book.is_on(sku, "critical")
                enter, clear = critical_condition(tier, a, safety, sellout_p)
                hz = tier.critical_horizon_min
                book.step(sku, "critical", ts, enter, clear, tier.pending_s, tier.recover_s,
                          f"pessimistic sell-out in {_fmt_s(sellout_p)} ({a} available at {rate_hi * 60.0:.1f}/min), "
                          f"within the {hz:g}-min horizon: act now", out, (a, rpm, sellout_p, safety),
                          clear_reason=f"pessimistic sell-out in {_fmt_s(sellout_p)}, beyond {hz * tier.exit_ratio:g} "
                                       f"min, and {a} available above {safety * tier.exit_ratio:.1f}",
                          band_reason=f"pessimistic sell-out now in {_fmt_s(sellout_p)}, not beyond "
                                      f"{hz * tier.exit_ratio:g} min")
                if was_on and book.get(sku, "critical") is None:
                    m.deescalated = True
            if burst * buf > 0.5:
                w_reason = (f"available {a} below warning line {_up(line)}: predicted sales in the next "
                            f"{tier.multiplier * tier.window_min:g} min = {steady:.0f} at the steady rate + "
                            f"{burst:.0f} from the {'feature' if buf < tier.multiplier else 'surge'} x {buf:.2f} "
                            f"(buffer): prepare a restock")
            else:
                w_reason = (f"available {a} below warning line {_up(line)} ({tier.multiplier:g} x "
                            f"{mu:.0f} predicted in {tier.window_min:g} min): prepare a restock")
            w_exit = exit_line * tier.exit_ratio
            w_clear = f"available {a} back at or above {_up(w_exit)} (exit line {exit_line:.0f} x {tier.exit_ratio:g})"
            if book.is_on(sku, "critical"):
                book.resolve_level(sku, "warning", ts, out, "superseded by critical")
                book.resolve_level(sku, "watch", ts, out, "superseded by critical")
            else:
                enter, clear = warning_condition(tier, a, line, exit_line)
                if m.deescalated:
                    # The critical just resolved: if the warning's condition holds (it was only
                    # hidden), the warning takes over at once, no new pending period.
                    m.deescalated = False
                    if enter:
                        book.fire_now(sku, "warning", ts, w_reason, out, (a, rpm, sellout, line))
                book.step(sku, "warning", ts, enter, clear, tier.pending_s, tier.recover_s, w_reason,
                          out, (a, rpm, sellout, line), clear_reason=w_clear,
                          band_reason=f"available {a} under the exit level {_up(w_exit)} (warning line now {_up(line)})")
                warn = book.get(sku, "warning")
                if warn is not None and warn.state != "pending":
                    book.resolve_level(sku, "watch", ts, out, "superseded by warning")
                elif warn is not None:
                    pass  # a warning is about to fire: leave the watch as it is until it does
                elif tier.watch:
                    # Relevant if, at the pessimistic rate, the surge would empty the SKU soon.
                    r_w = rate_hi if rate_hi > rate else rate
                    reach = r_w * w * self._e.watch_horizon_windows
                    enter = surge and a < reach
                    clear = exit_surge or a >= reach * tier.exit_ratio
                    what = "cart surge" if cart_only else "consumption accelerating"
                    book.step(sku, "watch", ts, enter, clear, self._e.watch_pending_s, tier.recover_s,
                              f"{what}: {rpm:.1f}/min vs {slow * 60:.1f}/min on the slow scale; {a} available "
                              f"would last {_fmt_s(a / r_w if r_w > 0 else None)} at {r_w * 60:.1f}/min",
                              out, (a, rpm, sellout, reach),
                              clear_reason="surge over" if exit_surge or r_w <= 0 else
                              f"{a} available would last beyond {reach * tier.exit_ratio / r_w / 60:.0f} min",
                              band_reason=f"surge detector not yet quiet, {a} available")
                elif book.get(sku, "watch") is not None:
                    book.resolve_level(sku, "watch", ts, out, "tier raises no watch")
            # losing sales
            cart_pm = cart_m * 60.0  # the medium scale: steady enough not to flap at the threshold
            e = self._e
            viewers = self.mirror.viewers
            lmin = e.lost_sales_min_cart_per_min
            enter = a <= 0 and viewers > 0 and cart_pm >= lmin
            # A unit or two back from a cancel does not end it: exit above the safety floor.
            clear = a > tier.safety_floor or viewers <= 0 or cart_pm < lmin * 0.5
            lost = kappa * cart_pm
            book.step(sku, "lost_sales", ts, enter, clear, e.lost_sales_pending_s, e.lost_sales_recover_s,
                      f"sold out with {viewers} viewers and {cart_pm:.1f} cart adds/min: losing about "
                      f"{lost:.1f} sales/min", out, (a, lost, 0.0, lmin),
                      clear_reason=(f"{a} back in stock" if a > tier.safety_floor else "no viewers" if viewers <= 0
                                    else f"cart adds down to {cart_pm:.1f}/min"),
                      band_reason=f"{a} available, {viewers} viewers, {cart_pm:.1f} cart adds/min")
        return Forecast(rate_per_min=rate * 60.0, window_min=tier.window_min, predicted_sales=mu,
                        predicted_hi=hi, sellout_s=sellout, sellout_pessimistic_s=sellout_p,
                        warning_line=line, safety_stock=safety, level=book.level_of(sku),
                        cart_rate_per_min=cart_f * 60.0)

    def _baseline_numbers(self, m: SkuModel, st: SkuStock, ts: float) -> tuple[float, float, float, str]:
        """(rate per s, line, window min, why) of the baseline policy."""
        e = self._e
        if self._policy == "naive":
            rate = baselines.naive_rate_per_s(st.sold, ts - (self.start_ts or ts))
            line = baselines.naive_line(rate, e.naive_multiplier, e.naive_window_min)
            return rate, line, e.naive_window_min, (
                f"{e.naive_multiplier:g} x {rate * 60:.1f}/min session average over {e.naive_window_min:g} min")
        return 0.0, baselines.static_line(e.static_threshold), m.tier.window_min, "fixed threshold"

    def _baseline_forecast(self, m: SkuModel, st: SkuStock, rate: float, line: float, w_min: float) -> Forecast:
        mu = rate * w_min * 60.0
        sellout = sellout_seconds(st.available, rate)
        return Forecast(rate_per_min=rate * 60.0, window_min=w_min, predicted_sales=mu, predicted_hi=mu,
                        sellout_s=sellout, sellout_pessimistic_s=sellout, warning_line=line, safety_stock=0.0,
                        level=self.book.level_of(m.sku), cart_rate_per_min=0.0)

    def _evaluate_baseline(self, m: SkuModel, st: SkuStock, ts: float, out: list) -> Forecast:
        tier = m.tier
        book = self.book
        sku = m.sku
        a = st.available
        rate, line, w_min, why = self._baseline_numbers(m, st, ts)
        for lvl in ("watch", "critical", "lost_sales"):
            if book.get(sku, lvl) is not None:
                book.resolve_level(sku, lvl, ts, out, f"policy {self._policy} raises no {lvl}")
        if not self._blocked(m, st, ts, out):
            enter, clear = warning_condition(tier, a, line)
            book.step(sku, "warning", ts, enter, clear, tier.pending_s, tier.recover_s,
                      f"available {a} below {_up(line)} ({why})", out,
                      (a, rate * 60.0, sellout_seconds(a, rate), line),
                      clear_reason=f"available {a} back at or above {_up(line * tier.exit_ratio)}")
        return self._baseline_forecast(m, st, rate, line, w_min)

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
                p = self._predict(m, st, self.now)
                m.fc = Forecast(rate_per_min=p[0] * 60.0, window_min=m.tier.window_min, predicted_sales=p[2],
                                predicted_hi=p[3], sellout_s=p[4], sellout_pessimistic_s=p[5], warning_line=p[6],
                                safety_stock=p[7], level=self.book.level_of(sku), cart_rate_per_min=p[8] * 60.0)
            else:  # no side effects here: alerts only move on tick
                rate, line, w_min, _why = self._baseline_numbers(m, st, self.now)
                m.fc = self._baseline_forecast(m, st, rate, line, w_min)
        return m.fc

    def ack(self, key: str, by: str, ts: float) -> AlertTransition | None:
        """Acknowledge an active alert (stops repeats and sound); recorded as a transition."""
        return self.book.ack(key, by, ts)

    def snooze(self, key: str, minutes: float, by: str, ts: float) -> AlertTransition | None:
        """Silence an active alert for ``minutes`` of shop time; it expires on its own."""
        return self.book.snooze(key, minutes, by, ts)

    def active_alerts(self) -> list[Alert]:
        """Pending, firing and recovering alerts, most severe first (``a.to_view()`` for the desk)."""
        return self.book.sorted_active()

    @property
    def history(self) -> list[AlertView]:
        """Resolved alerts that had fired, oldest first (bounded by ``engine.history_max``)."""
        return self.book.history
