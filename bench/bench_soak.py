"""Soak benchmark: a long show through the real core, its resident memory sampled every simulated 10 minutes.

A shop process publishes a show in *shop time* (the engine's clock is the events' ``ts``):
4 simulated hours of orders, cart changes and traffic for ``skus`` SKUs, as fast as the core
takes them.  After each simulated 10 minutes it waits until the core has applied every event,
and this process — the core (a :class:`~controlroom.live.session.LiveSession` on its own
thread, with its session log writer attached, as the desk runs it in-thread) — samples its
own RSS.  Full: 500 SKUs, 10,000,000 events (the issue's 4-hour show); ``--quick``: 100 SKUs,
200,000 events (same 4 simulated hours, so everything that grows with time is exercised).

The shop also waits at every 10 shop seconds until the core has applied everything and the log
has committed it (:func:`_shop`): a real 4-hour show never lets the writer fall minutes behind.

Figures: peak RSS (target <= 300 MB) and the growth over the last three hours (flat after
warm-up: target <= 10 % of the peak).
"""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__" and __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The census lives in the core so that the desk's core child can take it too (bench_soak_desk).
from controlroom.live.census import census  # noqa: E402

SHOW_S = 4 * 3600
SAMPLE_S = 600
T0 = 1_760_000_000.0
PEAK_TARGET_MB = 300.0


def rss_mb(pid: int | None = None) -> float:
    """Resident set size of a process (Linux /proc), in MB."""
    with open(f"/proc/{pid or 'self'}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


class _Book:
    """The shop's catalogue: stock that lasts the show (restocked when low, as a shop does)."""

    def __init__(self, n: int) -> None:
        self.skus = [{"sku": f"S{i:03d}", "name": f"SKU {i:03d}", "tier": ("traffic_driver", "profit", "long_tail")[i % 3],
                      "price_cents": 990 + 1000 * (i % 5), "available": 10**9, "frozen": False} for i in range(n)]
        self.viewers, self.featured = 20000, "S000"

    def snapshot(self) -> dict:
        return {"room": "soak", "viewers": self.viewers, "featured": self.featured, "skus": [dict(s) for s in self.skus]}

    def apply_command(self, req: dict) -> dict:
        return {"ok": False, "error": "the soak shop takes no commands"}

    def drain(self) -> list:
        return []


def _shop(conn, n_skus: int, n_events: int, slice_s: int = 10) -> None:
    """Publish the show chunk by chunk (10 simulated minutes each), waiting for "next" in between;
    and inside a chunk, after every ``slice_s`` shop seconds, for "ok": in a real show events come
    at 700 a second and the log writer never lags minutes behind the core, so the soak must not let
    it lag either (unpaced, a 10-minute chunk of 416,000 events queued up in the writer: that
    backlog, not the show's state, was most of the memory)."""
    import random

    import zmq

    from controlroom.shop import ShopServer, Stamper

    now = [T0]
    ctx = zmq.Context()
    stamper = Stamper("soak", clock=lambda: now[0])
    book = _Book(n_skus)
    shop = ShopServer(book, stamper, events_endpoint="tcp://127.0.0.1:*", requests_endpoint="tcp://127.0.0.1:*",
                      context=ctx)
    conn.send((shop.events_endpoint, shop.requests_endpoint))
    rng = random.Random(5)
    weights = [1.0 / (i + 1) ** 0.8 for i in range(n_skus)]
    pool = rng.choices(range(n_skus), weights, k=100_000)
    per_s = n_events / SHOW_S
    order_no = pi = 0
    try:
        while not conn.poll(0.01):  # serve the first snapshot until the core is live
            shop.poll(0)
        conn.recv()
        for chunk in range(SHOW_S // SAMPLE_S):
            t_end = T0 + (chunk + 1) * SAMPLE_S
            due = 0.0
            while now[0] < t_end:  # one shop-second at a time
                now[0] += 1.0
                due += per_s
                k = int(due)
                due -= k
                shop.publish("traffic", {"viewers": book.viewers + rng.randrange(-500, 500),
                                         "entries": rng.randrange(5, 50), "featured": book.featured})
                if int(now[0]) % 300 == 0:
                    book.featured = f"S{rng.randrange(n_skus):03d}"
                evs = []
                for j in range(k):
                    s = book.skus[pool[pi]]
                    pi = (pi + 1) % len(pool)
                    ts = now[0] + j / max(k, 1)
                    if j % 3 == 2:
                        evs.append(("cart", stamper.stamp({"sku": s["sku"], "delta": 1}, ts=ts)))
                    else:
                        order_no += 1
                        s["available"] -= 1
                        evs.append(("order", stamper.stamp({"order_id": f"o{order_no}", "sku": s["sku"], "qty": 1,
                                                            "price_cents": s["price_cents"], "channel": "live"}, ts=ts)))
                evs.sort(key=lambda e: e[0])  # orders then carts of this second: two batches, seq re-stamped in order
                seq0 = stamper.seq - len(evs)
                for i, (_, e) in enumerate(evs):
                    e["seq"] = seq0 + i + 1
                shop.send_stamped(evs)
                shop.poll(0)
                if int(now[0] - T0) % slice_s == 0 and now[0] < t_end:
                    conn.send(("slice", stamper.seq))
                    while not conn.poll(0.001):
                        shop.poll(0)
                    conn.recv()
            conn.send(("chunk", chunk, stamper.seq, order_no))
            while not conn.poll(0.01):  # keep heartbeats and snapshots going while the core catches up
                shop.poll(0)
            conn.recv()
        conn.send(("done", stamper.seq))
    finally:
        shop.close()
        ctx.destroy(0)


def _caught_up(session, log, seq: int) -> None:
    """Wait until the core has applied event ``seq`` and the log has committed it."""
    deadline = time.monotonic() + 600
    while session.feed.seq < seq and time.monotonic() < deadline:
        time.sleep(0.002)
    if session.feed.seq < seq:
        raise RuntimeError(f"the core never reached seq {seq} (at {session.feed.seq})")
    if not log.flush(600):
        raise RuntimeError(f"the session log did not commit: {log.stats['last_error']}")


def run(quick: bool = False, skus: int | None = None, events: int | None = None) -> dict:
    """Run the show in a fresh process (so the RSS is the core's, not what earlier benchmarks of
    this process left behind); returns the RSS samples and the figures."""
    mpctx = mp.get_context("spawn")
    parent, child = mpctx.Pipe()
    # not a daemon: it starts the shop process itself; joined or terminated below whatever happens
    proc = mpctx.Process(target=_core_main, args=(child, quick, skus, events))
    proc.start()
    try:
        while not parent.poll(1.0):
            if not proc.is_alive():
                raise RuntimeError(f"soak core process died (exit code {proc.exitcode})")
        ok, res = parent.recv()
    finally:
        proc.join(30)
        if proc.is_alive():
            proc.terminate()
    if not ok:
        raise RuntimeError(f"soak failed: {res}")
    return res


def _core_main(conn, quick: bool, skus: int | None, events: int | None) -> None:
    try:
        conn.send((True, _run_here(quick, skus, events)))
    except BaseException as e:  # the parent says why
        conn.send((False, f"{type(e).__name__}: {e}"))


def _run_here(quick: bool = False, skus: int | None = None, events: int | None = None) -> dict:
    """The measuring side: the core (LiveSession + session log) in this process, the shop in a child."""
    from controlroom.live.session import LiveSession
    from controlroom.log import SessionLog
    from controlroom.settings import load_settings

    n_skus = skus or (100 if quick else 500)
    n_events = events or (200_000 if quick else 10_000_000)
    mpctx = mp.get_context("spawn")
    parent, child = mpctx.Pipe()
    proc = mpctx.Process(target=_shop, args=(child, n_skus, n_events), daemon=True)
    proc.start()
    tmp = tempfile.TemporaryDirectory(prefix="bench-soak-")
    session = log = None
    samples: list[dict] = []
    t_start = time.perf_counter()
    try:
        if not parent.poll(60):
            raise RuntimeError("shop process did not start")
        ev_ep, rq_ep = parent.recv()
        settings = load_settings(None, {"feed.events_endpoint": ev_ep, "feed.requests_endpoint": rq_ep})
        log = SessionLog(Path(tmp.name) / "soak.sqlite", room="soak", settings={}, app_version="bench").start()
        session = LiveSession(settings, session_log=log, operator="soak").start()
        deadline = time.monotonic() + 60
        while (session.feed is None or session.feed.state != "live") and time.monotonic() < deadline:
            time.sleep(0.05)
        if session.feed is None or session.feed.state != "live":
            raise RuntimeError("the core never went live")
        samples.append({"sim_min": 0, "rss_mb": rss_mb(), "events": 0, "wall_s": 0.0})
        parent.send("go")
        while True:
            if not parent.poll(600):
                raise RuntimeError("shop process stalled")
            msg = parent.recv()
            if msg[0] == "done":
                break
            if msg[0] == "slice":
                _caught_up(session, log, msg[1])
                parent.send("ok")
                continue
            _, chunk, seq, _orders = msg
            _caught_up(session, log, seq)
            gc.collect()  # what stays after a collection, not the collector's timing
            samples.append({"sim_min": (chunk + 1) * SAMPLE_S // 60, "rss_mb": rss_mb(), "events": session.feed.seq,
                            "wall_s": time.perf_counter() - t_start, "log_queue": log.stats["queue_depth"],
                            **census(session, log)})
            parent.send("next")
        feed = session.feed.summary()
    finally:
        if session is not None:
            session.stop()
        if log is not None:
            log.close()
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
        tmp.cleanup()
    peak = max(s["rss_mb"] for s in samples)
    hour1 = next((s for s in samples if s["sim_min"] >= 60), samples[-1])
    return {"skus": n_skus, "events": samples[-1]["events"], "samples": samples, "peak_rss_mb": peak,
            "growth_last_3h_mb": samples[-1]["rss_mb"] - hour1["rss_mb"], "gaps": feed["gaps"],
            "resyncs": feed["resyncs"], "rejects": sum(feed["rejects"].values()), "quick": quick,
            "cpus": os.cpu_count(), "loadavg": os.getloadavg()}


def report(r: dict) -> str:
    """RSS every simulated 10 minutes, the peak and the growth after the first hour."""
    lines = [f"   {r['skus']} SKUs, {r['events']:,} events over 4 simulated hours "
             f"(gaps {r['gaps']}, resyncs {r['resyncs']}, rejects {r['rejects']}); core process RSS (MB):"]
    row = [f"{s['sim_min']:>4} min {s['rss_mb']:6.1f}" for s in r["samples"]]
    for i in range(0, len(row), 5):
        lines.append("   " + "   ".join(row[i:i + 5]))
    lines.append(f"   peak {r['peak_rss_mb']:.0f} MB (target <= {PEAK_TARGET_MB:g}); growth from 1 h to the end "
                 f"{r['growth_last_3h_mb']:+.1f} MB")
    last = r["samples"][-1]
    if "history_mb" in last:
        lines.append(f"   at the end: order ids remembered {last['ids_core']:,} (core mirror), {last['ids_log'] or 0:,} "
                     f"(log summary's); chart histories {last['history_mb']:.1f} MB; SQLite "
                     f"{last['sqlite_mb'] or 0:.1f} MB")
    return "\n".join(lines)


def figures(r: dict) -> list[dict]:
    """The common-shape figures (bench/figures.py)."""
    from bench.figures import figure

    return [figure(f"soak: core process peak RSS, {r['skus']} SKUs, {r['events']:,} events, 4 sim. hours",
                   r["peak_rss_mb"], PEAK_TARGET_MB, "<=", "MB", kind="absolute"),
            figure("soak: RSS growth from hour 1 to hour 4 / peak", r["growth_last_3h_mb"] / r["peak_rss_mb"], 0.10, "<=",
                   met=r["growth_last_3h_mb"] <= 0.10 * r["peak_rss_mb"] and r["gaps"] == 0)]


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skus", type=int, default=None)
    ap.add_argument("--events", type=int, default=None)
    a = ap.parse_args()
    print(report(run(a.quick, a.skus, a.events)))
