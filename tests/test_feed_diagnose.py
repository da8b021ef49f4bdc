"""The feed's one-line diagnosis from the socket monitor, on real loopback sockets."""
import time

import pytest
import zmq

from controlroom.net.diagnose import ConnectionWatch


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


def _feed_until_diagnosis(fc, step, timeout_s=15.0):
    deadline = time.monotonic() + timeout_s
    while fc.diagnosis is None and time.monotonic() < deadline:
        step()
        fc.poll(20)
    return fc.diagnosis


def test_version_mismatch_from_a_real_feed(ctx, capsys):
    """A shop speaking another protocol version: every message is refused, and the feed says why."""
    import orjson

    from controlroom.feed.client import FeedClient

    pub, router = ctx.socket(zmq.PUB), ctx.socket(zmq.ROUTER)  # the ROUTER takes requests and never answers
    ep = f"tcp://127.0.0.1:{pub.bind_to_random_port('tcp://127.0.0.1')}"
    rep = f"tcp://127.0.0.1:{router.bind_to_random_port('tcp://127.0.0.1')}"
    fc = FeedClient(ep, rep, context=ctx)
    ev = {"v": 99, "epoch": "e1", "seq": 1, "ts": 1.0, "room": "r"}
    try:
        line = _feed_until_diagnosis(fc, lambda: pub.send_multipart([b"hb", orjson.dumps(ev)]))
    finally:
        fc.close()
    assert line is not None and "version mismatch" in line and "99" in line and "\n" not in line
    assert fc.rejects["bad_version"] > 0
    assert f"feed: {line}" in capsys.readouterr().err


def test_wrong_room_from_a_real_shop(capsys):
    """A real shop for another room: its snapshot and events are refused, and the feed says "wrong room"."""
    from controlroom.feed.client import FeedClient
    from controlroom.simulate.model import ShopModel
    from controlroom.shop.server import ShopServer

    model = ShopModel("evening-show", 3, start_ts=1_700_000_000.0)
    server = ShopServer(model, model.stamper, events_endpoint="tcp://127.0.0.1:*", requests_endpoint="tcp://127.0.0.1:*")
    fc = FeedClient(server.events_endpoint, server.requests_endpoint, room="not-" + model.room)

    def step():
        for topic, ev in model.step(0.5):
            server.pub.send_multipart([topic.encode(), __import__("orjson").dumps(ev)])
        server.poll(0)

    try:
        line = _feed_until_diagnosis(fc, step)
    finally:
        fc.close()
        server.close()
    assert line is not None and "wrong room" in line and model.room in line
    assert fc.rejects["other_room"] > 0 and fc.seq == 0
    assert f"feed: {line}" in capsys.readouterr().err


def test_watch_names_its_peer(ctx):
    """Reusable for the state stream: the peer's name and the key hint are the caller's."""
    p = ctx.socket(zmq.PUB)
    ep = f"tcp://127.0.0.1:{p.bind_to_random_port('tcp://127.0.0.1')}"
    s = _curve_sub(ctx, zmq.curve_keypair()[0])
    w = ConnectionWatch(s, ep, curve=True, quiet_s=0.5, peer="desk's state stream", key_hint="check keys pair")
    s.connect(ep)
    deadline = time.monotonic() + 10
    line = None
    while line is None and time.monotonic() < deadline:
        w.drain()
        time.sleep(0.05)
        line = w.diagnosis()
    w.close()
    s.close(0)
    assert "the desk's state stream is plaintext" in line
