"""Processes for the host view's tests and benchmark: a remote engine (bench.host_engine) and a host view.

Both are real child processes on loopback.  The engine binds the room's state stream with
CURVE keys; the host view connects with a viewer key and writes one JSON line per painted
frame (``--trace -``), read here by a thread.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port_pair() -> int:
    """A port P with P and P + 1 free on 127.0.0.1 (the stream's PUB and ROUTER)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        if p >= 65535:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", p))
                b.bind(("127.0.0.1", p + 1))
            return p
        except OSError:
            continue
    raise RuntimeError("no free port pair")


def make_keys(base: Path) -> dict:
    """The room's keys (``base/engine/room``), an operator key ``ann`` and a host view's folder (viewer)."""
    from controlroom.security.keys import generate_keys
    from controlroom.state.keys import add_client, client_curve, ensure_room_keys

    engine = base / "engine"
    ensure_room_keys(engine)
    pub, sec = generate_keys(base / "operator", "ann")
    add_client(engine, str(pub), "ann", "operator")
    host = base / "host"
    host.mkdir(parents=True, exist_ok=True)
    shutil.copy(engine / "room" / "room.key", host / "room.key")
    hpub, _ = generate_keys(host, "hostview")
    add_client(engine, str(hpub), "hostview-1", "viewer")
    return {"engine": engine, "host": host, "operator": client_curve(sec, engine / "room" / "room.key")}


def _env() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("DISPLAY", None)
    return env


class Engine:
    """``python -m bench.host_engine`` on fixed endpoints; :attr:`info` is its start-up line."""

    def __init__(self, port: int, keys: Path, log: Path | None, *, speed: float = 4.0, rate: float = 3.0) -> None:
        args = [sys.executable, "-m", "bench.host_engine", "--pub", f"tcp://127.0.0.1:{port}",
                "--router", f"tcp://127.0.0.1:{port + 1}", "--keys", str(keys), "--speed", str(speed),
                "--rate", str(rate)]
        if log is not None:
            args += ["--log", str(log)]
        self.proc = subprocess.Popen(args, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True)
        self.info = json.loads(self.proc.stdout.readline() or "{}")
        if not self.info:
            raise RuntimeError(f"engine did not start (exit {self.proc.wait(5)})")

    def stop(self) -> float:
        """SIGTERM (a clean stop: the session log is closed); returns when it was sent."""
        t = time.time()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(20)
        return t

    def kill(self) -> float:
        """SIGKILL (a crash); returns when it was sent."""
        t = time.time()
        self.proc.kill()
        self.proc.wait(10)
        return t


class HostProcess:
    """``controlroom host`` in its own process; :attr:`lines` collects its trace."""

    def __init__(self, port: int, keys: Path, *, lang: str = "en", size: str = "1280x720") -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ui", "host", "--connect", f"tcp://127.0.0.1:{port}", "--keys", str(keys),
             "--lang", lang, "--windowed", size, "--trace", "-"],
            cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[dict] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("{"):
                with self._lock:
                    self.lines.append(json.loads(line))

    def since(self, t: float) -> list[dict]:
        with self._lock:
            return [x for x in self.lines if x["t"] >= t]

    def wait_for(self, pred, timeout: float = 20.0, since: float = 0.0) -> dict | None:
        """The first trace line after ``since`` for which ``pred`` holds (waiting up to ``timeout``)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for x in self.since(since):
                if pred(x):
                    return x
            if self.proc.poll() is not None:
                raise RuntimeError(f"host view exited: {self.proc.stderr.read()[-2000:]}")
            time.sleep(0.05)
        return None

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
