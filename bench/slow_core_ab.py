"""A core that falls behind its feed at a flash, live: oversold units with ``engine.freeze_behind`` on and off.

``.venv/bin/python -m bench.slow_core_ab [--delay-ms 10] [--wall 60] [--runs 2]``

The real demo shop (flash-sale, seed 1, 4x) and the real live session over loopback sockets; the only thing
changed is the engine, which spends ``--delay-ms`` more on every feed batch it takes, as a core on a
machine with no time to spare does.  At the first flash (FS01, ~2,000 orders/s from shop second 120) it falls
seconds behind the shop.  Each run prints the shop's oversold units (its own books), how far behind the core
was at worst (the feed client's clock readings) and the freezes it sent.  An experiment, not a benchmark
with a target: it shows what the reserve's backlog term does in a show, which the scripted test
(tests/test_freeze_behind.py) shows in isolation.
"""
from __future__ import annotations

import argparse
import time

from controlroom.engine import Engine
from controlroom.live.session import LiveSession
from controlroom.settings import load_settings
from controlroom.simulate.runner import DemoShop


def run(behind_on: bool, delay_s: float, wall_s: float, speed: float = 4.0) -> dict:
    """One show: the shop's oversold units, the worst clock reading, the freezes sent (wall s after start)."""

    class SlowEngine(Engine):
        def on_batch(self, batch):
            time.sleep(delay_s)
            return super().on_batch(batch)

        def on_events(self, events):
            time.sleep(delay_s)
            return super().on_events(events)

    shop = DemoShop("flash-sale", 1, speed=speed, events_endpoint="tcp://127.0.0.1:*",
                    requests_endpoint="tcp://127.0.0.1:*").start()
    ev, rq = shop.endpoints
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq,
                                    "engine.freeze_behind": behind_on})
    session = LiveSession(settings, engine_factory=lambda s, mirror: SlowEngine(s, mirror)).start()
    t0 = time.time()
    peak = 0.0
    try:
        while time.time() - t0 < wall_s:
            time.sleep(0.25)
            peak = max(peak, session.feed.behind_s or 0.0)
    finally:
        oversold = dict(shop.model.books.oversold)
        freezes = [(v.sku, round(v.created_ts - t0, 1)) for v in (r.to_view() for r in session.commands.records)
                   if v.op == "freeze"]
        session.stop()
        shop.stop()
    return {"on": behind_on, "oversold": sum(oversold.values()), "by_sku": oversold, "peak_behind_s": peak,
            "freezes": freezes[:4]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--delay-ms", type=float, default=10.0, help="extra engine time per feed batch")
    ap.add_argument("--wall", type=float, default=60.0, help="wall seconds per show (60: shop second 240 at 4x)")
    ap.add_argument("--runs", type=int, default=2, help="shows per setting (on and off alternate)")
    args = ap.parse_args(argv)
    totals = {True: [], False: []}
    for _ in range(args.runs):
        for on in (True, False):
            r = run(on, args.delay_ms / 1000.0, args.wall)
            totals[on].append(r["oversold"])
            print(f"freeze_behind={'on ' if on else 'off'}  oversold {r['oversold']:5d} {r['by_sku']}  "
                  f"worst reading {r['peak_behind_s']:.1f} s behind  first freezes {r['freezes']}", flush=True)
    print(f"oversold per show: on {totals[True]}, off {totals[False]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
