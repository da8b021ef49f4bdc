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

from bench.bench_soak import PEAK_TARGET_MB, SAMPLE_S, _shop, rss_mb  # noqa: E402


SLICE_S = 300  # the shop waits for the desk (and the core's log) every 5 minutes of shop time


def _proc_rss_mb(pid: int) -> float:
    try:
        return rss_mb(pid)
    except (OSError, ValueError, IndexError):  # the child is gone
        return 0.0


def run(quick: bool = False, skus: int | None = None, events: int | None = None) -> dict:
    """Run the show with the desk attached (in this process: it needs a QApplication, offscreen)."""
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
        samples.append({"sim_min": 0, "desk_mb": rss_mb(), "core_mb": _proc_rss_mb(core_pid), "events": 0,
                        "wall_s": 0.0})
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
            gc.collect()  # what stays after a collection, not the collector's timing
            samples.append({"sim_min": (chunk + 1) * SAMPLE_S // 60, "desk_mb": rss_mb(),
                            "core_mb": _proc_rss_mb(core_pid), "events": bridge.current.feed.seq,
                            "wall_s": time.perf_counter() - t_start, "frames": session.frames})
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
    a = ap.parse_args()
    print(report(run(a.quick, a.skus, a.events)))
