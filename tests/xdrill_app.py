"""The desk side of the X drill (tests/test_desk_xdrill.py): a real window on ``$DISPLAY`` over a busy demo shop.

Run as ``python tests/xdrill_app.py STATE.json``: starts the demo shop (thread, loopback) and the desk
(``QT_QPA_PLATFORM=xcb``) at 1280x720 in the screen's top-left corner, keeps the show busy (the tiers
that outrank the others change every 0.7 s, so rows keep re-sorting), and writes what it sees to
STATE.json every 100 ms: the visible rows' SKUs and their centres in screen coordinates, the SKU
under the pointer and the selected one, how many re-sorts happened, the keyboard focus, and — from
the shop itself — the operator's commands as the shop logged them.  It only reports: every input
comes from outside (xdotool), as from an operator.  It exits after 240 s or when STATE.json.stop appears.
"""
from __future__ import annotations

import json
import os
import sys
import time


def main(state_path: str) -> int:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.app import make_app
    from ui.desk.sku_model import COL, SKU_ROLE
    from ui.testing import DeskHarness

    app = make_app("en")
    h = DeskHarness("evening-show", seed=1, speed=60.0, charts=True, size=(1280, 720))
    w = h.window
    w.move(0, 0)
    w.raise_()
    w.activateWindow()
    tiers = ("traffic_driver", "profit", "long_tail")
    seen = [None]  # where the desk last saw the pointer over the table (screen coordinates)

    class PointerSeen(QObject):
        def eventFilter(self, obj, ev):  # observes only: the desk's own filter still gets every event
            if ev.type() == QEvent.Type.MouseMove:
                g = ev.globalPosition().toPoint()
                seen[0] = [g.x(), g.y()]
            return False

    watcher = PointerSeen()
    w.table.viewport().installEventFilter(watcher)
    turn = [0]

    def busy() -> None:
        turn[0] += 1
        pick = [tiers[turn[0] % 3]] if turn[0] % 2 else [tiers[(turn[0] + 1) % 3], tiers[(turn[0] + 2) % 3]]
        h.bridge.update_settings(h.settings.with_changes(
            {f"tiers.{t}.{k}": v for t in pick for k, v in (("warning_floor", 100000.0), ("pending_s", 0.0))}))

    def report() -> None:
        rows = []
        for r in range(min(h.window.proxy.rowCount(), 40)):
            ix = w.proxy.index(r, COL["name"])
            rect = w.table.visualRect(ix)
            if not rect.isValid() or rect.bottom() > w.table.viewport().height() or rect.top() < 0:
                continue
            c = w.table.viewport().mapToGlobal(rect.center())
            sku = ix.data(SKU_ROLE)
            v = w.model.view_of(sku)
            rows.append({"sku": sku, "x": c.x(), "y": c.y(), "tier": w.model.tier_of(sku), "frozen": bool(v.frozen)})
        log = [{"op": e.get("op"), "sku": e.get("sku")} for e in list(h.shop.server.command_log)
               if e.get("by") == "tester"]
        acked = [[c.op, c.sku, c.qty] for c in h.bridge.current.commands if c.state == "acked"]
        fw = QApplication.focusWidget()
        state = {"t": time.time(), "ready": w.model.rowCount() == 30 and h.bridge.current.feed.state == "live",
                 "active": QApplication.activeWindow() is w, "rows": rows, "hover": w.hover_sku, "pointer": seen[0],
                 "hover_tier": w.model.tier_of(w.hover_sku) if w.hover_sku else None,
                 "hover_frozen": bool(w.hover_sku and w.model.view_of(w.hover_sku).frozen),
                 "selected": w.selected_sku, "layouts": w.model.layouts,
                 "focus": "table" if fw is w.table else (type(fw).__name__ if fw else None),
                 "qty": w.actions.custom_qty.value(), "shop_log": log, "acked": acked,
                 "frozen": [s for s in (v.sku for v in h.bridge.current.skus) if h.shop_frozen(s)]}
        tmp = state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.replace(tmp, state_path)
        if os.path.exists(state_path + ".stop") or time.monotonic() - t0 > 240:
            app.quit()

    t0 = time.monotonic()
    t1 = QTimer()
    t1.timeout.connect(report)
    t1.start(100)
    t2 = QTimer()
    t2.timeout.connect(busy)
    t2.start(700)
    try:
        app.exec()
    finally:
        h.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
