"""A restarted engine's lost-sales estimate is what the first engine had shown, not a re-estimate.

The live meter (:class:`~controlroom.live.lost.LostSalesMeter`) looks once per engine tick; the log's
marks are exact to the event.  The rebuild must see the spans as the ticks saw them: a span counted
from the tick before the first tick that saw it down to the last tick that saw it down, a pulse
between two ticks not at all, and an event stamped at the clock it arrived behind (the feed is not
in ``ts`` order across topics) seen by the next tick.  At a flash sale's tens of thousands of orders
a minute, each second of difference was hundreds of units (``test_resume_totals`` failed on it).

Real parts: a session log file written by :class:`~controlroom.log.writer.SessionLog`, the scripted
rows put in with plain SQL as the writer would have written them.
"""
from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest

from controlroom.live.lost import LostSalesMeter
from controlroom.log.resume import ResumePoint, _down_spans
from controlroom.log.writer import SessionLog

PRICE = 1_000
STOCK = 10
# Down as each tick sees it: sold out seen at ticks 6-9 (its order, stamped 5.0, came in behind
# an order already stamped 5.0, after tick 5 had run), back on sale at 9.3 (tick 10 sees it),
# frozen 12.2-12.6 (no tick sees it), frozen at 14.5 to the end (ticks 15-20).
MARKS = [(5.0, 0, 0), (9.3, STOCK, 0), (12.2, STOCK, 1), (12.6, STOCK, 0), (14.5, STOCK, 1)]


def _down_at_tick(k: int) -> bool:
    return 6 <= k <= 9 or k >= 15


def _rate(k: int) -> float:
    return 600.0 + 10.0 * k  # orders/min: which tick's rate is "the rate before" matters


def _script(path) -> ResumePoint:
    log = SessionLog(path, room="r", settings={}).start()
    log.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO skus (sku, name, tier, price_cents, available) VALUES ('A', 'A', 'profit', ?, ?)",
                 (PRICE, STOCK))
    # The feed: an order every 0.5 s; each mark's event goes in where it arrived.
    eid = 0

    def mark(mts, available, frozen):
        nonlocal eid
        eid += 1
        conn.execute("INSERT INTO events (id, topic, ts, sku) VALUES (?, 'stock', ?, 'A')", (eid, mts))
        conn.execute("INSERT INTO sum_marks (event_id, ts, sku, available, frozen, kind)"
                     " VALUES (?, ?, 'A', ?, ?, 'stock')", (eid, mts, available, frozen))

    for i in range(0, 41):
        ts = i * 0.5
        for m in MARKS:
            if ts - 0.5 < m[0] < ts:  # in time order
                mark(*m)
        eid += 1
        conn.execute("INSERT INTO events (id, topic, ts, sku, qty) VALUES (?, 'order', ?, 'B', 1)", (eid, ts))
        for m in MARKS:
            if m[0] == ts:  # behind an order with the same stamp
                mark(*m)
    for k in range(0, 21):
        conn.execute("INSERT INTO samples (ts, sku, available, sold, rate_per_min) VALUES (?, 'A', ?, 5, ?)",
                     (float(k), 0 if 6 <= k <= 9 else STOCK, _rate(k)))
    conn.commit()
    down = tuple(_down_spans(conn, 0.0, 20.0))
    conn.close()
    return ResumePoint(t0=0.0, t1=20.0, units=0, orders=0, gmv_cents=0, down=down)


def _live() -> LostSalesMeter:
    meter = LostSalesMeter()
    for k in range(0, 21):
        down = _down_at_tick(k)
        st = SimpleNamespace(delisted=False, available=0 if 6 <= k <= 9 else STOCK, frozen=down and k >= 15,
                             sold=5, price_cents=PRICE)
        meter.note_rate("A", _rate(k), not down)
        meter.on_second(float(k), {"A": st})
    return meter


def test_the_rebuilt_lost_sales_are_what_the_live_meter_counted(tmp_path):
    live = _live()
    # 4 s at tick 5's rate, then 6 s at tick 14's: what the operator saw before the restart.
    assert live.units == pytest.approx((4 * _rate(5) + 6 * _rate(14)) / 60.0)
    point = _script(tmp_path / "show.sqlite")
    assert [(s.start, s.end, s.rate_before) for s in point.down] == [(5.0, 9.0, _rate(5)), (14.0, None, _rate(14))]
    resumed = LostSalesMeter()
    resumed.resume(point, {"A": PRICE})
    assert resumed.units == pytest.approx(live.units)
    assert resumed.cents == pytest.approx(live.cents)
