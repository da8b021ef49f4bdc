"""Scrubbing the timeline from the scrub checkpoints (schema 4, or the cache of a schema-3 log).

Real logs written through SessionLog (the demo shop, and a hand-made show with a resync
snapshot in the middle); every SKU's state at many random moments is checked against a
replay of the events (StockMirror fed in order, reset at each snapshot's place, up to the
moment), and each jump is checked to sum a bounded number of events after its checkpoint.
"""
from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3

import orjson
import pytest

from controlroom.feed.mirror import StockMirror
from controlroom.log import SCHEMA_VERSION, SessionLog
from controlroom.log.checkpoints import EVERY_S, MAX_EVENTS
from controlroom.protocol import Reject
from controlroom.review.overview import Scrubber, ensure_checkpoints, open_overview
from controlroom.review.scrub import Scrubber as ScrubberImpl
from tests.test_review_demo import write_demo_session


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("CONTROLROOM_CACHE_DIR", str(d))
    return d


@pytest.fixture(scope="module")
def evening(tmp_path_factory):
    """25 minutes of the evening show (30 SKUs, features, freezes, restocks), written by the writer."""
    path = tmp_path_factory.mktemp("ev") / "evening.sqlite"
    write_demo_session(path, until_s=1500.0)
    return path


def schema3_copy(src, dst):
    """The log as a schema-3 writer left it: the per-minute summary, no checkpoint tables."""
    shutil.copy(src, dst)
    c = sqlite3.connect(dst)
    c.execute("DROP TABLE sum_check")
    c.execute("DROP TABLE sum_check_at")
    c.execute("PRAGMA user_version = 3")
    c.commit()
    c.execute("PRAGMA journal_mode = DELETE")
    c.close()
    return dst


def sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def replay_states(path, moments):
    """{moment: {sku: (available, frozen, sold)}}: the events replayed in order up to each moment."""
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    snaps = c.execute("SELECT after_event_id, raw FROM snapshots ORDER BY id").fetchall()
    events = c.execute("SELECT id, raw FROM events ORDER BY id").fetchall()
    c.close()
    m = StockMirror()
    si = 0
    out = {}
    i = 0
    for T in sorted(moments):
        while True:
            while si < len(snaps) and snaps[si][0] <= (events[i - 1][0] if i else 0):
                m.reset(orjson.loads(snaps[si][1]))
                si += 1
            if i >= len(events):
                break
            ev = orjson.loads(events[i][1])
            if ev["ts"] > T:
                break
            try:
                m.apply(ev)
            except Reject:
                pass
            i += 1
        out[T] = {k: (s.available, bool(s.frozen), s.sold) for k, s in m.skus.items()}
    return out


def random_moments(ov, n=64, seed=5):
    rng = random.Random(seed)
    t0, t1 = ov.t0, ov.t1
    return [t0, t1, t0 + 0.01] + [t0 + rng.random() * (t1 - t0) for _ in range(n)]


def spy_ranges(monkeypatch):
    """Record the (lo, hi] id range of events each jump sums."""
    seen = []
    real = ScrubberImpl._add_events

    def spy(conn, base, lo, hi):
        seen.append((lo, hi))
        return real(conn, base, lo, hi)

    monkeypatch.setattr(ScrubberImpl, "_add_events", staticmethod(spy))
    return seen


def check_states(sc, truth):
    for T, want in truth.items():
        got = {s.sku: (s.available, s.frozen, s.sold) for s in sc.state_at(T)}
        assert got == {k: want[k] for k in got}, T


def test_writer_keeps_checkpoints_every_few_seconds(evening):
    c = sqlite3.connect(f"file:{evening}?mode=ro", uri=True)
    assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # 4 added the checkpoints
    at = c.execute("SELECT n, ts, through_id, full FROM sum_check_at ORDER BY n").fetchall()
    top = c.execute("SELECT max(id) FROM events").fetchone()[0]
    ts_of = dict(c.execute("SELECT id, ts FROM events"))
    c.close()
    assert [r[0] for r in at] == list(range(len(at))) and at[0][3] == 1
    timed = [(ts, i) for _n, ts, i, _f in at if ts is not None]
    assert len(timed) >= 1500 / EVERY_S * 0.9
    for (ta, ia), (tb, ib) in zip(timed, timed[1:]):
        # the next checkpoint follows within a slot (plus one batch: 0.5 s of demo events)
        assert tb - ta <= 2 * EVERY_S + 0.5 and ib >= ia
    assert top - timed[-1][1] <= MAX_EVENTS and ts_of[top] - timed[-1][0] <= EVERY_S + 0.5


def test_scrub_from_the_logs_checkpoints_equals_a_replay(evening, monkeypatch):
    ov = open_overview(evening)
    sc = Scrubber(ov)
    assert ov.source == "log" and sc.checkpoints and ov.checks is ov.reader.conn
    moments = random_moments(ov)
    seen = spy_ranges(monkeypatch)
    check_states(sc, replay_states(evening, moments))
    assert seen and max(hi - lo for lo, hi in seen) <= MAX_EVENTS
    ov.close()


def test_schema3_log_scrubs_from_minutes_then_from_checkpoints_built_once_into_the_cache(evening, tmp_path,
                                                                                         cache_dir, monkeypatch):
    path = schema3_copy(evening, tmp_path / "v3.sqlite")
    before = sha(path)
    ov = open_overview(path)
    assert ov.source == "log" and ov.checks is None  # the overview needs no cache
    slow = Scrubber(ov)
    assert not slow.checkpoints
    truth = replay_states(path, random_moments(ov))
    check_states(slow, truth)  # the minute rows' way, while the checkpoints are built
    calls = []
    assert ensure_checkpoints(ov, progress=lambda d, t: calls.append((d, t)) or True)
    assert calls and calls[-1][0] == calls[-1][1]
    sc = Scrubber(ov)
    assert sc.checkpoints and ov.checks is not ov.reader.conn
    seen = spy_ranges(monkeypatch)
    check_states(sc, truth)
    assert max(hi - lo for lo, hi in seen) <= MAX_EVENTS + 500  # a cache build feeds runs of <= 500 events
    ov.close()
    # built once: the next opening finds the checkpoints in the cache
    ov = open_overview(path)
    assert ov.checks is not None and Scrubber(ov).checkpoints
    ov.close()
    assert sha(path) == before and list(cache_dir.glob("*.sqlite"))


def test_cancelled_checkpoint_build_leaves_the_minute_path(evening, tmp_path):
    from controlroom.review.cache import Cancelled

    path = schema3_copy(evening, tmp_path / "v3.sqlite")
    ov = open_overview(path)
    with pytest.raises(Cancelled):
        ensure_checkpoints(ov, progress=lambda d, t: False)
    assert ov.checks is None and not Scrubber(ov).checkpoints
    ov.close()


def _resync_show(path):
    """Orders in 1-event and 40-event batches over 3 minutes, a resync snapshot in the middle that
    sets different stock (and freezes a SKU), then more orders and a stock event."""
    room, t0 = "rs", 1_700_000_000.0
    skus = [{"sku": f"K{i}", "name": f"K{i}", "tier": "core", "price_cents": 100, "available": 500}
            for i in range(5)]
    log = SessionLog(path, room=room, app_version="t").start()
    log.skus(skus)
    log.snapshot({"room": room, "skus": skus}, t0)
    rng = random.Random(2)
    seq = 0
    ts = t0

    def batch(n):
        nonlocal seq, ts
        out = []
        for _ in range(n):
            seq += 1
            ts += 0.05
            out.append({"v": 1, "epoch": "e", "seq": seq, "ts": ts, "room": room, "topic": "order",
                        "order_id": f"o{seq}", "sku": f"K{rng.randrange(5)}", "qty": 1 + rng.randrange(2),
                        "price_cents": 100, "channel": "live"})
        return out

    for k in range(60):
        log.events(batch(1 if k % 2 else 40), ts)
    log.flush(10)
    log.snapshot({"room": room, "skus": [dict(s, available=300 + 7 * i, frozen=i == 2) for i, s in
                                         enumerate(skus)]}, ts)
    for k in range(60):
        b = batch(1 if k % 3 else 40)
        if k == 30:
            seq += 1
            b.append({"v": 1, "epoch": "e", "seq": seq, "ts": ts, "room": room, "topic": "stock", "sku": "K1",
                      "available": 999, "frozen": True})
        log.events(b, ts)
    log.close()


def test_scrub_across_a_resync_snapshot_equals_a_replay(tmp_path, monkeypatch):
    path = tmp_path / "resync.sqlite"
    _resync_show(path)
    ov = open_overview(path)
    sc = Scrubber(ov)
    assert sc.checkpoints
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (after,) = c.execute("SELECT after_event_id FROM snapshots WHERE after_event_id > 0").fetchone()
    t_reset = c.execute("SELECT ts FROM events WHERE id = ?", (after,)).fetchone()[0]
    c.close()
    moments = random_moments(ov, n=80) + [t_reset, t_reset - 0.01, t_reset + 0.01]
    truth = replay_states(path, moments)
    assert truth[t_reset]["K2"][1] and not truth[t_reset - 0.01]["K2"][1]  # the reset is in the moments
    check_states(sc, truth)
    ov.close()
