"""``python -m ui.desk.channel_shot OUT.png --lang zh_CN``: the settings dialog's channel page as a PNG.

Two example targets (a WeCom group robot, a DingTalk on-call robot shown down), rendered
offscreen for ``docs/screenshots/settings-channels-{en,zh_CN}.png``.
"""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.desk.channel_shot")
    ap.add_argument("out")
    ap.add_argument("--lang", default="en")
    a = ap.parse_args(argv)
    from ui.app import make_app

    app = make_app(a.lang)
    from controlroom.settings import load_settings
    from ui.desk.settings_dialog import SettingsDialog

    settings = load_settings(None, {"notify.webhooks": [
        {"name": "team", "format": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"},
        {"name": "lead", "format": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=tok",
         "secret": "SEC-example", "keyword": "库存", "oncall_only": True}], "notify.escalate_to": ["lead"]})
    status = ({"kind": "target", "name": "team", "format": "wecom", "state": "up", "last_error": None, "sent": 12,
               "failed": 0, "queued": 0, "oncall": False},
              {"kind": "target", "name": "lead", "format": "dingtalk", "state": "down", "last_error": "HTTP 502",
               "sent": 0, "failed": 1, "queued": 0, "oncall": True})
    d = SettingsDialog(settings, [], None, notify_status=status)
    d.tabs.setCurrentIndex(d.tabs.indexOf(d.channel_page.parentWidget().parentWidget()))
    d.resize(1000, 900)
    d.show()
    app.processEvents()
    ok = d.grab().save(a.out)
    print(f"{a.out}: saved={ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
