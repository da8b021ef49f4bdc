"""The session log stores a feed EventBatch (columns) exactly as it stores the same events as dicts.

Real SQLite files: two SessionLogs, one fed dicts, one fed the feed's batches of the same events;
their events (every column, the raw JSON read back), summary rows and replay input are compared.
"""
from __future__ import annotations

import sqlite3

import orjson
import pytest

from controlroom.feed.batch import EventBatch, decode_batch
from controlroom.log import SessionLog, open_log
from tests.test_log_summary_batch import SKUS, _events


def _as_feed_batches(batches: list[list[dict]]) -> list:
    """Orders and carts as the feed client hands them over (EventBatch); other topics as dicts."""
    out = []
    for b in batches:
        topic = b[0]["topic"]
        if topic in ("order", "cart") and len({e.get("order_id") for e in b}) == len(b):
            wire = orjson.dumps([{k: v for k, v in e.items() if k != "topic"} for e in b])
            out.append(EventBatch(topic, decode_batch(topic, wire)))
        else:
            out.append(b)
    return out


def _write(path, batches) -> None:
    log = SessionLog(path, room="R", settings={}).start()
    log.skus([{"sku": s, "name": s, "tier": "profit", "price_cents": 100, "available": 40 + 30 * i}
              for i, s in enumerate(SKUS)])
    log.snapshot({"room": "R", "epoch": "E", "seq": 0,
                  "skus": [{"sku": s, "available": 40 + 30 * i} for i, s in enumerate(SKUS)]}, 1.0)
    for i, b in enumerate(batches):
        log.events(b, 1000.0 + i)
        if i % 9 == 0:
            assert log.flush()
    assert log.flush()
    log.close()


def _tables(path) -> dict:
    conn = sqlite3.connect(path)
    cols = "id, epoch, seq, topic, ts, received_at, sku, qty, order_id, price_cents, channel, delta"
    out = {"events": conn.execute(f"SELECT {cols} FROM events ORDER BY id").fetchall(),
           "raw": [orjson.loads(r) for (r,) in conn.execute("SELECT raw FROM events ORDER BY id")]}
    for t in ("sum_minute", "sum_marks", "sum_levels", "sum_meta"):
        out[t] = sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
    conn.close()
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_a_batch_is_logged_like_its_dicts(tmp_path, seed):
    batches = _events(seed)
    feed = _as_feed_batches(batches)
    assert sum(type(b) is EventBatch for b in feed) >= 20
    _write(tmp_path / "dicts.sqlite", batches)
    _write(tmp_path / "batches.sqlite", feed)
    a, b = _tables(tmp_path / "dicts.sqlite"), _tables(tmp_path / "batches.sqlite")
    assert len(a["events"]) == sum(map(len, batches))
    for t in a:
        assert a[t] == b[t], t
    # What the review and the replay read back is the same too.
    with open_log(tmp_path / "dicts.sqlite") as ra, open_log(tmp_path / "batches.sqlite") as rb:
        assert list(ra.iter_events()) == list(rb.iter_events())
        assert [getattr(x, "cols", x) for x in ra.iter_event_blocks(columns=True)] == \
            [getattr(x, "cols", x) for x in rb.iter_event_blocks(columns=True)]


def test_the_live_core_logs_feed_batches_that_replay_to_the_shops_stock(tmp_path):
    # End to end on real sockets (CURVE on): a shop sends 100-event arrays of orders and carts, the
    # live core takes each as one EventBatch (engine and log read its columns), and the session log
    # it writes replays to the shop's own stock, with every raw JSON text whole.
    import threading

    from controlroom.feed.batch import EventBatch as Batch
    from controlroom.feed.mirror import StockMirror
    from controlroom.live.session import LiveSession
    from controlroom.security.keys import ensure_demo_keys
    from controlroom.settings import load_settings
    from controlroom.shop.server import ShopServer
    from controlroom.shop.stamp import Stamper
    from tests.conftest import LOOPBACK, wait_until

    class Book:
        def __init__(self):
            self.available = {s: 10_000 for s in SKUS}

        def snapshot(self):
            return {"room": "R", "viewers": 0, "featured": None,
                    "skus": [{"sku": s, "name": s, "tier": "profit", "price_cents": 100, "available": a,
                              "frozen": False} for s, a in self.available.items()]}

        def apply_command(self, req):
            return {"ok": False, "error": "read-only"}

        def drain(self):
            return []

    server_curve, client_curve = ensure_demo_keys(tmp_path / "keys")
    book = Book()
    stamper = Stamper("R")
    shop = ShopServer(book, stamper, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK, curve=server_curve)
    stop = threading.Event()
    serving = threading.Thread(target=lambda: [shop.poll(5) for _ in iter(stop.is_set, True)], daemon=True)
    serving.start()
    ev, rq = shop.events_endpoint, shop.requests_endpoint
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq})
    path = tmp_path / "live.sqlite"
    session = LiveSession(settings, curve=client_curve, log_factory=lambda room: SessionLog(
        path, room=room, settings=settings.to_dict(), app_version="test").start())
    seen = []
    real = session.on_batch
    session.on_batch = lambda batch, at: (seen.append(type(batch)), real(batch, at))
    session.start()
    try:
        assert wait_until(lambda: session.feed.state == "live", 15)
        k = 0
        for b in range(20):
            if b % 4 == 3:
                fields = [{"sku": SKUS[(k + i) % len(SKUS)], "delta": 1 + i % 2} for i in range(100)]
                shop.publish_batch("cart", fields)
            else:
                fields = [{"order_id": f"o{k + i}", "sku": SKUS[(k + i) % len(SKUS)], "qty": 1 + i % 3,
                           "price_cents": 100, "channel": "live"} for i in range(100)]
                for f in fields:
                    book.available[f["sku"]] -= f["qty"]
                shop.publish_batch("order", fields)
            k += 100
        assert wait_until(lambda: session.feed.seq == stamper.seq, 15), session.feed.summary()
        assert session.feed.mirror.available() == book.available
    finally:
        session.stop()
        stop.set()
        serving.join(5)
        shop.close()
    assert seen.count(Batch) >= 15  # the batches went the column way, not as dicts
    with open_log(path) as r:
        # every order and cart change is in the log once (heartbeats before the snapshot are in it)
        assert sum(e["topic"] in ("order", "cart") for e in r.iter_events()) == 2000
        mirror = StockMirror()
        for kind, payload in r.iter_stream():
            if kind == "snapshot":
                mirror.reset(payload)
            else:
                for e in payload:
                    mirror.apply(e)
        assert mirror.available() == book.available
