"""Where a continued show stands: the totals a restarted engine resumes from its session log.

A restarted engine (a SIGKILLed room service, the desk's core restarted with Ctrl+Shift+R)
continues its show's log as a new segment; the writer then replays the log's events through a
:class:`~controlroom.log.summary.SummaryTracker` (its catch-up).  That tracker's mirror holds the
show's totals so far — units, orders, GMV, each SKU's net units sold — counted exactly as the
engine counts them (the same :class:`~controlroom.feed.mirror.StockMirror`).  :func:`resume_point`
takes them, with what the running lost-sales estimate needs (each SKU's unavailable spans, the
order rate just before each, and the units it had sold by then), so the engine goes on from
there instead of from zero.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from controlroom.log.summary import SummaryTracker


@dataclass(frozen=True, slots=True)
class DownSpan:
    """A SKU unavailable (sold out or frozen) from ``start`` to ``end`` (None: still at the log's end)."""

    sku: str
    start: float
    end: float | None
    rate_before: float  # its order rate per minute in the last sample before ``start`` (0 if none)
    sold_before: int  # its net units sold in that sample (else at the end of the minute ``start`` falls in)


@dataclass(frozen=True, slots=True)
class ResumePoint:
    """The show's totals through the last event of the log (shop time ``t0`` … ``t1``)."""

    t0: float | None
    t1: float | None
    units: int
    orders: int
    gmv_cents: int
    skus: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # sku -> (sold, orders, gmv_cents)
    down: tuple[DownSpan, ...] = ()


def resume_point(conn: sqlite3.Connection, tracker: SummaryTracker) -> ResumePoint:
    """The resume point of the log open on ``conn``, whose events ``tracker`` has just followed
    and whose summary rows it has flushed (the writer's catch-up)."""
    m = tracker.mirror
    skus = {k: (st.sold, st.orders, st.gmv_cents) for k, st in m.skus.items()}
    return ResumePoint(t0=tracker.t0, t1=tracker.t1, units=m.units, orders=m.orders, gmv_cents=m.gmv_cents,
                       skus=skus, down=tuple(_down_spans(conn, tracker.t0, tracker.t1)))


def _down_spans(conn: sqlite3.Connection, t0: float | None, t1: float | None) -> list[DownSpan]:
    """Each SKU's unavailable spans, from the summary's exact marks (every change of sold out/frozen)."""
    if t0 is None or t1 is None:
        return []
    # The catalogue the show started from: a SKU starts unavailable only when it had no stock.
    down_since: dict[str, float | None] = {s: (t0 if (a or 0) <= 0 else None)
                                           for s, a in conn.execute("SELECT sku, available FROM skus")}
    spans: list[tuple[str, float, float | None]] = []
    for ts, sku, available, frozen in conn.execute(
            "SELECT ts, sku, available, frozen FROM sum_marks WHERE sku IS NOT NULL ORDER BY id"):
        at = t0 if ts is None else max(float(ts), t0)
        down = (available or 0) <= 0 or bool(frozen)
        since = down_since.get(sku)
        if down and since is None:
            down_since[sku] = at
        elif not down and since is not None:
            spans.append((sku, since, at))
            down_since[sku] = None
    spans += [(sku, since, None) for sku, since in down_since.items() if since is not None]
    out = []
    for sku, start, end in sorted(spans, key=lambda s: (s[1], s[0])):
        # The engine's own sample just before the span: its order rate then and its units sold.
        row = conn.execute("SELECT rate_per_min, sold FROM samples WHERE sku = ? AND ts < ? ORDER BY ts DESC LIMIT 1",
                           (sku, start)).fetchone()
        if row is None:  # no sample before it (a log without samples): the minute's row has the units sold
            row = conn.execute("SELECT 0.0, sold FROM sum_minute WHERE sku = ? AND minute <= ? ORDER BY minute DESC"
                               " LIMIT 1", (sku, int((start - t0) // 60))).fetchone()
        out.append(DownSpan(sku, start, end, float(row[0] or 0.0) if row else 0.0, int(row[1] or 0) if row else 0))
    return out
