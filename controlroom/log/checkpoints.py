"""Scrub checkpoints of a session log: every SKU's stock a few seconds apart (schema 4).

The review window's timeline shows every SKU's state at any moment of a show (scrubbing).
Summing the events since the last per-minute summary row costs up to a minute of events per
jump; a checkpoint every :data:`EVERY_S` seconds of shop time (or every :data:`MAX_EVENTS`
events — :data:`PER_SKU` per SKU in a big room — whichever comes first, so a busy show is
bounded too) leaves at most that many events to sum after it.

Tables (created with the summary tables, :mod:`controlroom.log.summary`):

* ``sum_check_at``: one row per checkpoint ``n`` (0, 1, 2, ...): ``ts``, the highest shop
  time of the events it covers (NULL for a snapshot taken before any event), ``through_id``,
  the last event id it covers (its state is the mirror's after that event, and after any
  snapshot reset placed there), and ``full``: 1 when the checkpoint has a row for every SKU.
  Indexed on ``ts``.
* ``sum_check``: ``(n, sku, available, frozen, sold)``: the SKU's stock, frozen flag and
  net units sold as the :class:`~controlroom.feed.mirror.StockMirror` had them.  A full
  checkpoint (the first one, every :data:`FULL_EVERY`-th one, and each one at a snapshot
  reset) has every SKU; the others only the SKUs that changed since the one before.  So a
  SKU's state at checkpoint ``k`` is its row with the highest ``n`` between the last full
  checkpoint at or before ``k`` and ``k``: one indexed range of at most ``FULL_EVERY``
  checkpoints (the table is clustered on ``(n, sku)``).

:class:`CheckpointTracker` makes them.  It only reads the summary tracker's mirror after
each batch (no work per event), so the writer's hot path pays one comparison per batch and,
every few seconds, one pass over the SKUs.
"""
from __future__ import annotations

import sqlite3

__all__ = ["CheckpointTracker", "CHECKPOINT_DDL", "CHECKPOINT_TABLES", "EVERY_S", "MAX_EVENTS", "PER_SKU",
           "FULL_EVERY", "has_checkpoints"]

EVERY_S = 5.0  # shop seconds between checkpoints
MAX_EVENTS = 2000  # ... or this many events, whichever first (a jump sums at most this plus one batch)
FULL_EVERY = 12  # a checkpoint with every SKU every 12 (about a minute of shop time, or 24,000 events)
PER_SKU = 10  # ... and no sooner by count than 10 events a SKU (a 500-SKU room: 5,000 events)

CHECKPOINT_TABLES = ("sum_check", "sum_check_at")

CHECKPOINT_DDL = [
    "CREATE TABLE IF NOT EXISTS sum_check_at (n INTEGER PRIMARY KEY, ts REAL, through_id INTEGER NOT NULL, "
    "full INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sum_check_at_ts ON sum_check_at (ts)",
    "CREATE TABLE IF NOT EXISTS sum_check (n INTEGER NOT NULL, sku TEXT NOT NULL, available INTEGER, "
    "frozen INTEGER, sold INTEGER, PRIMARY KEY (n, sku)) WITHOUT ROWID",
]

_AT = "INSERT OR REPLACE INTO sum_check_at (n, ts, through_id, full) VALUES (?, ?, ?, ?)"
_ROW = "INSERT OR REPLACE INTO sum_check (n, sku, available, frozen, sold) VALUES (?, ?, ?, ?, ?)"


def has_checkpoints(conn: sqlite3.Connection, events_conn: sqlite3.Connection | None = None) -> bool:
    """Whether ``conn`` holds checkpoints for the events of ``events_conn`` (default: the same file).

    A tracker that followed any event took at least one checkpoint, so empty tables beside
    events mean the file got the tables without them (a schema-3 log migrated by a reader).
    Whether they cover every event is the summary's own check (``sum_meta.through_id``).
    """
    try:
        if conn.execute("SELECT 1 FROM sum_check_at LIMIT 1").fetchone() is not None:
            return True
    except sqlite3.Error:
        return False
    return (events_conn or conn).execute("SELECT 1 FROM events LIMIT 1").fetchone() is None


class CheckpointTracker:
    """Takes a checkpoint of a summary tracker's mirror when one is due; :meth:`flush` writes them.

    ``after_batch(tracker)`` is called after each batch of events the summary tracker followed
    and ``after_reset(tracker)`` after each snapshot reset (always a full checkpoint: the reset
    may change every SKU, and no jump must sum events across one).
    """

    def __init__(self, every_s: float = EVERY_S, max_events: int = MAX_EVENTS, full_every: int = FULL_EVERY) -> None:
        self.every_s = float(every_s)
        self.max_events = int(max_events)
        self.full_every = int(full_every)
        self.n = 0  # the next checkpoint's number
        self._slot: int | None = None  # shop-time slot of the last checkpoint
        self._events_at = 0  # the tracker's event count at the last checkpoint
        self._written: dict[str, tuple[int, int, int]] = {}  # sku -> (available, frozen, sold) last checkpointed
        self._at: list[tuple] = []
        self._rows: list[tuple] = []

    def after_batch(self, tr) -> None:
        """A batch was followed: take a checkpoint if a new slot of shop time began or enough events came."""
        t1 = tr.t1
        if t1 is None or tr.t0 is None:
            return
        slot = int((t1 - tr.t0) // self.every_s)
        # a big room changes many SKUs between checkpoints: at least PER_SKU events a SKU, so the rows
        # written stay a small share of the events (a jump then sums up to that many)
        if slot == self._slot and tr.events - self._events_at < max(self.max_events, PER_SKU * len(tr.mirror.skus)):
            return
        self._take(tr, slot, full=self.n % self.full_every == 0)

    def after_reset(self, tr) -> None:
        """A snapshot reset the mirror: a full checkpoint at that point."""
        t0, t1 = tr.t0, tr.t1
        self._take(tr, self._slot if t1 is None or t0 is None else int((t1 - t0) // self.every_s), full=True)

    def _take(self, tr, slot: int | None, full: bool) -> None:
        n = self.n
        written = self._written
        rows = self._rows
        for sku, st in tr.mirror.skus.items():
            v = (st.available, 1 if st.frozen else 0, st.sold)
            if full or written.get(sku) != v:
                written[sku] = v
                rows.append((n, sku) + v)
        self._at.append((n, tr.t1, tr.last_id, 1 if full else 0))
        self.n = n + 1
        self._slot = slot
        self._events_at = tr.events

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write the checkpoints taken since the last flush (inside the caller's transaction)."""
        if self._at:
            conn.executemany(_AT, self._at)
            self._at = []
        if self._rows:
            conn.executemany(_ROW, self._rows)
            self._rows = []
