"""The session log writer: one thread, one SQLite connection, group commit.

Producers (the core thread, the command client, the GUI's settings dialog)
call the cheap methods of :class:`SessionLog`; each call puts exactly one item
on a queue (one hand-off per batch, never per event).  The writer thread turns
items into rows and inserts them with ``executemany`` inside a transaction
that it commits every ``commit_interval_s`` (default 100 ms), after
``batch_rows`` rows, on :meth:`SessionLog.flush` and on close.  So the feed
never waits for the disk, and a ``kill -9`` at any moment loses at most the
rows of the transaction still open (WAL mode: every committed transaction
survives a crash of the process and the file stays intact).

Opening an existing log continues it: a new row in ``segments``, a ``feed``
row with state ``restart`` and the gap, and ``session.ended_at`` cleared until
the next clean close.  See ``docs/session-log.md``.

The pieces live next door: :mod:`~controlroom.log.inserts` (queue items and their INSERTs),
:mod:`~controlroom.log.segments` (session and segment rows, the file lock),
:mod:`~controlroom.log.values` (JSON and bindable values) and
:mod:`~controlroom.log.writer_summary` (the per-minute summary the writer keeps).
"""
from __future__ import annotations

import logging
import os
import queue
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable

from controlroom.feed.batch import EventBatch
from controlroom.log import schema
from controlroom.log.block_writer import INSERT_BLOCK, BlockWriter
from controlroom.log.inserts import (ACTION, ALERT, EVENTS, FEED, FLUSH, REJECT, SAMPLES, SETTINGS, SKUS, SNAPSHOT,
                                     STOP, TABLE, chunks_for, insert_events, insert_item, item_rows)
from controlroom.log.schema import LogFormatError
from controlroom.log.segments import (continue_session, end_session, lock_path, new_session, release_lock,
                                      take_lock)
from controlroom.log.values import settings_json
from controlroom.log.wal import CAP_PAGES, WalCheckpointer
from controlroom.log.writer_queue import WriterQueue
from controlroom.log.writer_summary import SUMMARY_KINDS, LogSummary

log = logging.getLogger(__name__)

__all__ = ["SessionLog"]


class SessionLog:
    """Writes one live session to a SQLite file from a single background thread.

    All producer methods are cheap (one ``queue.put`` per call) and thread-safe.
    The list passed to :meth:`events` is copied (shallowly); the event dicts in
    it must not be mutated afterwards.
    """

    def __init__(self, path: str | os.PathLike, *, room: str, settings: Any = None,
                 app_version: str = "", commit_interval_s: float = 0.1, batch_rows: int = 20_000,
                 max_queue_batches: int = 10_000, max_queue_rows: int = 400_000, synchronous: str = "NORMAL",
                 raw_limit: int = 512, background_checkpoints: bool = True) -> None:
        self.path = Path(path)
        self.room = room
        self.settings = settings
        self.app_version = app_version
        self.commit_interval_s = float(commit_interval_s)
        self.batch_rows = int(batch_rows)
        self.max_queue_batches = int(max_queue_batches)
        # The queue's memory bound: rows queued and not yet written (a batch carries up to hundreds).
        # At the bound the producer waits (backpressure, see _put); no row is ever dropped there.
        self.max_queue_rows = int(max_queue_rows)
        self.synchronous = synchronous.upper()
        if self.synchronous not in ("NORMAL", "FULL", "EXTRA"):
            raise ValueError("synchronous must be NORMAL, FULL or EXTRA")
        self.raw_limit = int(raw_limit)
        # WAL checkpoints in a thread of their own (controlroom.log.wal), not inside the writer's COMMITs
        self.background_checkpoints = bool(background_checkpoints)
        self._ckpt: WalCheckpointer | None = None
        self.segment: int | None = None  # 1 for a new file, n+1 when continuing
        self.continued = False
        self.gap_s: float | None = None  # seconds between the previous segment and this one
        self.migrated_from: int | None = None
        # A continued file: the show's totals so far, for the engine to resume from (controlroom.log.resume).
        self.resume = None
        # per-minute summary rows kept as events are written (docs/session-log.md, schema 3)
        self._summary = LogSummary(room)
        # The id of the last events row the last EVENTS item stored, from the INSERT itself (no
        # SELECT max(id) per item); None after the slow path: the summary then asks the file.
        self._last_id: int | None = None
        self._chunks: tuple[int, ...] = ()
        self._blocks: BlockWriter | None = None  # the replay's column blocks, written with the events

        # bounded in items and in rows; the producer waits at a bound (controlroom.log.writer_queue)
        self._q = WriterQueue(self.max_queue_batches, self.max_queue_rows)
        self._conn: sqlite3.Connection | None = None
        self._lock_file: Any = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._alive = False
        # writer-side counters (writer thread only)
        self._committed_rows = 0
        self._committed: dict[str, int] = {t: 0 for t in TABLE.values()}
        self._txn_counts: dict[str, int] = {}
        self._commits = 0
        self._max_commit_s = 0.0
        self._cpu_s = 0.0  # the writer thread's own CPU time, as of its last commit
        self._dropped_rows = 0
        self._errors = 0
        self._last_error: str | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "SessionLog":
        """Open (create or continue) the file and start the writer thread."""
        if self._thread is not None:
            raise RuntimeError("SessionLog already started")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=10.0)
        except BaseException:
            self._release_lock()
            raise
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise LogFormatError(f"cannot switch {self.path} to WAL mode (got {mode})")
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            conn.execute("PRAGMA cache_size=-32768")
            conn.execute("PRAGMA journal_size_limit=67108864")
            # with background checkpoints the writer's own automatic one is only the WAL's bound
            conn.execute(f"PRAGMA wal_autocheckpoint={CAP_PAGES if self.background_checkpoints else 4000}")
            if schema.is_empty(conn):
                schema.create_schema(conn)
                self._new_session(conn)
            else:
                frm, _ = schema.migrate(conn)
                if frm != schema.SCHEMA_VERSION:
                    self.migrated_from = frm
                self._continue_session(conn)
                self._catch_up_summary(conn)
        except BaseException:
            conn.close()
            self._release_lock()
            raise
        self._conn = conn
        self._chunks = chunks_for(conn)
        self._blocks = BlockWriter(conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0)
        if self.background_checkpoints:
            self._ckpt = WalCheckpointer(self.path).start()
        self._alive = True
        self._thread = threading.Thread(target=self._run, name="controlroom-log-writer", daemon=True)
        self._thread.start()
        return self

    @property
    def lock_path(self) -> Path:
        return lock_path(self.path)

    def _take_lock(self) -> None:
        self._lock_file = take_lock(self.path)

    def _release_lock(self, remove: bool = False) -> None:
        f, self._lock_file = self._lock_file, None
        release_lock(f, self.path, remove)

    def _catch_up_summary(self, conn: sqlite3.Connection) -> None:
        """A continued file: rebuild the summary rows from the events already in it."""
        self.resume = self._summary.catch_up(conn)

    def _new_session(self, conn: sqlite3.Connection) -> None:
        self.segment = new_session(conn, self.room, self.app_version, settings_json(self.settings))

    def _continue_session(self, conn: sqlite3.Connection) -> None:
        seg, gap = continue_session(conn, self.path, self.room, self.app_version, settings_json(self.settings))
        self.segment, self.continued, self.gap_s = seg, True, gap

    def flush(self, timeout: float = 5.0) -> bool:
        """Block until everything queued before this call is committed.

        Returns False on timeout, when the writer is not running, or when any
        write has failed since the log started (see ``stats['last_error']``).
        """
        if not self._alive:
            return False
        done = threading.Event()
        self._q.put_control((FLUSH, done))
        if not done.wait(timeout):
            return False
        return self._dropped_rows == 0

    def close(self, timeout: float = 30.0) -> None:
        """Commit everything, set ``session.ended_at``, stop the thread, close the file."""
        if self._closed:
            return
        self._closed = True
        if self._thread is None:
            return
        self._q.put_control((STOP,))
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("session log writer did not stop within %.1f s", timeout)

    def __enter__(self) -> "SessionLog":
        if self._thread is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ producer side
    def _put(self, item: tuple, nrows: int) -> None:
        """Queue one item; at the queue's bound (``max_queue_batches`` items or ``max_queue_rows``
        rows waiting) the caller blocks until the writer has drained it: backpressure, no loss."""
        if self._closed:
            raise RuntimeError("session log is closed")
        self._q.put(item, nrows, lambda: self._alive)

    def events(self, batch: list[dict] | EventBatch, received_at: float) -> None:
        """Accepted, validated events (dicts with ``topic``, or the feed's immutable
        :class:`~controlroom.feed.batch.EventBatch`, queued as it is), all received at ``received_at``."""
        if batch:
            self._put((EVENTS, batch if type(batch) is EventBatch else list(batch), received_at), len(batch))

    def reject(self, received_at: float, reason: str, raw: bytes | bytearray | memoryview | str) -> None:
        """A refused message or event; ``raw`` is truncated to ``raw_limit`` bytes (default 512)."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "replace")
        elif isinstance(raw, (list, tuple)):
            raw = b" ".join(bytes(f) for f in raw)
        n = len(raw)
        self._put((REJECT, received_at, reason, bytes(raw[: self.raw_limit]), n), 1)

    def feed(self, ts: float, state: str, detail: str = "") -> None:
        """A feed state change or incident (connected, stale, gap, resync, drift, ...)."""
        self._put((FEED, ts, state, detail), 1)

    def alert(self, t: Any) -> None:
        """One :class:`~controlroom.alerts.transition.AlertTransition` (or a dict of its fields)."""
        self._put((ALERT, t), 1)

    def action(self, row: dict) -> None:
        """One command and its fate: ts, sku, op, qty, origin, operator, command_id, sent_at,
        acked_at, ok, error (other keys go to the ``extra`` JSON column)."""
        self._put((ACTION, row), 1)

    def samples(self, rows: list[tuple]) -> None:
        """Per-SKU state rows ``(ts, sku, available, sold, rate_per_min, predicted_sellout_s, level)``."""
        if rows:
            self._put((SAMPLES, list(rows)), len(rows))

    def skus(self, rows: Iterable[dict]) -> None:
        """The catalogue at the start: sku, name, tier, price_cents, available.

        A SKU already in the file (a continued session) keeps its starting stock;
        name, tier and price are updated.
        """
        rows = list(rows)
        if rows:
            self._put((SKUS, rows, time.time()), len(rows))

    def snapshot(self, snap: dict, received_at: float) -> None:
        """A snapshot the mirror was reset to (start, resync); replay resets at the same point."""
        self._put((SNAPSHOT, snap, received_at), 1)

    def settings_changed(self, ts: float, settings: Any, by: str = "") -> None:
        """A live change of settings (the full new settings)."""
        self._put((SETTINGS, ts, settings, by), 1)

    @property
    def stats(self) -> dict:
        q = self._q
        s = {
            "queued": q.rows,
            "queued_items": q.items,
            "queue_depth": q.qsize(),
            "max_queue_depth": q.max_depth,
            "max_queue_batches": self.max_queue_batches,
            "queue_rows": q.pending_rows,  # rows waiting now, and the most at once (bound max_queue_rows)
            "max_queue_rows_seen": q.max_pending_rows,
            "max_queue_rows": self.max_queue_rows,
            "producer_waits": q.waits,
            "producer_waiting": q.waiting,
            "producer_wait_s": q.wait_s,
        }
        s.update({
            "committed": self._committed_rows,
            "committed_by_table": dict(self._committed),
            "commits": self._commits,
            "max_commit_s": self._max_commit_s,
            "writer_cpu_s": self._cpu_s,
            "checkpoints": self._ckpt.checkpoints if self._ckpt else 0,
            "checkpoint_s": self._ckpt.seconds if self._ckpt else 0.0,
            "dropped": self._dropped_rows,
            "errors": self._errors,
            "last_error": self._last_error,
            "segment": self.segment,
            "continued": self.continued,
            "running": self._alive,
        })
        return s

    # ------------------------------------------------------------------ writer thread
    def _run(self) -> None:
        conn = self._conn
        assert conn is not None
        q = self._q
        interval = self.commit_interval_s
        limit = self.batch_rows
        mono = time.monotonic
        in_txn = False
        txn_rows = 0
        txn_start = 0.0
        try:
            while True:
                if in_txn:
                    timeout = txn_start + interval - mono()
                    if timeout <= 0:
                        in_txn = self._commit(txn_rows)
                        continue
                    try:
                        item = q.get(timeout=timeout)
                    except queue.Empty:
                        in_txn = self._commit(txn_rows)
                        continue
                else:
                    item = q.get()
                q.taken(item_rows(item) if item[0] < FLUSH else 0)  # its rows leave the bound's count
                kind = item[0]
                if kind == FLUSH:
                    if in_txn:
                        in_txn = self._commit(txn_rows)
                    item[1].set()
                    continue
                if kind == STOP:
                    if in_txn:
                        in_txn = self._commit(txn_rows)
                    break
                if not in_txn:
                    try:
                        conn.execute("BEGIN")
                    except sqlite3.Error as e:
                        self._fail(e, self._item_rows(item))
                        continue
                    in_txn = True
                    txn_start = mono()
                    txn_rows = 0
                    self._txn_counts = {}
                ok, n = self._write(item)
                if not ok:  # the transaction was lost
                    in_txn = False
                    continue
                txn_rows += n
                if txn_rows >= limit:
                    in_txn = self._commit(txn_rows)
        except Exception as e:  # pragma: no cover - keep the reason for stats
            self._fail(e, 0)
            log.exception("session log writer crashed")
        finally:
            self._alive = False
            self._finish(conn)
            q.wake()

    def _item_rows(self, item: tuple) -> int:
        return item_rows(item)

    def _fail(self, e: BaseException, lost: int) -> None:
        self._errors += 1
        self._dropped_rows += lost
        self._last_error = f"{type(e).__name__}: {e}"
        log.error("session log write failed (%d rows lost): %s", lost, self._last_error)

    def _commit(self, txn_rows: int) -> bool:
        """Commit the open transaction; returns the new ``in_txn`` (always False)."""
        conn = self._conn
        t0 = time.perf_counter()
        try:
            conn.execute("UPDATE segments SET last_commit_at = ? WHERE segment = ?", (time.time(), self.segment))
            self._summary.flush(conn)
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self._fail(e, txn_rows)
            self._summary.failed(e)
            self._blocks.broken()
            return False
        dt = time.perf_counter() - t0
        if dt > self._max_commit_s:
            self._max_commit_s = dt
        self._commits += 1
        self._cpu_s = time.thread_time()  # this thread's: what the log costs, apart from its producers
        self._committed_rows += txn_rows
        if self._ckpt is not None:
            self._ckpt.committed(txn_rows or 1)
        for t, n in self._txn_counts.items():
            self._committed[t] += n
        return False

    def _write(self, item: tuple) -> tuple[bool, int]:
        """Insert one item inside the open transaction; returns (transaction still open, rows)."""
        conn = self._conn
        kind = item[0]
        table = TABLE[kind]
        try:
            conn.execute("SAVEPOINT item")
            n = self._insert(kind, item, fast=True)
            conn.execute("RELEASE item")
        except Exception as e:
            try:
                conn.execute("ROLLBACK TO item")
                conn.execute("RELEASE item")
            except sqlite3.Error:
                # The whole transaction is gone (I/O error, disk full): count what was in it.
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                self._fail(e, sum(self._txn_counts.values()) + self._item_rows(item))
                self._txn_counts = {}
                self._blocks.broken()
                self._summary.failed(e)
                return False, 0
            log.warning("session log: slow path for %s after %s: %s", table, type(e).__name__, e)
            try:
                n = self._insert(kind, item, fast=False)
            except Exception as e2:
                self._fail(e2, self._item_rows(item))
                n = 0
        self._txn_counts[table] = self._txn_counts.get(table, 0) + n
        if kind in SUMMARY_KINDS:
            self._summary.follow(self._conn, self.room, kind, item, n, self._last_id)
        return True, n

    def _insert(self, kind: int, item: tuple, fast: bool) -> int:
        if kind == EVENTS:
            if fast:
                raws: list = []
                n, last = insert_events(self._conn, item, self._chunks, raws)
                self._last_id = last if n else None
                if n:  # the blocks this item completed, in the same SAVEPOINT as its events
                    for row in self._blocks.add(item[1], last - n + 1, raws):
                        self._conn.execute(INSERT_BLOCK, row)
                return n
            self._last_id = None  # the slow path: rows may be missing, the summary asks the file
            self._blocks.broken()
        return insert_item(self._conn, kind, item, fast, self._fail)

    def _finish(self, conn: sqlite3.Connection) -> None:
        if self._ckpt is not None:  # stopped first: the writer's clean close checkpoints and truncates the WAL
            self._ckpt.stop()
        try:
            end_session(conn, self.segment)
        except sqlite3.Error as e:
            self._fail(e, 0)
        finally:
            conn.close()
            self._conn = None
            self._release_lock(remove=True)
