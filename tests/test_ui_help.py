"""Every button the operator can press in the desk has a key, and Help (F1) lists it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QToolButton

from ui.app import make_app
from ui.testing import DeskHarness

pytestmark = pytest.mark.timeout(90)


def native(k: str) -> str:
    return QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)


def test_every_button_has_a_key_listed_in_help(qtbot):
    make_app("en")
    with DeskHarness("steady", seed=1, speed=10.0, charts=False) as h:
        w = h.window
        qtbot.waitUntil(lambda: w.model.rowCount() > 0, timeout=10000)
        w.select_sku(h.bridge.current.skus[0].sku)
        w.toasts.show("x", undo=lambda: None)
        listed = set()
        for _section, rows in w.shortcut_sections():
            for keys, _what in rows:
                listed.update(k.strip() for k in keys.split(" / "))
        a = w.actions
        # Buttons that are not their action's own widget, and the key that does what they do.
        same_as = {a.buttons["restock_custom"]: "R", a.confirm_button: "Return", a.cancel_button: "Esc",
                   w.banner.dismiss_button: "Ctrl+D", w.banner.show_button: "Ctrl+J",
                   w.more_urgent: "Ctrl+Up", w.restart_button: "Ctrl+Shift+R",
                   w.toasts.toasts[-1].undo_button: "Ctrl+Z"}
        for _w, _lab, yes, no in w.confirms.rows:
            same_as[yes], same_as[no] = "Y", "N"
        seen = 0
        for b in w.findChildren(QAbstractButton):
            if b.objectName().startswith("qt_") or b.objectName() in ("ScrollLeftButton", "ScrollRightButton") \
                    or type(b.parent()).__name__ == "QLineEdit":
                continue  # Qt's own (table corner, tab scrolling, menu/toolbar overflow, the search box's clear button)
            act = b.defaultAction() if isinstance(b, QToolButton) else None
            if act is not None and act.shortcuts():
                key = act.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText)
            else:
                assert b in same_as, f"button {b.text()!r} ({b.objectName()}) has no key"
                key = native(same_as[b])
            assert key in listed, f"{b.text()!r}: {key} is not in Help"
            seen += 1
        assert seen >= 25


def test_ctrl_up_goes_to_the_top_and_ctrl_j_to_the_failed_commands_sku(qtbot):
    make_app("en")
    with DeskHarness("steady", seed=1, speed=10.0, charts=False, size=(1280, 600)) as h:
        w = h.window
        w.activateWindow()
        qtbot.waitUntil(lambda: w.model.rowCount() > 0 and QApplication.activeWindow() is w, timeout=10000)
        w.table.scrollToBottom()
        assert w.table.verticalScrollBar().value() > 0
        QTest.keyClick(w.table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
        assert w.table.verticalScrollBar().value() == 0
        assert QApplication.focusWidget() is w.table
        # A command refused (a restock of 0 units), on a SKU other than the selected one.
        sku = h.bridge.current.skus[-1].sku
        w.select_sku(h.bridge.current.skus[0].sku)
        h.bridge.command("restock", sku, qty=0)
        qtbot.waitUntil(lambda: w.banner.isVisible(), timeout=10000)
        QTest.keyClick(w.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
        assert w.selected_sku == sku
