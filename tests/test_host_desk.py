"""The desk's side of the host view: the prompt bar and View → Host screen, on a real desk core process.

The desk's core (RemoteSession: its own process) shares its state stream with the room's keys; the
View → Host screen path starts ``controlroom host`` as another process, which pairs its own viewer
key and shows what the desk's prompt bar sent.
"""
from __future__ import annotations

import json
import time

import pytest

from controlroom.live.process import RemoteSession
from controlroom.security.keys import ensure_demo_keys
from controlroom.settings import load_settings
from controlroom.simulate.runner import DemoShop
from tests.conftest import LOOPBACK, wait_until

pytestmark = pytest.mark.timeout(120)


def _trace(path) -> list[dict]:
    try:
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("{")]
    except FileNotFoundError:
        return []


def test_prompt_bar_reaches_a_host_view_opened_from_the_desk(qtbot, tmp_path):
    from ui.app import build_desk, make_app
    from ui.host.desk import open_remembered, share_for_host_views

    make_app("en")
    server_curve, client_curve = ensure_demo_keys(tmp_path / "keys")
    shop = DemoShop("steady", 2, speed=5, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK,
                    curve=server_curve).start()
    ev, rq = shop.endpoints
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq})
    session = RemoteSession(settings, curve=client_curve, operator="ann")
    share_for_host_views(session, str(tmp_path / "keys"))
    session.start()
    bridge, window = build_desk(session)
    qtbot.addWidget(window)
    bridge.start()
    trace = tmp_path / "host.jsonl"
    proc = None
    try:
        assert "View" in [a.text().replace("&", "") for a in window.menuBar().actions()]
        proc = open_remembered(window, ["--windowed", "640x360", "--trace", str(trace), "--lang", "en"])
        assert not isinstance(proc, str), proc
        assert wait_until(lambda: any(x["health"] == "live" for x in _trace(trace)), 40), _trace(trace)[-2:]
        window.host_bar.send_preset("move_on", 7)
        assert wait_until(lambda: any(x["drawn"].get("prompt") == "Move on to item 7" for x in _trace(trace)), 20)
        shown = next(x for x in _trace(trace) if x["drawn"].get("prompt") == "Move on to item 7")
        assert shown["drawn"]["prompt_who"] == "FROM ann"  # the desk's operator, from its key
        window.host_bar.clear()
        t = time.time()
        assert wait_until(lambda: any(x["t"] > t and x["prompt_id"] is None for x in _trace(trace)), 20)
    finally:
        bridge.stop()
        window.close()
        if proc is not None and not isinstance(proc, str):
            proc.terminate()
            proc.wait(10)
        session.stop()
        shop.stop()
