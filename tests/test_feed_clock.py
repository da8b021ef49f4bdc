"""How far the core is behind the shop: the feed client asks the shop for its clock (``{"op": "clock"}``) about
once a second, and the answer, on the request socket, overtakes the events still queued on the subscription.

Real ZeroMQ sockets on loopback and the real ShopServer (tests/shop_book.py's read-only book)."""
from __future__ import annotations

import orjson
import zmq

from controlroom.feed import shop_clock
from controlroom.feed.client import FeedClient
from controlroom.feed.listener import FeedListener
from controlroom.shop.server import ShopServer
from controlroom.shop.stamp import Stamper
from tests.conftest import LOOPBACK, wait_until
from tests.shop_book import Book, order_message

T0 = 1_700_000_000.0


class Heard(FeedListener):
    def __init__(self) -> None:
        self.clocks: list[tuple[float, int]] = []

    def on_clock(self, behind_s: float, behind_events: int, received_at: float) -> None:
        self.clocks.append((behind_s, behind_events))


def test_a_core_behind_its_feed_learns_by_how_much_and_catches_up():
    now = [T0]
    book = Book(["A", "B"])
    stamper = Stamper(book.room, clock=lambda: now[0])
    server = ShopServer(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK)
    heard = Heard()
    fc = FeedClient(server.events_endpoint, server.requests_endpoint, listener=heard, clock_every_s=0.05)
    try:
        assert wait_until(lambda: fc.state == "live", 10, step=lambda: (server.poll(0), fc.poll(5)))
        server.heartbeat()  # one event applied: something to measure from
        assert wait_until(lambda: fc.clock_answers >= 2, 10, step=lambda: (server.poll(0), fc.poll(5)))
        assert fc.behind_s == 0.0 and heard.clocks[-1] == (0.0, 0)  # caught up
        # The shop runs 12 s on, 40 messages of orders, while the core reads nothing.
        for i in range(40):
            now[0] = T0 + 0.3 * (i + 1)
            server.pub.send_multipart(order_message(stamper, book, ["A", "B"], f"o{i}-"))
        # The core asks and hears only the answer: its subscription is left unread.
        fc.shop_clock.next_at = 0.0
        fc.service()
        assert wait_until(lambda: server.poll(0) > 0, 5)
        assert fc.dealer.poll(5000, zmq.POLLIN)
        fc.handle({fc.dealer: zmq.POLLIN})
        assert fc.behind_s == 12.0 and fc.behind_events == 80, fc.summary()
        assert heard.clocks[-1] == (12.0, 80)
        # Once it has read the queue, the next answer says it caught up.
        n = fc.clock_answers
        assert wait_until(lambda: fc.clock_answers > n and fc.behind_s == 0.0, 10,
                          step=lambda: (server.poll(0), fc.poll(5)))
        assert fc.summary()["behind_s"] == 0.0 and fc.mirror.available() == book.available
    finally:
        fc.close()
        server.close()


def test_a_shop_that_refuses_the_clock_is_not_asked_again():
    """An older shop answers "unknown op": said once as a feed note, asked no more, nothing measured."""
    now = [T0]
    book = Book(["A"])
    stamper = Stamper(book.room, clock=lambda: now[0])

    class OldShop(ShopServer):
        asked = 0

        def _answer(self, body: bytes, user):
            if orjson.loads(body).get("op") == "clock":
                OldShop.asked += 1
                return orjson.dumps({"id": orjson.loads(body)["id"], "ok": False, "error": "unknown op 'clock'"})
            return super()._answer(body, user)

    server = OldShop(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK)
    fc = FeedClient(server.events_endpoint, server.requests_endpoint, clock_every_s=0.05)
    try:
        assert wait_until(lambda: fc.state == "live", 10, step=lambda: (server.poll(0), fc.poll(5)))
        server.heartbeat()
        assert wait_until(lambda: fc.clock_refused is not None, 10, step=lambda: (server.poll(0), fc.poll(5)))
        asked = OldShop.asked
        wait_until(lambda: False, 0.5, step=lambda: (server.poll(0), fc.poll(5)))
        assert OldShop.asked == asked == 1 and fc.behind_s is None and fc.state == "live"
        assert any(kind == "clock_refused" and "unknown op 'clock'" in detail for _w, kind, detail in fc.incidents)
    finally:
        fc.close()
        server.close()


def test_a_reading_is_dropped_once_answers_stop(monkeypatch):
    """A shop that stops answering the clock (busy, or gone): after CLOCK_STALE_S (wall) the reading is dropped
    and the listener hears 0, so no stale backlog keeps inflating the reserve."""
    monkeypatch.setattr(shop_clock, "CLOCK_STALE_S", 0.3)
    now = [T0]
    book = Book(["A"])
    stamper = Stamper(book.room, clock=lambda: now[0])

    class QuietShop(ShopServer):
        quiet = False

        def _handle(self, frames):
            if QuietShop.quiet and orjson.loads(frames[-1].bytes).get("op") == "clock":
                return  # no answer at all
            super()._handle(frames)

    server = QuietShop(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK)
    heard = Heard()
    fc = FeedClient(server.events_endpoint, server.requests_endpoint, listener=heard, clock_every_s=0.05)
    try:
        assert wait_until(lambda: fc.state == "live", 10, step=lambda: (server.poll(0), fc.poll(5)))
        server.heartbeat()
        now[0] = T0 + 4.0  # the shop's clock runs 4 s past the last event it published
        assert wait_until(lambda: fc.behind_s == 4.0, 10, step=lambda: (server.poll(0), fc.poll(5)))
        QuietShop.quiet = True
        assert wait_until(lambda: fc.behind_s is None, 10, step=lambda: (server.poll(0), fc.poll(5)))
        assert heard.clocks[-1] == (0.0, 0) and (4.0, 0) in heard.clocks and fc.state == "live"
    finally:
        fc.close()
        server.close()


def test_a_backlog_is_one_feed_incident_in_the_session_log(tmp_path):
    """For the manager: the live session logs a backlog as one "behind" feed incident (from BEHIND_NOTED_S, its
    worst reading when it ends), which the review counts with its length; a real SessionLog on a real file."""
    from controlroom.live.session import LiveSession
    from controlroom.log import open_log
    from controlroom.log.writer import SessionLog
    from controlroom.review.incidents import feed_incidents
    from controlroom.settings import load_settings

    path = tmp_path / "show.sqlite"
    log = SessionLog(path, room="r", settings={}, app_version="test").start()
    session = LiveSession(load_settings(None), session_log=log)  # not started: its listener side alone
    for at, behind in ((100.0, 0.4), (101.0, 3.5), (102.0, 9.2), (103.0, 2.0), (104.0, 0.3), (105.0, 2.5)):
        session.on_clock(behind, int(behind * 100), at)
    log.close()
    with open_log(path) as r:
        rows = [x for x in r.feed() if x["state"] in ("behind", "caught_up")]
        incidents = feed_incidents(r.feed(), [])
    assert [(x["ts"], x["state"], x["detail"]) for x in rows] == [
        (101.0, "behind", "3.5 s (350 events) behind the shop"),
        (104.0, "caught_up", "caught up with the shop (at worst 9.2 s behind)")]
    assert [(i.state, i.duration_s) for i in incidents] == [("behind", 3.0)]


def test_a_busy_core_reads_the_answer_before_giving_up_on_it():
    """A core behind its feed spends each handle() at the subscription, and the poll before the next one finds
    the subscription ready before the answer lands: the answer must still be read (in service(), before the
    request times out), and it measures where the core was when it asked.  Before, every answer was given up on
    unread once a backlog began (a core slowed 10 ms a batch at a flash: readings stopped for 6 s)."""
    now = [T0]
    mono = [100.0]
    book = Book(["A", "B"])
    stamper = Stamper(book.room, clock=lambda: now[0])
    server = ShopServer(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK)
    fc = FeedClient(server.events_endpoint, server.requests_endpoint, clock=lambda: mono[0], clock_every_s=1.0)
    try:
        assert wait_until(lambda: fc.state == "live", 10, step=lambda: (server.poll(0), fc.poll(5)))
        server.heartbeat()
        assert wait_until(lambda: fc.mirror.last_ts == T0, 10, step=lambda: (server.poll(0), fc.poll(5)))
        # (a request that went out before any event was applied, answered late on a loaded machine, measures
        # nothing: let it be answered first)
        assert wait_until(lambda: fc.shop_clock.pending_id is None, 10, step=lambda: (server.poll(0), fc.poll(5)))
        for i in range(30):  # 9 shop seconds of orders queued for the core
            now[0] = T0 + 0.3 * (i + 1)
            server.pub.send_multipart(order_message(stamper, book, ["A", "B"], f"o{i}-"))
        mono[0] += fc.shop_clock.every_s  # (small steps: 3 s without a message would make the feed stale)
        fc.service()  # the request goes out with the core at T0
        assert fc.shop_clock.pending_id is not None
        assert wait_until(lambda: server.poll(0) > 0, 5) and fc.dealer.poll(5000, zmq.POLLIN)
        n = fc.clock_answers
        fc.handle({fc.sub: zmq.POLLIN})  # the loop's poll saw only the subscription: a busy handle
        assert fc.mirror.last_ts > T0  # it applied some of the backlog meanwhile
        mono[0] += fc.snapshot_timeout_s + 0.5  # longer than the request's timeout
        fc.service()
        assert fc.clock_answers == n + 1 and fc.behind_s == 9.0 and fc.behind_events == 60, fc.summary()
    finally:
        fc.close()
        server.close()
