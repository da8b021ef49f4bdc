"""Where session logs go by default (per-user data folder, platform conventions)."""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

APP_DIR = "controlroom"


def data_dir() -> Path:
    """The per-user data folder of the app.

    * Linux and other Unix: ``$XDG_DATA_HOME/controlroom`` (default ``~/.local/share/controlroom``)
    * macOS: ``~/Library/Application Support/controlroom``
    * Windows: ``%LOCALAPPDATA%\\controlroom`` (falls back to ``%APPDATA%``, then the home folder)
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_DIR
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / APP_DIR


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def safe_room(room: str) -> str:
    """The room name reduced to characters safe in a file name on every platform."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", room).strip("._")
    return s[:64] or "room"


def default_log_path(room: str, when: float | None = None) -> Path:
    """``<sessions dir>/<room>-<YYYYmmdd-HHMMSS>.sqlite`` (local time); the folder is not created."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if when is None else when))
    return sessions_dir() / f"{safe_room(room)}-{stamp}.sqlite"
