"""The feed's one-line diagnosis from the socket monitor, on real loopback sockets."""
import time

import pytest
import zmq

from controlroom.feed.diagnose import ConnectionWatch


@pytest.fixture()
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


def _curve_sub(ctx, server_pub):
    s = ctx.socket(zmq.SUB)
    pub, sec = zmq.curve_keypair()
    s.curve_secretkey, s.curve_publickey, s.curve_serverkey = sec, pub, server_pub
    s.subscribe(b"")
    return s


def _diagnose(ctx, endpoint, server_pub, quiet_s=1.0):
    s = _curve_sub(ctx, server_pub)
    w = ConnectionWatch(s, endpoint, curve=True, quiet_s=quiet_s)
    s.connect(endpoint)
    deadline = time.monotonic() + 10
    line = None
    while line is None and time.monotonic() < deadline:
        w.drain()
        if s.poll(50):
            w.got_message()
        line = w.diagnosis()
    w.close()
    s.close(0)
    return line


def _curve_pub(ctx):
    pub, sec = zmq.curve_keypair()
    p = ctx.socket(zmq.PUB)
    p.curve_server, p.curve_secretkey, p.curve_publickey = True, sec, pub
    port = p.bind_to_random_port("tcp://127.0.0.1")
    return p, pub, f"tcp://127.0.0.1:{port}"


def test_wrong_key(ctx):
    _p, _pub, ep = _curve_pub(ctx)
    line = _diagnose(ctx, ep, zmq.curve_keypair()[0])
    assert "key mismatch" in line and "\n" not in line


def test_plaintext_shop(ctx):
    p = ctx.socket(zmq.PUB)
    ep = f"tcp://127.0.0.1:{p.bind_to_random_port('tcp://127.0.0.1')}"
    line = _diagnose(ctx, ep, zmq.curve_keypair()[0])
    assert "plaintext" in line and "\n" not in line


def test_nothing_listening(ctx):
    line = _diagnose(ctx, "tcp://127.0.0.1:1", zmq.curve_keypair()[0])  # port 1: nobody listens there
    assert "nothing is listening" in line


def test_right_key_is_connected_not_failed(ctx):
    _p, pub, ep = _curve_pub(ctx)
    line = _diagnose(ctx, ep, pub)
    assert "connected, but nothing arrived" in line


def test_three_messages_differ(ctx):
    _p, _pub, ep = _curve_pub(ctx)
    plain = ctx.socket(zmq.PUB)
    ep2 = f"tcp://127.0.0.1:{plain.bind_to_random_port('tcp://127.0.0.1')}"
    lines = {_diagnose(ctx, ep, zmq.curve_keypair()[0]).split(": ", 1)[1],
             _diagnose(ctx, ep2, zmq.curve_keypair()[0]).split(": ", 1)[1],
             _diagnose(ctx, "tcp://127.0.0.1:1", zmq.curve_keypair()[0]).split(": ", 1)[1]}
    assert len(lines) == 3
