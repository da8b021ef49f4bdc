"""The notifier's state on the desk: a target that keeps failing is shown down with its last error (and
logged), an escalation is shown — a real demo shop, core, notifier and desk; robots on loopback."""
from __future__ import annotations

import logging
import socket

import pytest

from controlroom.state.view import ViewSnapshot
from tests.notify_gateway import Gateway
from ui.app import make_app
from ui.testing import DeskHarness

CRITICAL_SOON = {f"tiers.{t}.{k}": v for t in ("traffic_driver", "profit", "long_tail")
                 for k, v in (("warning_floor", 100000.0), ("pending_s", 0.0), ("critical_horizon_min", 100000.0))}


@pytest.fixture
def app():
    return make_app("en")


def test_a_failing_target_is_shown_down_and_an_escalation_is_shown(app, qtbot, caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/hook?key=abc"  # nobody listens
    lead = Gateway()
    overrides = dict(CRITICAL_SOON)
    overrides.update({
        "notify.webhooks": [{"name": "team", "format": "wecom", "url": dead, "levels": ["critical"]},
                            {"name": "lead", "format": "dingtalk", "url": lead.url, "oncall_only": True}],
        "notify.escalate_to": ["lead"], "notify.escalate_after_min": 0.02, "notify.group_wait_s": 0.2,
        "notify.retries": 3})
    caplog.set_level(logging.INFO, logger="controlroom.notify")
    try:
        with DeskHarness("evening-show", seed=1, speed=30.0, overrides=overrides, charts=False) as h:
            st = h.window.notify_status
            qtbot.waitUntil(lambda: "team DOWN" in st.text(), timeout=30000)
            assert "refused" in st.text().lower() and st.isVisible()
            assert "lead (dingtalk): up" in st.toolTip()
            assert any("team" in r.getMessage() and r.levelno >= logging.WARNING for r in caplog.records)
            # Nobody acknowledges the critical alert: after 1.2 s it goes to the on-call robot, once per alert,
            # and the desk says so.
            qtbot.waitUntil(lambda: "escalated:" in st.text(), timeout=30000)
            assert "→ lead" in st.text() and "→ lead" in h.window.status_left.text()
            assert lead.received and "⏫ 升级 escalated" in lead.bodies()[0]["markdown"]["text"]
            keys = [b["markdown"]["text"].split("escalated: ")[1].split(" ")[0] for b in lead.bodies()]
            assert len(keys) == len(set(keys))  # each alert escalated once
    finally:
        lead.close()


def test_the_notify_block_crosses_the_state_stream():
    from controlroom.state import schema as S

    notify = ({"kind": "target", "name": "team", "format": "wecom", "state": "down", "last_error": "HTTP 500",
               "sent": 1, "failed": 2, "queued": 0, "oncall": False},
              {"kind": "notice", "wall": 1.5, "what": "escalated", "target": "lead", "text": "HOT1 → lead"})
    snap = ViewSnapshot(version=3, notify=notify)
    frame = S.Snapshot(v=S.VERSION, epoch="e", seq=1, room=S.room_to_wire(snap), skus=())
    got = S.client_decoder().decode(S.encode(frame))
    assert S.view_from_wire(got.room, ()).notify == notify
