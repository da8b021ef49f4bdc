"""The state stream on real loopback sockets: CURVE roles, late joiners, gaps, slow views, lost connections."""
import pickle
import time

import pytest
import zmq

from controlroom.state import schema as s
from controlroom.state.auth import AllowList, StreamAuth
from controlroom.state.client import StateClient
from controlroom.state.publisher import StatePublisher
from controlroom.state.view import SkuView, ViewSnapshot


def _snap(version: int, n: int = 50) -> ViewSnapshot:
    # SKU i changes every i-th version: deltas carry only a few of them
    skus = tuple(SkuView(f"S{i}", f"Sku {i}", "hero", 100, 1000 - version // (i + 1), False,
                         spark=(float(i), float("nan"))) for i in range(n))
    return ViewSnapshot(version=version, ts=float(version), room="r", skus=skus)


def _wait(pred, client, timeout=5.0, pub=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pub is not None:
            pub.poll(0)
            pub.tick()
        client.receive()
        if pred():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def room():
    ctx = zmq.Context()
    srv_pub, srv_sec = zmq.curve_keypair()
    op_pub, op_sec = zmq.curve_keypair()
    vw_pub, vw_sec = zmq.curve_keypair()
    allow = AllowList()
    allow.add(op_pub.decode(), "ann", "operator")
    allow.add(vw_pub.decode(), "host-view", "viewer")
    auth = StreamAuth(ctx, srv_pub, srv_sec, allow)
    got = []
    pub = StatePublisher("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", auth=auth, ctx=ctx,
                         on_request=lambda kind, args, name: got.append((kind, args, name)),
                         history=lambda sku: ([1.0, 2.0], [5.0, 4.0]))
    keys = {"server": srv_pub, "operator": (op_pub, op_sec), "viewer": (vw_pub, vw_sec)}
    yield pub, keys, got, ctx
    pub.close()
    auth.stop()
    ctx.destroy(linger=0)


def _client(pub, keys, who, ctx):
    if who == "stranger":
        p, sec = zmq.curve_keypair()
    else:
        p, sec = keys[who]
    return StateClient(pub.pub_endpoint, pub.router_endpoint, curve=(keys["server"], p, sec), ctx=ctx)


def test_late_joiner_and_deltas_match_the_source(room):
    pub, keys, _, ctx = room
    for v in range(1, 30):
        pub.publish(_snap(v), now=v * 1.0)  # one delta per call (fake clock spaced > 50 ms)
    c = _client(pub, keys, "viewer", ctx)
    assert _wait(lambda: c.seq == pub.seq, c, pub=pub)
    assert [(x.sku, x.available, x.spark[0]) for x in c.view.skus] == \
        [(x.sku, x.available, x.spark[0]) for x in _snap(29).skus]
    for v in range(30, 60):
        pub.publish(_snap(v), now=v * 1.0)
    assert _wait(lambda: c.seq == pub.seq, c, pub=pub)
    assert [x.available for x in c.view.skus] == [x.available for x in _snap(59).skus]
    assert c.view.version == 59 and c.gaps == 0
    c.request_history(["S1"])
    assert _wait(lambda: len(c.history("S1")[0]) == 2, c, pub=pub)
    c.close()


def test_slow_view_converges_and_gap_resyncs(room):
    pub, keys, _, ctx = room
    c = _client(pub, keys, "viewer", ctx)
    assert _wait(lambda: c.seq >= 0, c, pub=pub)
    for v in range(1, 200):
        pub.publish(_snap(v), now=v * 1.0)
    time.sleep(0.3)  # a view busy for 300 ms: everything queued, nothing conflated
    assert _wait(lambda: c.seq == pub.seq, c, pub=pub)
    assert c.view.version == 199 and c.gaps == 0
    # A delta the view never got (a gap): it asks for a snapshot and is right again.
    pub.seq += 1
    pub.publish(_snap(300), now=400.0)
    assert _wait(lambda: c.seq == pub.seq and c.view.version == 300, c, pub=pub)
    assert c.gaps == 1
    c.close()


def test_viewer_cannot_command_operator_can_and_name_is_the_keys(room):
    pub, keys, got, ctx = room
    pub.publish(_snap(1))
    v = _client(pub, keys, "viewer", ctx)
    rid = v.send_request("command", {"op": "freeze", "sku": "S1", "by": "ann"})
    assert _wait(lambda: rid in v.replies, v, pub=pub)
    assert v.replies[rid].ok is False and got == [] and pub.refused == 1
    o = _client(pub, keys, "operator", ctx)
    rid = o.send_request("ack", {"key": "k1"})
    assert _wait(lambda: rid in o.replies, o, pub=pub)
    assert o.replies[rid].ok and got == [("ack", {"key": "k1"}, "ann")]
    v.close()
    o.close()


def test_unknown_key_receives_nothing(room):
    pub, keys, got, ctx = room
    pub.publish(_snap(1))
    c = _client(pub, keys, "stranger", ctx)
    rid = c.send_request("command", {"op": "freeze", "sku": "S1"})
    assert not _wait(lambda: c.frames > 0, c, timeout=1.5, pub=pub)
    assert got == [] and rid not in c.replies and c.health != "live"
    c.close()


def test_bad_frames_to_the_router_are_refused_and_counted(room):
    pub, keys, got, ctx = room
    pub.publish(_snap(1))
    p, sec = keys["operator"]
    raw = ctx.socket(zmq.DEALER)
    raw.curve_serverkey, raw.curve_publickey, raw.curve_secretkey = keys["server"], p, sec
    raw.connect(pub.router_endpoint)
    good = s.encode(s.OperatorRequest(s.VERSION, "r", "ack", {"key": "k"}))
    for bad in (pickle.dumps(("ack", {"key": "k"})), b"\x01\xfe" * 100, good[:-3], b"\x00" * (s.MAX_REQUEST_BYTES + 10)):
        raw.send(bad)
    c = _client(pub, keys, "viewer", ctx)
    end = time.monotonic() + 3
    while pub.decoder.rejected < 4 and time.monotonic() < end:
        pub.poll(50)
    assert pub.decoder.rejected == 4 and pub.decoder.rejects["oversized"] == 1 and got == []
    assert _wait(lambda: c.seq >= 0, c, pub=pub)  # still serving
    raw.close(0)
    c.close()


def test_connection_lost_after_silence(room):
    pub, keys, _, ctx = room
    pub.publish(_snap(1))
    c = _client(pub, keys, "viewer", ctx)
    assert _wait(lambda: c.health == "live", c, pub=pub)
    t0 = time.monotonic()
    assert _wait(lambda: c.health == "lost", c, timeout=3.0)  # the publisher is no longer ticked
    assert time.monotonic() - t0 < 2.0
    c.close()


def test_room_lists_travel_only_when_they_change(room):
    """Alerts, commands and the room series go out in a delta only when changed; the view keeps them otherwise."""
    import dataclasses

    from controlroom.state.view import AlertView

    pub, keys, _, ctx = room
    alerts = tuple(AlertView(f"S{i}:watch", f"S{i}", "watch", "firing", 1.0, "rate up") for i in range(100))
    series = tuple((float(t), 100, 2.0) for t in range(1800))
    base = dataclasses.replace(_snap(1), alerts=alerts, room_series=series)
    pub.publish(base, now=1.0)
    c = _client(pub, keys, "viewer", ctx)
    assert _wait(lambda: c.seq == pub.seq, c, pub=pub)
    b0 = pub.stats["bytes"]
    pub.publish(dataclasses.replace(_snap(2), alerts=tuple(alerts), room_series=tuple(series)), now=2.0)  # equal copies
    small = pub.stats["bytes"] - b0
    assert _wait(lambda: c.seq == pub.seq, c, pub=pub)
    assert c.view.alerts == alerts and c.view.room_series == series and small < 3000
    b0 = pub.stats["bytes"]
    pub.publish(dataclasses.replace(_snap(3), alerts=alerts[:50], room_series=series), now=3.0)
    assert pub.stats["bytes"] - b0 > small
    assert _wait(lambda: c.seq == pub.seq, c, pub=pub)
    assert c.view.alerts == alerts[:50] and c.view.room_series == series and c.gaps == 0
    c.close()
