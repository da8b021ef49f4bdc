"""Screenshot of the desk mid-show: ``python -m ui.screenshot OUT.png --lang zh_CN``.

Runs the real demo shop (in a thread, on loopback, no CURVE, no session log) and
the real core, opens the desk offscreen (or on ``$DISPLAY`` with ``--display``),
waits until alerts of every level (watch, warning, critical) are firing, selects
the most urgent SKU, lets the charts settle and saves ``window.grab()``.
Exit code 1 if the levels did not all show up in time (the picture is saved anyway).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.screenshot", description=__doc__.splitlines()[0])
    ap.add_argument("out", help="PNG file to write")
    ap.add_argument("--lang", default="zh_CN", help="zh_CN (default) or en")
    ap.add_argument("--theme", default="dark", choices=("dark", "light"), help="dark (default) or light")
    ap.add_argument("--scenario", default="evening-show")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--speed", type=float, default=40.0, help="demo shop speed (default 40)")
    ap.add_argument("--size", default="1680x1000", help="window size WxH (default 1680x1000)")
    ap.add_argument("--timeout", type=float, default=150.0, help="wall seconds to wait for every level")
    ap.add_argument("--min-show-s", type=float, default=1500.0,
                    help="show seconds to play at least before shooting (default 1500: mid-show)")
    ap.add_argument("--levels", default="watch,warning,critical", help="levels that must be firing")
    ap.add_argument("--display", action="store_true", help="use $DISPLAY instead of the offscreen platform")
    ap.add_argument("--restock", type=int, default=200,
                    help="restock the selected SKU by this much first, so its command fate shows (0: no)")
    a = ap.parse_args(argv)
    if not a.display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6.QtCore import QSettings

    from controlroom.live.session import LiveSession
    from controlroom.settings import load_settings
    from controlroom.simulate.runner import DemoShop
    from ui.app import build_desk, make_app
    from ui.sound import AlertSound

    w, h = (int(x) for x in a.size.lower().split("x"))
    app = make_app(a.lang, theme_name=a.theme)
    shop = DemoShop(a.scenario, a.seed, speed=a.speed, events_endpoint="tcp://127.0.0.1:*",
                    requests_endpoint="tcp://127.0.0.1:*", linger_s=600).start()
    ev, rq = shop.endpoints
    session = LiveSession(load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq}),
                          curve=None, session_log=None, operator="screenshot").start()
    tmp = tempfile.TemporaryDirectory(prefix="controlroom-shot-")
    store = QSettings(os.path.join(tmp.name, "desk.ini"), QSettings.Format.IniFormat)
    bridge, window = build_desk(session, store=store, sound=AlertSound(backend="silent"))
    window.resize(w, h)
    window.show()
    bridge.start()
    want = [x for x in a.levels.split(",") if x]
    deadline = time.monotonic() + a.timeout
    ok = False
    try:
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
            snap = session.snapshot
            counts = snap.firing_counts()
            show_s = snap.ts - snap.started_ts if snap.started_ts else 0.0
            if show_s >= a.min_show_s and all(counts.get(lv, 0) for lv in want):
                ok = True
                break
        snap = session.snapshot
        # Select the most urgent SKU, so its chart leads and the actions panel is filled.
        if snap.skus:
            window.select_sku(snap.skus[0].sku)
            if a.restock > 0:
                sku = snap.skus[0].sku
                window.actions.custom_qty.setValue(a.restock)
                window.actions.trigger("restock_custom")
                end = time.monotonic() + 5.0
                while time.monotonic() < end and not any(
                        c.sku == sku and c.op == "restock" and c.state == "acked" for c in session.snapshot.commands):
                    app.processEvents()
                    time.sleep(0.01)
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        bridge.pull(force=True)
        app.processEvents()
        img = window.grab()
        img.save(a.out)
        counts = session.snapshot.firing_counts()
        show_s = session.snapshot.ts - session.snapshot.started_ts
        print(f"{a.out}: {img.width()}x{img.height()}, show time {show_s / 60:.1f} min, firing {counts}"
              + ("" if ok else f" (missing some of {want} after {a.timeout:g} s)"), flush=True)
    finally:
        bridge.stop()
        window.close()
        session.stop()
        shop.stop()
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
