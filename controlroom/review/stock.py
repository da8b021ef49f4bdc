"""Stock facts from a session log: the logged events replayed through the desk's stock mirror.

:func:`stock_facts` replays the events (and snapshot resets) through the same
:class:`~controlroom.feed.mirror.StockMirror` the live desk uses, so stock, sell-outs,
frozen periods, GMV, units, orders and oversold units are exact, not sampled;
:func:`estimate_lost_sales` values the periods a SKU could not be sold.  The rules are in
:mod:`controlroom.review.analysis` and ``docs/session-log.md`` (*Review numbers*).
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Any, Iterable

from controlroom.feed.mirror import StockMirror
from controlroom.protocol import Reject

MIN_SELLOUT_S = 1.0
OBSERVED_WINDOW_S = 300.0
SURGE_HOLD_S = 300.0


@dataclass
class SellOut:
    """A SKU sold out at ``ts`` (stock from > 0 to <= 0), judged against the warnings before it."""

    sku: str
    ts: float  # when stock reached <= 0
    ended_ts: float | None  # stock > 0 again (None: still sold out at the end)
    duration_s: float
    warned_ts: float | None = None  # earliest covering warning's firing
    warned_level: str | None = None
    lead_s: float | None = None  # ts - warned_ts; None = miss

    @property
    def missed(self) -> bool:
        return self.lead_s is None


@dataclass
class Unavailable:
    """A period a SKU could not be sold: sold out and/or frozen."""

    sku: str
    start: float
    end: float
    sold_out: bool
    frozen: bool
    rate_per_min: float
    rate_source: str  # "sample" | "observed" | "none"
    lost_units: float
    lost_cents: float
    avg_rate_per_min: float = 0.0  # the SKU's average order rate while on sale (after SURGE_HOLD_S)

    @property
    def duration_s(self) -> float:
        return self.end - self.start

    @property
    def kind(self) -> str:
        return " + ".join(k for k, on in (("sold out", self.sold_out), ("frozen", self.frozen)) if on)


@dataclass
class SkuSummary:
    """One SKU's numbers for the report's table."""

    sku: str
    name: str
    tier: str
    price_cents: int
    start_available: int
    final_available: int = 0
    orders: int = 0
    units_ordered: int = 0
    units_sold: int = 0  # net of cancels
    gmv_cents: int = 0  # net, cancels refunded at list price (as the desk counts)
    cancelled_units: int = 0
    oversold_units: int = 0
    sellouts: int = 0
    first_sellout_ts: float | None = None
    sold_out_s: float = 0.0
    frozen_s: float = 0.0
    warnings: int = 0
    false_warnings: int = 0
    misses: int = 0
    first_lead_s: float | None = None
    peak_level: str = "ok"
    lost_units: float = 0.0
    lost_cents: float = 0.0


@dataclass
class StockFacts:
    """What the events say, exactly."""

    t0: float | None
    t1: float | None
    skus: dict[str, SkuSummary]
    sellouts: list[SellOut]
    unavailable_spans: list[tuple[str, float, float, bool, bool]]  # (sku, start, end, sold_out, frozen)
    series: dict[str, list[tuple[float, int]]]  # per SKU (ts, available) at each change
    frozen_spans: dict[str, list[tuple[float, float]]]
    minute_units: dict[int, int]  # minute index from t0 -> units ordered
    minute_gmv: dict[int, int]
    viewers: list[tuple[float, int]]
    orders: int = 0
    units_ordered: int = 0
    units_sold: int = 0
    gmv_cents: int = 0
    gross_gmv_cents: int = 0
    cancelled_units: int = 0
    oversold_units: int = 0
    events: int = 0
    duplicates: int = 0
    unknown_sku: int = 0
    topics: dict[str, int] = field(default_factory=dict)
    order_log: dict[str, tuple[list[float], list[int]]] = field(default_factory=dict)


def _initial_snapshot(room: str, skus: list[dict]) -> dict:
    return {"room": room, "skus": [{"sku": s["sku"], "name": s.get("name"), "tier": s.get("tier"),
                                     "price_cents": s.get("price_cents") or 0,
                                     "available": s.get("available") or 0} for s in skus]}


def stock_facts(room: str, skus: list[dict], stream: Iterable[tuple[str, Any]],
                end_ts: float | None = None) -> StockFacts:
    """Replay ``stream`` (``LogReader.iter_stream()``) from the starting catalogue ``skus``."""
    mirror = StockMirror()
    mirror.reset(_initial_snapshot(room, skus))
    summaries = {s.sku: SkuSummary(s.sku, s.name, s.tier, s.price_cents, s.available)
                 for s in mirror.skus.values()}
    avail = {k: s.available for k, s in mirror.skus.items()}
    frozen = {k: s.frozen for k, s in mirror.skus.items()}
    series: dict[str, list[tuple[float, int]]] = {k: [] for k in avail}
    so_start: dict[str, float | None] = {k: None for k in avail}  # sold-out period start
    fz_start: dict[str, float | None] = {k: None for k in avail}
    un_start: dict[str, float | None] = {k: None for k in avail}  # unavailable period start
    un_flags: dict[str, list[bool]] = {k: [False, False] for k in avail}
    raw_sellouts: list[tuple[str, float, float | None]] = []
    frozen_spans: dict[str, list[tuple[float, float]]] = {k: [] for k in avail}
    un_periods: list[tuple[str, float, float, bool, bool]] = []
    order_log: dict[str, tuple[list[float], list[int]]] = {k: ([], []) for k in avail}
    minute_units: dict[int, int] = {}
    minute_gmv: dict[int, int] = {}
    viewers: list[tuple[float, int]] = []
    topics: dict[str, int] = {}
    t0: float | None = None
    t1: float | None = None
    n_events = dup = unknown = 0
    units_ordered = gross_gmv = cancelled = oversold = 0

    def ensure(sku: str) -> None:
        if sku not in summaries:
            st = mirror.skus[sku]
            summaries[sku] = SkuSummary(sku, st.name, st.tier, st.price_cents, st.available)
            avail[sku] = st.available
            frozen[sku] = st.frozen
            series[sku] = []
            so_start[sku] = fz_start[sku] = un_start[sku] = None
            un_flags[sku] = [False, False]
            frozen_spans[sku] = []
            order_log[sku] = ([], [])
            if st.available <= 0:
                so_start[sku] = -math.inf
            if st.available <= 0 or st.frozen:
                un_start[sku] = -math.inf
                un_flags[sku] = [st.available <= 0, st.frozen]

    def observe(sku: str, ts: float) -> None:
        st = mirror.skus[sku]
        a, f = st.available, st.frozen
        pa, pf = avail[sku], frozen[sku]
        if a != pa:
            series[sku].append((ts, a))
            if pa > 0 >= a:
                so_start[sku] = ts
            elif a > 0 >= pa and so_start[sku] is not None:
                raw_sellouts.append((sku, so_start[sku], ts))
                so_start[sku] = None
            avail[sku] = a
        if f != pf:
            if f:
                fz_start[sku] = ts
            elif fz_start[sku] is not None:
                frozen_spans[sku].append((fz_start[sku], ts))
                fz_start[sku] = None
            frozen[sku] = f
        un = a <= 0 or f
        if un and un_start[sku] is None:
            un_start[sku] = ts
            un_flags[sku] = [a <= 0, f]
        elif un:
            fl = un_flags[sku]
            fl[0] = fl[0] or a <= 0
            fl[1] = fl[1] or f
        elif un_start[sku] is not None:
            un_periods.append((sku, un_start[sku], ts, *un_flags[sku]))
            un_start[sku] = None

    # SKUs already unavailable at the start
    for k in list(avail):
        st = mirror.skus[k]
        if st.available <= 0:
            so_start[k] = -math.inf
        if st.available <= 0 or st.frozen:
            un_start[k] = -math.inf
            un_flags[k] = [st.available <= 0, st.frozen]
        if st.frozen:
            fz_start[k] = -math.inf

    for kind, payload in stream:
        if kind == "snapshot":
            mirror.reset(payload)
            ts = t1 if t1 is not None else -math.inf
            for k in mirror.skus:
                ensure(k)
                observe(k, ts)
            continue
        for ev in payload:
            n_events += 1
            topic = ev.get("topic")
            topics[topic] = topics.get(topic, 0) + 1
            ts = ev.get("ts")
            if ts is not None:
                if t0 is None:
                    t0 = ts
                if t1 is None or ts > t1:
                    t1 = ts
            try:
                fresh = mirror.apply(ev)
            except Reject:
                unknown += 1
                continue
            except (KeyError, TypeError):
                continue
            if not fresh:
                dup += 1
                continue
            if topic == "order":
                sku, q = ev["sku"], ev["qty"]
                ensure(sku)
                units_ordered += q
                gross_gmv += q * ev["price_cents"]
                s = summaries[sku]
                s.units_ordered += q
                m = int((ts - t0) // 60)
                minute_units[m] = minute_units.get(m, 0) + q
                minute_gmv[m] = minute_gmv.get(m, 0) + q * ev["price_cents"]
                ol = order_log[sku]
                ol[0].append(ts)
                ol[1].append((ol[1][-1] if ol[1] else 0) + q)
                observe(sku, ts)
            elif topic == "cancel":
                sku, q = ev["sku"], ev["qty"]
                ensure(sku)
                cancelled += q
                summaries[sku].cancelled_units += q
                if ev.get("reason") == "oversold":
                    oversold += q
                    summaries[sku].oversold_units += q
                observe(sku, ts)
            elif topic == "stock":
                ensure(ev["sku"])
                observe(ev["sku"], ts)
            elif topic == "traffic":
                viewers.append((ts, ev["viewers"]))

    end = end_ts if end_ts is not None else t1
    start = t0
    for k in avail:
        if so_start[k] is not None:
            raw_sellouts.append((k, so_start[k], None))
        if fz_start[k] is not None:
            frozen_spans[k].append((fz_start[k], end if end is not None else fz_start[k]))
        if un_start[k] is not None:
            un_periods.append((k, un_start[k], end if end is not None else un_start[k], *un_flags[k]))

    def clamp(t: float) -> float:
        return start if (t == -math.inf and start is not None) else (t if t != -math.inf else 0.0)

    sellouts: list[SellOut] = []
    for sku, a, b in raw_sellouts:
        if a == -math.inf:
            continue  # sold out before the session: not a sell-out of this show
        if b is not None and b - a < MIN_SELLOUT_S:
            continue
        dur = (b if b is not None else (end if end is not None else a)) - a
        sellouts.append(SellOut(sku, a, b, dur))
    sellouts.sort(key=lambda s: (s.ts, s.sku))
    for k in frozen_spans:
        frozen_spans[k] = [(clamp(a), b) for a, b in frozen_spans[k]]
        pts = series[k]
        # Only points observed before the first timed event carry -inf (every logged event has a
        # ts): clamp that leading run, not the SKU's whole series (one point per order).
        i = 0
        while i < len(pts) and pts[i][0] == -math.inf:
            i += 1
        if i:
            series[k] = [(clamp(t), a) for t, a in pts[:i]] + pts[i:]

    for k, s in summaries.items():
        st = mirror.skus.get(k)
        if st is not None:
            s.final_available = st.available
            s.orders = st.orders
            s.units_sold = st.sold
            s.gmv_cents = st.gmv_cents
            s.frozen_s = sum(b - a for a, b in frozen_spans[k])
    for so in sellouts:
        s = summaries[so.sku]
        s.sellouts += 1
        s.sold_out_s += so.duration_s
        if s.first_sellout_ts is None:
            s.first_sellout_ts = so.ts

    facts = StockFacts(
        t0=t0, t1=t1, skus=summaries, sellouts=sellouts,
        unavailable_spans=[(k, clamp(a), b, so, fz) for k, a, b, so, fz in un_periods], series=series,
        frozen_spans=frozen_spans, minute_units=minute_units, minute_gmv=minute_gmv, viewers=viewers,
        orders=mirror.orders, units_ordered=units_ordered, units_sold=mirror.units,
        gmv_cents=mirror.gmv_cents, gross_gmv_cents=gross_gmv, cancelled_units=cancelled,
        oversold_units=oversold, events=n_events, duplicates=dup, unknown_sku=unknown, topics=topics,
        order_log=order_log)
    return facts


def estimate_lost_sales(facts: StockFacts, samples_by_sku: dict[str, list[tuple]]) -> list[Unavailable]:
    """Turn the unavailable periods of ``facts`` into :class:`Unavailable` rows with the estimate.

    The first :data:`SURGE_HOLD_S` of a period are valued at the rate just before it
    (last sample's ``rate_per_min``, else the units ordered in the
    :data:`OBSERVED_WINDOW_S` before); the rest at the SKU's average order rate over the
    time it was on sale in this session.
    """
    out: list[Unavailable] = []
    span = (facts.t1 - facts.t0) if facts.t0 is not None and facts.t1 is not None else 0.0
    down: dict[str, float] = {}
    for sku, a, b, _so, _fz in facts.unavailable_spans:
        down[sku] = down.get(sku, 0.0) + max(0.0, b - a)
    for sku, a, b, so, fz in facts.unavailable_spans:
        if b <= a:
            continue
        rate, source = 0.0, "none"
        rows = samples_by_sku.get(sku) or []
        if rows:
            ts = [r[0] for r in rows]
            i = bisect.bisect_left(ts, a) - 1  # last sample strictly before a
            if i >= 0 and rows[i][4] is not None:
                rate, source = float(rows[i][4]), "sample"
        if source == "none":
            times, cum = facts.order_log.get(sku, ([], []))
            if times:
                hi = bisect.bisect_left(times, a)  # orders strictly before a
                lo = bisect.bisect_left(times, a - OBSERVED_WINDOW_S)
                units = (cum[hi - 1] if hi > 0 else 0) - (cum[lo - 1] if lo > 0 else 0)
                rate, source = units / (OBSERVED_WINDOW_S / 60.0), "observed"
        s = facts.skus.get(sku)
        on_sale_min = (span - down.get(sku, 0.0)) / 60.0
        avg = (s.units_ordered / on_sale_min) if (s is not None and on_sale_min >= 1.0) else rate
        d = b - a
        units = rate * min(d, SURGE_HOLD_S) / 60.0 + avg * max(0.0, d - SURGE_HOLD_S) / 60.0
        price = s.price_cents if s is not None else 0
        out.append(Unavailable(sku, a, b, so, fz, rate, source, units, units * price, avg))
    out.sort(key=lambda u: (u.start, u.sku))
    for u in out:
        s = facts.skus.get(u.sku)
        if s is not None:
            s.lost_units += u.lost_units
            s.lost_cents += u.lost_cents
    return out
