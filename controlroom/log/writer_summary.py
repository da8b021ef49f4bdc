"""The session log writer's per-minute summary: fed in the writer thread, flushed with each commit.

:class:`~controlroom.log.writer.SessionLog` keeps one :class:`LogSummary`.  It hands it every
stored item that moves the summary (events, the catalogue, samples, snapshot resets) inside the
open transaction, and asks it to write its changed rows just before each COMMIT, so the rows and
the events they cover land together (``sum_meta.through_id`` is the last committed event id).

Any error stops the summary for good (the log itself goes on): ``sum_meta.through_id`` then stops
short of the events, which tells readers the rows are incomplete (the review builds a cache).
"""
from __future__ import annotations

import logging
import sqlite3

from controlroom.log.inserts import EVENTS, SAMPLES, SKUS, SNAPSHOT
from controlroom.log.resume import ResumePoint, resume_point
from controlroom.log.summary import SUMMARY_TABLES, SummaryTracker

log = logging.getLogger("controlroom.log.writer")

__all__ = ["LogSummary", "SUMMARY_KINDS"]

# Queue item kinds the summary follows.
SUMMARY_KINDS = frozenset((EVENTS, SKUS, SNAPSHOT, SAMPLES))


class LogSummary:
    """The writer's summary tracker, and what happens when it fails (see the module's docstring)."""

    def __init__(self, room: str) -> None:
        self.room = room
        self.tracker: SummaryTracker | None = SummaryTracker()

    @property
    def alive(self) -> bool:
        return self.tracker is not None

    def catch_up(self, conn: sqlite3.Connection) -> ResumePoint | None:
        """A continued file: rebuild the summary rows from the events already in it (in a
        transaction of its own); returns the show's resume point, or None if that failed."""
        tr = SummaryTracker()
        try:
            tr.run_log(conn, self.room)
            conn.execute("BEGIN")
            for t in SUMMARY_TABLES:
                conn.execute(f"DELETE FROM {t}")
            tr.flush(conn)
            conn.execute("COMMIT")
            self.tracker = tr
            return resume_point(conn, tr)
        except Exception as e:  # the log itself must go on: the review then builds a cache
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self.failed(e)
            return None

    def failed(self, e: BaseException) -> None:
        """Stop the summary: no more rows (logged once)."""
        if self.tracker is not None:
            log.warning("session log: summary rows stopped: %s: %s", type(e).__name__, e)
        self.tracker = None

    def follow(self, conn: sqlite3.Connection, room: str, kind: int, item: tuple, n: int,
               last_id: int | None = None) -> None:
        """Feed a stored item (``n`` rows of it stored) to the tracker, inside the open transaction.
        ``last_id``: the id of the item's last events row if the caller knows it (else a query)."""
        tr = self.tracker
        if tr is None:
            return
        try:
            if kind == EVENTS:
                if n != len(item[1]):  # rows lost on the slow path: ids no longer follow
                    raise RuntimeError("events lost on the slow path")
                top = last_id if last_id is not None else (
                    conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0)
                tr.feed(item[1], top - n + 1)
            elif kind == SKUS:
                tr.catalogue(room, item[1])
            elif kind == SAMPLES:
                tr.samples(item[1])
            elif kind == SNAPSHOT and isinstance(item[1], dict):
                sid = conn.execute("SELECT max(id) FROM snapshots").fetchone()[0]
                tr.reset(item[1], sid)
        except Exception as e:
            self.failed(e)

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write the changed rows inside the open transaction, under a SAVEPOINT: a failure
        stops the summary and rolls back its rows, not the events."""
        if self.tracker is None:
            return
        try:
            conn.execute("SAVEPOINT summary")
            self.tracker.flush(conn)
            conn.execute("RELEASE summary")
        except sqlite3.Error as e:
            conn.execute("ROLLBACK TO summary")
            conn.execute("RELEASE summary")
            self.failed(e)
