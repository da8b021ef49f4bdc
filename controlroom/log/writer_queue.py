"""The session log writer's queue: bounded in items *and in rows*, with backpressure at the bound.

Producers (the core thread above all) put one item per call; the writer thread takes them.  An
item carries up to hundreds of rows (a feed batch), so a bound in items alone bounds nothing in
memory: a writer minutes behind the core once held ~450 MB here (``docs/benchmarks.md``, *Soak*).
The queue therefore also counts the rows waiting in it, and at either bound (``max_items`` items
or ``max_rows`` rows) :meth:`WriterQueue.put` **blocks the producer** until the writer has drained
the queue to 3/4 of its bounds.  Nothing is dropped at the bound, ever: a row is lost only when
SQLite refuses it, and then it is counted (``SessionLog.stats['dropped']``) and logged.

What backpressure means for the show: the core thread waits, so its feed socket's receive queue
holds the backlog meanwhile (as wire bytes, about half the memory of queued rows); the feed client
then catches up in batches.  At the product's rates the writer runs far below its ceiling and the
bound is never reached; it is there for a disk that stalls or a machine that has no CPU to spare.
A single item larger than ``max_rows`` goes in once the queue is empty (it could never fit).
"""
from __future__ import annotations

import queue
import threading
import time

__all__ = ["WriterQueue"]


class WriterQueue:
    """A FIFO of writer items with producer-side bounds in items and rows (see the module doc)."""

    def __init__(self, max_items: int, max_rows: int) -> None:
        self.max_items = int(max_items)
        self.max_rows = int(max_rows)
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()  # the counters below
        self._room = threading.Condition()
        self._waiting = 0
        self._wake_items = self.max_items * 3 // 4
        self._wake_rows = self.max_rows * 3 // 4
        self.items = 0  # items ever put (counted ones)
        self.rows = 0  # rows ever put
        self.pending_rows = 0  # rows put and not yet taken by the writer
        self.max_depth = 0  # most items waiting at once
        self.max_pending_rows = 0  # most rows waiting at once
        self.waits = 0  # times a producer blocked at a bound (counted as each wait begins)
        self.wait_s = 0.0

    @property
    def waiting(self) -> int:
        """Producers blocked at a bound right now."""
        return self._waiting

    def qsize(self) -> int:
        return self._q.qsize()

    def _full(self, nrows: int) -> bool:
        pending = self.pending_rows
        return self._q.qsize() >= self.max_items or (pending > 0 and pending + nrows > self.max_rows)

    def put(self, item: tuple, nrows: int, alive) -> None:
        """Queue ``item`` standing for ``nrows`` rows, first waiting for room if the queue is at a
        bound; ``alive()`` says whether the writer still runs (if not, waiting would be forever:
        RuntimeError)."""
        if self._full(nrows):
            self._wait(nrows, alive)
        with self._lock:
            depth = self._q.qsize()
            self.items += 1
            self.rows += nrows
            self.pending_rows += nrows
            if self.pending_rows > self.max_pending_rows:
                self.max_pending_rows = self.pending_rows
            if depth >= self.max_depth:
                self.max_depth = depth + 1
        self._q.put(item)

    def put_control(self, item: tuple) -> None:
        """A control item (flush, stop): never blocks, stands for no rows."""
        self._q.put(item)

    def _wait(self, nrows: int, alive) -> None:
        t0 = time.perf_counter()
        with self._lock:
            self.waits += 1  # counted when it begins: a producer still waiting shows
        with self._room:
            self._waiting += 1
            try:
                while self._full(nrows):
                    if not alive():
                        raise RuntimeError("session log writer is not running and its queue is full")
                    self._room.wait(0.05)
            finally:
                self._waiting -= 1
        with self._lock:
            self.wait_s += time.perf_counter() - t0

    def get(self, timeout: float | None = None) -> tuple:
        """The next item (raises ``queue.Empty`` after ``timeout``); the writer then calls :meth:`taken`."""
        return self._q.get() if timeout is None else self._q.get(timeout=timeout)

    def taken(self, nrows: int) -> None:
        """The writer took an item of ``nrows`` rows off the queue.  A blocked producer is woken once
        the queue has drained to 3/4 of its bounds, not after every item: each wake-up hands the GIL
        over (the producer's own 50 ms wait re-checks anyway)."""
        if nrows:
            with self._lock:
                self.pending_rows -= nrows
        if self._waiting and self._q.qsize() <= self._wake_items and self.pending_rows <= self._wake_rows:
            self.wake()

    def wake(self) -> None:
        with self._room:
            self._room.notify_all()
