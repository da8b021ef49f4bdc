"""The engine takes the mirror's per-SKU sums of an order batch instead of counting it again.

``Engine.on_order_columns(..., sums)`` (the replay's column runs and the live ``on_batch`` pass
``StockMirror.order_sums``) must leave the very same estimator state and actions as counting the
columns itself, whatever the batch: single units, mixed quantities, bulk orders over the burst
cap, orders from other channels, and timestamps spread over several slices.
"""
from __future__ import annotations

import orjson
import pytest

from controlroom.feed.batch import EventBatch, decode_batch
from tests.test_engine_batch import _pair, _state


def _batch(m, n: int, t0: float, spread: float, qty, channel) -> EventBatch:
    raw = [{"v": 1, "epoch": "e", "seq": i + 1, "ts": t0 + i * spread, "room": "r",
            "order_id": f"{t0}-{i}", "sku": "ABC"[i % 3], "qty": qty(i), "price_cents": 100 + 50 * (i % 7 == 0),
            "channel": channel(i)} for i in range(n)]
    return EventBatch("order", decode_batch("order", orjson.dumps(raw)))


SHAPES = {
    "single units": (lambda i: 1, lambda i: "live"),
    "mixed quantities": (lambda i: 1 + i % 3, lambda i: "live"),
    "bulk over the cap": (lambda i: 40 if i % 17 == 0 else 1, lambda i: "live"),
    "other channels": (lambda i: 1 + i % 2, lambda i: "other" if i % 5 == 0 else "live"),
}


@pytest.mark.parametrize("spread", [0.0, 0.004])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_mirror_sums_decide_as_counting_the_columns(shape, spread):
    qty, channel = SHAPES[shape]
    (m1, e1), (m2, e2) = _pair([("A", "traffic_driver", 5000), ("B", "profit", 300), ("C", "long_tail", 80)])
    for k in range(6):
        t0 = 1001.0 + 2.0 * k
        b1 = _batch(m1, 200, t0, spread, qty, channel)
        b2 = _batch(m2, 200, t0, spread, qty, channel)
        assert m1.apply_columns("order", b1.cols, typed=True) and m2.apply_columns("order", b2.cols, typed=True)
        b2.sums = m2.order_sums  # what the feed client hands on with a batch its mirror took whole
        e1.on_batch(b1)  # counts the columns itself
        e2.on_batch(b2)  # takes the mirror's sums
        assert _state(e1) == _state(e2)
        assert e1.actions_pending == e2.actions_pending
    assert _state(e1)["C"]["live_units"] > 0


def test_the_sums_are_what_the_engine_uses_when_given():
    # The check above would pass if the sums were ignored: wrong sums must change the state.
    (m1, e1), (m2, e2) = _pair([("A", "traffic_driver", 5000), ("B", "profit", 300), ("C", "long_tail", 80)])
    b1 = _batch(m1, 200, 1001.0, 0.0, lambda i: 1, lambda i: "live")
    b2 = _batch(m2, 200, 1001.0, 0.0, lambda i: 1, lambda i: "live")
    assert m1.apply_columns("order", b1.cols, typed=True) and m2.apply_columns("order", b2.cols, typed=True)
    orders, units = dict(m2.order_sums[0]), dict(m2.order_sums[1])
    units["A"] += 10
    b2.sums = (orders, units, None)
    e1.on_batch(b1)
    e2.on_batch(b2)
    assert _state(e2)["A"]["live_units"] == _state(e1)["A"]["live_units"] + 10


def test_only_a_stored_blocks_runs_are_taken_as_typed(tmp_path):
    # A stored block's row is decoded by msgspec into the protocol's types (log.stored_blocks), so
    # its runs skip the mirror's type check; SQLite's JSON column arrays (no stored rows) do not.
    import sqlite3

    from controlroom.log import open_log
    from controlroom.log.columns import ColumnRun
    from controlroom.review.backtest import event_batches, load_log
    from tests.test_replay_columns import write_grouped_session

    path = tmp_path / "typed.sqlite"
    write_grouped_session(path, until_s=400.0)

    def runs() -> list[ColumnRun]:
        with open_log(path) as r:
            data = load_log(r)
            return [p for p in event_batches(data, cache=False) if type(p) is ColumnRun]

    stored = runs()  # the last, partial block has no stored row: SQLite reads it
    assert sum(p.typed for p in stored) > len(stored) // 2
    assert all(p.part(0, 2, p.cols).typed for p in stored if p.typed)
    with sqlite3.connect(path) as c:
        c.execute("DROP TABLE event_blocks")
    from_sqlite = runs()
    assert from_sqlite and not any(p.typed for p in from_sqlite)
