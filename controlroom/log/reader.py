"""Reading a session log: the session, the catalogue and fast, ordered event iteration.

Events come back in the order the control room accepted them (``events.id``,
which within one feed epoch is ``seq`` order), decoded from their raw JSON so
replay sees exactly the dicts the live engine saw.  ``iter_event_batches`` uses a
chunked cursor (``fetchmany``) and one ``orjson.loads`` per row (~1M events/s);
``iter_event_blocks`` (what backtest replays from) lets SQLite join a block of rows'
raw JSON into one array decoded by a single ``orjson.loads`` call, in small blocks;
with ``columns=True`` it hands runs of orders and carts over as columns read from the
typed columns of ``events`` (:class:`EventBlock`), so replay builds no dict for them.

A log written by an older schema version is migrated when opened (in place if
the file is writable, otherwise in an in-memory copy).  Reading works while a
writer is still appending (WAL mode): a reader sees the last committed state.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import orjson

from controlroom.log import schema
from controlroom.log.blocks import BLOCK_SQL, EventBlock, fetch_block
from controlroom.log.schema import LogFormatError
from controlroom.log.stored_blocks import StoredBlocks

if TYPE_CHECKING:
    from controlroom.log.blockcache import BlockCache


def connect_readonly(path: str | os.PathLike) -> sqlite3.Connection:
    """A read-only connection that works on a log being written (WAL) and on read-only media."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(str(p))
    uri = p.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False)


def _open_for_reading(path: Path, migrate: bool) -> tuple[sqlite3.Connection, int]:
    conn = connect_readonly(path)
    try:
        version = schema.check_is_log(conn)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise LogFormatError(f"{path}: {e}") from None
    except BaseException:
        conn.close()
        raise
    if version == schema.SCHEMA_VERSION or not migrate:
        return conn, version
    conn.close()
    # Older schema: migrate in place when we may write, else in a private in-memory copy.
    try:
        rw = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
        schema.migrate(rw)
        rw.close()
        return connect_readonly(path), version
    except sqlite3.OperationalError:
        src = connect_readonly(path)
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        src.backup(mem)
        src.close()
        schema.migrate(mem)
        return mem, version


class LogReader:
    """Read access to one session log. Use :func:`open_log` to get one."""

    def __init__(self, path: str | os.PathLike, migrate: bool = True) -> None:
        self.path = Path(path)
        self.conn, self.file_version = _open_for_reading(self.path, migrate)
        self.stored_blocks: StoredBlocks | None = None  # the last column walk's stored blocks (hits, misses)
        self.conn.row_factory = None

    @classmethod
    def from_connection(cls, path: str | os.PathLike, conn: sqlite3.Connection, file_version: int) -> "LogReader":
        """A reader over a connection the caller opened (the review window opens logs read-only
        and never migrates them in place)."""
        self = cls.__new__(cls)
        self.path = Path(path)
        self.conn, self.file_version = conn, file_version
        self.stored_blocks = None
        self.conn.row_factory = None
        return self

    # -------------------------------------------------------------- basics
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "LogReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _dicts(self, sql: str, args: tuple = ()) -> list[dict]:
        cur = self.conn.execute(sql, args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur]

    def count(self, table: str) -> int:
        if table not in schema.TABLES:
            raise ValueError(f"no table {table!r} in a session log")
        return self.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]

    @property
    def schema_version(self) -> int:
        return schema.schema_version(self.conn)

    # -------------------------------------------------------------- session metadata
    def session(self) -> dict:
        """The session row (``settings`` decoded) plus its ``segments`` (each with decoded settings)."""
        rows = self._dicts("SELECT room, started_at, ended_at, app_version, settings FROM session"
                           " ORDER BY id LIMIT 1")
        if not rows:
            raise LogFormatError(f"{self.path}: session row missing")
        s = rows[0]
        s["settings"] = orjson.loads(s["settings"]) if s["settings"] else {}
        segs = self._dicts("SELECT * FROM segments ORDER BY segment")
        for g in segs:
            g["settings"] = orjson.loads(g["settings"]) if g.get("settings") else None
        s["segments"] = segs
        s["schema_version"] = self.schema_version
        s["file_version"] = self.file_version
        return s

    def skus(self) -> list[dict]:
        return self._dicts("SELECT sku, name, tier, price_cents, available, added_at FROM skus ORDER BY rowid")

    def settings_changes(self) -> list[dict]:
        out = self._dicts('SELECT id, ts, "by", settings FROM settings_changes ORDER BY id')
        for r in out:
            r["settings"] = orjson.loads(r["settings"]) if r["settings"] else {}
        return out

    # -------------------------------------------------------------- events
    def iter_event_batches(self, chunk: int = 20_000, topics: tuple[str, ...] | None = None,
                           start_id: int = 0, _stop_id: int | None = None) -> Iterator[list[dict]]:
        """Lists of decoded events in accepted order, ``chunk`` at a time."""
        loads = orjson.loads
        if _stop_id is not None:  # one block of iter_event_blocks, row by row
            cur = self.conn.execute("SELECT raw FROM events WHERE id > ? AND id <= ? ORDER BY id",
                                    (start_id, _stop_id))
        elif topics:
            marks = ",".join("?" * len(topics))
            cur = self.conn.execute(f"SELECT raw FROM events WHERE id > ? AND topic IN ({marks}) ORDER BY id",
                                    (start_id, *topics))
        else:
            cur = self.conn.execute("SELECT raw FROM events WHERE id > ? ORDER BY id", (start_id,))
        fetch = cur.fetchmany
        while True:
            rows = fetch(chunk)
            if not rows:
                return
            yield [loads(r[0]) for r in rows]

    _BLOCK_SQL = BLOCK_SQL  # kept for callers that read it from the class

    def has_event_columns(self) -> bool:
        """Whether ``events`` has the typed order/cart columns of schema 2 (``columns=True`` needs them)."""
        return "delta" in {r[1] for r in self.conn.execute('PRAGMA table_info("events")')}

    def iter_event_blocks(self, block: int = 2048, start_id: int = 0, prefetch: bool = False,
                          columns: bool = False, cache: "BlockCache | None" = None) -> Iterator[list[dict] | EventBlock]:
        """The events of :meth:`iter_event_batches` (no topic filter), faster: lists of decoded events.

        Each list holds the events with ids in one range of ``block`` ids (so at most ``block``
        events), decoded from their raw JSON by a single ``orjson.loads`` of the array SQLite
        builds.  Small blocks keep a block's dicts in the CPU cache while replay uses them.
        The events seen are those committed when iteration starts (one read transaction).

        With ``columns`` (and a schema-2 file), a block with orders or carts comes as an
        :class:`EventBlock` instead, whose :meth:`EventBlock.pieces` give runs of orders and
        carts as columns read from the typed columns, and the other events as dicts.  A block
        with a row the columns cannot stand for (a NULL there, as in rows written before
        schema 2; a time the scaling cannot carry; an event missing a field) comes as dicts.

        With ``prefetch`` (a log file, not a migrated in-memory copy), a helper thread with its
        own connection runs the SQLite side of the next blocks while the caller works on this
        one (SQLite releases the GIL while it reads); the events and their order are the same.
        With ``prefetch`` and ``columns``, a :class:`~controlroom.log.blockcache.BlockCache`
        ``cache`` serves the column blocks from its file when it holds them for this log, and
        otherwise records them there for the next walk: the same blocks either way.
        """
        columns = columns and self.has_event_columns()
        if prefetch and self.conn.execute("PRAGMA database_list").fetchone()[2]:
            yield from self._prefetched_blocks(block, start_id, columns, cache)
            return
        conn = self.conn
        own_txn = not conn.in_transaction
        if own_txn:
            conn.execute("BEGIN")
        try:
            top = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
            stored = StoredBlocks(conn, start_id, block, top) if columns else None
            self.stored_blocks = stored
            fetch = stored if stored is not None and stored.coverage else (
                lambda lo, hi: fetch_block(conn, lo, hi, columns))
            lo = start_id
            while lo < top:
                hi = min(lo + block, top)
                yield from self._block(lo, hi, fetch(lo, hi))
                lo = hi
        finally:
            if own_txn and conn.in_transaction:
                conn.execute("COMMIT")

    def _block(self, lo: int, hi: int, got: tuple) -> Iterator[list[dict] | EventBlock]:
        """The events of one block from what :func:`~controlroom.log.blocks.fetch_block` read."""
        kind = got[0]
        if kind == "cols":
            yield EventBlock(self, lo, hi, *got[1:])
        elif kind == "dcols":  # a block's stored row, decoded and checked (log.stored_blocks)
            yield EventBlock(self, lo, hi, *got[1:], decoded=True)
        elif kind == "raw":
            yield orjson.loads(got[1])
        elif kind == "rows":
            yield from self.iter_event_batches(hi - lo, start_id=lo, _stop_id=hi)

    def _prefetched_blocks(self, block: int, start_id: int, columns: bool,
                           cache: "BlockCache | None" = None) -> Iterator[list[dict] | EventBlock]:
        import queue
        import threading

        conn = connect_readonly(self.path)
        try:  # the read transaction starts here; the helper thread, if any, goes on with it
            conn.execute("BEGIN")
            top = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
            stored = StoredBlocks(conn, start_id, block, top) if columns else None
            self.stored_blocks = stored
            if stored is not None and stored.coverage > 0:
                # The writer stored the columns of every block they stand for (log.stored_blocks): a
                # block cache would hold nothing more, so none is read or built.
                cache = None
                fetch = stored
            elif cache is not None:
                fetch = cache.open(conn, start_id, block, top, columns)
            else:
                def fetch(lo: int, hi: int) -> tuple:
                    return fetch_block(conn, lo, hi, columns)
        except BaseException:
            conn.close()
            raise

        def end(complete: bool) -> None:
            if cache is not None:
                cache.close(complete)
            if conn.in_transaction:
                conn.execute("COMMIT")
            conn.close()

        if (fetch is stored and stored.coverage >= 0.9) or (cache is not None and cache.serves_walk):
            # One row of the cache file per block: cheaper here than handing blocks over from a thread.
            try:
                lo = start_id
                while lo < top:
                    hi = min(lo + block, top)
                    got = fetch(lo, hi)
                    yield from self._block(lo, hi, got)
                    lo = hi
            finally:
                end(False)
            return

        q: queue.Queue = queue.Queue(4)
        stop = threading.Event()

        def put(item) -> bool:
            while not stop.is_set():
                try:
                    q.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    pass
            return False

        def work() -> None:
            complete = False
            try:
                lo = start_id
                while lo < top and not stop.is_set():
                    hi = min(lo + block, top)
                    if not put((lo, hi, fetch(lo, hi))):
                        return
                    lo = hi
                complete = lo >= top
                put(None)
            except BaseException as e:  # handed to the reading side
                put(e)
            finally:
                end(complete)

        th = threading.Thread(target=work, name="log-prefetch", daemon=True)
        th.start()
        get = q.get
        try:
            while True:
                item = get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield from self._block(*item)
        finally:
            stop.set()
            th.join()

    def iter_events(self, chunk: int = 20_000, topics: tuple[str, ...] | None = None) -> Iterator[dict]:
        """Every accepted event as the dict the live engine saw, in accepted order."""
        for batch in self.iter_event_batches(chunk, topics):
            yield from batch

    def iter_stream(self, chunk: int = 20_000) -> Iterator[tuple[str, Any]]:
        """Events and snapshot resets interleaved in the order the live mirror saw them.

        Yields ``("events", list_of_event_dicts)`` and ``("snapshot", snapshot_dict)``;
        a snapshot comes right after the last event accepted before it.
        """
        snaps = self.conn.execute("SELECT after_event_id, raw FROM snapshots ORDER BY id").fetchall()
        si = 0
        loads = orjson.loads
        cur = self.conn.execute("SELECT id, raw FROM events ORDER BY id")
        while True:
            rows = cur.fetchmany(chunk)
            if not rows:
                break
            start = 0
            while si < len(snaps) and snaps[si][0] < rows[-1][0]:
                cut = snaps[si][0]
                # rows[start:k] are the events with id <= cut
                k = start
                while k < len(rows) and rows[k][0] <= cut:
                    k += 1
                if k > start:
                    yield "events", [loads(r[1]) for r in rows[start:k]]
                yield "snapshot", loads(snaps[si][1])
                start = k
                si += 1
            if start < len(rows):
                yield "events", [loads(r[1]) for r in rows[start:]]
        while si < len(snaps):
            yield "snapshot", loads(snaps[si][1])
            si += 1

    def snapshots(self) -> list[dict]:
        out = self._dicts("SELECT id, received_at, after_event_id, room, raw FROM snapshots ORDER BY id")
        for r in out:
            r["snapshot"] = orjson.loads(r.pop("raw"))
        return out

    def event_columns(self, sql_where: str = "", args: tuple = ()) -> list[tuple]:
        """(id, epoch, seq, topic, ts, received_at, sku, qty, order_id) rows, for quick scans."""
        return self.conn.execute(
            "SELECT id, epoch, seq, topic, ts, received_at, sku, qty, order_id FROM events "
            f"{sql_where} ORDER BY id", args).fetchall()

    # -------------------------------------------------------------- the other tables
    def rejects(self) -> list[dict]:
        return self._dicts("SELECT id, received_at, reason, raw, raw_len FROM rejects ORDER BY id")

    def feed(self) -> list[dict]:
        return self._dicts("SELECT id, ts, state, detail FROM feed ORDER BY id")

    def alerts(self) -> list[dict]:
        cols = ", ".join(f'"{c}"' for c in schema.ALERT_COLUMNS)
        return self._dicts(f"SELECT id, {cols} FROM alerts ORDER BY id")

    def alert_transitions(self) -> list:
        """The ``alerts`` rows as :class:`~controlroom.alerts.transition.AlertTransition` objects."""
        from controlroom.alerts.transition import AlertTransition

        out = []
        for r in self.alerts():
            r.pop("id")
            if r["key"] is None:  # migrated v0 rows had no key: one instance per sku+level
                r["key"] = f"{r['sku']}:{r['level']}"
            out.append(AlertTransition(**r))
        return out

    def actions(self) -> list[dict]:
        out = self._dicts("SELECT * FROM actions ORDER BY id")
        for r in out:
            extra = r.pop("extra", None)
            if extra:
                for k, v in orjson.loads(extra).items():
                    r.setdefault(k, v)
            if r.get("ok") is not None:
                r["ok"] = bool(r["ok"])
        return out

    def samples(self, sku: str | None = None) -> list[tuple]:
        """(ts, sku, available, sold, rate_per_min, predicted_sellout_s, level) in time order."""
        cols = ", ".join(schema.SAMPLE_COLUMNS)
        if sku is None:
            return self.conn.execute(f"SELECT {cols} FROM samples ORDER BY ts, id").fetchall()
        return self.conn.execute(f"SELECT {cols} FROM samples WHERE sku = ? ORDER BY ts, id", (sku,)).fetchall()

    def samples_by_sku(self) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {}
        for r in self.samples():
            out.setdefault(r[1], []).append(r)
        return out


def open_log(path: str | os.PathLike, migrate: bool = True) -> LogReader:
    """Open a session log for reading (migrating an older schema; see :class:`LogReader`)."""
    return LogReader(path, migrate=migrate)


def iter_events(path: str | os.PathLike, chunk: int = 20_000) -> Iterator[dict]:
    """Every accepted event of the log at ``path``, in accepted order."""
    with open_log(path) as r:
        yield from r.iter_events(chunk)


def iter_event_batches(path: str | os.PathLike, chunk: int = 20_000) -> Iterator[list[dict]]:
    with open_log(path) as r:
        yield from r.iter_event_batches(chunk)
