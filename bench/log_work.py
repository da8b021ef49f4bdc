"""The log writer's own work, per event, by thread CPU time: what ``bench log``'s ratios are made of.

The writer ceiling (``bench_log``) is a wall-clock ratio of two threads (a producer decoding the feed's
messages as the core does, and the writer) against raw ``executemany`` in one thread.  On a loaded
machine one round of it moves by half; so this module times the parts in one thread, by
``thread_time``, interleaved round after round, and keeps each part's fastest round (the one least
disturbed by other processes; a part's CPU time can only be inflated by them, not deflated):

* ``baseline``: raw ``executemany`` of the already-built rows, a COMMIT every 5,000 (``bench_log._baseline``'s work);
* ``writer``: :func:`writer_work` as ``SessionLog``'s thread does it (SAVEPOINT per item, the multi-row
  INSERTs with the raw JSON texts, the replay's column blocks, the per-minute summary, a COMMIT with
  the summary rows every 20,000 rows); ``no_summary``, ``no_blocks``: the same without those parts;
  ``with_sums``: the same with each order batch carrying the core mirror's per-SKU sums
  (``EventBatch.sums``, made before the clock, as the live core's feed client makes them anyway), which the
  summary then does not count again.  ``bench_log``'s own producer decodes only (it runs no mirror), so
  its ceiling and paced runs are the writer without sums;
* ``decode``: the producer's share, decoding the same messages as the core's feed client does (the
  baseline's rows are built before its clock; the ceiling's producer pays this on the same GIL).

With one core for both threads (``--contended``), the ceiling cannot exceed
``baseline / (writer + decode)`` whatever the scheduling; ``docs/benchmarks.md`` (sixth pass) has the figures.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

__all__ = ["writer_work", "executemany", "breakdown"]


def writer_work(path: Path, items: list, skus: list, summary: bool = True, blocks: bool = True) -> float:
    """The writer thread's work alone, in this thread (no producer, no GIL hand-offs): per queue item
    a SAVEPOINT, the INSERTs (``event_inserts.insert_events``, as the writer's fast path), the replay's
    column blocks it completes (``block_writer``, schema 5) and the summary, a commit with the summary
    rows every ``batch_rows`` (20,000) rows, as ``SessionLog`` does.  ``items``: decoded messages
    (``bench_log._decode``).  Returns the CPU seconds (``thread_time``)."""
    from controlroom.log.block_writer import INSERT_BLOCK, BlockWriter
    from controlroom.log.event_inserts import chunks_for, insert_events
    from controlroom.log.inserts import EVENTS
    from controlroom.log.schema import create_schema
    from controlroom.log.summary import SummaryTracker, create_summary_tables

    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    create_schema(conn)
    create_summary_tables(conn)
    tr = SummaryTracker()
    tr.catalogue("bench", skus)
    tr.reset({"room": "bench", "skus": skus}, 0)
    bw = BlockWriter(0)
    chunks = chunks_for(conn)

    c0 = time.thread_time()
    conn.execute("BEGIN")
    top = rows = 0
    for it in items:
        conn.execute("SAVEPOINT item")
        raws: list = []
        k = insert_events(conn, (EVENTS, it, 0.0), chunks, raws)[0]
        if blocks:
            for row in bw.add(it, top + 1, raws):
                conn.execute(INSERT_BLOCK, row)
        conn.execute("RELEASE item")
        top += k
        rows += k
        if summary:
            tr.feed(it, top - k + 1)
        if rows >= 20_000:
            tr.flush(conn)
            conn.execute("COMMIT")
            conn.execute("BEGIN")
            rows = 0
    tr.flush(conn)
    conn.execute("COMMIT")
    cpu = time.thread_time() - c0
    conn.close()
    return cpu


def executemany(path: Path, rows: list) -> tuple[float, float]:
    """Raw ``executemany`` of prebuilt rows into a new log's ``events``, one thread, a COMMIT every
    5,000 rows (the ratios' baseline); returns (wall seconds, thread CPU seconds)."""
    from controlroom.log.schema import INSERT_SQL, create_schema

    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    create_schema(conn)
    sql = INSERT_SQL["events"]
    c0, t0 = time.thread_time(), time.perf_counter()
    for i in range(0, len(rows), 5000):
        conn.execute("BEGIN")
        conn.executemany(sql, rows[i:i + 5000])
        conn.execute("COMMIT")
    wall, cpu = time.perf_counter() - t0, time.thread_time() - c0
    conn.close()
    return wall, cpu


def _with_sums(items: list, skus: list) -> list:
    """The same messages as the live core hands them to the log: each order batch taken by a feed mirror
    (``apply_columns``, as ``FeedClient._take_batch``) with the mirror's sums attached."""
    from controlroom.feed.batch import EventBatch
    from controlroom.feed.mirror import StockMirror

    mirror = StockMirror()
    mirror.reset({"room": "bench", "skus": skus})
    out = []
    for it in items:
        if type(it) is EventBatch and it.topic == "order":
            b = EventBatch(it.topic, it.items, it.cols)
            if mirror.apply_columns("order", b.cols, typed=True):
                b.sums = mirror.order_sums
            it = b
        out.append(it)
    return out


def breakdown(folder: Path, payloads: list, decode, rows: list, skus: list, reps: int = 5) -> dict:
    """Microseconds of thread CPU per event of each part (see the module doc), the fastest of ``reps``
    interleaved rounds, and the ratios they imply.  ``decode(topic, payload)``: the producer's decoding;
    ``rows``: the baseline's rows of the same events, built beforehand."""
    n = len(rows)
    items = [decode(t, p) for t, p in payloads]
    folder = folder / "work"  # a folder of its own: each round's files are removed after it
    folder.mkdir(exist_ok=True)
    best: dict[str, float] = {}
    with_sums = _with_sums(items, skus)

    def keep(name: str, secs: float) -> None:
        best[name] = min(best.get(name, secs), secs)

    for k in range(reps):
        keep("baseline", executemany(folder / f"em{k}.sqlite", rows)[1])
        keep("writer", writer_work(folder / f"w{k}.sqlite", items, skus))
        keep("no_summary", writer_work(folder / f"ws{k}.sqlite", items, skus, summary=False))
        keep("no_blocks", writer_work(folder / f"wb{k}.sqlite", items, skus, summary=False, blocks=False))
        keep("with_sums", writer_work(folder / f"wm{k}.sqlite", with_sums, skus))
        c0 = time.thread_time()
        for t, p in payloads:
            decode(t, p)
        keep("decode", time.thread_time() - c0)
        for f in folder.iterdir():  # keep the disk small
            f.unlink()
    us = {k: v * 1e6 / n for k, v in best.items()}
    return {"events": n, "reps": reps, "us_per_event": us,
            "work_ratio": us["baseline"] / us["writer"],
            "work_ratio_no_summary": us["baseline"] / us["no_summary"],
            "work_ratio_with_sums": us["baseline"] / us["with_sums"],
            # one core for producer and writer: the most the ceiling can be, by CPU
            "one_core_ratio": us["baseline"] / (us["writer"] + us["decode"])}
