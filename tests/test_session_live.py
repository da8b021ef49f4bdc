"""A whole live session over real sockets: demo shop ⇄ core thread (feed, engine, commands, log).

CURVE is on in these tests (the demo keys), as it is by default for users.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from controlroom.security.keys import ensure_demo_keys
from controlroom.feed.mirror import StockMirror
from controlroom.log import open_log
from controlroom.log.writer import SessionLog
from controlroom.live.session import LiveSession
from controlroom.settings import load_settings
from controlroom.simulate.model import ShopModel
from controlroom.simulate.runner import DemoShop
from controlroom.simulate.scenarios import Scenario, SkuSpec
from tests.conftest import LOOPBACK, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def keys(tmp_path):
    return ensure_demo_keys(tmp_path / "keys")


def _session(shop, client_curve, log_path=None, **overrides):
    ev, rq = shop.endpoints
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq, **overrides})
    factory = None
    if log_path is not None:
        def factory(room):
            return SessionLog(log_path, room=room, settings=settings.to_dict(), app_version="test").start()
    return LiveSession(settings, curve=client_curve, log_factory=factory).start()


def _truth(model):
    return {s["sku"]: s["available"] for s in model.catalog}


def test_logged_events_reproduce_final_stock(tmp_path, keys):
    server_curve, client_curve = keys
    shop = DemoShop("evening-show", 4, speed=60, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK,
                    curve=server_curve).start()
    log_path = tmp_path / "session.sqlite"
    session = _session(shop, client_curve, log_path)
    try:
        assert wait_until(lambda: session.snapshot.orders > 50, 20)
        # The shop's clock is read about once a second; how far behind it the core is reaches the engine's
        # reserve and the screens' feed status (tests/test_feed_clock.py, tests/test_freeze_behind.py).
        assert wait_until(lambda: session.feed.clock_answers >= 1 and session.snapshot.feed.behind_s is not None, 10)
        assert wait_until(lambda: session.engine.room.behind == min(session.feed.behind_s, 60.0), 5)
        shop.hold()
        assert wait_until(lambda: session.feed.seq >= shop.model.stamper.seq - 2
                          and session.feed.mirror.available() == _truth(shop.model), 10)
        final = _truth(shop.model)
    finally:
        session.stop()
        shop.stop()
    with open_log(log_path) as r:
        assert r.count("events") > 100 and r.count("samples") > 0
        mirror = StockMirror()
        for kind, payload in r.iter_stream():
            if kind == "snapshot":
                mirror.reset(payload)
            else:
                for ev in payload:
                    mirror.apply(ev)
        assert mirror.available() == final
        assert r.session()["ended_at"] is not None


def _flash_scenario():
    # One traffic driver with a small lot and a burst of demand: it would sell out in ~40 shop seconds.
    skus = [SkuSpec(sku="HOT1", name="秒杀 面膜", tier="traffic_driver", price_cents=990, stock=600,
                    base_rate=60.0, feature_rate=0.0, flashes=[(20.0, 120.0, 15.0)]),
            SkuSpec(sku="PF01", name="精华液", tier="profit", price_cents=12900, stock=5000, base_rate=6.0,
                    feature_rate=0.0)]
    return Scenario("flash-test", "demo-flash-test", 300.0, skus, featured=[(15.0, 200.0, "HOT1")],
                    viewers_base=20_000, viewers_peak=20_000, ramp_s=1.0)


def test_auto_freeze_stops_overselling_live(keys):
    server_curve, client_curve = keys
    model = ShopModel(_flash_scenario(), seed=1, lag_s=2.0)
    shop = DemoShop(model=model, speed=8, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK,
                    curve=server_curve).start()
    session = _session(shop, client_curve)
    try:
        assert wait_until(lambda: bool(model.frozen[model.index["HOT1"]]), 40), session.snapshot.skus
        cmds = session.snapshot.commands
        assert wait_until(lambda: any(c.origin == "auto" and c.op == "freeze" and c.sku == "HOT1"
                                      and c.state == "acked" for c in session.snapshot.commands), 5), cmds
        time.sleep(0.5)  # orders already in flight land (the storefront lags 2 shop seconds)
        assert model.books.oversold.get("HOT1", 0) == 0
        assert model.available[model.index["HOT1"]] > 0  # frozen before running dry
        row = next(s for s in session.snapshot.skus if s.sku == "HOT1")
        assert row.frozen
        # The operator sees why: a critical alert on HOT1.
        assert any(t.sku == "HOT1" and t.level == "critical" for t in session.transitions)
    finally:
        session.stop()
        shop.stop()


@pytest.fixture
def steady(keys):
    """A live session over CURVE on the steady demo show: (shop, session)."""
    server_curve, client_curve = keys
    shop = DemoShop("steady", 2, speed=5, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK,
                    curve=server_curve).start()
    session = _session(shop, client_curve)
    try:
        assert wait_until(lambda: session.feed.state == "live", 10)
        yield shop, session
    finally:
        session.stop()
        shop.stop()


def test_operator_intents_reach_the_shop(steady):
    shop, session = steady
    i = shop.model.index["ST03"]
    before = int(shop.model.available[i])
    session.command("restock", "ST03", qty=250, by="小王")
    session.command("freeze", "ST05", by="小王")
    assert wait_until(lambda: bool(shop.model.frozen[shop.model.index["ST05"]]), 5)
    assert wait_until(lambda: int(shop.model.available[i]) >= before + 250 - 20, 5)
    assert wait_until(lambda: sum(c.state == "acked" for c in session.snapshot.commands) == 2, 5)
    assert wait_until(lambda: {s.sku: s for s in session.snapshot.skus}["ST05"].frozen, 5)
    assert len(session.snapshot.skus) == len(shop.model.catalog) == 10  # every SKU listed
    assert {c.by for c in session.snapshot.commands} == {"小王"}


def test_front_busy_yields_but_never_starves_the_core(steady):
    # The desk says "redrawing" and then never "done": the core stands back, but only for a bounded time.
    shop, session = steady
    session.front_busy(True)
    assert wait_until(lambda: session.front_yields > 0, 2)
    v0 = session.snapshot.version
    assert wait_until(lambda: session.snapshot.version >= v0 + 3, 5)
    session.front_busy(True)
    session.command("freeze", "ST05", by="t")
    assert wait_until(lambda: bool(shop.model.frozen[shop.model.index["ST05"]]), 5)
    session.front_busy(False)
    yields = session.front_yields
    time.sleep(0.2)
    assert session.front_yields == yields  # released: no more yielding


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_simulate_and_headless_engine_agree_on_every_sku(tmp_path):
    """The README's two-terminal check, as two real processes (CURVE on, demo keys)."""
    ev, rq = f"tcp://127.0.0.1:{_free_port()}", f"tcp://127.0.0.1:{_free_port()}"
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    cr = [sys.executable, "-m", "controlroom.cli"]
    sim = subprocess.Popen(cr + ["simulate", "--speed", "30", "--show-seconds", "240", "--linger", "30",
                                 "--events", ev, "--requests", rq, "--quiet"],
                           stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        # The engine also publishes the room's state stream: on free ports, not the default 7711 (tests run in parallel).
        st = [f"tcp://127.0.0.1:{_free_port()}", f"tcp://127.0.0.1:{_free_port()}"]
        eng = subprocess.run(cr + ["engine", "--headless", "--duration", "13", "--events", ev, "--requests", rq,
                                   "--state-endpoint", st[0], "--state-router", st[1]],
                             capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
        assert eng.returncode == 0, eng.stderr
        lines = eng.stdout.strip().splitlines()
        assert sum(line.startswith("[") for line in lines) >= 10  # a line per second
        engine_final = json.loads(lines[-1])
    finally:
        sim.terminate()
        out, _ = sim.communicate(timeout=10)
    shop_final = json.loads([x for x in out.splitlines() if x.startswith("{")][0])
    assert engine_final["available"] == shop_final["available"]
    assert engine_final["events"]["order"] > 50
    assert engine_final["rejects"] == {}
    assert os.path.exists(engine_final["log"])
