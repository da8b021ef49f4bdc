"""Encode/decode cost per state frame, before and after issue 12, on a synthetic 500-SKU room.

* **before (pickle)**: the frame the desk's core sent first — ``pickle((version, ViewSnapshot, histories,
  info))`` of the whole room 20 times a second (issue 12 measured 474 kB, 9.6 / 10.8 ms);
* **before (msgpack full frame)**: the same whole room as a schema'd msgpack frame, what
  ``controlroom.live.frames.CoreFrame`` sent until the stream replaced it (re-built here as it was);
* **after (delta)**: what the core sends now between snapshots — :class:`StatePublisher` diffs the new
  ViewSnapshot against the last one and encodes only the changed SKUs (``--changed`` per frame) plus
  the room block; :class:`StateClient` decodes and applies it (the desk's view is rebuilt from cached
  SkuViews).  Plus the periodic full snapshot (once a second) for comparison.

Run: ``.venv/bin/python bench/bench_state.py [--changed N] [--frames N]`` or ``python -m bench state``.
"""
from __future__ import annotations

import argparse
import dataclasses
import pickle
import time

import msgspec
import numpy as np
import zmq

from controlroom.state import schema as s
from controlroom.state.client import StateClient
from controlroom.state.publisher import StatePublisher
from controlroom.state.view import AlertView, SkuView, ViewSnapshot

N_SKUS = 500


def room(n: int = N_SKUS, alerts: int = 200) -> ViewSnapshot:
    """A big room: 500 SKUs with 60-point sparklines, 200 alerts (as in the desk benchmark)."""
    skus = tuple(SkuView(f"S{i:04d}", f"Product {i}", "hero", 1999, 1000 + i, False, sold=i, rate_per_min=1.5,
                         predicted_sales=12.5, predicted_hi=20.0, sellout_s=600.0 + i, level="watch",
                         spark=tuple(float(1000 + i - x) for x in range(60))) for i in range(n))
    al = tuple(AlertView(f"S{i:04d}:watch", f"S{i:04d}", "watch", "firing", 1000.0 + i, "rate up", available=10)
               for i in range(alerts))
    return ViewSnapshot(version=1, ts=1000.0, room="bench", skus=skus, alerts=al,
                        room_series=tuple((1000.0 + i, 5000, 30.0) for i in range(600)))


class _CoreFrame(msgspec.Struct, frozen=True):
    """The full frame of ``controlroom.live.frames`` before the stream (same fields)."""

    v: int
    snapshot: s.Snapshot
    hist: dict[str, tuple[bytes, bytes]]
    info: dict


def _full_frame(v: ViewSnapshot, hist) -> bytes:
    h = {k: (np.ascontiguousarray(t, "<f8").tobytes(), np.ascontiguousarray(a, "<f8").tobytes())
         for k, (t, a) in hist.items()}
    snap = s.Snapshot(s.VERSION, "core", v.version, s.room_to_wire(v), tuple(s.sku_to_wire(x) for x in v.skus))
    return s.encode(_CoreFrame(s.VERSION, snap, h, {}))


_full_dec = msgspec.msgpack.Decoder(_CoreFrame)


def _full_decode(b: bytes):
    f = _full_dec.decode(b)
    return s.view_from_wire(f.snapshot.room, [s.sku_from_wire(w) for w in f.snapshot.skus]), \
        {k: (np.frombuffer(t), np.frombuffer(a)) for k, (t, a) in f.hist.items()}


def _timed(fn, n: int):
    t0 = time.perf_counter()
    for _ in range(n):
        r = fn()
    return (time.perf_counter() - t0) / n * 1000.0, r


def _step(v: ViewSnapshot, k: int, changed: int) -> ViewSnapshot:
    """The next frame: ``changed`` SKUs sold one more unit (new SkuViews), the others the same objects."""
    skus = list(v.skus)
    for j in range(changed):
        i = (k * changed + j) % len(skus)
        skus[i] = dataclasses.replace(skus[i], available=skus[i].available - 1, sold=skus[i].sold + 1)
    return dataclasses.replace(v, version=v.version + 1, ts=v.ts + 0.1, skus=tuple(skus))


def run(quick: bool = False, changed: int = 20, frames: int | None = None) -> dict:
    frames = frames or (50 if quick else 300)
    v = room()
    hist = {f"S{i:04d}": (np.arange(1800.0), np.arange(1800.0)) for i in range(9)}
    out: dict = {"skus": N_SKUS, "changed_per_frame": changed, "frames": frames}
    n_full = max(10, frames // 10)
    enc, b = _timed(lambda: pickle.dumps((1, v, {k: (t.tobytes(), a.tobytes()) for k, (t, a) in hist.items()}, {})),
                    n_full)
    dec, _ = _timed(lambda: pickle.loads(b), n_full)
    out["before_pickle"] = {"bytes": len(b), "encode_ms": enc, "decode_ms": dec}
    enc, b = _timed(lambda: _full_frame(v, hist), n_full)
    dec, _ = _timed(lambda: _full_decode(b), n_full)
    out["before_full_msgpack"] = {"bytes": len(b), "encode_ms": enc, "decode_ms": dec}
    # After: the real publisher and client over inproc sockets.
    ctx = zmq.Context()
    pub = StatePublisher("inproc://bench-pub", "inproc://bench-router", insecure=True, ctx=ctx)
    cli = StateClient("inproc://bench-pub", "inproc://bench-router", ctx=ctx)
    pub.publish(v, now=0.0)
    deadline = time.monotonic() + 5
    while cli.seq < 0 and time.monotonic() < deadline:  # the first snapshot (asked on the ROUTER)
        pub.poll(10)
        pub.tick(now=0.01)
        cli.receive()
    snaps = [v]
    for k in range(frames):
        snaps.append(_step(snaps[-1], k, changed))
    e0, b0, d0, f0 = pub.stats["encode_ms"], pub.stats["bytes"], cli.decode_ms, cli.frames
    for k, nv in enumerate(snaps[1:], 1):
        pub._last_snapshot = k  # only deltas in this loop: the snapshot is timed on its own below
        pub.publish(nv, now=float(k))
        cli.receive()
    while cli.seq < pub.seq:
        cli.receive()
    n = cli.frames - f0
    out["after_delta"] = {"bytes": (pub.stats["bytes"] - b0) / frames, "encode_ms": (pub.stats["encode_ms"] - e0) / frames,
                          "decode_ms": (cli.decode_ms - d0) / n, "frames_applied": n,
                          "view_matches": [(x.available, x.spark) for x in cli.view.skus]
                          == [(x.available, x.spark) for x in snaps[-1].skus]}
    enc, b = _timed(lambda: s.encode(pub.snapshot_frame()), n_full)
    dec, _ = _timed(lambda: s.view_from_wire((f := cli.decoder.decode(b)).room, [s.sku_from_wire(w) for w in f.skus]),
                    n_full)
    out["after_snapshot_1s"] = {"bytes": len(b), "encode_ms": enc, "decode_ms": dec}
    # What a view in step does with that snapshot: peek at its seq and skip it (StateClient._in_step).
    peek, _ = _timed(lambda: cli._in_step(b), n_full)
    out["after_snapshot_in_step"] = {"bytes": len(b), "encode_ms": 0.0, "decode_ms": peek}
    hb = s.encode(s.History(s.VERSION, "S0001", hist["S0001"][0].tobytes(), hist["S0001"][1].tobytes()))
    out["history_frame_bytes"] = len(hb)
    cli.close()
    pub.close()
    ctx.destroy(linger=0)
    return out


def report(r: dict) -> str:
    lines = [f"   {r['skus']} SKUs, {r['changed_per_frame']} changed per frame, {r['frames']} frames"]
    for k in ("before_pickle", "before_full_msgpack", "after_delta", "after_snapshot_1s", "after_snapshot_in_step"):
        x = r[k]
        lines.append(f"   {k:<20} {x['bytes'] / 1000:8.1f} kB  encode {x['encode_ms']:6.3f} ms  decode {x['decode_ms']:6.3f} ms")
    lines.append(f"   delta view matches the source: {r['after_delta']['view_matches']}; "
                 f"one 30-min history (on request): {r['history_frame_bytes'] / 1000:.1f} kB")
    return "\n".join(lines)


def figures(r: dict) -> list[dict]:
    """The common-shape figures (bench/figures.py): reported, their targets are the state-stream issue's."""
    from bench.figures import figure

    d, s1 = r["after_delta"], r["after_snapshot_1s"]
    return [figure("state delta frame size", d["bytes"] / 1000, unit="kB"),
            figure("state delta encode", d["encode_ms"], unit="ms", kind="absolute"),
            figure("state delta decode", d["decode_ms"], unit="ms", kind="absolute"),
            figure("state delta view matches the source", d["view_matches"], True, "==", kind="ratio"),
            figure(f"state snapshot, {r['skus']} SKUs: size", s1["bytes"] / 1000, unit="kB"),
            figure("state snapshot encode + decode", s1["encode_ms"] + s1["decode_ms"], unit="ms",
                   kind="absolute")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changed", type=int, default=20, help="SKUs changed per frame (default 20)")
    ap.add_argument("--frames", type=int, default=None)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    print(report(run(a.quick, a.changed, a.frames)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
