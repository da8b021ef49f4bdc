"""Every SKU's state at any moment of a show: the review timeline's cursor ("scrubbing the show like a video").

:class:`Scrubber` answers ``state_at(ts)`` two ways, with the same result:

* **from the scrub checkpoints** (:mod:`controlroom.log.checkpoints`: in a schema-4 log, or
  built once into the review cache for an older one, :func:`ensure_checkpoints`): the last
  checkpoint at or before ``ts`` (every SKU's stock, frozen flag and net units sold, read as
  one indexed range of at most ``FULL_EVERY`` checkpoints) plus the orders, cancels and stock
  events after it up to ``ts``, summed by SQLite.  A checkpoint lies at most ``EVERY_S`` shop
  seconds or ``MAX_EVENTS`` events (plus one batch) before any moment, so a jump costs the same
  early or late in a show, however long it is;
* **from the per-minute summary rows** (a log without checkpoints while its cache is built,
  or a live log of an older writer): the minute's rows plus up to a minute of events.

Level, rate and predicted sell-out come from each SKU's last sample at or before ``ts`` (one
indexed look-up per SKU).  Events are taken to be in shop-time order, as the feed's sequence
puts them (the moment ``ts`` covers every event up to the last one whose time is ``<= ts``).
"""
from __future__ import annotations

import bisect
import math
import sqlite3
from dataclasses import dataclass
from typing import Callable

import orjson

from controlroom.log.checkpoints import has_checkpoints

__all__ = ["SkuState", "Scrubber", "ensure_checkpoints"]

Progress = Callable[[int, int], bool]

_DELTA = "CASE topic WHEN 'order' THEN -qty WHEN 'cancel' THEN qty ELSE 0 END"


@dataclass
class SkuState:
    """One SKU at one moment, as the timeline's cursor shows it."""

    sku: str
    available: int
    frozen: bool
    sold: int
    level: str = "ok"
    rate_per_min: float | None = None
    predicted_sellout_s: float | None = None
    sample_ts: float | None = None


def ensure_checkpoints(ov, progress: Progress | None = None) -> bool:
    """Give ``ov`` (an :class:`~controlroom.review.overview.Overview`) scrub checkpoints; True if it has them.

    A log without them (schema 3) gets them built once into the review cache, the same file
    and the same tracker as an older log's summary (:func:`controlroom.review.cache.build_cache`),
    reading the log through a connection of its own (so it can run on a worker thread while the
    window scrubs the slower way); ``progress(done, total)`` as it goes, returning False cancels
    (:class:`~controlroom.review.cache.Cancelled`).  A live log is left alone (it keeps growing).
    """
    from controlroom.review import cache as cache_mod
    from controlroom.review.logfile import open_for_review

    if ov.checks is not None:
        return True
    if ov.live:
        return False
    reader = open_for_review(ov.path)
    try:
        key = cache_mod.log_key(reader.conn)
        conn = cache_mod.open_cache(ov.path, key)
        if conn is None:
            conn = cache_mod.build_cache(reader, key, progress)
    finally:
        reader.close()
    ov.checks = conn
    return True


class Scrubber:
    """Every SKU's state at a shop time (see module doc); ``checkpoints`` says which way it reads."""

    def __init__(self, ov) -> None:
        self.ov = ov
        conn = ov.reader.conn
        self._skus = [s["sku"] for s in ov.reader.skus()]
        self._start = {s["sku"]: (s["available"] or 0) for s in ov.reader.skus()}
        self._resets = [r[0] for r in conn.execute("SELECT after_event_id FROM snapshots WHERE after_event_id > 0")]
        self._top = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
        # minute path
        self._minute_ids = [(r[0], r[8]) for r in ov.room_minutes]
        self._sku_mins = {k: [r[0] for r in rows] for k, rows in ov.sku_minutes.items()}
        # checkpoint path: every checkpoint's (n, ts, through id) in memory (one per few seconds)
        self.checks: sqlite3.Connection | None = None
        ck = getattr(ov, "checks", None)
        if ck is not None and has_checkpoints(ck, conn):
            at = ck.execute("SELECT n, ts, through_id, full FROM sum_check_at ORDER BY n").fetchall()
            self._cn = [r[0] for r in at]
            self._cid = [r[2] for r in at]
            self._cts, last, full, self._cfull = [], -math.inf, None, []
            for _n, ts, _i, f in at:
                last = ts if ts is not None and ts > last else last  # a snapshot before any event: -inf
                self._cts.append(last)
                full = _n if f else full
                self._cfull.append(full)
            self.checks = ck

    @property
    def checkpoints(self) -> bool:
        """Whether jumps read the scrub checkpoints (bounded cost) rather than the minute rows."""
        return self.checks is not None

    @staticmethod
    def _last_id_at(conn: sqlite3.Connection, lo: int, hi: int, ts: float) -> int:
        """The last event id in (lo, hi] whose shop time is <= ts (events are in shop-time order)."""
        a, b = lo, hi  # invariant: ts(a) <= ts (or a == lo), ts(b + 1) > ts (or b == hi)
        while a < b:
            mid = (a + b + 1) // 2
            r = conn.execute("SELECT ts FROM events WHERE id = ?", (mid,)).fetchone()
            if r is not None and r[0] is not None and r[0] <= ts:
                a = mid
            else:
                b = mid - 1
        return a

    def state_at(self, ts: float) -> list[SkuState]:
        """Every SKU's stock, frozen flag and net units sold at ``ts``; level, rate, forecast from the last sample."""
        if self.checks is not None:
            base = self._from_checkpoints(ts)
        else:
            base = self._from_minutes(ts)
        return self._with_samples(self.ov.reader.conn, base, ts)

    # ------------------------------------------------------------------ checkpoints
    def _from_checkpoints(self, ts: float) -> dict[str, list]:
        conn = self.ov.reader.conn
        i = bisect.bisect_right(self._cts, ts) - 1  # the last checkpoint at or before ts
        base: dict[str, list] = {}
        if i >= 0 and self._cfull[i] is not None:
            for sku, _n, a, fz, sold in self.checks.execute(
                    "SELECT sku, max(n), available, frozen, sold FROM sum_check WHERE n >= ? AND n <= ? GROUP BY sku",
                    (self._cfull[i], self._cn[i])):
                base[sku] = [a, bool(fz), sold]
            lo = self._cid[i]
        else:  # before the first checkpoint: the catalogue's stock
            lo = 0
        for sku in self._skus:
            base.setdefault(sku, [self._start.get(sku, 0), False, 0])
        # events after the checkpoint, up to ts: none beyond the next checkpoint (its time is > ts)
        end = self._cid[i + 1] if i + 1 < len(self._cid) else self._top
        hi = self._last_id_at(conn, lo, end, ts) if end > lo else lo
        if hi > lo:
            self._add_events(conn, base, lo, hi)
        return base

    @staticmethod
    def _add_events(conn: sqlite3.Connection, base: dict, lo: int, hi: int) -> None:
        """Apply the orders, cancels and stock events with ids in (lo, hi] to ``base`` (no reset among them).

        One grouped pass sums each SKU's orders and cancels; a SKU with a stock event there (which
        sets its stock; a few a minute in a show) then takes that event's stock and frozen flag
        plus the orders and cancels after it.
        """
        stocked = []
        for sku, delta, sid in conn.execute(
                f"SELECT sku, sum({_DELTA}), max(CASE WHEN topic = 'stock' THEN id END) FROM events"
                " WHERE id > ? AND id <= ? AND topic IN ('order', 'cancel', 'stock') GROUP BY sku", (lo, hi)):
            b = base.setdefault(sku, [0, False, 0])
            b[2] -= delta or 0
            if sid is None:
                b[0] += delta or 0
            else:
                stocked.append((sku, sid))
        for sku, sid in stocked:
            ev = orjson.loads(conn.execute("SELECT raw FROM events WHERE id = ?", (sid,)).fetchone()[0])
            after = conn.execute(f"SELECT sum({_DELTA}) FROM events WHERE id > ? AND id <= ? AND sku = ?"
                                 " AND topic IN ('order', 'cancel')", (sid, hi, sku)).fetchone()[0]
            b = base[sku]
            b[0] = ev.get("available", b[0]) + (after or 0)
            b[1] = bool(ev.get("frozen", b[1]))

    # ------------------------------------------------------------------ minute rows
    def _from_minutes(self, ts: float) -> dict[str, list]:
        ov = self.ov
        conn = ov.reader.conn
        t0 = ov.t0
        m = int((ts - t0) // 60) if t0 is not None else 0
        # the minute rows before m, and the event ids after them up to ts
        mins = [x[0] for x in self._minute_ids]
        i = bisect.bisect_left(mins, m) - 1
        lo = self._minute_ids[i][1] if i >= 0 else 0
        j = bisect.bisect_right(mins, m)
        hi = self._minute_ids[j - 1][1] if j > 0 else 0
        base: dict[str, list] = {}
        for sku, rows in ov.sku_minutes.items():
            k = bisect.bisect_left(self._sku_mins[sku], m) - 1
            if k >= 0:
                r = rows[k]
                base[sku] = [r[1], bool(r[4]), r[2]]
        for sku in self._skus:
            base.setdefault(sku, [self._start.get(sku, 0), False, 0])
        if hi > lo:
            end = hi
            hi = self._last_id_at(conn, lo, hi, ts)
            if hi - lo > end - hi and not any(lo < r <= end for r in self._resets) and self._back(
                    conn, base, m, hi, end):
                return base
        if hi > lo and not any(lo < r <= hi for r in self._resets):
            self._add_events(conn, base, lo, hi)
        return base

    def _back(self, conn, base: dict, m: int, hi: int, end: int) -> bool:
        """Late in a minute: from the minute's closing rows, take back the events after ``hi``.

        Returns False (nothing changed) when a stock event lies in (hi, end]: it set the stock,
        so only the forward sum knows what was there before it.
        """
        rows = conn.execute(
            f"SELECT sku, sum({_DELTA}), count(CASE WHEN topic = 'stock' THEN 1 END) FROM events WHERE id > ?"
            " AND id <= ? AND topic IN ('order', 'cancel', 'stock') GROUP BY sku", (hi, end)).fetchall()
        if any(n for _s, _d, n in rows):
            return False
        for sku, mrows in self.ov.sku_minutes.items():  # the state at the end of minute m
            k = bisect.bisect_right(self._sku_mins[sku], m) - 1
            if k >= 0:
                r = mrows[k]
                base[sku] = [r[1], bool(r[4]), r[2]]
        for sku, delta, _n in rows:
            b = base.setdefault(sku, [0, False, 0])
            b[0] -= delta or 0
            b[2] += delta or 0
        return True

    # ------------------------------------------------------------------ samples
    def _with_samples(self, conn, base: dict, ts: float) -> list[SkuState]:
        out = []
        for sku in self._skus:
            a, fz, sold = base[sku]
            st = SkuState(sku, int(a), fz, int(sold))
            r = conn.execute("SELECT ts, level, rate_per_min, predicted_sellout_s FROM samples WHERE sku = ? AND ts <= ?"
                             " ORDER BY ts DESC LIMIT 1", (sku, ts)).fetchone()
            if r is not None:
                st.sample_ts, st.level, st.rate_per_min, st.predicted_sellout_s = r
            out.append(st)
        return out
