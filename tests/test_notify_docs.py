"""docs/notifications.md shows each format's exact payload: every ``POST`` example in it is what the
product builds for the documented example (so the doc cannot drift from the code)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from controlroom.alerts.transition import AlertTransition
from controlroom.notify import TargetConfig
from controlroom.notify.formats import FORMATS
from controlroom.notify.item import Message, Section, items_from_transitions

DOC = Path(__file__).resolve().parent.parent / "docs" / "notifications.md"
T0 = 1767225600.0  # 2026-01-01 00:00:00 UTC
WALL = T0 + 12


def tr(sku, state="firing", ts=T0, reason="available 5 below safety stock 8", **kw):
    nums = dict(available=5, rate_per_min=30.0, predicted_sellout_s=10.0, threshold=8.0)
    nums.update(kw)
    return AlertTransition(key=f"{sku}:critical", ts=ts, sku=sku, level="critical", state=state, reason=reason,
                           **nums)


def built() -> list[tuple[str, dict]]:
    fire = Message([Section("demo", "critical", items_from_transitions([
        tr("HOT1"), tr("HOT2", available=2, rate_per_min=12.0, reason="sells out in about 10 s")], "demo"), [])])
    res = Message([Section("demo", "critical", [], items_from_transitions([
        tr("HOT1", state="resolved", ts=T0 + 300, reason="stock back above the line")], "demo"))])
    targets = [
        TargetConfig("team", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY"),
        TargetConfig("team", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY", msgtype="text"),
        TargetConfig("ding", "dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=TOKEN", secret="SECxxxx",
                     keyword="库存告警"),
        TargetConfig("lark", "feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/HOOK", secret="secret",
                     keyword="库存"),
        TargetConfig("slack", "slack", "https://hooks.slack.com/services/T/B/X"),
        TargetConfig("gw", "json", "https://example.internal/alerts")]
    return [FORMATS[t.format].build(m, t, WALL) for t in targets for m in (fire, res)]


def test_every_payload_in_the_doc_is_what_the_product_posts():
    text = DOC.read_text(encoding="utf-8")
    examples = re.findall(r"```\nPOST (\S+)\n(.*?)\n```", text, flags=re.S)
    assert len(examples) >= 9
    product = built()
    for url, body in examples:
        assert (url, json.loads(body)) in product, url
    # Every format is shown.
    shown = {u.split("/")[2] for u, _b in examples}
    assert shown == {"qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn", "hooks.slack.com",
                     "example.internal"}
