"""Alerts judged against sell-outs: warning spans, lead times, misses, false warnings.

:func:`alert_facts` takes the transitions as an argument, so backtest judges a replay's
transitions with the very rules it judges the logged ones; the definitions are those of
:mod:`controlroom.review.metrics` (see :mod:`controlroom.review.analysis`).
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from controlroom.review.actions import Action
from controlroom.review.stock import SellOut

ALERT_BUCKET_S = 600.0
PREVENTIVE_OPS = ("freeze", "restock", "exposure", "delist")
WARNING_LEVELS = ("warning", "critical")
LEVEL_RANK = {"ok": 0, "watch": 1, "warning": 2, "critical": 3}


@dataclass
class WarningSpan:
    """One SKU's merged warning-or-critical period (``controlroom.review.metrics.warning_spans``)."""

    sku: str | None
    start: float
    end: float | None
    level: str  # highest level inside the span
    keys: list[str] = field(default_factory=list)
    acked_ts: float | None = None
    acked_by: str | None = None
    outcome: str = ""  # "sold out" | "false" | "acted" | "after sell-out" | "open at end" | "open"
    sellout_ts: float | None = None  # the sell-out it warned of
    actions: list[str] = field(default_factory=list)  # commands sent for the SKU during the span


@dataclass
class AlertFacts:
    """The alert side of the review: warning spans judged against the sell-outs."""

    spans: list[WarningSpan]
    sellouts: list[SellOut]  # copies with lead time filled in
    fired: list[tuple[float, str, str | None]]  # (first firing ts, level, sku) of every alert instance
    misses: int
    false_warnings: int
    lead_times: list[float]
    per_10min: float  # alert instances fired per 10 minutes of show (one operator)
    open_at_end: int = 0  # spans whose verdict horizon ran past the end of the log, no sell-out by then

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
                windows_min: Callable[[str], float], duration_s: float,
                end_ts: float | None = None) -> AlertFacts:
    """Judge alert transitions against the sell-outs with the definitions of ``controlroom.review.metrics``.

    Every sell-out (a SKU can sell out, be restocked and sell out again) is judged
    with :func:`controlroom.review.metrics.lead_times`; false warnings are
    :func:`controlroom.review.metrics.false_warnings` against each SKU's first sell-out.
    ``end_ts`` is when the log ends: a span whose horizon runs past it with no sell-out
    by then is "open at end" (nothing follows in the log to judge it), not false.
    """
    from controlroom.review import metrics

    trs = _normalise(transitions)
    judged: list[SellOut] = []
    warned = metrics.warning_spans(trs)  # once: a long show has hundreds of sell-outs
    for so in sellouts:
        so = SellOut(so.sku, so.ts, so.ended_ts, so.duration_s)
        lead = metrics.lead_in_spans(warned, so.sku, so.ts)
        if lead is not None:
            so.lead_s, so.warned_ts = lead, so.ts - lead
        judged.append(so)
    first_so: dict[str, float] = {}
    for so in judged:
        first_so.setdefault(so.sku, so.ts)
    false = set(metrics.false_warnings(trs, first_so, windows_min, end_ts=end_ts))
    still_open = set(metrics.open_warnings(trs, first_so, windows_min, end_ts)) if end_ts is not None else set()
    periods = metrics.alert_periods(trs, metrics.WARN_LEVELS)
    acks: dict[str, tuple[float, Any]] = {}
    for t in trs:
        if _get(t, "state") == "acked" and _get(t, "key") not in acks:
            acks[_get(t, "key")] = (_get(t, "ts"), _get(t, "by"))
    acts: dict[str | None, list[Action]] = {}
    for a in actions:
        acts.setdefault(a.sku, []).append(a)
    spans: list[WarningSpan] = []
    for sku, sps in warned.items():
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
            if ((sku, s) in false or (sku, s) in still_open) and prevented:
                sp.outcome = "acted"
            elif (sku, s) in false:
                sp.outcome = "false"
            elif (sku, s) in still_open:
                sp.outcome = "open at end"
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
                      lead_times=leads, open_at_end=sum(1 for sp in spans if sp.outcome == "open at end"),
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
