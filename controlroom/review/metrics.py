"""Alert quality metrics: pure functions over alert transitions and ground-truth sell-outs.

Transitions may be :class:`~controlroom.alerts.transition.AlertTransition` objects
or plain dict rows (the session log's ``alerts`` table): only ``key``, ``ts``,
``sku``, ``level`` and ``state`` are read.  Ground truth is ``sellouts``: SKU ->
shop time its true stock first hit zero (SKUs that never sold out are absent).

Definitions (also in ``docs/engine.md``):

* **warning span**: for one SKU, the union of the firing/recovering periods of its
  ``warning`` and ``critical`` alerts, overlapping or touching periods merged (a
  warning superseded by a critical at the same second is one span).
* **lead time** of a sell-out: sell-out time minus the start of the warning span
  that covers it (started at or before the sell-out, not ended before it).  No
  covering span: a **miss**.  Medians are given over the warned sell-outs and over
  all sell-outs with a miss counting 0 s (a policy that misses the hard ones does not
  look better for it).
* **false warning**: a warning span of a SKU that did not sell out within twice its
  tier's window of the span's start (the span's *verdict horizon*).
* **open at end**: a warning span whose verdict horizon runs past the end of what is
  known (``end_ts``: the end of the show, or of the demo shop's run past it) while its
  SKU had not sold out by then: neither proved right nor wrong, so not false.
* **alarms per operator per 10 min** (the EEMUA 191 rate): an *alarm* is an
  annunciation that requires operator action.  Per SKU, the overlapping or touching
  firing periods of its ``warning``, ``critical`` and ``lost_sales`` alerts are one
  alarm (the desk shows one row whose level escalates: warning -> critical -> losing
  sales in one episode is one alarm); the room's ``feed`` alert is one alarm per
  episode.  ``watch`` is advisory (panel only, no sound, no action needed) and is not
  an alarm: it is counted apart as **advisories**.
* **raw alert instances per 10 min**: alert instances that reached ``firing`` (any
  level, each key counted once), per 10 minutes of show, per operator: nothing merged,
  nothing left out.
* **incidents**: per SKU, overlapping alert periods of any level merged; an
  escalation watch -> warning -> critical -> losing sales is one incident.
"""
from __future__ import annotations

import statistics
from typing import Any, Callable, Iterable, Mapping

__all__ = [
    "WARN_LEVELS", "alert_periods", "spans", "warning_spans", "lead_times", "lead_in_spans", "median_lead_s", "median_lead_all_s", "misses",
    "false_warnings", "open_warnings", "false_warnings_per_sku_hour", "fired_alerts", "alerts_per_operator_per_10min",
    "incidents", "incidents_per_operator_per_10min", "ALARM_LEVELS", "ADVISORY_LEVELS", "alarms", "advisories",
    "summarize",
]

WARN_LEVELS = ("warning", "critical")
ALARM_LEVELS = ("warning", "critical", "lost_sales", "feed")  # need operator action
ADVISORY_LEVELS = ("watch",)  # panel only: look, no action needed
_ON = ("firing", "recovering")


def _g(t: Any, name: str) -> Any:
    # dict first: an isinstance() against typing's Mapping costs ~8 us, and a 4-hour log's
    # review reads a few hundred thousand transition fields.
    if type(t) is dict or isinstance(t, Mapping):
        return t[name]
    return getattr(t, name)


def alert_periods(transitions: Iterable, levels: Iterable[str] | None = None) -> list[tuple[str | None, str, str, float, float | None]]:
    """``(sku, level, key, fired_ts, ended_ts|None)`` for every alert that fired, in firing order.

    The period runs from the first ``firing`` to ``resolved`` (None: still active
    at the end of the transitions).
    """
    lv = None if levels is None else set(levels)
    start: dict[str, float] = {}
    meta: dict[str, tuple] = {}
    end: dict[str, float] = {}
    order: list[str] = []
    for t in transitions:
        level = _g(t, "level")
        if lv is not None and level not in lv:
            continue
        key = _g(t, "key")
        state = _g(t, "state")
        if state in _ON and key not in start:
            start[key] = float(_g(t, "ts"))
            meta[key] = (_g(t, "sku"), level)
            order.append(key)
        elif state == "resolved" and key in start and key not in end:
            end[key] = float(_g(t, "ts"))
    return [(meta[k][0], meta[k][1], k, start[k], end.get(k)) for k in order]


def spans(transitions: Iterable, levels: Iterable[str] | None = None,
          merge_gap_s: float = 0.0) -> dict[str | None, list[list]]:
    """Per SKU, merged ``[start, end|None]`` periods of the given levels' alerts."""
    per: dict[str | None, list[tuple[float, float | None]]] = {}
    for sku, _lvl, _k, s, e in alert_periods(transitions, levels):
        per.setdefault(sku, []).append((s, e))
    out: dict[str | None, list[list]] = {}
    for sku, ps in per.items():
        ps.sort(key=lambda p: p[0])
        merged: list[list] = []
        for s, e in ps:
            if merged:
                last = merged[-1]
                if last[1] is None or s <= last[1] + merge_gap_s:
                    if last[1] is not None and (e is None or e > last[1]):
                        last[1] = e
                    continue
            merged.append([s, e])
        out[sku] = merged
    return out


def warning_spans(transitions: Iterable, merge_gap_s: float = 0.0) -> dict[str | None, list[list]]:
    """Per SKU, merged warning-or-critical spans."""
    return spans(transitions, WARN_LEVELS, merge_gap_s)


def lead_times(transitions: Iterable, sellouts: Mapping[str, float],
               merge_gap_s: float = 0.0) -> dict[str, float | None]:
    """Per sold-out SKU: seconds of warning before the sell-out (None: no warning covered it)."""
    sp = warning_spans(transitions, merge_gap_s)
    return {sku: lead_in_spans(sp, sku, so) for sku, so in sellouts.items()}


def lead_in_spans(spans_by_sku: Mapping[str | None, list[list]], sku: str, sellout_ts: float) -> float | None:
    """Seconds of warning before ``sku`` sold out at ``sellout_ts``, from :func:`warning_spans`' result (None: none)."""
    for s, e in spans_by_sku.get(sku, ()):
        if s <= sellout_ts and (e is None or e >= sellout_ts):
            return sellout_ts - s
    return None


def median_lead_s(leads: Mapping[str, float | None]) -> float | None:
    """Median lead time over the warned sell-outs (None if none was warned)."""
    vals = [v for v in leads.values() if v is not None]
    return statistics.median(vals) if vals else None


def median_lead_all_s(leads: Mapping[str, float | None]) -> float | None:
    """Median lead time over every sell-out, a missed one counting 0 s (None if no sell-out)."""
    vals = [0.0 if v is None else v for v in leads.values()]
    return statistics.median(vals) if vals else None


def misses(leads: Mapping[str, float | None]) -> list[str]:
    """Sell-outs no warning covered."""
    return sorted(k for k, v in leads.items() if v is None)


def _window_of(windows: Mapping[str, float] | Callable[[str], float] | float, sku: str) -> float:
    if callable(windows):
        return float(windows(sku))
    if isinstance(windows, Mapping):
        return float(windows[sku])
    return float(windows)


def _verdicts(transitions: Iterable, sellouts: Mapping[str, float],
              windows_min: Mapping[str, float] | Callable[[str], float] | float,
              merge_gap_s: float, end_ts: float | None) -> Iterable[tuple[str, float, str]]:
    """``(sku, span_start, verdict)`` per warning span: ``right``, ``false`` or ``open``."""
    for sku, sps in warning_spans(transitions, merge_gap_s).items():
        if sku is None:
            continue
        horizon = 2.0 * _window_of(windows_min, sku) * 60.0
        so = sellouts.get(sku)
        for s, _e in sps:
            if so is not None and so <= s + horizon:
                yield sku, s, "right"
            elif end_ts is not None and s + horizon > end_ts:
                yield sku, s, "open"  # the horizon had not passed when the record ends
            else:
                yield sku, s, "false"


def false_warnings(transitions: Iterable, sellouts: Mapping[str, float],
                   windows_min: Mapping[str, float] | Callable[[str], float] | float,
                   merge_gap_s: float = 0.0, end_ts: float | None = None) -> list[tuple[str, float]]:
    """``(sku, span_start)`` of warning spans whose SKU did not sell out within 2 x its window.

    With ``end_ts`` (when the record ends), a span whose horizon runs past it without a
    sell-out is open at end (:func:`open_warnings`), not false.
    """
    out = [(sku, s) for sku, s, v in _verdicts(transitions, sellouts, windows_min, merge_gap_s, end_ts)
           if v == "false"]
    return sorted(out, key=lambda x: x[1])


def open_warnings(transitions: Iterable, sellouts: Mapping[str, float],
                  windows_min: Mapping[str, float] | Callable[[str], float] | float,
                  end_ts: float, merge_gap_s: float = 0.0) -> list[tuple[str, float]]:
    """``(sku, span_start)`` of warning spans still open at ``end_ts``: no sell-out yet, horizon not passed."""
    out = [(sku, s) for sku, s, v in _verdicts(transitions, sellouts, windows_min, merge_gap_s, end_ts)
           if v == "open"]
    return sorted(out, key=lambda x: x[1])


def false_warnings_per_sku_hour(n_false: int, n_skus: int, duration_s: float) -> float:
    """False warnings per SKU-hour of show."""
    hours = n_skus * duration_s / 3600.0
    return n_false / hours if hours > 0 else 0.0


def fired_alerts(transitions: Iterable, levels: Iterable[str] | None = None) -> list[tuple[str | None, str, str, float]]:
    """``(sku, level, key, fired_ts)`` of every alert instance that reached firing."""
    return [(s, lvl, k, f) for s, lvl, k, f, _e in alert_periods(transitions, levels)]


def alerts_per_operator_per_10min(n_alerts: int, duration_s: float, operators: int = 1) -> float:
    """The EEMUA 191 rate: alerts per operator per 10 minutes."""
    if duration_s <= 0 or operators <= 0:
        return 0.0
    return n_alerts / (duration_s / 600.0) / operators


def incidents(transitions: Iterable, levels: Iterable[str] | None = None,
              merge_gap_s: float = 0.0) -> list[tuple[str | None, float]]:
    """``(sku, start)`` of per-SKU incidents: overlapping alert periods of any level merged."""
    out = [(sku, s) for sku, sps in spans(transitions, levels, merge_gap_s).items() for s, _e in sps]
    return sorted(out, key=lambda x: (x[1], str(x[0])))


def incidents_per_operator_per_10min(n_incidents: int, duration_s: float, operators: int = 1) -> float:
    return alerts_per_operator_per_10min(n_incidents, duration_s, operators)


def alarms(transitions: Iterable, merge_gap_s: float = 0.0) -> list[tuple[str | None, float]]:
    """``(sku, start)`` of every alarm: per SKU, the overlapping or touching firing periods of its
    warning, critical and losing-sales alerts merged (one escalating episode is one alarm); the
    room's feed alert (sku None) likewise.  Watch is advisory and never part of an alarm."""
    return incidents(transitions, ALARM_LEVELS, merge_gap_s)


def advisories(transitions: Iterable) -> list[tuple[str | None, str, str, float]]:
    """Watch alert instances that fired (advisory: panel only, no sound, no action needed)."""
    return fired_alerts(transitions, ADVISORY_LEVELS)


def summarize(transitions: Iterable, sellouts: Mapping[str, float],
              windows_min: Mapping[str, float] | Callable[[str], float] | float,
              n_skus: int, duration_s: float, operators: int = 1, merge_gap_s: float = 0.0,
              end_ts: float | None = None, verdict_sellouts: Mapping[str, float] | None = None,
              show_end_ts: float | None = None) -> dict:
    """All the metrics at once, as a JSON-able dict.

    ``sellouts`` are the show's (lead times, misses).  False warnings are judged on
    ``verdict_sellouts`` (default: ``sellouts``), which may include sell-outs after the show
    when the shop was run past its end; spans still undecided at ``end_ts`` are open at end.
    With ``show_end_ts``, ``judged_after_end`` counts the spans that were open when the show
    ended and were decided by what followed.
    """
    trs = list(transitions)
    leads = lead_times(trs, sellouts, merge_gap_s)
    verdict = sellouts if verdict_sellouts is None else verdict_sellouts
    fw = false_warnings(trs, verdict, windows_min, merge_gap_s, end_ts)
    ow = open_warnings(trs, verdict, windows_min, end_ts, merge_gap_s) if end_ts is not None else []
    at_show_end = (open_warnings(trs, sellouts, windows_min, show_end_ts, merge_gap_s)
                   if show_end_ts is not None else [])
    fired = fired_alerts(trs)
    by_level: dict[str, int] = {}
    for _s, lvl, _k, _f in fired:
        by_level[lvl] = by_level.get(lvl, 0) + 1
    inc = incidents(trs)
    alm = alarms(trs, merge_gap_s)
    adv = advisories(trs)
    med = median_lead_s(leads)
    return {
        "sellouts": len(sellouts),
        "warned": sum(1 for v in leads.values() if v is not None),
        "misses": len(misses(leads)),
        "missed_skus": misses(leads),
        "median_lead_s": None if med is None else round(med, 1),
        "median_lead_all_s": None if not leads else round(median_lead_all_s(leads), 1),
        "lead_s": {k: (None if v is None else round(v, 1)) for k, v in sorted(leads.items())},
        "false_warnings": len(fw),
        "false_warnings_per_sku_hour": round(false_warnings_per_sku_hour(len(fw), n_skus, duration_s), 4),
        "open_at_end": len(ow),
        "judged_after_end": max(0, len(at_show_end) - len(ow)),
        "alerts": len(fired),
        "alerts_by_level": by_level,
        "alerts_per_operator_per_10min": round(alerts_per_operator_per_10min(len(fired), duration_s, operators), 3),
        "alarms": len(alm),
        "alarms_per_operator_per_10min": round(alerts_per_operator_per_10min(len(alm), duration_s, operators), 3),
        "advisories": len(adv),
        "advisories_per_operator_per_10min": round(alerts_per_operator_per_10min(len(adv), duration_s, operators), 3),
        "incidents": len(inc),
        "incidents_per_operator_per_10min": round(alerts_per_operator_per_10min(len(inc), duration_s, operators), 3),
        "duration_s": duration_s,
        "skus": n_skus,
        "operators": operators,
    }
