"""The host prompt on the state stream: a backward-compatible field of the room block, an operator-only op."""
import msgspec

from controlroom.state import schema as s
from controlroom.state.view import PromptView, SkuView, ViewSnapshot


def _snap(prompt=None) -> ViewSnapshot:
    return ViewSnapshot(version=3, ts=10.0, room="r", skus=(SkuView("A", "a", "hero", 100, 5, False),),
                        prompt=prompt)


def test_prompt_round_trips_through_the_wire():
    p = PromptView(id="p1", text="", by="ann", ts=9.5, preset="move_on", arg=7)
    frame = s.Snapshot(s.VERSION, "e", 1, s.room_to_wire(_snap(p)), (s.sku_to_wire(_snap().skus[0]),))
    got = s.client_decoder().decode(s.encode(frame))
    view = s.view_from_wire(got.room, [s.sku_from_wire(w) for w in got.skus])
    assert view.prompt == p
    assert s.view_from_wire(s.room_to_wire(_snap()), []).prompt is None


def test_a_v1_room_block_without_prompt_still_decodes():
    # A frame from an engine that predates the field: the room map simply lacks "prompt".
    room = msgspec.to_builtins(s.room_to_wire(_snap()))
    room.pop("prompt")
    data = msgspec.msgpack.encode({"t": "snapshot", "v": 1, "epoch": "e", "seq": 1, "room": room, "skus": []})
    assert s.client_decoder().decode(data).room.prompt is None


def test_a_receiver_that_predates_the_field_ignores_it():
    class OldRoom(msgspec.Struct):  # what a v1 receiver knew: no prompt field
        version: int
        room: str

    data = s.encode(s.room_to_wire(_snap(PromptView("p", "hi", "ann", 1.0))))
    assert msgspec.msgpack.decode(data, type=OldRoom).room == "r"


def test_prompt_is_an_operator_kind():
    assert "prompt" in s.OPERATOR_KINDS


def test_prompts_in_the_log_are_not_counted_as_commands_by_the_review():
    from controlroom.review.actions import actions_from_rows

    rows = [{"ts": 1.0, "sku": "A", "op": "prompt", "origin": "operator", "operator": "ann", "command_id": "p1",
             "ok": 1, "text": "hi"},
            {"ts": 2.0, "sku": "A", "op": "freeze", "origin": "operator", "operator": "ann", "command_id": "c1",
             "ok": 1},
            {"ts": 3.0, "sku": "A", "op": "prompt_clear", "origin": "operator", "operator": "ann", "ok": 1}]
    assert [a.op for a in actions_from_rows(rows)] == ["freeze"]
