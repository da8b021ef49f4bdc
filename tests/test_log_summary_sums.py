"""The log summary takes an order batch's per-SKU sums from the core's mirror (``EventBatch.sums``)
and leaves exactly the rows it leaves when it counts the batch itself, or feeds it event by event.

Real parts: the feed's own batch Structs decoded from JSON, a real :class:`StockMirror` taking each
batch as the feed client does (``apply_columns(..., typed=True)``, then ``batch.sums``), and the
summary rows flushed into real SQLite files and compared.
"""
from __future__ import annotations

import random
import sqlite3
from contextlib import closing

import orjson
import pytest

from controlroom.feed.batch import EventBatch, decode_batch
from controlroom.feed.mirror import StockMirror
from controlroom.log import summary_batch
from controlroom.log.summary import SummaryTracker, create_summary_tables

SKUS = [f"S{i}" for i in range(6)]
STOCK = [{"sku": s, "available": 100_000} for s in SKUS]
TABLES = ("sum_minute", "sum_marks", "sum_meta", "sum_check", "sum_check_at")


def _order_batches(seed: int) -> list[list[dict]]:
    """Order batches of every shape the mirror counts: one unit at one price, several units, several prices."""
    rng = random.Random(seed)
    seq, ts, out = 0, 1000.0, []
    for k in range(30):
        evs = []
        for _ in range(rng.choice([20, 50, 200])):
            seq += 1
            ts += 0.05
            evs.append({"v": 1, "epoch": "E", "seq": seq, "ts": ts, "room": "R", "order_id": f"o{seq}",
                        "sku": rng.choice(SKUS), "qty": 1 if k % 3 == 0 else rng.choice([1, 2, 3]),
                        "price_cents": 100 if k % 3 < 2 else rng.choice([100, 250]), "channel": "live"})
        out.append(evs)
    return out


def _as_feed_gives_them(batches: list[list[dict]]) -> list[EventBatch]:
    """Each batch as the feed client hands it on: decoded into Structs, taken whole by its mirror, the
    mirror's sums attached."""
    mirror = StockMirror()
    mirror.reset({"room": "R", "skus": [dict(s, name=s["sku"], tier="profit", price_cents=100) for s in STOCK]})
    out = []
    for evs in batches:
        b = EventBatch("order", decode_batch("order", orjson.dumps(evs)))
        assert mirror.apply_columns("order", b.cols, typed=True)
        b.sums = mirror.order_sums
        out.append(b)
    return out


def _rows(tmp_path, name: str, feed) -> tuple:
    tr = SummaryTracker()
    tr.catalogue("R", STOCK)
    tr.reset({"room": "R", "skus": STOCK})
    feed(tr)
    with closing(sqlite3.connect(tmp_path / f"{name}.sqlite")) as conn:  # the rows as a reader finds them
        create_summary_tables(conn)
        tr.flush(conn)
        conn.commit()
        rows = {t: sorted(conn.execute(f"SELECT * FROM {t}"), key=repr) for t in TABLES}
    m = tr.mirror
    return rows, {k: (st.available, st.sold, st.orders, st.gmv_cents) for k, st in m.skus.items()}, \
        (m.units, m.orders, m.gmv_cents, tr.room_units, tr.room_gross, dict(tr.units_ordered), dict(tr.gross))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_mirrors_sums_leave_what_counting_and_the_events_leave(tmp_path, monkeypatch, seed):
    dicts = _order_batches(seed)
    with_sums = _as_feed_gives_them(dicts)
    assert {type(b.sums[2]) for b in with_sums} == {type(None), dict}  # both shapes of gross are here
    counted = []
    real = summary_batch._count_elements
    monkeypatch.setattr(summary_batch, "_count_elements", lambda d, it: counted.append(1) or real(d, it))

    def feed_all(batches, per_event=False):
        def go(tr):
            if per_event:  # event by event; feed() still takes the scrub checkpoints after each batch
                tr._feed_batch = lambda b, i: False
            i = 1
            for b in batches:
                tr.feed(b, i)
                i += len(b)
        return go

    a = _rows(tmp_path, "sums", feed_all(with_sums))
    assert counted == []  # the summary counted nothing itself: it took every batch's sums
    no_sums = _as_feed_gives_them(dicts)
    for b in no_sums:
        b.sums = None
    b_ = _rows(tmp_path, "counted", feed_all(no_sums))
    assert counted  # without sums it counts
    c = _rows(tmp_path, "events", feed_all([[dict(e, topic="order") for e in evs] for evs in dicts], per_event=True))
    assert a == b_ == c
    assert a[2][1] == sum(len(evs) for evs in dicts)


def test_sums_that_do_not_add_up_to_the_batch_are_not_trusted(tmp_path):
    """A batch whose sums are not its own (here: another batch's) is counted by the summary itself."""
    dicts = _order_batches(3)[:4]
    batches = _as_feed_gives_them(dicts)
    other = next(b.sums for b in batches[1:] if sum(b.sums[0].values()) != len(batches[0]))
    good = _rows(tmp_path, "good", lambda tr: [tr.feed(b, 1 + sum(len(x) for x in batches[:k]))
                                                for k, b in enumerate(batches)])
    batches[0].sums = other
    swapped = _rows(tmp_path, "swapped", lambda tr: [tr.feed(b, 1 + sum(len(x) for x in batches[:k]))
                                                     for k, b in enumerate(batches)])
    assert swapped == good
