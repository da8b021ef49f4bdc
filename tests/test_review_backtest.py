"""Backtest: the logged show replayed through the engine with other settings, side by side."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("controlroom.review.replay")

from controlroom.log import open_log  # noqa: E402
from controlroom.review import backtest_main  # noqa: E402
from controlroom.review.backtest import backtest, load_log  # noqa: E402
from controlroom.settings import Settings, load_settings  # noqa: E402
from tests.test_review_demo import small_scenario, write_demo_session  # noqa: E402

SESSION = {"tiers.long_tail.multiplier": 0.05, "tiers.long_tail.warning_floor": 0.0,
           "tiers.long_tail.critical_horizon_min": 0.5}


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("bt") / "small.sqlite"
    write_demo_session(path, scenario=small_scenario(), seed=1, until_s=1200, settings=Settings().with_changes(SESSION))
    return path


def test_replay_with_session_settings_reproduces_the_logged_run(log_path):
    with open_log(log_path) as r:
        data = load_log(r)
        logged, base, other = backtest(data, Settings().with_changes(SESSION))
    assert logged.sellouts == base.sellouts == other.sellouts >= 6
    # the log was written by the same engine on the same events: same alerts, same judgement
    for k in ("misses", "median_lead_s", "false_warnings", "alerts_fired", "warning_spans"):
        assert getattr(logged, k) == getattr(base, k) == getattr(other, k), k
    assert base.per_sku_lead == logged.per_sku_lead


def test_other_settings_change_the_outcome(log_path):
    with open_log(log_path) as r:
        data = load_log(r)
        logged, base, other = backtest(data, Settings().with_changes({**SESSION, "tiers.long_tail.multiplier": 0.2}))
    assert other.median_lead_s > base.median_lead_s  # a higher warning line warns earlier
    assert other.misses <= base.misses
    # Replay speed is a benchmark figure (bench log), not a unit-test assertion: the machine may be loaded.
    assert other.replay_s > 0 and other.events_per_s > 0


def test_backtest_cli(log_path, tmp_path, capsys):
    cfg = tmp_path / "other.toml"
    cfg.write_text("[tiers.long_tail]\nmultiplier = 0.2\nwarning_floor = 0.0\ncritical_horizon_min = 0.5\n")
    assert load_settings(str(cfg)).tiers["long_tail"].multiplier == 0.2
    assert backtest_main([str(log_path), "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "logged" in out and "replay, session settings" in out and "replay, other.toml" in out
    assert "median warning lead time" in out and "x real time" in out
    assert backtest_main([str(log_path), "--config", str(cfg), "--json"]) == 0
    cols = json.loads(capsys.readouterr().out)
    assert [c["label"] for c in cols] == ["logged", "replay, session settings", "replay, other.toml"]


def test_backtest_cli_errors(log_path, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[tiers.long_tail]\nmultiplier = -1\n")
    assert backtest_main([str(log_path), "--config", str(bad)]) == 2
    assert "multiplier" in capsys.readouterr().err
    ok = tmp_path / "ok.toml"
    ok.write_text("")
    assert backtest_main([str(tmp_path / "missing.sqlite"), "--config", str(ok)]) == 1


def test_batched_replay_input_is_the_event_stream(log_path):
    """event_batches (blocks, batched replay) hands over exactly event_stream's events, in order."""
    import dataclasses

    from controlroom.review.replay import replay
    from controlroom.review.backtest import event_batches, event_stream, run_replay

    with open_log(log_path) as r:
        data = load_log(r)
        n = data.n_events
        assert n > 100
        ts = [e["ts"] for e in r.iter_events()]
        variants = [data]
        snap = dict(data.snapshot)
        variants.append(dataclasses.replace(
            data, resets=[(0, snap), (1, snap), (57, snap), (57, snap), (n - 1, snap), (n, snap), (n + 5, snap)],
            feed_marks=[(ts[0] - 1, "stale"), (ts[0], "live"), (ts[40], "stale"), (ts[40], "live"),
                        (ts[n // 2] + 0.001, "stale"), (ts[-1], "live"), (ts[-1] + 10, "stale")]))
        variants.append(dataclasses.replace(data, resets=[(n // 3, snap)], feed_marks=[(ts[2 * n // 3], "stale")]))
        assert len(list(event_stream(variants[1]))) == n + 13  # 7 resets, 6 feed marks inside the show
        for d in variants:
            want = list(event_stream(d))
            for block in (1, 7, 64, 2048):
                got = [e for b in event_batches(d, block) for e in b]
                assert got == want, block
        # and the replay decides the same as the per-event stream did
        settings = Settings().with_changes(SESSION)
        for d in variants:
            old = replay(d.snapshot, event_stream(d), settings, start_ts=d.start_ts, end_ts=d.end_ts, samples=False)
            new, _ = run_replay(d, settings)
            assert new.transitions == old.transitions
            assert new.actions == old.actions
            assert (new.rejected, new.duplicates) == (old.rejected, old.duplicates)
