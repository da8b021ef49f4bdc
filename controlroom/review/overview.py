"""The review window's data: a log's overview from its per-minute summary, and its state at any moment.

:func:`open_overview` opens a log read-only (:mod:`controlroom.review.logfile`), takes its
summary rows (:mod:`controlroom.log.summary`) from the file itself (a schema-3 log kept by the
writer) or from the cache (:mod:`controlroom.review.cache`, built once with progress for an
older log), and computes the same :class:`~controlroom.review.analysis.Review` that
``controlroom review`` computes, without reading the events:

* the stock facts come from :func:`~controlroom.review.stock.stock_facts` run over a short
  stream made from the summary: a ``stock`` event at each logged change of a SKU's sold-out
  or frozen flag (exact shop time) and the snapshot resets, so sell-outs, frozen and
  unavailable periods follow the review's own rules; counts, units and GMV are the tracker's
  (the same mirror's) cumulative figures;
* the estimate of lost sales reads only the last sample before each unavailable period.

:class:`~controlroom.review.scrub.Scrubber` (re-exported here) gives every SKU's state at a shop
time, from the log's scrub checkpoints (schema 4) or the cache's (``Overview.checks``), or else
from the minute rows.
"""
from __future__ import annotations

import math
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import orjson

from controlroom.log.checkpoints import has_checkpoints
from controlroom.log.summary import summary_complete
from controlroom.review import cache as cache_mod
from controlroom.review.analysis import LEVEL_RANK, Review, build_review
from controlroom.review.logfile import ReviewOpenError, is_live, open_for_review
from controlroom.review.scrub import Scrubber, SkuState, ensure_checkpoints
from controlroom.review.stock import StockFacts, stock_facts

__all__ = ["Overview", "open_overview", "facts_from_summary", "Scrubber", "SkuState", "ensure_checkpoints"]

Progress = Callable[[int, int], bool]


@dataclass
class Overview:
    """One opened log: the review numbers and the summary rows the window draws."""

    path: str
    review: Review
    source: str  # "log" (its own summary rows) or "cache"
    live: bool
    room_minutes: list[tuple]  # (minute, orders, units_ordered, gross_cents, events, viewers, viewers_max, featured, last_id, last_ts)
    sku_minutes: dict[str, list[tuple]]  # sku -> [(minute, available, sold, units_ordered, frozen, last_ts)]
    reader: object = None
    summary: sqlite3.Connection | None = None
    key: str = ""
    through_id: int = 0
    # where the scrub checkpoints are: the log (schema 4), the cache, or None until ensure_checkpoints
    checks: sqlite3.Connection | None = None

    @property
    def t0(self) -> float | None:
        return self.review.stock.t0

    @property
    def t1(self) -> float | None:
        return self.review.stock.t1

    def close(self) -> None:
        for c in {id(c): c for c in (self.checks, self.summary, getattr(self.reader, "conn", None))}.values():
            try:
                if c is not None:
                    c.close()
            except sqlite3.Error:
                pass


def _summary_rows(sconn: sqlite3.Connection):
    meta = sconn.execute("SELECT through_id, t0, t1, events, duplicates, unknown, topics FROM sum_meta").fetchone()
    marks = sconn.execute("SELECT event_id, ts, sku, available, frozen, kind, snapshot_id FROM sum_marks "
                          "ORDER BY id").fetchall()
    room = sconn.execute("SELECT minute, orders, units_ordered, gross_cents, events, viewers, viewers_max, featured,"
                         " last_id, last_ts, sold, gmv_cents, cancelled_units, oversold_units FROM sum_minute"
                         " WHERE sku = '' ORDER BY minute").fetchall()
    sku = sconn.execute("SELECT sku, minute, available, sold, units_ordered, frozen, last_ts, orders, gmv_cents,"
                        " cancelled_units, oversold_units FROM sum_minute WHERE sku != '' ORDER BY sku, minute"
                        ).fetchall()
    return meta, marks, room, sku


def facts_from_summary(sconn: sqlite3.Connection, room: str, skus: list[dict],
                       snapshot_raw: Callable[[int], dict]) -> tuple[StockFacts, list, dict]:
    """The :class:`StockFacts` of the log the summary was built from (see module doc).

    Returns (facts, room minute rows, {sku: minute rows}).
    """
    meta, marks, room_rows, sku_rows = _summary_rows(sconn)
    through, t0, t1, n_events, dup, unknown, topics = meta

    def stream():
        started = False
        for event_id, ts, sku, avail, frozen, kind, snap_id in marks:
            if kind == "reset_stock":
                continue  # the snapshot itself sets these
            if kind == "reset":
                if ts is not None:  # stock_facts places a reset at the last event time seen
                    yield "events", [{"topic": "hb", "ts": ts}]
                    started = True
                yield "snapshot", snapshot_raw(snap_id)
                continue
            if not started and t0 is not None:
                yield "events", [{"topic": "hb", "ts": t0}]
                started = True
            yield "events", [{"topic": "stock", "ts": ts, "sku": sku, "available": avail, "frozen": bool(frozen)}]
        if t0 is not None and not started:
            yield "events", [{"topic": "hb", "ts": t0}]
        if t1 is not None:
            yield "events", [{"topic": "hb", "ts": t1}]

    facts = stock_facts(room, skus, stream())
    # Counts are the tracker's, from the same mirror: override what the short stream counted.
    by_sku: dict[str, list[tuple]] = {}
    for r in sku_rows:
        by_sku.setdefault(r[0], []).append(r[1:])
    for sku, rows in by_sku.items():
        s = facts.skus.get(sku)
        if s is None:
            continue
        _m, avail, sold, units, _fz, _ts, orders, gmv, canc, over = rows[-1]
        s.final_available, s.units_sold, s.units_ordered, s.orders = avail, sold, units, orders
        s.gmv_cents, s.cancelled_units, s.oversold_units = gmv, canc, over
        # burn-down: the exact flag changes plus each minute's closing stock
        pts = sorted(set(facts.series.get(sku, [])) | {(r[5], r[1]) for r in rows if r[5] is not None})
        facts.series[sku] = pts
        times, cum = [], []
        for r in rows:
            times.append(r[5])
            cum.append(r[3])
        facts.order_log[sku] = (times, cum)
    facts.events, facts.duplicates, facts.unknown_sku = n_events or 0, dup or 0, unknown or 0
    facts.topics = orjson.loads(topics) if topics else {}
    facts.t0, facts.t1 = t0, t1
    facts.minute_units, facts.minute_gmv, facts.viewers = {}, {}, []
    prev_u = prev_g = 0
    for m, orders, units, gross, _ev, viewers, _vmax, _f, _lid, lts, *_ in room_rows:
        if units - prev_u:
            facts.minute_units[m] = units - prev_u
        if gross - prev_g:
            facts.minute_gmv[m] = gross - prev_g
        prev_u, prev_g = units, gross
        if viewers is not None:
            facts.viewers.append((lts, viewers))
    if room_rows:
        last = room_rows[-1]
        facts.orders, facts.units_ordered, facts.gross_gmv_cents = last[1], last[2], last[3]
        facts.units_sold, facts.gmv_cents, facts.cancelled_units, facts.oversold_units = last[10:14]
    else:
        facts.orders = facts.units_ordered = facts.gross_gmv_cents = 0
        facts.units_sold = facts.gmv_cents = facts.cancelled_units = facts.oversold_units = 0
    return facts, room_rows, by_sku


def _samples_before(conn: sqlite3.Connection, facts: StockFacts) -> dict[str, list[tuple]]:
    """For each unavailable period, the SKU's last sample before it (all the lost-sales estimate reads)."""
    out: dict[str, set] = {}
    for sku, a, _b, _so, _fz in facts.unavailable_spans:
        r = conn.execute("SELECT ts, sku, available, sold, rate_per_min, predicted_sellout_s, level FROM samples"
                         " WHERE sku = ? AND ts < ? ORDER BY ts DESC LIMIT 1", (sku, a)).fetchone()
        if r is not None:
            out.setdefault(sku, set()).add(tuple(r))
    return {k: sorted(v) for k, v in out.items()}


def open_overview(path: str | os.PathLike, progress: Progress | None = None) -> Overview:
    """Open a log for the window (read-only); ``progress(done, total)`` while a cache is built.

    Raises :class:`~controlroom.review.logfile.ReviewOpenError` (one-line message) for a file
    the review cannot read, and :class:`~controlroom.review.cache.Cancelled` when ``progress``
    returned False.
    """
    reader = open_for_review(path)
    try:
        return _overview(reader, Path(path), progress)
    except (ReviewOpenError, cache_mod.Cancelled):
        reader.close()
        raise
    except sqlite3.DatabaseError as e:
        reader.close()
        raise ReviewOpenError(f"{Path(path).name}: corrupt log ({e})") from None


def _overview(reader, path: Path, progress: Progress | None) -> Overview:
    conn = reader.conn
    live = is_live(path)
    if summary_complete(conn):
        sconn, source, key = conn, "log", ""
        checks = conn if has_checkpoints(conn) else None
        if checks is None and not live:  # a schema-3 log: its checkpoints, if the cache has them yet
            key = cache_mod.log_key(conn)
            checks = cache_mod.open_cache(path, key)
    else:
        key = cache_mod.log_key(conn)
        sconn = cache_mod.open_cache(path, key)
        source = "cache"
        if sconn is None:
            sconn = cache_mod.build_cache(reader, key, progress)
        checks = sconn
    sess = reader.session()
    skus = reader.skus()
    snaps = {r[0]: r[1] for r in conn.execute("SELECT id, raw FROM snapshots")}
    facts, room_rows, by_sku = facts_from_summary(sconn, sess["room"], skus, lambda i: orjson.loads(snaps[i]))
    samples = _samples_before(conn, facts)
    counts = {"events": facts.events}
    for t in ("rejects", "feed", "alerts", "actions", "samples"):
        counts[t] = conn.execute(f'SELECT max(id) FROM "{t}"').fetchone()[0] or 0
    rv = build_review(reader, stock=facts, samples=samples, counts=counts)
    # peak level of every sample: from the summary (a log whose summary has no levels: one pass in SQLite)
    try:
        levels = sconn.execute("SELECT sku, level FROM sum_levels").fetchall()
    except sqlite3.OperationalError:
        levels = conn.execute("SELECT DISTINCT sku, level FROM samples").fetchall()
    for sku, level in levels:
        s = rv.stock.skus.get(sku)
        if s is not None and LEVEL_RANK.get(level, 0) > LEVEL_RANK.get(s.peak_level, 0):
            s.peak_level = level
    through = sconn.execute("SELECT through_id FROM sum_meta").fetchone()[0]
    return Overview(str(path), rv, source, live, room_rows,
                    {k: [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in v] for k, v in by_sku.items()},
                    reader, sconn if sconn is not conn else None, key, through, checks)


def first_alert_moment(rv: Review, key: str) -> list[float]:
    """The shop times that make a scorecard figure (the window's links to the timeline)."""
    al = rv.alerts
    if key == "misses":
        return [so.ts for so in al.sellouts if so.lead_s is None]
    if key in ("lead", "sellouts"):
        return [so.ts for so in al.sellouts]
    if key == "false_warnings":
        return [sp.start for sp in al.spans if sp.outcome == "false"]
    if key == "alerts":
        return [t for t, _l, _s in al.fired]
    if key == "episodes":
        return list(rv.episode_starts)
    if key == "oversold":
        return [t for sku, t in _oversold_times(rv)]
    if key == "lost":
        return [u.start for u in sorted(rv.lost, key=lambda u: -u.lost_cents)]
    if key == "incidents":
        return [i.ts for i in rv.incidents if getattr(i, "ts", None) is not None and not math.isinf(i.ts)]
    return []


def _oversold_times(rv: Review) -> list[tuple[str, float]]:
    out = []
    for so in rv.alerts.sellouts:
        if rv.stock.skus[so.sku].oversold_units:
            out.append((so.sku, so.ts))
    return out
