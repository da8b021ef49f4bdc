"""Tune: per-tier settings that would have done better on a logged session."""
from __future__ import annotations

import pytest

pytest.importorskip("controlroom.review.replay")

from controlroom.log import open_log  # noqa: E402
from controlroom.review import tune_main  # noqa: E402
from controlroom.review.backtest import backtest, load_log  # noqa: E402
from controlroom.review.tune import to_toml, tune  # noqa: E402
from controlroom.settings import Settings, load_settings  # noqa: E402
from tests.test_review_demo import small_scenario, write_demo_session  # noqa: E402

# A session run with a far too low warning line: warnings come late.
LATE = {"tiers.long_tail.multiplier": 0.05, "tiers.long_tail.warning_floor": 0.0,
        "tiers.long_tail.critical_horizon_min": 0.5}


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("tune") / "late.sqlite"
    write_demo_session(path, scenario=small_scenario(), seed=1, until_s=1200, settings=Settings().with_changes(LATE))
    return path


def test_tune_finds_earlier_warnings_and_says_by_how_much(log_path):
    with open_log(log_path) as r:
        res = tune(load_log(r))
    (lt,) = res.tiers
    assert lt.tier == "long_tail" and lt.changed
    assert lt.suggested["multiplier"] * lt.suggested["window_min"] > 0.05 * 60.0  # a higher warning line
    assert res.after.median_lead_s > res.before.median_lead_s
    assert res.after.misses <= res.before.misses
    assert res.after.false_warnings <= res.before.false_warnings
    assert lt.score_after < lt.score_before
    assert any("little evidence" in w for w in res.warnings)  # a 20-minute show


def test_the_suggestion_backtests_as_promised(log_path, tmp_path, capsys):
    out = tmp_path / "next.toml"
    assert tune_main([str(log_path), "--out", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    assert "tier long_tail" in text and "(changed)" in text and "whole session" in text
    assert "warning:" in text
    st = load_settings(str(out))
    assert st.tiers["long_tail"].warning_floor == 0.0  # the session's other settings are kept
    assert st.tiers["long_tail"].multiplier > 0.05
    with open_log(log_path) as r:
        _, base, new = backtest(load_log(r), st)
    assert new.median_lead_s > base.median_lead_s


def test_few_sellouts_are_flagged(log_path):
    with open_log(log_path) as r:
        res = tune(load_log(r), min_sellouts=100, rounds=1)
    assert any("too little evidence" in w for w in res.tiers[0].warnings)


def test_toml_writer_round_trips():
    import tomllib

    d = {"a": 1, "b": {"c": 1.5, "d": "x\"y", "e": True, "f": None, "g": {"h": [1, 2]}}, "sku tiers": {"A-1": "p"}}
    text = to_toml(d, ["header"])
    back = tomllib.loads(text)
    assert back == {"a": 1, "b": {"c": 1.5, "d": "x\"y", "e": True, "g": {"h": [1, 2]}}, "sku tiers": {"A-1": "p"}}
    full = Settings().to_dict()
    assert load_settings is not None and tomllib.loads(to_toml(full))["tiers"]["profit"]["window_min"] == 30.0


def test_suggested_settings_file_keeps_webhooks(tmp_path):
    """A session whose settings carry webhooks (a list of tables) writes them masked; filled in, the file loads."""
    import pytest

    from controlroom.review.tune import to_toml
    from controlroom.settings import SettingsError, load_settings

    hooks = [{"url": "http://127.0.0.1:9/hook", "levels": ["critical"], "headers": {"X-Token": "t0ken"}}]
    s = load_settings(None, {"notify.webhooks": hooks, "tiers.profit.multiplier": 1.7})
    p = tmp_path / "next.toml"
    p.write_text(to_toml(s.to_dict(), ["header"]), encoding="utf-8")
    text = p.read_text(encoding="utf-8")
    assert "t0ken" not in text and 'X-Token = "••••"' in text
    with pytest.raises(SettingsError) as e:  # a masked credential is not used as if it were real
        load_settings(str(p))
    assert e.value.key == "notify.webhooks[0].headers.X-Token"
    p.write_text(text.replace("••••", "t0ken"), encoding="utf-8")
    back = load_settings(str(p))
    assert back.notify.webhooks[0]["url"] == hooks[0]["url"]
    assert back.notify.webhooks[0]["headers"] == {"X-Token": "t0ken"}
    assert back.tiers["profit"].multiplier == 1.7
