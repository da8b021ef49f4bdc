"""The feed socket's receive queue is bounded (setting feed.receive_queue_messages): a core that falls
behind holds at most that many messages, and what the shop then drops becomes a detected gap and a
snapshot resync, never a silent loss.

Real ZeroMQ sockets on loopback: a real ShopServer publishes order batches while the real FeedClient
is not reading (a stalled core); then the client reads again.  With a shop whose send queue is small
the flood is partly dropped (gap, snapshot, exact stock); with the shop in its own process and a big
send queue, the core's memory shows where the backlog waits (bounded: in the shop; unbounded: in the
core).
"""
from __future__ import annotations

import pytest

from controlroom.feed.client import RCVHWM, FeedClient
from controlroom.settings import load_settings
from controlroom.shop.server import ShopServer
from controlroom.shop.stamp import Stamper
from tests.conftest import LOOPBACK, wait_until
from tests.shop_book import Book, live_feed, order_message

SKUS = ["A", "B", "C", "D"]
BATCHES, PER_BATCH = 2_000, 100  # ~37 MB of wire: several times what loopback TCP buffers hold (tcp_rmem + tcp_wmem maxima 6 + 4 MB by default)


def _flood(server, stamper, book, batches: int) -> None:
    for b in range(batches):
        server.pub.send_multipart(order_message(stamper, book, SKUS * (PER_BATCH // len(SKUS)), f"b{b}-"))


def _flood_while_stalled(rcvhwm: int) -> tuple[FeedClient, Stamper, Book, int]:
    book = Book(SKUS, available=10**6)
    # A shop with a small send queue: a subscriber that does not read makes it drop (PUB never blocks).
    with live_feed(book, sndhwm=50, rcvhwm=rcvhwm) as (stamper, server, fc, step):
        # The core is stalled (nothing reads the feed) while the shop publishes.
        _flood(server, stamper, book, BATCHES)
        # Reading again: heartbeats (server.poll) follow, so even a dropped tail shows as a gap.
        assert wait_until(lambda: fc.state == "live" and fc.seq == stamper.seq and not fc._buffer, 60, step=step), \
            fc.summary()
        return fc, stamper, book, fc.counts["order"]


def test_a_stalled_core_holds_a_bounded_queue_and_what_the_shop_drops_is_a_gap_and_a_resync():
    fc, stamper, book, accepted = _flood_while_stalled(rcvhwm=20)
    # The shop dropped what neither queue could hold: fewer orders arrived than were sent ...
    assert accepted < BATCHES * PER_BATCH
    # ... and that was seen and repaired: a gap, a snapshot, and the stock exact, nothing refused.
    assert fc.gaps >= 1 and fc.snapshots >= 2
    assert fc.mirror.available() == book.available
    assert sum(fc.rejects.values()) == 0
    assert fc.mirror.orders == accepted  # every order applied once: the snapshot carried the rest


def _shop_process(conn, batches: int) -> None:
    """The shop in its own process (so the client's memory is the test process's own): a send
    queue big enough to hold the whole flood, as the demo shop's (SNDHWM 1,000,000)."""
    book = Book(SKUS, available=10**6)
    stamper = Stamper("R", clock=lambda: 1_700_000_000.0)
    server = ShopServer(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK, sndhwm=1_000_000)
    conn.send((server.events_endpoint, server.requests_endpoint))
    while True:
        server.poll(5)
        if conn.poll(0):
            cmd = conn.recv()
            if cmd == "flood":
                _flood(server, stamper, book, batches)
                conn.send("sent")
            elif cmd == "seq":
                conn.send((stamper.seq, book.available))
            else:
                break
    server.close()


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


@pytest.mark.parametrize("rcvhwm", [20, 0])
def test_the_bound_keeps_a_stalled_cores_backlog_out_of_its_memory(rcvhwm):
    import multiprocessing as mp

    batches = 2_000  # ~37 MB of wire
    parent, child = mp.get_context("spawn").Pipe()
    proc = mp.get_context("spawn").Process(target=_shop_process, args=(child, batches), daemon=True)
    proc.start()
    fc = None
    try:
        assert parent.poll(60)
        ev, rq = parent.recv()
        fc = FeedClient(ev, rq, rcvhwm=rcvhwm)
        assert wait_until(lambda: fc.state == "live", 20, step=lambda: fc.poll(5))
        before = _rss_kb()
        parent.send("flood")  # while the core is stalled: nothing reads the feed
        assert parent.poll(60) and parent.recv() == "sent"
        # Give ZeroMQ's I/O thread time to take in whatever it is allowed to (kB below).
        if rcvhwm:
            grown = 0
            for _ in range(20):
                wait_until(lambda: False, 0.1)
                grown = max(grown, _rss_kb() - before)
            assert grown < 12_000, grown  # the bound and the socket buffers, not the ~37 MB flood
        else:  # unbounded: the flood comes to sit in the core's own memory
            assert wait_until(lambda: _rss_kb() - before > 20_000, 30), _rss_kb() - before
        # Reading again: with the shop's big queue holding the rest, everything arrives, no gap.
        def caught_up():
            parent.send("seq")
            seq, avail = parent.recv()
            return fc.seq == seq and fc.mirror.available() == avail
        assert wait_until(caught_up, 60, step=lambda: fc.poll(5)), fc.summary()
        assert fc.gaps == 0 and fc.snapshots == 1 and fc.counts["order"] == batches * PER_BATCH
    finally:
        if fc is not None:
            fc.close()
        parent.send("stop")
        proc.join(10)


def test_the_setting_reaches_the_feed_socket():
    assert load_settings(None, {}).feed.receive_queue_messages == RCVHWM == 5_000
    with pytest.raises(ValueError):
        load_settings(None, {"feed.receive_queue_messages": -1})
    fc = FeedClient(LOOPBACK.replace("*", "1"), LOOPBACK.replace("*", "2"), rcvhwm=123)
    try:
        import zmq

        assert fc.sub.getsockopt(zmq.RCVHWM) == 123
    finally:
        fc.close()
