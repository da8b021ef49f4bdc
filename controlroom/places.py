"""Where controlroom keeps things on this computer: the platform's per-user folders (``platformdirs``).

* settings: ``<config>/settings.toml`` — read by every session verb when present (``--config`` wins);
* the desk's own preferences (theme, language, layout): ``<config>/desk.ini``;
* the room list: ``<config>/rooms.toml``;
* session logs: ``<data>/sessions/<room>-<start>.sqlite``.

``<config>`` is e.g. ``~/.config/controlroom`` on Linux, ``~/Library/Application Support/controlroom``
on macOS, ``%LOCALAPPDATA%\\controlroom`` on Windows; ``<data>`` is ``~/.local/share/controlroom`` on
Linux and the same folder as ``<config>`` elsewhere.  ``XDG_CONFIG_HOME`` / ``XDG_DATA_HOME`` move them
on Linux.  Nothing here creates a folder; writers do when they first write.
"""
from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "controlroom"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def settings_file() -> Path:
    return config_dir() / "settings.toml"


def desk_prefs_file() -> Path:
    return config_dir() / "desk.ini"


def rooms_file() -> Path:
    return config_dir() / "rooms.toml"


def places() -> list[tuple[str, Path]]:
    """(what, where) for everything the app keeps, in the order the About box shows them."""
    return [("settings", settings_file()), ("desk preferences", desk_prefs_file()), ("room list", rooms_file()),
            ("session logs", sessions_dir())]


def folders() -> list[tuple[str, Path, tuple[str, ...]]]:
    """(what, folder, files in it) — the two folders the About box shows (short enough to read)."""
    return [("settings, preferences, rooms", config_dir(), (settings_file().name, desk_prefs_file().name,
                                                            rooms_file().name)),
            ("session logs", sessions_dir(), ("<room>-<start>.sqlite",))]


def short(path: Path) -> str:
    """``path`` normalised (no ``x/..``), with the home folder written ``~``."""
    import os

    path = Path(os.path.normpath(path))
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def startup_line() -> str:
    """One line for stderr at start-up."""
    return "controlroom keeps: " + " · ".join(f"{what} {where}" for what, where in places())
