"""WAL checkpoints of the session log, in a thread of their own.

A checkpoint copies the pages the writer has appended to the ``-wal`` file into the database
file and syncs both files.  Left to SQLite's automatic checkpoint it runs inside the writer's
COMMIT: in a paced 200,000 events/s run the writer spent 2.3 s of wall time in its COMMITs, of
which 0.8 s was CPU and the rest waiting on the disk (``docs/benchmarks.md``, "Fourth pass"), while
the feed's batches queued up behind it.

:class:`WalCheckpointer` runs ``PRAGMA wal_checkpoint(PASSIVE)`` from its own connection in its
own thread whenever the writer has committed ``rows`` more rows (or ``max_wait_s`` after a
commit, if fewer came).  A PASSIVE checkpoint never blocks the writer (it copies what is
committed and takes no write lock), and SQLite releases the GIL while it runs, so on a second
core it costs the writer nothing.

Bounding the WAL: the file restarts from its beginning when a write transaction starts after a
checkpoint has copied everything.  A writer that is never idle may always be one commit ahead of
the checkpointer, so the writer keeps SQLite's automatic checkpoint as the bound, at
``cap_pages`` (:data:`CAP_PAGES`): when the WAL reaches it the writer's own checkpoint copies
the few frames not yet copied, and the WAL restarts at the next transaction.  If this thread
fails, that bound still holds.  A crash at any moment is safe: checkpoints are SQLite's own,
from another connection of the same process.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger("controlroom.log.writer")

__all__ = ["WalCheckpointer", "CAP_PAGES"]

CAP_PAGES = 16_000  # the writer's own automatic checkpoint: 64 MB of WAL at 4 kB pages


class WalCheckpointer:
    """Checkpoints the log's WAL from a background thread; the writer calls :meth:`committed`."""

    def __init__(self, path: str | Path, rows: int = 20_000, max_wait_s: float = 1.0) -> None:
        self.path = Path(path)
        self.rows = int(rows)
        self.max_wait_s = float(max_wait_s)
        # rows committed since the last checkpoint: added to by the writer, zeroed here; a lost
        # update only moves one checkpoint a little, so no lock on the writer's path
        self._pending = 0
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.checkpoints = 0
        self.seconds = 0.0  # wall time spent checkpointing (off the writer thread)
        self.errors = 0
        self.last_error: str | None = None

    def start(self) -> "WalCheckpointer":
        self._thread = threading.Thread(target=self._run, name="controlroom-log-checkpoint", daemon=True)
        self._thread.start()
        return self

    def committed(self, rows: int) -> None:
        """The writer has committed ``rows`` rows (cheap: a counter, and an Event when due)."""
        self._pending += rows
        if self._pending >= self.rows:
            self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread (after the checkpoint in progress, if any) and close its connection."""
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            # timeout=0: never wait on a lock; a busy checkpoint is simply tried again later
            conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=0)
        except sqlite3.Error as e:
            self._failed(e)
            return
        try:
            while not self._stop:
                self._wake.wait(self.max_wait_s)
                self._wake.clear()
                if self._stop:
                    break
                if self._pending <= 0:
                    continue
                self._pending = 0
                t0 = time.perf_counter()
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as e:
                    self._failed(e)
                    continue
                self.seconds += time.perf_counter() - t0
                self.checkpoints += 1
        finally:
            conn.close()

    def _failed(self, e: BaseException) -> None:
        self.errors += 1
        self.last_error = f"{type(e).__name__}: {e}"
        if self.errors == 1:
            log.warning("session log: background checkpoint failed (the writer's own bound still holds): %s",
                        self.last_error)
