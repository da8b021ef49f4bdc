"""Screenshots of every tab of the review window: ``python -m ui.review.screenshot LOG OUTDIR --lang zh_CN``.

Opens the log offscreen, shows each tab (the what-if tab after one run with the tier of the
most lost sales on auto-freeze, the compare tab with the log beside itself), and saves
``review-<tab>-<lang>.png``.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

TABS = ("overview", "timeline", "sku", "whatif", "compare")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.review.screenshot", description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("outdir")
    ap.add_argument("--lang", default="zh_CN")
    ap.add_argument("--size", default="1500x900")
    a = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtCore import QSettings

    from ui.app import make_app
    from ui.review.window import ReviewWindow

    app = make_app(a.lang)
    store = QSettings(str(Path(tempfile.mkdtemp()) / "review.ini"), QSettings.Format.IniFormat)
    w = ReviewWindow(store=store)
    w.resize(*map(int, a.size.split("x")))
    w.show()
    got: list = []
    w.loaded.connect(got.append)
    w.failed.connect(got.append)
    w.compared.connect(got.append)

    def wait(n: int, timeout: float = 120.0) -> None:
        end = time.monotonic() + timeout
        while len(got) < n and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    w.open_path(a.log)
    wait(1)
    if not got or isinstance(got[0], str):
        print(f"could not open {a.log}: {got[0] if got else 'timeout'}", file=sys.stderr)
        return 1
    ov = got[0]
    out = Path(a.outdir)
    out.mkdir(parents=True, exist_ok=True)
    rv = ov.review
    so = rv.alerts.sellouts[0].ts if rv.alerts.sellouts else ov.t0 + (ov.t1 - ov.t0) / 2
    for i, name in enumerate(TABS):
        w.tabs.setCurrentIndex(i)
        app.processEvents()
        if name == "timeline":
            w.timeline.seek(so - 120.0)
        if name == "whatif":
            wi = w.whatif
            wi._ensure_settings()
            wi.tier.setCurrentIndex(max(0, wi.tier.findData("profit")))
            wi.freeze.setCurrentIndex(wi.freeze.findData("auto"))
            wi.margin.setValue(2.0)
            wi.run()
            end = time.monotonic() + 300
            while wi.worker is not None and time.monotonic() < end:
                app.processEvents()
                time.sleep(0.02)
        if name == "compare":
            w.open_path(a.log, compare=True)
            wait(2)
            w.tabs.setCurrentIndex(i)
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)
        p = out / f"review-{name}-{a.lang}.png"
        w.grab().save(str(p))
        print(p)
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
