"""The engine's hot path: accepted events (one at a time or as column batches) into the
per-SKU estimators.

:class:`EventIntake` is a base of :class:`~controlroom.engine.core.Engine`; it only
updates rates, detectors and the featured SKU, O(1) per event, and takes the
safety-stock path (critical at once, freeze queued) inside the batch that crosses
it.  Forecasts and the other rules run once per shop-second in ``Engine.tick``.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from itertools import groupby
from math import sqrt
from operator import itemgetter, le

from controlroom.engine import freeze
from controlroom.engine.rules import critical_now

__all__ = ["EventIntake"]

FEED_GAP_S = 10.0  # the feed's step (room.feed_gap) is the longest gap between its events in this long
QTY_EWMA = 0.05  # smoothing of the mean order size that caps a bulk order (burst_qty_factor)
SLICE_FRACTION = 1e-3  # on_events: events within this fraction of the instant scale count at one time
_TOPIC = itemgetter("topic")
_ORDER = itemgetter("ts", "sku", "qty", "channel")
_CART = itemgetter("ts", "sku", "delta")
_TRAFFIC = itemgetter("ts", "entries", "featured")


class EventIntake:
    """Event and column-batch entry points of the engine (state lives on the Engine)."""

    def on_event(self, ev: dict) -> None:
        """Account one accepted, validated event (the mirror has already applied it)."""
        topic = ev["topic"]
        ts = ev["ts"]
        if ts > self.now:
            self._advance_now(ts)
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
                if m.lag_open:
                    freeze.on_frozen_order(m, ts, q)
                m.ord_cusum.update(ts, 1.0, m.ord_base)
                m.ord_down.update(ts, 1.0, m.down_base)
                if m.feat_since is not None or ts - m.feat_end < self._tail:
                    m.feat_units += u
                else:
                    m.off.add(ts, u)
                rs = m.live.c[0] * self._inv_inst + m.other_rate
                s = rs * m.lag_margin
                if m.spread > 0.0:  # the count's upper quantile (tiers.safety_stock)
                    mu = rs * m.lag_in
                    hi = mu + sqrt(mu * m.spread)
                    if hi > s:
                        s = hi
                if s > m.safety:
                    m.safety = s
            else:
                m.other.add(ts, q)
            if self._immediate and not self.held:
                st = self.mirror.skus.get(sku)
                if st is not None and st.available <= m.safety and not (st.frozen or st.delisted):
                    critical_now(self, m, st, ts, self._out)
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
            if m is not None:
                freeze.on_stock(self, m, ev["frozen"], ts)
                if ev["frozen"] and not m.was_frozen:
                    m.freeze_sent = False
                if not ev["frozen"]:
                    m.release_sent = False

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
                    self._advance_now(t)
            else:
                for ev in evs:
                    self.on_event(ev)

    def on_batch(self, batch) -> None:
        """A feed batch of orders or cart changes (``feed.batch.EventBatch``) read as columns:
        the same decisions as :meth:`on_events` with its events, without building them."""
        c = batch.cols
        if len(c[3]) < 4:
            self.on_events(batch.events())
        elif batch.topic == "order":
            self.on_order_columns(c[3], c[6], c[7], c[9], batch.sums)
        elif batch.topic == "cart":
            self.on_cart_columns(c[3], c[5], c[6])
        else:
            self.on_events(batch.events())

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
            else:
                room = self.room
                g = t - self.now
                if g >= room.feed_gap or t - room.feed_gap_at > FEED_GAP_S:
                    room.feed_gap = g
                    room.feed_gap_at = t
            self.now = t
            if t >= self._pulse_due:
                self._end_pulses(t)

    def _end_pulses(self, t: float) -> None:
        """Freeze again the SKUs whose measured pulse is over (engine/freeze.py): at the first event
        at or after its end, not the next tick (a pulse of a flash lot lasts a fraction of a second)."""
        due = float("inf")
        skus = self.mirror.skus
        for m in self.models.values():
            end = m.pulse_end
            if end is None:
                continue
            if end <= t:
                st = skus.get(m.sku)
                if st is None:
                    m.pulse_end = None
                else:
                    freeze.end_pulse(self, m, st, t)
            elif end < due:
                due = end
        self._pulse_due = due

    def on_order_columns(self, ts, sku, qty, channel, sums: tuple | None = None) -> None:
        """Orders as columns (``ts``, ``sku``, ``qty``, ``channel`` sequences of one batch, in order).

        The fast path of :meth:`on_events` (the replay passes the columns it already has).
        ``sums``: the mirror's per-SKU ``(orders, units, ...)`` of exactly these orders
        (``StockMirror.order_sums``), in the order the SKUs first appear; taken instead of counting
        them again when the batch is one slice of live orders.
        """
        sl = self._slices(ts)
        if sl is None:
            for ev_ts, s, q, c in zip(ts, sku, qty, channel):
                self.on_event({"topic": "order", "ts": ev_ts, "sku": s, "qty": q, "channel": c})
            return
        if len(sl) == 1:
            self._order_slice(ts[-1], sku, qty, channel, sums)
        else:
            for i, j in sl:
                self._order_slice(ts[j - 1], sku[i:j], qty[i:j], channel[i:j])

    def _order_slice(self, t: float, sku, qty, channel, sums: tuple | None = None) -> None:
        self._advance_now(t)
        models = self.models
        others = None
        if "other" in channel:
            sums = None  # the mirror's sums count every channel; the live rates only live orders
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
            burst = self._burst
            capped = qmax > burst  # the cap is >= burst_qty_factor: the mean order size is >= 1
            if sums is not None and not capped:  # the same counts, the same order (first appearance)
                counts, units = sums[0], sums[1]
                pairs = None
            elif qmax == 1:
                counts = Counter(sku)
                units = counts
                pairs = None
            else:
                pairs = Counter(zip(sku, qty))
                counts, units = {}, {}
                for (s, q), c in pairs.items():
                    counts[s] = counts.get(s, 0) + c
                    units[s] = units.get(s, 0) + q * c
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
                if m.lag_open:
                    freeze.on_frozen_order(m, t, u)
                m.ord_cusum.update(t, n, m.ord_base)
                m.ord_down.update(t, n, m.down_base)
                if m.feat_since is not None or t - m.feat_end < tail:
                    m.feat_units += uc
                else:
                    m.off.add(t, uc)
                rs = m.live.c[0] * inv_inst + m.other_rate
                x = rs * m.lag_margin
                if m.spread > 0.0:  # the count's upper quantile (tiers.safety_stock)
                    mu = rs * m.lag_in
                    hi = mu + sqrt(mu * m.spread)
                    if hi > x:
                        x = hi
                if x > m.safety:
                    m.safety = x
                if immediate:
                    st = skus.get(s)
                    if st is not None and st.available <= m.safety and not (st.frozen or st.delisted):
                        critical_now(self, m, st, t, self._out)
        if others and immediate:
            for s in others:
                m = models.get(s)
                st = skus.get(s)
                if m is not None and st is not None and st.available <= m.safety and not (st.frozen or st.delisted):
                    critical_now(self, m, st, t, self._out)

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
