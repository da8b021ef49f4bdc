"""A per-log cache of the replay's column blocks: SQLite's share of a replay paid once per log.

Since schema 5 the writer stores these blocks in the log itself (``event_blocks``,
:mod:`~controlroom.log.block_writer`), and a replay of such a log reads them there and uses no
cache; this cache serves logs written before that (or by a writer whose blocks are missing).

Replaying from the log (``LogReader.iter_event_blocks(columns=True)``) costs SQLite about a
microsecond an event to build each block's column arrays (:func:`~controlroom.log.blocks.fetch_block`:
one aggregate per column, each converting every value to JSON text), about as much as the
mirror and the engine together.  With a free core the prefetch thread hides it; with no core
free it adds up, and the replay from the log ran at 0.57-0.63 of the same replay in memory.
No rewrite of the query measured brings SQLite plus the decoding of what it returns below
~1.2 µs an event (docs/benchmarks.md, *Replay from the log: the block cache*), so backtest
and tune, which replay one log several times, keep what the first replay fetched:
:class:`BlockCache` writes each
column block's result, exactly as ``fetch_block`` returned it, into a second SQLite file while
the first replay reads, and later replays read one row per block from it (about 0.05 µs an
event) and hand the same values to the same :class:`~controlroom.log.blocks.EventBlock` code,
so their decisions are the same by construction.

The cache is never written into the log.  It is used only when its key matches the log as
the reader's own transaction sees it (:func:`block_key`: room, start time, the last event id
and the first and last event's raw JSON, the block size and this format): a log that grew (a
show still being written) or was replaced gets a new cache.  A build that does not reach the
last block (the replay stopped early, an error) leaves no file; a finished one is moved into
place atomically, so two processes building at once leave one whole cache.  The file takes
about 60 bytes an event (62 MB for a million); it is not written when the disk has less than
twice that free, and deleting it only costs the next replay its speed.  A folder keeps the
:data:`KEEP` most recently used of them: a new one removes the oldest beyond that.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Callable

from controlroom.log.blocks import fetch_block

__all__ = ["BlockCache", "block_key", "CACHE_FORMAT"]

CACHE_FORMAT = 1
BYTES_PER_EVENT = 64  # what the cache file takes per event, about (orders and carts; for the disk check)
KEEP = 6  # block caches kept in one folder (the most recently used): logs reviewed lately, not every log
# what fetch_block returns for a column block: ("cols", codes, (7 JSON arrays), others JSON or None)
_COLS = ("c0", "c1", "c2", "c3", "c4", "c5", "c6")
_DDL = ("CREATE TABLE blocks (lo INTEGER PRIMARY KEY, hi INTEGER NOT NULL, kind TEXT NOT NULL, codes TEXT, "
        + ", ".join(f"{c} TEXT" for c in _COLS) + ", others TEXT)")
_INSERT = f"INSERT INTO blocks VALUES ({', '.join('?' * 12)})"
_SELECT = f"SELECT lo, hi, kind, codes, {', '.join(_COLS)}, others FROM blocks WHERE lo >= ? ORDER BY lo"

Fetch = Callable[[int, int], tuple]


def block_key(conn: sqlite3.Connection, top: int, block: int) -> str:
    """What identifies the log's events for the cache, read in ``conn``'s current transaction.

    ``top`` is the last event id that transaction sees; a handful of indexed queries, no scan.
    """
    h = hashlib.sha256(f"replay blocks {CACHE_FORMAT} block {block} top {top}\n".encode())
    for r in conn.execute("SELECT room, started_at FROM session ORDER BY id LIMIT 1"):
        h.update(repr(r).encode())
    for q in ("SELECT raw FROM events ORDER BY id LIMIT 1", "SELECT raw FROM events WHERE id = ?"):
        r = conn.execute(q, () if "?" not in q else (top,)).fetchone()
        h.update(b"|" + ((r[0] or "").encode() if r else b"-"))
    return h.hexdigest()


class BlockCache:
    """The cache file of one log's column blocks (see the module doc); used on the reader's prefetch thread.

    ``open(conn, start_id, block, top, columns)`` returns the function the prefetch thread
    fetches each block with: from the cache when it holds a matching whole walk, otherwise
    ``fetch_block`` on the log, recording each result for a cache written at :meth:`close`.
    ``hits`` and ``misses`` count the blocks served each way (what tests and the bench read).
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.hits = 0
        self.misses = 0
        self.built = False  # whether the last walk wrote the cache
        # whether the walk reads its blocks from the cache file, nearly all of them as columns
        # (so the reader fetches them in its own thread: no helper thread to hand them over)
        self.serves_walk = False
        self._out: sqlite3.Connection | None = None
        self._tmp: Path | None = None
        self._src: sqlite3.Connection | None = None

    def open(self, conn: sqlite3.Connection, start_id: int, block: int, top: int, columns: bool) -> Fetch:
        """The fetch function for a walk of ``conn``'s events from ``start_id`` to ``top`` (inclusive)."""
        self.built = False
        self.serves_walk = False
        if not columns or top <= start_id:
            return lambda lo, hi: fetch_block(conn, lo, hi, columns)
        key = block_key(conn, top, block)
        src = self._open_existing(key)
        if src is not None:
            self._src = src
            try:
                os.utime(self.path)  # recently used: kept when a newer cache prunes the folder
            except OSError:
                pass
            n, n_cols = src.execute("SELECT count(*), count(codes) FROM blocks").fetchone()
            self.serves_walk = n_cols >= 0.9 * n
            rows = src.execute(_SELECT, (start_id,))
            nxt = [None]

            def cached(lo: int, hi: int) -> tuple:
                row = nxt[0] or next(rows, None)
                nxt[0] = None
                if row is not None and row[0] < lo:  # cannot happen in a whole walk; skip defensively
                    while row is not None and row[0] < lo:
                        row = next(rows, None)
                if row is None or row[0] != lo or row[1] != hi:
                    nxt[0] = row
                    self.misses += 1
                    return fetch_block(conn, lo, hi, columns)
                self.hits += 1
                if row[2] == "cols":
                    return ("cols", row[3], tuple(row[4:11]), row[11])
                return fetch_block(conn, lo, hi, columns)  # a block the columns do not cover: as before

            return cached
        if start_id != 0:  # only a whole walk writes a cache
            return lambda lo, hi: fetch_block(conn, lo, hi, columns)
        self._start_build(key, top - start_id)

        def recording(lo: int, hi: int) -> tuple:
            got = fetch_block(conn, lo, hi, columns)
            self.misses += 1
            out = self._out
            if out is not None:
                try:
                    if got[0] == "cols":
                        out.execute(_INSERT, (lo, hi, "cols", got[1], *got[2], got[3]))
                    else:
                        out.execute(_INSERT, (lo, hi, got[0]) + (None,) * 9)
                except sqlite3.Error:  # a full disk, say: the replay goes on without a cache
                    self.close(False)
            return got

        return recording

    def close(self, complete: bool) -> None:
        """End the walk: a build that reached the last block becomes the cache; anything else is dropped."""
        if self._src is not None:
            self._src.close()
            self._src = None
        out, tmp = self._out, self._tmp
        self._out = self._tmp = None
        if out is None or tmp is None:
            return
        try:
            if complete:
                out.execute("COMMIT")
            out.close()
            if complete:
                os.replace(tmp, self.path)
                self.built = True
                self._prune()
        except (sqlite3.Error, OSError):
            pass  # a cache that cannot be written only costs the next replay its speed
        finally:
            tmp.unlink(missing_ok=True)

    def _prune(self) -> None:
        """Remove the folder's least recently used block caches beyond :data:`KEEP` (never this one)."""
        try:
            found = [(p.stat().st_mtime, p) for p in self.path.parent.glob("*.blocks.sqlite") if p != self.path]
        except OSError:
            return
        for _, p in sorted(found, reverse=True)[KEEP - 1:]:
            try:
                p.unlink()
            except OSError:
                pass

    def _open_existing(self, key: str) -> sqlite3.Connection | None:
        if not self.path.exists():
            return None
        try:
            src = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            row = src.execute("SELECT key FROM cache_key").fetchone()
            if row and row[0] == key:
                return src
            src.close()
        except sqlite3.Error:
            pass
        return None

    def _start_build(self, key: str, events: int) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # ~60 bytes an event (62 MB for bench log's 1M events): leave the disk room to spare
            if shutil.disk_usage(self.path.parent).free < 2 * BYTES_PER_EVENT * events + (256 << 20):
                return
            tmp = self.path.with_name(f"{self.path.name}.tmp{os.getpid()}-{id(self):x}")
            tmp.unlink(missing_ok=True)
            out = sqlite3.connect(str(tmp), isolation_level=None, check_same_thread=False)
            out.execute("PRAGMA journal_mode=OFF")  # a half-written file is deleted, never read
            out.execute("BEGIN")
            out.execute(_DDL)
            out.execute("CREATE TABLE cache_key (key TEXT)")
            out.execute("INSERT INTO cache_key VALUES (?)", (key,))
        except (sqlite3.Error, OSError):
            return
        self._out, self._tmp = out, tmp
