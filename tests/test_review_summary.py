"""The per-minute summary rows (writer and cache), the read-only opening, the scrubber and what-if.

Logs are real demo-shop sessions written through SessionLog (``write_demo_session``); the
review's numbers from the summary are checked against the full review that replays every event.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3

import pytest

from controlroom.log import SessionLog
from controlroom.review.analysis import build_review
from controlroom.review.logfile import ReviewOpenError, open_for_review
from controlroom.review.overview import Scrubber, open_overview
from tests.test_review_demo import small_scenario, write_demo_session


def sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("CONTROLROOM_CACHE_DIR", str(d))
    return d


@pytest.fixture(scope="module")
def evening(tmp_path_factory):
    """25 minutes of the evening show (30 SKUs, features, freezes), written by the writer."""
    path = tmp_path_factory.mktemp("ev") / "evening.sqlite"
    model = write_demo_session(path, until_s=1500.0)
    return path, model


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Six SKUs that all sell out (sell-outs, lead times, lost sales)."""
    path = tmp_path_factory.mktemp("sm") / "small.sqlite"
    model = write_demo_session(path, scenario=small_scenario(), until_s=1200.0)
    return path, model


def old_copy(src, dst):
    """A copy of a log as a schema-2 writer left it: no summary tables."""
    shutil.copy(src, dst)
    c = sqlite3.connect(dst)
    for t in ("sum_minute", "sum_marks", "sum_levels", "sum_meta"):
        c.execute(f"DROP TABLE {t}")
    c.execute("PRAGMA user_version = 2")
    c.commit()
    c.execute("PRAGMA journal_mode = DELETE")
    c.close()
    return dst


def assert_same_review(a, b):
    ta, tb = a.totals(), b.totals()
    assert ta == tb
    for sku, s in b.stock.skus.items():
        assert a.stock.skus[sku] == s, sku
    assert [(u.sku, u.start, u.end) for u in a.lost] == [(u.sku, u.start, u.end) for u in b.lost]


@pytest.mark.parametrize("which", ["evening", "small"])
def test_overview_from_the_writers_summary_equals_the_full_review(which, request):
    path, model = request.getfixturevalue(which)
    ov = open_overview(path)
    assert ov.source == "log"
    with open_for_review(path) as r:
        full = build_review(r)
    assert_same_review(ov.review, full)
    assert ov.review.totals()["units_sold"] == model.books.units
    ov.close()


def test_older_log_gets_a_cache_once_and_the_log_is_not_changed(small, tmp_path, cache_dir):
    path = old_copy(small[0], tmp_path / "old.sqlite")
    before = sha(path)
    calls = []
    ov = open_overview(path, progress=lambda d, t: calls.append((d, t)))
    assert ov.source == "cache" and calls and calls[-1][0] == calls[-1][1]
    with open_for_review(path) as r:
        assert_same_review(ov.review, build_review(r))
    ov.close()
    calls.clear()
    ov = open_overview(path, progress=lambda d, t: calls.append((d, t)))
    assert ov.source == "cache" and calls == []  # built once
    ov.close()
    assert sha(path) == before
    assert list(cache_dir.glob("*.sqlite"))


def test_cache_is_rebuilt_when_the_log_changed(small, tmp_path):
    path = old_copy(small[0], tmp_path / "old.sqlite")
    open_overview(path).close()
    # another file at the same path (the session continued elsewhere and was copied again)
    c = sqlite3.connect(path)
    c.execute("DELETE FROM events WHERE id > (SELECT max(id) - 50 FROM events)")
    c.commit()
    c.close()
    calls = []
    ov = open_overview(path, progress=lambda d, t: calls.append(d))
    assert calls, "a stale cache was used"
    with open_for_review(path) as r:
        assert_same_review(ov.review, build_review(r))
    ov.close()


def test_continued_session_keeps_its_summary_complete(small, tmp_path):
    path = tmp_path / "cont.sqlite"
    shutil.copy(small[0], path)
    log = SessionLog(path, room="demo-small", app_version="t").start()
    log.events([{"v": 1, "epoch": "e2", "seq": 1, "ts": 1_700_002_000.0, "topic": "hb", "room": "demo-small"}],
               1_700_002_000.0)
    assert log.flush(10)
    log.close()
    ov = open_overview(path)
    assert ov.source == "log"
    with open_for_review(path) as r:
        assert_same_review(ov.review, build_review(r))
    ov.close()


def test_scrubbing_shows_the_stock_a_replay_had_at_that_moment(evening):
    from controlroom.review.replay import Replayer
    from controlroom.review.backtest import load_log, settings_of

    path, _model = evening
    ov = open_overview(path)
    sc = Scrubber(ov)
    t0, t1 = ov.t0, ov.t1
    # early and late in a minute (the scrubber sums forward from the minute before, or takes back
    # from the minute's end), a minute boundary, and the last event
    moments = [t0 + 1.0, t0 + 61.5, t0 + 119.0, t0 + 180.0, t0 + (t1 - t0) * 0.37, t0 + (t1 - t0) * 0.81 + 0.3,
               t0 + 600 + 58.7, t1]
    with open_for_review(path) as r:
        data = load_log(r)
        rep = Replayer(settings_of(data), data.snapshot, start_ts=data.start_ts)
        events = [ev for b in r.iter_event_batches() for ev in b]
    i = 0
    for T in sorted(moments):
        while i < len(events) and events[i]["ts"] <= T:
            rep.feed(events[i])
            i += 1
        truth = {k: (s.available, bool(s.frozen), s.sold) for k, s in rep.mirror.skus.items()}
        got = {s.sku: (s.available, s.frozen, s.sold) for s in sc.state_at(T)}
        assert got == truth, T
    ov.close()


def test_what_if_returns_backtests_numbers(small, tmp_path, capsys):
    from controlroom.review.cli import backtest_main
    from controlroom.review.whatif import WhatIf
    from controlroom.settings import Settings

    path, _m = small
    cfg = tmp_path / "other.toml"
    cfg.write_text("[tiers.long_tail]\nwindow_min = 12.0\nmultiplier = 2.5\nauto_freeze = \"auto\"\n")
    other = Settings().with_changes({"tiers.long_tail.window_min": 12.0, "tiers.long_tail.multiplier": 2.5,
                                     "tiers.long_tail.auto_freeze": "auto"})
    seen = []
    res = WhatIf(str(path)).run(other, "other.toml", progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert backtest_main([str(path), "--config", str(cfg), "--json"]) == 0
    cols = json.loads(capsys.readouterr().out)
    skip = {"replay_s", "events_per_s", "label"}
    for mine, theirs in zip(res.columns, cols):
        m = {k: v for k, v in json.loads(json.dumps(mine.__dict__, default=str)).items() if k not in skip}
        assert m == {k: v for k, v in theirs.items() if k not in skip}
    assert res.columns[2].alerts_fired != res.columns[1].alerts_fired or res.estimates


def test_what_if_can_be_cancelled(small):
    from controlroom.review.whatif import Cancelled, WhatIf
    from controlroom.settings import Settings

    with pytest.raises(Cancelled):
        WhatIf(str(small[0])).run(Settings(), progress=lambda d, t: d < 1000)


def bad_files(tmp_path, good):
    rnd = tmp_path / "random.sqlite"
    rnd.write_bytes(bytes(range(256)) * 40)
    trunc = tmp_path / "truncated.sqlite"
    data = open(good, "rb").read()
    trunc.write_bytes(data[: len(data) // 2])
    newer = tmp_path / "newer.sqlite"
    shutil.copy(good, newer)
    c = sqlite3.connect(newer)
    c.execute("PRAGMA user_version = 99")
    c.commit()
    c.execute("PRAGMA journal_mode = DELETE")
    c.close()
    other = tmp_path / "other.sqlite"
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE t (x)")
    c.commit()
    c.close()
    return {"random": rnd, "truncated": trunc, "newer": newer, "other": other}


def test_bad_files_get_one_line(small, tmp_path, capsys):
    from controlroom.review.cli import report_main

    for kind, p in bad_files(tmp_path, small[0]).items():
        with pytest.raises(ReviewOpenError) as e:
            open_overview(p)
        assert "\n" not in str(e.value)
        assert report_main([str(p), "--report", str(tmp_path / "x.html")]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err and p.name in err, (kind, err)
        word = {"random": "not a session log", "truncated": "truncated", "newer": "newer",
                "other": "not a controlroom session log"}[kind]
        assert word in err, (kind, err)


def test_review_report_leaves_the_bytes_alone(small, tmp_path):
    from controlroom.review.cli import report_main

    for p in (small[0], old_copy(small[0], tmp_path / "old.sqlite")):
        before = sha(p)
        assert report_main([str(p), "--report", str(tmp_path / "r.html"), "-q"]) == 0
        open_overview(p).close()
        assert sha(p) == before
