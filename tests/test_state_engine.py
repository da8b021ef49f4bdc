"""`controlroom engine --headless` publishes the state stream: a real engine process, real sockets, real keys.

The demo shop runs in this process (CURVE, keys in a temporary folder); the engine is a
subprocess started the way a user would; views connect with the documented client API
(:class:`~controlroom.state.client.StateClient`, :mod:`controlroom.state.keys`).
"""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from controlroom.security.keys import generate_keys
from controlroom.state.server import StreamConfig, router_endpoint_for
from tests.state_room import ROOT, poll, room  # noqa: F401 (room is a fixture)

pytestmark = pytest.mark.timeout(120)


def test_headless_engine_publishes_to_paired_views_only(room):
    assert "state stream: PUB" in room["banner"] and "CURVE on" in room["banner"], room["banner"]
    shop, proc = room["shop"], room["proc"]
    viewer, op, stranger = room["client"]("hostview"), room["client"]("ann"), room["client"]("stranger")
    try:
        # A paired viewer gets the room: every SKU of the shop, the feed live, stock as the shop has it.
        assert poll(viewer, lambda: viewer.health == "live" and len(viewer.view.skus) == len(shop.model.catalog)
                    and viewer.view.feed.state == "live")
        assert {v.sku for v in viewer.view.skus} == {s["sku"] for s in shop.model.catalog}
        seq0 = viewer.seq
        assert poll(viewer, lambda: viewer.seq > seq0 + 5)  # deltas keep coming, in order
        shop.hold()
        time.sleep(1.0)
        truth = {s["sku"]: s["available"] for s in shop.model.catalog}
        assert poll(viewer, lambda: {v.sku: v.available for v in viewer.view.skus} == truth)
        # Histories on request.
        sku = viewer.view.skus[0].sku
        viewer.request_history([sku])
        assert poll(viewer, lambda: len(viewer.history(sku)[0]) > 0)
        # A viewer cannot command: refused, and the shop sees nothing.
        target = viewer.view.skus[-1].sku
        rid = viewer.send_request("command", {"op": "freeze", "sku": target})
        assert poll(viewer, lambda: rid in viewer.replies)
        assert viewer.replies[rid].ok is False and "refused" in viewer.replies[rid].error
        # The operator's command reaches the shop, recorded under the key's name (not a field it sent).
        rid = op.send_request("command", {"op": "freeze", "sku": target, "by": "mallory"})
        assert poll(op, lambda: rid in op.replies) and op.replies[rid].ok
        shop.hold(False)
        assert poll(op, lambda: any(c.sku == target and c.op == "freeze" and c.state == "acked"
                                    for c in op.view.commands))
        cmd = next(c for c in op.view.commands if c.sku == target and c.op == "freeze")
        assert cmd.by == "ann"
        assert shop.model.frozen[shop.model.index[target]]
        # A malformed operator request is refused with a reason, and the engine keeps serving.
        rid = op.send_request("snooze", {"key": "x"})
        assert poll(op, lambda: rid in op.replies) and op.replies[rid].ok is False
        # A key that is not on the allow-list receives nothing at all.
        assert not poll(stranger, lambda: stranger.frames > 0, timeout=2.0)
        assert proc.poll() is None
    finally:
        for c in (viewer, op, stranger):
            c.close()


def test_killed_engine_shows_connection_lost_within_2s(room):
    viewer = room["client"]("hostview")
    try:
        assert poll(viewer, lambda: viewer.health == "live")
        room["proc"].kill()
        t0 = time.monotonic()
        assert poll(viewer, lambda: viewer.health == "lost", timeout=10)
        # Measured from the kill; the client's own bound is LOST_AFTER_S (1.5 s) of silence.
        assert time.monotonic() - t0 <= 2.0
    finally:
        viewer.close()


def test_insecure_stream_is_loopback_only_and_read_only(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        StreamConfig("tcp://0.0.0.0:7711", insecure=True).check()
    assert router_endpoint_for("tcp://127.0.0.1:7711") == "tcp://127.0.0.1:7712"
    r = subprocess.run([sys.executable, "-m", "controlroom.cli", "engine", "--headless", "--insecure",
                        "--state-endpoint", "tcp://0.0.0.0:7711", "--duration", "1", "--no-log"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "loopback" in r.stderr and "Traceback" not in r.stderr
    # On loopback it runs, and says on start-up that it is insecure and read-only.
    from tests.state_room import free_port

    ep = f"tcp://127.0.0.1:{free_port()}"
    r = subprocess.run([sys.executable, "-m", "controlroom.cli", "engine", "--headless", "--insecure",
                        "--events", "tcp://127.0.0.1:9", "--requests", "tcp://127.0.0.1:9",
                        "--state-endpoint", ep, "--state-router", f"tcp://127.0.0.1:{free_port()}",
                        "--duration", "1", "--no-log", "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert f"state stream: PUB {ep}" in r.stdout and "INSECURE" in r.stdout and "loopback testing only" in r.stdout


def test_keys_pair_allows_a_new_view_on_a_running_engine_and_unpair_refuses_it(room, tmp_path):
    """`controlroom keys pair` while the engine runs: the new view connects; after `unpair` a new connection is refused."""
    kdir = room["keys"]
    pub, _ = generate_keys(tmp_path / "views", "late-view")

    def cli(*a):
        return subprocess.run([sys.executable, "-m", "controlroom.cli", "keys", *a], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)

    late = room["client"]("late-view")
    assert not poll(late, lambda: late.frames > 0, timeout=2.0)  # not yet paired: nothing
    late.close()
    r = cli("pair", str(kdir), str(pub), "--name", "late-view", "--role", "viewer")
    assert r.returncode == 0 and "allowed late-view as viewer" in r.stdout, r.stderr
    assert "late-view" in cli("clients", str(kdir)).stdout
    late = room["client"]("late-view")
    assert poll(late, lambda: late.health == "live" and len(late.view.skus) > 0)
    rid = late.send_request("ack", {"key": "x"})
    assert poll(late, lambda: rid in late.replies) and late.replies[rid].ok is False  # a viewer
    late.close()
    assert cli("unpair", str(kdir), str(pub)).returncode == 0
    again = room["client"]("late-view")
    assert not poll(again, lambda: again.frames > 0, timeout=2.0)
    again.close()
    assert cli("pair", str(kdir), "not-a-key", "--name", "x", "--role", "viewer").returncode == 1


def test_desk_with_state_endpoint_shares_its_stream_with_the_rooms_keys(tmp_path):
    """`controlroom desk --state-endpoint E --keys DIR`: the desk's core publishes at E with the room's key + allow-list."""
    from controlroom.cli import build_parser
    from controlroom.live.process import RemoteSession, build_desk_core
    from controlroom.security.keys import ensure_demo_keys
    from controlroom.settings import load_settings

    ensure_demo_keys(tmp_path / "k")
    args = build_parser().parse_args(["desk", "--keys", str(tmp_path / "k"), "--state-endpoint", "tcp://127.0.0.1:7811"])
    core = build_desk_core(load_settings(None, {}), None, args)
    assert isinstance(core, RemoteSession)
    assert core.share.endpoints() == ("tcp://127.0.0.1:7811", "tcp://127.0.0.1:7812")
    assert core.share.server_keys[0] == (tmp_path / "k" / "room" / "room.key").read_text().split('"')[1].encode()
    assert core.share.allow_file == str(tmp_path / "k" / "room" / "clients.toml")
    private = build_desk_core(load_settings(None, {}), None, build_parser().parse_args(["desk"]))
    assert private.share is None
