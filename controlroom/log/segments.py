"""The session, its segments and the file lock: what a run of the app records about itself.

A log file holds one session; each run of the app on it is a segment.  A new file gets the
session row and segment 1; opening an existing one continues it (a new segment with the gap
since the last one, a ``restart`` feed row, a settings change if the settings differ); a clean
close stamps ``ended_at``.  One process writes a file at a time (an advisory lock).
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import IO

from controlroom.log.schema import INSERT_SQL, LogFormatError


def lock_path(path: Path) -> Path:
    """The lock file next to the log: ``<file>.lock``."""
    return path.with_name(path.name + ".lock")


def take_lock(path: Path) -> IO | None:
    """One writer per file: an advisory lock on ``<file>.lock`` (released by the OS on any exit).

    Two apps started with the same ``--log`` would otherwise interleave their rows.
    Returns the open lock file, to be given to :func:`release_lock`.  (On Windows, where
    ``fcntl`` is missing, no lock is taken and None is returned.)
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    f = open(lock_path(path), "a+")
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise LogFormatError(f"{path} is being written by another controlroom process") from None
    f.seek(0)
    f.truncate()
    f.write(f"{os.getpid()}\n")
    f.flush()
    return f


def release_lock(f: IO | None, path: Path, remove: bool = False) -> None:
    """Release a lock from :func:`take_lock` (``remove`` the lock file too, after a clean close)."""
    if f is None:
        return
    try:
        if remove:
            os.unlink(lock_path(path))
    except OSError:
        pass
    f.close()


def new_session(conn: sqlite3.Connection, room: str, app_version: str, sj: str) -> int:
    """The session row and segment 1 of a new file (``sj``: the settings as JSON); returns 1."""
    now = time.time()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO session (id, room, started_at, ended_at, app_version, settings)"
                 " VALUES (1, ?, ?, NULL, ?, ?)", (room, now, app_version, sj))
    conn.execute("INSERT INTO segments (segment, started_at, ended_at, last_commit_at, app_version,"
                 " pid, gap_s, previous_clean, settings) VALUES (1, ?, NULL, ?, ?, ?, NULL, NULL, ?)",
                 (now, now, app_version, os.getpid(), sj))
    conn.execute("COMMIT")
    return 1


def continue_session(conn: sqlite3.Connection, path: Path, room: str, app_version: str,
                     sj: str) -> tuple[int, float | None]:
    """A new segment of an existing file; returns (segment, gap in seconds or None).

    Refuses (:class:`LogFormatError`) the log of another room.
    """
    now = time.time()
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT room, settings FROM session ORDER BY id LIMIT 1").fetchone()
        if row is None:
            conn.execute("INSERT INTO session (id, room, started_at, ended_at, app_version, settings)"
                         " VALUES (1, ?, ?, NULL, ?, ?)", (room, now, app_version, sj))
            row = (room, sj)
        elif row[0] != room:
            raise LogFormatError(f"{path} is the log of room {row[0]!r}, not {room!r}")
        prev = conn.execute("SELECT segment, started_at, ended_at, last_commit_at FROM segments"
                            " ORDER BY segment DESC LIMIT 1").fetchone()
        if prev is None:
            seg, gap, clean, detail = 1, None, None, "log continued (no earlier segment recorded)"
        else:
            seg = prev[0] + 1
            clean = prev[2] is not None
            since = prev[2] if clean else (prev[3] or prev[1])
            gap = max(0.0, now - since)
            how = "closed cleanly" if clean else "ended without close (crash or kill)"
            detail = (f"segment {seg} started {gap:.1f} s after the last commit of segment "
                      f"{prev[0]}, which {how}")
        conn.execute("INSERT INTO segments (segment, started_at, ended_at, last_commit_at, app_version,"
                     " pid, gap_s, previous_clean, settings) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                     (seg, now, now, app_version, os.getpid(), gap,
                      None if clean is None else int(clean), sj))
        conn.execute(INSERT_SQL["feed"], (now, "restart", detail))
        conn.execute("UPDATE session SET ended_at = NULL")
        last = conn.execute("SELECT settings FROM settings_changes ORDER BY id DESC LIMIT 1").fetchone()
        if (last[0] if last else row[1]) != sj:
            conn.execute(INSERT_SQL["settings_changes"], (now, "restart", sj))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return seg, gap


def end_session(conn: sqlite3.Connection, segment: int | None) -> None:
    """A clean close: commit what is open, stamp ``ended_at`` on the segment and the session."""
    if conn.in_transaction:
        conn.execute("COMMIT")
    now = time.time()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE segments SET ended_at = ?, last_commit_at = ? WHERE segment = ?",
                 (now, now, segment))
    conn.execute("UPDATE session SET ended_at = ?", (now,))
    conn.execute("COMMIT")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass
