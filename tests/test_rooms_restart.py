"""A room run as a service: a SIGKILLed engine restarted on the same ``--log DIR`` continues its show.

Real parts: a demo shop on loopback (its own thread and sockets), ``controlroom engine --headless``
as a real child process, SIGKILL, and the SQLite files it leaves behind.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from controlroom.cli.headless import free_port
from controlroom.log.shows import current_show_log, room_logs

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def _demo_shop(room: str):
    import dataclasses

    from controlroom.simulate.model import ShopModel
    from controlroom.simulate.runner import DemoShop
    from controlroom.simulate.scenarios import make_scenario

    ev, rq = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    model = ShopModel(dataclasses.replace(make_scenario("evening-show", 3), room=room), 3, lag_s=0.5)
    return DemoShop(model=model, speed=5.0, events_endpoint=ev, requests_endpoint=rq, linger_s=600).start(), ev, rq


def _engine(room: str, log_dir: Path, ev: str, rq: str, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "controlroom.cli", "engine", "--headless", "--quiet",
                             "--room", room, "--log", str(log_dir), "--events", ev, "--requests", rq,
                             "--state-endpoint", f"tcp://127.0.0.1:{free_port()}",
                             "--state-router", f"tcp://127.0.0.1:{free_port()}", "--insecure", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def _read(path: Path, sql: str):
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as c:
            return c.execute(sql).fetchall()
    except sqlite3.Error:
        return None


def _wait(cond, what: str, timeout: float = 60.0, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = cond()
        if got:
            return got
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"engine exited ({proc.returncode}) waiting for {what}: {proc.stderr.read()}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _events_in(log_dir: Path, room: str) -> int:
    logs = room_logs(log_dir, room)
    got = _read(logs[-1], "SELECT count(*) FROM events") if logs else None
    return got[0][0] if got else 0


def test_sigkilled_engine_continues_its_show_in_the_same_file(tmp_path):
    room, log_dir = "room-a", tmp_path / "logs"
    shop, ev, rq = _demo_shop(room)
    procs = []
    try:
        first = _engine(room, log_dir, ev, rq)
        procs.append(first)
        _wait(lambda: _events_in(log_dir, room) > 50, "events committed by the first run", proc=first)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert first.returncode == -signal.SIGKILL
        [path] = room_logs(log_dir, room)
        before = _events_in(log_dir, room)
        assert _read(path, "SELECT ended_at FROM segments")[0][0] is None  # killed, not closed

        second = _engine(room, log_dir, ev, rq)
        procs.append(second)
        _wait(lambda: (_read(path, "SELECT count(*) FROM segments") or [[0]])[0][0] == 2, "segment 2", proc=second)
        _wait(lambda: _events_in(log_dir, room) > before + 50, "events of the second run", proc=second)
        second.send_signal(signal.SIGTERM)  # a service stop: the log closes cleanly
        second.wait(30)
        assert second.returncode == 0, second.stderr.read()

        assert room_logs(log_dir, room) == [path]  # one show, one file
        segs = _read(path, "SELECT segment, previous_clean, ended_at FROM segments ORDER BY segment")
        assert [s[0] for s in segs] == [1, 2]
        assert segs[1][1] == 0  # segment 1 ended without a close
        assert segs[1][2] is not None  # segment 2 closed by SIGTERM
        restarts = _read(path, "SELECT detail FROM feed WHERE state = 'restart'")
        assert len(restarts) == 1 and "without close" in restarts[0][0]
        assert _read(path, "SELECT room FROM session") == [(room,)]

        # An engine started long after the show (here: --new-show-after 0) starts a new show's file.
        third = _engine(room, log_dir, ev, rq, "--new-show-after", "0")
        procs.append(third)
        _wait(lambda: len(room_logs(log_dir, room)) == 2 and _events_in(log_dir, room) > 0, "a new show's file",
              proc=third)
        third.send_signal(signal.SIGTERM)
        third.wait(30)
        new = room_logs(log_dir, room)[-1]
        assert new != path and _read(new, "SELECT count(*) FROM segments") == [(1,)]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shop.stop()


def test_current_show_rule(tmp_path):
    """Newest file of the room within the window continues; another room's file never does."""
    from controlroom.log import SessionLog

    a = tmp_path / "room-a-20260101-200000.sqlite"
    lg = SessionLog(a, room="room-a", app_version="t").start()
    lg.close()
    SessionLog(tmp_path / "room-b-20260101-210000.sqlite", room="room-b", app_version="t").start().close()
    now = time.time()
    assert current_show_log(tmp_path, "room-a", now=now) == (a, True)
    path, cont = current_show_log(tmp_path, "room-a", new_show_after_s=60, now=now + 120)
    assert not cont and path.parent == tmp_path and path.name.startswith("room-a-") and not path.exists()
    path, cont = current_show_log(tmp_path, "room-c", now=now)
    assert not cont and path.name.startswith("room-c-")
    # Two rooms in one folder whose names share a prefix never take each other's show.
    SessionLog(tmp_path / "room-a-x-20260101-220000.sqlite", room="room-a-x", app_version="t").start().close()
    assert room_logs(tmp_path, "room-a") == [a]
    assert current_show_log(tmp_path, "room-a", now=now) == (a, True)
