"""Switching the language while the desk runs: Settings → Display → Language retranslates the desk at once.

The desk runs in English on a real demo shop (mid-show, alerts firing, a command sent); the language is
switched to Chinese through the Display tab, as an operator does it.  Then every text the desk window
shows (labels, buttons, tabs, table headers, menus, tooltips, the shortcut card) is read back with
:mod:`ui.textaudit`, and no English may be left; switched back, the English words return.
"""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from tests.test_ui_text import WORD, _identifiers, english_left  # noqa: E402
from tests.ui_windows import settle, wait  # noqa: E402
from ui.textaudit import visible_texts  # noqa: E402

pytestmark = pytest.mark.timeout(240)


def _english_on(w, keys, players) -> list[str]:
    cur = w.bridge.current
    shop = {x for v in cur.skus for x in WORD.findall(f"{v.sku} {v.name}")} | set(WORD.findall(cur.room or ""))
    return english_left(visible_texts(w), shop | players, keys)


def _refresh(h) -> None:
    """Texts made per frame follow with the next frame: take one, then let Qt lay it out."""
    h.bridge.pull(force=True)
    settle(300)


def test_language_switch_retranslates_the_running_desk(qtbot, tmp_path):
    from ui.app import make_app
    from ui.desk.display_tab import DisplayTab
    from ui.testing import DeskHarness

    keys, players = _identifiers()
    app = make_app("en")
    try:
        with DeskHarness("evening-show", seed=1, speed=120.0, size=(1280, 720)) as h:
            w = h.window
            wait(lambda: w.model.rowCount() >= 30 and h.bridge.current.feed.state == "live"
                 and sum(h.bridge.current.firing_counts().values()) >= 3, 120, "a live desk with alerts")
            sku = h.bridge.current.skus[0].sku
            w.select_sku(sku)
            w.actions.custom_qty.setValue(50)
            w.actions.trigger("restock_custom")
            wait(lambda: any(c.sku == sku and c.state == "acked" for c in h.bridge.current.commands), 30, "the restock")
            h.bridge.stop()  # the test takes the frames itself from here
            _refresh(h)
            english = _english_on(w, keys, players)
            assert english, "the English desk shows English"  # the audit sees the words it must see gone
            assert w.alerts.title.text() == "ALERTS"
            assert w.model.headerData(0, Qt.Orientation.Horizontal) == "Level"

            # The operator opens Settings → Display and picks 中文 (no restart).
            w.open_settings()
            dlg = w._dialog
            tab = next(dlg.tabs.widget(i) for i in range(dlg.tabs.count()) if isinstance(dlg.tabs.widget(i), DisplayTab))
            tab.lang.setCurrentIndex(tab.lang.findData("zh_CN"))
            assert app._controlroom_lang == "zh_CN"
            assert dlg.tabs.tabText(dlg.tabs.indexOf(tab)) == QCoreApplication.translate("DeskWindow", "Display") \
                != "Display"  # the open dialog's frame follows too
            dlg.close()
            _refresh(h)
            # Messages already said stay as they were said: the toast of the restock (gone in a few seconds)
            # and the status line's last message; the next ones come in the new language.
            said = [w.status_left.text()] + [lab.text() for lab in w.findChildren(QLabel)
                                             if lab.parentWidget() is not None
                                             and lab.parentWidget().objectName() == "toast"]
            assert any("Restock" in m for m in said)
            left = [x for x in _english_on(w, keys, players) if not any(repr(m) in x for m in said if m)]
            assert left == []
            assert w.alerts.title.text() == QCoreApplication.translate("AlertPanel", "ALERTS") != "ALERTS"
            assert w.model.headerData(0, Qt.Orientation.Horizontal) != "Level"
            for _ in range(3):  # the charts change a few per refresh
                _refresh(h)
            w.grab().save(str(tmp_path / "desk-switched-zh_CN.png"))
            w.help.open_overlay()
            settle()
            assert [x for x in _english_on(w, keys, players) if not any(repr(m) in x for m in said if m)] == []  # the card (built from the actions' names)
            w.help.close_overlay()

            # And back to English, the same way.
            w.open_settings()
            dlg = w._dialog
            tab = next(dlg.tabs.widget(i) for i in range(dlg.tabs.count()) if isinstance(dlg.tabs.widget(i), DisplayTab))
            tab.lang.setCurrentIndex(tab.lang.findData("en"))
            dlg.close()
            _refresh(h)
            assert app._controlroom_lang == "en"
            assert w.alerts.title.text() == "ALERTS"
            assert w.model.headerData(0, Qt.Orientation.Horizontal) == "Level"
            assert w.win_actions["ack"].text() == "Acknowledge alert"
            assert w.actions.act["freeze"].text() == "Freeze"
            w.grab().save(str(tmp_path / "desk-switched-back-en.png"))
    finally:
        make_app("en")
        QApplication.processEvents()
