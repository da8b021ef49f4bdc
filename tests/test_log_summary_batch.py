"""The summary tracker's batch path leaves exactly the rows the per-event path leaves.

Real SQLite files: both trackers flush into their own file and the tables are compared.
"""
from __future__ import annotations

import random
import sqlite3

import pytest

from controlroom.log.summary import SummaryTracker, create_summary_tables

SKUS = [f"S{i}" for i in range(8)]


def _events(seed: int) -> list[list[dict]]:
    """Batches like the feed's: orders (some SKUs selling out), carts, a duplicate, minute crossings."""
    rng = random.Random(seed)
    seq, ts, out = 0, 1000.0, []
    for b in range(60):
        topic = rng.choice(["order", "order", "order", "cart", "traffic"])
        batch = []
        for _ in range(rng.choice([3, 20, 50])):
            seq += 1
            ts += rng.choice([0.01, 0.5, 2.0])
            ev = {"v": 1, "epoch": "E", "seq": seq, "ts": ts, "room": "R", "topic": topic}
            if topic == "order":
                ev.update(order_id=f"o{seq}", sku=rng.choice(SKUS), qty=rng.choice([1, 1, 2, 5]),
                          price_cents=rng.choice([100, 250]), channel="live")
            elif topic == "cart":
                ev.update(sku=rng.choice(SKUS), delta=rng.choice([1, -1, 2]))
            else:
                ev.update(viewers=rng.randrange(1000), entries=3, featured=None)
            batch.append(ev)
        if topic == "order" and b % 17 == 5:
            batch[-1] = dict(batch[-1], order_id=batch[0]["order_id"])  # a duplicate order id
        out.append(batch)
    return out


def _rows(tracker: SummaryTracker, batches, path, per_event: bool) -> dict:
    conn = sqlite3.connect(path)
    create_summary_tables(conn)
    tracker.catalogue("R", [{"sku": s, "available": 40 + 30 * i} for i, s in enumerate(SKUS)])
    tracker.reset({"room": "R", "skus": [{"sku": s, "available": 40 + 30 * i} for i, s in enumerate(SKUS)]})
    i = 1
    for k, b in enumerate(batches):
        (tracker._feed_events if per_event else tracker.feed)(b, i)
        i += len(b)
        if k % 7 == 0:
            tracker.flush(conn)
    tracker.flush(conn)
    conn.commit()
    out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
           for t in ("sum_minute", "sum_marks", "sum_levels", "sum_meta")}
    conn.close()
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batch_path_equals_per_event_path(tmp_path, seed):
    batches = _events(seed)
    fast, slow = SummaryTracker(), SummaryTracker()
    a = _rows(fast, batches, tmp_path / "a.sqlite", per_event=False)
    b = _rows(slow, batches, tmp_path / "b.sqlite", per_event=True)
    assert a == b
    assert fast.mirror.available() == slow.mirror.available()
    assert (fast.duplicates, fast.events, fast.topics) == (slow.duplicates, slow.events, slow.topics)
    assert any(r[6] == "stock" for r in a["sum_marks"])  # some SKUs did sell out on the way


def test_batch_path_is_taken(monkeypatch):
    tr = SummaryTracker()
    tr.catalogue("R", [{"sku": "A", "available": 10**6}])
    tr.reset({"room": "R", "skus": [{"sku": "A", "available": 10**6}]})
    tr._feed_events([{"v": 1, "epoch": "E", "seq": 1, "ts": 1.0, "room": "R", "topic": "hb"}], 1)
    taken = []
    real = tr._feed_batch
    monkeypatch.setattr(tr, "_feed_batch", lambda b, i: taken.append(real(b, i)) or taken[-1])
    batch = [{"v": 1, "epoch": "E", "seq": 2 + j, "ts": 1.0 + j / 100, "room": "R", "topic": "order",
              "order_id": f"o{j}", "sku": "A", "qty": 1, "price_cents": 5, "channel": "live"} for j in range(50)]
    tr.feed(batch, 2)
    assert taken == [True] and tr.mirror.orders == 50 and tr.gross["A"] == 250


def test_a_batch_that_starts_a_new_minute_leaves_the_minute_before_its_own_closing_figures(tmp_path):
    """The rows of minute 0 close with minute 0's figures, not with those of the batch that opened minute 1."""
    def orders(t0: float, first: int) -> list[dict]:
        return [{"v": 1, "epoch": "E", "seq": first + j, "ts": t0 + j / 100, "room": "R", "topic": "order",
                 "order_id": f"o{first + j}", "sku": "A", "qty": 1, "price_cents": 100, "channel": "live"}
                for j in range(20)]

    out = []
    for per_event in (False, True):
        tr = SummaryTracker()
        tr.catalogue("R", [{"sku": "A", "available": 1000}])
        tr.reset({"room": "R", "skus": [{"sku": "A", "available": 1000}]})
        (tr._feed_events if per_event else tr.feed)(orders(1000.0, 1), 1)  # minute 0
        (tr._feed_events if per_event else tr.feed)(orders(1065.0, 21), 21)  # wholly in minute 1
        conn = sqlite3.connect(tmp_path / f"m{per_event}.sqlite")
        create_summary_tables(conn)
        tr.flush(conn)
        out.append(conn.execute("SELECT minute, sku, available, sold, units_ordered, events, last_id FROM sum_minute"
                                " ORDER BY minute, sku").fetchall())
        conn.close()
    assert out[0] == out[1]
    assert out[0][:2] == [(0, "", None, 20, 20, 20, 20), (0, "A", 980, 20, 20, None, 20)]


def _mirror_state(tr: SummaryTracker) -> tuple:
    m = tr.mirror
    return ({k: (st.available, st.sold, st.orders, st.gmv_cents, st.cart) for k, st in m.skus.items()},
            m.viewers, m.entries, m.featured, m.last_ts, m.units, m.orders, m.gmv_cents,
            tr.units_ordered, tr.gross, tr.room_units, tr.room_gross, tr._viewers_max, tr.last_id, tr.t1)


@pytest.mark.parametrize("as_feed_batches", [False, True])
def test_each_topics_batch_is_taken_whole_and_leaves_what_the_events_leave(tmp_path, monkeypatch, as_feed_batches):
    """Orders (one price and several, qty 1 and more), carts (only additions: summed; with removals:
    in order, floored at zero) and traffic (featured SKU changing inside the batch) each go the batch
    path, and leave the same rows and the same mirror as the per-event path."""
    from controlroom.feed.batch import EventBatch, decode_batch
    import orjson

    rng = random.Random(7)
    seq, ts, batches = 0, 1000.0, []
    for k in range(24):
        topic = ("order", "cart", "traffic")[k % 3]
        batch = []
        for j in range(40):
            seq += 1
            ts += 0.05
            ev = {"v": 1, "epoch": "E", "seq": seq, "ts": ts, "room": "R", "topic": topic}
            if topic == "order":
                ev.update(order_id=f"o{seq}", sku=rng.choice(SKUS), qty=1 if k % 2 else rng.choice([1, 2, 3]),
                          price_cents=100 if k % 4 < 2 else rng.choice([100, 250]), channel="live")
            elif topic == "cart":
                ev.update(sku=rng.choice(SKUS), delta=rng.choice([1, 2] if k % 2 else [1, -1, -3, 2]))
            else:
                ev.update(viewers=rng.randrange(1000), entries=rng.randrange(5),
                          featured=[None, *SKUS[:3]][(k + j // 20) % 4])  # changes inside the batch
            batch.append(ev)
        batches.append(batch)
    fed = batches
    if as_feed_batches:
        fed = [EventBatch(b[0]["topic"], decode_batch(b[0]["topic"], orjson.dumps(
            [{k: v for k, v in e.items() if k != "topic"} for e in b])))
            if b[0]["topic"] != "traffic" else b for b in batches]
    stock = [{"sku": s, "available": 10_000} for s in SKUS]
    out = []
    for per_event in (False, True):
        tr = SummaryTracker()
        tr.catalogue("R", stock)
        tr.reset({"room": "R", "skus": stock})
        tr._feed_events([{"v": 1, "epoch": "E", "seq": 0, "ts": 999.0, "room": "R", "topic": "hb"}], 1)
        taken = []
        real = (lambda b, i: False) if per_event else tr._feed_batch  # per event: feed() still takes checkpoints
        monkeypatch.setattr(tr, "_feed_batch", lambda b, i: taken.append(real(b, i)) or taken[-1])
        i = 2
        for b in (batches if per_event else fed):
            tr.feed(b, i)
            i += len(b)
        conn = sqlite3.connect(tmp_path / f"t{per_event}{as_feed_batches}.sqlite")
        create_summary_tables(conn)
        tr.flush(conn)
        rows = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("sum_minute", "sum_marks", "sum_meta", "sum_check", "sum_check_at")}
        conn.close()
        out.append((rows, _mirror_state(tr)))
        if not per_event:
            assert taken == [True] * len(batches)
    assert out[0] == out[1]
    state = out[0][1]
    assert any(c for *_, c in state[0].values())  # carts counted
    assert state[3] == batches[-1][-1]["featured"] != batches[-1][0]["featured"]
