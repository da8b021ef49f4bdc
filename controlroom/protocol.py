"""Wire protocol v1: event and request schemas, validation and (de)coding.

This module is the contract between a shop system and the control room (see
``docs/protocol.md``).  The feed client decodes every message with
:func:`decode_valid` (msgspec checks every field while it decodes the bytes); a
message that fails goes through :func:`decode_payload` and :func:`validate_event`,
whose checks are written out per topic so each refusal names its reason.

A validated event is a plain ``dict`` (the decoded JSON object) with one extra
key, ``"topic"``, so the hot path never copies events into objects.
"""
from __future__ import annotations

import math
from typing import Annotated, Any, Iterable, Literal, NotRequired, TypedDict

import msgspec
import orjson

PROTOCOL_VERSION = 1
DEFAULT_EVENTS_ENDPOINT = "tcp://127.0.0.1:7701"
DEFAULT_REQUESTS_ENDPOINT = "tcp://127.0.0.1:7702"
MAX_PAYLOAD_BYTES = 1 << 20  # 1 MiB; larger payloads are rejected unread
HEARTBEAT_INTERVAL_S = 0.5  # the shop sends hb at least once a second; we send twice

TOPICS = ("order", "cancel", "cart", "traffic", "stock", "hb")
TOPIC_BYTES = {t.encode(): t for t in TOPICS}
CHANNELS = ("live", "other")

# Every reason a message or event can be refused, with the text shown in review.
REJECT_REASONS = {
    "bad_frames": "message is not exactly [topic, payload]",
    "unknown_topic": "topic is not one of order/cancel/cart/traffic/stock/hb",
    "oversize": "payload larger than 1 MiB",
    "not_json": "payload is not UTF-8 JSON",
    "not_object": "payload is not an event object or an array of them",
    "bad_version": "v is not 1",
    "missing_field": "a required field is absent",
    "bad_type": "a field has the wrong type",
    "bad_value": "a field has an out-of-range value",
    "bad_qty": "qty is not an integer >= 1",
    "other_room": "event belongs to another room",
    "unknown_sku": "SKU not in the catalogue",
    "duplicate": "order_id (or cancel for it) already counted",
}


class Reject(ValueError):
    """A message or event the control room refuses; ``reason`` is a key of REJECT_REASONS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _is_int(x: Any) -> bool:
    return type(x) is int  # bool is an int subclass and must not pass


def _is_num(x: Any) -> bool:
    t = type(x)
    return (t is float and math.isfinite(x)) or t is int


def _need(obj: dict, key: str) -> Any:
    try:
        return obj[key]
    except KeyError:
        raise Reject("missing_field", key) from None


def _str(obj: dict, key: str) -> str:
    v = _need(obj, key)
    if type(v) is not str or not v:
        raise Reject("bad_type", f"{key} must be a non-empty string")
    return v


def _int(obj: dict, key: str) -> int:
    v = _need(obj, key)
    if not _is_int(v):
        raise Reject("bad_type", f"{key} must be an integer")
    return v


def _qty(obj: dict) -> int:
    v = _need(obj, "qty")
    if not _is_int(v) or v < 1:
        raise Reject("bad_qty", repr(v)[:40])
    return v


def validate_event(topic: str, ev: Any) -> dict:
    """Check one decoded event object of ``topic``; return it with ``topic`` set.

    Raises :class:`Reject` with the first problem found.  Checks that need
    session state (room, known SKU, duplicates) are the feed client's job.
    """
    if type(ev) is not dict:
        raise Reject("not_object", type(ev).__name__)
    v = _need(ev, "v")
    if v != PROTOCOL_VERSION or not _is_int(v):
        raise Reject("bad_version", repr(v)[:20])
    _str(ev, "epoch")
    seq = _int(ev, "seq")
    if seq < 1:
        raise Reject("bad_value", "seq must be >= 1")
    if not _is_num(_need(ev, "ts")):
        raise Reject("bad_type", "ts must be a finite number")
    _str(ev, "room")
    if topic == "order":
        _str(ev, "order_id")
        _str(ev, "sku")
        _qty(ev)
        p = _int(ev, "price_cents")
        if p < 0:
            raise Reject("bad_value", "price_cents < 0")
        if _need(ev, "channel") not in CHANNELS:
            raise Reject("bad_value", "channel must be live or other")
    elif topic == "cancel":
        _str(ev, "order_id")
        _str(ev, "sku")
        _qty(ev)
        r = _need(ev, "reason")
        if type(r) is not str:
            raise Reject("bad_type", "reason must be a string")
    elif topic == "cart":
        _str(ev, "sku")
        _int(ev, "delta")
    elif topic == "traffic":
        if _int(ev, "viewers") < 0:
            raise Reject("bad_value", "viewers < 0")
        if _int(ev, "entries") < 0:
            raise Reject("bad_value", "entries < 0")
        f = _need(ev, "featured")
        if f is not None and (type(f) is not str or not f):
            raise Reject("bad_type", "featured must be a SKU string or null")
    elif topic == "stock":
        _str(ev, "sku")
        if _int(ev, "available") < 0:
            raise Reject("bad_value", "available < 0")
        if type(_need(ev, "frozen")) is not bool:
            raise Reject("bad_type", "frozen must be a boolean")
    elif topic != "hb":
        raise Reject("unknown_topic", topic)
    ev["topic"] = topic
    return ev


# --- compiled validation: the same checks, done by msgspec while it decodes the bytes -------------
# One TypedDict per topic mirrors validate_event's rules field by field (types, ranges, non-empty
# strings, the channel and version literals), so a payload that decodes is a list of valid
# event dicts — with no second pass in Python.  A payload that does not decode goes the
# per-event way (decode_payload + validate_event), which names the reason and keeps the good
# events of a batch.  Like orjson + validate_event, bools are not ints and 1.0 is not 1; unlike
# them, unknown extra fields are dropped while decoding (the protocol ignores them anyway).
_Str = Annotated[str, msgspec.Meta(min_length=1)]
_Pos = Annotated[int, msgspec.Meta(ge=1)]
_Nat = Annotated[int, msgspec.Meta(ge=0)]
NonEmptyStr, Positive, Natural = _Str, _Pos, _Nat  # the same rules for the feed's batch Structs


class _Envelope(TypedDict):
    v: Literal[1]
    epoch: _Str
    seq: _Pos
    ts: int | float  # JSON has no NaN/Infinity: every number msgspec accepts here is finite
    room: _Str


class OrderEvent(_Envelope):
    """``order`` as it arrives (see docs/protocol.md)."""
    order_id: _Str
    sku: _Str
    qty: _Pos
    price_cents: _Nat
    channel: Literal["live", "other"]


class CancelEvent(_Envelope):
    """``cancel`` as it arrives."""
    order_id: _Str
    sku: _Str
    qty: _Pos
    reason: str


class CartEvent(_Envelope):
    """``cart`` as it arrives."""
    sku: _Str
    delta: int


class TrafficEvent(_Envelope):
    """``traffic`` as it arrives."""
    viewers: _Nat
    entries: _Nat
    featured: _Str | None


class StockEvent(_Envelope):
    """``stock`` as it arrives (``delisted`` optional, any JSON value: read as a bool)."""
    sku: _Str
    available: _Nat
    frozen: bool
    delisted: NotRequired[Any]


class HbEvent(_Envelope):
    """``hb`` as it arrives."""


_DECODERS = {t: msgspec.json.Decoder(list[c] | c) for t, c in (
    ("order", OrderEvent), ("cancel", CancelEvent), ("cart", CartEvent), ("traffic", TrafficEvent),
    ("stock", StockEvent), ("hb", HbEvent))}


def decode_valid(topic: str, payload: bytes) -> list | None:
    """The payload's events, decoded and validated in one compiled pass, or ``None`` when any
    part of it is not valid (then :func:`decode_payload` + :func:`validate_event` find what).

    The dicts come without ``"topic"`` (the caller tags them).  Session checks (room, epoch,
    seq, known SKU, duplicates) stay the feed client's."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        return None
    try:
        evs = _DECODERS[topic].decode(payload)
    except (msgspec.DecodeError, KeyError):  # ValidationError is a DecodeError
        return None
    if type(evs) is dict:
        return [evs]
    return evs or None  # an empty array is refused, by the slow path


def decode_topic(frame: bytes) -> str:
    """Map a topic frame to its name or raise ``unknown_topic``."""
    t = TOPIC_BYTES.get(bytes(frame))
    if t is None:
        raise Reject("unknown_topic", bytes(frame[:32]).decode("utf-8", "replace"))
    return t


def decode_payload(payload: bytes) -> list:
    """Decode a payload frame into a list of (unvalidated) event objects."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise Reject("oversize", f"{len(payload)} bytes")
    try:
        obj = orjson.loads(payload)
    except orjson.JSONDecodeError as e:
        raise Reject("not_json", str(e)[:80]) from None
    if type(obj) is dict:
        return [obj]
    if type(obj) is list:
        if not obj:
            raise Reject("not_object", "empty array")
        return obj
    raise Reject("not_object", type(obj).__name__)


def encode_events(topic: str, events: Iterable[dict] | dict) -> list[bytes]:
    """Encode one event (dict) or a batch (list of dicts) as the two wire frames."""
    if isinstance(events, dict):
        return [topic.encode(), orjson.dumps(events)]
    return [topic.encode(), orjson.dumps(list(events))]


# --- requests on the ROUTER/DEALER socket -------------------------------------------------

REQUEST_OPS = ("snapshot", "clock", "freeze", "unfreeze", "restock", "exposure", "delist", "relist")
COMMAND_OPS = REQUEST_OPS[2:]


def encode_request(req: dict) -> bytes:
    """Encode one request object as its single JSON frame."""
    return orjson.dumps(req)


def decode_reply(frame: bytes) -> dict:
    """Decode a reply frame; raise :class:`Reject` if it is not a JSON object with an id."""
    try:
        obj = orjson.loads(frame)
    except orjson.JSONDecodeError as e:
        raise Reject("not_json", str(e)[:80]) from None
    if type(obj) is not dict or "id" not in obj or type(obj.get("ok")) is not bool:
        raise Reject("not_object", "reply must be an object with id and ok")
    return obj


def error_reply(req_id: Any, text: str) -> dict:
    """The standard ``ok:false`` reply."""
    return {"id": req_id if isinstance(req_id, str) else None, "ok": False, "error": text}


def validate_command(req: Any) -> dict:
    """Check a command request's shape (not whether its SKU exists); raise Reject with a clear text."""
    if type(req) is not dict:
        raise Reject("not_object", "request must be a JSON object")
    op = req.get("op")
    if op not in COMMAND_OPS:
        raise Reject("bad_value", f"unknown op {str(op)[:40]!r}")
    rid = req.get("id")
    if type(rid) is not str or not rid:
        raise Reject("missing_field", "id must be a non-empty string")
    sku = req.get("sku")
    if type(sku) is not str or not sku:
        raise Reject("missing_field", "sku must be a non-empty string")
    by = req.get("by", "")
    if type(by) is not str:
        raise Reject("bad_type", "by must be a string")
    if "deadline" in req and not _is_num(req["deadline"]):
        raise Reject("bad_type", "deadline must be a number (unix seconds)")
    if op == "restock":
        q = req.get("qty")
        if not _is_int(q) or q < 1:
            raise Reject("bad_qty", "restock qty must be an integer >= 1")
    elif op == "exposure":
        w = req.get("weight")
        if not _is_num(w) or not 0.0 <= w <= 1.0:
            raise Reject("bad_value", "exposure weight must be a number from 0.0 to 1.0")
    return req
