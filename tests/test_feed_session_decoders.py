"""The feed's session decoders (controlroom.feed.batch.session_decoders): the batch Structs with the
session's epoch, room and catalogue as literals.

They must accept exactly what the generic batch decoder accepts *and* is of this session (epoch,
room, a SKU in the catalogue), hand on the very same events, and the feed client must keep them in
step with the snapshot it adopted: a new SKU or a new epoch goes the per-event way (refused or
resynced), and after the snapshot that brings it, batches are taken whole again.  Real sockets on
loopback for the client.
"""
from __future__ import annotations

import json

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from controlroom.feed.batch import EventBatch, decode_batch, session_decoders
from controlroom.feed.mirror import RecentIds
from tests.conftest import wait_until
from tests.shop_book import Book, live_feed, order_message
from tests.test_feed_batch_structs import KEYS, Columns, batch, mutated

CATALOGUE = ["A", "B"]


VALUES = [None, True, 0, -1, 1.5, "", "x", [], {}, 10**20, "A", "B", "C", "E", "E2", "R", "R2", "live"]


@settings(max_examples=600, deadline=None)
@given(topic=st.sampled_from(["order", "cart"]), idx=st.integers(0, 9), key=st.sampled_from(KEYS),
       value=st.sampled_from(VALUES))
def test_a_session_decoder_accepts_exactly_the_valid_batches_of_its_session(topic, idx, key, value):
    wire = json.dumps(mutated(topic, idx, key, value)).encode()  # stdlib: orjson refuses integers beyond 64 bits
    generic = decode_batch(topic, wire)
    ours = decode_batch(topic, wire, session_decoders("E", "R", CATALOGUE))
    of_session = generic is not None and all(
        e.epoch == "E" and e.room == "R" and e.sku in CATALOGUE for e in generic)
    assert (ours is not None) == of_session, (key, value)
    if ours is not None:
        a, b = EventBatch(topic, ours), EventBatch(topic, generic)
        assert a.events() == b.events() and a.raw_lines() == b.raw_lines() and a.cols == b.cols
        assert list(a.log_rows(1.0)) == list(b.log_rows(1.0))


def test_a_session_decoder_hands_back_the_catalogues_own_strings():
    cat = [f"S{i}" for i in range(300)]
    skus = {s: None for s in cat}
    evs = batch(20)
    for i, e in enumerate(evs):
        e["sku"] = cat[i * 7]
    items = decode_batch("order", orjson.dumps(evs), session_decoders("E", "R", skus.keys()))
    assert [it.sku for it in items] == [e["sku"] for e in evs]
    # The snapshot's own key objects: hashed once, found by identity in the mirror's dict.
    assert all(it.sku is cat[i * 7] for i, it in enumerate(items))


def test_no_session_decoder_when_the_session_cannot_be_literals():
    assert session_decoders("", "R", CATALOGUE) is None
    assert session_decoders("E", 7, CATALOGUE) is None
    assert session_decoders("E", "R", []) is None
    assert session_decoders("E", "R", ["", 5]) is None  # nothing the protocol allows as a SKU
    assert session_decoders("E", "R", CATALOGUE) is session_decoders("E", "R", list(reversed(CATALOGUE)))  # reused


def test_recent_ids_add_a_batch_whole_or_not_at_all():
    r = RecentIds(generation=1000)
    assert r.add_new(("a", "b", "c"), 1.0)
    assert not r.add_new(("d", "e", "d"), 1.0)  # an id twice in the batch
    assert not r.add_new(("f", "b"), 1.0)  # an id seen before
    assert len(r) == 3 and "d" not in r and "e" not in r and "f" not in r
    assert r.add_new({"d", "e"}, 2.0) and len(r) == 5


def test_a_new_sku_and_a_new_epoch_resync_and_then_batches_are_taken_whole_again():
    book = Book(CATALOGUE)
    heard = Columns()
    with live_feed(book, heard) as (stamper, server, fc, step):
        server.pub.send_multipart(order_message(stamper, book, "AB" * 5, "a"))
        assert wait_until(lambda: fc.seq == stamper.seq, 10, step=step)
        assert len(heard.batches) == 1 and fc.snapshots == 1
        # The shop lists C; the client's catalogue does not have it yet: C's event is refused
        # (unknown_sku, seq left alone), the next shows a gap, and the snapshot brings C and the truth.
        book.available["C"] = 1000
        server.pub.send_multipart(order_message(stamper, book, "ACBCAB", "c"))
        assert wait_until(lambda: fc.snapshots == 2 and fc.state == "live" and fc.seq == stamper.seq, 10, step=step)
        assert fc.rejects["unknown_sku"] == 1 and fc.gaps == 1
        assert fc.mirror.available() == book.available
        # Now C is the session's: a batch with C is taken whole.
        server.pub.send_multipart(order_message(stamper, book, "CCABCC", "d"))
        assert wait_until(lambda: fc.seq == stamper.seq, 10, step=step)
        assert len(heard.batches) == 2 and [e["order_id"] for e in heard.batches[-1]] == [f"d{i}" for i in range(6)]
        # The shop restarts (a new epoch, seq from 1): the old session's decoders refuse the batch,
        # the per-event way sees the epoch and resyncs; then the new epoch's batches go whole.
        stamper.epoch, stamper.seq = "restarted", 0
        server.pub.send_multipart(order_message(stamper, book, "ABCABC", "e"))
        assert wait_until(lambda: fc.epoch == "restarted" and fc.state == "live" and fc.seq == stamper.seq, 10,
                          step=step)
        server.pub.send_multipart(order_message(stamper, book, "BBCCAA", "f"))
        assert wait_until(lambda: fc.seq == stamper.seq, 10, step=step)
        assert [e["order_id"] for e in heard.batches[-1]] == [f"f{i}" for i in range(6)]
        assert fc.mirror.available() == book.available
        assert sum(fc.rejects.values()) == 1  # the one unknown SKU, nothing else
