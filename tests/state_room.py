"""Shared by the state-stream tests: a demo shop (CURVE) and `controlroom engine --headless` publishing the stream."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
import zmq

from controlroom.security.keys import ensure_demo_keys, generate_keys
from controlroom.simulate.runner import DemoShop
from controlroom.state import keys as room_keys
from controlroom.state.client import StateClient
from tests.conftest import LOOPBACK

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(client: StateClient, pred, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        client.receive()
        if pred():
            return True
        time.sleep(0.02)
    client.receive()
    return bool(pred())


@pytest.fixture
def room(tmp_path):
    """Demo shop (CURVE) + `controlroom engine --headless --keys DIR` publishing the stream; paired views' keys."""
    kdir = tmp_path / "keys"
    server_curve, _ = ensure_demo_keys(kdir)
    shop = DemoShop("evening-show", 3, speed=20, events_endpoint=LOOPBACK, requests_endpoint=LOOPBACK,
                    curve=server_curve, linger_s=600).start()
    ev, rq = shop.endpoints
    # Views make their own pairs and the room's owner puts the public halves on the allow-list.
    views = tmp_path / "views"
    for name, role in (("ann", "operator"), ("hostview", "viewer")):
        pub, _ = generate_keys(views, name)
        room_keys.add_client(kdir, str(pub), name, role)
    generate_keys(views, "stranger")  # made, never paired
    pub_ep, router_ep = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    proc = subprocess.Popen([sys.executable, "-m", "controlroom.cli", "engine", "--headless", "--keys", str(kdir),
                             "--events", ev, "--requests", rq, "--state-endpoint", pub_ep, "--state-router", router_ep,
                             "--no-log", "--duration", "90"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    banner = ""
    for _ in range(10):  # the state stream's start-up line (the folders line may come first)
        banner = proc.stdout.readline()
        if "state stream:" in banner or not banner:
            break
    ctx = zmq.Context()

    def curve(name: str) -> tuple[bytes, bytes, bytes]:
        return room_keys.client_curve(views / f"{name}.key_secret", kdir / "room" / "room.key")

    def client(name: str) -> StateClient:
        return StateClient(pub_ep, router_ep, curve=curve(name), ctx=ctx)

    yield {"shop": shop, "proc": proc, "banner": banner, "client": client, "curve": curve, "keys": kdir, "views": views,
           "endpoints": (pub_ep, router_ep)}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shop.stop()
    ctx.destroy(linger=0)
