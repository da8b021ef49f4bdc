"""Benchmark of the review window on a big show: overview open time (cold), scrub frames/s, full-scan ratio.

Run: ``python -m bench review [--events N]`` (default 10,000,000; ``--quick``: 200,000).

1. **log**: a synthetic 4-hour show of ``N`` events (60 SKUs; orders, carts, traffic,
   heartbeats; a few sell-outs, restocks and freezes), written through ``SessionLog`` (so
   with the writer's per-minute summary rows and scrub checkpoints), plus one sample per SKU
   and shop-second and a few hundred alerts.  Made once, kept in the temp folder
   (``bench-review-<N>-v<schema>.sqlite``) and reused.
2. **cold open**: the log copied afresh and its pages dropped from the OS page cache
   (``posix_fadvise(DONTNEED)`` after ``fsync``), then ``open_overview`` timed until every
   figure of the overview is computed (the same numbers as ``controlroom review``), and
   then the Qt window's overview tab filled (offscreen), timed separately.  Target ≤ 3 s.
3. **scrub**: 200 random jumps of the timeline's cursor (``TimelineTab.seek``: every SKU's
   state computed and the table updated, Qt events processed), frames/s, on the cold file
   (right after the open), then the same jumps again (warm), and the core's ``state_at``
   alone (warm).  Target ≥ 20.  A log written by the schema-4 writer has its scrub checkpoints;
   for an older log (``--log FILE``, e.g. the schema-3 ``bench-review-10000000.sqlite``) the
   timeline first scrubs from the minute rows (30 jumps), then its checkpoints are built into
   the cache (timed, once) and the file's pages dropped again before the scrub is measured.
4. **baseline**: a plain ``sqlite3`` full scan of the same (cold) copy
   (``SELECT count(*), sum(length(raw)) FROM events``); the ratio open / full scan is printed.
"""
from __future__ import annotations

import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__" and __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_EVENTS = 10_000_000
SHOW_S = 4 * 3600
N_SKUS = 60
OPEN_TARGET_S = 3.0
SCRUB_TARGET_FPS = 20.0


def make_log(path: Path, n_events: int, seed: int = 7) -> None:
    """Write the synthetic show (see module doc) to ``path``."""
    from controlroom.log import SessionLog

    rng = random.Random(seed)
    room = "bench-room"
    t0 = 1_760_000_000.0
    skus = [{"sku": f"S{i:03d}", "name": f"SKU {i}", "tier": ("hero", "core", "long_tail")[i % 3],
             "price_cents": 1000 + 37 * i, "available": 20_000 if i % 10 else 3_000} for i in range(N_SKUS)]
    log = SessionLog(path, room=room, app_version="bench", max_queue_batches=200).start()
    log.skus(skus)
    log.snapshot({"room": room, "skus": [dict(s, frozen=False) for s in skus], "viewers": 1000}, t0)
    log.feed(t0, "live", "")
    avail = {s["sku"]: s["available"] for s in skus}
    price = {s["sku"]: s["price_cents"] for s in skus}
    names = [s["sku"] for s in skus]
    seq = 0
    batch = 500
    dt = SHOW_S / n_events
    next_sample = t0 + 1.0
    oid = 0
    for b in range(0, n_events, batch):
        evs = []
        for k in range(min(batch, n_events - b)):
            seq += 1
            ts = t0 + (b + k) * dt
            r = rng.random()
            base = {"v": 1, "epoch": "bench", "seq": seq, "ts": ts, "room": room}
            if r < 0.42:
                sku = names[int(rng.random() ** 2 * N_SKUS)]
                q = 1 + (rng.random() < 0.2)
                if avail[sku] <= 0 and rng.random() < 0.999:
                    sku = names[0]
                oid += 1
                avail[sku] -= q
                evs.append({**base, "topic": "order", "order_id": f"o{oid}", "sku": sku, "qty": q,
                            "price_cents": price[sku], "channel": "live"})
            elif r < 0.84:
                evs.append({**base, "topic": "cart", "sku": names[int(rng.random() * N_SKUS)],
                            "delta": 1 if rng.random() < 0.8 else -1})
            elif r < 0.9995:
                evs.append({**base, "topic": "traffic", "viewers": 20_000 + int(5000 * rng.random()),
                            "entries": 3, "featured": names[int((ts - t0) // 900) % N_SKUS]})
            else:
                sku = names[int(rng.random() * N_SKUS)]
                if avail[sku] < 500:
                    avail[sku] += 2000
                evs.append({**base, "topic": "stock", "sku": sku, "available": avail[sku], "frozen": False})
        log.events(evs, evs[-1]["ts"])
        now = evs[-1]["ts"]
        rows = []
        while next_sample <= now:
            for s in names:
                rows.append((next_sample, s, avail[s], 0, 3.0, avail[s] * 20.0,
                             "ok" if avail[s] > 400 else ("warning" if avail[s] > 0 else "critical")))
            next_sample += 1.0
        if rows:
            log.samples(rows)
    for i in range(300):
        ts = t0 + SHOW_S * i / 300
        log.alert({"key": f"S{i % N_SKUS:03d}:warning:{i}", "ts": ts, "sku": f"S{i % N_SKUS:03d}", "level": "warning",
                   "state": "firing", "reason": "bench", "available": 100})
        log.alert({"key": f"S{i % N_SKUS:03d}:warning:{i}", "ts": ts + 120, "sku": f"S{i % N_SKUS:03d}",
                   "level": "warning", "state": "resolved", "reason": "bench", "available": 100})
    log.flush(600)
    log.close()


def cold_copy(src: Path, dst: Path) -> Path:
    """A fresh copy whose pages are not in the OS page cache."""
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    try:
        os.fsync(fd)
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return dst


def drop_pages(path: Path) -> None:
    """Drop a (written, unchanged) file's pages from the OS page cache."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _jumps(app, tl, moments, res: dict | None = None, key: str = "") -> float:
    """Seek the timeline to each moment (state computed, table updated, events processed); seconds.

    With ``res``, also this process's CPU ms a jump as ``res[key]`` (the machine's load does not
    change it; the wall-clock figure also holds the time waited for the disk)."""
    t, c = time.perf_counter(), time.process_time()
    for ts in moments:
        tl.seek(ts)
        app.processEvents()
    if res is not None:
        res[key] = round(1000 * (time.process_time() - c) / max(1, len(moments)), 2)
    return time.perf_counter() - t


def run(quick: bool = False, events: int | None = None, scrubs: int = 200, log: str | None = None) -> dict:
    from controlroom.log import SCHEMA_VERSION

    n = events or (200_000 if quick else DEFAULT_EVENTS)
    tmp = Path(tempfile.gettempdir())
    src = Path(log) if log else tmp / f"bench-review-{n}-v{SCHEMA_VERSION}.sqlite"
    if log:
        c = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
        n = c.execute("SELECT max(id) FROM events").fetchone()[0] or 0
        res_schema = c.execute("PRAGMA user_version").fetchone()[0]
        c.close()
    else:
        res_schema = SCHEMA_VERSION
    res: dict = {"events": n, "schema": res_schema}
    if not log and (not src.exists() or not src.with_name(src.name + ".done").exists()):
        t = time.perf_counter()
        for p in (src, src.with_name(src.name + "-wal"), src.with_name(src.name + "-shm")):
            p.unlink(missing_ok=True)
        make_log(src, n)
        src.with_name(src.name + ".done").write_text("ok")
        res["generate_s"] = round(time.perf_counter() - t, 1)
    res["file_mb"] = round(src.stat().st_size / 1e6, 1)
    work = Path(tempfile.mkdtemp(prefix="bench-review-"))
    os.environ["CONTROLROOM_CACHE_DIR"] = str(work / "cache")  # a cold (empty) cache too
    try:
        from controlroom.review.overview import open_overview

        copy = cold_copy(src, work / "show.sqlite")
        t = time.perf_counter()
        ov = open_overview(copy)
        rv = ov.review
        totals = rv.totals()  # every figure of the overview
        res["open_s"] = round(time.perf_counter() - t, 3)
        res["source"] = ov.source
        res["checkpoints"] = ("none" if ov.checks is None else "log" if ov.checks is ov.reader.conn else "cache")
        res["sellouts"] = totals["sellouts"]
        res["units_sold"] = totals["units_sold"]
        copy2 = cold_copy(src, work / "scan.sqlite")
        t = time.perf_counter()
        c = sqlite3.connect(f"{copy2.resolve().as_uri()}?immutable=1", uri=True)
        c.execute("SELECT count(*), sum(length(raw)) FROM events").fetchone()
        c.close()
        res["full_scan_s"] = round(time.perf_counter() - t, 3)
        res["ratio_open_to_scan"] = round(res["open_s"] / res["full_scan_s"], 4)
        try:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            from ui.app import make_app
            from ui.review.overview_tab import OverviewTab
            from ui.review.timeline_tab import TimelineTab
        except ImportError as e:  # no GUI installed: the core figures only
            res["ui"] = f"not available ({e})"
        else:
            app = make_app("en")
            t = time.perf_counter()
            tab = OverviewTab()
            tab.show_overview(ov)
            tab.resize(1400, 860)
            tab.show()
            app.processEvents()
            res["overview_tab_s"] = round(time.perf_counter() - t, 3)
            tl = TimelineTab()
            tl.resize(1400, 860)
            tl.show()
            t = time.perf_counter()
            tl.show_overview(ov)
            app.processEvents()
            res["timeline_fill_s"] = round(time.perf_counter() - t, 3)
            rng = random.Random(3)
            moments = [ov.t0 + rng.random() * (ov.t1 - ov.t0) for _ in range(scrubs)]
            if ov.checks is None:  # an older log: the minute rows' way, then its checkpoints built once
                from controlroom.review.scrub import Scrubber, ensure_checkpoints

                tl.stop_indexing()  # built here in the foreground, timed
                k = min(30, scrubs)
                el = _jumps(app, tl, moments[-k:])
                res["scrub_minutes_fps"] = round(k / el, 1)
                t = time.perf_counter()
                ensure_checkpoints(ov)
                res["checkpoint_build_s"] = round(time.perf_counter() - t, 1)
                tl.scrubber = Scrubber(ov)
                res["checkpoints"] = "cache (built)"
                drop_pages(copy)  # the build read the whole file: scrub it cold again
                for p in (work / "cache").glob("*.sqlite"):
                    drop_pages(p)
            el = _jumps(app, tl, moments, res, "scrub_cpu_ms_per_jump")
            res["scrub_fps"] = round(scrubs / el, 1)
            res["scrub_ms_per_jump"] = round(1000 * el / scrubs, 2)
            el = _jumps(app, tl, moments, res, "scrub_warm_cpu_ms_per_jump")
            res["scrub_warm_fps"] = round(scrubs / el, 1)
            res["scrub_warm_ms_per_jump"] = round(1000 * el / scrubs, 2)
            t = time.perf_counter()
            for ts in moments:
                tl.scrubber.state_at(ts)
            res["state_at_warm_ms"] = round(1000 * (time.perf_counter() - t) / scrubs, 2)
            tl.close()
            tab.close()
        ov.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["open_ok"] = res.get("open_s", 1e9) <= OPEN_TARGET_S
    res["scrub_ok"] = res.get("scrub_fps", 0) >= SCRUB_TARGET_FPS
    return res


def report(res: dict) -> str:
    lines = [f"log: {res['events']:,} events, {res['file_mb']} MB, schema {res['schema']}"
             + (f" (generated in {res['generate_s']} s)" if "generate_s" in res else " (reused)")]
    lines.append(f"overview open, cold page cache and cold summary: {res['open_s']:.2f} s "
                 f"(summary from the {res['source']}) — target ≤ {OPEN_TARGET_S:g} s: "
                 f"{'OK' if res['open_ok'] else 'MISSED'}")
    lines.append(f"plain sqlite3 full scan of the same cold file: {res['full_scan_s']:.2f} s; "
                 f"open / full scan = {res['ratio_open_to_scan']:.3f}")
    if "scrub_fps" in res:
        lines.append(f"overview tab filled in {res['overview_tab_s']:.2f} s, timeline in {res['timeline_fill_s']:.2f} s")
        if "scrub_minutes_fps" in res:
            lines.append(f"scrub from the minute rows (no checkpoints yet): {res['scrub_minutes_fps']:.1f} frames/s; "
                         f"checkpoints built into the cache in {res['checkpoint_build_s']:.1f} s (once)")
        lines.append(f"scrub (checkpoints from the {res['checkpoints']}), cold file: {res['scrub_fps']:.1f} frames/s "
                     f"on random jumps ({res['scrub_ms_per_jump']:.1f} ms each, {res['scrub_cpu_ms_per_jump']:.1f} ms "
                     f"of CPU), every SKU's state updated — target ≥ {SCRUB_TARGET_FPS:g}: "
                     f"{'OK' if res['scrub_ok'] else 'MISSED'}")
        lines.append(f"scrub, warm: {res['scrub_warm_fps']:.1f} frames/s ({res['scrub_warm_ms_per_jump']:.1f} ms a jump, "
                     f"{res['scrub_warm_cpu_ms_per_jump']:.1f} ms of CPU; state_at alone {res['state_at_warm_ms']:.1f} ms)")
    elif "ui" in res:
        lines.append(f"window: {res['ui']}")
    return "\n".join(lines)

def figures(res: dict) -> list[dict]:
    """The common-shape figures (bench/figures.py); the open target is for a 10M-event log."""
    from bench.figures import figure

    n = res["events"]
    out = [figure(f"review open, {n / 1e6:g}M events, cold", res.get("open_s"), OPEN_TARGET_S * n / DEFAULT_EVENTS,
                  "<=", "s", kind="absolute", note=f"target scaled from {OPEN_TARGET_S:g} s per 10M")]
    if "scrub_fps" in res:
        out.append(figure("review scrub, cold", res["scrub_fps"], SCRUB_TARGET_FPS, unit="frames/s", kind="absolute"))
        out.append(figure("review scrub, warm", res["scrub_warm_fps"], SCRUB_TARGET_FPS, unit="frames/s",
                          kind="absolute"))
    return out



if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--events", type=int, default=None)
    ap.add_argument("--scrubs", type=int, default=200)
    ap.add_argument("--log", default=None, help="bench this log instead of the generated one (never changed)")
    a = ap.parse_args()
    print(report(run(quick=a.quick, events=a.events, scrubs=a.scrubs, log=a.log)))
