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
import time
from pathlib import Path

import zmq

from controlroom.simulate.scenarios import Scenario, SkuSpec

ROOM_KEY = "room"  # room.key / room.key_secret: the stream's server pair in --keys DIR (with clients.toml)


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


def make_handler(session):
    """``on_request`` for the publisher: an operator request becomes one of the session's intents."""

    def on_request(kind: str, a: dict, name: str) -> str | None:
        if kind == "command":
            session.command(str(a["op"]), str(a["sku"]), qty=a.get("qty"), by=name)
        elif kind == "ack":
            session.ack(str(a["key"]), by=name)
        elif kind == "snooze":
            session.snooze(str(a["key"]), float(a["minutes"]), by=name)
        elif kind == "prompt":
            arg = a.get("arg")
            session.prompt(str(a.get("text") or ""), preset=a.get("preset") or None,
                           arg=int(arg) if isinstance(arg, (int, float)) else None, by=name)
        else:
            return f"not served here: {kind}"
        return None

    return on_request


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.host_engine", description=__doc__.splitlines()[0])
    ap.add_argument("--pub", required=True)
    ap.add_argument("--router", required=True)
    ap.add_argument("--keys", default=None, help="folder with room.key_secret and clients.toml")
    ap.add_argument("--insecure", action="store_true")
    ap.add_argument("--log", default=None)
    ap.add_argument("--speed", type=float, default=4.0)
    ap.add_argument("--rate", type=float, default=3.0, help="featured SKU's orders per shop second")
    args = ap.parse_args(argv)

    import zmq.auth

    from controlroom.live.session import LiveSession
    from controlroom.log.writer import SessionLog
    from controlroom.settings import load_settings
    from controlroom.simulate.model import ShopModel
    from controlroom.simulate.runner import DemoShop
    from controlroom.state.auth import AllowList, StreamAuth
    from controlroom.state.publisher import StatePublisher

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
    session = LiveSession(settings, log_factory=factory, operator="engine").start()
    ctx = zmq.Context()
    auth = None
    if not args.insecure:
        kd = Path(args.keys)
        public, secret = zmq.auth.load_certificate(str(kd / f"{ROOM_KEY}.key_secret"))
        auth = StreamAuth(ctx, public, secret, AllowList.load(kd / "clients.toml"))
    pub = StatePublisher(args.pub, args.router, auth=auth, insecure=args.insecure, ctx=ctx,
                         history=session.history, on_request=make_handler(session))
    print(json.dumps({"pub": pub.pub_endpoint, "router": pub.router_endpoint, "log": args.log}), flush=True)
    last = None
    try:
        while not stop.is_set():
            pub.poll(5)
            snap = session.snapshot
            if snap is not last:
                last = snap
                pub.publish(snap)
            else:
                pub.tick()
            time.sleep(0.002)
    finally:
        pub.close()
        if auth is not None:
            auth.stop()
        session.stop()
        shop.stop()
        ctx.destroy(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
