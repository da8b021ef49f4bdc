"""Several demo rooms on one machine, each as a real shop process and a real room engine process.

What the rooms benchmark, the overview's screenshot and the failover test run: for each room,
``controlroom simulate --room R`` (the demo shop) and ``controlroom engine --headless --room R
--log DIR --state-endpoint … --keys DIR`` (the room, as a service would run it), each with its own
keys and loopback ports, and a room list (``rooms.toml``) for a view whose key is paired with
every room.  Linux process figures (CPU seconds, RSS) come from ``/proc``.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli() -> list[str]:
    return [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "controlroom.cli"]


def _env() -> dict:
    """The children's environment: this checkout first on the path, and this process named as their parent
    (``controlroom.live.lifeline``: shops and engines end with it, even when it is SIGKILLed)."""
    import controlroom
    from controlroom.live.lifeline import child_env

    root = os.path.dirname(os.path.dirname(os.path.abspath(controlroom.__file__)))
    return child_env(dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])))


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (None when it is gone or not on Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (None when it is gone or not on Linux)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return None


class DemoRoom:
    """One room: its demo shop and its engine as processes, its keys, ports and log folder under ``base``."""

    def __init__(self, name: str, seed: int, base: Path, *, scenario: str = "evening-show", speed: float = 1.0,
                 insecure: bool = False) -> None:
        from controlroom.security.keys import ensure_demo_keys
        from controlroom.state.keys import ensure_room_keys

        self.name, self.seed, self.scenario, self.speed, self.insecure = name, seed, scenario, speed, insecure
        self.keys = Path(base) / "keys" / name
        self.logs = Path(base) / "logs" / name
        if not insecure:
            ensure_demo_keys(self.keys)  # the shop's pair and the engine's shop-side client pair
            ensure_room_keys(self.keys)  # the room's state-stream pair and its allow-list
        self.events, self.requests = (f"tcp://127.0.0.1:{free_port()}" for _ in range(2))
        self.state, self.router = (f"tcp://127.0.0.1:{free_port()}" for _ in range(2))
        self.shop: subprocess.Popen | None = None
        self.engine: subprocess.Popen | None = None

    def _sec(self) -> list[str]:
        return ["--insecure"] if self.insecure else ["--keys", str(self.keys)]

    def start_shop(self) -> None:
        """``controlroom simulate --room R`` on the room's shop ports."""
        self.shop = subprocess.Popen([*_cli(), "simulate", "--room", self.name, "--scenario", self.scenario,
                                      "--seed", str(self.seed), "--speed", str(self.speed), "--events", self.events,
                                      "--requests", self.requests, "--quiet", "--linger", "3600", *self._sec()],
                                     env=_env(), stdout=subprocess.DEVNULL)

    def start_engine(self) -> None:
        """``controlroom engine --headless --room R --log DIR --state-endpoint …`` (again after a kill: same ports)."""
        self.engine = subprocess.Popen([*_cli(), "engine", "--headless", "--quiet", "--room", self.name,
                                        "--events", self.events, "--requests", self.requests,
                                        "--state-endpoint", self.state, "--state-router", self.router,
                                        "--log", str(self.logs), *self._sec()],
                                       env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def start(self) -> "DemoRoom":
        """Shop, then engine."""
        self.start_shop()
        self.start_engine()
        return self

    def pair(self, public_key_file: str | os.PathLike, name: str, role: str = "viewer") -> None:
        """Put a view's public key on this room's allow-list."""
        from controlroom.state.keys import add_client

        add_client(self.keys, str(public_key_file), name, role)

    def stop(self) -> None:
        """Terminate the engine and the shop (SIGTERM: the engine closes its log cleanly), kill after 15 s."""
        procs = [p for p in (self.engine, self.shop) if p is not None]
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def write_room_list(rooms: list[DemoRoom], path: Path, view: str, role: str = "viewer") -> Path:
    """Make a key pair for ``view``, pair it with every room as ``role`` and write its rooms.toml to ``path``."""
    from controlroom.rooms.roomlist import RoomSpec, format_room_list
    from controlroom.security.keys import generate_keys

    path = Path(path)
    kdir = path.parent / "views"
    pub, _sec = generate_keys(kdir, view)
    specs = []
    for r in rooms:
        if not r.insecure:
            r.pair(pub, view, role)
        specs.append(RoomSpec(name=r.name, state=r.state, router=r.router, title=f"Room {r.name.split('-')[-1].upper()}",
                              server_key=None if r.insecure else r.keys / "room" / "room.key",
                              client_key=None if r.insecure else kdir / f"{view}.key_secret", insecure=r.insecure))
    path.write_text(format_room_list(specs, str(kdir / f"{view}.key_secret")), encoding="utf-8")
    return path
