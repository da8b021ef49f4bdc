"""Per-minute summary rows of a session log: what the review window opens without scanning events.

A :class:`SummaryTracker` follows the logged events through its own
:class:`~controlroom.feed.mirror.StockMirror` (the mirror the desk and the review use, so
its counts are the review's) and keeps:

* ``sum_minute``: one row per minute of show and SKU the minute touched (and one per
  minute with ``sku = ''`` for the room), holding **cumulative** figures at the end of that
  minute (orders, units ordered, gross and net GMV, net units sold, cancelled and oversold
  units, available, frozen; for the room row also events, viewers, peak viewers, featured SKU).
  The state of every SKU at the end of minute *m* is its last row at or before *m*.
* ``sum_marks``: every moment a SKU's *sold out* (available <= 0) or *frozen* flag changed,
  with its exact shop time and event id, and every snapshot reset.  Sell-outs, frozen and
  unavailable periods come from these exactly.
* ``sum_levels``: every (SKU, level) the ``samples`` reached (the peak level without reading
  every sample).
* ``sum_meta``: one row: through which event id the rows are complete, first and last shop
  time, event count, duplicates, unknown SKUs and topic counts.
* ``sum_check`` and ``sum_check_at`` (schema 4): every SKU's stock a few seconds apart, for
  the review's scrubbing (:mod:`controlroom.log.checkpoints`, taken after each batch).

Minutes are counted from the first event's shop time, as the review counts them
(``int((ts - t0) // 60)``).  The writer (:class:`~controlroom.log.writer.SessionLog`)
feeds a tracker as it inserts events and writes the rows that changed in the same
transaction as those events, so ``sum_meta.through_id`` always equals the last committed
event id of a log the writer kept; the review's cache builder
(:mod:`controlroom.review.cache`) runs the same tracker over an older log's events.
"""
from __future__ import annotations

import sqlite3
from typing import Callable, Iterable

import orjson

from controlroom.feed.mirror import StockMirror
from controlroom.log.checkpoints import CHECKPOINT_DDL, CheckpointTracker
from controlroom.log.summary_batch import feed_batch
from controlroom.protocol import Reject

__all__ = ["SummaryTracker", "SUMMARY_DDL", "SUMMARY_TABLES", "create_summary_tables", "summary_complete"]

_RUN_MAX = 500  # run_log feeds at most this many events at once (a checkpoint can follow each)

# Columns of a sum_minute row (after minute and sku).
MINUTE_COLS = ("orders", "units_ordered", "gross_cents", "sold", "gmv_cents", "cancelled_units",
               "oversold_units", "available", "frozen", "events", "viewers", "viewers_max", "featured",
               "last_id", "last_ts")

SUMMARY_DDL = [
    "CREATE TABLE IF NOT EXISTS sum_minute (minute INTEGER NOT NULL, sku TEXT NOT NULL, "
    "orders INTEGER, units_ordered INTEGER, gross_cents INTEGER, sold INTEGER, gmv_cents INTEGER, "
    "cancelled_units INTEGER, oversold_units INTEGER, available INTEGER, frozen INTEGER, events INTEGER, "
    "viewers INTEGER, viewers_max INTEGER, featured TEXT, last_id INTEGER, last_ts REAL, "
    "PRIMARY KEY (minute, sku))",
    "CREATE INDEX IF NOT EXISTS sum_minute_sku ON sum_minute (sku, minute)",
    "CREATE TABLE IF NOT EXISTS sum_marks (id INTEGER PRIMARY KEY, event_id INTEGER, ts REAL, sku TEXT, "
    "available INTEGER, frozen INTEGER, kind TEXT, snapshot_id INTEGER)",
    "CREATE INDEX IF NOT EXISTS sum_marks_sku ON sum_marks (sku, ts)",
    "CREATE TABLE IF NOT EXISTS sum_levels (sku TEXT NOT NULL, level TEXT NOT NULL, PRIMARY KEY (sku, level))",
    "CREATE TABLE IF NOT EXISTS sum_meta (id INTEGER PRIMARY KEY, through_id INTEGER, t0 REAL, t1 REAL, "
    "events INTEGER, duplicates INTEGER, unknown INTEGER, topics TEXT)",
] + CHECKPOINT_DDL

# Every table the tracker fills (a writer rebuilding the rows of a continued file empties them all).
SUMMARY_TABLES = ("sum_minute", "sum_marks", "sum_levels", "sum_meta", "sum_check", "sum_check_at")

_UPSERT = (f"INSERT OR REPLACE INTO sum_minute (minute, sku, {', '.join(MINUTE_COLS)}) "
           f"VALUES ({', '.join('?' * (len(MINUTE_COLS) + 2))})")
_MARK = ("INSERT INTO sum_marks (event_id, ts, sku, available, frozen, kind, snapshot_id) "
         "VALUES (?, ?, ?, ?, ?, ?, ?)")
_META = ("INSERT OR REPLACE INTO sum_meta (id, through_id, t0, t1, events, duplicates, unknown, topics) "
         "VALUES (1, ?, ?, ?, ?, ?, ?, ?)")


def create_summary_tables(conn: sqlite3.Connection) -> None:
    """Create the summary tables (inside the caller's transaction)."""
    for sql in SUMMARY_DDL:
        conn.execute(sql)


def summary_complete(conn: sqlite3.Connection) -> bool:
    """Whether the file's own summary rows cover every event in it (checked cheaply: ids)."""
    try:
        row = conn.execute("SELECT through_id FROM sum_meta WHERE id = 1").fetchone()
    except sqlite3.Error:
        return False
    if row is None:
        return False
    top = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
    return row[0] == top


class SummaryTracker:
    """Follows events and snapshot resets; :meth:`flush` writes the rows that changed."""

    def __init__(self) -> None:
        self.mirror = StockMirror()
        self.t0: float | None = None
        self.t1: float | None = None
        self.last_id = 0
        self.events = 0
        self.duplicates = 0
        self.unknown = 0
        self.topics: dict[str, int] = {}
        self.units_ordered: dict[str, int] = {}
        self.gross: dict[str, int] = {}
        self.cancelled: dict[str, int] = {}
        self.oversold: dict[str, int] = {}
        self.room_units = self.room_gross = self.room_cancelled = self.room_oversold = 0
        self._flags: dict[str, tuple[bool, bool]] = {}
        self._dirty: dict[tuple[int, str], tuple[float, int]] = {}  # (minute, sku) -> (last ts, last id)
        self._viewers_max: dict[int, int] = {}
        self._marks: list[tuple] = []
        self._rows: list[tuple] = []  # rows of minutes already closed, waiting for flush
        self.levels: set[tuple[str, str]] = set()
        self._new_levels: list[tuple[str, str]] = []
        self._minute = 0
        self._started = False
        # scrub checkpoints every few seconds of shop time (controlroom.log.checkpoints, schema 4)
        self.checkpoints = CheckpointTracker()

    # -------------------------------------------------------------- input
    def catalogue(self, room: str, skus: Iterable[dict]) -> None:
        """The starting catalogue (``skus`` rows), as the review's replay starts from it."""
        if self._started:
            return
        snap = {"room": room, "skus": [{"sku": s["sku"], "name": s.get("name"), "tier": s.get("tier"),
                                        "price_cents": s.get("price_cents") or 0,
                                        "available": s.get("available") or 0} for s in skus]}
        self.mirror.reset(snap)
        self._flags = {k: (st.available <= 0, bool(st.frozen)) for k, st in self.mirror.skus.items()}

    def reset(self, snap: dict, snapshot_id: int | None = None) -> None:
        """A snapshot reset after the last event seen (start of session, resync)."""
        self._started = True
        self.mirror.reset(snap)
        ts = self.t1
        self._marks.append((self.last_id, ts, None, None, None, "reset", snapshot_id))
        for k, st in self.mirror.skus.items():
            fl = (st.available <= 0, bool(st.frozen))
            if self._flags.get(k) != fl:
                self._flags[k] = fl
                self._marks.append((self.last_id, ts, k, st.available, int(fl[1]), "reset_stock", None))
            if self.t0 is not None and ts is not None:
                self._dirty[(self._minute, k)] = (ts, self.last_id)
        self.checkpoints.after_reset(self)

    def feed(self, batch: Iterable[dict], first_id: int) -> None:
        """Events with ids ``first_id, first_id + 1, ...`` in accepted order (a list of dicts, or
        the feed's :class:`~controlroom.feed.batch.EventBatch`, whose columns are read as they are)."""
        if not self._feed_batch(batch, first_id):
            self._feed_events(batch, first_id)
        self.checkpoints.after_batch(self)

    def _feed_batch(self, batch, first_id: int) -> bool:
        """A whole batch of one topic at once, with the same result as :meth:`_feed_events` — or
        False, changing nothing (:func:`~controlroom.log.summary_batch.feed_batch`)."""
        return feed_batch(self, batch, first_id)

    def _feed_events(self, batch: Iterable[dict], first_id: int) -> None:
        """The events one by one (any topic, anything odd)."""
        self._started = True
        mirror = self.mirror
        apply = mirror.apply
        topics = self.topics
        dirty = self._dirty
        i = first_id - 1
        for ev in batch:
            i += 1
            topic = ev.get("topic")
            topics[topic] = topics.get(topic, 0) + 1
            ts = ev.get("ts")
            if ts is None:
                self.events += 1
                continue
            if self.t0 is None:
                self.t0 = ts
            if self.t1 is None or ts > self.t1:
                self.t1 = ts
            m = int((ts - self.t0) // 60)
            if m > self._minute:  # the rows of the minute just ended hold its closing figures (not this event)
                self._close_rows()
                self._minute = m
            self.events += 1
            dirty[(m, "")] = (ts, i)
            try:
                fresh = apply(ev)
            except Reject:
                self.unknown += 1
                continue
            except (KeyError, TypeError):
                continue
            if not fresh:
                self.duplicates += 1
                continue
            if topic == "traffic":
                v = ev.get("viewers") or 0
                if v > self._viewers_max.get(m, -1):
                    self._viewers_max[m] = v
                continue
            sku = ev.get("sku")
            if sku is None or topic == "hb":
                continue
            if topic == "order":
                q = ev["qty"]
                self.units_ordered[sku] = self.units_ordered.get(sku, 0) + q
                g = q * ev["price_cents"]
                self.gross[sku] = self.gross.get(sku, 0) + g
                self.room_units += q
                self.room_gross += g
            elif topic == "cancel":
                q = ev["qty"]
                self.cancelled[sku] = self.cancelled.get(sku, 0) + q
                self.room_cancelled += q
                if ev.get("reason") == "oversold":
                    self.oversold[sku] = self.oversold.get(sku, 0) + q
                    self.room_oversold += q
            dirty[(m, sku)] = (ts, i)
            st = mirror.skus[sku]
            fl = (st.available <= 0, bool(st.frozen))
            if self._flags.get(sku) != fl:
                self._flags[sku] = fl
                self._marks.append((i, ts, sku, st.available, int(fl[1]), "stock", None))
        self.last_id = i

    def samples(self, rows: Iterable[tuple]) -> None:
        """Sample rows ``(ts, sku, available, sold, rate, sellout, level)``: the levels reached."""
        levels = self.levels
        for r in rows:
            k = (r[1], r[6])
            if k not in levels and k[0] is not None and k[1] is not None:
                levels.add(k)
                self._new_levels.append(k)

    # -------------------------------------------------------------- output
    def flush(self, conn: sqlite3.Connection) -> None:
        """Write the rows changed since the last flush (inside the caller's transaction)."""
        if self._marks:
            conn.executemany(_MARK, self._marks)
            self._marks = []
        if self._new_levels:
            conn.executemany("INSERT OR IGNORE INTO sum_levels (sku, level) VALUES (?, ?)", self._new_levels)
            self._new_levels = []
        self._close_rows()
        if self._rows:
            conn.executemany(_UPSERT, self._rows)
            self._rows = []
        self.checkpoints.flush(conn)
        conn.execute(_META, (self.last_id, self.t0, self.t1, self.events, self.duplicates, self.unknown,
                             orjson.dumps(self.topics).decode()))

    def _close_rows(self) -> None:
        """Turn the touched (minute, SKU) keys into rows with the figures as they stand now."""
        if self._dirty:
            skus = self.mirror.skus
            rows = self._rows
            for (m, sku), (ts, last) in self._dirty.items():
                if sku == "":
                    mr = self.mirror
                    rows.append((m, "", mr.orders, self.room_units, self.room_gross, mr.units, mr.gmv_cents,
                                 self.room_cancelled, self.room_oversold, None, None, self.events, mr.viewers,
                                 self._viewers_max.get(m, mr.viewers), mr.featured if isinstance(mr.featured, str)
                                 else None, last, ts))
                    continue
                st = skus.get(sku)
                if st is None:
                    continue
                rows.append((m, sku, st.orders, self.units_ordered.get(sku, 0), self.gross.get(sku, 0), st.sold,
                             st.gmv_cents, self.cancelled.get(sku, 0), self.oversold.get(sku, 0), st.available,
                             int(bool(st.frozen)), None, None, None, None, last, ts))
            self._dirty.clear()  # in place: feed() holds a reference

    # -------------------------------------------------------------- whole logs
    def run_log(self, conn: sqlite3.Connection, room: str, *, progress: Callable[[int, int], bool] | None = None,
                chunk: int = 20_000) -> None:
        """Follow every event and snapshot of the log open on ``conn`` (in the order replay reads them).

        ``progress(done, total)`` is called after each chunk; returning False stops early
        (the tracker is then incomplete: :attr:`last_id` says how far it got).
        """
        skus = [dict(zip(("sku", "name", "tier", "price_cents", "available"), r)) for r in
                conn.execute("SELECT sku, name, tier, price_cents, available FROM skus ORDER BY rowid")]
        self.catalogue(room, skus)
        snaps = conn.execute("SELECT id, after_event_id, raw FROM snapshots ORDER BY id").fetchall()
        top = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
        si = 0
        loads = orjson.loads
        lo = 0
        while lo < top:
            while si < len(snaps) and snaps[si][1] <= lo:
                self.reset(loads(snaps[si][2]), snaps[si][0])
                si += 1
            hi = min(lo + chunk, top)
            if si < len(snaps) and snaps[si][1] < hi:
                hi = max(snaps[si][1], lo + 1)
            rows = conn.execute("SELECT id, raw FROM events WHERE id > ? AND id <= ? ORDER BY id", (lo, hi)).fetchall()
            j = 0
            while j < len(rows):  # ids are contiguous in a log; feed runs of consecutive ids
                k = j  # ... of at most _RUN_MAX events, batches like the writer's (checkpoints fall between)
                while k + 1 < len(rows) and k + 1 - j < _RUN_MAX and rows[k + 1][0] == rows[k][0] + 1:
                    k += 1
                self.feed([loads(r[1]) for r in rows[j:k + 1]], rows[j][0])
                j = k + 1
            lo = hi
            self.last_id = hi
            if progress is not None and progress(hi, top) is False:
                return
        while si < len(snaps):
            self.reset(loads(snaps[si][2]), snaps[si][0])
            si += 1
        self.samples((None, s, None, None, None, None, lv) for s, lv in
                     conn.execute("SELECT DISTINCT sku, level FROM samples"))
