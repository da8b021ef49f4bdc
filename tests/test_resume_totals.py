"""An engine restarted on its show's log goes on from the show's totals (GMV, units, sold, lost sales,
the session clock), not from zero.

Real parts: a demo shop on loopback (its own thread and sockets), the real core (LiveSession) writing
a real SQLite session log, stopped and started again on the same file; the shop's own books are the
truth the totals are checked against.  The desk's Ctrl+Shift+R restart (a killed core process) is
checked in tests/test_coreproc.py's restart test.
"""
from __future__ import annotations

import time

import pytest

from controlroom.live.session import LiveSession
from controlroom.log.writer import SessionLog
from controlroom.settings import load_settings
from controlroom.simulate.runner import DemoShop

pytestmark = pytest.mark.timeout(240)


def _wait(cond, what: str, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = cond()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _session(shop: DemoShop, path) -> LiveSession:
    ev, rq = shop.endpoints
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq})
    return LiveSession(settings, operator="tester", log_factory=lambda room: SessionLog(
        path, room=room, settings=settings.to_dict(), app_version="t").start()).start()


def _settled(session: LiveSession, shop: DemoShop):
    """The core has seen every unit the held shop booked (orders minus cancels)."""
    s = session.snapshot
    return s if s.ts and s.units == shop.model.books.units else None


def test_a_restarted_engine_goes_on_from_the_shows_totals(tmp_path):
    path = tmp_path / "show.sqlite"
    shop = DemoShop("flash-sale", 4, speed=40.0, events_endpoint="tcp://127.0.0.1:*",
                    requests_endpoint="tcp://127.0.0.1:*", linger_s=600)
    shop.hold(True)  # no sale before the core has its first snapshot: the shop's books are then the truth
    shop.start()
    first = second = None
    try:
        first = _session(shop, path)
        _wait(lambda: first.snapshot.ts, "the first core's first snapshot")
        shop.hold(False)
        # Far enough in for sell-outs, so there are lost sales to carry over too.
        _wait(lambda: first.snapshot.lost_units > 1.0 and first.snapshot.units > 100, "sales and lost sales")
        shop.hold(True)  # the show stops; heartbeats, snapshots and commands go on
        before = _wait(lambda: _settled(first, shop), "the first core to catch up with the shop")
        time.sleep(1.5)  # a few more shop seconds of heartbeats: the lost-sales meter is where it stays
        before = first.snapshot
        sold_before = {v.sku: v.sold for v in before.skus}
        first.stop()  # closes the log
        first = None

        second = _session(shop, path)
        after = _wait(lambda: second.snapshot if second.snapshot.ts else None, "the second core's first snapshot")
        assert second.session_log.segment == 2  # the same file, continued
        assert after.units == before.units > 100
        assert after.orders == before.orders
        assert after.gmv_cents == before.gmv_cents
        assert {v.sku: v.sold for v in after.skus} == sold_before
        assert after.started_ts == pytest.approx(before.started_ts, abs=1.0)  # the session clock goes on
        # The lost-sales estimate is rebuilt from the log's unavailable spans as the first core's ticks saw
        # them (exact: tests/test_resume_lost_ticks.py); the margin is for the second core's own first
        # ticks, a second of a flash sale's rate each.
        assert after.lost_units == pytest.approx(before.lost_units, rel=0.15, abs=0.5), (before.lost_units,
                                                                                        after.lost_units)
        assert after.lost_cents == pytest.approx(before.lost_cents, rel=0.15, abs=500)

        # ... and goes on counting: after more of the show, it agrees with the shop's books again.
        shop.hold(False)
        _wait(lambda: second.snapshot.units > before.units + 50, "more sales after the restart")
        shop.hold(True)
        again = _wait(lambda: _settled(second, shop), "the second core to catch up with the shop")
        assert again.units == shop.model.books.units
        assert again.lost_units >= after.lost_units
    finally:
        for s in (first, second):
            if s is not None:
                s.stop()
        shop.stop()
