"""The desk's own CPU per refresh, without the machine's noise: record a live run's state frames, replay them.

``bench ui`` measures the desk live (shop, core and desk competing for the CPUs), so on a loaded
machine its wall-clock figures say more about the machine than about the desk.  This tool separates
the two:

* ``record OUT`` runs :func:`bench.bench_ui.run` (500 SKUs at 50k ev/s, core in its own process) and
  writes every frame the desk's state client received, grouped by the ``receive()`` call that took
  it, to ``OUT`` (MessagePack: a list of batches, each a list of ``[socket, bytes]``);
* ``replay IN`` feeds those frames, batch by batch, to a real desk (offscreen, 1680x1000, the same
  window ``controlroom desk`` opens) through a real :class:`~controlroom.state.client.StateClient`
  whose two sockets are replaced by the recording, and times each refresh step on the GUI thread's
  CPU clock: decode, table and panels, alerts and charts, the paints they cause.

The same recording replayed before and after a change gives the change's effect on the GUI thread's
CPU per refresh (the figure the contended target depends on).  The recorded bytes go through the
client's own validating decoder, as on the wire; nothing is unpickled or evaluated.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import msgspec  # noqa: E402
import zmq  # noqa: E402


class _Tap:
    """A socket stand-in that records what the real socket delivers (record mode)."""

    def __init__(self, sock, name: str, log: list) -> None:
        self._sock, self._name, self._log = sock, name, log

    def recv(self, flags=0):
        data = self._sock.recv(flags)
        self._log[-1].append([self._name, data])
        return data

    def __getattr__(self, name):
        return getattr(self._sock, name)


class _Tape:
    """A socket stand-in that hands out one recorded batch per ``receive()`` (replay mode)."""

    def __init__(self) -> None:
        self.queue: list[bytes] = []

    def recv(self, flags=0):
        if not self.queue:
            raise zmq.Again()
        return self.queue.pop(0)

    def send(self, *_a, **_k) -> None:  # history and snapshot requests: the recording already has the answers
        return None

    def close(self, *_a) -> None:
        return None


def record(out: str, seconds: float, **run_kw) -> dict:
    """Run the live desk benchmark (``run_kw``: :func:`bench.bench_ui.run`'s, e.g. ``rate``, ``n_skus``)
    and write the frames its state client received; returns the live run's result."""
    from bench import bench_ui
    from controlroom.live.process import RemoteSession

    batches: list[list] = []
    orig = RemoteSession.receive

    def receive(self):
        c = self.client
        if c is not None and not isinstance(c.sub, _Tap):
            c.sub, c.dealer = _Tap(c.sub, "sub", batches), _Tap(c.dealer, "dealer", batches)
        batches.append([])
        return orig(self)

    RemoteSession.receive = receive
    try:
        r = bench_ui.run(**{"seconds": seconds, "baseline_s": 3.0, **run_kw})
    finally:
        RemoteSession.receive = orig
    kept = [b for b in batches if b]
    Path(out).write_bytes(msgspec.msgpack.encode(kept))
    print(f"recorded {sum(len(b) for b in kept)} frames in {len(kept)} batches "
          f"({Path(out).stat().st_size / 1e6:.1f} MB); live run: refresh median {r['loaded']['median_ms']:.1f} ms, "
          f"core received {r['loaded']['events_per_s']:,.0f} ev/s, load {os.getloadavg()[0]:.1f}")
    return r


class ReplaySession:
    """What the desk's bridge needs of a session, served from a recording."""

    def __init__(self, batches: list) -> None:
        from controlroom.settings import load_settings
        from controlroom.state.client import StateClient

        self.settings = load_settings(None, {})
        self.error = None
        self.session_log = None
        self.gc_pacer = None
        self.client = StateClient("inproc://replay-pub", "inproc://replay-router")
        self.client._stop_watch()
        self.client.sub.close(0)
        self.client.dealer.close(0)
        self.client.sub, self.client.dealer = _Tape(), _Tape()
        self.batches = batches
        self.pos = 0

    @property
    def snapshot(self):
        return self.client.view

    def feed_next(self) -> bool:
        """Queue the next recorded batch; False when the recording is over."""
        if self.pos >= len(self.batches):
            return False
        for name, data in self.batches[self.pos]:
            (self.client.sub if name == "sub" else self.client.dealer).queue.append(data)
        self.pos += 1
        return True

    def receive(self) -> bool:
        return self.client.receive()

    def history(self, sku: str):
        return self.client.history(sku)

    def stop(self) -> None:
        return None


def replay(path: str, *, skip: int, profile: str | None = None) -> dict:
    """Replay a recording into a real offscreen desk; GUI-thread CPU per refresh step (ms)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtCore import QCoreApplication, QSettings

    from ui.app import build_desk, make_app
    from ui.sound import AlertSound

    batches = msgspec.msgpack.decode(Path(path).read_bytes())
    app = make_app("en")
    tmp = tempfile.TemporaryDirectory(prefix="ui-replay-")
    session = ReplaySession(batches)
    store = QSettings(os.path.join(tmp.name, "desk.ini"), QSettings.Format.IniFormat)
    bridge, window = build_desk(session, store=store, sound=AlertSound(backend="silent"))
    window.resize(1680, 1000)
    window.show()
    from bench.ui_probe import Trace

    paints = Trace(None, os.getpid())  # only its paint timers: GUI CPU per paint of each big widget
    paints.close()
    paints.watch_paints(window)
    done = {"n": 0}
    window.refreshed.connect(lambda _ms: done.__setitem__("n", done["n"] + 1))
    steps: dict[str, list[float]] = {k: [] for k in ("decode", "table+panels", "alerts+charts", "paint", "total")}
    parts: dict[str, list[float]] = {k: [] for k in ("table_ms", "panels_ms", "alerts_ms", "charts_ms")}
    painted: dict[str, list[float]] = {k: [] for k in paints.paints}
    wall: list[float] = []
    selected = False
    prof = None
    n = 0
    while session.feed_next():
        for xs in paints.paints.values():
            xs.clear()
        w0, c0 = time.perf_counter(), time.thread_time()
        if not session.receive():
            continue
        c1 = time.thread_time()
        want = done["n"] + 1
        bridge.pull()
        c2 = time.thread_time()
        while done["n"] < want:
            app.processEvents()
        c3 = time.thread_time()
        QCoreApplication.sendPostedEvents()
        app.processEvents()
        c4 = time.thread_time()
        w1 = time.perf_counter()
        n += 1
        if not selected and window.model.rowCount():
            window.select_sku(session.snapshot.skus[0].sku)
            selected = True
        if n == skip and profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        if n > skip:
            for k, a, b in (("decode", c0, c1), ("table+panels", c1, c2), ("alerts+charts", c2, c3),
                            ("paint", c3, c4), ("total", c0, c4)):
                steps[k].append((b - a) * 1000.0)
            wall.append((w1 - w0) * 1000.0)
            for k in parts:
                parts[k].append(window.timings.get(k, 0.0))
            for k, xs in paints.paints.items():
                painted[k].append(sum(xs))
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    out = {"refreshes": len(wall), "rows": window.model.rowCount(), "charts": len(window.charts.shown_skus()),
           "wall_median_ms": statistics.median(wall) if wall else float("nan"),
           "cpu_ms": {k: (statistics.median(v), statistics.mean(v), max(v)) for k, v in steps.items() if v},
           "apply_ms": {k: (statistics.median(v), statistics.mean(v), max(v)) for k, v in parts.items() if v},
           "paint_cpu_ms": {k: (statistics.median(v), statistics.mean(v), max(v)) for k, v in painted.items() if v},
           "loadavg": os.getloadavg()}
    window.close()
    window.deleteLater()
    tmp.cleanup()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Record a live desk run's state frames, or replay them into a desk")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("out")
    r.add_argument("--seconds", type=float, default=15.0, help="length of the loaded phase")
    p = sub.add_parser("replay")
    p.add_argument("recording")
    p.add_argument("--skip", type=int, default=60, help="refreshes to warm up before timing")
    p.add_argument("--profile", default=None, help="write a cProfile of the timed refreshes here")
    a = ap.parse_args(argv)
    if a.cmd == "record":
        record(a.out, a.seconds)
        return 0
    res = replay(a.recording, skip=a.skip, profile=a.profile)
    print(f"replayed {res['refreshes']} refreshes ({res['rows']} rows, {res['charts']} charts); load "
          f"{res['loadavg'][0]:.1f}; wall median {res['wall_median_ms']:.1f} ms")
    for k, (med, mean, mx) in res["cpu_ms"].items():
        print(f"  GUI CPU {k:<14} median {med:6.2f} ms  mean {mean:6.2f}  max {mx:6.1f}")
    print("  of which (wall, per refresh): " + ", ".join(f"{k} {m:.2f} (mean {a:.2f})" for k, (m, a, _x) in
                                                        res["apply_ms"].items()))
    print("  paints (GUI CPU, per refresh): " + ", ".join(f"{k} {m:.2f} (mean {a:.2f})" for k, (m, a, _x) in
                                                         res["paint_cpu_ms"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
