"""The replay's column blocks, written by the session log writer as it writes the events (schema 5).

A replay from the log reads its events in blocks of :data:`BLOCK` ids; for a block of orders and
carts, SQLite builds one JSON array per column (:func:`~controlroom.log.blocks.fetch_block`), about
a microsecond an event, as much as the mirror and the engine together.  The writer holds the same
values as columns already (the feed's :class:`~controlroom.feed.batch.EventBatch`), so
:class:`BlockWriter` gathers them per block of ids and, when a block's last id is stored, writes
the block's row to ``event_blocks`` in the same transaction as its events: each run of 4 or more
orders or carts as columns, and every other event — other topics, and orders and carts in shorter
runs — as its raw JSON text, which the replay decodes into the dict it would have read from
``events``.  So a replay reads one row per block (:mod:`~controlroom.log.stored_blocks`) and gets
the same events in the same pieces as ``replay(..., batched=True)`` takes them from dicts (runs of
4 or more as columns, the rest one by one).  SQLite's own column query (``fetch_block``) reads a
block with any short run as dicts only, and a real show has short runs in nearly every block.

``events`` stays the record; a block row is only a faster way to read it.  A block with an order or
cart the columns cannot stand for (a field missing, a value SQLite would store differently), a row
stored on the writer's slow path, ids that do not follow, or the block a continued log starts in
gets no row, and the reader asks SQLite for it as before.  Only whole blocks
``(k * BLOCK, (k + 1) * BLOCK]`` get rows.
"""
from __future__ import annotations

import re
from itertools import repeat

import msgspec

from controlroom.feed.batch import EventBatch

__all__ = ["BLOCK", "BlockWriter", "EVENT_BLOCKS_DDL", "INSERT_BLOCK"]

BLOCK = 2048  # ids per block: LogReader.iter_event_blocks' default
_RUN = re.compile(r"o+|c+")
_LONG = 4  # the replay takes runs of at least this many orders or carts as columns (as feed_batch)
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
    item was stored on the fast path with ids ``first_id ...`` and the rows' raw JSON texts; it
    returns the rows of the blocks that item completed.  :meth:`broken` is called whenever stored
    ids may not follow (a slow path, a rolled-back transaction): the block under way gets no row.
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
        self._raw: list[str] = []  # every event's raw JSON text, in order (references, no copies)
        self._ts: list = []  # orders and carts
        self._sku: list = []
        self._oid: list = []  # orders
        self._qty: list = []
        self._price: list = []
        self._chan: list = []
        self._delta: list = []  # carts

    def broken(self) -> None:
        """Ids may no longer follow: no row for the block under way."""
        self._ok = False
        self._next = -1

    def add(self, batch, first_id: int, raws: list) -> list[tuple]:
        """The events of one stored EVENTS item (ids ``first_id`` on, ``raws`` their raw JSON texts);
        returns the rows of the blocks it finished."""
        n = len(batch)
        if first_id != self._next or len(raws) != n:  # ids we did not expect: wait for a boundary
            self._ok = False
            self._lo = (first_id - 1) - (first_id - 1) % self.block
            self._reset()
            if (first_id - 1) % self.block == 0 and len(raws) == n:
                self._ok = True
        out = []
        i = 0
        cur = first_id
        while i < n:
            k = min(n - i, self._lo + self.block - cur + 1)
            if self._ok:
                try:
                    self._take(batch, i, i + k)
                    self._raw += raws[i:i + k]
                except (TypeError, ValueError, KeyError, AttributeError):
                    self._ok = False
            i += k
            cur += k
            if cur - 1 == self._lo + self.block:  # the block's last id is stored
                if self._ok:
                    out.append(self._row())
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
        else:  # other topics only (traffic, stock, ...): their raw texts are all the block needs
            self._codes.append("." * (b - a))

    def _take_dict(self, e: dict) -> None:
        topic = e.get("topic")
        if topic == "order":
            # only values SQLite stores unchanged in its typed columns; anything else: no row
            vals = [e.get(k) for k in _ORDER_KEYS]
            for v, t in zip(vals, _ORDER_TYPES):
                if type(v) is bool or not isinstance(v, t) or (t is int and type(v) is not int):
                    raise TypeError("not a column value")
            if e.get("epoch") is None or e.get("seq") is None:
                raise ValueError("no envelope")
            self._codes.append("o")
            self._ts.append(vals[0])
            self._sku.append(vals[1])
            self._oid.append(vals[2])
            self._qty.append(vals[3])
            self._price.append(vals[4])
            self._chan.append(vals[5])
        elif topic == "cart":
            ts, sku, delta = e.get("ts"), e.get("sku"), e.get("delta")
            if type(ts) not in (int, float) or type(sku) is not str or type(delta) is not int:
                raise TypeError("not a column value")
            if e.get("epoch") is None or e.get("seq") is None:
                raise ValueError("no envelope")
            self._codes.append("c")
            self._ts.append(ts)
            self._sku.append(sku)
            self._delta.append(delta)
        else:
            self._codes.append(".")

    def _row(self) -> tuple:
        """The block's row: runs of 4 or more orders or carts as columns, every other event (short
        runs included) as its raw JSON text in one JSON array, in order."""
        codes = "".join(self._codes)
        raw = self._raw
        ts, sku, oid, qty, price, chan, delta = self._ts, self._sku, self._oid, self._qty, self._price, self._chan, self._delta
        c_ts: list = []
        c_sku: list = []
        c_oid: list = []
        c_qty: list = []
        c_price: list = []
        c_chan: list = []
        c_delta: list = []
        others: list[str] = []
        parts: list[str] = []
        pos = k = ko = kc = 0  # next event; its index among orders and carts, orders, carts
        for m in _RUN.finditer(codes):
            a, b = m.span()
            n = b - a
            if a > pos:
                parts.append("." * (a - pos))
                others += raw[pos:a]
            if n >= _LONG:
                parts.append(codes[a:b])
                c_ts += ts[k:k + n]
                c_sku += sku[k:k + n]
                if codes[a] == "o":
                    c_oid += oid[ko:ko + n]
                    c_qty += qty[ko:ko + n]
                    c_price += price[ko:ko + n]
                    c_chan += chan[ko:ko + n]
                else:
                    c_delta += delta[kc:kc + n]
            else:  # a short run: its events go as dicts, one by one
                parts.append("." * n)
                others += raw[a:b]
            k += n
            if codes[a] == "o":
                ko += n
            else:
                kc += n
            pos = b
        if pos < len(codes):
            parts.append("." * (len(codes) - pos))
            others += raw[pos:]
        lo = self._lo
        self.rows_written += 1
        return (lo, lo + self.block, _pack(("".join(parts), c_ts, c_sku, c_oid, c_qty, c_price, c_chan, c_delta,
                                            ("[" + ",".join(others) + "]") if others else None)))
