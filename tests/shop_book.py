"""A read-only test shop for the feed's tests: a catalogue whose stock follows every order published
(dropped on the way or not), so a client's mirror can be compared with the shop's truth."""
from __future__ import annotations

from contextlib import contextmanager

import orjson


class Book:
    """The shop's book for a real ``ShopServer``: ``available`` per SKU, snapshots of it, no commands."""

    def __init__(self, skus, available: int = 1000, room: str = "R"):
        self.room = room
        self.available = {s: available for s in skus}

    def snapshot(self):
        return {"room": self.room, "viewers": 0, "featured": None,
                "skus": [{"sku": s, "name": s, "tier": "profit", "price_cents": 100, "available": a, "frozen": False}
                         for s, a in self.available.items()]}

    def apply_command(self, req):
        return {"ok": False, "error": "read-only"}

    def drain(self):
        return []


def order_message(stamper, book: Book, skus, tag: str) -> list[bytes]:
    """One feed message: an array of single-unit orders, one per SKU in ``skus`` (ids ``tag0``,
    ``tag1``...), stamped and counted in the book."""
    evs = []
    for i, s in enumerate(skus):
        evs.append(stamper.stamp({"order_id": f"{tag}{i}", "sku": s, "qty": 1, "price_cents": 100, "channel": "live"}))
        book.available[s] -= 1
    return [b"order", orjson.dumps(evs)]


@contextmanager
def live_feed(book: Book, listener=None, sndhwm: int = 1_000_000, **client_kw):
    """A real ShopServer over ``book`` and a real FeedClient live on it (loopback TCP); yields
    ``(stamper, server, client, step)``, where ``step()`` serves the shop once and polls the client."""
    from controlroom.feed.client import FeedClient
    from controlroom.shop.server import ShopServer
    from controlroom.shop.stamp import Stamper
    from tests.conftest import LOOPBACK, wait_until

    stamper = Stamper(book.room, clock=lambda: 1_700_000_000.0)
    server = ShopServer(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK, sndhwm=sndhwm)
    fc = FeedClient(server.events_endpoint, server.requests_endpoint, listener=listener, **client_kw)
    step = lambda: (server.poll(0), fc.poll(5))  # noqa: E731
    try:
        assert wait_until(lambda: fc.state == "live", 10, step=step)
        yield stamper, server, fc, step
    finally:
        fc.close()
        server.close()
