"""Where session logs go by default (per-user data folder, platform conventions)."""
from __future__ import annotations

import re
import time
from pathlib import Path

APP_DIR = "controlroom"


def data_dir() -> Path:
    """The per-user data folder of the app (:func:`controlroom.places.data_dir`, from ``platformdirs``):
    ``~/.local/share/controlroom`` on Linux (``$XDG_DATA_HOME`` moves it), ``~/Library/Application
    Support/controlroom`` on macOS, ``%LOCALAPPDATA%\\controlroom`` on Windows."""
    from controlroom.places import data_dir as _data_dir

    return _data_dir()


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
