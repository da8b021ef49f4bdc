"""Issue 12's must-show security tests, on real sockets: every port of the desk, its core and a headless engine.

To each port: a pickle payload (whose unpickling would create a marker file), random bytes, a
truncated frame and a 100 MB frame — as raw TCP, as a ZeroMQ peer without CURVE, as a peer with
an unknown key, and (where the test holds one) with an allowed key.  Each is refused and counted
(failed handshakes from the sockets' monitors, rejected frames from the decoder), nothing executes,
every process keeps serving.  Then strangers' sockets sit on every port while an operator commands:
they receive nothing.
"""
from __future__ import annotations

import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import time

import pytest
import zmq

from controlroom.live.process import RemoteSession
from controlroom.settings import load_settings
from controlroom.state import schema as s
from tests.state_room import ROOT, free_port, poll, room  # noqa: F401 (room is a fixture)

pytestmark = [pytest.mark.timeout(180),
              pytest.mark.skipif(not os.path.exists("/proc/self/net/tcp"), reason="needs /proc")]

HUNDRED_MB = 100 * 1024 * 1024


class _Evil:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # unpickling this creates the marker file
        return (open, (self.marker, "w"))


def payloads(marker) -> dict[str, bytes]:
    good = s.encode(s.OperatorRequest(s.VERSION, "r1", "command", {"op": "freeze", "sku": "X"}))
    return {"pickle": pickle.dumps(_Evil(str(marker))), "random": os.urandom(4096), "truncated": good[:-5],
            "100MB": b"\x00" * HUNDRED_MB}


def listening_ports(pid: int) -> set[int]:
    """TCP ports process ``pid`` listens on (its socket inodes matched against /proc/net/tcp*)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{name}") as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A" and parts[9] in inodes:  # 0A = LISTEN
                        ports.add(int(parts[1].rsplit(":", 1)[1], 16))
        except FileNotFoundError:
            pass
    return ports


def attack(port: int, data: dict[str, bytes], ctx: zmq.Context, allowed: tuple | None = None,
           server_key: bytes | None = None) -> dict[str, int]:
    """Send every payload to ``port`` every way we can; returns how many attempts of each kind were made."""
    made = {"raw": 0, "null": 0, "unknown_key": 0, "allowed": 0}
    for blob in data.values():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(blob)
                sock.recv(256)
        except OSError:  # the server hung up on us: what we want
            pass
        made["raw"] += 1
    sp, ss = zmq.curve_keypair()
    ways = [("null", None), ("unknown_key", (server_key or sp, sp, ss))]
    if allowed is not None:
        ways.append(("allowed", allowed))
    for way, curve in ways:
        for blob in data.values():
            d = ctx.socket(zmq.DEALER)
            d.setsockopt(zmq.LINGER, 0)
            if curve is not None:
                d.curve_serverkey, d.curve_publickey, d.curve_secretkey = curve
            d.connect(f"tcp://127.0.0.1:{port}")
            try:
                d.send(blob, zmq.NOBLOCK)
            except zmq.Again:
                pass
            time.sleep(0.3)
            d.close(0)
            made[way] += 1
    return made


def strangers_receive_nothing(ports, ctx, command, secret: bytes) -> None:
    """Strangers' sockets on every port while ``command()`` runs: none gets a byte holding ``secret``."""
    socks, raws = [], []
    for port in ports:
        ep = f"tcp://127.0.0.1:{port}"
        for kind in (zmq.SUB, zmq.PULL, zmq.DEALER, zmq.ROUTER):
            for curve in (None, "unknown"):
                x = ctx.socket(kind)
                x.setsockopt(zmq.LINGER, 0)
                if kind == zmq.SUB:
                    x.setsockopt(zmq.SUBSCRIBE, b"")
                if curve:
                    sp, ss = zmq.curve_keypair()
                    x.curve_serverkey, x.curve_publickey, x.curve_secretkey = sp, sp, ss
                x.connect(ep)
                socks.append(x)
        r = socket.create_connection(("127.0.0.1", port), timeout=5)
        r.settimeout(0.05)
        raws.append(r)
    time.sleep(0.5)
    command()
    end = time.monotonic() + 3
    got = []
    while time.monotonic() < end:
        for x in socks:
            try:
                got.append(x.recv(zmq.NOBLOCK))
            except zmq.ZMQError:
                pass
        for r in raws:
            try:
                b = r.recv(65536)
                if b:
                    got.append(b)
            except (socket.timeout, OSError):
                pass
        time.sleep(0.05)
    for x in socks:
        x.close(0)
    for r in raws:
        r.close()
    # A raw TCP peer may see the server's 64-byte ZMTP greeting (it names the mechanism, CURVE); nothing else.
    assert all(secret not in b for b in got) and sum(len(b) for b in got if b[:1] != b"\xff") == 0, got[:5]


def test_headless_engine_ports_refuse_and_count_everything(room, tmp_path):
    marker = tmp_path / "pwned"
    data = payloads(marker)
    proc, shop = room["proc"], room["shop"]
    pub_ep, router_ep = room["endpoints"]
    ports = listening_ports(proc.pid)
    assert ports == {int(pub_ep.rsplit(":", 1)[1]), int(router_ep.rsplit(":", 1)[1])}  # the stream is all it binds
    viewer, op = room["client"]("hostview"), room["client"]("ann")
    ctx = zmq.Context()
    try:
        assert poll(viewer, lambda: viewer.health == "live" and len(viewer.view.skus) > 0)
        viewer_keys = room["curve"]("hostview")
        made = [attack(p, data, ctx, allowed=viewer_keys, server_key=viewer_keys[0]) for p in sorted(ports)]
        assert not marker.exists() and proc.poll() is None
        assert poll(viewer, lambda: viewer.health == "live")
        sku = viewer.view.skus[-1].sku
        # Viewer tries to command: refused (and the engine logs it).
        rid = viewer.send_request("command", {"op": "freeze", "sku": sku})
        assert poll(viewer, lambda: rid in viewer.replies) and not viewer.replies[rid].ok
        # Strangers everywhere while the operator freezes a SKU: they receive nothing of it.
        target = viewer.view.skus[-2].sku

        def command():
            op.send_request("command", {"op": "freeze", "sku": target})
            assert poll(op, lambda: any(c.sku == target and c.state == "acked" for c in op.view.commands))

        strangers_receive_nothing(sorted(ports), ctx, command, target.encode())
        assert shop.model.frozen[shop.model.index[target]] and not shop.model.frozen[shop.model.index[sku]]
    finally:
        viewer.close()
        op.close()
        ctx.destroy(linger=0)
    proc.send_signal(signal.SIGINT)  # ends the run: its summary carries the stream's counters
    out, _ = proc.communicate(timeout=30)
    summary = json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])
    st = summary["stream"]
    raw = sum(m["raw"] for m in made)
    # Raw TCP and NULL-mechanism peers fail the handshake; unknown keys fail ZAP; allowed-key garbage reaches
    # the decoder (ROUTER) and is rejected, the 100 MB frame drops the connection before it is buffered.
    assert st["peers"]["handshake_failed"] >= raw + 2, st
    assert st["peers"]["auth_failed"] >= 2 and st["refused_keys"] >= 2, st
    assert sum(st["rejected"].values()) >= 2, st  # pickle, random and truncated on the ROUTER (some as schema)
    assert st["refused_ops"] >= 1
    assert "refused command request from hostview (viewer)" in out
    assert not marker.exists()


def test_desk_binds_nothing_and_its_core_refuses_and_counts_everything(tmp_path):
    marker = tmp_path / "pwned"
    data = payloads(marker)
    ev, rq = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    shop = subprocess.Popen([sys.executable, "-m", "controlroom.cli", "simulate", "--insecure", "--speed", "20",
                             "--events", ev, "--requests", rq, "--quiet", "--linger", "600"], cwd=ROOT,
                            stdout=subprocess.DEVNULL)
    before = listening_ports(os.getpid())
    settings = load_settings(None, {"feed.events_endpoint": ev, "feed.requests_endpoint": rq})
    rs = RemoteSession(settings, curve=None, operator="desk-op").start()
    ctx = zmq.Context()
    try:
        assert listening_ports(os.getpid()) - before == set()  # the desk has no port to attack at all
        end = time.monotonic() + 20
        while not rs.snapshot.skus and time.monotonic() < end:
            time.sleep(0.05)
        core_ports = listening_ports(rs.proc.pid)
        assert core_ports == {int(e.rsplit(":", 1)[1]) for e in rs.endpoints}
        desk_keys = rs.stream_curve
        # Unknown keys and no keys on both ports; the desk's own key (a compromised desk) on the ROUTER only.
        made = [attack(p, data, ctx, server_key=desk_keys[0]) for p in sorted(core_ports)]
        router_port = int(rs.endpoints[1].rsplit(":", 1)[1])
        attack(router_port, {k: v for k, v in data.items()}, ctx, allowed=desk_keys, server_key=desk_keys[0])
        assert not marker.exists() and rs.proc.poll() is None and rs.error is None
        version = rs.snapshot.version
        end = time.monotonic() + 10
        while rs.snapshot.version == version and time.monotonic() < end:
            time.sleep(0.05)
        assert rs.snapshot.version > version  # the desk still gets its state
        sku = rs.snapshot.skus[-1].sku

        def command():
            rs.command("freeze", sku)
            end = time.monotonic() + 10
            while not any(c.sku == sku and c.state == "acked" for c in rs.snapshot.commands):
                assert time.monotonic() < end
                time.sleep(0.05)

        strangers_receive_nothing(sorted(core_ports), ctx, command, sku.encode())
        time.sleep(1.5)  # the next status line carries the counters
        rs.receive()
        st = rs.info
        raw = sum(m["raw"] for m in made) + 4
        assert st["peers"]["handshake_failed"] >= raw + 2, st
        assert st["peers"]["auth_failed"] >= 2 and st["refused_keys"] >= 2, st
        assert sum(st["rejected"].values()) >= 2, st
        assert any(c.sku == sku and c.by == "desk-op" for c in rs.snapshot.commands)
    finally:
        rs.stop()
        ctx.destroy(linger=0)
        shop.terminate()
        shop.wait(10)
    assert rs.proc.returncode == 0 and not marker.exists()
