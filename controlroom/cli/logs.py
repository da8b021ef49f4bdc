"""``controlroom logs``: the recent session logs, newest first, with the show each one holds."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def describe_log(path: Path) -> dict:
    """Room, start, length and size of one session log (read-only; a file that is not a log says so)."""
    from controlroom.log.reader import LogReader

    out = {"path": str(path), "size_mb": path.stat().st_size / 1e6, "room": None, "started_at": None,
           "length_s": None, "open": False, "error": None}
    try:
        with LogReader(path, migrate=False) as r:
            s = r.session()
    except Exception as e:  # not a log, a newer format, locked: listed with the reason, never fatal
        out["error"] = str(e).splitlines()[0][:120]
        return out
    out["room"], out["started_at"] = s.get("room"), s.get("started_at")
    end = s.get("ended_at") or max((g.get("last_commit_at") or 0 for g in s.get("segments", [])), default=0)
    out["open"] = not s.get("ended_at")
    if out["started_at"] and end:
        out["length_s"] = max(0.0, end - out["started_at"])
    return out


def recent_logs(folder: Path, limit: int) -> list[dict]:
    files = sorted(folder.glob("*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []
    return [describe_log(p) for p in files[:limit]]


def _line(d: dict) -> str:
    if d["error"]:
        return f"{'?':<16}  {'':<22}  {'':>9}  {d['size_mb']:7.1f} MB  {d['path']}  ({d['error']})"
    start = time.strftime("%Y-%m-%d %H:%M", time.localtime(d["started_at"])) if d["started_at"] else "?"
    length = f"{d['length_s'] / 60:.0f} min" if d["length_s"] is not None else "?"
    if d["open"]:
        length += "*"
    return f"{start:<16}  {str(d['room'])[:22]:<22}  {length:>9}  {d['size_mb']:7.1f} MB  {d['path']}"


def main(argv: list[str] | None = None) -> int:
    from controlroom.places import sessions_dir

    default_dir = sessions_dir()
    ap = argparse.ArgumentParser(prog="controlroom logs", description=__doc__.splitlines()[0].split(": ", 1)[1])
    ap.add_argument("--dir", default=None, metavar="FOLDER", help=f"where to look (default {default_dir})")
    ap.add_argument("-n", type=int, default=10, help="how many (default 10)")
    a = ap.parse_args(argv)
    folder = Path(a.dir) if a.dir else default_dir
    logs = recent_logs(folder, a.n)
    if not logs:
        print(f"no session logs in {folder}")
        return 0
    print(f"{'started':<16}  {'room':<22}  {'length':>9}  {'size':>10}  file   (newest first; * = not closed)")
    for d in logs:
        print(_line(d))
    print(f"open one with: controlroom review FILE", file=sys.stderr)
    return 0
