"""Lost sales so far, estimated live: what the sold-out and frozen SKUs would have sold.

The same rule as the review's estimate (:func:`controlroom.review.stock.estimate_lost_sales`),
run forward on the shop clock so a room overview can show it during the show: a SKU that is
unavailable (sold out or frozen, not delisted) loses, for the first
:data:`SURGE_HOLD_S` of the period, the order rate it had just before it became unavailable,
and after that its average order rate while on sale this session.  The review recomputes it
from the whole log afterwards; this figure is the running one (it restarts at zero with the
engine, as the engine's other counters do).
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
