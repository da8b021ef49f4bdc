"""Summary rows and scrub checkpoints for an older log: built once into a cache file, never into the log.

A log written before schema 3 has neither (the overview needs the summary: built while it
opens, with progress); a schema-3 log has its summary but no checkpoints (built when the
timeline first needs them, :func:`controlroom.review.scrub.ensure_checkpoints`).  Either way
the same :class:`~controlroom.log.summary.SummaryTracker` the writer uses runs over the events.

The cache is an SQLite file in the user's cache folder (``platformdirs.user_cache_dir``,
``controlroom/review/``), one per log, named by a hash of the log's resolved path.  It holds
the tables of :mod:`controlroom.log.summary` plus ``cache_key``: what it was built from.  It is
used only when its key matches the log (:func:`log_key`: room, start time, number of events,
the first and last event's raw JSON hashed, number of snapshots); otherwise it is rebuilt.
The key is read from the log with a handful of indexed queries, so checking costs no scan.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Callable

from controlroom.log.summary import SummaryTracker, create_summary_tables

__all__ = ["cache_dir", "cache_path", "replay_cache_path", "log_key", "open_cache", "build_cache", "Cancelled"]

CACHE_FORMAT = 4  # 4: with the scrub checkpoints (controlroom.log.checkpoints); older caches are rebuilt


class Cancelled(Exception):
    """The build was cancelled (the partial cache file is removed)."""


def cache_dir() -> Path:
    """``<user cache folder>/controlroom/review`` (``CONTROLROOM_CACHE_DIR`` overrides it)."""
    env = os.environ.get("CONTROLROOM_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("controlroom", appauthor=False)) / "review"


def cache_path(log_path: str | os.PathLike) -> Path:
    h = hashlib.sha256(str(Path(log_path).resolve()).encode()).hexdigest()[:24]
    return cache_dir() / f"{h}.sqlite"


def replay_cache_path(log_path: str | os.PathLike) -> Path:
    """Where replays keep the log's column blocks (:class:`~controlroom.log.blockcache.BlockCache`)."""
    return cache_path(log_path).with_suffix(".blocks.sqlite")


def log_key(conn: sqlite3.Connection) -> str:
    """What identifies the log's contents cheaply (see module doc)."""
    h = hashlib.sha256()
    h.update(f"format {CACHE_FORMAT}\n".encode())
    for r in conn.execute("SELECT room, started_at FROM session ORDER BY id LIMIT 1"):
        h.update(repr(r).encode())
    top = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
    h.update(f"events {top}\n".encode())
    for q in ("SELECT raw FROM events ORDER BY id LIMIT 1", "SELECT raw FROM events ORDER BY id DESC LIMIT 1"):
        r = conn.execute(q).fetchone()
        h.update((r[0] or "").encode() if r else b"-")
    h.update(repr(conn.execute("SELECT count(*), max(id) FROM snapshots").fetchone()).encode())
    return h.hexdigest()


def open_cache(log_path: str | os.PathLike, key: str) -> sqlite3.Connection | None:
    """The cache of ``log_path`` if it exists and was built from a log with this key."""
    p = cache_path(log_path)
    if not p.exists():
        return None
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        row = conn.execute("SELECT key FROM cache_key").fetchone()
        if row and row[0] == key and conn.execute("SELECT count(*) FROM sum_meta").fetchone()[0] == 1:
            return conn
        conn.close()
    except sqlite3.Error:
        pass
    return None


def build_cache(reader, key: str, progress: Callable[[int, int], bool] | None = None) -> sqlite3.Connection:
    """Run the summary tracker over the log (read-only) and write the cache; returns it open.

    ``progress(done, total)`` after each chunk of events; returning False cancels
    (:class:`Cancelled`).
    """
    p = cache_path(reader.path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(f".tmp{os.getpid()}")
    tracker = SummaryTracker()
    room = reader.conn.execute("SELECT room FROM session LIMIT 1").fetchone()[0]
    stopped = []

    def step(done: int, total: int) -> bool:
        if progress is not None and progress(done, total) is False:
            stopped.append(True)
            return False
        return True

    tracker.run_log(reader.conn, room, progress=step)
    if stopped:
        raise Cancelled()
    try:
        tmp.unlink(missing_ok=True)
        out = sqlite3.connect(str(tmp), isolation_level=None)
        out.execute("BEGIN")
        create_summary_tables(out)
        out.execute("CREATE TABLE cache_key (key TEXT)")
        out.execute("INSERT INTO cache_key VALUES (?)", (key,))
        tracker.flush(out)
        out.execute("COMMIT")
        out.close()
        os.replace(tmp, p)
    finally:
        tmp.unlink(missing_ok=True)
    return sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
