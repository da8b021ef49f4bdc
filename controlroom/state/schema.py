"""The state stream's wire schema: versioned msgspec Structs, and a decoder that never executes anything.

Every frame is one msgpack-encoded, tagged Struct (``"t"`` names the kind).  The
decoder checks, in this order: the byte size (:data:`MAX_FRAME_BYTES`, before
any parsing), that the bytes are msgpack of one known frame kind, that every
field has its declared type, and that ``v`` is :data:`VERSION`.  Anything else
raises :class:`FrameRejected` and is counted by :class:`Decoder` — a frame is
data, never code (no pickle, no eval).  See docs/state-protocol.md.
"""
from __future__ import annotations

import logging
from typing import Union

import msgspec

from controlroom.state.view import AlertView, CommandView, EpisodeView, FeedView, PromptView, SkuView, ViewSnapshot

log = logging.getLogger(__name__)

VERSION = 1
MAX_FRAME_BYTES = 4 * 1024 * 1024  # a full 500-SKU snapshot is well under 1 MB; 100 MB frames never get parsed
MAX_REQUEST_BYTES = 64 * 1024  # what a client may send


class Sku(msgspec.Struct, array_like=True, frozen=True):
    """One SKU (field order is the wire order; see SkuView for meanings)."""

    sku: str
    name: str
    tier: str
    price_cents: int
    available: int
    frozen: bool
    delisted: bool
    sold: int
    rate_per_min: float
    window_min: float
    predicted_sales: float
    predicted_hi: float
    sellout_s: float | None
    sellout_pessimistic_s: float | None
    warning_line: float
    safety_stock: float
    level: str
    cart_rate_per_min: float
    featured: bool
    spark: tuple[float, ...] | None  # None (deltas only): the same points as before


class Alert(msgspec.Struct, frozen=True):
    """One alert (see AlertView)."""

    key: str
    sku: str | None
    level: str
    state: str
    since_ts: float
    reason: str
    available: int | None = None
    rate_per_min: float | None = None
    predicted_sellout_s: float | None = None
    threshold: float | None = None
    acked: bool = False
    snoozed_until: float | None = None
    ended_ts: float | None = None


class Episode(msgspec.Struct, frozen=True):
    """One problem as the operator sees it (see EpisodeView): added after v1 shipped, as a room list
    with a default, so older frames decode as "no episodes" and older receivers skip the key."""

    id: str
    sku: str | None
    level: str
    state: str
    reason: str
    start_ts: float
    end_ts: float | None = None
    group: tuple[str, ...] = ()
    unsteady: bool = False
    alert_key: str | None = None
    available: int | None = None
    rate_per_min: float | None = None
    predicted_sellout_s: float | None = None
    threshold: float | None = None
    acked: bool = False
    level_changes: int = 0


class Command(msgspec.Struct, frozen=True):
    """One command's fate (see CommandView)."""

    id: str
    op: str
    sku: str
    qty: int | None
    origin: str
    by: str
    state: str
    created_ts: float
    rtt_ms: float | None = None
    error: str | None = None
    attempts: int = 0


class Feed(msgspec.Struct, frozen=True):
    """The shop feed's health (see FeedView)."""

    state: str = "connecting"
    epoch: str | None = None
    seq: int = 0
    last_gap: str | None = None
    last_drift: str | None = None
    drift: str | None = None
    restocks_seen: int = 0
    events: int = 0
    rejects: int = 0
    resyncs: int = 0
    gaps: int = 0
    last_message_age_s: float | None = None
    behind_s: float | None = None


class Prompt(msgspec.Struct, frozen=True):
    """The operator's prompt to the host (see PromptView)."""

    id: str
    text: str
    by: str
    ts: float
    preset: str | None = None
    arg: int | None = None


class Room(msgspec.Struct, frozen=True):
    """Everything in a ViewSnapshot except the SKUs (small; sent whole in every delta)."""

    version: int
    ts: float
    started_ts: float
    room: str
    viewers: int
    featured: str | None
    gmv_cents: int
    units: int
    orders: int
    feed: Feed
    command_channel: str
    alerts: tuple[Alert, ...]
    history: tuple[Alert, ...]
    commands: tuple[Command, ...]
    room_series: tuple[tuple[float, int, float], ...]
    featured_periods: tuple[tuple[float, float | None, str], ...]
    confirmations: tuple[dict[str, Union[str, int, float, bool, None]], ...]
    settings_version: int
    # Added after v1 shipped, with a default: a room block without it decodes as "no prompt", and a
    # receiver that predates it ignores the key (msgspec skips unknown map keys).
    prompt: Prompt | None = None
    lost_units: float = 0.0  # running lost-sales estimate (added in v1 with a default: older frames still decode)
    lost_cents: int = 0
    # Whether host views raise their own prompts at critical stock and sell-out ("host" among
    # notify.critical_channels); added with a default, so older frames decode as "yes".
    host_prompts: bool = True
    # Notification targets' status and latest notices (escalations, a target down); absent from older cores.
    notify: tuple[dict[str, Union[str, int, float, bool, None]], ...] = ()
    # Open episodes, most severe first (what the operator is shown); absent from older cores.
    episodes: tuple[Episode, ...] = ()


class RoomDelta(msgspec.Struct, frozen=True):
    """The room block of a delta: the small fields always; each list only when it changed (None = as before)."""

    version: int
    ts: float
    started_ts: float
    room: str
    viewers: int
    featured: str | None
    gmv_cents: int
    units: int
    orders: int
    feed: Feed
    command_channel: str
    settings_version: int
    lost_units: float = 0.0  # running lost-sales estimate (a small field: in every delta)
    lost_cents: int = 0
    host_prompts: bool = True
    alerts: tuple[Alert, ...] | None = None
    history: tuple[Alert, ...] | None = None
    commands: tuple[Command, ...] | None = None
    room_series: tuple[tuple[float, int, float], ...] | None = None
    featured_periods: tuple[tuple[float, float | None, str], ...] | None = None
    confirmations: tuple[dict[str, Union[str, int, float, bool, None]], ...] | None = None
    prompt: Prompt | None = None  # a small field, sent in every delta like the others: None = no prompt
    notify: tuple[dict[str, Union[str, int, float, bool, None]], ...] | None = None
    episodes: tuple[Episode, ...] | None = None


# The room block's lists: sent in a delta only when they changed.
ROOM_LISTS = ("alerts", "history", "commands", "room_series", "featured_periods", "confirmations", "notify",
              "episodes")
ROOM_HEAD = ("version", "ts", "started_ts", "room", "viewers", "featured", "gmv_cents", "units", "orders", "feed",
             "command_channel", "settings_version", "prompt", "lost_units", "lost_cents",
             "host_prompts")


# --- frames (server -> client on PUB or ROUTER) ------------------------------------------------------------
class Snapshot(msgspec.Struct, tag="snapshot", tag_field="t", frozen=True):
    """The whole state at ``seq``: every SKU, in the core's order (urgency first)."""

    v: int
    epoch: str
    seq: int
    room: Room
    skus: tuple[Sku, ...]


class Delta(msgspec.Struct, tag="delta", tag_field="t", frozen=True):
    """Changes from ``seq - 1`` to ``seq``: changed SKUs, removed SKUs, the SKU order, the room block's changes."""

    v: int
    epoch: str
    seq: int
    room: RoomDelta
    changed: tuple[Sku, ...]
    removed: tuple[str, ...]
    order: tuple[str, ...] | None  # None = unchanged


class Heartbeat(msgspec.Struct, tag="hb", tag_field="t", frozen=True):
    """Sent when nothing changed for a while: the stream is alive, at ``seq``."""

    v: int
    epoch: str
    seq: int
    ts: float


class History(msgspec.Struct, tag="history", tag_field="t", frozen=True):
    """One SKU's stock history (the chart): float64 arrays as raw little-endian bytes."""

    v: int
    sku: str
    ts: bytes
    available: bytes


class Reply(msgspec.Struct, tag="reply", tag_field="t", frozen=True):
    """The answer to an operator request: accepted or refused (with why)."""

    v: int
    rid: str
    ok: bool
    error: str | None = None


# --- requests (client -> server on the ROUTER) --------------------------------------------------------------
class SnapshotRequest(msgspec.Struct, tag="snapshot?", tag_field="t", frozen=True):
    """Send me a snapshot now (late joiner, seq gap)."""

    v: int


class HistoryRequest(msgspec.Struct, tag="history?", tag_field="t", frozen=True):
    """Send me these SKUs' histories (at most 64)."""

    v: int
    skus: tuple[str, ...]


class OperatorRequest(msgspec.Struct, tag="op", tag_field="t", frozen=True):
    """An operator intent.  ``kind``: command | ack | snooze | confirm | settings | prompt.  Needs the operator role."""

    v: int
    rid: str
    kind: str
    args: dict[str, Union[str, int, float, bool, None, dict]]


ServerFrame = Union[Snapshot, Delta, Heartbeat, History, Reply]
ClientFrame = Union[SnapshotRequest, HistoryRequest, OperatorRequest]
OPERATOR_KINDS = ("command", "ack", "snooze", "confirm", "settings", "prompt")


class FrameRejected(ValueError):
    """A frame refused by a :class:`Decoder`: ``str()`` is the reason; ``detail`` what was wrong."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


class Decoder:
    """Decodes one direction's frames and counts the rejects (by reason)."""

    def __init__(self, kinds, max_bytes: int, name: str = "state") -> None:
        self._dec = msgspec.msgpack.Decoder(kinds)
        self.max_bytes = max_bytes
        self.name = name
        self.rejects: dict[str, int] = {}

    @property
    def rejected(self) -> int:
        """How many frames were rejected so far."""
        return sum(self.rejects.values())

    def decode(self, data: bytes):
        """The frame in ``data``, or :class:`FrameRejected` (counted and logged)."""
        if len(data) > self.max_bytes:
            return self._reject("oversized", f"{len(data)} bytes")
        try:
            frame = self._dec.decode(data)
        except msgspec.ValidationError as e:
            return self._reject("schema", str(e))
        except msgspec.DecodeError as e:
            return self._reject("malformed", str(e))
        if frame.v != VERSION:
            return self._reject("version", f"v={frame.v}")
        return frame

    def _reject(self, reason: str, detail: str):
        self.rejects[reason] = self.rejects.get(reason, 0) + 1
        log.warning("%s: rejected a frame (%s: %s)", self.name, reason, detail[:200])
        raise FrameRejected(reason, detail)


def server_decoder() -> Decoder:
    """Decoder for what clients send (requests)."""
    return Decoder(ClientFrame, MAX_REQUEST_BYTES, "state server")


def client_decoder() -> Decoder:
    """Decoder for what the server sends (snapshots, deltas, histories, replies)."""
    return Decoder(ServerFrame, MAX_FRAME_BYTES, "state client")


_enc = msgspec.msgpack.Encoder()
_astuple = msgspec.structs.astuple


def encode(frame) -> bytes:
    """The wire bytes of one frame."""
    return _enc.encode(frame)


# --- ViewSnapshot <-> wire ------------------------------------------------------------------------------------
def sku_to_wire(v: SkuView) -> Sku:
    """The wire form of one SkuView."""
    return Sku(v.sku, v.name, v.tier, v.price_cents, v.available, v.frozen, v.delisted, v.sold, v.rate_per_min,
               v.window_min, v.predicted_sales, v.predicted_hi, v.sellout_s, v.sellout_pessimistic_s,
               v.warning_line, v.safety_stock, v.level, v.cart_rate_per_min, v.featured, tuple(v.spark))


def _sku_view_maker():
    """A SkuView from the wire tuple, its slots set directly (the wire fields are SkuView's, in order)."""
    import dataclasses

    names = tuple(f.name for f in dataclasses.fields(SkuView))
    if names != Sku.__struct_fields__ or hasattr(SkuView, "__post_init__"):  # checked at import, also under -O
        raise RuntimeError("the wire SKU and SkuView must keep the same fields in the same order")
    (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18,
     f19) = (SkuView.__dict__[n].__set__ for n in names)
    new = object.__new__

    def make(t, cls=SkuView):
        v = new(cls)
        f0(v, t[0]); f1(v, t[1]); f2(v, t[2]); f3(v, t[3]); f4(v, t[4]); f5(v, t[5]); f6(v, t[6])  # noqa: E702
        f7(v, t[7]); f8(v, t[8]); f9(v, t[9]); f10(v, t[10]); f11(v, t[11]); f12(v, t[12])  # noqa: E702
        f13(v, t[13]); f14(v, t[14]); f15(v, t[15]); f16(v, t[16]); f17(v, t[17]); f18(v, t[18])  # noqa: E702
        f19(v, t[19])
        return v

    return make


_new_sku_view = _sku_view_maker()


def sku_from_wire(s: Sku, old_spark: tuple = ()) -> SkuView:
    """The SkuView of one wire SKU (``old_spark`` stands in for a spark the frame left out)."""
    # A desk converts most of 500 SKUs on every refresh of a busy show: astuple runs in C, and the slots
    # are filled straight through their descriptors (frozen dataclass __init__ goes through
    # object.__setattr__ by name): about 3 us a SKU against 13 us for SkuView(*getattr per field).
    v = _new_sku_view(_astuple(s))
    if s.spark is None:
        object.__setattr__(v, "spark", old_spark)  # frozen, but nobody has seen it yet
    return v


def _alert(a) -> Alert:
    return Alert(**{k: getattr(a, k) for k in Alert.__struct_fields__})


def list_to_wire(name: str, value) -> tuple:
    """The wire form of one of the room block's lists (:data:`ROOM_LISTS`)."""
    if name in ("alerts", "history"):
        return tuple(_alert(a) for a in value)
    if name == "commands":
        return tuple(Command(**{k: getattr(c, k) for k in Command.__struct_fields__}) for c in value)
    if name in ("confirmations", "notify"):
        return tuple(dict(c) for c in value)
    if name == "episodes":
        return tuple(Episode(**{k: getattr(e, k) for k in Episode.__struct_fields__}) for e in value)
    return tuple(tuple(x) for x in value)  # room_series, featured_periods


def list_from_wire(name: str, value) -> tuple:
    """The view form of one of the room block's lists."""
    if name in ("alerts", "history"):
        return tuple(AlertView(**{k: getattr(a, k) for k in Alert.__struct_fields__}) for a in value)
    if name == "commands":
        return tuple(CommandView(**{k: getattr(c, k) for k in Command.__struct_fields__}) for c in value)
    if name == "episodes":
        return tuple(EpisodeView(**{k: getattr(e, k) for k in Episode.__struct_fields__}) for e in value)
    return value


def head_to_wire(s: ViewSnapshot) -> dict:
    """The room block's small fields (:data:`ROOM_HEAD`), wire form."""
    f = s.feed
    out = {k: getattr(s, k) for k in ROOM_HEAD}
    out["feed"] = Feed(**{k: getattr(f, k) for k in Feed.__struct_fields__})
    p = s.prompt
    out["prompt"] = None if p is None else Prompt(**{k: getattr(p, k) for k in Prompt.__struct_fields__})
    return out


def room_to_wire(s: ViewSnapshot) -> Room:
    """The room block of a snapshot."""
    return Room(**head_to_wire(s), **{k: list_to_wire(k, getattr(s, k)) for k in ROOM_LISTS})


def merge_room(old: Room, d: RoomDelta) -> Room:
    """The room block after a delta's changes."""
    return Room(**{k: getattr(d, k) for k in ROOM_HEAD},
                **{k: (getattr(old, k) if getattr(d, k) is None else getattr(d, k)) for k in ROOM_LISTS})


def view_from_parts(room: Room, skus, lists: dict) -> ViewSnapshot:
    """A ViewSnapshot from a room block, SkuViews (in order) and the room's lists already in view form."""
    r = room
    return ViewSnapshot(
        version=r.version, ts=r.ts, started_ts=r.started_ts, room=r.room, viewers=r.viewers, featured=r.featured,
        gmv_cents=r.gmv_cents, units=r.units, orders=r.orders,
        feed=FeedView(**{k: getattr(r.feed, k) for k in Feed.__struct_fields__}),
        command_channel=r.command_channel, skus=tuple(skus), settings_version=r.settings_version,
        prompt=None if r.prompt is None else PromptView(**{k: getattr(r.prompt, k) for k in Prompt.__struct_fields__}),
        lost_units=r.lost_units, lost_cents=r.lost_cents, host_prompts=r.host_prompts, **lists)


def view_from_wire(room: Room, skus) -> ViewSnapshot:
    """A ViewSnapshot from a room block and SkuViews (already converted, in order)."""
    return view_from_parts(room, skus, {k: list_from_wire(k, getattr(room, k)) for k in ROOM_LISTS})
