"""Peak benchmark: the ``flash-sale`` show at its biggest, through the real core with everything attached.

A shop process publishes the ``flash-sale`` scenario's catalogue scaled to **5,000 orders/s plus
50,000 cart and traffic events/s** (45,000 carts, 5,000 traffic) for 10 minutes of shop time
(``--quick``: 20 s), in real time: the shop clock is the wall clock, so the engine (whose clock is
the events' ``ts``) sees the show as it would live.  The publisher is the real shop protocol
(:class:`~controlroom.shop.ShopServer`, CURVE, stamped ``seq``, batches per topic, heartbeats,
commands answered from a :class:`~controlroom.simulate.model.ShopModel` book) but builds its
events itself in 10 ms slices: the demo shop's demand model cannot produce that rate.  The shop
never sells what it does not have (a sold-out or frozen SKU's orders go to another SKU), so the
flash SKUs sell out and the engine's auto-freeze sends commands under load.

This process runs the core: a :class:`~controlroom.live.session.LiveSession` with its session log
writer and its state stream (CURVE, per-run keys); a third process holds **two** state-stream views
(:class:`~controlroom.state.client.StateClient`, each with its own viewer key), as two host views or
a desk and a host view would.

Checked and reported: no loss (every event the shop stamped is applied once: seq, no gap, no
reject, per-topic counts equal), no resync (feed and both views), bounded queues (the feed backlog
between shop and core, the log writer's queue, the core's lag behind the shop clock), final stock
exact against the shop's books (core mirror and both views), the log's event count exact, the
sustained rate and the views' lag (receipt wall time - the view's shop ``ts``).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__" and __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

ORDERS_PER_S = 5_000
OTHER_PER_S = 50_000  # carts and traffic
TRAFFIC_SHARE = 0.1  # of OTHER_PER_S
SLICE_S = 0.01
FULL_S, QUICK_S = 600.0, 20.0
LAG_TARGET_MS = 1000.0  # a view more than a second behind the shop is no longer live


def _send(conn, obj) -> None:
    conn.send_bytes(orjson.dumps(obj))  # JSON on the pipes: nothing is unpickled


def _recv(conn, timeout: float):
    if not conn.poll(timeout):
        raise TimeoutError("benchmark process did not answer")
    return orjson.loads(conn.recv_bytes())


def _scenario(seconds: float, orders_per_s: float):
    """``flash-sale`` with its schedule scaled to ``seconds`` and its stock to the order rate.

    Each flash SKU holds about 90 % of what its feature window sells, so it sells out
    (or is frozen) near the end of it; the profit SKUs never run dry."""
    from controlroom.simulate.scenarios import make_scenario

    sc = make_scenario("flash-sale", 1)
    k = seconds / sc.duration_s
    sc.duration_s = seconds
    sc.featured = [(a * k, b * k, sku) for a, b, sku in sc.featured]
    feat_s = sc.featured[0][1] - sc.featured[0][0]
    for s in sc.skus:
        s.flashes = []
        s.stock = int(0.9 * 0.6 * orders_per_s * feat_s) + 50 if s.tier == "traffic_driver" else 10**9
    return sc


def _shop_main(conn, keys_dir: str, seconds: float, orders_per_s: float, other_per_s: float, seq_out) -> None:
    """The shop process: serve the first snapshots, then publish in real time for ``seconds``."""
    import zmq

    from controlroom.security.keys import ensure_demo_keys
    from controlroom.shop import ShopServer
    from controlroom.simulate.model import ShopModel

    ctx = zmq.Context()
    curve, _ = ensure_demo_keys(keys_dir, context=ctx)
    sc = _scenario(seconds, orders_per_s)
    model = ShopModel(sc, seed=1, lag_s=0.0, start_ts=time.time())
    st = model.stamper
    shop = ShopServer(model, st, context=ctx, curve=curve, events_endpoint="tcp://127.0.0.1:*",
                      requests_endpoint="tcp://127.0.0.1:*")
    _send(conn, [shop.events_endpoint, shop.requests_endpoint])
    skus = [s.sku for s in sc.skus]
    prices = [s.price_cents for s in sc.skus]
    flash = [i for i, s in enumerate(sc.skus) if s.tier == "traffic_driver"]
    profit = [i for i, s in enumerate(sc.skus) if s.tier != "traffic_driver"]
    avail, frozen = model.available, model.frozen
    import random

    rng = random.Random(7)
    # Pre-drawn SKU choices per featured SKU (60 % the featured one, 20 % the other flash SKUs, 20 % profit).
    pools = {}
    for f in [None, *flash]:
        w = [(0.6 if i == f else (0.2 / max(1, len(flash) - (f is not None)))) if i in flash else 0.2 / len(profit)
             for i in range(len(skus))]
        pools[f] = rng.choices(range(len(skus)), w, k=4096)
    cart_pool = [(skus[i], 1 if rng.random() < 0.7 else -1) for i in rng.choices(range(len(skus)), k=4096)]
    sent = {"order": 0, "cart": 0, "traffic": 0}
    units = 0
    pub = shop.pub.send_multipart
    stamp = st.stamp
    try:
        while not conn.poll(0):  # until "go": serve snapshots (the core's and the views' start)
            shop.poll(10)
        conn.recv_bytes()
        t0 = time.perf_counter()
        model.start_ts = time.time()
        n_o = n_c = n_t = 0
        rates = (orders_per_s, other_per_s * (1 - TRAFFIC_SHARE), other_per_s * TRAFFIC_SHARE)
        while True:
            el = time.perf_counter() - t0
            if el >= seconds:
                break
            now = model.now = time.time()
            t_show = now - model.start_ts
            feat = next((f for a, b, f in sc.featured if a <= t_show < b), None)
            fi = skus.index(feat) if feat else None
            model.featured = feat
            # At most 50 ms of feed per slice when behind: requests (commands) stay served.
            do, dc, dt = (min(int(el * r) - n, int(0.05 * r) + 1) for r, n in zip(rates, (n_o, n_c, n_t)))
            if do > 0:
                pool, evs = pools[fi], []
                for j in range(do):
                    i = pool[(n_o + j) & 4095]
                    if avail[i] <= 0 or frozen[i]:
                        i = profit[(n_o + j) % len(profit)]  # the shop sells what it has
                    q = 2 if (n_o + j) % 7 == 0 and avail[i] >= 2 else 1
                    avail[i] -= q
                    units += q
                    evs.append(stamp({"order_id": f"p{n_o + j}", "sku": skus[i], "qty": q, "price_cents": prices[i],
                                      "channel": "live"}, now))
                pub([b"order", orjson.dumps(evs)])
                n_o += do
            if dc > 0:
                pub([b"cart", orjson.dumps([stamp({"sku": s, "delta": d}, now)
                                            for s, d in (cart_pool[(n_c + j) & 4095] for j in range(dc))])])
                n_c += dc
            if dt > 0:
                v = int(sc.viewers(t_show))
                pub([b"traffic", orjson.dumps([stamp({"viewers": v, "entries": 5 + (n_t + j) % 40, "featured": feat},
                                                     now) for j in range(dt)])])
                n_t += dt
            seq_out.value = st.seq
            shop.poll(0)  # commands (auto-freeze) and heartbeats between slices
            seq_out.value = st.seq
            wait = t0 + el + SLICE_S - time.perf_counter()
            if wait > 0:
                shop.poll(int(wait * 1000))
        sent = {"order": n_o, "cart": n_c, "traffic": n_t}
        el = time.perf_counter() - t0
        _send(conn, {"kind": "done", "seq": st.seq, "sent": sent, "seconds": el})
        while True:  # keep serving (commands after the last order, heartbeats) until asked for the books
            if conn.poll(0):
                msg = orjson.loads(conn.recv_bytes())
                if msg == "book":
                    shop.poll(0)
                    seq_out.value = st.seq
                    _send(conn, {"seq": st.seq, "available": {s: int(avail[i]) for i, s in enumerate(skus)},
                                 "frozen": [s for i, s in enumerate(skus) if frozen[i]], "units": units,
                                 "heartbeats": shop.heartbeats, "commands": shop.commands_applied,
                                 "stock_events": st.seq - shop.heartbeats - sum(sent.values())})
                elif msg == "bye":
                    return
            shop.poll(10)
            seq_out.value = st.seq
    finally:
        shop.close()
        curve.close()
        ctx.destroy(0)


def _views_main(conn, pub: str, router: str, curves: list) -> None:
    """Two state-stream views in one process: lag per new view, frames, gaps, resyncs; the final stock."""
    import zmq

    from controlroom.state.client import StateClient

    ctx = zmq.Context()
    cls = [StateClient(pub, router, curve=tuple(x.encode() for x in c), ctx=ctx) for c in curves]
    poller = zmq.Poller()
    for c in cls:
        poller.register(c.sub, zmq.POLLIN)
        poller.register(c.dealer, zmq.POLLIN)
    lags: list[list[float]] = [[] for _ in cls]
    last_ts = [0.0] * len(cls)
    measuring = False
    try:
        while True:
            poller.poll(20)
            for i, c in enumerate(cls):
                if c.receive() and measuring and c.view.ts > last_ts[i]:
                    last_ts[i] = c.view.ts
                    lags[i].append((time.time() - c.view.ts) * 1000.0)
            if not conn.poll(0):
                continue
            msg = orjson.loads(conn.recv_bytes())
            if msg["kind"] == "ready?":
                _send(conn, all(c.seq >= 0 for c in cls))
            elif msg["kind"] == "measure":
                measuring = bool(msg["on"])
                last_ts = [c.view.ts for c in cls]
            elif msg["kind"] == "final":
                want, deadline = msg["available"], time.monotonic() + 15
                match = [False] * len(cls)
                while time.monotonic() < deadline and not all(match):
                    poller.poll(20)
                    for i, c in enumerate(cls):
                        c.receive()
                        match[i] = {x.sku: x.available for x in c.view.skus} == want
                _send(conn, [{"match": m, "frames": c.frames, "skipped": c.skipped, "gaps": c.gaps,
                              "resyncs": c.resyncs, "lags_ms": sorted(lags[i]), "health": c.health,
                              "decode_ms": c.decode_ms} for i, (c, m) in enumerate(zip(cls, match))])
                return
    finally:
        for c in cls:
            c.close()
        ctx.destroy(0)


def _pct(xs: list[float], p: float) -> float:
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")


def run(quick: bool = False, seconds: float | None = None, orders_per_s: float = ORDERS_PER_S,
        other_per_s: float = OTHER_PER_S) -> dict:
    """Run the show (``seconds`` of shop time, 10 minutes by default, 20 s with ``quick``); return the figures."""
    import zmq

    from controlroom.live.session import LiveSession
    from controlroom.log import SessionLog
    from controlroom.security.keys import ensure_demo_keys
    from controlroom.settings import load_settings
    from controlroom.state.server import StreamConfig

    seconds = seconds or (QUICK_S if quick else FULL_S)
    tmp = tempfile.TemporaryDirectory(prefix="bench-peak-")
    keys_dir = os.path.join(tmp.name, "keys")
    server_curve, client_curve = ensure_demo_keys(keys_dir)  # made here, loaded by the shop too
    server_curve.close()
    mpc = mp.get_context("spawn")
    seq_val = mpc.Value("q", 0, lock=False)
    shop_c, shop_child = mpc.Pipe()
    shop = mpc.Process(target=_shop_main, args=(shop_child, keys_dir, seconds, orders_per_s, other_per_s, seq_val),
                       daemon=True)
    shop.start()
    views = session = log = None
    views_c = None
    samples = {"backlog": [], "core_lag_ms": [], "log_queue": []}
    try:
        ev_ep, rq_ep = _recv(shop_c, 60)
        settings = load_settings(None, {"feed.events_endpoint": ev_ep, "feed.requests_endpoint": rq_ep})
        server = zmq.curve_keypair()
        viewer_keys = [zmq.curve_keypair() for _ in range(2)]
        stream = StreamConfig("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", server_keys=server,
                              clients={k[0].decode(): (f"view-{i + 1}", "viewer") for i, k in enumerate(viewer_keys)})
        log_path = Path(tmp.name) / "peak.sqlite"
        log = SessionLog(log_path, room="demo-flash", settings={}, app_version="bench").start()
        session = LiveSession(settings, curve=client_curve, session_log=log, operator="peak", stream=stream).start()
        _wait(lambda: session.feed is not None and session.feed.state == "live", 60, "the core never went live")
        pub, router = session.stream_endpoints
        views_c, views_child = mpc.Pipe()
        views = mpc.Process(target=_views_main, args=(views_child, pub, router,
                                                      [[server[0].decode(), k[0].decode(), k[1].decode()]
                                                       for k in viewer_keys]), daemon=True)
        views.start()

        def views_ready() -> bool:
            _send(views_c, {"kind": "ready?"})
            return bool(_recv(views_c, 30))

        _wait(views_ready, 60, "the views got no snapshot")
        _send(views_c, {"kind": "measure", "on": True})
        seq0, counts0, t0 = session.feed.seq, dict(session.feed.counts), time.perf_counter()
        _send(shop_c, "go")
        done = None
        while done is None:  # sample the queues while the shop publishes
            if shop_c.poll(0.25):
                done = orjson.loads(shop_c.recv_bytes())
            feed = session.feed
            samples["backlog"].append(max(0, seq_val.value - feed.seq))
            if feed.mirror.last_ts:
                samples["core_lag_ms"].append(max(0.0, (time.time() - feed.mirror.last_ts) * 1000.0))
            samples["log_queue"].append(log.stats["queue_depth"])
            if not shop.is_alive():
                raise RuntimeError("the shop process died")
        t_pub = time.perf_counter() - t0
        _wait(lambda: session.feed.seq >= done["seq"], 600, "the core never caught up")
        t_all = time.perf_counter() - t0
        _send(views_c, {"kind": "measure", "on": False})
        time.sleep(1.0)  # commands the last orders triggered, then the books
        _send(shop_c, "book")
        book = _recv(shop_c, 30)
        _wait(lambda: session.feed.seq >= book["seq"], 60, "the core never caught up with the books")
        feed = session.feed
        fsum = feed.summary()
        mirror_avail, orders, units = feed.mirror.available(), feed.mirror.orders, feed.mirror.units
        _send(views_c, {"kind": "final", "available": book["available"]})
        vres = _recv(views_c, 60)
        lstats = log.stats
        session.stop()  # closes the log
        session = None
        # The core's counts once it has stopped: the shop heartbeats on until "bye", and a heartbeat the
        # core took after fsum (the views' final answer can take over 0.5 s on a loaded machine) is in
        # the log too; compared with fsum's counts the log then has one more "hb" row than the core.
        closed_counts = {k: v for k, v in feed.summary()["events"].items() if v}
        with sqlite3.connect(log_path) as db:
            log_counts = dict(db.execute("SELECT topic, count(*) FROM events GROUP BY topic").fetchall())
    finally:
        if session is not None:
            session.stop()
        elif log is not None:
            log.close()
        for c in (shop_c, views_c):
            if c is not None:
                try:
                    _send(c, "bye")
                except (OSError, ValueError):
                    pass
        for p in (shop, views):
            if p is not None:
                p.join(10)
                if p.is_alive():
                    p.terminate()
        tmp.cleanup()
    sent = done["sent"]
    shop_counts = {**sent, "hb": book["heartbeats"], "stock": book["stock_events"]}
    core_counts = {k: v for k, v in fsum["events"].items() if v}  # since the core's first snapshot
    run_counts = {k: v - counts0.get(k, 0) for k, v in core_counts.items()}  # since "go"
    applied = fsum["seq"]
    # Every event the shop stamped after "go" is applied exactly once: by seq, in total and per topic.
    lost = (book["seq"] - applied) + abs(sum(run_counts.values()) - (book["seq"] - seq0)) \
        + sum(abs(run_counts.get(k, 0) - n) for k, n in sent.items())
    lags = sorted(x for v in vres for x in v["lags_ms"])
    return {
        "seconds": seconds, "orders_per_s": orders_per_s, "other_per_s": other_per_s,
        "events": sum(sent.values()), "shop_seconds": done["seconds"],
        "shop_events_per_s": sum(sent.values()) / done["seconds"],
        "core_events_per_s": (done["seq"] - seq0) / t_all, "publish_s": t_pub, "catch_up_s": t_all - t_pub,
        "shop_seq": book["seq"], "core_seq": applied, "gaps": fsum["gaps"], "resyncs": fsum["resyncs"],
        "rejects": sum(fsum["rejects"].values()), "shop_counts": shop_counts, "core_counts": core_counts,
        "lost": lost,
        "orders_exact": orders == sent["order"] and units == book["units"],
        "stock_mismatch": sorted(k for k in book["available"] if mirror_avail.get(k) != book["available"][k]),
        "frozen": book["frozen"], "commands": book["commands"],
        "views": [{k: v for k, v in x.items() if k != "lags_ms"} for x in vres],
        "view_lag_ms": {"n": len(lags), "p50": _pct(lags, 0.5), "p99": _pct(lags, 0.99), "max": lags[-1] if lags else None},
        # the log's rows per topic against the core's counts when it stopped (what it handed the log)
        "log_counts": log_counts, "core_counts_at_stop": closed_counts, "log_exact": log_counts == closed_counts,
        "log": {"max_queue_depth": lstats["max_queue_depth"], "bound": lstats["max_queue_batches"],
                "max_queue_rows": lstats.get("max_queue_rows_seen", 0), "row_bound": lstats.get("max_queue_rows", 0),
                "producer_waits": lstats["producer_waits"], "dropped": lstats["dropped"], "errors": lstats["errors"]},
        "max_backlog": max(samples["backlog"], default=0),
        "core_lag_ms": {"p50": _pct(sorted(samples["core_lag_ms"]), 0.5), "max": max(samples["core_lag_ms"], default=0)},
        "feed_rcvhwm": f"{settings.feed.receive_queue_messages} messages (beyond it the shop's SNDHWM, 1,000,000, "
                       "holds the backlog)", "quick": quick,
        "cpus": os.cpu_count(), "loadavg": os.getloadavg(),
    }


def _wait(pred, timeout: float, why: str) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise RuntimeError(why)
        time.sleep(0.05)


def report(r: dict) -> str:
    """The run in a few lines: rate, loss, resyncs, queues, stock, log, lag."""
    v = r["views"]
    lag = r["view_lag_ms"]
    return "\n".join([
        f"   {r['seconds']:g} s of shop time at {r['orders_per_s']:,.0f} orders/s + {r['other_per_s']:,.0f} cart/traffic/s: "
        f"{r['events']:,} events; shop sent {r['shop_events_per_s']:,.0f} ev/s, core applied {r['core_events_per_s']:,.0f} ev/s "
        f"(caught up {r['catch_up_s']:.2f} s after the last batch)",
        f"   seq shop {r['shop_seq']:,} / core {r['core_seq']:,}; lost {r['lost']}, gaps {r['gaps']}, rejects {r['rejects']}, "
        f"feed resyncs {r['resyncs']}; per topic shop {r['shop_counts']} core {r['core_counts']}",
        f"   views: resyncs {[x['resyncs'] for x in v]}, gaps {[x['gaps'] for x in v]}, frames {[x['frames'] for x in v]}, "
        f"final stock matches {[x['match'] for x in v]}; lag p50 {lag['p50']:.0f} ms, p99 {lag['p99']:.0f} ms, "
        f"max {lag['max'] or 0:.0f} ms ({lag['n']} views)",
        f"   queues: feed backlog max {r['max_backlog']:,} events; core behind the shop clock p50 "
        f"{r['core_lag_ms']['p50']:.0f} ms, max {r['core_lag_ms']['max']:.0f} ms; log queue max "
        f"{r['log']['max_queue_depth']} batches (bound {r['log']['bound']}), {r['log']['max_queue_rows']:,} rows "
        f"(bound {r['log']['row_bound']:,}), producer waits {r['log']['producer_waits']}",
        f"   stock exact against the books: {not r['stock_mismatch']} (frozen by the core: {r['frozen']}, "
        f"{r['commands']} commands); log rows exact: {r['log_exact']} {r['log_counts']}"
        + ("" if r["log_exact"] else f" (the core's at its stop: {r['core_counts_at_stop']})"),
    ])


def figures(r: dict) -> list[dict]:
    """The common-shape figures (bench/figures.py)."""
    from bench.figures import figure

    v = r["views"]
    target = r["orders_per_s"] + r["other_per_s"]
    view_resyncs = sum(x["resyncs"] + x["gaps"] for x in v)
    return [
        figure(f"peak: core sustained rate ({r['seconds']:g} s show)", r["core_events_per_s"], 0.98 * target, unit="ev/s",
               kind="absolute", met=r["core_events_per_s"] >= 0.98 * target and r["shop_events_per_s"] >= 0.98 * target,
               note=f"shop sent {r['shop_events_per_s']:,.0f} ev/s"),
        figure("peak: events lost (shop seq - applied once)", r["lost"], 0, "==",
               met=r["lost"] == 0 and r["gaps"] == 0 and r["rejects"] == 0 and r["orders_exact"]),
        figure("peak: resyncs (feed + two views)", r["resyncs"] + view_resyncs, 0, "=="),
        figure("peak: SKUs whose final stock differs from the books (core + views)",
               len(r["stock_mismatch"]) + sum(not x["match"] for x in v), 0, "=="),
        figure("peak: log event rows exact", r["log_exact"], True, "=="),
        figure("peak: log queue max / bound", r["log"]["max_queue_depth"] / r["log"]["bound"], 0.5, "<=",
               met=r["log"]["max_queue_depth"] < r["log"]["bound"] and r["log"]["dropped"] == 0),
        figure("peak: log queue rows max / row bound", r["log"]["max_queue_rows"] / max(1, r["log"]["row_bound"]), 0.5,
               "<=", met=r["log"]["max_queue_rows"] < r["log"]["row_bound"] and r["log"]["dropped"] == 0),
        figure("peak: feed backlog max (events queued shop -> core)", r["max_backlog"], target, "<=",
               unit="ev", kind="absolute", note="target: one second of feed"),
        figure("peak: view lag p99 (receipt - shop ts)", r["view_lag_ms"]["p99"], LAG_TARGET_MS, "<=", "ms",
               kind="absolute"),
    ]


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seconds", type=float, default=None)
    a = ap.parse_args()
    print(report(r := run(a.quick, a.seconds)))
