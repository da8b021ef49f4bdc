"""Replay from the log, alone: wall, process CPU and the replaying thread's CPU, plain or contended.

Run: ``.venv/bin/python -m bench.replay_probe [--events N] [--rounds K] [--contended] [--log PATH]``.

Writes ``bench log``'s synthetic feed (orders, carts, traffic; 60 SKUs) through the real
``SessionLog`` once (or reuses ``--log``), then alternates, ``rounds`` times: the first replay
of the file (``backtest.run_replay`` without the block cache: what backtest's first replay and
``bench log``'s "replay from the log" do) and the same replay of the events already decoded in
memory.  Each is reported as wall time, CPU of the whole process, CPU of the thread that ran
it, and the threads alive during it.  When the thread's CPU is about its wall time, the replay
ran on one core and nothing waited; a wall time above the process CPU is time spent waiting for
a core (a loaded machine), and a process CPU above the thread's is another thread's work.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

from bench.bench_log import _payloads, _writer_run
from bench.contend import Contender


def write_log(path: Path, n: int) -> None:
    """The synthetic feed of ``bench log`` written flat out by the real writer."""
    _writer_run(path, _payloads(n), None, max_queue_batches=64)


def _timed(fn) -> dict:
    seen: set[str] = set()
    stop = threading.Event()

    def watch() -> None:  # which threads exist while the replay runs (a prefetch helper, say)
        while not stop.wait(0.02):
            seen.update(t.name for t in threading.enumerate())

    w = threading.Thread(target=watch, name="probe-watch", daemon=True)
    w.start()
    t0, p0, c0 = time.perf_counter(), time.process_time(), time.thread_time()
    out = fn()
    t, p, c = time.perf_counter() - t0, time.process_time() - p0, time.thread_time() - c0
    stop.set()
    w.join()
    seen.discard("probe-watch")
    return {"wall": t, "process_cpu": p, "thread_cpu": c, "threads": sorted(seen), "result": out}


def run(path: Path, rounds: int) -> list[dict]:
    """``rounds`` pairs of (from the file, in memory) on the log at ``path``."""
    from controlroom.log import open_log
    from controlroom.review.backtest import load_log, run_replay, settings_of
    from controlroom.review.replay import replay

    with open_log(path) as r:
        data = load_log(r)
    settings = settings_of(data)
    n = data.n_events
    out = []
    for _ in range(rounds):
        def from_file():
            with open_log(path) as r:
                data.reader = r
                return run_replay(data, settings, cache=False)[0]

        f = _timed(from_file)
        with open_log(path) as r:
            blocks = list(r.iter_event_blocks())
        m = _timed(lambda: replay(data.snapshot, blocks, settings, start_ts=data.start_ts, end_ts=data.end_ts,
                                  samples=False, batched=True))
        del blocks
        same = f["result"].transitions == m["result"].transitions and f["result"].actions == m["result"].actions
        out.append({"events": n, "file": f, "memory": m, "same_decisions": same, "load": os.getloadavg()[0]})
    return out


def _line(name: str, n: int, d: dict) -> str:
    return (f"{name:7s}: {n / d['wall']:>9,.0f} ev/s wall {d['wall']:.2f} s, process CPU {d['process_cpu']:.2f} s, "
            f"thread CPU {d['thread_cpu']:.2f} s ({d['thread_cpu'] / n * 1e6:.2f} us/event), "
            f"threads {','.join(d['threads'])}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=300_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--contended", action="store_true", help="a separate busy process keeps one core busy")
    ap.add_argument("--log", type=Path, help="an existing log to replay (written there when missing)")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="replay_probe_") as d:
        path = a.log or Path(d) / "probe.sqlite"
        if not path.exists():
            write_log(path, a.events)
        cont = Contender().start() if a.contended else None
        try:
            time.sleep(0.2 if cont else 0)
            rows = run(path, a.rounds)
        finally:
            if cont is not None:
                cont.stop()
    for k, r in enumerate(rows):
        print(f"round {k + 1} ({'contended' if a.contended else 'plain'}, load {r['load']:.1f}, "
              f"same decisions: {r['same_decisions']})")
        print("  " + _line("file", r["events"], r["file"]))
        print("  " + _line("memory", r["events"], r["memory"]))
        print(f"  file / memory: wall {r['memory']['wall'] / r['file']['wall']:.2f}, "
              f"thread CPU {r['memory']['thread_cpu'] / r['file']['thread_cpu']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
