"""Protocol v1 validation: what is accepted and the reason for what is not."""
import orjson
import pytest

from controlroom.protocol import Reject, decode_payload, decode_topic, validate_command, validate_event


def base(**kw):
    ev = {"v": 1, "epoch": "e1", "seq": 1, "ts": 1700000000.5, "room": "r"}
    ev.update(kw)
    return ev


GOOD = {
    "order": base(order_id="o1", sku="A", qty=2, price_cents=990, channel="live"),
    "cancel": base(order_id="o1", sku="A", qty=1, reason="user"),
    "cart": base(sku="A", delta=-3),
    "traffic": base(viewers=100, entries=5, featured=None),
    "stock": base(sku="A", available=0, frozen=True),
    "hb": base(),
}


@pytest.mark.parametrize("topic", list(GOOD))
def test_good_events_validate_and_get_their_topic(topic):
    ev = validate_event(topic, dict(GOOD[topic]))
    assert ev["topic"] == topic


@pytest.mark.parametrize("topic,change,reason", [
    ("order", {"qty": 0}, "bad_qty"),
    ("order", {"qty": True}, "bad_qty"),
    ("order", {"qty": 1.0}, "bad_qty"),
    ("order", {"price_cents": -1}, "bad_value"),
    ("order", {"channel": "tv"}, "bad_value"),
    ("order", {"sku": ""}, "bad_type"),
    ("order", {"v": 2}, "bad_version"),
    ("order", {"v": True}, "bad_version"),
    ("order", {"seq": 0}, "bad_value"),
    ("order", {"seq": "1"}, "bad_type"),
    ("order", {"ts": "now"}, "bad_type"),
    ("cancel", {"qty": -2}, "bad_qty"),
    ("cart", {"delta": 1.5}, "bad_type"),
    ("traffic", {"viewers": -1}, "bad_value"),
    ("traffic", {"featured": 3}, "bad_type"),
    ("stock", {"frozen": 1}, "bad_type"),
    ("stock", {"available": -5}, "bad_value"),
])
def test_bad_fields_are_rejected_with_a_reason(topic, change, reason):
    ev = dict(GOOD[topic])
    ev.update(change)
    with pytest.raises(Reject) as e:
        validate_event(topic, ev)
    assert e.value.reason == reason


def test_missing_field_names_the_field():
    ev = dict(GOOD["order"])
    del ev["order_id"]
    with pytest.raises(Reject) as e:
        validate_event("order", ev)
    assert e.value.reason == "missing_field" and e.value.detail == "order_id"


def test_payload_decoding():
    assert decode_payload(orjson.dumps(GOOD["hb"])) == [GOOD["hb"]]
    assert len(decode_payload(orjson.dumps([GOOD["hb"], GOOD["hb"]]))) == 2
    for payload, reason in [(b"{", "not_json"), (b"\xff\xfe", "not_json"), (b"3", "not_object"),
                            (b"[]", "not_object"), (b" " * ((1 << 20) + 1), "oversize")]:
        with pytest.raises(Reject) as e:
            decode_payload(payload)
        assert e.value.reason == reason
    with pytest.raises(Reject) as e:
        decode_topic(b"orders")
    assert e.value.reason == "unknown_topic"


@pytest.mark.parametrize("req,text", [
    ({"op": "explode", "id": "1", "sku": "A"}, "unknown op"),
    ({"op": "freeze", "id": "1"}, "sku"),
    ({"op": "restock", "id": "1", "sku": "A", "qty": 0}, "qty"),
    ({"op": "exposure", "id": "1", "sku": "A", "weight": 1.5}, "weight"),
    ({"op": "freeze", "sku": "A"}, "id"),
])
def test_bad_commands_get_clear_errors(req, text):
    with pytest.raises(Reject) as e:
        validate_command(req)
    assert text in str(e.value)
