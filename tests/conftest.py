"""Test setup: Qt runs offscreen, every socket is on loopback with ephemeral ports."""
from __future__ import annotations

import os
import time

# Set before anything can import Qt: the suite must run on machines with no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_CONFIG_HOME", os.path.join(os.path.dirname(__file__), "..", ".pytest_cache", "xdg-config"))

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
