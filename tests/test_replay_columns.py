"""Replay from the log through columns (``iter_event_blocks(columns=True)``) decides as through dicts.

The log is recorded the way the live core logs a feed: the demo shop's events, validated,
handed to ``SessionLog`` one topic at a time (a feed message carries one topic), so orders
and carts come in runs the column path takes.  A few re-sent orders (duplicates) and orders
for a SKU not in the catalogue make the mirror refuse whole runs, and 5-second steps put
shop-second ticks inside runs.
"""
from __future__ import annotations

import dataclasses
import shutil
import sqlite3

import pytest

from controlroom.log import SessionLog, open_log
from controlroom.log.reader import EventBlock
from controlroom.protocol import validate_event
from controlroom.review.replay import _COLS, ColumnRun, replay
from controlroom.review.backtest import event_batches, event_stream, load_log, run_replay
from controlroom.settings import Settings

START = 1_700_000_000.0


def write_grouped_session(path, scenario="flash-sale", seed=5, until_s=600.0, dt=5.0) -> None:
    """The demo shop for ``until_s`` shop seconds, logged one topic per hand-over."""
    from controlroom.simulate.model import ShopModel

    model = ShopModel(scenario, seed, lag_s=2.0, start_ts=START)
    log = SessionLog(path, room=model.room, settings=Settings(), app_version="columns-test").start()
    snap = model.snapshot()
    log.skus(snap["skus"])
    log.snapshot(snap, model.now)
    log.feed(model.now, "live", "")
    end = model.start_ts + min(until_s, model.duration_s)
    step = 0
    while model.now < end - 1e-9:
        by_topic: dict[str, list[dict]] = {}
        for t, f in model.step(dt):
            ev = validate_event(t, f)
            by_topic.setdefault(ev["topic"], []).append(ev)
        for topic, batch in by_topic.items():
            log.events(batch, model.now)
            if topic == "order" and len(batch) >= 4 and step % 7 == 3:  # a message re-sent
                log.events([dict(e) for e in batch[:5]], model.now)
            if topic == "order" and len(batch) >= 4 and step % 11 == 5:  # an unknown SKU inside a run
                odd = dict(batch[-1], order_id=f"odd-{step}", sku="NOT-IN-CATALOGUE")
                log.events([dict(e, order_id=f"x{step}-{i}") for i, e in enumerate(batch[:3])] + [odd], model.now)
        step += 1
    log.close()


@pytest.fixture(scope="module")
def grouped_log(tmp_path_factory):
    path = tmp_path_factory.mktemp("columns") / "grouped.sqlite"
    write_grouped_session(path)
    return path


def _mirror_state(m) -> tuple:
    skus = {k: (s.available, s.sold, s.orders, s.gmv_cents, s.cart, s.frozen, s.delisted) for k, s in m.skus.items()}
    return (skus, m.units, m.orders, m.gmv_cents, m.viewers, m.entries, m.featured, m.last_ts, m.drifts,
            len(m.orders_seen), len(m.cancels_seen))


def _same(a, b) -> None:
    assert a.transitions == b.transitions
    assert a.actions == b.actions
    assert (a.rejected, a.duplicates) == (b.rejected, b.duplicates)
    assert _mirror_state(a.mirror) == _mirror_state(b.mirror)


def _column_events(path) -> tuple[int, int]:
    """(events in column runs, all events) of the log read with columns."""
    n_col = n = 0
    with open_log(path) as r:
        for b in r.iter_event_blocks(columns=True):
            if type(b) is EventBlock:
                for p in b.pieces():
                    n += len(p)
                    n_col += len(p) if type(p) is ColumnRun else 0
            else:
                n += len(b)
    return n_col, n


def test_the_log_is_read_mostly_as_columns(grouped_log):
    n_col, n = _column_events(grouped_log)
    assert n > 5000
    assert n_col > n // 2


def test_column_blocks_hold_the_events_own_values(grouped_log):
    """Every piece flattens to the logged dicts; every column is the dicts' column (value and type)."""
    with open_log(grouped_log) as r:
        want = [e for b in r.iter_event_blocks() for e in b]
        for block in (64, 2048):  # small blocks: more of them with short runs, read as dicts
            got = []
            for b in r.iter_event_blocks(block, columns=True):
                if type(b) is not EventBlock:
                    got.extend(b)
                    continue
                for p in b.pieces():
                    evs = list(p)
                    got.extend(evs)
                    if type(p) is ColumnRun:
                        cols = tuple(zip(*map(_COLS[p.topic], evs)))
                        for i, c in enumerate(p.cols):
                            if c is not None:
                                assert c == cols[i] and list(map(type, c)) == list(map(type, cols[i])), (p.topic, i)
                            else:
                                assert i in (0, 1, 2, 4)  # v, epoch, seq, room: read by neither mirror nor engine
            assert got == want, block


def test_replay_through_columns_decides_as_through_dicts(grouped_log):
    settings = Settings()
    with open_log(grouped_log) as r:
        data = load_log(r)
        n = data.n_events
        ts = [e["ts"] for e in r.iter_events()]
        snap = dict(data.snapshot)
        variants = [data, dataclasses.replace(
            data, resets=[(3, snap), (n // 3, snap), (n - 1, snap)],
            feed_marks=[(ts[n // 4], "stale"), (ts[n // 4] + 3.0, "live"), (ts[-1], "stale")])]
        for d in variants:
            want = list(event_stream(d))
            for block in (64, 2048):
                assert [e for b in event_batches(d, block) for e in b] == want, block
            cols, _ = run_replay(d, settings)
            dicts = replay(d.snapshot, event_batches(d, columns=False), settings, start_ts=d.start_ts,
                           end_ts=d.end_ts, samples=False, batched=True)
            _same(cols, dicts)
            assert cols.duplicates > 0 and cols.rejected > 0  # the refused runs were there
            assert len(cols.transitions) > 10


def test_a_schema_1_log_replays_the_same_from_raw(grouped_log, tmp_path):
    """A log from before the typed order/cart columns migrates (columns NULL) and replays from raw."""
    old = tmp_path / "v1.sqlite"
    shutil.copy(grouped_log, old)
    c = sqlite3.connect(old)
    for col in ("price_cents", "channel", "delta"):
        c.execute(f"ALTER TABLE events DROP COLUMN {col}")
    c.execute("DROP TABLE event_blocks")  # schema 5's: a schema-1 file has none
    c.execute("PRAGMA user_version = 1")
    c.commit()
    c.close()
    with open_log(old) as r:
        assert r.file_version == 1 and r.has_event_columns()
        assert not any(type(b) is EventBlock for b in r.iter_event_blocks(columns=True))
        data = load_log(r)
        got, _ = run_replay(data, Settings())
    with open_log(grouped_log) as r:
        data = load_log(r)
        want, _ = run_replay(data, Settings())
    _same(got, want)


def test_times_the_scaling_cannot_carry_are_read_as_dicts(tmp_path):
    """A shop clock in small fractions (ts 0.1, 0.2, ...) is not exact as ts * 2**30: dicts, same replay."""
    path = tmp_path / "small.sqlite"
    log = SessionLog(path, room="r", settings={}, app_version="x").start()
    log.skus([{"sku": "A", "name": "A", "tier": "long_tail", "price_cents": 100, "available": 1000}])
    evs = [{"v": 1, "epoch": "e", "seq": i + 1, "ts": 0.1 * (i + 1), "room": "r", "order_id": f"o{i}",
            "sku": "A", "qty": 1, "price_cents": 100, "channel": "live", "topic": "order"} for i in range(40)]
    log.events(evs, 1.0)
    log.close()
    with open_log(path) as r:
        blocks = list(r.iter_event_blocks(columns=True))
        assert blocks == [evs]
