"""A child process that ends with its parent, even when the parent is killed with SIGKILL.

The desk starts two children (the core process and, for ``controlroom demo``, the
demo shop).  A parent killed by SIGKILL runs no clean-up, so each child watches
its parent itself:

* on Linux, ``prctl(PR_SET_PDEATHSIG, SIGTERM)`` asks the kernel to send it SIGTERM
  the moment the parent dies (through ctypes; nothing to install);
* everywhere, a daemon thread checks ``os.getppid()`` every :data:`WATCH_EVERY_S`
  and ends the process when the parent has changed (the fallback where prctl is
  missing, and for the window between ``fork`` and the ``prctl`` call).

SIGTERM is turned into ``SystemExit`` in the main thread, so ``finally`` blocks
(closing sockets, finishing the session log) still run.

The parent passes its pid in the environment (:data:`PARENT_ENV`), so a child
started by some other program is never tied to a process it does not know.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time

log = logging.getLogger(__name__)

PARENT_ENV = "CONTROLROOM_PARENT_PID"
WATCH_EVERY_S = 0.2
PR_SET_PDEATHSIG = 1


def child_env(env: dict | None = None) -> dict:
    """A copy of ``env`` (default: ``os.environ``) naming this process as the child's parent."""
    out = dict(os.environ if env is None else env)
    out[PARENT_ENV] = str(os.getpid())
    return out


def _set_pdeathsig(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc prctl (musl without it, odd builds): the thread still watches
        return False


def _exit_now(signum=None, frame=None) -> None:
    raise SystemExit(128 + int(signum or signal.SIGTERM))


def die_with_parent(parent_pid: int | None = None, *, every_s: float = WATCH_EVERY_S) -> bool:
    """End this process when ``parent_pid`` (default: :data:`PARENT_ENV`, else nothing) goes away.

    Returns False (and does nothing) when no parent is named.  Call it from the main thread.
    """
    if parent_pid is None:
        raw = os.environ.get(PARENT_ENV)
        if not raw:
            return False
        try:
            parent_pid = int(raw)
        except ValueError:
            return False
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_now)
    _set_pdeathsig(signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        log.warning("parent %d is already gone: exiting", parent_pid)
        os.kill(os.getpid(), signal.SIGTERM)
        return True

    def watch() -> None:
        while True:
            time.sleep(every_s)
            if os.getppid() != parent_pid:
                log.warning("parent %d is gone: exiting", parent_pid)
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(2.0)
                os._exit(1)  # the main thread did not get out in time (blocked in C code)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()
    return True
