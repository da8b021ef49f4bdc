"""The one ``spin`` helper that scripts driving real windows share (ui.testing.spin)."""
from __future__ import annotations

import ast
import time
from pathlib import Path

from ui.testing import spin

ROOT = Path(__file__).resolve().parent.parent


def test_spin_returns_when_the_condition_holds_from_a_qt_timer(qapp):
    from PySide6.QtCore import QTimer

    fired: list[bool] = []
    QTimer.singleShot(50, lambda: fired.append(True))  # only the event loop can deliver it
    t0 = time.monotonic()
    assert spin(qapp, 30, lambda: bool(fired)) is True
    assert time.monotonic() - t0 < 25  # returned on the condition, not at the end of the 30 s


def test_spin_says_false_when_the_condition_never_holds_and_true_without_one(qapp):
    t0 = time.monotonic()
    assert spin(qapp, 0.2, lambda: False) is False
    assert time.monotonic() - t0 >= 0.2
    assert spin(qapp, 0.05) is True


def test_no_script_keeps_its_own_copy_of_spin():
    for rel in ("bench/bench_rooms.py", "ui/rooms/screenshot.py"):
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        defs = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "spin"]
        assert defs == [], f"{rel} defines its own spin() at line(s) {defs}: use ui.testing.spin"
