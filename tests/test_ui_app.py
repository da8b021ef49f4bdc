"""The verbs open the desk: ``controlroom demo`` (what ``make demo`` runs) and ``controlroom desk`` end to end."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from ui.testing import start_shop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.timeout(60)


def run_cli(*args, timeout=40):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "ui", *args], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=timeout)
    return r, time.monotonic() - t0


def test_demo_opens_the_desk_and_exits_after_duration():
    r, secs = run_cli("demo", "--insecure", "--no-log", "--duration", "3", "--speed", "20", "--lang", "zh_CN")
    assert r.returncode == 0, r.stderr[-2000:]
    assert 2.5 <= secs < 30
    assert "Traceback" not in r.stderr


def test_run_desk_app_on_a_running_shop_writes_a_session_log(tmp_path, qapp):
    """``controlroom desk`` calls run_desk_app(settings, client_curve, args); run it in-process for 2 s."""
    from types import SimpleNamespace

    from controlroom.settings import load_settings
    from ui.app import run_desk_app

    shop = start_shop("steady", 1, 20.0)
    try:
        ev, rq = shop.endpoints
        log = tmp_path / "s.sqlite"
        settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq})
        args = SimpleNamespace(operator="alice", lang="en", log=str(log), no_log=False, duration=2.0)
        t0 = time.monotonic()
        rc = run_desk_app(settings, None, args)
        assert rc == 0
        assert 1.5 <= time.monotonic() - t0 < 20
        assert log.exists() and log.stat().st_size > 0
    finally:
        shop.stop()


def test_desk_rejects_an_unknown_language():
    r, _ = run_cli("desk", "--insecure", "--no-log", "--lang", "fr")
    assert r.returncode == 2 and "zh_CN or en" in r.stderr
