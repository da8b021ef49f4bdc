"""Host view: event → host-view pixel, on loopback, with the engine in another process.

An engine process (:mod:`bench.host_engine`: demo shop + LiveSession serving the state
stream with CURVE, shop clock = wall clock) and a host-view process (``controlroom host``,
offscreen, tracing every painted frame with the wall time after the paint) run side by side.

* **prompt → pixel** (the figure the target applies to): an operator client sends a prompt
  over the stream at a known wall time; the clock stops when the host view has painted a
  frame showing it.  The path: operator DEALER → engine ROUTER → core thread → next view
  snapshot (10 Hz) → PUB → host view's SUB (polled every 20 ms) → paint.
* **baseline** (same run, same path minus the host view): a bare StateClient in this process
  polling in a tight loop sees the same prompt arrive.
* **shop event → pixel**: every shop event the engine logged (its ``received_at``, wall clock,
  from the session log) against the first painted frame whose feed seq includes it.  The
  loopback hop from the shop to the engine (well under a millisecond) is not counted.
"""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import numpy as np

TARGET_P99_MS = 200.0


def _stats(ms: list[float]) -> dict:
    a = np.asarray(ms, float)
    if a.size == 0:
        return {"n": 0}
    return {"n": int(a.size), "p50_ms": round(float(np.percentile(a, 50)), 1),
            "p99_ms": round(float(np.percentile(a, 99)), 1), "max_ms": round(float(a.max()), 1)}


def _events_to_pixel(log: Path, frames: list[dict]) -> list[float]:
    """For each logged shop event: ms from the engine receiving it to the first painted frame that includes it."""
    import sqlite3

    con = sqlite3.connect(f"file:{log}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT seq, received_at FROM events ORDER BY id").fetchall()
    finally:
        con.close()
    shown = [(x["feed_seq"], x["t"]) for x in frames if x["health"] == "live"]
    out, i = [], 0
    first_seq = shown[0][0] if shown else None
    for seq, received_at in rows:
        if first_seq is None or seq <= first_seq:
            continue  # already in the first frame (before the clock started)
        while i < len(shown) and shown[i][0] < seq:
            i += 1
        if i == len(shown):
            break  # never painted before the run ended
        out.append((shown[i][1] - received_at) * 1000.0)
    return out


def run(quick: bool = False) -> dict:
    """Run the benchmark; ``quick``: a handful of probes (a smoke run)."""
    from controlroom.state.client import StateClient
    from bench.host_harness import Engine, HostProcess, free_port_pair, make_keys

    probes = 5 if quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        keys = make_keys(Path(tmp))
        port = free_port_pair()
        log = Path(tmp) / "bench.sqlite"
        engine = Engine(port, keys["engine"], log, speed=1.0, rate=0.5)
        host = HostProcess(port, keys["host"], size="1280x720" if quick else "1920x1080")
        op = StateClient(engine.info["pub"], engine.info["router"], curve=keys["operator"])
        bare = StateClient(engine.info["pub"], engine.info["router"], curve=keys["operator"])
        try:
            if not host.wait_for(lambda x: x["health"] == "live" and x["sku"], 60):
                raise RuntimeError("the host view never showed the engine's stream")
            to_pixel, to_client, missed = [], [], 0
            for k in range(probes):
                text = f"probe {k}"
                t0 = time.time()
                op.send_request("prompt", {"text": text})
                end = time.monotonic() + 5
                seen_bare = None
                while time.monotonic() < end:
                    op.receive()
                    bare.receive()
                    if seen_bare is None and bare.view.prompt is not None and bare.view.prompt.text == text:
                        seen_bare = time.time()
                        break
                    time.sleep(0.0005)
                shown = host.wait_for(lambda x, text=text: x.get("prompt_text") == text, 5, since=t0)
                if shown is None or seen_bare is None:
                    missed += 1
                    continue
                to_pixel.append((shown["t"] - t0) * 1000.0)
                to_client.append((seen_bare - t0) * 1000.0)
                time.sleep(random.uniform(0.05, 0.25))  # no phase lock with the engine's 10 Hz snapshots
            frames = host.since(0)
        finally:
            op.close()
            bare.close()
            host.close()
            engine.stop()  # a clean stop: the session log is complete
        events = _events_to_pixel(log, frames)
    res = {"prompt_to_pixel": _stats(to_pixel), "baseline_prompt_to_client": _stats(to_client),
           "event_to_pixel": _stats(events), "missed": missed, "target_p99_ms": TARGET_P99_MS}
    p99s = [res[k].get("p99_ms") for k in ("prompt_to_pixel", "event_to_pixel")]
    res["ok"] = all(p is not None and p <= TARGET_P99_MS for p in p99s)
    return res


def report(res: dict) -> str:
    """Human-readable lines."""
    px, base, st = res["prompt_to_pixel"], res["baseline_prompt_to_client"], res["event_to_pixel"]
    ratio = (px["p99_ms"] / base["p99_ms"]) if px.get("n") and base.get("p99_ms") else float("nan")
    return "\n".join([
        f"   prompt → host-view pixel: p50 {px.get('p50_ms')} ms, p99 {px.get('p99_ms')} ms, max {px.get('max_ms')} ms "
        f"(n={px.get('n')}, missed {res['missed']}) — target p99 ≤ {res['target_p99_ms']:.0f} ms: "
        f"{'OK' if px.get('p99_ms', 1e9) <= res['target_p99_ms'] else 'MISSED'}",
        f"   baseline, prompt → bare StateClient: p50 {base.get('p50_ms')} ms, p99 {base.get('p99_ms')} ms "
        f"(host view / baseline p99: {ratio:.2f}x)",
        f"   shop event (received by the engine) → host-view pixel: p50 {st.get('p50_ms')} ms, "
        f"p99 {st.get('p99_ms')} ms, max {st.get('max_ms')} ms (n={st.get('n')}) — target p99 ≤ "
        f"{res['target_p99_ms']:.0f} ms: {'OK' if st.get('p99_ms', 1e9) <= res['target_p99_ms'] else 'MISSED'}",
    ])


def figures(res: dict) -> list[dict]:
    """The common-shape figures (bench/figures.py): event/prompt → host-view pixel p99, target 200 ms."""
    from bench.figures import figure

    return [figure("host view: prompt → pixel p99", res["prompt_to_pixel"].get("p99_ms"), TARGET_P99_MS, "<=",
                   "ms", kind="absolute"),
            figure("host view: shop event → pixel p99", res["event_to_pixel"].get("p99_ms"), TARGET_P99_MS, "<=",
                   "ms", kind="absolute")]
