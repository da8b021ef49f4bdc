"""Reading: events in accepted order, snapshot resets interleaved at their place, topic filters."""
from __future__ import annotations

import pytest

from controlroom.log import SessionLog, iter_events, open_log


def ev(seq, topic="hb"):
    return {"v": 1, "epoch": "e", "seq": seq, "ts": 100.0 + seq, "room": "r", "topic": topic}


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("reader") / "s.sqlite"
    log = SessionLog(p, room="r", settings={}, app_version="t").start()
    log.events([ev(1), ev(2), ev(3, "traffic")], 1.0)
    log.snapshot({"room": "r", "n": 1}, 2.0)
    log.events([ev(4), ev(5), ev(6), ev(7, "traffic")], 3.0)
    log.snapshot({"room": "r", "n": 2}, 4.0)
    log.snapshot({"room": "r", "n": 3}, 4.5)
    log.events([ev(8), ev(9), ev(10)], 5.0)
    log.snapshot({"room": "r", "n": 4}, 6.0)
    log.close()
    return p


def flat(stream):
    out = []
    for kind, payload in stream:
        if kind == "snapshot":
            out.append(f"S{payload['n']}")
        else:
            assert payload, "no empty event batches"
            out.extend(e["seq"] for e in payload)
    return out


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 7, 100])
def test_stream_interleaves_snapshots_at_their_place(path, chunk):
    with open_log(path) as r:
        assert flat(r.iter_stream(chunk)) == [1, 2, 3, "S1", 4, 5, 6, 7, "S2", "S3", 8, 9, 10, "S4"]


def test_events_in_order_and_filters(path):
    with open_log(path) as r:
        assert [e["seq"] for e in r.iter_events(chunk=3)] == list(range(1, 11))
        assert [e["seq"] for e in r.iter_events(topics=("traffic",))] == [3, 7]
        assert [len(b) for b in r.iter_event_batches(chunk=4)] == [4, 4, 2]
        assert [s["after_event_id"] for s in r.snapshots()] == [3, 7, 7, 10]
        assert r.event_columns("WHERE topic = ?", ("traffic",))[0][:4] == (3, "e", 3, "traffic")
    assert [e["seq"] for e in iter_events(path)] == list(range(1, 11))


@pytest.mark.parametrize("block", [1, 2, 3, 4, 7, 2048])
def test_event_blocks_are_the_same_events_in_the_same_order(path, block):
    with open_log(path) as r:
        old = [e for b in r.iter_event_batches() for e in b]
        blocks = list(r.iter_event_blocks(block))
        assert all(blocks) and all(len(b) <= block for b in blocks)
        assert [e for b in blocks for e in b] == old
        assert [e["seq"] for e in old] == list(range(1, 11))
        assert [e for b in r.iter_event_blocks(block, start_id=4) for e in b] == old[4:]
        assert not r.conn.in_transaction


def test_event_blocks_match_on_a_bigger_mixed_log(tmp_path):
    import random

    rnd = random.Random(5)
    p = tmp_path / "big.sqlite"
    log = SessionLog(p, room="r", settings={}, app_version="t").start()
    seq = 0
    for _ in range(40):
        batch = []
        for _ in range(rnd.randint(1, 300)):
            seq += 1
            e = ev(seq, rnd.choice(["order", "cart", "traffic", "hb"]))
            e["note"] = "é ✓ \"q\"" if seq % 7 == 0 else None
            e["x"] = [seq, {"y": seq / 3}]
            batch.append(e)
        log.events(batch, float(seq))
    log.close()
    with open_log(p) as r:
        old = list(r.iter_events())
        assert len(old) == seq
        for block in (1, 100, 777, 2048, 100_000):
            assert [e for b in r.iter_event_blocks(block) for e in b] == old


def test_event_blocks_fall_back_on_a_row_without_raw(tmp_path):
    import sqlite3

    p = tmp_path / "noraw.sqlite"
    log = SessionLog(p, room="r", settings={}, app_version="t").start()
    log.events([ev(i) for i in range(1, 6)], 1.0)
    log.close()
    with sqlite3.connect(p) as c:
        c.execute("UPDATE events SET raw = NULL WHERE seq = 3")
    with open_log(p) as r:
        with pytest.raises(ValueError) as old:
            list(r.iter_event_batches())
        with pytest.raises(ValueError) as new:  # as the per-row path: never a silently missing event
            list(r.iter_event_blocks())
        assert type(new.value) is type(old.value)
        assert [e["seq"] for e in next(r.iter_event_blocks(2))] == [1, 2]  # the blocks before it come


def test_prefetched_blocks_same_events_and_clean_stop(path):
    import threading

    with open_log(path) as r:
        old = list(r.iter_events())
        for block in (1, 3, 2048):
            assert [e for b in r.iter_event_blocks(block, prefetch=True) for e in b] == old
        assert [e for b in r.iter_event_blocks(2, start_id=5, prefetch=True) for e in b] == old[5:]
        it = r.iter_event_blocks(1, prefetch=True)
        assert next(it) == old[:1]
        it.close()  # abandoned early: the helper thread stops
    assert not [t for t in threading.enumerate() if t.name == "log-prefetch"]


def test_prefetch_reports_a_row_without_raw(tmp_path):
    import sqlite3

    p = tmp_path / "noraw2.sqlite"
    log = SessionLog(p, room="r", settings={}, app_version="t").start()
    log.events([ev(i) for i in range(1, 6)], 1.0)
    log.close()
    with sqlite3.connect(p) as c:
        c.execute("UPDATE events SET raw = NULL WHERE seq = 4")
    with open_log(p) as r:
        with pytest.raises(ValueError):
            list(r.iter_event_blocks(prefetch=True))
