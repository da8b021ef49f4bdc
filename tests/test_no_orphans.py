"""SIGKILL of the desk in ``controlroom demo`` (what ``make demo`` runs) leaves no process of ours and no bound port.

The desk's two children (the demo shop and the core process) watch their parent
(``controlroom.live.lifeline``: ``PR_SET_PDEATHSIG`` on Linux, a ``getppid`` watch elsewhere).
This runs the real verb offscreen, waits until both children are up and the shop's two
ports are bound, kills the desk with SIGKILL and looks at /proc and the ports.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from controlroom.cli.headless import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = [pytest.mark.timeout(90),
              pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc to find the children")]


def children_of(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(name))
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def port_bound(port: int) -> bool:
    # SO_REUSEADDR: a closed connection lingering in TIME_WAIT is no bound port; a listener still is.
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def test_sigkill_of_the_desk_takes_the_shop_and_the_core_with_it(tmp_path):
    ev, rq = free_port(), free_port()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path))
    desk = subprocess.Popen([sys.executable, "-m", "ui", "demo", "--insecure", "--no-log", "--speed", "40",
                             "--lang", "en", "--events", f"tcp://127.0.0.1:{ev}", "--requests", f"tcp://127.0.0.1:{rq}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    kids: list[int] = []
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            assert desk.poll() is None, desk.stderr.read().decode()[-2000:]
            kids = children_of(desk.pid)
            if len(kids) >= 2 and port_bound(ev) and port_bound(rq):
                break
            time.sleep(0.2)
        assert len(kids) >= 2, f"expected the shop and the core as children, found {kids}"
        time.sleep(1.0)  # the core is connected and streaming
        os.kill(desk.pid, signal.SIGKILL)
        desk.wait(5)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 2.0 and (any(alive(k) for k in kids) or port_bound(ev) or port_bound(rq)):
            time.sleep(0.05)
        left = [k for k in kids if alive(k)]
        assert not left, f"children still running 2 s after the desk was killed: {left}"
        assert not port_bound(ev) and not port_bound(rq), "the shop's ports are still bound"
    finally:
        if desk.poll() is None:
            desk.kill()
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
            except OSError:
                pass
