"""A state-stream view that gets nothing says why in one line (socket monitor), on real loopback sockets.

Each case is its own cause: nothing listening, a CURVE view on a plaintext stream, the wrong server
key, and a stream speaking another version; and the line goes once a frame is accepted.
"""
import time

import pytest
import zmq

from controlroom.state import schema as S
from controlroom.state.client import StateClient
from tests.state_room import free_port


@pytest.fixture()
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


def _endpoints():
    return f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"


def _wait_line(client: StateClient, feed=None, timeout=15.0) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if feed is not None:
            feed()
        client.receive()
        if client.diagnosis:
            return client.diagnosis
        time.sleep(0.05)
    return None


def _client(ctx, pub, router, curve):
    return StateClient(pub, router, curve=curve, ctx=ctx)


def _curve_for(server_public):
    pub, sec = zmq.curve_keypair()
    return server_public, pub, sec


def test_nothing_listening(ctx, capsys):
    pub, router = _endpoints()
    c = _client(ctx, pub, router, _curve_for(zmq.curve_keypair()[0]))
    try:
        line = _wait_line(c)
        assert line and "nothing is listening" in line and pub in line, line
        assert c.health == "connecting"
        assert capsys.readouterr().err.count("nothing is listening") == 1  # said once on stderr
    finally:
        c.close()


def test_curve_view_on_a_plaintext_stream(ctx):
    pub, router = _endpoints()
    srv = ctx.socket(zmq.PUB)
    srv.bind(pub)
    c = _client(ctx, pub, router, _curve_for(zmq.curve_keypair()[0]))
    try:
        line = _wait_line(c, feed=lambda: srv.send(b"x"))
        assert line and "security mismatch" in line and "plaintext" in line, line
    finally:
        c.close()
        srv.close(0)


def test_wrong_server_key(ctx):
    pub, router = _endpoints()
    srv = ctx.socket(zmq.PUB)
    spub, ssec = zmq.curve_keypair()
    srv.curve_server, srv.curve_secretkey, srv.curve_publickey = True, ssec, spub
    srv.bind(pub)
    c = _client(ctx, pub, router, _curve_for(zmq.curve_keypair()[0]))  # another server's public key
    try:
        line = _wait_line(c, feed=lambda: srv.send(b"x"))
        assert line and "key mismatch" in line and "keys pair" in line, line
    finally:
        c.close()
        srv.close(0)


def test_another_version_then_a_good_frame(ctx):
    pub, router = _endpoints()
    srv = ctx.socket(zmq.PUB)
    srv.bind(pub)
    c = _client(ctx, pub, router, None)  # an --insecure stream on loopback
    try:
        line = _wait_line(c, feed=lambda: srv.send(S.encode(S.Heartbeat(99, "e", 1, 0.0))))
        assert line and "version mismatch" in line and "99" in line, line
        # A frame of our version is accepted: the diagnosis is gone (the stream works).
        deadline = time.monotonic() + 10
        while c.diagnosis is not None and time.monotonic() < deadline:
            srv.send(S.encode(S.Heartbeat(S.VERSION, "e", 1, 0.0)))
            c.receive()
            time.sleep(0.05)
        assert c.diagnosis is None
    finally:
        c.close()
        srv.close(0)
