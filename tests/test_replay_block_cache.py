"""The replay's block cache (``controlroom.log.blockcache``): later replays read it and decide exactly as before.

A real log (the demo shop's flash sale, logged one topic per hand-over, with re-sent orders and
unknown SKUs: see ``test_replay_columns``) is replayed without the cache, then with it twice:
the first replay writes the cache, the second reads every block from it; all three decide the
same.  A log that grows gets a new cache; a replay stopped early or a broken cache file leaves
the replay as it was.  The logs here have no stored column blocks (``event_blocks`` emptied, as in
a log written before schema 5): a log that has them is read from them, with no cache
(``tests/test_log_stored_blocks.py``).
"""
from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from controlroom.log import SessionLog, open_log
from controlroom.log.blockcache import BlockCache
from controlroom.review.backtest import event_batches, event_stream, load_log, run_replay
from controlroom.review.cache import replay_cache_path
from controlroom.settings import Settings

from tests.test_replay_columns import _same, write_grouped_session


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("CONTROLROOM_CACHE_DIR", str(d))
    return d


def _without_stored_blocks(path) -> None:
    """As a log written before schema 5: no block has a stored row, so replays use the block cache."""
    with sqlite3.connect(path) as c:
        c.execute("DELETE FROM event_blocks")
    c.close()


@pytest.fixture(scope="module")
def show_log(tmp_path_factory):
    path = tmp_path_factory.mktemp("blockcache") / "show.sqlite"
    write_grouped_session(path, until_s=300.0)
    _without_stored_blocks(path)
    return path


def _replay(path, cache: bool, **changes):
    with open_log(path) as r:
        data = load_log(r)
        if changes:
            data = dataclasses.replace(data, **changes)
        res, _ = run_replay(data, Settings(), cache=cache)
        return res, data


def test_the_second_replay_reads_every_block_from_the_cache_and_decides_the_same(show_log, cache_dir):
    plain, _ = _replay(show_log, cache=False)
    assert not replay_cache_path(show_log).exists()
    first, d1 = _replay(show_log, cache=True)
    bc = d1.block_cache
    assert bc.built and bc.hits == 0 and bc.misses > 10
    assert replay_cache_path(show_log).exists()
    second, d2 = _replay(show_log, cache=True)
    assert d2.block_cache.hits == bc.misses and d2.block_cache.misses == 0 and not d2.block_cache.built
    _same(first, plain)
    _same(second, plain)
    assert second.duplicates > 0 and second.rejected > 0 and len(second.transitions) > 10


def test_cached_blocks_give_the_same_events_with_resets_and_feed_marks(show_log, cache_dir):
    with open_log(show_log) as r:
        data = load_log(r)
        n = data.n_events
        ts = [e["ts"] for e in r.iter_events()]
        snap = dict(data.snapshot)
        d = dataclasses.replace(data, resets=[(3, snap), (n // 3, snap), (n - 1, snap)],
                                feed_marks=[(ts[n // 4], "stale"), (ts[n // 4] + 3.0, "live"), (ts[-1], "stale")])
        want = list(event_stream(d))
        assert [e for b in event_batches(d) for e in b] == want  # writes the cache
        assert d.block_cache.built
        assert [e for b in event_batches(d) for e in b] == want  # reads it
        assert d.block_cache.hits > 10 and d.block_cache.misses == 0


def test_a_log_that_grew_gets_a_new_cache(tmp_path, cache_dir):
    path = tmp_path / "growing.sqlite"
    write_grouped_session(path, until_s=120.0)
    _without_stored_blocks(path)
    _replay(path, cache=True)
    with open_log(path) as r:
        data = load_log(r)
        last = list(r.iter_events())[-1]
    more = [dict(last, seq=last["seq"] + 1 + i, order_id=f"late-{i}", ts=last["ts"] + 0.01 * i, topic="order",
                 qty=1, price_cents=100, channel="live", sku=data.skus[0]["sku"]) for i in range(50)]
    for k in ("delta", "viewers", "entries", "featured"):
        for e in more:
            e.pop(k, None)
    log = SessionLog(path, room=data.room, settings=Settings(), app_version="grow-test").start()
    log.events(more, last["ts"] + 1.0)
    log.close()
    _without_stored_blocks(path)
    grown, d = _replay(path, cache=True)
    assert d.block_cache.built and d.block_cache.hits == 0  # the old cache's key no longer matches
    plain, _ = _replay(path, cache=False)
    _same(grown, plain)
    assert grown.mirror.orders == plain.mirror.orders and d.n_events == data.n_events + 50


def test_a_replay_stopped_early_leaves_no_cache(show_log, cache_dir):
    with open_log(show_log) as r:
        data = load_log(r)
        it = event_batches(data)
        for _ in range(3):
            next(it)
        it.close()
    assert not data.block_cache.built
    assert not replay_cache_path(show_log).exists()
    assert not list(cache_dir.glob("*.tmp*"))


def test_a_broken_cache_file_is_rebuilt(show_log, cache_dir):
    p = replay_cache_path(show_log)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"not an sqlite file" * 100)
    res, d = _replay(show_log, cache=True)
    assert d.block_cache.built and d.block_cache.hits == 0
    plain, _ = _replay(show_log, cache=False)
    _same(res, plain)
    again, d = _replay(show_log, cache=True)
    assert d.block_cache.hits > 10 and d.block_cache.misses == 0
    _same(again, plain)


def test_a_cache_of_another_block_size_is_not_read(show_log, cache_dir):
    with open_log(show_log) as r:
        data = load_log(r)
        want = [e for b in event_batches(data, 2048) for e in b]
        assert data.block_cache.built
        assert [e for b in event_batches(data, 512) for e in b] == want
        assert data.block_cache.hits == 0 and data.block_cache.built  # its own cache, in place of the other


def test_the_cache_is_a_separate_file_and_the_log_is_not_written(show_log, cache_dir):
    before = show_log.stat().st_mtime_ns, show_log.stat().st_size
    _replay(show_log, cache=True)
    _replay(show_log, cache=True)
    assert (show_log.stat().st_mtime_ns, show_log.stat().st_size) == before
    assert BlockCache(replay_cache_path(show_log)).path.parent == cache_dir


def test_a_folder_keeps_the_most_recently_used_caches(show_log, cache_dir):
    import os

    from controlroom.log import blockcache

    cache_dir.mkdir(parents=True, exist_ok=True)
    old = []
    for i in range(blockcache.KEEP + 2):  # other logs' caches, used one after the other
        p = cache_dir / f"other{i}.blocks.sqlite"
        p.write_bytes(b"x")
        os.utime(p, (1_000_000 + i, 1_000_000 + i))
        old.append(p)
    summary = cache_dir / "summary.sqlite"  # the review's summary cache is not a block cache
    summary.write_bytes(b"y")
    _replay(show_log, cache=True)  # builds this log's cache, then prunes
    left = sorted(p.name for p in cache_dir.glob("*.blocks.sqlite"))
    assert len(left) == blockcache.KEEP and replay_cache_path(show_log).name in left
    assert [p.exists() for p in old] == [False] * 3 + [True] * (blockcache.KEEP - 1)  # the newest kept
    assert summary.exists()
    # reading a cache marks it used: it outlives caches built after it, up to KEEP - 1 of them
    os.utime(replay_cache_path(show_log), (1_000, 1_000))
    _, d = _replay(show_log, cache=True)
    assert d.block_cache.hits > 0 and replay_cache_path(show_log).stat().st_mtime > 1_000_000
