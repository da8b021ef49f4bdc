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
    seen_to: float | None = None  # still down at the log's end: the engine's last tick, to which it was counted


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
    for event_id, ts, sku, available, frozen in conn.execute(
            "SELECT event_id, ts, sku, available, frozen FROM sum_marks WHERE sku IS NOT NULL ORDER BY id"):
        at = t0 if ts is None else max(_seen_at(conn, event_id, float(ts)), t0)
        down = (available or 0) <= 0 or bool(frozen)
        since = down_since.get(sku)
        if down and since is None:
            down_since[sku] = at
        elif not down and since is not None:
            spans.append((sku, since, at))
            down_since[sku] = None
    spans += [(sku, since, None) for sku, since in down_since.items() if since is not None]
    return _on_the_ticks(conn, spans, t0)


def _seen_at(conn: sqlite3.Connection, event_id: int | None, ts: float) -> float:
    """The engine's clock when it took the event ``event_id`` (stamped ``ts``): the latest ``ts`` so far.

    The feed is not in ``ts`` order across topics (a freeze's stock event can come after orders stamped
    a second later), and the engine's clock, ticks included, is the latest ``ts`` it has seen.  The
    latest events before it are enough: the events just before it carry the clock (a few laggards among
    them do not lower a maximum), and a window keeps a restart on a long show's log quick.  An event
    that did not move the clock (stamped at or before it) is seen by the first tick after that clock,
    not by one at it, which may have run just before it (hence the nudge of 1 µs)."""
    if event_id is None:
        return ts
    row = conn.execute("SELECT MAX(ts) FROM events WHERE id BETWEEN ? AND ?",
                       (event_id - _CLOCK_WINDOW, event_id - 1)).fetchone()
    clock = float(row[0]) if row and row[0] is not None else ts - 1.0  # the clock before it
    return ts if ts > clock else clock + 1e-6


_CLOCK_WINDOW = 1_000  # events looked back for the engine's clock at a mark


def _on_the_ticks(conn: sqlite3.Connection, spans: list[tuple[str, float, float | None]], t0: float) -> list[DownSpan]:
    """The spans as the live meter saw them: it looks once per engine tick (each logged sample's ``ts``).

    The marks are exact to the event, the meter is not: it counts a SKU down from the tick before
    the first tick that sees it down to the last tick that sees it down, and never sees a span that
    falls between two ticks.  A log without samples (no ticks to snap to) keeps the exact marks.  At a flash sale's 40,000 orders/min one second is 700 units, so a rebuild
    from the exact marks drifted tens of per cent from what the first engine had shown.  Snapping each
    span to the ticks (and joining spans no tick saw apart) rebuilds what it showed."""
    snapped: dict[str, list[list]] = {}
    ticked: dict[str, bool] = {}
    for sku, start, end in sorted(spans, key=lambda s: (s[1], s[0])):
        if sku not in ticked:
            ticked[sku] = _last_tick(conn, sku, None) is not None
        if ticked[sku]:
            first_down = conn.execute("SELECT ts FROM samples WHERE sku = ? AND ts >= ? ORDER BY ts LIMIT 1",
                                      (sku, start)).fetchone()
            if end is not None and (first_down is None or first_down[0] >= end):
                continue  # over before any tick saw it
        # The engine's own sample just before the span: where the meter starts it, its order rate then
        # and its units sold.
        row = conn.execute("SELECT ts, rate_per_min, sold FROM samples WHERE sku = ? AND ts < ? ORDER BY ts DESC"
                           " LIMIT 1", (sku, start)).fetchone()
        if row is None:  # no sample before it (a log without samples): the minute's row has the units sold
            row = conn.execute("SELECT ?, 0.0, sold FROM sum_minute WHERE sku = ? AND minute <= ? ORDER BY minute"
                               " DESC LIMIT 1", (start, sku, int((start - t0) // 60))).fetchone()
        at = float(row[0]) if row and row[0] is not None else start
        if end is not None and ticked[sku]:  # it counted up to the last tick that saw it down
            end = float(conn.execute("SELECT MAX(ts) FROM samples WHERE sku = ? AND ts < ?", (sku, end)).fetchone()[0])
        mine = snapped.setdefault(sku, [])
        if mine and (mine[-1][2] is None or at <= mine[-1][2]):  # no tick saw it back on sale in between
            mine[-1][2] = None if (end is None or mine[-1][2] is None) else max(mine[-1][2], end)
            continue
        mine.append([sku, at, end, float(row[1] or 0.0) if row else 0.0, int(row[2] or 0) if row else 0])
    out = [DownSpan(*s, seen_to=_last_tick(conn, s[0], None) if s[2] is None else None)  # None: no ticks
           for mine in snapped.values() for s in mine]
    return sorted(out, key=lambda s: (s.start, s.sku))


def _last_tick(conn: sqlite3.Connection, sku: str, default):
    row = conn.execute("SELECT MAX(ts) FROM samples WHERE sku = ?", (sku,)).fetchone()
    return float(row[0]) if row and row[0] is not None else default
