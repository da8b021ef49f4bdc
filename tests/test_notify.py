"""Webhook notifications against a real local HTTP server (the stand-in for an SMS/IM gateway)."""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from controlroom.alerts.transition import AlertTransition
from controlroom.notify import Notifier, Webhook


class Gateway:
    """A local HTTP server that records what it receives; it can fail the first N posts."""

    def __init__(self, fail_first=0, status=500):
        self.received = []
        self.fail_left = fail_first
        gw = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if gw.fail_left > 0:
                    gw.fail_left -= 1
                    self.send_response(status)
                    self.end_headers()
                    return
                gw.received.append((self.path, self.headers.get("X-Token"), json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def t(level="critical", state="firing", sku="TD01", ts=100.0):
    return AlertTransition(key=f"{sku}:{level}", ts=ts, sku=sku, level=level, state=state, reason="why",
                           available=5, rate_per_min=30.0, predicted_sellout_s=10.0, threshold=40.0)


def test_webhook_gets_matching_levels_and_states_with_the_numbers():
    gw = Gateway()
    n = Notifier([Webhook(gw.url, levels=("critical",), states=("firing", "resolved"),
                          headers=(("X-Token", "s3cret"),))], room="demo").start()
    try:
        n.submit([t(), t(level="warning"), t(state="pending"), t(state="resolved", ts=130.0)])
        assert n.flush(5)
        assert [r[2]["state"] for r in gw.received] == ["firing", "resolved"]
        path, token, body = gw.received[0]
        assert path == "/hook" and token == "s3cret"
        assert body["room"] == "demo" and body["sku"] == "TD01" and body["available"] == 5
        assert body["threshold"] == 40.0 and body["level"] == "critical"
        assert n.stats.sent == 2 and n.stats.failed == 0
    finally:
        n.close()
        gw.close()


def test_server_errors_are_retried():
    gw = Gateway(fail_first=2, status=503)
    n = Notifier([Webhook(gw.url)], retries=3, backoff_s=0.01).start()
    try:
        n.submit([t()])
        assert n.flush(5)
        assert len(gw.received) == 1 and n.stats.attempts == 3 and n.stats.sent == 1
    finally:
        n.close()
        gw.close()


def test_dead_gateway_fails_counted_and_never_blocks_submit():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/x"
    n = Notifier([Webhook(dead)], retries=1, backoff_s=0.01, timeout_s=0.5).start()
    try:
        t0 = time.monotonic()
        n.submit([t(sku=f"S{i}") for i in range(20)])
        assert time.monotonic() - t0 < 0.1  # the core thread only queues
        assert n.flush(15)
        assert n.stats.failed == 20 and n.stats.sent == 0 and "x" in n.stats.last_error
    finally:
        n.close()


def test_bad_webhook_config_is_refused_clearly():
    with pytest.raises(ValueError, match="http"):
        Webhook.from_dict({"url": "ftp://nope"})


def test_live_session_posts_critical_alerts_to_a_webhook(tmp_path):
    """End to end: demo shop → core → engine → notifier → local HTTP gateway, settings from TOML."""
    import argparse

    from controlroom.live.wiring import build_session
    from controlroom.settings import load_settings
    from controlroom.simulate.model import ShopModel
    from controlroom.simulate.runner import DemoShop
    from tests.conftest import LOOPBACK, wait_until
    from tests.test_session_live import _flash_scenario

    gw = Gateway()
    shop = DemoShop(model=ShopModel(_flash_scenario(), seed=1), speed=8, events_endpoint=LOOPBACK,
                    requests_endpoint=LOOPBACK).start()
    ev, rq = shop.endpoints
    cfg = tmp_path / "show.toml"
    cfg.write_text(f'[feed]\nevents_endpoint = "{ev}"\nrequests_endpoint = "{rq}"\n'
                   f'[[notify.webhooks]]\nurl = "{gw.url}"\nlevels = ["critical"]\n')
    settings = load_settings(str(cfg))
    args = argparse.Namespace(operator="test", no_log=True, log=None)
    session = build_session(settings, None, args).start()
    try:
        assert wait_until(lambda: any(r[2]["level"] == "critical" for r in gw.received), 40)
        body = next(r[2] for r in gw.received if r[2]["level"] == "critical")
        assert body["sku"] == "HOT1" and body["room"] == "demo-flash-test" and body["state"] == "firing"
    finally:
        session.stop()
        shop.stop()
        gw.close()
