"""Lost sales so far, estimated live: what the sold-out and frozen SKUs would have sold.

The same rule as the review's estimate (:func:`controlroom.review.stock.estimate_lost_sales`),
run forward on the shop clock so a room overview can show it during the show: a SKU that is
unavailable (sold out or frozen, not delisted) loses, for the first
:data:`SURGE_HOLD_S` of the period, the order rate it had just before it became unavailable,
and after that its average order rate while on sale this session.  The review recomputes it
from the whole log afterwards; this figure is the running one.  An engine restarted on its
show's log goes on from what the log says (:meth:`LostSalesMeter.resume`).
"""
from __future__ import annotations

SURGE_HOLD_S = 300.0  # = controlroom.review.stock.SURGE_HOLD_S


class LostSalesMeter:
    """Integrates each unavailable SKU's lost order rate over shop time (fed once per shop second)."""

    def __init__(self) -> None:
        self.units = 0.0
        self.cents = 0.0
        self.by_sku: dict[str, float] = {}  # sku -> units lost so far
        self._rate_before: dict[str, float] = {}  # sku -> order rate/min while last available
        self._down_since: dict[str, float] = {}  # sku -> shop ts its unavailable period began
        self._on_sale_s: dict[str, float] = {}  # sku -> shop seconds on sale this session
        self._last_ts: float | None = None

    def note_rate(self, sku: str, rate_per_min: float, available: bool) -> None:
        """The engine's current order rate of ``sku`` (kept only while it is on sale: 'the rate just before')."""
        if available:
            self._rate_before[sku] = rate_per_min

    def on_second(self, ts: float, skus) -> None:
        """Advance to shop time ``ts``; ``skus`` maps sku -> the mirror's stock (available, frozen, delisted, sold, price)."""
        last, self._last_ts = self._last_ts, ts
        if last is None or ts <= last:
            return
        dt = ts - last
        for sku, st in skus.items():
            if st.delisted:
                self._down_since.pop(sku, None)
                continue
            if st.available > 0 and not st.frozen:
                self._down_since.pop(sku, None)
                self._on_sale_s[sku] = self._on_sale_s.get(sku, 0.0) + dt
                continue
            since = self._down_since.setdefault(sku, last)
            held = min(dt, max(0.0, since + SURGE_HOLD_S - last))  # part of this step inside the surge hold
            on_sale_min = self._on_sale_s.get(sku, 0.0) / 60.0
            before = self._rate_before.get(sku, 0.0)
            avg = st.sold / on_sale_min if on_sale_min >= 1.0 else before
            units = (before * held + avg * (dt - held)) / 60.0
            self.units += units
            self.by_sku[sku] = self.by_sku.get(sku, 0.0) + units
            self.cents += units * st.price_cents

    def resume(self, point, prices: dict[str, int]) -> None:
        """Go on from where a show's log stood (a :class:`~controlroom.log.resume.ResumePoint`): each
        unavailable span is valued as :meth:`on_second` values it second by second — the rate before
        for the first :data:`SURGE_HOLD_S`, then units sold per minute on sale — with the rate and the
        units sold of the engine's last logged sample before the span.  A SKU still unavailable at the log's end goes
        on from its span's start."""
        t0, t1 = point.t0, point.t1
        if t0 is None or t1 is None:
            return
        down_s: dict[str, float] = {}
        for sp in point.down:  # in start order
            # A span still open is valued to the engine's last tick, as the first engine had counted it.
            upto = (sp.seen_to or t1) if sp.end is None else sp.end
            d = max(0.0, upto - sp.start)
            on_sale_s = max(0.0, sp.start - t0 - down_s.get(sp.sku, 0.0))
            before = sp.rate_before
            avg = sp.sold_before / (on_sale_s / 60.0) if on_sale_s >= 60.0 else before
            held = min(d, SURGE_HOLD_S)
            units = (before * held + avg * (d - held)) / 60.0
            self.units += units
            self.by_sku[sp.sku] = self.by_sku.get(sp.sku, 0.0) + units
            self.cents += units * prices.get(sp.sku, 0)
            down_s[sp.sku] = down_s.get(sp.sku, 0.0) + d
            if sp.end is None:
                self._down_since[sp.sku] = sp.start
                self._rate_before[sp.sku] = before
        for sku in prices:
            self._on_sale_s[sku] = max(0.0, t1 - t0 - down_s.get(sku, 0.0))
