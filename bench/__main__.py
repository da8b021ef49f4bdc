"""`make bench` / `python -m bench [--quick] [NAME ...]`: run the benchmarks, print each one's figures.

Every benchmark measures its own baseline in the same run and prints the ratio, so figures
from different machines (or a busy one) stay comparable. Benchmarks are not tests: nothing
here fails the build; the printed OK/MISSED says whether a target was met.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

BENCHES = ["feed", "commands", "log", "ui", "review", "state", "host", "rooms"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run in seconds")
    ap.add_argument("--events", type=int, default=None,
                    help="log size for the benchmarks that take one (review: default 10,000,000)")
    ap.add_argument("names", nargs="*", help=f"which of {BENCHES} (default: all)")
    args = ap.parse_args(argv)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
