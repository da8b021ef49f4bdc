"""A remote engine process for the host view's tests and benchmark: demo shop + LiveSession + state stream.

``python -m bench.host_engine --pub EP --router EP (--keys DIR | --insecure) [--log FILE] [--speed X]``
runs, in one process, a demo shop (its own thread, loopback, a scripted
scenario: :func:`host_scenario`), a :class:`~controlroom.live.session.LiveSession`
on it (the real core: feed, engine, commands, session log) and a
:class:`~controlroom.state.publisher.StatePublisher` served from the main thread,
the only thread that touches the stream's sockets.  Operator requests from the
stream become the session's intents, with the name of the authenticated key.

It prints one JSON line when the stream is bound (``{"pub", "router", "log"}``)
and stops cleanly on SIGTERM (the session log is closed); SIGKILL is the crash.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from controlroom.simulate.scenarios import Scenario, SkuSpec


def host_scenario(sellout_rate_per_s: float = 3.0) -> Scenario:
    """A short show whose featured SKU goes warning → critical → sold out in about a minute of shop time."""
    skus = [SkuSpec(sku="H01", name="保温杯 500ml", tier="traffic_driver", price_cents=5990, stock=150,
                    base_rate=6.0, feature_rate=0.0, flashes=[(5.0, 600.0, sellout_rate_per_s)]),
            SkuSpec(sku="H02", name="羊绒围巾", tier="profit", price_cents=19900, stock=800, base_rate=8.0,
                    feature_rate=0.0),
            SkuSpec(sku="H03", name="手工皂 薰衣草", tier="long_tail", price_cents=2900, stock=300, base_rate=4.0,
                    feature_rate=0.0),
            SkuSpec(sku="H04", name="无线蓝牙耳机", tier="profit", price_cents=15900, stock=400, base_rate=5.0,
                    feature_rate=0.0),
            SkuSpec(sku="H05", name="补水保湿面膜 10片", tier="traffic_driver", price_cents=990, stock=2000,
                    base_rate=12.0, feature_rate=0.0)]
    return Scenario("host-test", "demo-host", 3600.0, skus, featured=[(1.0, 3600.0, "H01")],
                    viewers_base=15_000, viewers_peak=15_000, ramp_s=1.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.host_engine", description=__doc__.splitlines()[0])
    ap.add_argument("--pub", required=True)
    ap.add_argument("--router", required=True)
    ap.add_argument("--keys", default=None, help="key folder: the room's stream keys in DIR/room/ (made if missing)")
    ap.add_argument("--insecure", action="store_true")
    ap.add_argument("--log", default=None)
    ap.add_argument("--speed", type=float, default=4.0)
    ap.add_argument("--rate", type=float, default=3.0, help="featured SKU's orders per shop second")
    args = ap.parse_args(argv)

    from controlroom.live.session import LiveSession
    from controlroom.log.writer import SessionLog
    from controlroom.settings import load_settings
    from controlroom.simulate.model import ShopModel
    from controlroom.simulate.runner import DemoShop
    from controlroom.state.keys import ensure_room_keys
    from controlroom.state.server import StreamConfig

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    model = ShopModel(host_scenario(args.rate), seed=1, lag_s=1.0)
    shop = DemoShop(model=model, speed=args.speed, events_endpoint="tcp://127.0.0.1:*",
                    requests_endpoint="tcp://127.0.0.1:*").start()
    ev, rq = shop.endpoints
    # The featured SKU must really run dry (the sold-out banner): no auto-freeze at safety stock.
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq,
                                    "tiers.traffic_driver.auto_freeze": "off"})
    factory = None
    if args.log:
        def factory(room):
            return SessionLog(args.log, room=room, settings=settings.to_dict(), app_version="host-bench").start()
    if args.insecure:
        stream = StreamConfig(args.pub, args.router, insecure=True)
    else:
        rk = ensure_room_keys(args.keys)
        stream = StreamConfig(args.pub, args.router, server_keys=(rk.public, rk.secret), allow_file=str(rk.allow_file))
    # The real core: the session's own thread serves the stream (as `controlroom engine --headless` does).
    session = LiveSession(settings, log_factory=factory, operator="engine", stream=stream).start()
    pub, router = session.stream_endpoints
    print(json.dumps({"pub": pub, "router": router, "log": args.log}), flush=True)
    try:
        while not stop.wait(0.1):
            pass
    finally:
        session.stop()
        shop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
