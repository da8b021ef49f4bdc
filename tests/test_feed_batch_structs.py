"""The feed's batch Structs (controlroom.feed.batch) accept exactly what the per-event path accepts,
and a batch hands on the same events, log rows and mirror counts as the dicts did."""
from __future__ import annotations

import copy
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from controlroom.feed.batch import EventBatch, decode_batch
from controlroom.feed.client import FeedClient, FeedListener
from controlroom.feed.mirror import StockMirror
from controlroom.protocol import Reject, decode_valid, validate_event
from controlroom.shop.server import ShopServer
from controlroom.shop.stamp import Stamper
from tests.conftest import LOOPBACK, wait_until
from tests.shop_book import Book


def batch(n=10, topic="order"):
    evs = []
    for i in range(n):
        ev = {"order_id": f"o{i}", "sku": "AB"[i % 2], "qty": 1 + i % 3, "price_cents": 250 + i, "channel": "live"} \
            if topic == "order" else {"sku": "AB"[i % 2], "delta": 2 - i % 5}
        ev.update({"v": 1, "epoch": "E", "seq": 10 + i, "ts": 100.0 + i * 0.001, "room": "R"})
        evs.append(ev)
    return evs


def all_valid(topic, evs):
    try:
        for ev in copy.deepcopy(evs):
            validate_event(topic, ev)
        return True
    except Reject:
        return False


BAD_VALUES = [None, True, False, 0, -1, 1.5, "", "x", [], {}, 10**20, "other"]
KEYS = ["v", "epoch", "seq", "ts", "room", "order_id", "sku", "qty", "price_cents", "channel", "delta", "__drop__"]


def mutated(topic, idx, key, value) -> list[dict]:
    """A valid batch with one change to event ``idx``: ``key`` set to ``value``, or a key dropped."""
    evs = batch(topic=topic)
    ev = evs[idx]
    if key == "__drop__":
        ev.pop(sorted(ev)[idx % len(ev)])
    elif key in ev:
        ev[key] = value
    return evs


@settings(max_examples=500, deadline=None)
@given(topic=st.sampled_from(["order", "cart"]), idx=st.integers(0, 9), key=st.sampled_from(KEYS),
       value=st.sampled_from(BAD_VALUES))
def test_structs_accept_exactly_what_the_per_event_path_accepts(topic, idx, key, value):
    evs = mutated(topic, idx, key, value)
    wire = json.dumps(evs).encode()  # the stdlib encoder: orjson refuses an integer beyond 64 bits
    items = decode_batch(topic, wire)
    assert (items is not None) == all_valid(topic, evs), (key, value)
    assert (items is not None) == (decode_valid(topic, wire) is not None)


@pytest.mark.parametrize("topic", ["order", "cart"])
def test_a_batch_hands_on_the_same_events_and_log_rows_as_the_dicts(topic):
    evs = batch(40, topic)
    evs[5]["ts"] = 7  # an integer shop time stays an integer
    b = EventBatch(topic, decode_batch(topic, orjson.dumps(evs)))
    dicts = [dict(e, topic=topic) for e in evs]
    assert b.events() == dicts and list(b) == dicts and len(b) == 40
    assert [orjson.loads(line) for line in b.raw_lines()] == dicts
    assert type(b.events()[5]["ts"]) is int
    # The log's rows: what the writer built from each dict (controlroom.log.inserts), in order.
    rows = [(e.get("epoch"), e.get("seq"), e.get("topic"), e.get("ts"), 5.0, e.get("sku"), e.get("qty"),
             e.get("order_id"), None, e.get("price_cents"), e.get("channel"), e.get("delta")) for e in dicts]
    got = list(b.log_rows(5.0))
    assert [r[:8] + (None,) + r[9:] for r in got] == rows
    assert [orjson.loads(r[8]) for r in got] == dicts


def test_a_string_holding_a_line_separator_keeps_one_line_per_event():
    evs = batch(6)
    evs[2]["order_id"] = "a\nb\u2028c"
    b = EventBatch("order", decode_batch("order", orjson.dumps(evs)))
    assert [orjson.loads(line)["order_id"] for line in b.raw_lines()][2] == "a\nb\u2028c"


def test_typed_columns_count_like_the_per_event_mirror_and_refuse_duplicates_whole():
    evs = batch(50)
    snap = {"room": "R", "skus": [{"sku": "A", "available": 1000}, {"sku": "B", "available": 1000}]}
    a, b = StockMirror(), StockMirror()
    a.reset(snap)
    b.reset(snap)
    assert a.apply_columns("order", EventBatch("order", decode_batch("order", orjson.dumps(evs))).cols, typed=True)
    for ev in copy.deepcopy(evs):
        b.apply(dict(ev, topic="order"))
    for sku in "AB":
        sa, sb = a.skus[sku], b.skus[sku]
        assert (sa.available, sa.sold, sa.orders, sa.gmv_cents) == (sb.available, sb.sold, sb.orders, sb.gmv_cents)
    assert (a.units, a.orders, a.gmv_cents) == (b.units, b.orders, b.gmv_cents)
    before = (a.skus["A"].available, len(a.orders_seen))
    # An id seen before, or one repeated inside the batch: the whole batch is refused, nothing changes.
    again = batch(8)
    for i, e in enumerate(again):
        e["order_id"] = f"new{i}"
    again[3]["order_id"] = "o7"
    assert not a.apply_columns("order", EventBatch("order", decode_batch("order", orjson.dumps(again))).cols,
                               typed=True)
    again[3]["order_id"] = "new5"
    assert not a.apply_columns("order", EventBatch("order", decode_batch("order", orjson.dumps(again))).cols,
                               typed=True)
    assert (a.skus["A"].available, len(a.orders_seen)) == before


class Columns(FeedListener):
    """A listener that reads batches as columns (as the live session does)."""

    def __init__(self):
        self.batches, self.events = [], []

    def on_batch(self, batch, received_at):
        self.batches.append(batch)

    def on_events(self, events, received_at):
        self.events.append(events)


def test_the_feed_client_hands_a_valid_array_over_as_one_batch_on_real_sockets():
    book = Book(["A", "B"])
    stamper = Stamper("R", clock=lambda: 1_700_000_000.0)
    server = ShopServer(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK)
    heard = Columns()
    fc = FeedClient(server.events_endpoint, server.requests_endpoint, listener=heard)
    step = lambda: (server.poll(0), fc.poll(5))  # noqa: E731
    try:
        assert wait_until(lambda: fc.state == "live", 10, step=step)
        evs = [stamper.stamp({"order_id": f"o{i}", "sku": "AB"[i % 2], "qty": 1, "price_cents": 100,
                              "channel": "live"}) for i in range(30)]
        server.pub.send_multipart([b"order", orjson.dumps(evs)])
        assert wait_until(lambda: fc.seq == stamper.seq, 10, step=step)
        (b,) = heard.batches
        assert isinstance(b, EventBatch) and b.topic == "order"
        assert b.events() == [dict(e, topic="order") for e in evs]
        assert b.sums == ({"A": 15, "B": 15}, {"A": 15, "B": 15}, None)  # the mirror's, for the log's summary
        # The same order ids again (new seqs): duplicates, so the careful way, each refused alone.
        dup = [stamper.stamp({"order_id": f"o{i}", "sku": "A", "qty": 1, "price_cents": 100, "channel": "live"})
               for i in range(10)]
        server.pub.send_multipart([b"order", orjson.dumps(dup)])
        assert wait_until(lambda: fc.seq == stamper.seq, 10, step=step)
        assert fc.rejects == {"duplicate": 10} and len(heard.batches) == 1 and heard.events == []
        assert fc.mirror.orders == 30 and fc.mirror.available() == {"A": 985, "B": 985}
    finally:
        fc.close()
        server.close()


def test_a_listener_that_reads_dicts_gets_the_batch_as_dicts():
    items = decode_batch("cart", orjson.dumps(batch(6, "cart")))
    got = []

    class Dicts(FeedListener):
        def on_events(self, events, received_at):
            got.append(events)

    Dicts().on_batch(EventBatch("cart", items), 1.0)
    plain = FeedListener()
    plain.on_events = lambda events, received_at: got.append(events)  # an instance's own callable too
    plain.on_batch(EventBatch("cart", items), 1.0)
    assert got == [[dict(e, topic="cart") for e in batch(6, "cart")]] * 2
    FeedListener().on_batch(EventBatch("cart", items), 1.0)  # the base ignores them, building nothing
