"""Soak, the desk's way: the same 4-hour show with the core in its own process and the desk window
in this one, both processes' resident memory sampled every simulated 10 minutes.

This is how ``controlroom desk`` runs a show: the core (feed, engine, session log, state stream) is a
child process (:class:`~controlroom.live.process.RemoteSession`), and this process runs the real
desk offscreen (``DeskWindow`` at 1680x1000, the bridge's own timer pulling state frames, the
runtime tuned as the desk tunes it).  The shop is :func:`bench.bench_soak._shop` (shop time, so
4 simulated hours take minutes).  After each simulated 10 minutes the shop waits until the desk
has applied a snapshot holding every event, then both processes are sampled.

Figures: the desk process's peak RSS and the core process's peak RSS (each target <= 300 MB), and
the desk's growth from hour 1 to the end.
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

from bench.bench_soak import PEAK_TARGET_MB, SAMPLE_S, SHOW_S, _shop, rss_mb  # noqa: E402
from controlroom.live.census import malloc_trim, proc_status_mb  # noqa: E402


SLICE_S = 300  # the shop waits for the desk (and the core's log) every 5 minutes of shop time


def _proc_rss_mb(pid: int) -> float:
    try:
        return rss_mb(pid)
    except (OSError, ValueError, IndexError):  # the child is gone
        return 0.0


def _arrays_mb(*objs) -> float:
    """MB of the numpy arrays held in these objects' attributes (one level deep)."""
    import numpy as np

    total = 0
    for o in objs:
        for v in getattr(o, "__dict__", {}).values():
            if isinstance(v, np.ndarray):
                total += v.nbytes
    return total / 1e6


def desk_census(window, session) -> dict:
    """What the desk process holds now: the stream client's frames and chart histories, the last
    snapshot's lists, the charts' buffers, the tables' rows, and Python's own object count."""
    snap = session._snapshot
    c = session.client
    hist = list(c._hist.values()) if c is not None else []
    out = {"frames": c.frames if c is not None else 0,
           "hist_skus": len(hist), "hist_mb": sum(t.nbytes + v.nbytes for t, v in hist) / 1e6,
           "snap_skus": len(snap.skus), "snap_alerts": len(snap.alerts), "snap_history": len(snap.history),
           "snap_episodes": len(snap.episodes), "snap_commands": len(snap.commands),
           "snap_room_series": len(snap.room_series), "snap_featured": len(snap.featured_periods),
           "sku_rows": window.model.rowCount(), "alert_rows": window.alerts.model.rowCount(),
           "episode_rows": window.alerts.episodes.rowCount(),
           "py_objects": len(gc.get_objects()), "py_frozen": gc.get_freeze_count(),
           "py_blocks": sys.getallocatedblocks()}
    charts = window.charts
    if charts is not None:
        items = []
        for ch in charts.charts:
            items += [ch, ch.curve, ch.expected, ch.pessimistic, ch.frozen_line]
        out["chart_mb"] = _arrays_mb(*items)
    out.update(proc_status_mb())
    return out


def run(quick: bool = False, skus: int | None = None, events: int | None = None, progress: bool = False) -> dict:
    """Run the show with the desk attached (in this process: it needs a QApplication, offscreen);
    ``progress``: print each sample as it is taken."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from controlroom.live.process import RemoteSession
    from controlroom.settings import load_settings
    from ui.app import build_desk, make_app, tune_runtime
    from ui.sound import AlertSound

    n_skus = skus or (100 if quick else 500)
    n_events = events or (200_000 if quick else 10_000_000)
    mpctx = mp.get_context("spawn")
    parent, child = mpctx.Pipe()
    proc = mpctx.Process(target=_shop, args=(child, n_skus, n_events, SLICE_S), daemon=True)
    proc.start()
    _app = make_app("en")  # kept referenced: the QApplication must outlive the run
    tmp = tempfile.TemporaryDirectory(prefix="bench-soak-desk-")
    session = window = pacer = None
    samples: list[dict] = []
    t_start = time.perf_counter()

    def spin(sec: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(sec * 1000), loop.quit)
        loop.exec()

    try:
        if not parent.poll(60):
            raise RuntimeError("shop process did not start")
        ev_ep, rq_ep = parent.recv()
        settings = load_settings(None, {"feed.events_endpoint": ev_ep, "feed.requests_endpoint": rq_ep})
        session = RemoteSession(settings, curve=None, operator="soak", log=str(Path(tmp.name) / "soak.sqlite"),
                                no_log=False).start()
        core_pid = session.proc.pid
        store = QSettings(os.path.join(tmp.name, "desk.ini"), QSettings.Format.IniFormat)
        bridge, window = build_desk(session, store=store, sound=AlertSound(backend="silent"))
        window.resize(1680, 1000)
        window.show()
        bridge.start()
        deadline = time.monotonic() + 60
        while (bridge.current.feed.state != "live" or window.model.rowCount() < n_skus) and time.monotonic() < deadline:
            spin(0.05)
        if bridge.current.feed.state != "live":
            raise RuntimeError("the core never went live")
        window.select_sku(bridge.current.skus[0].sku)  # one chart follows a SKU, as an operator's would
        pacer = tune_runtime(session)
        spin(1.0)
        gc.collect()
        def take_sample(sim_min: int, trim: bool = False) -> dict:
            """Both processes' RSS (the desk's after a collection), then both censuses; ``trim`` (the
            last sample): then each process also gives its allocator's free memory back, and the
            censuses say how much anonymous memory was left (a diagnostic after the measurement)."""
            gc.collect()  # what stays after a collection, not the collector's timing
            desk_mb, core_mb = rss_mb(), _proc_rss_mb(core_pid)
            session.ask_census(trim)
            seen, deadline = session.info, time.monotonic() + 30
            while "census" not in session.info or session.info is seen:
                if time.monotonic() > deadline:
                    break
                spin(0.05)
            core = dict(session.info.get("census") or {}) if session.info is not seen else {}
            if "rssanon" not in core:  # no census came (the child's own figures are from before any trim)
                core.update(proc_status_mb(core_pid))
            desk = desk_census(window, session)
            if trim:
                # the desk freezes what survives its full collections (controlroom.live.gcpace): what
                # a collection of everything frees now is garbage the freeze had kept
                gc.unfreeze()
                desk["unfrozen_collected"] = gc.collect()
                desk["py_blocks_after_unfreeze"] = sys.getallocatedblocks()
                if malloc_trim():
                    desk["rssanon_after_trim"] = proc_status_mb().get("rssanon")
            feed = bridge.current.feed
            s = {"sim_min": sim_min, "desk_mb": desk_mb, "core_mb": core_mb, "events": feed.seq,
                 "wall_s": time.perf_counter() - t_start, "frames": session.frames, "gaps": feed.gaps,
                 "resyncs": feed.resyncs, "loadavg": os.getloadavg()[0], "desk": desk, "core": core}
            if progress:  # a long run shows how far it got, whatever happens to it later
                print(sample_line(s), flush=True)
            return s

        samples.append(take_sample(0))
        def caught_up(seq: int) -> None:
            """Wait (the desk refreshing meanwhile, as in a show) until the desk shows event ``seq``
            and a status line sent after that says the core's log writer has nothing queued."""
            deadline = time.monotonic() + 900
            while bridge.current.feed.seq < seq and time.monotonic() < deadline:
                spin(0.02)
            if bridge.current.feed.seq < seq:
                raise RuntimeError(f"the desk never saw seq {seq} (at {bridge.current.feed.seq})")
            seen = session.info
            while (session.info is seen or session.info.get("log_queue", 0) > 0) and time.monotonic() < deadline:
                spin(0.02)

        parent.send("go")
        while True:
            while not parent.poll(0):
                spin(0.05)
            msg = parent.recv()
            if msg[0] == "done":
                break
            if msg[0] == "slice":
                caught_up(msg[1])
                parent.send("ok")
                continue
            _, chunk, seq, _orders = msg
            caught_up(seq)
            samples.append(take_sample((chunk + 1) * SAMPLE_S // 60, trim=chunk == SHOW_S // SAMPLE_S - 1))
            parent.send("next")
        feed = bridge.current.feed
    finally:
        if pacer is not None:
            pacer.uninstall()
        if window is not None:
            window.close()
        if session is not None:
            session.stop()
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
        tmp.cleanup()
    hour1 = next((s for s in samples if s["sim_min"] >= 60), samples[-1])
    return {"skus": n_skus, "events": samples[-1]["events"], "samples": samples,
            "desk_peak_mb": max(s["desk_mb"] for s in samples), "core_peak_mb": max(s["core_mb"] for s in samples),
            "desk_growth_mb": samples[-1]["desk_mb"] - hour1["desk_mb"],
            "core_growth_mb": samples[-1]["core_mb"] - hour1["core_mb"],
            "gaps": feed.gaps, "resyncs": feed.resyncs, "quick": quick, "cpus": os.cpu_count(),
            "loadavg": os.getloadavg(), "wall_s": time.perf_counter() - t_start}


def sample_line(s: dict) -> str:
    """One sample on one line: RSS of both processes and what each holds."""
    d, c = s["desk"], s["core"]
    return (f"   {s['sim_min']:>4} min {s['events']:>10,} ev {s['wall_s']:6.0f} s load {s['loadavg']:4.1f} | desk "
            f"{s['desk_mb']:5.1f} MB (anon {d.get('rssanon', 0):5.1f}) frames {d['frames']:,} hist "
            f"{d['hist_skus']}/{d['hist_mb']:.2f} MB charts {d.get('chart_mb', 0):.2f} MB rows "
            f"{d['sku_rows']}/{d['alert_rows']}/{d['episode_rows']} snap hist {d['snap_history']} cmds "
            f"{d['snap_commands']} room {d['snap_room_series']} objs {d['py_objects']:,} frozen "
            f"{d.get('py_frozen', 0):,} blocks {d.get('py_blocks', 0):,} | core "
            f"{s['core_mb']:5.1f} MB (anon {c.get('rssanon') or 0:5.1f}) ids {c.get('ids_core')}/{c.get('ids_log')} "
            f"hist {c.get('history_mb') or 0:.1f} MB sqlite {c.get('sqlite_mb') or 0:.1f} MB alerts "
            f"{c.get('alert_history')}/{c.get('episode_history')} objs {c.get('py_objects') or 0:,} "
            f"blocks {c.get('py_blocks') or 0:,} "
            f"| gaps {s['gaps']} resyncs {s['resyncs']}"
            + (f" | desk unfrozen+collected {d.get('unfrozen_collected')} objs, blocks then "
               f"{d.get('py_blocks_after_unfreeze') or 0:,}"
               f" | after malloc_trim: anon desk {d.get('rssanon_after_trim') or 0:.1f}, core "
               f"{c.get('rssanon_after_trim') or 0:.1f} MB" if "rssanon_after_trim" in c or "rssanon_after_trim" in d
               else ""))


def report(r: dict) -> str:
    """Both processes' RSS every simulated 10 minutes, the peaks and the growth after the first hour."""
    lines = [f"   desk: {r['skus']} SKUs, {r['events']:,} events over 4 simulated hours in {r['wall_s']:.0f} s "
             f"(gaps {r['gaps']}, resyncs {r['resyncs']}); RSS (MB) desk / core process:"]
    row = [f"{s['sim_min']:>4} min {s['desk_mb']:5.0f} / {s['core_mb']:5.0f}" for s in r["samples"]]
    for i in range(0, len(row), 5):
        lines.append("   " + "   ".join(row[i:i + 5]))
    lines.append(f"   peak: desk {r['desk_peak_mb']:.0f} MB, core process {r['core_peak_mb']:.0f} MB (target <= "
                 f"{PEAK_TARGET_MB:g} each); growth from 1 h to the end: desk {r['desk_growth_mb']:+.1f} MB, "
                 f"core {r['core_growth_mb']:+.1f} MB")
    if r["samples"] and "desk" in r["samples"][-1]:
        lines.append("   at the end:" + sample_line(r["samples"][-1]))
    return "\n".join(lines)


def figures(r: dict) -> list[dict]:
    """The common-shape figures (bench/figures.py)."""
    from bench.figures import figure

    return [figure(f"soak: desk process peak RSS, {r['skus']} SKUs, {r['events']:,} events, 4 sim. hours",
                   r["desk_peak_mb"], PEAK_TARGET_MB, "<=", "MB", kind="absolute"),
            figure("soak: the desk's core process peak RSS (log, state stream)", r["core_peak_mb"], PEAK_TARGET_MB,
                   "<=", "MB", kind="absolute"),
            figure("soak: desk RSS growth from hour 1 to hour 4 / peak", r["desk_growth_mb"] / r["desk_peak_mb"], 0.10,
                   "<=")]


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skus", type=int, default=None)
    ap.add_argument("--events", type=int, default=None)
    ap.add_argument("--progress", action="store_true", help="print each sample (and both censuses) as it is taken")
    ap.add_argument("--json", default=None, help="write the samples to this JSON file")
    a = ap.parse_args()
    res = run(a.quick, a.skus, a.events, progress=a.progress)
    if a.json:
        import json

        Path(a.json).write_text(json.dumps(res, default=str, indent=1))
    print(report(res))
