"""A/B of the replay's two shortcuts in one process, by thread CPU, in alternating pairs.

Run: ``.venv/bin/python -m bench.replay_ab LOG [--pairs K]`` (LOG: e.g. one written by
``bench.replay_probe --log``).

On a loaded machine the CPU time of the same replay moves by half from one minute to the
next, so two separate runs cannot show a 10 % change.  Here the same process replays the log
from the file ``pairs`` times with each variant, alternating which goes first, and prints the
median of the per-pair ratios: B (the current ``Replayer._apply_run``: a stored block's typed
runs skip the mirror's type check, the engine takes the mirror's per-SKU sums) against A (the
mirror checks the types and the engine counts the orders again, as before).  Both variants
must decide the same (checked).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from controlroom.log import open_log
from controlroom.review import replay as replay_mod
from controlroom.review.backtest import load_log, run_replay, settings_of

_B = replay_mod.Replayer._apply_run


def _a(self, topic, evs, cols, ts):
    """The replay's ``_apply_run`` before the shortcuts: type check in the mirror, counts in the engine."""
    mirror = self.mirror
    eng = self.engine
    if cols is not None and len(ts) >= 4 and mirror.apply_columns(topic, cols):
        if topic == "order":
            eng.on_order_columns(cols[3], cols[6], cols[7], cols[9])
        else:
            eng.on_cart_columns(cols[3], cols[5], cols[6])
        if eng.actions_pending:
            self._take_actions(ts[-1])
        return
    if topic == "traffic" or topic == "hb":
        for ev in evs:
            mirror.apply(ev)
        eng.on_events(evs)
        return
    for ev in evs:
        self.feed(ev)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--pairs", type=int, default=5)
    a = ap.parse_args(argv)
    with open_log(a.log) as r:
        data = load_log(r)
    settings = settings_of(data)

    def once(fn) -> tuple[float, object]:
        replay_mod.Replayer._apply_run = fn
        try:
            c0 = time.thread_time()
            with open_log(a.log) as r:
                data.reader = r
                res = run_replay(data, settings, cache=False)[0]
            return time.thread_time() - c0, res
        finally:
            replay_mod.Replayer._apply_run = _B

    once(_B)  # warm-up (the first replay in a process pays for growing the heap)
    ratios, ta, tb = [], [], []
    for k in range(a.pairs):
        order = (("A", _a), ("B", _B)) if k % 2 == 0 else (("B", _B), ("A", _a))
        got = {name: once(fn) for name, fn in order}
        (ca, ra), (cb, rb) = got["A"], got["B"]
        assert ra.transitions == rb.transitions and ra.actions == rb.actions, "the variants decided differently"
        ratios.append(cb / ca)
        ta.append(ca)
        tb.append(cb)
        print(f"pair {k + 1} (load {os.getloadavg()[0]:.1f}): A {ca / data.n_events * 1e6:.2f} us/event, "
              f"B {cb / data.n_events * 1e6:.2f} us/event, B/A {cb / ca:.3f}")
    print(f"median B/A {statistics.median(ratios):.3f} over {a.pairs} pairs (min A {min(ta) / data.n_events * 1e6:.2f}, "
          f"min B {min(tb) / data.n_events * 1e6:.2f} us/event); same decisions in every pair")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
