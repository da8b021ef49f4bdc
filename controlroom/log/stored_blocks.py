"""Reading the column blocks the writer stored in the log (``event_blocks``, schema 5).

:class:`StoredBlocks` gives the reader's walk one block at a time, as ``fetch_block`` does, but
from the block's stored row (one row per 2,048 events) instead of SQLite's aggregates over
``events`` (about a microsecond an event).  Nothing read from a log is trusted: each row is
decoded into a schema (:func:`decode_row`: every column's element type and the protocol's ranges,
the codes' letters, every column's length against the codes, the runs the replay takes as
columns) and a row that does not fit, or is missing, sends that block to ``fetch_block`` on
``events``, the record.  The decoded values go to :class:`~controlroom.log.blocks.EventBlock` as
they are (no second decode).
"""
from __future__ import annotations

import re
import sqlite3
from typing import Literal, Optional

import msgspec

from controlroom.log.block_writer import BLOCK
from controlroom.log.blocks import fetch_block
from controlroom.protocol import Natural, NonEmptyStr, Positive

__all__ = ["StoredBlocks", "decode_row"]

_LONG_RUN = re.compile(r"o{4,}|c{4,}")
_CODES = re.compile(r"[oc.]*")
# The stored row's schema (controlroom.log.block_writer): codes, ts, sku, order_id, qty, price_cents,
# channel, delta, others' JSON; the protocol's types and ranges, checked while decoding.
_ROW = msgspec.msgpack.Decoder(tuple[str, list[float], list[NonEmptyStr], list[NonEmptyStr], list[Positive],
                                     list[Natural], list[Literal["live", "other"]], list[int], Optional[str]])
_OTHERS = msgspec.json.Decoder(list[dict])
_SELECT = "SELECT lo, hi, data FROM event_blocks WHERE lo >= ? ORDER BY lo"


def decode_row(row: tuple, lo: int, hi: int) -> tuple | None:
    """``("dcols", codes, (ts, sku, order_id, qty, price, channel, delta), others)`` with every value
    decoded and checked, or None when the stored row is not one block's columns."""
    if len(row) != 3 or row[0] != lo or row[1] != hi:
        return None
    try:
        codes, ts, sku, oid, qty, price, chan, delta, others = _ROW.decode(row[2])
        others = _OTHERS.decode(others) if others is not None else []
    except (msgspec.DecodeError, TypeError):  # a NULL or text where the blob belongs: TypeError
        return None
    if len(codes) != hi - lo or not _CODES.fullmatch(codes):
        return None
    rest = _LONG_RUN.sub("", codes)
    if "o" in rest or "c" in rest:
        return None
    n_o, n_c = codes.count("o"), codes.count("c")
    if not (len(ts) == len(sku) == n_o + n_c and len(oid) == len(qty) == len(price) == len(chan) == n_o
            and len(delta) == n_c and len(others) == len(codes) - n_o - n_c):
        return None
    return ("dcols", codes, (ts, sku, oid, qty, price, chan, delta), others)


class StoredBlocks:
    """The fetch function of one walk over ``conn``'s events (``start_id`` to ``top``, blocks of
    ``block`` ids) that serves each block from its stored row when it has a good one.

    ``coverage`` is the share of the walk's whole blocks that have a row; ``hits`` and ``misses``
    count the blocks served from rows and from ``events``."""

    def __init__(self, conn: sqlite3.Connection, start_id: int, block: int, top: int) -> None:
        self.conn = conn
        self.hits = 0
        self.misses = 0
        self.coverage = 0.0
        self._rows = None
        self._next: tuple | None = None
        if block != BLOCK or start_id % BLOCK or top <= start_id or not has_event_blocks(conn):
            return
        n = conn.execute("SELECT count(*) FROM event_blocks WHERE lo >= ? AND hi <= ?", (start_id, top)).fetchone()[0]
        whole = (top - start_id) // block
        self.coverage = n / whole if whole else 0.0
        if n:
            self._rows = conn.execute(_SELECT, (start_id,))

    def __call__(self, lo: int, hi: int) -> tuple:
        row = self._next
        self._next = None
        rows = self._rows
        if rows is not None:
            if row is None:
                row = next(rows, None)
            while row is not None and row[0] < lo:
                row = next(rows, None)
            if row is not None and row[0] == lo:
                got = decode_row(row, lo, hi)
                if got is not None:
                    self.hits += 1
                    return got
            elif row is not None:
                self._next = row  # a later block's row
        self.misses += 1
        return fetch_block(self.conn, lo, hi, True)


def has_event_blocks(conn: sqlite3.Connection) -> bool:
    """Whether the file has the ``event_blocks`` table (schema 5; a reader may open older files unmigrated)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_blocks'").fetchone() is not None
