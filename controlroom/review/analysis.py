"""The numbers a manager asks for after a show, computed from a session log.

Everything is derived from the log alone (no engine needed), in two parts:

* :func:`stock_facts` (:mod:`controlroom.review.stock`) replays the logged events (and
  snapshot resets) through the same :class:`~controlroom.feed.mirror.StockMirror` the live desk uses, so
  stock, sell-outs, frozen periods, GMV, units, orders and oversold units are
  exact, not sampled.
* :func:`alert_facts` (:mod:`controlroom.review.alerts`) judges alert transitions against
  those sell-outs: lead time, misses, false warnings.  It takes the transitions as an argument, so
  backtest can judge a replay's transitions with the very same rules.

Actions and feed incidents come from :mod:`controlroom.review.actions` and
:mod:`controlroom.review.incidents`; this module puts it all together (:func:`build_review`)
and re-exports every name of those modules, so ``controlroom.review.analysis`` stays the
one place to import the review's rules from.

The definitions (also in ``docs/session-log.md``, section *Review numbers*):

* **Sell-out**: a SKU's available stock goes from > 0 to <= 0.  It lasts until
  stock is > 0 again (or the session ends).  A dip undone within
  :data:`MIN_SELLOUT_S` (an oversold order cancelled at once) is not a sell-out.
* **Lead time, misses, false warnings, alerts per 10 minutes**: as defined in
  :mod:`controlroom.review.metrics` (the same functions evaluate and backtest use):
  a SKU's warning and critical alert periods merge into *warning spans*; the
  lead time of a sell-out at T is T minus the start of the span covering T (a
  span started at or before T and not ended before it); no covering span is a
  **miss**.  A **false warning** is a span whose SKU did not sell out within
  twice its tier's forecast window of the span's start.  Every sell-out is
  judged (a SKU restocked and sold out again counts twice); false warnings are
  judged against each SKU's first sell-out.  A span whose horizon runs past
  the end of the log while its SKU had not sold out is **open at end**: nothing
  in the log proves it right or wrong, so it is counted on its own, not as
  false (``controlroom evaluate`` runs the demo shop on past the end instead).
  One difference for a live
  session, where commands change what happens: a span that metrics calls
  false but during which a freeze, restock, exposure or delist command for
  its SKU succeeded is counted as **acted on**, not false (the command may be
  why the SKU did not sell out).
* **Stock drift**: a logged ``drift`` feed row, except one that a logged restock
  of ours explains (same SKU, up by exactly its quantity, after it was sent): that is
  the command landing, an action, not drift (:mod:`controlroom.review.incidents`).
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

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from controlroom.review.actions import Action, actions_from_rows
from controlroom.review.alerts import (ALERT_BUCKET_S, LEVEL_RANK, PREVENTIVE_OPS, WARNING_LEVELS, AlertFacts,
                                       WarningSpan, alert_facts, alerts_per_bucket)
from controlroom.review.episodes import shown_episodes
from controlroom.review.incidents import LIVE_STATES, FeedIncident, feed_incidents
from controlroom.review.metrics import alerts_per_operator_per_10min
from controlroom.review.stock import (MIN_SELLOUT_S, OBSERVED_WINDOW_S, SURGE_HOLD_S, SellOut, SkuSummary, StockFacts,
                                      Unavailable, estimate_lost_sales, stock_facts)

__all__ = [
    "MIN_SELLOUT_S", "OBSERVED_WINDOW_S", "SURGE_HOLD_S", "ALERT_BUCKET_S", "PREVENTIVE_OPS", "WARNING_LEVELS",
    "LEVEL_RANK", "LIVE_STATES", "SellOut", "Unavailable", "SkuSummary", "StockFacts", "stock_facts",
    "estimate_lost_sales", "WarningSpan", "AlertFacts", "alert_facts", "alerts_per_bucket", "Action",
    "actions_from_rows", "FeedIncident", "feed_incidents", "percentile", "Review", "tier_windows", "build_review",
]


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q / 100.0
    f = math.floor(k)
    c = min(f + 1, len(v) - 1)
    return v[f] + (v[c] - v[f]) * (k - f)


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
    episode_starts: list[float] = field(default_factory=list)  # when each episode the desk showed began

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
            "open_at_end": al.open_at_end,
            "alerts_fired": len(al.fired),
            "alerts_per_10min": round(al.per_10min, 3),
            "alerts_per_10min_max": max(per10) if per10 else 0,
            "episodes": len(self.episode_starts),
            "episodes_per_10min": round(alerts_per_operator_per_10min(len(self.episode_starts), self.duration_s, 1), 3),
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


def _settings(settings: dict):
    """The settings the session ran with; unreadable or partial ones fall back to the defaults."""
    from controlroom import settings as S

    try:
        return S.settings_from_dict(settings) if settings else S.Settings()
    except Exception:
        return S.Settings()


def episode_starts(transitions: list, settings: dict, end_ts: float | None) -> list[float]:
    """When each episode the operator was shown began (:mod:`controlroom.review.episodes`)."""
    book = shown_episodes(transitions, _settings(settings).engine, end_ts)
    seen: dict[str, float] = {}
    for ts, eid, _rank in book.level_log:
        seen.setdefault(eid, ts)
    return sorted(seen.values())


def tier_windows(settings: dict, skus: list[dict]) -> Callable[[str], float]:
    """``sku -> forecast window (min)`` from the settings the session ran with.

    Unreadable or partial settings fall back to the defaults of ``controlroom.settings``.
    """
    st = _settings(settings)
    tiers = {s["sku"]: s.get("tier") for s in skus}
    cache: dict[str, float] = {}

    def window(sku: str) -> float:
        if sku not in cache:
            cache[sku] = float(st.tier_settings(sku, tiers.get(sku)).window_min)
        return cache[sku]

    return window


def build_review(reader: Any, transitions: list | None = None, *, stock: StockFacts | None = None,
                 samples: dict[str, list[tuple]] | None = None, counts: dict[str, int] | None = None) -> Review:
    """Compute every review number from an open :class:`~controlroom.log.reader.LogReader`.

    ``transitions`` replaces the logged alert transitions (backtest judges a replay this way).
    ``stock``, ``samples`` and ``counts``, when given, are used instead of replaying the events,
    reading every sample and counting rows (the review window passes them from the per-minute
    summary, :mod:`controlroom.review.overview`).
    """
    sess = reader.session()
    skus = reader.skus()
    if samples is None:
        samples = reader.samples_by_sku()
    if stock is None:
        stock = stock_facts(sess["room"], skus, reader.iter_stream())
    lost = estimate_lost_sales(stock, samples)
    actions = actions_from_rows(reader.actions())
    trans = reader.alerts() if transitions is None else transitions
    al = alert_facts(trans, stock.sellouts, actions, tier_windows(sess["settings"], skus),
                     (stock.t1 - stock.t0) if stock.t0 is not None and stock.t1 is not None else 0.0,
                     end_ts=stock.t1)
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
    if counts is None:
        counts = {t: reader.count(t) for t in ("events", "rejects", "feed", "alerts", "actions", "samples")}
    return Review(
        path=str(reader.path), room=sess["room"], started_at=sess["started_at"], ended_at=sess["ended_at"],
        app_version=sess["app_version"], settings=sess["settings"], segments=sess["segments"],
        file_version=sess["file_version"], stock=stock, lost=lost, alerts=al, actions=actions,
        incidents=feed_incidents(reader.feed(), sess["segments"], actions),
        buckets=alerts_per_bucket(al.fired, stock.t0, stock.t1), rejects=rej, samples=samples,
        settings_changes=reader.settings_changes(), transitions=len(trans), counts=counts,
        episode_starts=episode_starts(trans, sess["settings"], stock.t1))
