"""Where things live: platformdirs folders, the per-user settings file, and ``controlroom logs``."""
from __future__ import annotations

import subprocess
import sys

import pytest

from controlroom import places


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform != "linux":
        pytest.skip("the XDG variables move the folders on Linux only")
    return tmp_path


def test_folders_follow_the_platform(home):
    from controlroom.log.paths import default_log_path

    assert places.settings_file() == home / "cfg" / "controlroom" / "settings.toml"
    assert places.rooms_file() == home / "cfg" / "controlroom" / "rooms.toml"
    assert places.sessions_dir() == home / "data" / "controlroom" / "sessions"
    assert default_log_path("demo-evening").parent == places.sessions_dir()
    line = places.startup_line()
    assert str(places.settings_file()) in line and str(places.sessions_dir()) in line and "\n" not in line


def test_the_settings_file_is_read_when_present(home):
    from controlroom.live.wiring import load_session_settings

    class Args:
        config = None
        set: list = []
        events = requests = None

    assert load_session_settings(Args()).tiers["profit"].multiplier != 1.7
    places.settings_file().parent.mkdir(parents=True)
    places.settings_file().write_text("[tiers.profit]\nmultiplier = 1.7\n", encoding="utf-8")
    assert load_session_settings(Args()).tiers["profit"].multiplier == 1.7


def test_logs_lists_recent_shows(home, tmp_path):
    """Two real session logs (one closed, one still open) and a stray file, listed newest first."""
    import os
    import time

    from controlroom.log import SessionLog
    from controlroom.settings import Settings

    folder = places.sessions_dir()
    folder.mkdir(parents=True)
    t0 = time.time() - 7200
    a = SessionLog(folder / "room-a.sqlite", room="room-a", settings=Settings(), app_version="t").start()
    a.close()
    os.utime(folder / "room-a.sqlite", (t0, t0))
    b = SessionLog(folder / "room-b.sqlite", room="room-b", settings=Settings(), app_version="t").start()
    (folder / "junk.sqlite").write_bytes(b"not a log")
    os.utime(folder / "junk.sqlite", (t0 - 60, t0 - 60))
    try:
        out = subprocess.run([sys.executable, "-m", "controlroom.cli", "logs"], capture_output=True, text=True,
                             env={**os.environ}, timeout=60)
    finally:
        b.close()
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "room" in lines[0] and "length" in lines[0]
    assert "room-b" in lines[1] and "room-a" in lines[2] and "junk.sqlite" in lines[3]
    assert str(folder / "room-a.sqlite") in lines[2]


def test_help_about_shows_where_things_live(home, qtbot):
    from PySide6.QtWidgets import QWidget

    from ui.app import make_app
    from ui.desk.help import HelpOverlay

    make_app("en")
    parent = QWidget()
    qtbot.addWidget(parent)
    h = HelpOverlay(parent)
    h.set_rows([("Alerts", [("A", "Acknowledge alert")])])
    # (The folder may break a line after any slash: the label carries zero-width spaces there.)
    rows = {k: v.text().replace("\u200b", "") for k, v in h.about_rows.items()}
    assert rows["settings, preferences, rooms"].splitlines() == [
        places.short(places.config_dir()), "settings.toml  ·  desk.ini  ·  rooms.toml"]
    assert rows["session logs"].splitlines()[0] == places.short(places.sessions_dir())
    assert h.about_rows["session logs"].toolTip() == str(places.sessions_dir())


def test_help_names_the_defaults_really_used(home, capsys):
    """Every session verb's --help names the folders and endpoints it really falls back to."""
    from controlroom.cli import build_parser
    from controlroom.security.keys import default_keys_dir
    from controlroom.settings import Settings

    ap = build_parser()
    helps = {}
    for verb in ("simulate", "engine", "desk", "demo"):
        with pytest.raises(SystemExit):
            ap.parse_args([verb, "--help"])
        helps[verb] = " ".join(capsys.readouterr().out.split())
    feed = Settings().feed
    flat = {v: "".join(h.split()) for v, h in helps.items()}  # argparse wraps long paths anywhere
    for verb in ("engine", "desk"):
        assert f"feed.events_endpoint, {feed.events_endpoint}" in helps[verb]
        assert f"feed.requests_endpoint, {feed.requests_endpoint}" in helps[verb]
    assert "free loopback ports" in helps["demo"] and "7701" not in helps["demo"]
    for verb in ("engine", "desk", "demo"):
        assert str(places.settings_file()) in flat[verb] and str(places.sessions_dir()) in flat[verb]
    for verb in helps:
        assert str(default_keys_dir()) in flat[verb]
