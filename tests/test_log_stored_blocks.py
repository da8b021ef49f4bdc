"""The replay's column blocks stored by the writer (``event_blocks``, schema 5).

Each stored row must be what SQLite would build from ``events`` for that block
(``fetch_block``), a block the columns cannot stand for gets no row, and a row that does not
decode into the schema (the file may come from anyone) is ignored: that block is read from
``events``, and the replay's input is the same either way.
"""
from __future__ import annotations

import re
import shutil
import sqlite3

import msgspec
import orjson

from bench.bench_log import _decode, _payloads
from controlroom.log import SessionLog, open_log
from controlroom.log.blocks import fetch_block
from controlroom.log.columns import ColumnRun
from controlroom.log.stored_blocks import _SELECT, decode_row

SKUS = [{"sku": f"SKU-{i:03d}", "name": f"S{i}", "tier": "profit", "price_cents": 2999, "available": 10**6}
        for i in range(60)]


def _write(path, payloads, extra=None, every=7):
    """The feed's batches as the core hands them over (EventBatch for orders and carts, dicts for the
    rest), with now and then a single event as a dict (the feed's per-event path)."""
    log = SessionLog(path, room="bench", settings={}).start()
    log.skus(SKUS)
    for k, (topic, payload) in enumerate(payloads):
        log.events(_decode(topic, payload), 1.0)
        if extra is not None and k % every == 3:
            log.events([extra(k)], 1.0)
    assert log.flush(30)
    log.close()


def _block_codes(topics: list) -> str:
    """What a block's codes must be: runs of 4 or more orders or carts as letters, the rest '.'."""
    letters = "".join({"order": "o", "cart": "c"}.get(t, ".") for t in topics)
    return re.sub(r"o+|c+", lambda m: m.group() if len(m.group()) >= 4 else "." * len(m.group()), letters)


def _rows_against_events(path) -> tuple[int, int]:
    """Every stored row against its block's events: the codes as the replay takes the runs, each
    column value the event's own, every other event's dict exactly the one read from ``raw``; and
    where SQLite's column query gives columns (a block without short runs), exactly its values.
    Returns (rows, whole blocks)."""
    with open_log(path) as r:
        c = r.conn
        rows = {row[0]: row for row in c.execute(_SELECT, (0,))}
        top = c.execute("SELECT max(id) FROM events").fetchone()[0]
        for lo, row in rows.items():
            dec = decode_row(row, lo, lo + 2048)
            assert dec is not None, lo
            _, codes, (ts, sku, oid, qty, price, chan, delta), others = dec
            evs = [e for b in r.iter_event_batches(2048, start_id=lo, _stop_id=lo + 2048) for e in b]
            assert codes == _block_codes([e["topic"] for e in evs]), lo
            cols, ords, carts, rest = iter(zip(ts, sku)), iter(zip(oid, qty, price, chan)), iter(delta), iter(others)
            for code, e in zip(codes, evs):
                if code == "o":
                    assert (*next(cols), *next(ords)) == (e["ts"], e["sku"], e["order_id"], e["qty"],
                                                          e["price_cents"], e["channel"]), lo
                elif code == "c":
                    assert (*next(cols), next(carts)) == (e["ts"], e["sku"], e["delta"]), lo
                else:
                    assert next(rest) == e, lo
            got = fetch_block(c, lo, lo + 2048, True)
            if got[0] == "cols":
                want = [orjson.loads(x) for x in got[2]]
                want[0] = [t * 2.0**-30 for t in want[0]]  # SQLite's scaled times; the stored row has the times
                assert (codes, (ts, sku, oid, qty, price, chan, delta), others) == (
                    got[1], tuple(want), orjson.loads(got[3]) if got[3] else []), lo
        return len(rows), top // 2048


def _walk(path, prefetch=False):
    """The replay's input, piece by piece, and the stored blocks' hits and misses."""
    out = []
    with open_log(path) as r:
        for b in r.iter_event_blocks(columns=True, prefetch=prefetch):
            for p in (b.pieces() if hasattr(b, "pieces") else [b]):
                out.append((p.topic, p.cols) if type(p) is ColumnRun else list(p))
        st = r.stored_blocks
        return out, st.hits, st.misses


def _events(pieces) -> list:
    """The replay's input event by event, orders and carts as their column fields (pieces may cut a
    block differently: runs as columns or as dicts)."""
    out = []
    for p in pieces:
        if type(p) is tuple:  # (topic, cols) of a ColumnRun
            topic, c = p
            if topic == "order":
                out += [("order", *v) for v in zip(c[3], c[6], c[5], c[7], c[8], c[9])]
            else:
                out += [("cart", *v) for v in zip(c[3], c[5], c[6])]
            continue
        for e in p:
            if e.get("topic") == "order":
                out.append(("order", e["ts"], e["sku"], e["order_id"], e["qty"], e["price_cents"], e["channel"]))
            elif e.get("topic") == "cart":
                out.append(("cart", e["ts"], e["sku"], e["delta"]))
            else:
                out.append(e)
    return out


def _decisions(path):
    from controlroom.review.backtest import load_log, run_replay
    from controlroom.settings import Settings

    with open_log(path) as r:
        data = load_log(r)
        return run_replay(data, Settings(), cache=False)[0]


def _odd(k):
    if k % 2:
        return {"v": 1, "epoch": "bench", "seq": 10**7 + k, "ts": 1_760_000_000.5, "room": "bench",
                "sku": "SKU-001", "available": 99, "frozen": False, "topic": "stock"}
    return {"v": 1, "epoch": "bench", "seq": 10**7 + k, "ts": 1_760_000_000.25, "room": "bench",
            "sku": "SKU-002", "delta": -1, "topic": "cart"}


def test_stored_rows_are_what_sqlite_builds_from_the_events_and_replay_reads_the_same(tmp_path):
    p = tmp_path / "s.sqlite"
    _write(p, _payloads(30_000))
    n_rows, whole = _rows_against_events(p)
    assert n_rows == whole == 30_000 // 2048  # every whole block has its row
    plain = tmp_path / "plain.sqlite"
    shutil.copy(p, plain)
    with sqlite3.connect(plain) as c:
        c.execute("DELETE FROM event_blocks")
    c.close()
    want, h0, m0 = _walk(plain)
    assert h0 == 0
    for prefetch in (False, True):
        got, hits, misses = _walk(p, prefetch)
        assert got == want
        assert hits == n_rows and misses == 1  # the last block is partial


def test_single_events_between_batches_short_runs_and_other_topics(tmp_path):
    p = tmp_path / "s.sqlite"
    _write(p, _payloads(20_000), extra=_odd)
    n_rows, whole = _rows_against_events(p)
    assert n_rows == whole > 0
    got, hits, _ = _walk(p, prefetch=True)
    plain = tmp_path / "plain.sqlite"
    shutil.copy(p, plain)
    with sqlite3.connect(plain) as c:
        c.execute("DELETE FROM event_blocks")
    c.close()
    want = _walk(plain)[0]
    assert got != want  # the pieces differ: short runs between the columns instead of whole blocks of dicts
    assert _events(got) == _events(want) and hits == n_rows
    from tests.test_replay_columns import _same

    a, b = _decisions(p), _decisions(plain)
    _same(a, b)
    assert len(a.transitions) > 0


def test_a_continued_log_and_the_slow_path_leave_their_blocks_without_a_row(tmp_path):
    p = tmp_path / "s.sqlite"
    pay = _payloads(16_000)
    _write(p, pay[:6])  # 3,000 events: block (2048, 4096] begins in this segment
    log = SessionLog(p, room="bench", settings={}).start()
    for k, (topic, payload) in enumerate(pay[6:], 6):
        batch = _decode(topic, payload)
        if k == 20:  # a value SQLite cannot bind: the slow path stores it, ids may not follow
            batch = list(batch) + [dict(batch[-1] if type(batch) is list else batch.events()[-1],
                                        seq=10**7, qty=2**70, topic="order")]
        log.events(batch, 1.0)
    assert log.flush(30)
    log.close()
    with open_log(p) as r:
        los = {row[0] for row in r.conn.execute("SELECT lo FROM event_blocks")}
        top = r.conn.execute("SELECT max(id) FROM events").fetchone()[0]
    assert 2048 not in los  # the block the continued segment starts in
    assert 0 in los and 4096 in los
    slow_first = 20 * 500 + 1  # the slow item's 501 ids (after the first 20 batches of 500)
    slow_blocks = {(i - 1) // 2048 * 2048 for i in (slow_first, slow_first + 500)}
    assert len(slow_blocks) == 2 and not slow_blocks & los  # it spans two blocks: neither has a row
    assert los and max(los) + 2048 <= top
    n_rows, whole = _rows_against_events(p)
    assert n_rows == whole - 3  # every other block has its row


def test_rows_that_do_not_decode_into_the_schema_are_read_from_the_events(tmp_path):
    p = tmp_path / "s.sqlite"
    _write(p, _payloads(20_000))
    want, hits0, _ = _walk(p)
    bad = tmp_path / "bad.sqlite"
    shutil.copy(p, bad)
    with sqlite3.connect(bad) as c:
        rows = c.execute("SELECT lo, data FROM event_blocks ORDER BY lo").fetchall()
        los = [lo for lo, _ in rows]

        def changed(i, k, value):
            """Row i with field k of its array replaced (every length kept unless the value changes it)."""
            arr = list(msgspec.msgpack.decode(rows[i][1]))
            arr[k] = value(arr[k])
            c.execute("UPDATE event_blocks SET data = ? WHERE lo = ?", (msgspec.msgpack.encode(arr), los[i]))

        changed(0, 4, lambda q: ["x"] + q[1:])  # a quantity as text
        changed(1, 0, lambda codes: codes.replace("o", "z"))  # a letter that is no event kind
        changed(2, 2, lambda sku: None)  # no SKUs
        changed(3, 1, lambda ts: ts[:3])  # lengths disagree
        changed(4, 8, lambda o: '{"topic": "x"}')  # the others not an array
        changed(5, 5, lambda p: [-5] + p[1:])  # a price out of the protocol's range
        changed(6, 6, lambda ch: ["carrier pigeon"] + ch[1:])  # a channel the protocol does not have
        c.execute("UPDATE event_blocks SET hi = hi + 1 WHERE lo = ?", (los[7],))
        c.execute("UPDATE event_blocks SET data = 'not msgpack' WHERE lo = ?", (los[8],))
    c.close()
    got, hits, misses = _walk(bad)
    assert got == want
    assert hits == hits0 - 9 and misses == 9 + 1


def test_a_schema_4_log_migrates_to_an_empty_table_and_replays_from_the_events(tmp_path):
    p = tmp_path / "s.sqlite"
    _write(p, _payloads(10_000))
    want = _walk(p)[0]
    with sqlite3.connect(p) as c:
        c.execute("DROP TABLE event_blocks")
        c.execute("PRAGMA user_version = 4")
    c.close()
    with open_log(p, migrate=False) as r:  # as the review opens it: no table, read from events
        assert r.file_version == 4
        got = [x for b in r.iter_event_blocks(columns=True) for x in (b.pieces() if hasattr(b, "pieces") else [b])]
        assert len(got) == len(want) and r.stored_blocks.coverage == 0
    got, hits, misses = _walk(p)  # open_log migrates: the table is there, empty
    assert got == want and hits == 0
    with sqlite3.connect(p) as c:
        assert c.execute("SELECT count(*) FROM event_blocks").fetchone()[0] == 0
        assert c.execute("PRAGMA user_version").fetchone()[0] == 5
