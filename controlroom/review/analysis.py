"""The numbers a manager asks for after a show, computed from a session log.

Everything is derived from the log alone (no engine needed), in two parts:

* :func:`stock_facts` replays the logged events (and snapshot resets) through
  the same :class:`~controlroom.feed.mirror.StockMirror` the live desk uses, so
  stock, sell-outs, frozen periods, GMV, units, orders and oversold units are
  exact, not sampled.
* :func:`alert_facts` judges alert transitions against those sell-outs: lead
  time, misses, false warnings.  It takes the transitions as an argument, so
  backtest can judge a replay's transitions with the very same rules.

The definitions (also in ``docs/session-log.md``, section *Review numbers*):

* **Sell-out**: a SKU's available stock goes from > 0 to <= 0.  It lasts until
  stock is > 0 again (or the session ends).  A dip undone within
  :data:`MIN_SELLOUT_S` (an oversold order cancelled at once) is not a sell-out.
* **Lead time, misses, false warnings, alerts per 10 minutes**: as defined in
  :mod:`controlroom.metrics` (the same functions evaluate and backtest use):
  a SKU's warning and critical alert periods merge into *warning spans*; the
  lead time of a sell-out at T is T minus the start of the span covering T (a
  span started at or before T and not ended before it); no covering span is a
  **miss**.  A **false warning** is a span whose SKU did not sell out within
  twice its tier's forecast window of the span's start.  Every sell-out is
  judged (a SKU restocked and sold out again counts twice); false warnings are
  judged against each SKU's first sell-out.  One difference for a live
  session, where commands change what happens: a span that metrics calls
  false but during which a freeze, restock, exposure or delist command for
  its SKU succeeded is counted as **acted on**, not false (the command may be
  why the SKU did not sell out).
* **Oversold units**: units of ``cancel`` events with ``reason`` ``oversold``.
* **Estimated lost sales** while a SKU is sold out or frozen (an *unavailable
  period* [a, b]), valued at the SKU's list price: the first
  :data:`SURGE_HOLD_S` (5 min) at ``rate`` = the ``rate_per_min`` of the SKU's
  last sample before ``a`` (the engine's rate just before; without samples,
  the units ordered in the :data:`OBSERVED_WINDOW_S` before ``a`` divided by
  that window), the rest of the period at the SKU's average order rate over
  the time it was on sale this session (units ordered / minutes not
  unavailable).  Demand right after is like demand just before, and over a
  long period falls back to the SKU's usual level.  Checked against the demo
  shop's books (buyers actually turned away) on four 2-hour runs
  (evening-show and flash-sale, seeds 3 and 5): the session total came out
  at -4%, -32%, +32% and -37%; holding the rate before for the whole period
  came out at up to 4.5 times the truth.  Per SKU it is rougher.  Buyers who
  switched to another SKU are not netted out.
"""
from __future__ import annotations

import bisect
import math
import statistics
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from controlroom.feed.mirror import StockMirror
from controlroom.protocol import Reject

MIN_SELLOUT_S = 1.0
OBSERVED_WINDOW_S = 300.0
SURGE_HOLD_S = 300.0
ALERT_BUCKET_S = 600.0
PREVENTIVE_OPS = ("freeze", "restock", "exposure", "delist")
WARNING_LEVELS = ("warning", "critical")
LEVEL_RANK = {"ok": 0, "watch": 1, "warning": 2, "critical": 3}
LIVE_STATES = ("connected", "live", "ok")


@dataclass
class SellOut:
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
class Action:
    ts: float | None
    sku: str | None
    op: str | None
    qty: int | None
    origin: str | None
    operator: str | None
    command_id: str | None
    sent_at: float | None
    acked_at: float | None
    ok: bool | None
    error: str | None

    @property
    def latency_ms(self) -> float | None:
        if self.sent_at is None or self.acked_at is None:
            return None
        return (self.acked_at - self.sent_at) * 1000.0


@dataclass
class FeedIncident:
    ts: float
    state: str
    detail: str
    duration_s: float | None


@dataclass
class SkuSummary:
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


# ------------------------------------------------------------------------------------ stock

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
        series[k] = [(clamp(t), a) for t, a in series[k]]

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


# ------------------------------------------------------------------------------------ alerts

@dataclass
class WarningSpan:
    """One SKU's merged warning-or-critical period (``controlroom.metrics.warning_spans``)."""

    sku: str | None
    start: float
    end: float | None
    level: str  # highest level inside the span
    keys: list[str] = field(default_factory=list)
    acked_ts: float | None = None
    acked_by: str | None = None
    outcome: str = ""  # "sold out" | "false" | "acted" | "after sell-out" | "open"
    sellout_ts: float | None = None  # the sell-out it warned of
    actions: list[str] = field(default_factory=list)  # commands sent for the SKU during the span


@dataclass
class AlertFacts:
    spans: list[WarningSpan]
    sellouts: list[SellOut]  # copies with lead time filled in
    fired: list[tuple[float, str, str | None]]  # (first firing ts, level, sku) of every alert instance
    misses: int
    false_warnings: int
    lead_times: list[float]
    per_10min: float  # alert instances fired per 10 minutes of show (one operator)

    @property
    def median_lead_s(self) -> float | None:
        return statistics.median(self.lead_times) if self.lead_times else None


def _get(t: Any, name: str) -> Any:
    return t.get(name) if isinstance(t, dict) else getattr(t, name)


def _normalise(transitions: Iterable[Any]) -> list[Any]:
    """Transitions in log order, with a key for v0 rows that had none."""
    out = []
    for t in transitions:
        if _get(t, "key") is None:
            d = dict(t) if isinstance(t, dict) else t.as_row()
            d["key"] = f"{d.get('sku')}:{d.get('level')}"
            t = d
        out.append(t)
    return out


def alert_facts(transitions: Iterable[Any], sellouts: list[SellOut], actions: list[Action],
                windows_min: Callable[[str], float], duration_s: float) -> AlertFacts:
    """Judge alert transitions against the sell-outs with the definitions of ``controlroom.metrics``.

    Every sell-out (a SKU can sell out, be restocked and sell out again) is judged
    with :func:`controlroom.metrics.lead_times`; false warnings are
    :func:`controlroom.metrics.false_warnings` against each SKU's first sell-out.
    """
    from controlroom import metrics

    trs = _normalise(transitions)
    judged: list[SellOut] = []
    for so in sellouts:
        so = SellOut(so.sku, so.ts, so.ended_ts, so.duration_s)
        lead = metrics.lead_times(trs, {so.sku: so.ts})[so.sku]
        if lead is not None:
            so.lead_s, so.warned_ts = lead, so.ts - lead
        judged.append(so)
    first_so: dict[str, float] = {}
    for so in judged:
        first_so.setdefault(so.sku, so.ts)
    false = set(metrics.false_warnings(trs, first_so, windows_min))
    periods = metrics.alert_periods(trs, metrics.WARN_LEVELS)
    acks: dict[str, tuple[float, Any]] = {}
    for t in trs:
        if _get(t, "state") == "acked" and _get(t, "key") not in acks:
            acks[_get(t, "key")] = (_get(t, "ts"), _get(t, "by"))
    acts: dict[str | None, list[Action]] = {}
    for a in actions:
        acts.setdefault(a.sku, []).append(a)
    spans: list[WarningSpan] = []
    for sku, sps in metrics.warning_spans(trs).items():
        for s, e in sps:
            end = math.inf if e is None else e
            inside = [p for p in periods if p[0] == sku and s <= p[3] <= end]
            level = max((p[1] for p in inside), key=lambda lv: LEVEL_RANK.get(lv, 0), default="warning")
            sp = WarningSpan(sku, s, e, level, [p[2] for p in inside])
            ak = sorted((acks[k] for k in sp.keys if k in acks), key=lambda x: x[0])
            if ak:
                sp.acked_ts, sp.acked_by = ak[0]
            sp.actions = [f"{a.op} ({a.origin or '?'})" for a in acts.get(sku, [])
                          if a.ts is not None and s <= a.ts <= end]
            horizon = 2.0 * windows_min(sku) * 60.0 if sku is not None else 0.0
            nxt = [so.ts for so in judged if so.sku == sku and s <= so.ts]
            prevented = any(a.ok and a.op in PREVENTIVE_OPS and a.ts is not None and s <= a.ts <= end
                            for a in acts.get(sku, []))
            if (sku, s) in false and prevented:
                sp.outcome = "acted"
            elif (sku, s) in false:
                sp.outcome = "false"
            elif nxt and nxt[0] <= s + horizon:
                sp.outcome, sp.sellout_ts = "sold out", nxt[0]
            elif sku in first_so and first_so[sku] < s:
                sp.outcome = "after sell-out"
            else:
                sp.outcome = "open"
            spans.append(sp)
    spans.sort(key=lambda x: (x.start, str(x.sku)))
    fired = [(f, lvl, sku) for sku, lvl, _k, f in metrics.fired_alerts(trs)]
    leads = [so.lead_s for so in judged if so.lead_s is not None]
    return AlertFacts(spans=spans, sellouts=judged, fired=fired,
                      misses=sum(1 for so in judged if so.lead_s is None),
                      false_warnings=sum(1 for sp in spans if sp.outcome == "false"),
                      lead_times=leads,
                      per_10min=metrics.alerts_per_operator_per_10min(len(fired), duration_s, 1))


def alerts_per_bucket(fired: list[tuple[float, str, str | None]], t0: float | None, t1: float | None,
                      bucket_s: float = ALERT_BUCKET_S) -> list[tuple[float, dict[str, int]]]:
    """Alert instances that started firing, per ``bucket_s`` from ``t0``, by level."""
    if t0 is None or t1 is None:
        return []
    n = max(1, int(math.ceil((t1 - t0) / bucket_s)) if t1 > t0 else 1)
    out = [(t0 + i * bucket_s, {}) for i in range(n)]
    for ts, level, _ in fired:
        i = min(n - 1, max(0, int((ts - t0) // bucket_s)))
        d = out[i][1]
        d[level] = d.get(level, 0) + 1
    return out


# ------------------------------------------------------------------------------------ others

def actions_from_rows(rows: list[dict]) -> list[Action]:
    """Actions, one per command id (the last row logged for it), in time order."""
    last: dict[Any, dict] = {}
    order: list[Any] = []
    for i, r in enumerate(rows):
        k = r.get("command_id") or ("row", i)
        if k not in last:
            order.append(k)
        last[k] = r
    out = []
    for k in order:
        r = last[k]
        ok = r.get("ok")
        out.append(Action(r.get("ts"), r.get("sku"), r.get("op"), r.get("qty"), r.get("origin"),
                          r.get("operator"), r.get("command_id"), r.get("sent_at"), r.get("acked_at"),
                          None if ok is None else bool(ok), r.get("error")))
    out.sort(key=lambda a: (a.ts if a.ts is not None else math.inf))
    return out


def feed_incidents(rows: list[dict], segments: list[dict]) -> list[FeedIncident]:
    """Every feed row that is not a plain 'connected/live', with how long until live again.

    ``restart`` rows take their duration from the segment's recorded gap.
    """
    out: list[FeedIncident] = []
    gaps = [g.get("gap_s") for g in segments[1:]]
    restart_no = 0
    for i, r in enumerate(rows):
        st = r["state"]
        if st in LIVE_STATES:
            continue
        if st == "restart":
            gap = gaps[restart_no] if restart_no < len(gaps) else None
            restart_no += 1
            out.append(FeedIncident(r["ts"], st, r["detail"] or "", gap))
            continue
        dur = None
        if st in ("stale", "resync", "resyncing", "connecting", "disconnected", "down", "gap"):
            for r2 in rows[i + 1:]:
                if r2["state"] in LIVE_STATES:
                    dur = r2["ts"] - r["ts"]
                    break
                if r2["state"] == "restart":
                    break
        out.append(FeedIncident(r["ts"], st, r["detail"] or "", dur))
    return out


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q / 100.0
    f = math.floor(k)
    c = min(f + 1, len(v) - 1)
    return v[f] + (v[c] - v[f]) * (k - f)


# ------------------------------------------------------------------------------------ the whole

@dataclass
class Review:
    """Everything the report shows, for one session log."""

    path: str
    room: str
    started_at: float | None
    ended_at: float | None
    app_version: str | None
    settings: dict
    segments: list[dict]
    file_version: int
    stock: StockFacts
    lost: list[Unavailable]
    alerts: AlertFacts
    actions: list[Action]
    incidents: list[FeedIncident]
    buckets: list[tuple[float, dict[str, int]]]
    rejects: dict[str, int]
    samples: dict[str, list[tuple]]
    settings_changes: list[dict]
    transitions: int
    counts: dict[str, int]

    @property
    def duration_s(self) -> float:
        s = self.stock
        return (s.t1 - s.t0) if s.t0 is not None and s.t1 is not None else 0.0

    @property
    def latencies_ms(self) -> list[float]:
        return [a.latency_ms for a in self.actions if a.latency_ms is not None]

    def totals(self) -> dict[str, Any]:
        """The headline numbers, flat (what ``summary.csv`` holds)."""
        s, al = self.stock, self.alerts
        per10 = [sum(d.values()) for _, d in self.buckets]
        lat = self.latencies_ms
        return {
            "room": self.room,
            "start_ts": s.t0,
            "end_ts": s.t1,
            "duration_s": round(self.duration_s, 3),
            "events": s.events,
            "gmv_cents": s.gmv_cents,
            "gross_gmv_cents": s.gross_gmv_cents,
            "orders": s.orders,
            "units_ordered": s.units_ordered,
            "units_sold": s.units_sold,
            "cancelled_units": s.cancelled_units,
            "oversold_units": s.oversold_units,
            "skus": len(s.skus),
            "sellouts": len(al.sellouts),
            "warned_sellouts": len(al.sellouts) - al.misses,
            "misses": al.misses,
            "median_lead_s": None if al.median_lead_s is None else round(al.median_lead_s, 3),
            "min_lead_s": None if not al.lead_times else round(min(al.lead_times), 3),
            "warning_spans": len(al.spans),
            "false_warnings": al.false_warnings,
            "alerts_fired": len(al.fired),
            "alerts_per_10min": round(al.per_10min, 3),
            "alerts_per_10min_max": max(per10) if per10 else 0,
            "actions": len(self.actions),
            "actions_ok": sum(1 for a in self.actions if a.ok),
            "actions_failed": sum(1 for a in self.actions if a.ok is False),
            "ack_latency_p50_ms": None if not lat else round(percentile(lat, 50), 3),
            "ack_latency_p95_ms": None if not lat else round(percentile(lat, 95), 3),
            "ack_latency_max_ms": None if not lat else round(max(lat), 3),
            "lost_units_est": round(sum(u.lost_units for u in self.lost), 3),
            "lost_gmv_cents_est": round(sum(u.lost_cents for u in self.lost), 1),
            "feed_incidents": len(self.incidents),
            "rejects": sum(self.rejects.values()),
            "segments": len(self.segments),
        }


def tier_windows(settings: dict, skus: list[dict]) -> Callable[[str], float]:
    """``sku -> forecast window (min)`` from the settings the session ran with.

    Unreadable or partial settings fall back to the defaults of ``controlroom.settings``.
    """
    from controlroom import settings as S

    try:
        st = S.settings_from_dict(settings) if settings else S.Settings()
    except Exception:
        st = S.Settings()
    tiers = {s["sku"]: s.get("tier") for s in skus}
    cache: dict[str, float] = {}

    def window(sku: str) -> float:
        if sku not in cache:
            cache[sku] = float(st.tier_settings(sku, tiers.get(sku)).window_min)
        return cache[sku]

    return window


def build_review(reader: Any, transitions: list | None = None) -> Review:
    """Compute every review number from an open :class:`~controlroom.log.reader.LogReader`.

    ``transitions`` replaces the logged alert transitions (backtest judges a replay this way).
    """
    sess = reader.session()
    skus = reader.skus()
    samples = reader.samples_by_sku()
    stock = stock_facts(sess["room"], skus, reader.iter_stream())
    lost = estimate_lost_sales(stock, samples)
    actions = actions_from_rows(reader.actions())
    trans = reader.alerts() if transitions is None else transitions
    al = alert_facts(trans, stock.sellouts, actions, tier_windows(sess["settings"], skus),
                     (stock.t1 - stock.t0) if stock.t0 is not None and stock.t1 is not None else 0.0)
    for so in al.sellouts:
        s = stock.skus[so.sku]
        if so.lead_s is None:
            s.misses += 1
        elif s.first_lead_s is None:
            s.first_lead_s = so.lead_s
    for sp in al.spans:
        s = stock.skus.get(sp.sku) if sp.sku is not None else None
        if s is not None:
            s.warnings += 1
            s.false_warnings += sp.outcome == "false"
    for sku, rows in samples.items():
        s = stock.skus.get(sku)
        if s is not None:
            for r in rows:
                if LEVEL_RANK.get(r[6], 0) > LEVEL_RANK.get(s.peak_level, 0):
                    s.peak_level = r[6]
    for sp in al.spans:
        s = stock.skus.get(sp.sku) if sp.sku is not None else None
        if s is not None and LEVEL_RANK.get(sp.level, 0) > LEVEL_RANK.get(s.peak_level, 0):
            s.peak_level = sp.level
    rej: dict[str, int] = {}
    for reason, n in reader.conn.execute("SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY 2 DESC"):
        rej[reason] = n
    counts = {t: reader.count(t) for t in ("events", "rejects", "feed", "alerts", "actions", "samples")}
    return Review(
        path=str(reader.path), room=sess["room"], started_at=sess["started_at"], ended_at=sess["ended_at"],
        app_version=sess["app_version"], settings=sess["settings"], segments=sess["segments"],
        file_version=sess["file_version"], stock=stock, lost=lost, alerts=al, actions=actions,
        incidents=feed_incidents(reader.feed(), sess["segments"]),
        buckets=alerts_per_bucket(al.fired, stock.t0, stock.t1), rejects=rej, samples=samples,
        settings_changes=reader.settings_changes(), transitions=len(trans), counts=counts)
