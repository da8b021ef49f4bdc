"""The feed client ends with exactly the shop's stock, whatever the wire does.

Real ZeroMQ sockets on loopback throughout; the shop is the real demo shop
(in a thread, in a child process, or driven step by step by the test).
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import orjson

from controlroom.feed.client import FeedClient
from controlroom.shop.server import ShopServer
from controlroom.simulate.model import ShopModel
from controlroom.simulate.runner import DemoShop
from tests.conftest import LOOPBACK, wait_until


def truth(model: ShopModel) -> dict:
    return {s["sku"]: s["available"] for s in model.catalog}


def settle(fc: FeedClient, shop: DemoShop, timeout=10.0) -> bool:
    """Hold the show and let the client catch up with every event published."""
    shop.hold()
    time.sleep(0.05)
    return wait_until(lambda: fc.state == "live" and fc.seq >= shop.model.stamper.seq - 1
                      and fc.mirror.available() == truth(shop.model), timeout, step=lambda: fc.poll(20))


def run_client(fc: FeedClient, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        fc.poll(20)


def test_plain_run_ends_identical():
    shop = DemoShop("evening-show", 7, speed=60.0, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK).start()
    fc = FeedClient(*shop.endpoints)
    try:
        run_client(fc, 3.0)
        assert settle(fc, shop), (fc.summary(), truth(shop.model))
        s = fc.summary()
        assert s["events"].get("order", 0) > 100  # the show really sold things
        assert s["rejects"] == {} and s["gaps"] == 0
        # Orders before the snapshot are in it; every one after was seen exactly once.
        assert 0 < fc.mirror.orders <= shop.model.books.orders
    finally:
        fc.close()
        shop.stop()


def test_slow_joiner_started_mid_run():
    shop = DemoShop("flash-sale", 3, speed=1.0, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK).start()
    try:
        time.sleep(2.5)  # the show is well under way, at hundreds of orders per second
        assert shop.model.books.orders > 0
        fc = FeedClient(*shop.endpoints)
        run_client(fc, 1.5)
        assert settle(fc, shop), (fc.summary(), truth(shop.model))
        assert fc.snapshots >= 1
    finally:
        fc.close()
        shop.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _simulate(ev, rq, seed, show_seconds):
    return subprocess.Popen(
        [sys.executable, "-m", "controlroom.cli", "simulate", "--scenario", "evening-show", "--seed", str(seed),
         "--speed", "60", "--events", ev, "--requests", rq, "--show-seconds", str(show_seconds),
         "--linger", "30", "--insecure", "--quiet"],
        stdout=subprocess.PIPE, text=True, cwd=os.path.dirname(os.path.dirname(__file__)))


def test_publisher_killed_and_restarted_new_epoch():
    ev, rq = f"tcp://127.0.0.1:{_free_port()}", f"tcp://127.0.0.1:{_free_port()}"
    first = _simulate(ev, rq, seed=1, show_seconds=3600)
    fc = FeedClient(ev, rq, stale_after_s=1.0)
    try:
        assert wait_until(lambda: fc.state == "live" and fc.counts["order"] > 20, 15, step=lambda: fc.poll(20))
        first_epoch = fc.epoch
        first.send_signal(signal.SIGKILL)
        first.wait(5)
        run_client(fc, 0.3)
        second = _simulate(ev, rq, seed=2, show_seconds=120)  # two shop minutes = two wall seconds
        lines = []
        # Read the show-end line while polling the client (the shop lingers, heartbeating).
        os.set_blocking(second.stdout.fileno(), False)
        assert wait_until(lambda: lines.extend(second.stdout.readlines()) or any(x.startswith("{") for x in lines),
                          20, step=lambda: fc.poll(20))
        final = json.loads([x for x in lines if x.startswith("{")][-1])
        # Heartbeats keep coming after the show's end, so seq only has to pass the final one.
        assert wait_until(lambda: fc.epoch == final["epoch"] and fc.seq >= final["seq"]
                          and fc.mirror.available() == final["available"], 10, step=lambda: fc.poll(20)), \
            (fc.summary(), final)
        assert fc.epoch != first_epoch
        assert fc.resyncs >= 1
    finally:
        fc.close()
        for p in (first, locals().get("second")):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(5)


class DroppingShop:
    """The test's own publisher: the real demo model, but some messages never sent."""

    def __init__(self, seed=5, drop=0.0):
        self.model = ShopModel("evening-show", seed, start_ts=1_700_000_000.0)
        self.server = ShopServer(self.model, self.model.stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK)
        self.rng = random.Random(seed)
        self.drop = drop
        self.dropped = 0

    def step(self, n=5):
        for _ in range(n):
            for topic, ev in self.model.step(0.5):
                if self.rng.random() < self.drop:
                    self.dropped += 1
                    continue
                self.server.pub.send_multipart([topic.encode(), orjson.dumps(ev)])
        self.server.poll(0)

    def close(self):
        self.server.close()


def _drive(shop, fc, steps):
    for _ in range(steps):
        shop.step()
        fc.poll(2)


def _quiesce(shop, fc):
    # No more show: only heartbeats, so the client can finish any resync and catch up.
    def step():
        shop.server.poll(0)
        fc.poll(10)

    return wait_until(lambda: fc.state == "live" and fc.seq == shop.model.stamper.seq
                      and fc.mirror.available() == truth(shop.model), 15, step=step)


def test_dropped_events_cause_gap_and_resync():
    shop = DroppingShop(drop=0.01)
    fc = FeedClient(shop.server.events_endpoint, shop.server.requests_endpoint)
    try:
        _drive(shop, fc, 400)
        shop.drop = 0.0
        assert _quiesce(shop, fc), fc.summary()
        assert shop.dropped > 10
        assert fc.gaps >= 1 and fc.resyncs >= 1
        assert fc.last_gap and "expected seq" in fc.last_gap
    finally:
        fc.close()
        shop.close()


def test_duplicate_delivery_counts_once():
    shop = DroppingShop()
    fc = FeedClient(shop.server.events_endpoint, shop.server.requests_endpoint)
    try:
        assert wait_until(lambda: fc.state == "live", 5, step=lambda: (shop.server.poll(0), fc.poll(5)))
        orders = []
        for _ in range(200):
            for topic, ev in shop.model.step(0.5):
                shop.server.pub.send_multipart([topic.encode(), orjson.dumps(ev)])
                if topic == "order":
                    orders.append(ev)
            fc.poll(1)
        assert len(orders) >= 40
        assert _quiesce(shop, fc), fc.summary()
        before = fc.mirror.orders, fc.skipped
        # The same orders again (e.g. a relay that re-sends): neither seq nor stock moves.
        for ev in orders[:40]:
            shop.server.pub.send_multipart([b"order", orjson.dumps(ev)])
        assert wait_until(lambda: fc.skipped - before[1] == 40, 5, step=lambda: fc.poll(5))
        assert _quiesce(shop, fc), fc.summary()
        assert fc.mirror.orders == before[0]
    finally:
        fc.close()
        shop.close()


def test_unknown_sku_is_rejected_and_changes_nothing():
    shop = DroppingShop()
    fc = FeedClient(shop.server.events_endpoint, shop.server.requests_endpoint)
    try:
        assert wait_until(lambda: fc.state == "live", 5, step=lambda: (shop.server.poll(0), fc.poll(5)))
        before = fc.mirror.available()
        bogus = shop.model.stamper.stamp({"order_id": "x1", "sku": "NOPE", "qty": 1, "price_cents": 1,
                                          "channel": "live"})
        shop.server.pub.send_multipart([b"order", orjson.dumps(bogus)])
        assert wait_until(lambda: fc.rejects["unknown_sku"] == 1, 5, step=lambda: fc.poll(5))
        assert fc.mirror.available() == before
        assert _quiesce(shop, fc), fc.summary()
    finally:
        fc.close()
        shop.close()
