"""One bad event inside a batch is refused alone, with its reason; the others are taken.

Real ZeroMQ sockets on loopback: a real ShopServer publishes stamped batches, the real
FeedClient receives them.  The batches are large enough for the compiled fast path
(``protocol.decode_valid``), so the bad event is what sends the batch the careful way.
"""
from __future__ import annotations

import orjson
import pytest

from controlroom.feed.client import FeedClient, FeedListener
from controlroom.protocol import decode_valid
from controlroom.shop.server import ShopServer
from controlroom.shop.stamp import Stamper
from tests.conftest import LOOPBACK, wait_until
from tests.shop_book import Book

SKUS = ["A", "B"]


class Heard(FeedListener):
    def __init__(self):
        self.batches: list[list[str]] = []

    def on_events(self, events, received_at):
        self.batches.append([e.get("order_id") for e in events])


@pytest.fixture
def world():
    book = Book(SKUS)
    stamper = Stamper("R", clock=lambda: 1_700_000_000.0)
    server = ShopServer(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK)
    heard = Heard()
    fc = FeedClient(server.events_endpoint, server.requests_endpoint, listener=heard)
    step = lambda: (server.poll(0), fc.poll(5))  # noqa: E731
    assert wait_until(lambda: fc.state == "live", 10, step=step)
    yield book, stamper, server, fc, heard, step
    fc.close()
    server.close()


def _send(server, stamper, book, bad_at: int | None, n: int = 20, tag: str = "o") -> list[dict]:
    evs = []
    for i in range(n):
        ev = stamper.stamp({"order_id": f"{tag}{i}", "sku": SKUS[i % 2], "qty": 1, "price_cents": 100,
                            "channel": "live"})
        if i == bad_at:
            ev["qty"] = 0  # refused: bad_qty; the shop's stock does not move for it either
        else:
            book.available[ev["sku"]] -= 1
        evs.append(ev)
    server.pub.send_multipart([b"order", orjson.dumps(evs)])
    return evs


def test_a_valid_batch_decodes_in_one_compiled_pass():
    evs = [{"v": 1, "epoch": "E", "seq": i + 1, "ts": 1.0, "room": "R", "order_id": f"o{i}", "sku": "A", "qty": 1,
            "price_cents": 1, "channel": "live"} for i in range(10)]
    assert decode_valid("order", orjson.dumps(evs)) == evs
    evs[3]["qty"] = 0
    assert decode_valid("order", orjson.dumps(evs)) is None  # then the per-event path names the reason


def test_bad_last_event_is_refused_alone_and_the_rest_accepted(world):
    book, stamper, server, fc, heard, step = world
    evs = _send(server, stamper, book, bad_at=19)
    assert wait_until(lambda: sum(fc.rejects.values()) == 1, 10, step=step)
    assert dict(fc.rejects) == {"bad_qty": 1}
    assert b'"o19"' in fc.reject_samples[-1][2]
    assert heard.batches[-1] == [e["order_id"] for e in evs[:19]]  # the 19 good ones, in one batch
    assert fc.mirror.orders == 19 and fc.mirror.available() == book.available


def test_bad_middle_event_is_refused_alone_and_the_stock_ends_exact(world):
    book, stamper, server, fc, heard, step = world
    evs = _send(server, stamper, book, bad_at=7)
    assert wait_until(lambda: sum(fc.rejects.values()) == 1, 10, step=step)
    assert dict(fc.rejects) == {"bad_qty": 1}
    assert b'"o7"' in fc.reject_samples[-1][2]
    # The ones before it are accepted as they are; its missing seq then shows as a gap and the
    # snapshot that follows accounts for the ones after it (none counted twice, none lost).
    assert heard.batches[-1] == [e["order_id"] for e in evs[:7]]
    _send(server, stamper, book, bad_at=None, tag="p")  # a following good batch, through the fast path
    assert wait_until(lambda: fc.state == "live" and fc.seq == stamper.seq
                      and fc.mirror.available() == book.available, 10, step=step), fc.summary()
    assert fc.rejects == {"bad_qty": 1} and fc.gaps == 1
