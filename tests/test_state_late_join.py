"""Issue 12's stream tests on a real session: the desk's core process shares its stream with the room's keys.

A view that joins 10 minutes (shop time; the demo shop runs 60x) into the show, and a slow view
that is busy 200 ms after every receive, end up with the desk's per-SKU state and charts — checked
against the session log the core wrote (its last feed seq, the stock its events replay to, its
per-second samples), not against an object the views share.
"""
from __future__ import annotations

import math
import time

import numpy as np
import pytest

from controlroom.feed.mirror import StockMirror
from controlroom.live.process import RemoteSession
from controlroom.log import open_log
from controlroom.security.keys import generate_keys
from controlroom.settings import load_settings
from controlroom.simulate.runner import DemoShop
from controlroom.state import keys as room_keys
from controlroom.state.client import StateClient
from controlroom.state.server import StreamConfig
from tests.conftest import LOOPBACK

pytestmark = pytest.mark.timeout(240)

JOIN_AFTER_SHOP_S = 600.0


def _same(a: float | None, b: float | None) -> bool:
    return a == b or (a is not None and b is not None and math.isnan(a) and math.isnan(b))


def sku_state(view) -> dict[str, tuple]:
    """Everything the desk shows of each SKU (sparklines NaN-aware)."""
    return {v.sku: (v.available, v.sold, v.frozen, v.level, v.rate_per_min, v.predicted_sales, v.predicted_hi,
                    v.sellout_s, v.sellout_pessimistic_s, v.warning_line,
                    tuple("nan" if x != x else x for x in v.spark)) for v in view.skus}


def test_late_and_slow_views_match_the_desk_and_the_session_log(tmp_path):
    kdir = tmp_path / "keys"
    rk = room_keys.ensure_room_keys(kdir)
    for name in ("late", "slow"):
        pub, _ = generate_keys(tmp_path / "views", name)
        room_keys.add_client(kdir, str(pub), name, "viewer")
    shop = DemoShop("evening-show", 5, speed=60, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK,
                    linger_s=600).start()
    ev, rq = shop.endpoints
    log_path = tmp_path / "session.sqlite"
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq})
    share = StreamConfig("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", server_keys=(rk.public, rk.secret),
                         allow_file=str(rk.allow_file))
    desk = RemoteSession(settings, curve=None, operator="desk-op", log=str(log_path), no_log=False,
                         share=share).start()
    views = []
    try:
        def curve(name):
            return room_keys.client_curve(tmp_path / "views" / f"{name}.key_secret", kdir / "room" / "room.key")

        slow = StateClient(*desk.endpoints, curve=curve("slow"))  # there from the start, but slow
        views.append(slow)
        end = time.monotonic() + 120
        charted = []
        while True:
            snap = desk.snapshot
            if snap.skus and not charted:
                charted = [v.sku for v in snap.skus[:4]]
            for sku in charted:
                desk.history(sku)  # the desk charts these, as its chart panel would
            slow.receive()
            time.sleep(0.2)  # the slow view: 200 ms of work after every receive
            if snap.started_ts and snap.ts - snap.started_ts >= JOIN_AFTER_SHOP_S:
                break
            assert time.monotonic() < end, f"show reached {snap.ts - snap.started_ts:.0f} s"
        late = StateClient(*desk.endpoints, curve=curve("late"))
        views.append(late)
        t_join = time.monotonic()
        while late.seq < 0 or not late.view.skus:
            late.receive()
            assert time.monotonic() - t_join < 10
            time.sleep(0.02)
        late.request_history(charted)
        shop.pause()  # the show stops: nothing more is published, heartbeats included
        time.sleep(1.0)
        # Both views and the desk settle on the core's last state; the slow one keeps its 200 ms pace.
        end = time.monotonic() + 30
        while True:
            late.receive()
            slow.receive()
            d = desk.snapshot
            if (late.seq == slow.seq and sku_state(late.view) == sku_state(d) == sku_state(slow.view)
                    and late.view.feed.seq == d.feed.seq):
                break
            assert time.monotonic() < end, "views did not converge"
            time.sleep(0.2)
        assert slow.gaps == 0  # nothing lost to conflation: every delta applied in order
        final_views = {v.sku: v.available for v in late.view.skus}
        feed_seq = late.view.feed.seq
        # Charts: the late view gets the same burn-down histories the desk draws.
        for sku in charted:
            desk.history(sku)
        late.request_history(charted)
        end = time.monotonic() + 10
        while not all(len(late.history(k)[0]) and len(desk.history(k)[0]) for k in charted):
            late.receive()
            desk.receive()
            assert time.monotonic() < end
            time.sleep(0.05)
        # Histories are re-sent every 0.5 s: the first reply may predate the last tick's sample
        # (it answered the request made before the show stopped), so wait for the views to reach it.
        end = time.monotonic() + 15
        while not all(late.history(k)[1][-1] == final_views[k] and desk.history(k)[1][-1] == final_views[k]
                      for k in charted):
            late.receive()
            desk.receive()
            assert time.monotonic() < end, "chart histories did not reach the final stock"
            time.sleep(0.05)
        hist = {}
        for sku in charted:
            lt, la = late.history(sku)
            dt, da = desk.history(sku)
            n = min(len(lt), len(dt))
            assert n > 10 and np.array_equal(lt[:n], dt[:n]) and np.array_equal(la[:n], da[:n])
            assert lt[-1] - lt[0] >= JOIN_AFTER_SHOP_S - 30  # the whole show so far, not just since joining
            hist[sku] = (lt.copy(), la.copy())
        # Alerts and commands (the room block) as the desk has them.
        assert [a.key for a in late.view.alerts] == [a.key for a in desk.snapshot.alerts]
    finally:
        for v in views:
            v.close()
        desk.stop()
        shop.stop()
    # The session log the core wrote: its last feed seq, the stock its events replay to, its samples.
    with open_log(log_path) as r:
        mirror, last_seq = StockMirror(), 0
        for kind, payload in r.iter_stream():
            if kind == "snapshot":
                mirror.reset(payload)
                last_seq = max(last_seq, payload["seq"])
            else:
                for e in payload:
                    mirror.apply(e)
                    last_seq = max(last_seq, e["seq"])
        assert mirror.available() == final_views
        assert last_seq == feed_seq
        for sku, (ts, av) in hist.items():
            logged = {row[0]: row[2] for row in r.samples(sku)}
            # Every history point is a logged per-second sample with the same stock.
            assert all(logged.get(t) == a for t, a in zip(ts.tolist(), av.tolist())), sku
            assert av[-1] == final_views[sku]
