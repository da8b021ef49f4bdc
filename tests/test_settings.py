"""Typed settings: defaults, TOML, overrides, errors naming the key, generated docs."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from controlroom.settings import (DEFAULT_TIERS, Settings, SettingsError, TierSettings, load_settings,
                                  settings_from_dict)
from controlroom.settings.markdown import settings_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def write(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_defaults():
    s = load_settings(None)
    assert s == Settings()
    assert s.feed.events_endpoint == "tcp://127.0.0.1:7701"
    assert s.feed.requests_endpoint == "tcp://127.0.0.1:7702"
    assert (s.feed.stale_after_s, s.feed.resync_backoff_max_s, s.feed.room) == (3.0, 5.0, None)
    assert (s.engine.policy, s.engine.static_threshold) == ("engine", 100)
    assert (s.commands.timeout_ms, s.commands.retries, s.commands.max_attempts) == (500, 3, 9)
    assert (s.notify.webhooks, s.notify.timeout_s, s.notify.retries) == ((), 3.0, 2)
    assert (s.log.path, s.log.commit_interval_ms, s.log.batch_rows) == (None, 100, 20_000)
    td, pf, lt = s.tiers["traffic_driver"], s.tiers["profit"], s.tiers["long_tail"]
    assert (td.window_min, td.multiplier, td.auto_freeze) == (15.0, 2.0, "auto")
    assert (pf.window_min, pf.multiplier, pf.auto_freeze) == (30.0, 1.5, "confirm")
    assert (lt.window_min, lt.auto_freeze, lt.rate_basis, lt.watch) == (30.0, "off", "longrun", False)
    assert s.sku_tiers == {}


def test_every_field_has_unit_and_description():
    rows = Settings.describe()
    keys = [r[0] for r in rows]
    assert len(keys) == len(set(keys))
    for key, _default, unit, doc in rows:
        assert unit and doc and "\n" not in doc, key
    n_fields = sum(len(dataclasses.fields(c)) for c in
                   (type(Settings().feed), type(Settings().engine), type(Settings().commands), type(Settings().log),
                      type(Settings().notify)))
    assert len(rows) == n_fields + 3 * len(dataclasses.fields(TierSettings)) + 1
    assert ("tiers.profit.multiplier", 1.5) in [(r[0], r[1]) for r in rows]


def test_docs_are_generated_from_the_settings():
    assert DOCS.read_text(encoding="utf-8") == settings_markdown(), \
        "docs/settings.md is stale: python -m controlroom.settings > docs/settings.md"


def test_toml_file(tmp_path):
    p = write(tmp_path, """
[feed]
room = "demo-evening"
stale_after_s = 2

[engine]
policy = "naive"

[tiers.profit]
multiplier = 1.8
auto_freeze = "auto"

[tiers.flash]
window_min = 5.0

[sku_tiers]
PF03 = "traffic_driver"
FS01 = "flash"
""")
    s = load_settings(p)
    assert s.feed.room == "demo-evening" and s.feed.stale_after_s == 2.0
    assert isinstance(s.feed.stale_after_s, float)
    assert s.engine.policy == "naive"
    assert s.tiers["profit"].multiplier == 1.8 and s.tiers["profit"].window_min == 30.0
    assert s.tiers["flash"].window_min == 5.0 and s.tiers["flash"].multiplier == TierSettings().multiplier
    assert s.tier_of("PF03", "profit") == "traffic_driver"
    assert s.tier_of("FS01") == "flash"
    assert s.tier_of("X", "profit") == "profit"
    assert s.tier_of("X", "nonsense") == "long_tail"


@pytest.mark.parametrize("text,key,reason", [
    ("[engine]\nbogus = 1\n", "engine.bogus", "unknown key"),
    ("[nosuch]\nx = 1\n", "nosuch", "unknown key"),
    ("[tiers.profit]\nwindow = 3\n", "tiers.profit.window", "unknown key"),
    ("[engine]\nstatic_threshold = 1.5\n", "engine.static_threshold", "expected an integer"),
    ("[engine]\nstatic_threshold = true\n", "engine.static_threshold", "expected an integer"),
    ("[feed]\nstale_after_s = \"3\"\n", "feed.stale_after_s", "expected a number"),
    ("[feed]\nstale_after_s = 0\n", "feed.stale_after_s", "out of range"),
    ("[tiers.profit]\nmultiplier = -1\n", "tiers.profit.multiplier", "out of range"),
    ("[engine]\ntrend_weight = 1.5\n", "engine.trend_weight", "out of range"),
    ("[engine]\npolicy = \"magic\"\n", "engine.policy", "must be one of"),
    ("[tiers.profit]\nauto_freeze = true\n", "tiers.profit.auto_freeze", "expected a string"),
    ("[sku_tiers]\nA1 = \"vip\"\n", "sku_tiers.A1", "unknown tier"),
    ("[engine]\nfast_scale_s = 5000\n", "engine.fast_scale_s", "instant <= fast"),
    ("engine = 3\n", "engine", "expected a table"),
])
def test_bad_settings_name_key_and_reason(tmp_path, text, key, reason):
    with pytest.raises(SettingsError) as ei:
        load_settings(write(tmp_path, text))
    assert ei.value.key == key
    assert reason in ei.value.reason
    assert key in str(ei.value)


def test_bad_files(tmp_path):
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(write(tmp_path, "[engine\n"))
    with pytest.raises(SettingsError, match="file not found"):
        load_settings(str(tmp_path / "missing.toml"))


def test_overrides_dotted_and_strings():
    s = load_settings(None, {"tiers.profit.multiplier": 1.8, "engine.static_threshold": "80",
                             "feed.room": "r1", "sku_tiers.A1": "profit", "tiers.long_tail.watch": "true"})
    assert s.tiers["profit"].multiplier == 1.8
    assert s.engine.static_threshold == 80
    assert s.feed.room == "r1" and s.sku_tiers == {"A1": "profit"}
    assert s.tiers["long_tail"].watch is True
    with pytest.raises(SettingsError) as ei:
        load_settings(None, {"tiers.profit.multiplier": "lots"})
    assert ei.value.key == "tiers.profit.multiplier"


def test_with_changes_returns_a_new_object():
    s = Settings()
    t = s.with_changes({"tiers.profit.multiplier": 1.8}, **{"engine.policy": "static"})
    assert s.tiers["profit"].multiplier == 1.5 and s.engine.policy == "engine"
    assert t.tiers["profit"].multiplier == 1.8 and t.engine.policy == "static"
    assert t.tiers["traffic_driver"] is s.tiers["traffic_driver"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.engine.policy = "naive"  # type: ignore[misc]
    u = t.with_changes({"tiers": {"profit": {"window_min": 20}}})
    assert u.tiers["profit"].window_min == 20.0 and u.tiers["profit"].multiplier == 1.8


def test_to_dict_is_json_and_round_trips():
    s = load_settings(None, {"tiers.profit.multiplier": 1.8, "sku_tiers.A1": "profit", "tiers.flash.window_min": 5})
    d = s.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["tiers"]["profit"]["multiplier"] == 1.8 and d["feed"]["room"] is None
    assert set(d) == {"feed", "engine", "tiers", "sku_tiers", "commands", "log", "notify"}
    assert settings_from_dict(d) == s
    assert settings_from_dict(Settings().to_dict()) == Settings()


def test_default_tiers_match_the_tier_rules_of_thumb():
    assert set(DEFAULT_TIERS) == {"traffic_driver", "profit", "long_tail"}
    # the article's rule of thumb: 1.5 x predicted 30-minute sales for profit items
    assert (DEFAULT_TIERS["profit"].multiplier, DEFAULT_TIERS["profit"].window_min) == (1.5, 30.0)


def test_notify_webhooks_from_toml_normalised_and_round_trip(tmp_path):
    p = write(tmp_path, """
[notify]
timeout_s = 1.5
retries = 0

[[notify.webhooks]]
url = "https://chat.example.com/hook"
levels = ["critical"]
headers = { Authorization = "Bearer x" }

[[notify.webhooks]]
url = "http://127.0.0.1:9/all"
states = ["firing", "acked"]
""")
    s = load_settings(p)
    assert (s.notify.timeout_s, s.notify.retries) == (1.5, 0)
    a, b = s.notify.webhooks
    assert a == {"url": "https://chat.example.com/hook", "levels": ("critical",), "states": ("firing", "resolved"),
                 "headers": {"Authorization": "Bearer x"}, "name": "webhook1", "format": "json", "secret": "",
                 "keyword": "", "msgtype": "markdown", "oncall_only": False}
    assert b["levels"] == ("critical", "lost_sales", "feed", "frozen_with_stock") and b["states"] == ("firing", "acked")
    d = s.to_dict(reveal=True)  # the real values: what the notifier is handed
    assert json.loads(json.dumps(d)) == d and d["notify"]["webhooks"][0]["levels"] == ["critical"]
    assert settings_from_dict(json.loads(json.dumps(d))) == s
    # as the log and every display get it: the header value masked (the URLs carry no token)
    shown = s.to_dict()["notify"]["webhooks"]
    assert shown[0]["headers"] == {"Authorization": "••••"} and shown[0]["url"] == a["url"]
    # the notifier accepts the settings' tables as they are
    from controlroom.notify import notifier_from_config

    n = notifier_from_config(d["notify"]["webhooks"], timeout_s=s.notify.timeout_s, retries=s.notify.retries)
    hooks = list(n.targets.values())
    assert [h.url for h in hooks] == [a["url"], b["url"]] and [h.name for h in hooks] == ["webhook1", "webhook2"]
    assert hooks[0].wants("critical", "firing") and not hooks[0].wants("warning", "firing")


@pytest.mark.parametrize("text,key,reason", [
    ("[notify]\nwebhooks = 3\n", "notify.webhooks", "list of tables"),
    ("[[notify.webhooks]]\nurl = \"ftp://x\"\n", "notify.webhooks[0].url", "http"),
    ("[[notify.webhooks]]\nlevels = [\"critical\"]\n", "notify.webhooks[0].url", "http"),
    ("[[notify.webhooks]]\nurl = \"http://a/b\"\nlevels = [\"loud\"]\n", "notify.webhooks[0].levels", "unknown value"),
    ("[[notify.webhooks]]\nurl = \"http://a/b\"\nstates = \"firing\"\n", "notify.webhooks[0].states", "list of strings"),
    ("[[notify.webhooks]]\nurl = \"http://a/b\"\nheaders = { X = 1 }\n", "notify.webhooks[0].headers.X", "strings"),
    ("[[notify.webhooks]]\nurl = \"http://a/b\"\nbogus = 1\n", "notify.webhooks[0].bogus", "unknown key"),
    ("[[notify.webhooks]]\nurl = \"http://a/b\"\nsecret = 1\n", "notify.webhooks[0].secret", "expected a string"),
    ("[[notify.webhooks]]\nurl = \"http://a/b\"\nformat = \"icq\"\n", "notify.webhooks[0].format", "unknown format"),
    ("[notify]\ncritical_channels = [\"pager\"]\n", "notify.critical_channels", "unknown value"),
    ("[notify]\nretries = -1\n", "notify.retries", "out of range"),
    ("[commands]\nmax_attempts = 0\n", "commands.max_attempts", "out of range"),
])
def test_bad_notify_and_command_settings(tmp_path, text, key, reason):
    with pytest.raises(SettingsError) as ei:
        load_settings(write(tmp_path, text))
    assert ei.value.key == key and reason in ei.value.reason


def test_webhooks_override_from_the_command_line():
    s = load_settings(None, {"notify.webhooks": '[{url = "http://h/x", levels = ["warning"]}]',
                             "commands.max_attempts": "4"})
    assert s.notify.webhooks[0]["levels"] == ("warning",) and s.commands.max_attempts == 4
