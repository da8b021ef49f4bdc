"""Benchmark of the command channel: freeze round-trip (sent -> acked) while the feed carries 20,000 events/s.

Run: ``.venv/bin/python bench/bench_commands.py [--quick] [--no-curve] [--rate N]`` (or ``run(quick)``).

Set-up, as in a live show on one machine over loopback:

* a **shop process** (a real :class:`~controlroom.shop.ShopServer` over the demo
  :class:`~controlroom.simulate.model.ShopModel`, CURVE on by default) publishes
  ``order`` events on its PUB socket at the target rate, one event per message
  (the hardest case: no batching), paced in 1 ms slices, and serves commands on
  its ROUTER between slices;
* this process plays the **core thread**: one loop, one ``zmq.Poller`` over the
  feed SUB and the :class:`~controlroom.commands.CommandClient` DEALER; every feed
  message is decoded and validated (``protocol.decode_topic``/``decode_payload``/
  ``validate_event``) as the feed client would, and one command at a time is sent
  (freeze/unfreeze alternately, 2 ms apart), its round-trip taken from the record
  (``rtt_ms``: first send -> reply read by the core loop).

Phases in one run, alternating in blocks: **baseline** (same processes, feed at
0 events/s) and **loaded** (feed at the target rate).  Prints p50/p99/max of each, the loaded/baseline
ratio, the feed rate the subscriber actually received, and seq gaps (dropped events).
Target: loaded p99 < 5 ms.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script (also the spawned shop process)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import zmq

from controlroom.commands import CommandClient
from controlroom.security.keys import ensure_demo_keys
from controlroom.simulate.harness import paced_shop_main
from controlroom.protocol import Reject, decode_payload, decode_topic, validate_event

TARGET_P99_MS = 5.0
FEED_SLICE = 200  # feed messages drained per loop turn before looking at command replies again
FEED_RATE = 20_000
SKU = "PF01"


# --- the core-thread side ---------------------------------------------------------------------------

def _percentile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, int(round(q / 100.0 * (len(s) - 1)))))
    return s[k]


def _phase(cc: CommandClient, sub: zmq.Socket, n: int, warmup: int, interval_s: float) -> dict:
    """One core loop: drain+validate the feed, send one command at a time, collect round-trips.

    Like the core thread should, it reads command replies before feed messages and drains at
    most FEED_SLICE feed messages per turn, so a burst of feed never sits in front of a reply.
    """
    poller = zmq.Poller()
    poller.register(cc.socket, zmq.POLLIN)
    poller.register(sub, zmq.POLLIN)
    rtts: list[float] = []
    events = msgs = gaps = rejects = 0
    last_seq = None
    inflight = None
    next_send = time.monotonic()
    op_i = 0
    t_measure = None
    ev_measure = 0
    deadline = time.monotonic() + 60 + n * 0.05  # every loop is bounded in time
    while len(rtts) < n + warmup and time.monotonic() < deadline:
        now = time.monotonic()
        wait_ms = 1 if inflight is not None else max(0, int((next_send - now) * 1000))
        ready = dict(poller.poll(min(wait_ms, 5)))
        if cc.socket in ready:
            cc.handle_readable()
        if sub in ready:
            for _ in range(FEED_SLICE):
                try:
                    topic, payload = sub.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                msgs += 1
                try:
                    t = decode_topic(topic)
                    for ev in decode_payload(payload):
                        validate_event(t, ev)
                        events += t != "hb"
                        if last_seq is not None and ev["seq"] > last_seq + 1:
                            gaps += ev["seq"] - last_seq - 1
                        last_seq = ev["seq"]
                except Reject:
                    rejects += 1
        cc.service()
        if inflight is not None and inflight.done:
            if inflight.state != "acked":
                raise RuntimeError(f"command {inflight.op} ended {inflight.state}: {inflight.error}")
            rtts.append(inflight.rtt_ms)
            inflight = None
            next_send = time.monotonic() + interval_s
            if len(rtts) == warmup:
                t_measure, ev_measure = time.monotonic(), events
        if inflight is None and time.monotonic() >= next_send and len(rtts) < n + warmup:
            inflight = cc.submit("freeze" if op_i % 2 == 0 else "unfreeze", SKU, by="bench")
            op_i += 1
    cc.take_updates()
    got = rtts[warmup:]
    if len(got) < n or t_measure is None:
        raise RuntimeError(f"only {len(got)} of {n} round-trips within the time limit")
    elapsed = time.monotonic() - t_measure
    return {"rtts": got, "events": events - ev_measure, "seconds": elapsed, "messages": msgs, "gaps": gaps,
            "rejects": rejects}


def _stats(parts: list[dict]) -> dict:
    got = [x for p in parts for x in p["rtts"]]
    secs = sum(p["seconds"] for p in parts)
    return {"n": len(got), "p50_ms": _percentile(got, 50), "p90_ms": _percentile(got, 90),
            "p99_ms": _percentile(got, 99), "p999_ms": _percentile(got, 99.9), "max_ms": max(got),
            "mean_ms": statistics.fmean(got), "feed_events_per_s": sum(p["events"] for p in parts) / secs,
            "feed_messages": sum(p["messages"] for p in parts), "feed_seq_gaps": sum(p["gaps"] for p in parts),
            "feed_rejects": sum(p["rejects"] for p in parts), "seconds": secs}


def run(quick: bool = False, *, curve: bool = True, rate: int = FEED_RATE, n: int | None = None) -> dict:
    """Run the benchmark; returns the numbers (and prints nothing)."""
    n = n or (400 if quick else 4000)
    blocks = 2 if quick else 8
    warmup = 50
    interval_s = 0.002
    load_before = _loadavg()
    tmp = tempfile.TemporaryDirectory(prefix="bench-keys-")
    keys_dir = os.path.join(tmp.name, "keys") if curve else None
    client_curve = None
    if curve:
        server_curve, client_curve = ensure_demo_keys(keys_dir)  # made here, loaded by both sides
        server_curve.close()
    mpctx = mp.get_context("spawn")
    parent, child = mpctx.Pipe()
    proc = mpctx.Process(target=paced_shop_main, args=(child, keys_dir, SKU), daemon=True)
    proc.start()
    ctx = zmq.Context()
    cc = sub = None
    try:
        if not parent.poll(30):
            raise RuntimeError("shop process did not start")
        events_ep, requests_ep = parent.recv()
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.RCVHWM, 1_000_000)
        if client_curve is not None:
            client_curve.apply(sub)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(events_ep)
        cc = CommandClient(requests_ep, context=ctx, curve=client_curve, timeout_ms=1000, retries=3)

        def set_rate(r: float) -> None:
            parent.send(("rate", r))
            if not parent.poll(10):
                raise RuntimeError("shop process did not answer")
            parent.recv()

        # Baseline and loaded blocks alternate, so a noisy neighbour on the machine hits both alike.
        base_parts, load_parts = [], []
        per = max(1, n // blocks)
        for _ in range(blocks):
            set_rate(0)
            base_parts.append(_phase(cc, sub, per, warmup, interval_s))
            set_rate(rate)
            load_parts.append(_phase(cc, sub, per, warmup, interval_s))  # warm-up lets the feed reach pace
        set_rate(0)
        baseline, loaded = _stats(base_parts), _stats(load_parts)
        parent.send(("stop",))
        shop_stats = parent.recv() if parent.poll(10) else {}
    finally:
        if cc is not None:
            cc.close()
        if sub is not None:
            sub.close(0)
        ctx.destroy(0)
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
        tmp.cleanup()
    return {
        "curve": curve, "feed_target_events_per_s": rate, "quick": quick,
        "baseline": baseline, "loaded": loaded,
        "ratio_p50": loaded["p50_ms"] / baseline["p50_ms"],
        "ratio_p99": loaded["p99_ms"] / baseline["p99_ms"],
        "target_p99_ms": TARGET_P99_MS, "meets_target": loaded["p99_ms"] < TARGET_P99_MS,
        "commands_applied": shop_stats.get("applied"), "cpus": os.cpu_count(),
        "loadavg_before": load_before, "loadavg_after": _loadavg(),
    }


def figures(r: dict) -> list[dict]:
    """The common-shape figures (bench/figures.py)."""
    from bench.figures import figure

    return [figure(f"freeze round trip p99 under {r['feed_target_events_per_s']:,} ev/s", r["loaded"]["p99_ms"],
                   TARGET_P99_MS, "<=", "ms", kind="absolute"),
            figure("round trip p99 loaded / idle", r["ratio_p99"])]


def _loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # pragma: no cover - Windows
        return None


def report(r: dict) -> str:
    b, ld = r["baseline"], r["loaded"]
    lines = [
        f"command round-trip (freeze/unfreeze, sent -> acked), loopback, CURVE {'on' if r['curve'] else 'off'}, "
        f"{r['cpus']} CPUs, load average {r['loadavg_before']} before / {r['loadavg_after']} after",
    ]
    for name, x in (("baseline (feed idle)    ", b), (f"loaded (feed {r['feed_target_events_per_s']:,}/s)", ld)):
        lines.append(f"  {name} n={x['n']:5d}  p50 {x['p50_ms']:.3f}  p90 {x['p90_ms']:.3f}  p99 {x['p99_ms']:.3f}  "
                     f"p99.9 {x['p999_ms']:.3f}  max {x['max_ms']:.3f} ms")
    lines += [
        f"  loaded/baseline: p50 x{r['ratio_p50']:.2f}  p99 x{r['ratio_p99']:.2f}",
        f"  feed received while loaded: {ld['feed_events_per_s']:,.0f} events/s "
        f"({ld['feed_messages']:,} messages, {ld['feed_seq_gaps']} seq gaps, {ld['feed_rejects']} rejects)",
        f"  target p99 < {r['target_p99_ms']} ms: {'MET' if r['meets_target'] else 'NOT MET'}; "
        f"shop applied {r['commands_applied']} commands",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer round-trips (a smoke run)")
    p.add_argument("--no-curve", action="store_true", help="plain TCP instead of CURVE")
    p.add_argument("--rate", type=int, default=FEED_RATE, help="feed events/s while loaded")
    p.add_argument("-n", type=int, default=None, help="round-trips per phase")
    a = p.parse_args(argv)
    r = run(a.quick, curve=not a.no_curve, rate=a.rate, n=a.n)
    print(report(r))
    return 0 if r["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
