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
