"""Ctrl-C (SIGINT) stops the headless engine even when whoever started it ignored SIGINT.

Python leaves SIGINT ignored if it was ignored at start-up (a test runner's worker, some
launchers): the engine then ran on to its ``--duration``.  A real child process with SIGINT
ignored before exec, no shop behind its endpoints.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time

from controlroom.security.keys import ensure_demo_keys
from tests.state_room import ROOT, free_port


def test_sigint_stops_the_headless_engine_though_its_parent_ignored_it(tmp_path):
    kdir = tmp_path / "keys"
    ensure_demo_keys(kdir)
    ports = [f"tcp://127.0.0.1:{free_port()}" for _ in range(4)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "controlroom.cli", "engine", "--headless", "--no-log", "--quiet", "--duration", "120",
         "--keys", str(kdir), "--events", ports[0], "--requests", ports[1], "--state-endpoint", ports[2],
         "--state-router", ports[3]],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        time.sleep(3.0)  # running (the loop sleeps a second at a time)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)  # was: ran on to its 120 s
        assert proc.returncode == 0, out
        assert '"state"' in out  # the summary printed on the way out
    finally:
        if proc.poll() is None:
            proc.kill()
