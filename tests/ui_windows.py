"""Every window of the app in one language, in the states an operator sees: for the text tests.

:func:`each_view` yields ``(name, top-level widget)`` for the desk on a real demo shop (mid-show,
alerts firing, a SKU selected, a command sent), the desk with its shortcut overlay open, every tab
of the settings dialog, and every tab of the review window on a real session log.
"""
from __future__ import annotations

import time
from collections.abc import Iterator

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

SIZE = (1280, 720)


def settle(ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def wait(cond, timeout_s: float, what: str) -> None:
    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.02)


def desk_views(lang: str, size=SIZE) -> Iterator[tuple[str, QWidget]]:
    from ui.app import make_app
    from ui.testing import DeskHarness

    make_app(lang)
    with DeskHarness("evening-show", seed=1, speed=120.0, size=size) as h:
        w = h.window
        # Mid-show: rows, a live feed and firing alerts (so the alert list and its header show).
        wait(lambda: w.model.rowCount() >= 30 and h.bridge.current.feed.state == "live"
             and sum(h.bridge.current.firing_counts().values()) >= 3, 120, "a live desk with alerts")
        sku = h.bridge.current.skus[0].sku
        w.select_sku(sku)
        w.actions.custom_qty.setValue(50)
        w.actions.trigger("restock_custom")
        wait(lambda: any(c.sku == sku and c.state == "acked" for c in h.bridge.current.commands), 30, "the restock")
        h.bridge.pull(force=True)
        h.bridge.stop()  # one frame from here on: the check sees a laid-out window, not one mid-update
        settle(400)
        yield "desk", w
        w.help.open_overlay()
        settle()
        yield "desk+shortcuts", w
        w.help.close_overlay()
        w.open_settings()
        dlg = w._dialog
        settle()
        for i in range(dlg.tabs.count()):
            dlg.tabs.setCurrentIndex(i)
            settle(100)
            yield f"settings[{dlg.tabs.tabText(i)}]", dlg
        dlg.close()


def review_views(lang: str, log_path, tmp_path, size=SIZE) -> Iterator[tuple[str, QWidget]]:
    from ui.app import make_app
    from ui.review.window import ReviewWindow

    make_app(lang)
    w = ReviewWindow(store=QSettings(str(tmp_path / "review.ini"), QSettings.Format.IniFormat))
    w.resize(*size)
    w.show()
    done = []
    w.loaded.connect(lambda *a: done.append(a))
    w.open_path(str(log_path))
    wait(lambda: done, 120, "the review window to load the log")
    try:
        for i in range(w.tabs.count()):
            w.tabs.setCurrentIndex(i)
            settle(200)
            yield f"review[{w.tabs.tabText(i)}]", w
    finally:
        w.close()
        w.deleteLater()
