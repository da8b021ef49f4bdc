"""A feed message of orders or cart changes as one batch: decoded into msgspec Structs, handed on as columns.

At peak the shop sends ``order`` and ``cart`` events in arrays of a hundred or more.  Turning
each into a ``dict`` (and the dicts back into columns for the mirror, the engine, the log and
its summary) cost more than everything else the feed client does.  :func:`decode_batch`
decodes such an array straight from the bytes into Structs whose fields carry the protocol's
rules (the same as ``protocol.validate_event``: types, ranges, non-empty strings, the literals),
and :class:`EventBatch` hands the consumers the columns, built once in C.  A message that does
not decode this way (one bad event, another shape) goes the feed client's per-event way, which
refuses each bad event alone with its reason.

Dicts are built only for a consumer that asks for them (:meth:`EventBatch.events`), and the log
gets each event's JSON text from one encoder call per batch (:meth:`EventBatch.raw_lines`).
"""
from __future__ import annotations

from functools import lru_cache
from itertools import repeat
from typing import Literal

import msgspec

from controlroom.protocol import MAX_PAYLOAD_BYTES, NonEmptyStr, Natural, Positive

__all__ = ["EventBatch", "decode_batch", "session_decoders", "BATCH_TOPICS"]


# Field order is the column layout of ``feed.validate.check_batch`` (envelope, then the topic's
# fields), which StockMirror.apply_columns, the engine and the log read by position.  The tag
# puts ``"topic"`` into the dicts and the JSON text made from a Struct, as the dict path has it.
class OrderRow(msgspec.Struct, gc=False, tag_field="topic", tag="order"):
    """One ``order`` event as it arrives (see docs/protocol.md)."""
    v: Literal[1]
    epoch: NonEmptyStr
    seq: Positive
    ts: int | float  # JSON has no NaN/Infinity: every number msgspec accepts here is finite
    room: NonEmptyStr
    order_id: NonEmptyStr
    sku: NonEmptyStr
    qty: Positive
    price_cents: Natural
    channel: Literal["live", "other"]


class CartRow(msgspec.Struct, gc=False, tag_field="topic", tag="cart"):
    """One ``cart`` event as it arrives."""
    v: Literal[1]
    epoch: NonEmptyStr
    seq: Positive
    ts: int | float
    room: NonEmptyStr
    sku: NonEmptyStr
    delta: int


BATCH_TOPICS = ("order", "cart")
_DECODERS = {"order": msgspec.json.Decoder(list[OrderRow]), "cart": msgspec.json.Decoder(list[CartRow])}
_ENCODER = msgspec.json.Encoder()
_astuple = msgspec.structs.astuple


MAX_LITERAL_SKUS = 20_000  # a catalogue larger than this is checked by the mirror, not while decoding


def session_decoders(epoch: object, room: object, skus) -> dict | None:
    """Decoders for one session (a snapshot's ``epoch``, ``room`` and catalogue): the batch Structs
    with ``v``, ``epoch``, ``room`` and ``sku`` as literals, so msgspec checks them while decoding.

    What a session decoder accepts is what :func:`decode_batch`'s accepts and whose epoch and room
    are the session's and whose SKUs are in its catalogue.  Why: every event of a peak batch
    carries the same epoch and room and one of a few hundred SKUs; as literals msgspec hands back
    the snapshot's own string objects (hashed once, compared by identity) instead of allocating
    three new strings per event that the feed client then hashes to check and count, and the
    epoch/room check costs nothing more.  ``None`` if the session cannot be put as literals (not
    non-empty strings, an empty or huge catalogue): the caller then uses :func:`decode_batch`
    and checks epoch and room itself."""
    if type(epoch) is not str or type(room) is not str or not epoch or not room:
        return None
    # Only what the protocol allows as a SKU can be a literal (the generic rule refuses the rest).
    cat = tuple(sorted(s for s in skus if type(s) is str and s))
    if not cat or len(cat) > MAX_LITERAL_SKUS:
        return None
    return _session_decoders(epoch, room, cat)


@lru_cache(maxsize=8)  # a resync to the same session reuses its decoders
def _session_decoders(epoch: str, room: str, cat: tuple) -> dict:
    e, r, sku = Literal[epoch], Literal[room], Literal[cat]
    env = [("v", Literal[1]), ("epoch", e), ("seq", Positive), ("ts", int | float), ("room", r)]
    order = msgspec.defstruct("SessionOrderRow", env + [
        ("order_id", NonEmptyStr), ("sku", sku), ("qty", Positive), ("price_cents", Natural),
        ("channel", Literal["live", "other"])], tag_field="topic", tag="order", gc=False)
    cart = msgspec.defstruct("SessionCartRow", env + [("sku", sku), ("delta", int)],
                             tag_field="topic", tag="cart", gc=False)
    return {"order": msgspec.json.Decoder(list[order]), "cart": msgspec.json.Decoder(list[cart])}


def decode_batch(topic: str, payload: bytes, decoders: dict | None = None) -> list | None:
    """The events of an ``order`` or ``cart`` array payload as Structs, all protocol-valid, or
    ``None`` (another topic, a single object, an empty array, anything invalid: the caller's
    per-event path then finds out what).  ``decoders``: a session's (:func:`session_decoders`),
    which also refuse another epoch, another room and a SKU not in the catalogue."""
    dec = (decoders or _DECODERS).get(topic)
    if dec is None or len(payload) > MAX_PAYLOAD_BYTES:
        return None
    try:
        items = dec.decode(payload)
    except msgspec.DecodeError:  # ValidationError is a DecodeError
        return None
    return items or None


class EventBatch:
    """Accepted events of one topic (``order`` or ``cart``) from one feed message, in seq order.

    ``cols`` holds one tuple per field in the Struct's field order (v, epoch, seq, ts, room, then
    the topic's fields: ``order_id, sku, qty, price_cents, channel`` or ``sku, delta``), the
    layout ``StockMirror.apply_columns`` and ``Engine.on_columns`` take.  Iterating a batch, or
    :meth:`events`, gives the same events as dicts with ``"topic"`` (built once, on first use),
    so a consumer written for lists of dicts still works.  Immutable once built.

    ``sums``: for an order batch the feed client's mirror took whole, the mirror's per-SKU sums of
    it, ``(orders, units, gross)`` (dicts by SKU; ``gross`` None when every order had the batch's
    first price), set by the feed client before it hands the batch on; else None.  The session
    log's summary reads them instead of counting the batch again.
    """

    __slots__ = ("topic", "items", "cols", "_events", "sums")

    def __init__(self, topic: str, items: list, cols: tuple | None = None) -> None:
        self.topic = topic
        self.items = items
        self.cols = cols if cols is not None else columns_of(items)
        self._events: list[dict] | None = None
        self.sums: tuple | None = None

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.events())

    def events(self) -> list[dict]:
        """The events as dicts (with ``"topic"``), as the per-event path hands them on."""
        if self._events is None:
            self._events = msgspec.to_builtins(self.items)
        return self._events

    def raw_lines(self) -> list[str]:
        """Each event's JSON text (with ``"topic"``), one encoder call for the whole batch."""
        # JSON text never holds a raw newline (it is escaped inside strings), so splitting the
        # newline-delimited output gives exactly one line per event.
        return _ENCODER.encode_lines(self.items).decode().split("\n")[:-1]

    def log_rows(self, received_at: float):
        """The session log's ``events`` rows (``schema.INSERT_SQL['events']`` order), lazily:
        ``executemany`` walks the columns in C, with no per-event Python code."""
        c = self.cols
        n = len(self.items)
        raw = self.raw_lines()
        if self.topic == "order":
            # epoch, seq, topic, ts, received_at, sku, qty, order_id, raw, price_cents, channel, delta
            return zip(c[1], c[2], repeat("order", n), c[3], repeat(received_at, n), c[6], c[7], c[5], raw,
                       c[8], c[9], repeat(None, n))
        # (each column of Nones its own iterator: zip takes one item from each per row)
        return zip(c[1], c[2], repeat("cart", n), c[3], repeat(received_at, n), c[5], repeat(None, n),
                   repeat(None, n), raw, repeat(None, n), repeat(None, n), c[6])


def columns_of(items: list) -> tuple:
    """The Structs' fields as columns (one tuple per field), transposed in C."""
    return tuple(zip(*map(_astuple, items)))
