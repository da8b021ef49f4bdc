"""``--contended``: a separate CPU-bound process keeps one core busy for the whole run.

The issue's slower machine is about three times slower than a 2-core developer machine;
taking one core away is the repeatable stand-in.  The burner is a plain
``python -c`` busy loop in its own process (not a thread: it must not share our GIL).
It is stopped by :meth:`Contender.stop`, by the ``with`` block's exit (also on Ctrl-C),
at interpreter exit, and — on Linux — by the kernel if this process dies first.
"""
from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys

_BURN = "while True:\n    pass\n"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: ask the kernel to SIGKILL the burner when its parent dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Contender:
    """Start/stop one CPU-burning process; a context manager."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Contender":
        """Start the burner (idempotent)."""
        if self.proc is None:
            kw = {"preexec_fn": _die_with_parent} if sys.platform.startswith("linux") else {}
            self.proc = subprocess.Popen([sys.executable, "-c", _BURN], stdin=subprocess.DEVNULL, **kw)
            atexit.register(self.stop)
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def stop(self) -> None:
        """Kill the burner and reap it (safe to call twice)."""
        p, self.proc = self.proc, None
        if p is not None and p.poll() is None:
            p.kill()
            p.wait(5)

    def __enter__(self) -> "Contender":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def cpu_seconds(pid: int) -> float | None:
    """User+system CPU seconds of a process (Linux /proc), to show the burner really burned."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
