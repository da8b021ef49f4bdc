"""The command line: clear one-line errors for bad input, and no Qt trace without a display."""
from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cr(*args, env=None, timeout=60):
    e = dict(os.environ)
    for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        e.pop(k, None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "ui", *args], capture_output=True, text=True,
                          cwd=ROOT, env=e, timeout=timeout)


def test_demo_without_display_says_so_in_one_line():
    r = cr("demo")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "xvfb-run" in lines[0]
    assert "Traceback" not in r.stderr and "qt.qpa" not in r.stderr


def test_desk_without_display_says_so_in_one_line():
    r = cr("desk")
    assert r.returncode == 2 and "no display" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_review_window_without_display_says_so_and_what_reads_a_log_without_one(tmp_path):
    """A manager handed a log on a machine without a display: one line naming the verbs that need none, not Qt
    aborting the process (it did: exit 134, "could not connect to display")."""
    from controlroom.log.writer import SessionLog

    log = tmp_path / "show.sqlite"
    SessionLog(log, room="r", settings={}, app_version="test").start().close()
    r = cr("review", str(log))
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "--summary" in lines[0] and "--report" in lines[0]
    assert "qt.qpa" not in r.stderr and "Traceback" not in r.stderr
    assert cr("review", str(log), "--summary").returncode == 0  # and that verb does read it


def test_unknown_scenario_is_a_clear_error():
    r = cr("simulate", "--scenario", "nope", "--insecure")
    assert r.returncode == 2 and "unknown scenario 'nope'" in r.stderr and "evening-show" in r.stderr


def test_bad_settings_file_names_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[tiers.profit]\nmultiplier = \"lots\"\n")
    r = cr("engine", "--headless", "--duration", "1", "--config", str(bad), "--insecure")
    assert r.returncode == 2 and "tiers.profit.multiplier" in r.stderr and "Traceback" not in r.stderr


def test_missing_settings_file_is_a_clear_error(tmp_path):
    r = cr("engine", "--headless", "--duration", "1", "--config", str(tmp_path / "none.toml"), "--insecure")
    assert r.returncode == 2 and "none.toml" in r.stderr and "Traceback" not in r.stderr


def test_bad_override_is_a_clear_error():
    r = cr("engine", "--headless", "--duration", "1", "--set", "nonsense", "--insecure")
    assert r.returncode == 2 and "KEY=VALUE" in r.stderr


def test_engine_requires_headless_flag():
    r = cr("engine", "--insecure")
    assert r.returncode == 2 and "--headless" in r.stderr


def test_help_lists_every_verb():
    r = cr("--help")
    for verb in ("simulate", "engine", "desk", "demo", "evaluate", "keys", "review", "backtest", "tune"):
        assert verb in r.stdout
