"""Blocks of the event log for replay: one SQLite aggregate per block of ids, as dicts or columns.

:func:`fetch_block` is the SQLite side of one block (run on the reader's prefetch thread:
SQLite releases the GIL while it reads); :class:`EventBlock` turns a column row into the
pieces ``Replayer`` takes (a ``ColumnRun`` per run of orders or carts, dicts for the rest).
:class:`~controlroom.log.reader.LogReader` drives both from ``iter_event_blocks``.
"""
from __future__ import annotations

import re
import sqlite3
from itertools import repeat
from operator import mul
from typing import Any, Iterator, Protocol

import orjson

from controlroom.log.columns import ColumnRun


class BatchSource(Protocol):
    """What a block needs of its reader: the events of an id range as dicts (the reader's slow path)."""

    def iter_event_batches(self, *args: Any, **kwargs: Any) -> Iterator[list[dict]]: ...


__all__ = ["EventBlock", "fetch_block", "BLOCK_SQL"]

# Shop times leave SQLite as integers ts * 2**30: SQLite 3.40 prints a REAL with 15 digits
# (not enough to give back the same float), and the product is exact (a power of two) and an
# exact integer for every unix-era time (their spacing is 2**-22 s or coarser).  A block with a
# time for which it is not (a test's ts of 0.1, say) is read as dicts instead.
_TS_SCALE = 1 << 30
_TS_UNSCALE = 1.0 / _TS_SCALE
_TSK = f"CAST(ts * {_TS_SCALE}.0 AS INTEGER)"
# Rows the columns cannot stand for: a time the scaling cannot carry, an event without the
# envelope the column layout names (epoch, seq; v and room come with them in every event the
# protocol accepts).  NULLs in the other fields show up as nulls in the column arrays.
_COLUMN_BAD = (f"sum(CASE WHEN topic = 'order' OR topic = 'cart' THEN NOT coalesce(ts * {_TS_SCALE}.0 = {_TSK}"
               " AND epoch IS NOT NULL AND seq IS NOT NULL, 0) ELSE 0 END)")
# The aggregates run straight on a walk of the table's rowid B-tree over the block's id range
# (NOT INDEXED: no index can change that walk), which visits rows in ascending id, so the
# joined values come in id order; an ordered subquery, as in BLOCK_SQL, states the order
# but copies every column of every row first and doubles SQLite's time (0.65 against 1.2 µs
# per event measured).  The walk runs backwards only under PRAGMA reverse_unordered_selects,
# a debugging switch: _fetch_block checks it.
_OC = "topic = 'order' OR topic = 'cart'"
_COLUMN_SQL = (
    f"SELECT count(*), count(raw), {_COLUMN_BAD}, "
    "group_concat(CASE topic WHEN 'order' THEN 'o' WHEN 'cart' THEN 'c' ELSE '.' END, ''), "
    # one JSON array per column (cheaper to decode than one per row, and no transposing);
    # json_group_array writes a NULL as null, which sends the block down the dict path
    f"json_group_array({_TSK}) FILTER (WHERE {_OC}), "
    f"json_group_array(sku) FILTER (WHERE {_OC}), "
    "json_group_array(order_id) FILTER (WHERE topic = 'order'), "
    "json_group_array(qty) FILTER (WHERE topic = 'order'), "
    "json_group_array(price_cents) FILTER (WHERE topic = 'order'), "
    "json_group_array(channel) FILTER (WHERE topic = 'order'), "
    "json_group_array(delta) FILTER (WHERE topic = 'cart'), "
    "'[' || group_concat(CASE WHEN topic IS NOT 'order' AND topic IS NOT 'cart' THEN raw END) || ']' "
    "FROM events NOT INDEXED WHERE id > ? AND id <= ?")
# SQLite joins a block of rows' raw JSON into one JSON array (in id order: the ordered subquery
# is not flattened into the aggregate), returned as bytes; count(raw) < count(*) means a row
# without raw JSON, which the per-row path reports.
BLOCK_SQL = ("SELECT CAST('[' || group_concat(raw, ',') || ']' AS BLOB), count(*), count(raw) "
              "FROM (SELECT raw FROM events WHERE id > ? AND id <= ? ORDER BY id)")
_LONG_RUN = re.compile(r"o{4,}|c{4,}")  # what feed_batch takes as columns (runs of >= 4)


def fetch_block(conn: sqlite3.Connection, lo: int, hi: int, columns: bool) -> tuple:
    """The SQLite side of one block (run on the prefetch thread): what :meth:`~controlroom.log.reader.LogReader._block` takes.

    ``("raw", json_array_bytes)``, ``("rows",)`` (a row without raw JSON: read row by row),
    ``("cols", codes, columns, others)`` or ``("none",)`` for an empty range.
    """
    if columns and not conn.execute("PRAGMA reverse_unordered_selects").fetchone()[0]:
        n, n_raw, bad, codes, *cols, others = conn.execute(_COLUMN_SQL, (lo, hi)).fetchone()
        if not n:
            return ("none",)
        if n_raw != n:
            return ("rows",)
        # Short runs of orders or carts are taken one event at a time: a block with any is
        # read as dicts, so the columns never need the dicts of a few events in the middle.
        if not bad and cols[0] != "[]" and not any("null" in c for c in cols):
            rest = _LONG_RUN.sub("", codes)  # what is left of orders and carts is in short runs
            if "o" not in rest and "c" not in rest:
                return ("cols", codes, tuple(cols), others)
    arr, n, n_raw = conn.execute(BLOCK_SQL, (lo, hi)).fetchone()
    if not n:
        return ("none",)
    return ("raw", arr) if n_raw == n else ("rows",)


class EventBlock:
    """The events with ids in ``(lo, hi]``, as :meth:`pieces` for ``Replayer``.

    Built from one row of the column query: ``codes`` has a letter per event (``o`` order,
    ``c`` cart, ``.`` any other event; every run of orders or carts is at least 4 long: a stored
    block (schema 5) codes orders and carts of shorter runs ``.`` and keeps them with the others),
    ``cols`` the JSON arrays of the columns (scaled time and SKU of orders and carts; order
    id, quantity, price and channel of orders; delta of carts), ``others`` the JSON of the
    other events.
    """

    __slots__ = ("codes", "_cols", "_others", "_reader", "_lo", "_hi", "_events", "_decoded")

    def __init__(self, reader: BatchSource, lo: int, hi: int, codes: str, cols: tuple, others: str | list | None,
                 decoded: bool = False) -> None:
        self.codes = codes
        self._cols = cols
        self._others = others
        # decoded: cols and others are the values already (a stored block, log.stored_blocks), not JSON text
        self._decoded = decoded
        self._reader = reader
        self._lo = lo
        self._hi = hi
        self._events: list[dict] | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def events(self) -> list[dict]:
        """Every event of the block as a dict (read again from ``raw``, once, when first asked)."""
        if self._events is None:
            self._events = [ev for b in self._reader.iter_event_batches(
                self._hi - self._lo, start_id=self._lo, _stop_id=self._hi) for ev in b]
        return self._events

    def pieces(self) -> list:
        """The block in order: a :class:`~controlroom.log.columns.ColumnRun` per run of orders or
        carts, a list of dicts for each stretch of other events.  Handed to
        ``replay(..., batched=True)`` piece by piece, this decides as the block's dicts would
        in one ``feed_batch`` (which takes the same runs)."""
        codes = self.codes
        loads = orjson.loads
        ts_k, sku, oid, qty, price, chan, delta = self._cols
        if self._decoded:  # the shop times themselves (a stored block keeps them exactly)
            ts = ts_k
            others = self._others
        else:
            ts = list(map(mul, loads(ts_k), repeat(_TS_UNSCALE)))
            sku = loads(sku)
            if "o" in codes:
                oid, qty, price, chan = loads(oid), loads(qty), loads(price), loads(chan)
            if "c" in codes:
                delta = loads(delta)
            others = loads(self._others) if self._others is not None else []
        typed = self._decoded  # a stored row's columns were decoded into their types (log.stored_blocks)
        out: list = []
        pos = 0  # next event of the block
        k = ko = kc = d = 0  # its index among the block's orders and carts, orders, carts, others
        for m in _LONG_RUN.finditer(codes):
            a, b = m.span()
            if a > pos:
                out.append(others[d:d + a - pos])
                d += a - pos
            n = b - a
            if codes[a] == "o":
                j = ko + n
                cols = (None, None, None, tuple(ts[k:k + n]), None, tuple(oid[ko:j]), tuple(sku[k:k + n]),
                        tuple(qty[ko:j]), tuple(price[ko:j]), tuple(chan[ko:j]))
                ko = j
                topic = "order"
            else:
                j = kc + n
                cols = (None, None, None, tuple(ts[k:k + n]), None, tuple(sku[k:k + n]), tuple(delta[kc:j]))
                kc = j
                topic = "cart"
            out.append(ColumnRun(topic, cols, lambda a=a, b=b: self.events()[a:b], typed))
            k += n
            pos = b
        if pos < len(codes):
            out.append(others[d:])
        return out
