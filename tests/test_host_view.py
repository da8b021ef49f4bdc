"""The host view in its own process on a remote engine's state stream (real sockets, CURVE, session log).

A scripted show (bench.host_engine: the featured SKU H01 runs from plenty to sold out in about a
minute of shop time) runs in an engine process; ``controlroom host`` runs in another with a viewer
key and traces every painted frame.  Checked against the engine's session log, not against an
object both share: at every refresh the digits painted are the featured SKU's stock that the log
holds for the feed seq of that frame.  Frozen and sold-out banners and an operator prompt are
painted in the first frame that carries them; killing the engine covers the view with
"connection lost" within 2 s, and a restarted engine is shown again by the same view process.
"""
from __future__ import annotations

import re
import time

import pytest

from controlroom.feed.mirror import StockMirror
from controlroom.log import open_log
from controlroom.state.client import StateClient
from bench.host_harness import Engine, HostProcess, free_port_pair, make_keys

pytestmark = pytest.mark.timeout(240)


def _stock_by_seq(log_path, sku: str) -> list[tuple[int, int]]:
    """(feed seq, stock of ``sku`` after it) for every logged event, replayed through a real StockMirror."""
    out = []
    mirror = StockMirror()
    with open_log(log_path) as r:
        for kind, payload in r.iter_stream():
            if kind == "snapshot":
                mirror.reset(payload)
                out.append((int(payload["seq"]), mirror.available()[sku]))
            else:
                for ev in payload:
                    mirror.apply(ev)
                    out.append((int(ev["seq"]), mirror.available()[sku]))
        actions = r.actions()
    return out, actions


def _stock_at(history: list[tuple[int, int]], seq: int) -> int:
    got = None
    for s, n in history:
        if s > seq:
            break
        got = n
    assert got is not None, seq
    return got


def _number(text: str) -> int:
    return int(re.search(r"\d[\d,]*", text).group(0).replace(",", ""))


def _send(client: StateClient, kind: str, args: dict) -> None:
    rid = client.send_request(kind, args)
    end = time.monotonic() + 10
    while time.monotonic() < end and rid not in client.replies:
        client.receive()
        time.sleep(0.02)
    assert rid in client.replies and client.replies[rid].ok, client.replies.get(rid)


def test_host_view_follows_the_engine_and_survives_its_death(tmp_path):
    keys = make_keys(tmp_path)
    port = free_port_pair()
    log1 = tmp_path / "show1.sqlite"
    e1 = Engine(port, keys["engine"], log1)
    host = HostProcess(port, keys["host"])
    op = StateClient(e1.info["pub"], e1.info["router"], curve=keys["operator"])
    engines = [e1]
    try:
        assert host.wait_for(lambda x: x["health"] == "live" and x["sku"] == "H01", 30), host.lines[-3:]
        # An operator prompt, sent over the stream with the operator's key: painted in the first frame that has it.
        _send(op, "prompt", {"text": "Show the lid up close"})
        first = host.wait_for(lambda x: x["prompt_id"] is not None, 10)
        assert first and first["drawn"].get("prompt") == "Show the lid up close"
        assert first["drawn"]["prompt_who"] == "FROM ann"  # the key's name, not a field of the request
        # Freeze the featured SKU: the FROZEN banner comes with the first frame that says frozen.
        _send(op, "command", {"op": "freeze", "sku": "H01"})
        first = host.wait_for(lambda x: x["frozen"], 20)
        assert first and first["drawn"].get("banner") == "FROZEN"
        _send(op, "command", {"op": "unfreeze", "sku": "H01"})
        assert host.wait_for(lambda x: x["frozen"] is False, 20, since=first["t"])
        _send(op, "prompt", {"text": ""})  # cleared: the box goes
        cleared = host.wait_for(lambda x: x["prompt_id"] is None, 10, since=first["t"])
        assert cleared and ("prompt" not in cleared["drawn"] or cleared["auto_prompt"] is not None)
        # It sells out: SOLD OUT, with the automatic prompt to say so on air.
        first = host.wait_for(lambda x: x["available"] == 0, 90)
        assert first and first["drawn"].get("banner") == "SOLD OUT", first
        assert first["auto_prompt"] == "sold_out" and first["drawn"]["prompt_who"] == "SAY IT NOW"
        op.close()
        # A clean stop (the log is complete): connection lost covers the view.
        t_stop = e1.stop()
        lost = host.wait_for(lambda x: x["health"] == "lost", 10, since=t_stop)
        assert lost and set(lost["drawn"]) == {"lost", "lost_sub", "lost_age"}
        frames = [x for x in host.since(0) if x["t"] < t_stop and x["health"] == "live" and x["sku"] == "H01"]
        # The engine comes back on the same endpoints: the same view process shows it again.
        e2 = Engine(port, keys["engine"], None)
        engines.append(e2)
        t_back = time.time()
        back = host.wait_for(lambda x: x["health"] == "live" and "digits" in x["drawn"], 30, since=t_back)
        assert back, host.lines[-3:]
        # A crash: "connection lost" within 2 s of the kill.
        t_kill = e2.kill()
        lost = host.wait_for(lambda x: x["health"] == "lost", 10, since=t_kill)
        assert lost and lost["t"] - t_kill <= 2.0, lost and lost["t"] - t_kill
        print(f"connection lost painted {lost['t'] - t_kill:.2f} s after the kill")
        e3 = Engine(port, keys["engine"], None)
        engines.append(e3)
        assert host.wait_for(lambda x: x["health"] == "live", 30, since=time.time())
    finally:
        host.close()
        for e in engines:
            if e.proc.poll() is None:
                e.kill()
    # Every painted frame of the first show against the session log, at the feed seq it came from.
    history, actions = _stock_by_seq(log1, "H01")
    assert len(frames) > 20
    for x in frames:
        want = _stock_at(history, x["feed_seq"])
        d = x["drawn"]
        if not d:  # traced before the window was first exposed: no pixels to check
            continue
        if "digits" in d:
            assert _number(d["digits"]) == want, (x, want)
        elif d.get("banner") == "FROZEN":
            assert _number(d["banner_sub"]) == want, (x, want)
        else:
            assert d.get("banner") == "SOLD OUT" and want == 0, (x, want)
    assert any(x["drawn"].get("banner") == "SOLD OUT" for x in frames)
    assert len({x["feed_seq"] for x in frames}) > 20  # many different moments, not one frame repeated
    print(f"{len(frames)} frames checked against the log")
    prompts = [a for a in actions if a.get("op") == "prompt"]
    assert prompts and prompts[0]["operator"] == "ann" and prompts[0]["text"] == "Show the lid up close"
    assert any(a.get("op") == "prompt_clear" and a["operator"] == "ann" for a in actions)
