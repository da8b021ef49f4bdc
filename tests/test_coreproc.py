"""The core in its own process: RemoteSession over the real demo shop on loopback (real sockets, real processes)."""
from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from controlroom.live.process import RemoteSession
from controlroom.settings import load_settings
from ui.testing import start_shop

pytestmark = pytest.mark.timeout(30)


def wait_for(pred, timeout=10.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


@pytest.fixture
def shop():
    s = start_shop("evening-show", 1, 30.0)
    yield s
    s.stop()


def remote(shop, **kw) -> RemoteSession:
    ev, rq = shop.endpoints
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq})
    return RemoteSession(settings, curve=None, operator="tester", **kw).start()


def test_snapshot_fills_intents_reach_the_shop_and_history_arrives(shop):
    rs = remote(shop)
    try:
        assert rs.proc.pid != os.getpid()
        snap = wait_for(lambda: rs.snapshot.skus and rs.snapshot)
        assert len(snap.skus) == len(shop.model.catalog)
        assert snap.feed.state == "live"
        sku = snap.skus[0].sku
        assert not shop.model.frozen[shop.model.index[sku]]
        rs.command("freeze", sku)
        assert wait_for(lambda: next(v for v in rs.snapshot.skus if v.sku == sku).frozen)
        assert shop.model.frozen[shop.model.index[sku]]
        assert any(c.sku == sku and c.op == "freeze" and c.by == "tester" for c in rs.snapshot.commands)
        # A SKU outside the default (most urgent) set: asked for, it comes with the next frames.
        far = snap.skus[-1].sku
        rs.history(far)
        ts, av = wait_for(lambda: (rs.snapshot, len(rs.history(far)[0]) > 0 and rs.history(far))[1])
        assert len(ts) == len(av) > 0 and np.all(np.diff(ts) >= 0)
        assert rs.error is None
    finally:
        rs.stop()
    assert rs.proc.returncode == 0  # stopped when asked, not killed


def test_child_exits_when_the_desk_vanishes_without_a_word(shop):
    rs = remote(shop)
    proc = rs.proc
    # The desk's end of the control pipe closes (no stop line): the child stops by itself, cleanly.
    proc.stdin.close()
    t0 = time.monotonic()
    proc.wait(10)
    assert time.monotonic() - t0 < 8 and proc.returncode == 0
    rs.stop()


def test_error_reported_when_the_child_is_killed(shop):
    rs = remote(shop)
    try:
        wait_for(lambda: rs.snapshot.skus)
        assert rs.error is None
        os.kill(rs.proc.pid, signal.SIGKILL)
        assert wait_for(lambda: (rs.snapshot, rs.error)[1], timeout=5)
        assert "exited" in str(rs.error)
    finally:
        rs.stop()


def test_child_reports_a_core_that_cannot_start():
    # An endpoint that cannot be parsed makes the core thread fail at once: start() raises what the child said.
    settings = load_settings(None, {"feed.events_endpoint": "nonsense://x", "feed.requests_endpoint": "nonsense://y"})
    with pytest.raises(RuntimeError, match="core process"):
        RemoteSession(settings, curve=None).start(timeout=15)


def test_desk_on_a_remote_session_fills_its_table(qtbot):
    from ui.app import make_app
    from ui.testing import DeskHarness

    make_app("en")
    with DeskHarness("evening-show", seed=1, speed=30.0, core_process=True) as h:
        assert isinstance(h.session, RemoteSession)
        n = len(h.shop.model.catalog)
        qtbot.waitUntil(lambda: h.window.model.rowCount() == n and h.bridge.current.feed.state == "live",
                        timeout=10_000)
        qtbot.waitUntil(lambda: len(h.window.charts.shown_skus()) > 0, timeout=10_000)
        sku = h.window.charts.shown_skus()[0]
        qtbot.waitUntil(lambda: len(h.session.history(sku)[0]) > 0, timeout=10_000)
    assert h.session.proc.returncode == 0


def test_desk_reports_core_failed_when_the_core_process_is_killed(qtbot):
    from ui.app import make_app
    from ui.testing import DeskHarness

    make_app("en")
    with DeskHarness("steady", seed=1, speed=30.0, core_process=True, charts=False) as h:
        qtbot.waitUntil(lambda: h.window.model.rowCount() > 0, timeout=10_000)
        with qtbot.waitSignal(h.bridge.coreFailed, timeout=5_000) as blocker:
            os.kill(h.session.proc.pid, signal.SIGKILL)
        assert "exited" in blocker.args[0]


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("State:") and "Z" in line for line in f)  # exited, not yet reaped
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_child_exits_when_the_desk_process_dies():
    import subprocess
    import sys

    code = ("import sys, time\n"
            "from controlroom.settings import load_settings\n"
            "from controlroom.live.process import RemoteSession\n"
            "s = load_settings(None, {'feed.events_endpoint': 'tcp://127.0.0.1:9', "
            "'feed.requests_endpoint': 'tcp://127.0.0.1:9'})\n"
            "rs = RemoteSession(s).start()\n"
            "print(rs.proc.pid, flush=True)\n"
            "time.sleep(60)\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    desk = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        child = int(desk.stdout.readline())
        assert not _gone(child)
        desk.kill()  # no stop, no clean-up: the child notices its parent is gone
        desk.wait(5)
        assert wait_for(lambda: _gone(child), timeout=8)
    finally:
        desk.kill()
        desk.wait(5)


def test_spark_tuples_stay_the_same_objects_between_frames(shop):
    """The desk's table compares sparklines by identity (as in one process): unchanged points keep their tuple."""
    rs = remote(shop)
    try:
        wait_for(lambda: rs.snapshot.skus)
        kept = 0
        for _ in range(5):
            a = rs.snapshot
            b = wait_for(lambda: rs.snapshot.version > a.version and rs.snapshot)
            by_sku = {v.sku: v.spark for v in a.skus}
            for v in b.skus:
                old = by_sku.get(v.sku)
                if old is not None and len(old) == len(v.spark) and all(
                        x == y or (x != x and y != y) for x, y in zip(old, v.spark)):
                    assert v.spark is old
                    kept += 1
        assert kept > 0
    finally:
        rs.stop()


def test_desk_binds_no_port_and_its_core_stream_refuses_strangers(shop, tmp_path):
    """The attack from issue 12: the desk has no state port any more, and its core's stream talks to this desk only."""
    import pickle

    import zmq

    from controlroom.state.client import StateClient

    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    rs = remote(shop)
    try:
        pub_ep, router_ep = rs.endpoints
        assert pub_ep.startswith("tcp://127.0.0.1:") and router_ep.startswith("tcp://127.0.0.1:")
        ctx = zmq.Context()
        # A stranger with a CURVE key of its own (it cannot know the per-run server key's secret).
        sp, ss = zmq.curve_keypair()
        stranger = StateClient(pub_ep, router_ep, curve=(sp, sp, ss), ctx=ctx)
        raw = ctx.socket(zmq.DEALER)
        raw.setsockopt(zmq.LINGER, 0)
        raw.connect(router_ep)
        for bad in (pickle.dumps(Evil()), os.urandom(4096)):
            raw.send(bad)
        end = time.monotonic() + 3
        while time.monotonic() < end:
            stranger.receive()
            rs.receive()
            time.sleep(0.05)
        assert stranger.frames == 0 and not marker.exists() and rs.error is None
        version = rs.snapshot.version
        assert wait_for(lambda: rs.snapshot.version > version)  # the desk still gets its state
        stranger.close()
        raw.close(0)
        ctx.term()
    finally:
        rs.stop()


def test_settings_update_reaches_the_child_as_data(shop):
    rs = remote(shop)
    try:
        v0 = rs.snapshot.settings_version
        rs.update_settings(rs.settings)
        end = time.monotonic() + 10
        while rs.snapshot.settings_version == v0 and time.monotonic() < end:
            time.sleep(0.05)
        assert rs.snapshot.settings_version > v0 and rs.error is None
    finally:
        rs.stop()


def test_a_restarted_core_continues_its_log_and_the_shows_totals(shop, tmp_path, monkeypatch):
    # The desk's Ctrl+Shift+R: the core process is killed and a new one started.  With the default log
    # (a new timestamped file per start) the new core used to begin a new file and count from zero;
    # now it continues the old one's file and goes on from its totals (controlroom.live.resume).
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the sessions folder of this test only
    rs = remote(shop, no_log=False)
    try:
        snap = wait_for(lambda: rs.snapshot.units > 20 and rs.log_path and rs.snapshot, timeout=20)
        path = rs.log_path
        assert path.startswith(str(tmp_path))
        time.sleep(1.5)  # a commit of the log writer (0.1 s) and a status line (1 s) after those sales
        before = rs.snapshot
        rs.restart()
        after = wait_for(lambda: rs.snapshot.ts and rs.snapshot, timeout=20)
        assert rs.log_path == path  # the same file, continued
        # The shop kept selling while the core restarted, and sales in that gap are not in the log:
        # the total may not go down, and counts from the log, not from zero.
        assert after.units >= snap.units > 20
        assert after.gmv_cents >= snap.gmv_cents
        assert after.started_ts == pytest.approx(before.started_ts, abs=1.0)
    finally:
        rs.stop()
