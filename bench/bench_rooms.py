"""Benchmark: the cost of a room — N headless room engines on one machine, with the desk attached.

Run: ``.venv/bin/python -m bench rooms`` or ``.venv/bin/python bench/bench_rooms.py [--quick] [--rooms N]
[--speed X] [--seconds S]``.

Each room is what a service runs (:mod:`controlroom.rooms.fleet`): a demo shop process
(``controlroom simulate --room R``, the evening show at ``--speed``; the shop is not part of a
room's cost and is reported apart) and a room engine process (``controlroom engine --headless
--room R --log DIR --state-endpoint … --keys DIR``: feed, engine, session log, state stream, CURVE).
The desk is attached in this process: the rooms overview polling every room's state stream on its
GUI timer, and the desk window open on the first room (charts on), offscreen.

Two phases in one run: **baseline** (1 room) and **N rooms**.  Over a measuring window after a
warm-up it reads each process's CPU seconds and RSS from ``/proc`` (CPU seconds, not wall time:
on a loaded machine a process still pays only for what it ran), the events/s each room's engine
took in (from its stream), and the desk's CPU (this process).  It reports CPU and memory per room,
the N-room/1-room ratio of CPU per room (does a room get dearer when it has neighbours?), and how
many rooms fit on two cores with the desk on one: the other core kept at most
:data:`CORE_BUDGET` busy.

The demo evening show carries 5 events/s on average and 20 events/s at its peak in real time
(speed 1); the default ``--speed 4`` runs its opening minutes at 8–20 events/s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CORE_BUDGET = 0.7  # the engines' core is planned at most 70% busy: headroom for peaks and restarts
SPEED = 4.0


def _phase(app, n: int, speed: float, warm_s: float, window_s: float, base: Path, desk_window: bool) -> dict:
    from controlroom.rooms.fleet import DemoRoom, cpu_seconds, rss_mb, write_room_list
    from controlroom.rooms.roomlist import load_room_list
    from controlroom.rooms.watch import RoomsWatch
    from ui.app import tune_runtime
    from ui.rooms.switcher import RoomsDesk
    from ui.testing import spin

    rooms = [DemoRoom(f"room-{i + 1:02d}", i + 1, base / f"n{n}", speed=speed) for i in range(n)]
    desk = None
    try:
        for r in rooms:
            r.start()
        desk = RoomsDesk(RoomsWatch(load_room_list(write_room_list(rooms, base / f"n{n}" / "rooms.toml", "bench"))))
        desk.start()
        desk.gc_pacer = desk.overview.gc_pacer = tune_runtime()  # as `controlroom rooms` runs it

        live = spin(app, 120, lambda: all(rc.headline is not None and rc.headline.state == "live" and rc.view.feed.events
                                     for rc in desk.watch.rooms.values()))
        if not live:
            raise RuntimeError(f"not every room came up: {[rc.headline for rc in desk.watch.rooms.values()]}")
        if desk_window:
            desk.open_room(rooms[0].name)
        spin(app, warm_s)
        ev0 = {r.name: desk.watch.rooms[r.name].view.feed.events for r in rooms}
        eng0 = {r.name: cpu_seconds(r.engine.pid) for r in rooms}
        shop0 = {r.name: cpu_seconds(r.shop.pid) for r in rooms}
        desk0, t0 = time.process_time(), time.monotonic()
        polls0, poll_ms0, poll_cpu0 = desk.overview.polls, desk.overview.poll_ms_total, desk.overview.poll_cpu_ms_total
        losses0 = {r.name: desk.watch.rooms[r.name].losses for r in rooms}
        desk.overview.poll_ms_max = 0.0
        spin(app, window_s)
        wall = time.monotonic() - t0
        desk_cpu = (time.process_time() - desk0) / wall
        per = []
        for r in rooms:
            e1, s1 = cpu_seconds(r.engine.pid), cpu_seconds(r.shop.pid)
            per.append({"room": r.name,
                        "engine_cpu": (e1 - eng0[r.name]) / wall if e1 is not None else float("nan"),
                        "engine_rss_mb": rss_mb(r.engine.pid) or float("nan"),
                        "shop_cpu": (s1 - shop0[r.name]) / wall if s1 is not None else float("nan"),
                        "events_per_s": (desk.watch.rooms[r.name].view.feed.events - ev0[r.name]) / wall,
                        "lost": desk.watch.rooms[r.name].losses - losses0[r.name]})
        polls = desk.overview.polls - polls0
        return {"rooms": n, "window_s": wall, "per_room": per, "desk_cpu": desk_cpu,
                "desk_rss_mb": rss_mb(os.getpid()) or float("nan"),
                "poll_ms_mean": (desk.overview.poll_ms_total - poll_ms0) / max(1, polls),
                "poll_cpu_ms_mean": (desk.overview.poll_cpu_ms_total - poll_cpu0) / max(1, polls), "polls": polls,
                "poll_ms_max": desk.overview.poll_ms_max, "desk_window": desk_window}
    finally:
        if desk is not None:
            desk.close()
        for r in rooms:
            r.stop()


def _summary(ph: dict) -> dict:
    cpu = [p["engine_cpu"] for p in ph["per_room"]]
    rss = [p["engine_rss_mb"] for p in ph["per_room"]]
    return {"cpu_mean": statistics.fmean(cpu), "cpu_max": max(cpu), "rss_mean": statistics.fmean(rss),
            "rss_max": max(rss), "events_per_s": statistics.fmean(p["events_per_s"] for p in ph["per_room"]),
            "shop_cpu": statistics.fmean(p["shop_cpu"] for p in ph["per_room"])}


def run(quick: bool = False, *, rooms: int | None = None, speed: float = SPEED, seconds: float | None = None) -> dict:
    """Baseline (1 room) and N rooms (default 4; 2 with ``quick``), each with the desk attached."""
    from ui.app import make_app

    n = rooms or (2 if quick else 4)
    window = seconds or (2.0 if quick else 30.0)
    warm = 1.0 if quick else 10.0
    app = make_app("en")
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-rooms-") as tmp:
        base = _phase(app, 1, speed, warm, window, Path(tmp), desk_window=not quick)
        many = _phase(app, n, speed, warm, window, Path(tmp), desk_window=not quick)
    s1, sn = _summary(base), _summary(many)
    per_room = max(sn["cpu_mean"], 1e-6)
    return {"speed": speed, "load_before": load0, "load_after": os.getloadavg(), "baseline": base, "many": many,
            "summary_1": s1, "summary_n": sn, "ratio_cpu_per_room": sn["cpu_mean"] / max(s1["cpu_mean"], 1e-6),
            "fit_per_core": int(CORE_BUDGET / per_room), "fit_full_core": int(1.0 / per_room),
            "desk_core_used": many["desk_cpu"]}


def figures(r: dict) -> list[dict]:
    """The common-shape figures (bench/figures.py): a room's cost, reported (the issue sets no target)."""
    from bench.figures import figure

    sn = r["summary_n"]
    return [figure(f"rooms: CPU per room with {r['many']['rooms']} rooms / with 1", r["ratio_cpu_per_room"]),
            figure("rooms: engine CPU per room", 100 * sn["cpu_mean"], unit="% of a core", kind="absolute"),
            figure("rooms: engine RSS per room", sn["rss_mean"], unit="MB", kind="absolute"),
            figure("rooms that fit on the second core (70% busy)", r["fit_per_core"], kind="absolute")]


def report(r: dict) -> str:
    """The table for docs/benchmarks.md."""
    s1, sn, m = r["summary_1"], r["summary_n"], r["many"]
    n = m["rooms"]
    lines = [
        f"evening show at speed {r['speed']:g}; load average before {r['load_before'][0]:.1f}, "
        f"after {r['load_after'][0]:.1f} (2 cores shared with other jobs)",
        "",
        "| | 1 room | %d rooms |" % n,
        "|---|---|---|",
        f"| events/s per room (taken in by its engine) | {s1['events_per_s']:.1f} | {sn['events_per_s']:.1f} |",
        f"| engine CPU per room (share of one core), mean / max | {s1['cpu_mean'] * 100:.1f}% / {s1['cpu_max'] * 100:.1f}% "
        f"| {sn['cpu_mean'] * 100:.1f}% / {sn['cpu_max'] * 100:.1f}% |",
        f"| engine memory (RSS) per room, mean / max | {s1['rss_mean']:.0f} / {s1['rss_max']:.0f} MB "
        f"| {sn['rss_mean']:.0f} / {sn['rss_max']:.0f} MB |",
        f"| demo shop CPU per room (not a room's cost) | {s1['shop_cpu'] * 100:.1f}% | {sn['shop_cpu'] * 100:.1f}% |",
        f"| desk CPU (overview of all rooms{' + desk window on one' if m['desk_window'] else ''}) "
        f"| {r['baseline']['desk_cpu'] * 100:.1f}% | {m['desk_cpu'] * 100:.1f}% |",
        f"| desk memory (RSS) | {r['baseline']['desk_rss_mb']:.0f} MB | {m['desk_rss_mb']:.0f} MB |",
        f"| overview poll of all rooms: CPU mean | {r['baseline']['poll_cpu_ms_mean']:.2f} ms "
        f"| {m['poll_cpu_ms_mean']:.2f} ms |",
        f"| overview poll of all rooms: wall mean / max (includes waiting for a CPU) | "
        f"{r['baseline']['poll_ms_mean']:.2f} / {r['baseline']['poll_ms_max']:.1f} ms | "
        f"{m['poll_ms_mean']:.2f} / {m['poll_ms_max']:.1f} ms |",
        f"| polls in the window (20 Hz timer) | {r['baseline']['polls']} | {m['polls']} |",
        f"| connection losses in the window (all rooms) | {sum(p['lost'] for p in r['baseline']['per_room'])} "
        f"| {sum(p['lost'] for p in m['per_room'])} |",
        "",
        f"CPU per room with {n} rooms / with 1 room: {r['ratio_cpu_per_room']:.2f}x.",
        f"Rooms that fit on two cores with the desk on one (it used {r['desk_core_used'] * 100:.0f}% of it): "
        f"**{r['fit_per_core']}** engines on the other core at {CORE_BUDGET:.0%} busy "
        f"({r['fit_full_core']} at 100%).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rooms", type=int, default=None)
    ap.add_argument("--speed", type=float, default=SPEED)
    ap.add_argument("--seconds", type=float, default=None)
    a = ap.parse_args(argv)
    print(report(run(a.quick, rooms=a.rooms, speed=a.speed, seconds=a.seconds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
