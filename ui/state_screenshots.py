"""The desk in the states where its figures are not live, and with a frozen SKU that still has stock.

``python -m ui.state_screenshots OUTDIR [--lang en] [--sizes 1280x720,1920x1080] [--states ...]`` writes
``desk-<state>-<W>x<H>.png`` for each state and size, each from the real demo shop and the real core
process (offscreen Qt unless ``--display``):

* ``stale``: the shop stops publishing (``DemoShop.pause``) until the feed says stale;
* ``resyncing``: the shop publishes again after a silence, but cannot produce its snapshot (its book's
  ``snapshot`` raises, so the shop answers each request with an error) — the feed stays resyncing;
* ``core-hung``: the core process is stopped with SIGSTOP until the desk says so (then continued);
* ``frozen-with-stock``: the SKU with the most stock among those selling is frozen from the desk (F) and
  stays selected.

Each state is shot at every size from the same running desk (the window is resized in between).
Exit code 1 if a state did not show up in time (its pictures are not written).
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time

STATES = ("stale", "resyncing", "core-hung", "frozen-with-stock")


def _pump(app, seconds: float, until=None) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.01)
    return until is None


def shoot(state: str, outdir: str, sizes: list[tuple[int, int]], lang: str, min_show_s: float, speed: float) -> bool:
    from PySide6.QtWidgets import QApplication

    from ui.testing import DeskHarness

    app = QApplication.instance()
    ov = {"feed.resync_backoff_max_s": 1.0}  # the default stale_after_s: a shorter one flaps on a busy machine
    h = DeskHarness("evening-show", seed=1, speed=speed, size=sizes[0], core_process=True, overrides=ov)
    w = h.window
    ok = False
    try:
        # Mid-show, with alerts on screen and a SKU selected (its chart leads, the actions panel is filled).
        _pump(app, 150, lambda: h.bridge.current.ts and h.bridge.current.ts - h.bridge.current.started_ts >= min_show_s)
        snap = h.bridge.current
        if state == "frozen-with-stock":
            selling = [v for v in snap.skus if not v.frozen and not v.delisted and v.available > 0
                       and w.model.tier_of(v.sku) != "profit" and v.rate_per_min]
            sku = max(selling, key=lambda v: v.available).sku
            w.select_sku(sku)
            w.actions.trigger("freeze")
            ok = _pump(app, 20, lambda: (v := w.model.view_of(sku)) is not None and v.frozen and v.available > 0)
            _pump(app, 1.5)
        else:
            w.select_sku(snap.skus[0].sku)
            _pump(app, 1.0)
            if state == "stale":
                h.shop.pause()
                ok = _pump(app, 20, lambda: w.check_truth() == "stale")
                _pump(app, 1.0)
            elif state == "resyncing":
                def no_snapshot():
                    raise RuntimeError("the shop's book is busy (screenshot: resyncing)")
                h.shop.model.snapshot = no_snapshot  # instance attribute: the server's book.snapshot() raises
                logging.getLogger("controlroom.shop.server").disabled = True  # its traceback is the point here
                h.shop.pause()
                _pump(app, 20, lambda: w.check_truth() == "stale")
                h.shop.pause(False)
                ok = _pump(app, 20, lambda: w.check_truth() == "resyncing")
                _pump(app, 1.0)
            elif state == "core-hung":
                pid = h.session.proc.pid
                os.kill(pid, signal.SIGSTOP)
                try:
                    ok = _pump(app, 20, lambda: w.check_truth() == "core_hung")
                    _pump(app, 0.6)
                    if ok:
                        _save_all(app, w, state, outdir, sizes, lang)
                finally:
                    os.kill(pid, signal.SIGCONT)
                return ok
        if ok:
            _save_all(app, w, state, outdir, sizes, lang)
        return ok
    finally:
        h.close()


def _save_all(app, w, state: str, outdir: str, sizes, lang: str) -> None:
    suffix = "" if lang == "en" else f"-{lang}"
    want = {"core-hung": "core_hung", "frozen-with-stock": "live"}.get(state, state)
    for width, height in sizes:
        w.resize(width, height)
        _pump(app, 0.8)
        # The state may have moved on meanwhile (a resync is retried, a busy machine flaps): shoot only in it.
        if not _pump(app, 20, lambda: w.check_truth() == want):
            raise RuntimeError(f"the desk left the {state} state")
        app.processEvents()
        img = w.grab()
        path = os.path.join(outdir, f"desk-{state}-{width}x{height}{suffix}.png")
        img.save(path)
        print(f"{path}: {img.width()}x{img.height()} (state {w.screen_state})", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.state_screenshots", description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--sizes", default="1280x720,1920x1080")
    ap.add_argument("--states", default=",".join(STATES))
    ap.add_argument("--speed", type=float, default=40.0)
    ap.add_argument("--min-show-s", type=float, default=900.0, help="show seconds before the state is made")
    ap.add_argument("--display", action="store_true", help="use $DISPLAY instead of the offscreen platform")
    a = ap.parse_args(argv)
    if not a.display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ui.app import make_app

    make_app(a.lang)
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in a.sizes.split(",") if s]
    os.makedirs(a.outdir, exist_ok=True)
    bad = [s for s in a.states.split(",") if s and not shoot(s, a.outdir, sizes, a.lang, a.min_show_s, a.speed)]
    if bad:
        print(f"did not show up in time: {', '.join(bad)}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
