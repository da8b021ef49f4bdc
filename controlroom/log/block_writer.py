"""The replay's column blocks, written by the session log writer as it writes the events (schema 5).

A replay from the log reads its events in blocks of :data:`BLOCK` ids; for a block of orders and
carts, SQLite builds one JSON array per column (:func:`~controlroom.log.blocks.fetch_block`), about
a microsecond an event, as much as the mirror and the engine together.  The writer holds the same
values as columns already (the feed's :class:`~controlroom.feed.batch.EventBatch`), so
:class:`BlockWriter` gathers them per block of ids and, when a block's last id is stored, writes
the block's row to ``event_blocks`` in the same transaction as its events: exactly what
``fetch_block`` would return for that block (the same codes and the same values in each column).
A replay then reads one row per block (:mod:`~controlroom.log.stored_blocks`).

``events`` stays the record; a block row is only a faster way to read it.  A block the columns
cannot stand for (a short run of orders, a value the scaled time cannot carry, an event without a
field, a row stored on the writer's slow path, ids that do not follow, the block a continued log
starts in) gets no row, and the reader asks SQLite for it as before.  Only whole blocks
``(k * BLOCK, (k + 1) * BLOCK]`` get rows.
"""
from __future__ import annotations

import re
from itertools import repeat
from operator import mul
import msgspec
import orjson

from controlroom.feed.batch import EventBatch

__all__ = ["BLOCK", "BlockWriter", "EVENT_BLOCKS_DDL", "INSERT_BLOCK"]

BLOCK = 2048  # ids per block: LogReader.iter_event_blocks' default
_TS_SCALE = float(1 << 30)  # as controlroom.log.blocks: shop times as integers ts * 2**30
_TS_MAX = float(1 << 62)  # SQLite's CAST(... AS INTEGER) clamps at 2**63; stay well inside
_LONG_RUN = re.compile(r"o{4,}|c{4,}")
# lo, hi and one MessagePack array: the codes (a letter per event: o order, c cart, . other), the
# columns of orders and carts (ts, sku), of orders (order_id, qty, price_cents, channel) and of carts
# (delta), and the other events' raw JSON as one JSON array (or nil).  MessagePack keeps every shop
# time's float exactly in 9 bytes (fetch_block's JSON needs the scaled integer, ~20) and costs one
# encoder call: about 35 bytes an event against ~60 as JSON text, which the writer's COMMITs feel.
EVENT_BLOCKS_DDL = ("CREATE TABLE IF NOT EXISTS event_blocks (lo INTEGER PRIMARY KEY, hi INTEGER NOT NULL, "
                    "data BLOB NOT NULL)")
INSERT_BLOCK = "INSERT OR REPLACE INTO event_blocks VALUES (?,?,?)"
_pack = msgspec.msgpack.Encoder().encode
_ORDER_KEYS = ("ts", "sku", "order_id", "qty", "price_cents", "channel")
_ORDER_TYPES = ((int, float), str, str, int, int, str)


class BlockWriter:
    """Gathers the events the writer stores into column blocks; see the module doc.

    ``top`` is the last event id already in the file.  :meth:`add` is called after each EVENTS
    item was stored on the fast path with ids ``first_id ...``; it returns the rows of the blocks
    that item completed.  :meth:`broken` is called whenever stored ids may not follow (a slow
    path, a rolled-back transaction): the block under way gets no row.
    """

    def __init__(self, top: int, block: int = BLOCK) -> None:
        self.block = block
        self._next = top + 1  # the id the next stored event should have
        self._lo = top - top % block
        self._ok = top % block == 0  # a block begun in an earlier segment gets no row
        self._reset()
        self.rows_written = 0

    def _reset(self) -> None:
        self._codes: list[str] = []
        self._ts: list = []
        self._sku: list = []
        self._oid: list = []
        self._qty: list = []
        self._price: list = []
        self._chan: list = []
        self._delta: list = []
        self._others: list[str] = []

    def broken(self) -> None:
        """Ids may no longer follow: no row for the block under way."""
        self._ok = False
        self._next = -1

    def add(self, batch, first_id: int) -> list[tuple]:
        """The events of one stored EVENTS item (ids ``first_id`` on); returns finished block rows."""
        n = len(batch)
        if first_id != self._next:  # after broken(), or ids we did not expect: wait for a boundary
            self._ok = False
            self._lo = (first_id - 1) - (first_id - 1) % self.block
            self._reset()
            if (first_id - 1) % self.block == 0:
                self._ok = True
        out = []
        i = 0
        cur = first_id
        while i < n:
            k = min(n - i, self._lo + self.block - cur + 1)
            if self._ok:
                try:
                    self._take(batch, i, i + k)
                except (TypeError, ValueError, KeyError, AttributeError):
                    self._ok = False
            i += k
            cur += k
            if cur - 1 == self._lo + self.block:  # the block's last id is stored
                if self._ok:
                    row = self._row()
                    if row is not None:
                        out.append(row)
                self._reset()
                self._lo += self.block
                self._ok = True
        self._next = cur
        return out

    def _take(self, batch, a: int, b: int) -> None:
        if type(batch) is EventBatch:
            c = batch.cols  # v, epoch, seq, ts, room, then order_id, sku, qty, price_cents, channel / sku, delta
            if batch.topic == "order":
                self._codes.append("o" * (b - a))
                self._ts += c[3][a:b]
                self._sku += c[6][a:b]
                self._oid += c[5][a:b]
                self._qty += c[7][a:b]
                self._price += c[8][a:b]
                self._chan += c[9][a:b]
            else:
                self._codes.append("c" * (b - a))
                self._ts += c[3][a:b]
                self._sku += c[5][a:b]
                self._delta += c[6][a:b]
            return
        part = batch[a:b]
        topics = set(map(dict.get, part, repeat("topic")))  # TypeError for anything but dicts
        if "order" in topics or "cart" in topics:
            for e in part:
                self._take_dict(e)
            return
        # Other topics only (traffic, stock, ...): their JSON is the events rows' raw text (orjson,
        # compact), so the array of the slice, brackets off, is those texts joined by commas.
        self._codes.append("." * (b - a))
        self._others.append(orjson.dumps(part)[1:-1].decode())

    def _take_dict(self, e) -> None:
        topic = e.get("topic") if type(e) is dict else None
        if topic == "order" or topic == "cart":
            # only values SQLite stores unchanged in its typed columns; anything else: no row
            if e.get("epoch") is None or e.get("seq") is None:
                raise ValueError("no envelope")
            if topic == "order":
                vals = [e.get(k) for k in _ORDER_KEYS]
                for v, t in zip(vals, _ORDER_TYPES):
                    if type(v) is bool or not isinstance(v, t) or (t is int and type(v) is not int):
                        raise TypeError("not a column value")
                self._codes.append("o")
                self._ts.append(vals[0])
                self._sku.append(vals[1])
                self._oid.append(vals[2])
                self._qty.append(vals[3])
                self._price.append(vals[4])
                self._chan.append(vals[5])
            else:
                ts, sku, delta = e.get("ts"), e.get("sku"), e.get("delta")
                if type(ts) not in (int, float) or type(sku) is not str or type(delta) is not int:
                    raise TypeError("not a column value")
                self._codes.append("c")
                self._ts.append(ts)
                self._sku.append(sku)
                self._delta.append(delta)
            return
        self._codes.append(".")
        # the same text the events row got (event_inserts.event_rows)
        self._others.append(orjson.dumps(e).decode())

    def _row(self) -> tuple | None:
        """The block's row, or None where fetch_block would not return columns either."""
        codes = "".join(self._codes)
        if len(codes) != self.block or not self._ts:
            return None
        rest = _LONG_RUN.sub("", codes)
        if "o" in rest or "c" in rest:
            return None  # a short run: the block is read as dicts
        scaled = list(map(mul, self._ts, repeat(_TS_SCALE)))
        if not all(map(float.is_integer, scaled)) or max(scaled) >= _TS_MAX or min(scaled) <= -_TS_MAX:
            return None
        lo = self._lo
        self.rows_written += 1
        others = ("[" + ",".join(self._others) + "]") if self._others else None
        return (lo, lo + self.block, _pack((codes, self._ts, self._sku, self._oid, self._qty, self._price,
                                            self._chan, self._delta, others)))
