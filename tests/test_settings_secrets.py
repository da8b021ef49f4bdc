"""No secrets in the session log: credentials in settings are masked wherever they leave memory."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from controlroom.log import SessionLog, open_log
from controlroom.review import build_review
from controlroom.review.backtest import RunMetrics
from controlroom.review.report import render_html
from controlroom.review.tune import TuneResult, write_settings
from controlroom.settings import MASK, Settings, SettingsError, load_settings, secret_keys, settings_from_dict
from controlroom.settings.secrets import mask_url

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=6a1c0f2e-wecomSECRET-93b1"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=ddSECRETtoken0123456789"
SLACK = "https://hooks.slack.com/services/T0AAAA/B0BBBB/xoxSLACKsecret0123456789"
BASIC = "https://bob:pa55SECRETword@hooks.example.com/hook"
BEARER = "Bearer SECRET-bearer-4711"
SECRETS = ("wecomSECRET", "ddSECRETtoken", "xoxSLACKsecret", "pa55SECRETword", "SECRET-bearer")


def _settings() -> Settings:
    return Settings().with_changes({"notify": {"webhooks": [
        {"url": WECOM}, {"url": DINGTALK, "levels": ["critical"]}, {"url": SLACK},
        {"url": BASIC, "headers": {"Authorization": BEARER}}]}})


def _assert_clean(data: bytes, where: str) -> None:
    for s in SECRETS:
        assert s.encode() not in data, f"{s} found in {where}"


def test_the_webhooks_are_marked_secret_and_masked_in_to_dict_but_kept_in_memory():
    s = _settings()
    assert "notify.webhooks" in secret_keys()
    hooks = s.to_dict()["notify"]["webhooks"]
    assert hooks[0]["url"] == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + MASK
    assert hooks[1]["url"] == "https://oapi.dingtalk.com/robot/send?access_token=" + MASK
    assert hooks[1]["levels"] == ["critical"]
    assert hooks[3]["headers"] == {"Authorization": MASK}
    _assert_clean(repr(s.to_dict()).encode(), "to_dict()")
    assert s.notify.webhooks[0]["url"] == WECOM  # the real value, for use
    assert s.to_dict(reveal=True)["notify"]["webhooks"][3]["headers"]["Authorization"] == BEARER


def test_mask_url_keeps_the_hook_readable_and_hides_tokens():
    assert mask_url(SLACK) == f"https://hooks.slack.com/services/T0AAAA/B0BBBB/{MASK}"
    assert mask_url(BASIC) == f"https://{MASK}@hooks.example.com/hook"
    feishu = "https://open.feishu.cn/open-apis/bot/v2/hook/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    assert mask_url(feishu) == f"https://open.feishu.cn/open-apis/bot/v2/hook/{MASK}"
    assert mask_url("https://chat.example.com/hooks/stock-desk") == "https://chat.example.com/hooks/stock-desk"
    for url in (WECOM, DINGTALK, SLACK, BASIC, feishu):
        assert mask_url(mask_url(url)) == mask_url(url)


def test_a_session_log_holds_none_of_the_secrets(tmp_path):
    s = _settings()
    path = tmp_path / "secret.sqlite"
    log = SessionLog(path, room="r1", settings=s, app_version="test").start()
    log.settings_changed(1.0, s, "ann")
    log.settings_changed(2.0, s.to_dict(reveal=True), "bob")  # a caller's raw dict is masked too
    log.events([{"v": 1, "epoch": "e", "seq": 1, "ts": 1.0, "room": "r1", "topic": "hb"}], 1.0)
    assert log.flush()
    wal = Path(str(path) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the rows are in the WAL now: scan it
    for p in (path, wal):
        _assert_clean(p.read_bytes(), p.name)
    log.close()
    for p in tmp_path.iterdir():  # after the checkpoint: the database and anything left beside it
        _assert_clean(p.read_bytes(), p.name)
    with open_log(path) as r:
        saved = r.session()["settings"]
        assert saved["notify"]["webhooks"][0]["url"] == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + MASK
        assert [c["by"] for c in r.settings_changes()] == ["ann", "bob"]
    # a replay rebuilds the settings without the masked hooks (it must never post to them)
    back = settings_from_dict(saved)
    assert back.notify.webhooks == () and back.tiers == s.tiers


def test_an_old_log_is_left_as_it_is_and_its_report_shows_the_secrets_masked(tmp_path):
    path = tmp_path / "old.sqlite"
    log = SessionLog(path, room="r1", settings=Settings(), app_version="old").start()
    log.events([{"v": 1, "epoch": "e", "seq": 1, "ts": 1.0, "room": "r1", "topic": "hb"}], 1.0)
    log.close()
    # what a log written before masking holds: the settings in clear
    clear = json.dumps(_settings().to_dict(reveal=True))
    c = sqlite3.connect(path)
    with c:
        c.execute("UPDATE session SET settings = ?", (clear,))
        c.execute("UPDATE segments SET settings = ?", (clear,))
    c.close()
    files = sorted(tmp_path.iterdir())
    before = [p.read_bytes() for p in files]
    with open_log(path) as r:
        html = render_html(build_review(r))
    _assert_clean(html.encode(), "report")
    assert "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" in html
    assert [p.read_bytes() for p in files] == before  # reading and reporting changed nothing in the old log
    assert any(b"wecomSECRET" in b for b in before)


def test_error_messages_show_credentials_masked():
    with pytest.raises(SettingsError) as e:
        load_settings(None, {"notify.webhooks": '[{url = "ftp://hooks.example.com/send?key=wecomSECRET1"}]'})
    assert "wecomSECRET" not in str(e.value) and f"key={MASK}" in str(e.value)
    with pytest.raises(SettingsError) as e:  # not even valid TOML: the text is not echoed
        load_settings(None, {"notify.webhooks": '[{url = "https://x.example.com/?key=wecomSECRET1"'})
    assert "wecomSECRET" not in str(e.value)


def test_tunes_written_settings_are_masked_and_refuse_to_load_as_they_are(tmp_path):
    s = _settings()
    res = TuneResult(tiers=[], before=RunMetrics("before"), after=RunMetrics("after"), replays=0, seconds=0.0,
                     warnings=[], settings=s)
    out = write_settings(res, tmp_path / "tuned.toml", "a log")
    text = out.read_bytes()
    _assert_clean(text, "tuned.toml")
    assert f"key={MASK}".encode() in text
    with pytest.raises(SettingsError) as e:  # a masked credential is never used as if it were real
        load_settings(str(out))
    assert "masked credential" in str(e.value) and e.value.key == "notify.webhooks[0].url"
