"""The state stream's schema: round trips, and every kind of bad frame rejected and counted."""
import pickle

import pytest

from controlroom.state import schema as s
from controlroom.state.view import AlertView, CommandView, EpisodeView, SkuView, ViewSnapshot


def _view() -> ViewSnapshot:
    skus = tuple(SkuView(f"S{i}", f"Sku {i}", "hero", 1999, 10 + i, i % 2 == 0, spark=(1.0, 2.0, float(i)),
                         sellout_s=None if i else 12.5) for i in range(5))
    return ViewSnapshot(version=7, ts=100.0, room="r", skus=skus,
                        alerts=(AlertView("k", "S1", "warning", "firing", 90.0, "low"),),
                        commands=(CommandView("c1", "freeze", "S1", None, "operator", "ann", "acked", 1.0),),
                        room_series=((1.0, 5, 2.0),), featured_periods=((1.0, None, "S1"),),
                        confirmations=({"id": "x", "qty": 2, "sku": "S1"},),
                        episodes=(EpisodeView("ep:S1:1", "S1", "warning", "firing", "available 10 below warning line 40",
                                              80.0, unsteady=True, alert_key="k", available=10, rate_per_min=3.5,
                                              threshold=40.0, level_changes=3),
                                  EpisodeView("ep:room:surge:2", None, "surge", "recovering", "room-wide surge",
                                              70.0, group=("S2", "S3"))))


def test_snapshot_round_trip_gives_the_same_view():
    v = _view()
    frame = s.Snapshot(s.VERSION, "ep", 3, s.room_to_wire(v), tuple(s.sku_to_wire(x) for x in v.skus))
    got = s.client_decoder().decode(s.encode(frame))
    assert s.view_from_wire(got.room, [s.sku_from_wire(x) for x in got.skus]) == v


@pytest.mark.parametrize("data,reason", [
    (pickle.dumps(("op", {"x": 1})), ("malformed", "schema")),
    (b"\x93\xff\x00garbage" * 3, ("malformed", "schema")),
    (b"", "malformed"),
    (s.encode(s.SnapshotRequest(s.VERSION))[:-1] + b"", "schema"),  # a request is not a server frame
    (s.encode(s.Heartbeat(s.VERSION + 1, "e", 1, 0.0)), "version"),
    (b"\x00" * (s.MAX_FRAME_BYTES + 1), "oversized"),
])
def test_client_decoder_rejects_and_counts(data, reason):
    dec = s.client_decoder()
    with pytest.raises(s.FrameRejected) as e:
        dec.decode(data)
    reasons = reason if isinstance(reason, tuple) else (reason,)
    assert str(e.value) in reasons and dec.rejected == 1 and set(dec.rejects) <= set(reasons)


def test_truncated_frame_is_rejected():
    v = _view()
    b = s.encode(s.Snapshot(s.VERSION, "ep", 3, s.room_to_wire(v), tuple(s.sku_to_wire(x) for x in v.skus)))
    dec = s.client_decoder()
    with pytest.raises(s.FrameRejected):
        dec.decode(b[: len(b) // 2])
    assert dec.rejected == 1


def test_server_decoder_takes_requests_only():
    dec = s.server_decoder()
    req = dec.decode(s.encode(s.OperatorRequest(s.VERSION, "r1", "ack", {"key": "k"})))
    assert req.kind == "ack" and req.args == {"key": "k"}
    with pytest.raises(s.FrameRejected):
        dec.decode(s.encode(s.Heartbeat(s.VERSION, "e", 1, 0.0)))
    with pytest.raises(s.FrameRejected):
        dec.decode(b"x" * (s.MAX_REQUEST_BYTES + 1))
    assert dec.rejects == {"schema": 1, "oversized": 1}


def test_episodes_travel_in_deltas_and_older_room_blocks_decode_without_them():
    # A delta that carries the episodes changes them; one that leaves them out (None) keeps them.
    v = _view()
    room = s.room_to_wire(v)
    assert len(room.episodes) == 2
    head = s.head_to_wire(v)
    new = (EpisodeView("ep:S1:1", "S1", "critical", "firing", "safety", 80.0, level_changes=4),)
    d = s.client_decoder().decode(s.encode(s.Delta(s.VERSION, "ep", 4, s.RoomDelta(
        **head, episodes=s.list_to_wire("episodes", new)), (), (), None)))
    merged = s.merge_room(room, d.room)
    assert s.list_from_wire("episodes", merged.episodes) == new
    d2 = s.client_decoder().decode(s.encode(s.Delta(s.VERSION, "ep", 5, s.RoomDelta(**head), (), (), None)))
    assert s.merge_room(merged, d2.room).episodes == merged.episodes
    # A core from before episodes: its room block has no "episodes" key and decodes as none.
    import msgspec
    old = msgspec.msgpack.decode(s.encode(room))
    del old["episodes"]
    back = msgspec.msgpack.Decoder(s.Room).decode(msgspec.msgpack.encode(old))
    assert back.episodes == ()
