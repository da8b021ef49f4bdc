"""The settings dialog's channel page: per-level channels and the on-call list applied as settings, and
"Send test message" per target against robots on loopback."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from controlroom.settings import load_settings
from tests.notify_gateway import Gateway
from ui.app import make_app


@pytest.fixture
def app():
    return make_app("en")


def test_channel_page_edits_channels_and_sends_test_messages(app, qtbot):
    from ui.desk.settings_dialog import SettingsDialog

    ok = Gateway()
    bad = Gateway(default=(200, b'{"code":19021,"msg":"sign match fail or timestamp is not within one hour"}', {}))
    try:
        settings = load_settings(None, {"notify.webhooks": [
            {"name": "team", "format": "wecom", "url": ok.url},
            {"name": "lead", "format": "feishu", "url": bad.url, "secret": "s", "oncall_only": True}]})
        status = ({"kind": "target", "name": "lead", "format": "feishu", "state": "down", "last_error": "HTTP 502",
                   "sent": 0, "failed": 1, "queued": 0, "oncall": True},)
        d = SettingsDialog(settings, [], None, notify_status=status)
        qtbot.addWidget(d)
        page = d.channel_page
        # The grid shows the settings; the panel is always on.
        assert page.boxes[("critical", "desktop")].isChecked() and not page.boxes[("warning", "desktop")].isChecked()
        assert all(page.boxes[(lv, "panel")].isChecked() and not page.boxes[(lv, "panel")].isEnabled()
                   for lv in ("watch", "critical", "frozen_with_stock"))
        assert any(w.text() == "DOWN: HTTP 502" for w in page.findChildren(QLabel))  # the target's state on the desk
        # Change: warnings also on the desktop, critical without sound; an on-call list.
        page.boxes[("warning", "desktop")].setChecked(True)
        page.boxes[("critical", "sound")].setChecked(False)
        page.escalate_to.setText("lead")
        d.editor("notify.escalate_after_min").setText("5")
        with qtbot.waitSignal(d.applied, timeout=5000) as sig:
            assert d.apply()
        new = sig.args[0]
        assert new.notify.warning_channels == ("panel", "sound", "desktop")
        assert new.notify.critical_channels == ("panel", "desktop", "host", "webhook")
        assert new.notify.escalate_to == ("lead",) and new.notify.escalate_after_min == 5.0
        assert d.changes() == {}  # applied: the new baseline
        # Send test message: each target's button posts once and shows the robot's answer.
        qtbot.mouseClick(page.test_buttons["team"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(page.test_buttons["lead"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.test_results["team"].text() == "accepted by the robot", timeout=10000)
        qtbot.waitUntil(lambda: page.test_results["lead"].text().startswith("failed"), timeout=10000)
        assert "config: code 19021" in page.test_results["lead"].text()
        assert "测试消息" in ok.bodies()[0]["markdown"]["content"] and len(bad.received) == 1
        assert page.test_buttons["team"].isEnabled()
    finally:
        ok.close()
        bad.close()
