"""The room list (rooms.toml): typed, validated with errors that name the room and the field; headlines; lost sales."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from controlroom.live.lost import SURGE_HOLD_S, LostSalesMeter
from controlroom.rooms.headline import headline
from controlroom.rooms.roomlist import (RoomListError, format_room_list, load_room_list, parse_room_list,
                                        router_for)
from controlroom.security.keys import generate_keys
from controlroom.state import schema as s
from controlroom.state.view import AlertView, FeedView, SkuView, ViewSnapshot

GOOD = """
client_key = "keys/me.key_secret"

[[room]]
name = "room-a"
title = "Room A"
state = "tcp://127.0.0.1:7711"
server_key = "keys/a.key"

[[room]]
name = "room-b"
state = "tcp://10.0.0.5:7721"
router = "tcp://10.0.0.5:7730"
insecure = true
"""


def test_a_good_list_reads_back_typed(tmp_path):
    generate_keys(tmp_path / "keys", "me")
    generate_keys(tmp_path / "keys", "a")
    f = tmp_path / "rooms.toml"
    f.write_text(GOOD, encoding="utf-8")
    a, b = load_room_list(f)
    assert (a.name, a.label, a.state, a.router) == ("room-a", "Room A", "tcp://127.0.0.1:7711", "tcp://127.0.0.1:7712")
    assert a.server_key == tmp_path / "keys/a.key" and a.client_key == tmp_path / "keys/me.key_secret"
    server, pub, sec = a.curve()
    assert len(server) == len(pub) == len(sec) == 40
    assert (b.label, b.router, b.insecure, b.curve()) == ("room-b", "tcp://10.0.0.5:7730", True, None)
    # written and read again: the same rooms
    assert parse_room_list(format_room_list([a, b]), "x", tmp_path) == [a, b]


def test_default_file_is_in_the_settings_folder_and_may_be_missing(tmp_path, monkeypatch):
    monkeypatch.delenv("CONTROLROOM_ROOMS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    from controlroom.rooms.roomlist import default_rooms_path

    assert default_rooms_path() == tmp_path / "cfg" / "controlroom" / "rooms.toml"
    assert load_room_list() == []
    with pytest.raises(RoomListError, match="no such room list"):
        load_room_list(tmp_path / "nope.toml")


@pytest.mark.parametrize("text, message", [
    ("[[room]]\nname = 'a'\nstate = 'tcp://h:1'\nserver_key = 'k'\n", "room 1 ('a'): no client_key"),
    ("[[room]]\nname = 'a'\n", "room 1 ('a'): state is missing"),
    ("[[room]]\nstate = 'tcp://h:1'\n", "room 1: name is missing"),
    ("[[room]]\nname = 'a'\nstate = 'http://h:1'\ninsecure = true\n", "room 1 ('a'): state: not a ZeroMQ endpoint"),
    ("[[room]]\nname = 'a'\nstate = 'tcp://h:99999'\ninsecure = true\n", "port 99999 is outside"),
    ("[[room]]\nname = 'a'\nstate = 'tcp://*:7711'\ninsecure = true\n", "a screen connects to a host"),
    ("[[room]]\nname = 'a'\nstate = 'tcp://h:1'\ninsecure = 'yes'\n", "insecure must be true or false"),
    ("[[room]]\nname = 'a'\nstate = 'tcp://h:1'\nsever_key = 'k'\n", "unknown key(s) sever_key"),
    ("[[room]]\nname = 'a'\nstate = 'tcp://h:1'\ninsecure = true\n[[room]]\nname = 'a'\nstate = 'tcp://h:3'\n"
     "insecure = true\n", "room 2 ('a'): the name 'a' is already room 1"),
    ("[[room]]\nname = 'a'\nstate = 'tcp://h:1'\nserver_key = 'k'\nclient_key = 'c'\n", None),
    ("rooms = 3\n", "unknown key(s) rooms"),
    ("[[room]\n", "not valid TOML"),
    ("[[room]]\nname = 'a'\nstate = 'udp://h:1'\ninsecure = true\n", "not a ZeroMQ endpoint"),
])
def test_mistakes_name_the_room_and_the_field(tmp_path, text, message):
    if message is None:  # valid, but its key files are missing: said when the room is opened
        [r] = parse_room_list(text, "rooms.toml", tmp_path)
        with pytest.raises(RoomListError, match="room 'a'"):
            r.curve()
        return
    with pytest.raises(RoomListError) as e:
        parse_room_list(text, "rooms.toml", tmp_path)
    assert str(e.value).startswith("rooms.toml") and message in str(e.value)


def test_router_is_the_next_port():
    assert router_for("tcp://[::1]:7711") == "tcp://[::1]:7712"


def _sku(sku, available, frozen=False, delisted=False):
    return SkuView(sku=sku, name=sku, tier="x", price_cents=100, available=available, frozen=frozen, delisted=delisted)


def test_headline_of_a_snapshot():
    alerts = (AlertView("k1", "A", "watch", "firing", 5.0, "slow"),
              AlertView("k2", "B", "critical", "firing", 9.0, "at safety stock"),
              AlertView("k3", "C", "feed", "pending", 1.0, "stale"))
    snap = ViewSnapshot(version=3, room="r", feed=FeedView(state="live"), alerts=alerts, lost_units=4.5,
                        lost_cents=450, skus=(_sku("A", 5, frozen=True), _sku("B", 0, frozen=True),
                                              _sku("C", 3, frozen=True, delisted=True), _sku("D", 9)))
    h = headline("r", "Room R", snap, "live", 0.1)
    assert (h.state, h.worst_level, h.worst_sku, h.firing, h.frozen_with_stock) == ("live", "critical", "B", 2, 1)
    assert (h.lost_units, h.lost_cents) == (4.5, 450)
    assert headline("r", "R", snap, "lost", 3.0).state == "lost"
    assert headline("r", "R", ViewSnapshot(), "connecting", 0.0).state == "connecting"


def test_lost_sales_follow_the_review_rule_and_travel_on_the_stream():
    m = LostSalesMeter()
    st = SimpleNamespace(available=10, frozen=False, delisted=False, sold=0, price_cents=250)
    ts = 1000.0
    for i in range(600):  # 10 minutes on sale, 20 units sold: average 2/min; the rate just before is 6/min
        st.sold = i * 20 // 600
        m.note_rate("A", 6.0, True)
        m.on_second(ts, {"A": st})
        ts += 1.0
    st.sold = 20
    st.available = 0
    m.note_rate("A", 0.0, False)  # a sold-out SKU's own rate falls: the meter keeps the one before
    for _ in range(601):  # 10 minutes sold out
        m.on_second(ts, {"A": st})
        ts += 1.0
    want = 6.0 * SURGE_HOLD_S / 60 + 2.0 * (600 - SURGE_HOLD_S) / 60  # = 40 units
    assert m.units == pytest.approx(want, rel=0.01)
    assert m.cents == pytest.approx(want * 250, rel=0.01)
    snap = ViewSnapshot(version=1, room="r", lost_units=round(m.units, 2), lost_cents=round(m.cents))
    frame = s.client_decoder().decode(s.encode(s.Snapshot(s.VERSION, "e", 1, s.room_to_wire(snap), ())))
    back = s.view_from_wire(frame.room, [])
    assert (back.lost_units, back.lost_cents) == (snap.lost_units, snap.lost_cents)


def test_lost_sales_reach_a_view_in_snapshots_and_deltas():
    """Over real loopback sockets: the figure in the first snapshot, then its change in a delta."""
    import time

    import zmq

    from controlroom.state.client import StateClient
    from controlroom.state.publisher import StatePublisher

    ctx = zmq.Context()
    pub = StatePublisher("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", insecure=True, ctx=ctx)
    client = StateClient(pub.pub_endpoint, pub.router_endpoint, ctx=ctx)
    try:
        sku = _sku("A", 3)
        seen = []
        for i, lost in enumerate((1.5, 1.5, 7.25)):
            snap = ViewSnapshot(version=i + 1, room="r", skus=(sku,), lost_units=lost, lost_cents=int(lost * 100))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and client.view.lost_units != lost:
                pub.publish(snap)
                pub.poll(10)
                client.receive()
            seen.append((client.view.lost_units, client.view.lost_cents))
        assert seen == [(1.5, 150), (1.5, 150), (7.25, 725)]
        assert pub.stats["deltas"] >= 2  # the change came as a delta, not only in the 1 s snapshot
    finally:
        client.close()
        pub.close()
        ctx.destroy(linger=0)
