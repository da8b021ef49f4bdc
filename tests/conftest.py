"""Test setup: Qt runs offscreen, every socket is on loopback with ephemeral ports."""
from __future__ import annotations

import os
import time

# Set before anything can import Qt: the suite must run on machines with no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app's settings, logs and caches go to a folder of the suite's own, one per xdist worker (``make test``
# runs two), so tests never touch the user's files and two workers never share a settings file.
_XDG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".pytest_cache",
                    "xdg-" + os.environ.get("PYTEST_XDIST_WORKER", "main"))
for _kind in ("CONFIG", "DATA", "CACHE", "STATE"):
    os.environ.setdefault(f"XDG_{_kind}_HOME", os.path.join(_XDG, _kind.lower()))

import pytest  # noqa: E402

LOOPBACK = "tcp://127.0.0.1:*"


def wait_until(predicate, timeout: float = 10.0, step=None) -> bool:
    """Call ``step()`` (if given) until ``predicate()`` holds or ``timeout`` passes."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if step is not None:
            step()
        else:
            time.sleep(0.01)
        if predicate():
            return True
    return predicate()


@pytest.fixture
def loopback():
    return LOOPBACK
