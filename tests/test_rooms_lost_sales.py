"""The rooms overview's "lost sales so far" is the review's estimate, kept live.

A real session (demo shop thread on loopback, the live core, a real SQLite log): at the end the
live figure in the snapshot (what the state stream carries to the overview) must match what the
review computes afterwards from the log the same session wrote.
"""
from __future__ import annotations

import time

import pytest

from controlroom.live.session import LiveSession
from controlroom.log import SessionLog
from controlroom.review.analysis import build_review
from controlroom.review.logfile import open_for_review
from controlroom.settings import load_settings
from controlroom.simulate.runner import DemoShop
from tests.conftest import LOOPBACK, wait_until

pytestmark = pytest.mark.timeout(180)


def test_live_lost_sales_match_the_review_of_the_same_log(tmp_path):
    shop = DemoShop("evening-show", 3, speed=40, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK,
                    linger_s=120).start()
    ev, rq = shop.endpoints
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq})
    path = tmp_path / "show.sqlite"
    session = LiveSession(settings, curve=None, log_factory=lambda room: SessionLog(
        path, room=room, settings=settings.to_dict()).start())
    session.start()
    try:
        # Long enough for SKUs to be frozen at safety stock or sold out while still wanted.
        assert wait_until(lambda: session.snapshot.lost_units > 50, timeout=120, step=lambda: time.sleep(0.2)), \
            session.snapshot.lost_units
        time.sleep(3)
    finally:
        session.stop()
        shop.stop()
    live_units, live_cents = session.snapshot.lost_units, session.snapshot.lost_cents
    with open_for_review(path) as reader:
        totals = build_review(reader).totals()
    print(f"live {live_units:.1f} units / {live_cents} cents; review {totals['lost_units_est']:.1f} units / "
          f"{totals['lost_gmv_cents_est']:.0f} cents")
    assert live_units == pytest.approx(totals["lost_units_est"], rel=0.05)
    assert live_cents == pytest.approx(totals["lost_gmv_cents_est"], rel=0.05)
