"""`make bench` / `python -m bench [--quick] [NAME ...]`: run the benchmarks, print each one's figures.

Every benchmark measures its own baseline in the same run and prints the ratio, so figures
from different machines (or a busy one) stay comparable. Benchmarks are not tests: nothing
here fails the build; the printed OK/MISSED says whether a target was met.  The run ends
with one table of every figure, its target, met or missed (bench/figures.py).
``--contended`` keeps one core busy with a separate CPU-bound process for the whole run
(bench/contend.py): the absolute targets (times, rates) count in that mode.

With more than one benchmark, each runs in a process of its own (``--figures-to``): a figure
of memory (the desk's RSS, a soak's peak) then counts that benchmark alone, not what the ones
before it left in the runner (the quick table at 07:14 UTC on 2026-12-07 read the desk at
318-328 MB in a runner that had replayed logs before; the desk alone peaks near 214 MB).
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

BENCHES = ["feed", "commands", "log", "ui", "review", "state", "host", "rooms", "soak", "soak_desk", "peak"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run in seconds")
    ap.add_argument("--events", type=int, default=None,
                    help="log size for the benchmarks that take one (review: default 10,000,000)")
    ap.add_argument("--contended", action="store_true",
                    help="keep one core busy with a separate CPU-bound process for the whole run")
    ap.add_argument("--figures-to", default=None, metavar="FILE",
                    help="run the one benchmark named here and write its figures to FILE as JSON "
                         "(how a run of several starts each in a process of its own)")
    ap.add_argument("names", nargs="*", help=f"which of {BENCHES} (default: all)")
    args = ap.parse_args(argv)
    from bench.contend import Contender, cpu_seconds
    from bench.figures import table

    if args.figures_to:
        if len(args.names) != 1:
            ap.error("--figures-to runs exactly one benchmark")
        rows: list[tuple[str, dict]] = []
        _run_all(args, rows)
        with open(args.figures_to, "w", encoding="utf-8") as f:
            json.dump([f for _name, f in rows], f, default=_plain)
        return 0

    rows: list[tuple[str, dict]] = []
    burner = Contender()
    try:  # the burner dies with the run, Ctrl-C included (and with this process: see contend.py)
        if args.contended:
            burner.start()
            print(f"== contended: CPU burner pid {burner.pid} keeps one core busy", flush=True)
        t_start = time.monotonic()
        names = args.names or BENCHES
        if len(names) > 1:
            for name in names:
                rows += _run_child(args, name)
        else:
            _run_all(args, rows)
        if burner.running:
            print(f"== contended: the burner used {cpu_seconds(burner.pid) or 0:.0f} CPU s "
                  f"over {time.monotonic() - t_start:.0f} s", flush=True)
    finally:
        burner.stop()
    print("\n== all figures")
    print(table(rows, contended=args.contended))
    return 0


def _plain(x):
    """JSON for a figure's numpy scalars (and anything else: its text)."""
    try:
        return x.item()
    except AttributeError:
        return str(x)


def _run_child(args, name: str) -> list[tuple[str, dict]]:
    """Run benchmark ``name`` in a fresh process (its report on this stdout); its figures, or none if it failed."""
    import os
    import subprocess
    import tempfile

    fd, path = tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".json")
    os.close(fd)
    cmd = [sys.executable, "-m", "bench", "--figures-to", path, name]
    if args.quick:
        cmd.insert(3, "--quick")
    if args.events:
        cmd[3:3] = ["--events", str(args.events)]
    try:
        sys.stdout.flush()
        code = subprocess.call(cmd)
        if code != 0:
            print(f"== {name}: failed (exit code {code}); its figures are left out", flush=True)
            return []
        with open(path, encoding="utf-8") as f:
            return [(name, fig) for fig in json.load(f)]
    except (OSError, ValueError) as e:
        print(f"== {name}: no figures ({e})", flush=True)
        return []
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def _run_all(args, rows: list) -> None:
    """Run the named benchmarks in turn, print each one's report, collect its figures into ``rows``."""
    for name in args.names or BENCHES:
        try:
            mod = importlib.import_module(f"bench.bench_{name}")
        except ImportError as e:
            print(f"== {name}: not available ({e})")
            continue
        print(f"== {name}", flush=True)
        t0 = time.monotonic()
        import inspect

        kw = {"events": args.events} if args.events and "events" in inspect.signature(mod.run).parameters else {}
        res = mod.run(quick=args.quick, **kw)
        if hasattr(mod, "report"):
            print(mod.report(res))
        elif hasattr(mod, "_print"):
            mod._print(res)
        else:
            print(json.dumps(res, indent=2, default=str))
        print(f"   ({time.monotonic() - t0:.1f} s)", flush=True)
        if hasattr(mod, "figures"):
            rows += [(name, f) for f in mod.figures(res)]


if __name__ == "__main__":
    sys.exit(main())
