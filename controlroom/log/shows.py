"""Which file a room's engine writes when it is given a log *folder* (``--log DIR``): its current show's.

A room run as a service is restarted by the operating system after a crash, and by hand
between shows.  A restart in the middle of a show must continue that show's log (a new
segment, see :mod:`controlroom.log.segments`), not start a second show; the next show must
get a file of its own.  The rule: the newest ``<room>-<stamp>.sqlite`` in the folder is the
current show while its last activity (last commit or clean close) is less than
``new_show_after_s`` ago; otherwise a new file is named.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from controlroom.log.paths import default_log_path, safe_room

NEW_SHOW_AFTER_S = 3600.0  # a room idle this long starts a new show on its next start


def room_logs(directory: str | Path, room: str) -> list[Path]:
    """The room's log files in ``directory``, oldest first (by the start stamp in their names)."""
    d = Path(directory)
    if not d.is_dir():
        return []
    prefix = safe_room(room) + "-"
    # The stamp is fixed-width (YYYYmmdd-HHMMSS), so name order is start order.
    return sorted(p for p in d.glob(f"{prefix}*.sqlite")
                  if p.is_file() and p.name[len(prefix):-len(".sqlite")].replace("-", "").isdigit())


def last_activity(path: Path) -> float | None:
    """Wall time of the file's last commit or clean close; None when it cannot be read as a session log."""
    try:
        # Read-only and immutable-free: the file may be mid-WAL after a SIGKILL; sqlite reads the WAL too.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT max(coalesce(ended_at, 0)), max(coalesce(last_commit_at, 0)),"
                           " max(started_at) FROM segments").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    vals = [v for v in (row or ()) if v]
    return max(vals) if vals else None


def current_show_log(directory: str | Path, room: str, *, new_show_after_s: float = NEW_SHOW_AFTER_S,
                     now: float | None = None) -> tuple[Path, bool]:
    """(path, continued): the file this run of ``room`` writes in ``directory``.

    ``continued`` is True when the path is the current show's existing file (the run
    becomes its next segment), False for a new show's file.
    """
    now = time.time() if now is None else now
    logs = room_logs(directory, room)
    if logs:
        newest = logs[-1]
        last = last_activity(newest)
        if last is not None and now - last < new_show_after_s:
            return newest, True
    path = Path(directory) / default_log_path(room, now).name
    if path.exists():  # a second new show within the same second: never reuse another show's file
        path = path.with_name(f"{path.stem}-{int(now * 1000) % 1000:03d}.sqlite")
    return path, False
