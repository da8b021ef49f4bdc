"""`make bench` / `python -m bench [--quick] [NAME ...]`: run the benchmarks, print each one's figures.

Every benchmark measures its own baseline in the same run and prints the ratio, so figures
from different machines (or a busy one) stay comparable. Benchmarks are not tests: nothing
here fails the build; the printed OK/MISSED says whether a target was met.  The run ends
with one table of every figure, its target, met or missed (bench/figures.py).
``--contended`` keeps one core busy with a separate CPU-bound process for the whole run
(bench/contend.py): the absolute targets (times, rates) count in that mode.
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
    ap.add_argument("names", nargs="*", help=f"which of {BENCHES} (default: all)")
    args = ap.parse_args(argv)
    from bench.contend import Contender, cpu_seconds
    from bench.figures import table

    rows: list[tuple[str, dict]] = []
    burner = Contender()
    try:  # the burner dies with the run, Ctrl-C included (and with this process: see contend.py)
        if args.contended:
            burner.start()
            print(f"== contended: CPU burner pid {burner.pid} keeps one core busy", flush=True)
        t_start = time.monotonic()
        _run_all(args, rows)
        if burner.running:
            print(f"== contended: the burner used {cpu_seconds(burner.pid) or 0:.0f} CPU s "
                  f"over {time.monotonic() - t_start:.0f} s", flush=True)
    finally:
        burner.stop()
    print("\n== all figures")
    print(table(rows, contended=args.contended))
    return 0


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
