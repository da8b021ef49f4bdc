"""What a running core holds in its bounded structures, counted for the soak benchmarks.

The issue's memory target ("flat after warm-up") is shown by sampling a process's resident memory;
this census says *what* that memory is made of, so growth can be explained rather than guessed:
order ids remembered for dedup, chart histories, the alert and episode histories, the log writer's
queue and SQLite's own memory.  Read-only, cheap (counts and array sizes, no copies); it is taken
every simulated 10 minutes by ``bench.bench_soak`` in-process and, in the desk's arrangement, by
the core child on the desk's ``census`` request (:mod:`controlroom.live.core_child`).
"""
from __future__ import annotations

import gc
import sys
from typing import Any


def sqlite_mb() -> float | None:
    """Memory SQLite holds in this process (all connections: page caches, statements), in MB."""
    import ctypes
    import ctypes.util

    try:  # the same shared library the sqlite3 module uses, so the same counters
        lib = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        return lib.sqlite3_memory_used() / 1e6
    except (OSError, AttributeError, TypeError):
        return None


def proc_status_mb(pid: int | str = "self") -> dict[str, float]:
    """Anonymous (heap, arrays) and file-backed (libraries) resident memory of a process, in MB (Linux)."""
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("RssAnon:", "RssFile:")):
                    out[line.split(":")[0].lower()] = int(line.split()[1]) / 1e3
    except (OSError, ValueError, IndexError):
        pass
    return out


def malloc_trim() -> bool:
    """Give free heap memory back to the system (glibc ``malloc_trim(0)``, every arena); False where
    there is no glibc.  Diagnostic only: what RSS drops by was free memory malloc still held."""
    import ctypes

    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def _len(obj: Any) -> int | None:
    try:
        return len(obj)
    except TypeError:
        return None


def census(session: Any, log: Any = None, trim: bool = False) -> dict:
    """Counts of what the core (a :class:`~controlroom.live.session.LiveSession`) holds now.

    ``trim``: then call :func:`malloc_trim` and add ``rssanon_after_trim`` (taken once, at the end of a
    soak: how much of the process's anonymous memory was free memory the allocator kept).

    May be called from another thread than the core's: every read is a count or a size, and a
    structure that changes size while being summed is simply counted again.
    """
    log = log if log is not None else getattr(session, "session_log", None)
    feed = getattr(session, "feed", None)
    mirror = getattr(feed, "mirror", None)
    tr = getattr(getattr(log, "_summary", None), "tracker", None)
    out: dict[str, Any] = {
        "ids_core": _len(mirror.orders_seen) if mirror is not None else None,
        "ids_log": _len(tr.mirror.orders_seen) if tr is not None else None,
    }
    for _ in range(3):  # a SKU added meanwhile (never in a soak) changes the dict: count again
        try:
            series = list(session.history_store._series.values())
            out["history_mb"] = sum(x.ts.nbytes + x.val.nbytes for x in series) / 1e6
            break
        except RuntimeError:
            continue
    eng = getattr(session, "engine", None)
    if eng is not None:
        out["alert_history"] = _len(eng.book.history)
        out["episode_history"] = _len(eng.episodes.history)
        out["alerts_active"] = _len(eng.book.active)
    out["transitions"] = _len(getattr(session, "transitions", ()))
    if log is not None:
        out["log_queue"] = log.stats.get("queue_depth")
    out["sqlite_mb"] = sqlite_mb()
    out["py_objects"] = len(gc.get_objects())
    out["py_blocks"] = sys.getallocatedblocks()
    out.update(proc_status_mb())
    if trim and malloc_trim():
        out["rssanon_after_trim"] = proc_status_mb().get("rssanon")
    return out
