"""Each robot format's exact payload and signature, posted to a real HTTP server on loopback.

The signatures are recomputed here from the recipes in the vendors' documentation (a few
lines each), never with the product's signer.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse

import pytest

from controlroom.alerts.transition import AlertTransition
from controlroom.notify import Notifier, TargetConfig
from tests.notify_gateway import Gateway, ManualClock

T0 = 1767225600.0  # 2026-01-01 00:00:00 UTC = 08:00:00 in China
WALL = 1767225601.25


def tr(sku="HOT1", level="critical", state="firing", ts=T0, reason="available 5 below safety stock 8", **kw):
    nums = dict(available=5, rate_per_min=30.0, predicted_sellout_s=10.0, threshold=8.0)
    nums.update(kw)
    return AlertTransition(key=f"{sku}:{level}", ts=ts, sku=sku, level=level, state=state, reason=reason, **nums)


def post_one(target, transitions, resolved=None, room="demo"):
    """Route transitions (then optionally resolved ones) through a notifier to the gateway; the bodies."""
    clock = ManualClock()
    n = Notifier([target], room=room, clock=clock, wall=lambda: WALL).start(thread=False)
    try:
        n.submit(transitions)
        n.pump()
        clock.advance(10)
        n.pump()
        assert n.flush(5)
        if resolved:
            n.submit(resolved)
            clock.advance(60)
            n.pump()
            assert n.flush(5)
    finally:
        n.close()
    return n


@pytest.fixture
def gw():
    g = Gateway()
    yield g
    g.close()


FIRING_LINE = "HOT1 库存 5 · 30.0 件/分 · 约 10 秒售罄 — available 5 below safety stock 8"
TITLE = "🔴 紧急 critical · 直播间 demo · 1 条触发 firing"


def test_wecom_markdown_payload(gw):
    post_one(TargetConfig("wecom", "wecom", gw.url), [tr()])
    assert gw.bodies() == [{"msgtype": "markdown", "markdown": {"content":
        f"### {TITLE}\n> {FIRING_LINE}\n<font color=\"comment\">controlroom · 08:00:00</font>"}}]
    assert gw.received[0]["query"] == {"access_token": ["tok"]}


def test_wecom_text_payload_and_the_2048_byte_limit(gw):
    many = [tr(sku=f"S{i:03d}", reason="available 5 below safety stock 8 " + "x" * 40) for i in range(120)]
    post_one(TargetConfig("wecom", "wecom", gw.url, msgtype="text"), many)
    (body,) = gw.bodies()
    assert body["msgtype"] == "text" and set(body["text"]) == {"content"}
    content = body["text"]["content"]
    shown = content.count("\n- S")
    assert len(content.encode()) <= 2048 and 0 < shown < 120
    assert f"+{120 - shown} more 另有 {120 - shown} 条" in content  # nothing dropped silently


def test_wecom_markdown_stays_within_4096_bytes(gw):
    many = [tr(sku=f"S{i:03d}") for i in range(200)]
    post_one(TargetConfig("wecom", "wecom", gw.url), many)
    content = gw.bodies()[0]["markdown"]["content"]
    shown = content.count("\n> S")
    assert len(content.encode()) <= 4096 and len((content + "\n> " + FIRING_LINE).encode()) > 4096 - 200
    assert f"+{200 - shown} more" in content
    assert content.startswith(f"### 🔴 紧急 critical · 直播间 demo · {shown} 条触发")


def test_dingtalk_signed_with_keyword_and_its_resolved_message(gw):
    secret = "SEC0123456789abcdef"
    post_one(TargetConfig("ding", "dingtalk", gw.url, secret=secret, keyword="库存告警"), [tr()],
             resolved=[tr(state="resolved", ts=T0 + 300, reason="stock back above the line")])
    first, second = gw.received
    for r in (first, second):
        ts = r["query"]["timestamp"][0]
        assert ts == str(int(WALL * 1000))
        # The recipe: sign = urlencode(base64(HMAC-SHA256(key=secret, msg=timestamp + "\n" + secret))).
        mac = hmac.new(secret.encode("utf-8"), f"{ts}\n{secret}".encode("utf-8"), digestmod=hashlib.sha256).digest()
        expected = urllib.parse.quote_plus(base64.b64encode(mac))
        assert f"sign={expected}" in r["raw_query"]
        assert r["query"]["access_token"] == ["tok"]
    assert first["body"] == {"msgtype": "markdown", "markdown": {
        "title": f"【库存告警】{TITLE}",
        "text": f"### 【库存告警】{TITLE}\n\n- {FIRING_LINE}\n\n> controlroom · 08:00:00"}}
    assert second["body"] == {"msgtype": "markdown", "markdown": {
        "title": "【库存告警】✅ 紧急 critical · 直播间 demo · 1 条恢复 resolved",
        "text": "### 【库存告警】✅ 紧急 critical · 直播间 demo · 1 条恢复 resolved\n\n"
                "- HOT1 已恢复 resolved — stock back above the line\n\n> controlroom · 08:05:00"}}


def test_feishu_signed_post(gw):
    g = Gateway(default=(200, b'{"code":0,"msg":"success","data":{}}', {}))
    try:
        secret = "feishu-secret"
        n = post_one(TargetConfig("lark", "feishu", g.url, secret=secret, keyword="库存"), [tr()])
        (body,) = g.bodies()
        ts = body["timestamp"]
        assert ts == str(int(WALL))
        # The recipe: sign = base64(HMAC-SHA256(key=timestamp + "\n" + secret, msg=empty)).
        mac = hmac.new(f"{ts}\n{secret}".encode("utf-8"), digestmod=hashlib.sha256).digest()
        assert body["sign"] == base64.b64encode(mac).decode("utf-8")
        assert body == {"timestamp": ts, "sign": body["sign"], "msg_type": "post", "content": {"post": {"zh_cn": {
            "title": f"【库存】{TITLE}",
            "content": [[{"tag": "text", "text": f"- {FIRING_LINE}"}],
                        [{"tag": "text", "text": "controlroom · 08:00:00"}]]}}}}
        assert n.status()[0].sent == 1
    finally:
        g.close()


def test_slack_payload(gw):
    g = Gateway(default=(200, b"ok", {}))
    try:
        post_one(TargetConfig("slack", "slack", g.url), [tr()],
                 resolved=[tr(state="resolved", ts=T0 + 60, reason="back")])
        assert g.bodies() == [
            {"text": f"*{TITLE}*\n• {FIRING_LINE}\n_controlroom · 08:00:00_"},
            {"text": "*✅ 紧急 critical · 直播间 demo · 1 条恢复 resolved*\n• ~HOT1 已恢复 resolved — back~\n"
                     "_controlroom · 08:01:00_"}]
    finally:
        g.close()


def test_plain_json_payload_with_headers(gw):
    post_one(TargetConfig("gw", "json", gw.url, headers=(("X-Token", "s3cret"),)), [tr()])
    assert gw.received[0]["headers"]["X-Token"] == "s3cret"
    assert gw.bodies() == [{
        "source": "controlroom", "title": TITLE, "test": False, "escalation": None, "more": 0,
        "groups": [{"room": "demo", "level": "critical", "repeat": False, "resolved": [], "firing": [
            {"id": "HOT1:critical", "sku": "HOT1", "level": "critical", "state": "firing",
             "reason": "available 5 below safety stock 8", "ts": T0, "available": 5, "rate_per_min": 30.0,
             "predicted_sellout_s": 10.0, "threshold": 8.0}]}],
        "text": f"{TITLE}\n- {FIRING_LINE}\ncontrolroom · 08:00:00"}]


def test_send_test_message_reports_the_robots_answer():
    from controlroom.notify import send_test

    ok = Gateway()
    bad = Gateway(default=(200, '{"errcode":310000,"errmsg":"keywords not in content"}'.encode(), {}))
    try:
        assert send_test(TargetConfig("a", "dingtalk", ok.url, keyword="库存")).ok
        assert "测试消息" in ok.bodies()[0]["markdown"]["text"] and "【库存】" in ok.bodies()[0]["markdown"]["text"]
        out = send_test(TargetConfig("b", "dingtalk", bad.url))
        assert out.kind == "config" and "keywords not in content" in out.detail
    finally:
        ok.close()
        bad.close()


def test_feishu_resolved_message_carries_the_keyword_and_a_fresh_signature():
    g = Gateway(default=(200, b'{"code":0,"msg":"success","data":{}}', {}))
    try:
        secret = "feishu-secret"
        post_one(TargetConfig("lark", "feishu", g.url, secret=secret, keyword="库存"), [tr()],
                 resolved=[tr(state="resolved", ts=T0 + 300, reason="stock back above the line")])
        first, second = g.bodies()
        assert second["content"]["post"]["zh_cn"] == {
            "title": "【库存】✅ 紧急 critical · 直播间 demo · 1 条恢复 resolved",
            "content": [[{"tag": "text", "text": "- HOT1 已恢复 resolved — stock back above the line"}],
                        [{"tag": "text", "text": "controlroom · 08:05:00"}]]}
        for body in (first, second):
            mac = hmac.new(f"{body['timestamp']}\n{secret}".encode(), b"", hashlib.sha256).digest()
            assert body["sign"] == base64.b64encode(mac).decode()
    finally:
        g.close()
