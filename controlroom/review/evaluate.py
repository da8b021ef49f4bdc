"""Engine vs baselines on the demo shop: ``controlroom evaluate --scenario NAME --seed N``.

Method (also in ``docs/engine.md``):

1. **Open loop**: the seeded show runs with no command applied; its events go,
   in shop-time order, through one mirror + engine per policy (``engine``,
   ``naive``, ``static``), ticking every shop-second (:mod:`controlroom.review.replay`).
   The shop's own books give the ground truth: each SKU's first sell-out time.
   Lead time, misses, false warnings and alert rates of all three policies come
   from this run, so every policy is judged on exactly the same feed.
2. **Closed loop** (engine only): the same show (same seed) runs again and the
   engine's freeze actions are applied to the shop (``model.apply_command``):
   ``auto`` tiers at once, ``confirm`` tiers after a simulated operator delay
   (``--confirm-delay``, default 15 s; ``--no-confirm`` leaves them unconfirmed).
   Its oversold and lost-sales units are the engine's; the baselines only alert,
   so theirs are the open-loop books.
3. **Past the end**: a warning still undecided when the show ends (its SKU has not
   sold out and twice its window has not passed) is judged on what follows: the
   open-loop shop runs on past the end (:func:`run_past_end`, the audience at its
   after-show level) until each such SKU sold out or its horizon passed.  The show's
   own numbers (sell-outs, lead times, books) stop at the end; only those verdicts
   use the time after it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from controlroom.review import metrics
from controlroom.protocol import validate_event
from controlroom.review.replay import Replayer
from controlroom.settings import POLICIES, Settings, SettingsError, load_settings

__all__ = ["evaluate", "evaluate_all", "run_open_loop", "run_closed_loop", "run_past_end", "main"]

START_TS = 1_700_000_000.0  # fixed shop clock start: runs are reproducible
DEFAULT_DT = 0.5


def _model(scenario: str, seed: int, lag_s: float):
    from controlroom.simulate.model import ShopModel

    return ShopModel(scenario, seed, lag_s=lag_s, start_ts=START_TS)


def _end(model, until_s: float | None) -> float:
    d = model.duration_s if until_s is None else min(model.duration_s, until_s)
    return model.start_ts + d


def run_open_loop(scenario: str, seed: int, settings_by_policy: dict[str, Settings], *, dt: float = DEFAULT_DT,
                  until_s: float | None = None, lag_s: float = 2.0, on_step=None):
    """Run the show once with no commands; feed every policy's engine. Returns (model, {policy: result}).

    ``on_step(model, replayers)`` (optional) is called after each step (the table's band sampler)."""
    model = _model(scenario, seed, lag_s)
    snap = model.snapshot()
    reps = {p: Replayer(s, snap, start_ts=model.now) for p, s in settings_by_policy.items()}
    feeds = [r.feed_batch for r in reps.values()]
    end = _end(model, until_s)
    while model.now < end - 1e-9:
        # One step's events, as the live core gets them: consecutive events of a topic together.
        batch = [validate_event(topic, fields) for topic, fields in model.step(dt)]
        for f in feeds:
            f(batch)
        if on_step is not None:
            on_step(model, reps)
    return model, {p: r.finish(model.now) for p, r in reps.items()}


def run_closed_loop(scenario: str, seed: int, settings: Settings, *, dt: float = DEFAULT_DT,
                    until_s: float | None = None, lag_s: float = 2.0, confirm_delay_s: float | None = 15.0):
    """Run the show with the engine's freeze actions applied to the shop. Returns (model, result)."""
    model = _model(scenario, seed, lag_s)
    due: list[tuple[float, dict]] = []
    applied: list[dict] = []

    def request(a: dict) -> dict:
        # The shop request of an action (an exposure change carries its weight).
        return {"op": a["op"], "sku": a["sku"], **({"weight": a["weight"]} if "weight" in a else {})}

    def on_action(a: dict, ts: float) -> None:
        if a.get("confirm"):
            if confirm_delay_s is not None:
                due.append((ts + confirm_delay_s, a))
        else:
            applied.append({**a, "applied_ts": ts, "reply": model.apply_command(request(a))})

    rep = Replayer(settings, model.snapshot(), start_ts=model.now, on_action=on_action)
    end = _end(model, until_s)
    while model.now < end - 1e-9:
        rep.feed_batch([validate_event(topic, fields) for topic, fields in model.step(dt)])
        if due:
            now = model.now
            for item in [d for d in due if d[0] <= now]:
                due.remove(item)
                a = item[1]
                applied.append({**a, "applied_ts": now, "reply": model.apply_command(request(a))})
    res = rep.finish(model.now)
    return model, res, applied


def run_past_end(model, deadlines: dict[str, float], dt: float = DEFAULT_DT) -> float:
    """Step the shop past the show's end until each SKU of ``deadlines`` sold out or its deadline passed.

    ``deadlines``: SKU -> shop time its open warning's verdict horizon ends.  Nothing is fed
    to an engine; only the shop's sell-out times (``model.books.sellout_ts``) are read after.
    Returns the shop time the run stopped at (the new end of what is known).
    """
    sold = model.books.sellout_ts
    waiting = {k: v for k, v in deadlines.items() if k not in sold}
    while waiting:
        model.step(dt)
        now = model.now
        waiting = {k: v for k, v in waiting.items() if k not in sold and v > now}
    return model.now


def _windows(model, settings: Settings) -> dict[str, float]:
    tiers = {s["sku"]: s["tier"] for s in model.catalog}
    return {sku: settings.tier_settings(sku, tiers[sku]).window_min for sku in tiers}


def _summary(model, result, settings: Settings, sellouts: dict, duration_s: float, **judging: Any) -> dict:
    windows = _windows(model, settings)
    return metrics.summarize(result.transitions, sellouts, windows, len(windows), duration_s, **judging)


def evaluate_all(scenario: str, seed: int, settings: Settings | None = None, *, policies=POLICIES,
                 dt: float = DEFAULT_DT, until_s: float | None = None, lag_s: float = 2.0,
                 confirm_delay_s: float | None = 15.0, closed_loop: bool = True) -> dict[str, dict]:
    """Metrics for each policy on one seeded show (see module doc)."""
    settings = settings or Settings()
    by_policy = {p: settings.with_changes({"engine.policy": p}) for p in policies}
    t0 = time.perf_counter()
    model, results = run_open_loop(scenario, seed, by_policy, dt=dt, until_s=until_s, lag_s=lag_s)
    duration = model.now - model.start_ts
    show_end = model.now
    sellouts = dict(model.books.sellout_ts)
    open_books = {"oversold_units": sum(model.books.oversold.values()),
                  "lost_units": round(sum(model.books.lost.values()), 1),
                  "lost_by_cause": {k: round(v, 1) for k, v in sorted(model.books.lost_why.items())}}
    deadlines: dict[str, float] = {}
    for p in policies:  # warnings undecided at the end: run the shop on until each is decided
        w = _windows(model, by_policy[p])
        for sku, start in metrics.open_warnings(results[p].transitions, sellouts, w, show_end):
            deadlines[sku] = max(deadlines.get(sku, 0.0), start + 2.0 * w[sku] * 60.0)
    known_until = run_past_end(model, deadlines, dt)
    verdict = dict(model.books.sellout_ts)
    out: dict[str, dict] = {}
    for p in policies:
        m = _summary(model, results[p], by_policy[p], sellouts, duration, end_ts=known_until,
                     verdict_sellouts=verdict, show_end_ts=show_end)
        m.update(policy=p, scenario=scenario, seed=seed, **open_books, loop="open",
                 run_past_end_s=round(known_until - show_end, 1))
        out[p] = m
    if closed_loop and "engine" in policies:
        cmodel, cres, applied = run_closed_loop(scenario, seed, by_policy["engine"], dt=dt, until_s=until_s,
                                               lag_s=lag_s, confirm_delay_s=confirm_delay_s)
        e = out["engine"]
        e["oversold_units"] = sum(cmodel.books.oversold.values())
        e["lost_units"] = round(sum(cmodel.books.lost.values()), 1)
        e["lost_by_cause"] = {k: round(v, 1) for k, v in sorted(cmodel.books.lost_why.items())}
        e["loop"] = "closed"
        e["freezes_applied"] = len(applied)
        cl = _summary(cmodel, cres, by_policy["engine"], dict(cmodel.books.sellout_ts), cmodel.now - cmodel.start_ts)
        e["closed_loop_alerts_per_operator_per_10min"] = cl["alerts_per_operator_per_10min"]
        e["closed_loop_alarms_per_operator_per_10min"] = cl["alarms_per_operator_per_10min"]
        e["closed_loop_sellouts"] = cl["sellouts"]
    for m in out.values():
        m["elapsed_s"] = round(time.perf_counter() - t0, 2)
    return out


def evaluate(scenario: str, seed: int, policy: str, settings: Settings | None = None, **kw: Any) -> dict:
    """Metrics of one policy (``engine``, ``naive`` or ``static``) on one seeded show."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
    return evaluate_all(scenario, seed, settings, policies=(policy,), **kw)[policy]


ROWS = [
    ("median warning lead time (s), warned sell-outs", "median_lead_s"),
    ("median lead time (s), all sell-outs (a miss = 0 s)", "median_lead_all_s"),
    ("sell-outs with no warning", "misses"),
    ("false warnings per SKU-hour", "false_warnings_per_sku_hour"),
    ("  (false warnings)", "false_warnings"),
    ("  (open at the show's end, judged on what followed)", "judged_after_end"),
    ("alarms per operator per 10 min (EEMUA: escalation = 1, watch advisory)", "alarms_per_operator_per_10min"),
    ("  (alarms)", "alarms"),
    ("watch advisories per 10 min (panel only, not alarms)", "advisories_per_operator_per_10min"),
    ("raw alert instances per 10 min (any level, unmerged)", "alerts_per_operator_per_10min"),
    ("  (alert instances fired)", "alerts"),
    ("incidents per operator per 10 min (any level merged)", "incidents_per_operator_per_10min"),
    ("oversold units", "oversold_units"),
    ("lost sales (units)", "lost_units"),
]


def format_table(res: dict[str, dict]) -> str:
    """The side-by-side table ``main`` prints."""
    pols = list(res)
    first = res[pols[0]]
    lines = [f"scenario {first['scenario']} seed {first['seed']}: {first['duration_s']:.0f} s of show, "
             f"{first['skus']} SKUs, {first['sellouts']} sell-outs (open loop), 1 operator"]
    w = max(len(label) for label, _k in ROWS) + 2
    lines.append("".ljust(w) + "".join(p.rjust(12) for p in pols))
    for label, key in ROWS:
        cells = []
        for p in pols:
            v = res[p].get(key)
            cells.append(("-" if v is None else (f"{v:.3f}" if isinstance(v, float) and not key.startswith("median_lead")
                                                  else (f"{v:.0f}" if isinstance(v, float) else str(v)))).rjust(12))
        lines.append(label.ljust(w) + "".join(cells))
    if "engine" in res and res["engine"].get("loop") == "closed":
        e = res["engine"]
        lines.append(f"engine oversold/lost from the closed loop ({e['freezes_applied']} freezes applied); "
                     f"baselines alert only (open loop). Closed-loop engine alarms per 10 min: "
                     f"{e['closed_loop_alarms_per_operator_per_10min']:.3f} (raw alert instances "
                     f"{e['closed_loop_alerts_per_operator_per_10min']:.3f})")
    if first.get("run_past_end_s"):
        lines.append(f"the shop ran {first['run_past_end_s']:.0f} s past the end of the show to judge the warnings "
                     f"still open (open at end after that: "
                     + ", ".join(f"{p} {res[p].get('open_at_end', 0)}" for p in pols) + ")")
    for p in pols:
        why = res[p].get("lost_by_cause")
        if why:
            lines.append(f"{p}: lost sales by cause {json.dumps(why, sort_keys=True)}")
    for p in pols:
        by = res[p]["alerts_by_level"]
        lines.append(f"{p}: alerts by level {json.dumps(by, sort_keys=True)}; missed {res[p]['missed_skus']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None, many=None) -> int:
    """``controlroom evaluate``; ``many(args, overrides)`` runs the many-shows table (:mod:`controlroom.review.evaluate_table`, whose ``main`` passes it)."""
    ap = argparse.ArgumentParser(prog="controlroom evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=None, help="a scenario, several (a,b) or all; default evening-show "
                    "(with --load: every scenario in the file)")
    ap.add_argument("--seed", type=int, nargs="+", default=[1])
    ap.add_argument("--config", default=None, help="settings TOML")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="settings override")
    ap.add_argument("--dt", type=float, default=DEFAULT_DT, help="shop time step (s)")
    ap.add_argument("--until", type=float, default=None, help="evaluate only the first N seconds")
    ap.add_argument("--lag", type=float, default=2.0, help="storefront lag of the demo shop (s)")
    ap.add_argument("--confirm-delay", type=float, default=15.0, help="simulated operator confirm delay (s)")
    ap.add_argument("--no-confirm", action="store_true", help="confirm-tier freezes are never confirmed")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--seeds", default=None, help="many shows: seeds as 1-20,25 (one table, see review.evaluate_table)")
    ap.add_argument("--jobs", type=int, default=1, help="many shows: worker processes")
    ap.add_argument("--save", default=None, help="many shows: save every show's figures (JSON)")
    ap.add_argument("--load", default=None, help="many shows: table from saved figures, no run")
    args = ap.parse_args(argv)
    if args.scenario is None:
        args.scenario = "all" if args.load else "evening-show"
    try:
        overrides = dict(kv.split("=", 1) for kv in args.set)
    except ValueError:
        print("--set needs KEY=VALUE", file=sys.stderr)
        return 2
    try:
        settings = load_settings(args.config, overrides)
    except SettingsError as e:
        print(f"settings: {e}", file=sys.stderr)
        return 2
    if args.scenario == "all" or "," in args.scenario or args.seeds or args.load or args.jobs > 1:
        if many is None:
            print("many shows: run `controlroom evaluate` (controlroom.review.evaluate_table.main)", file=sys.stderr)
            return 2
        return many(args, overrides)
    all_res = {}
    for seed in args.seed:
        try:
            res = evaluate_all(args.scenario, seed, settings, dt=args.dt, until_s=args.until, lag_s=args.lag,
                               confirm_delay_s=None if args.no_confirm else args.confirm_delay)
        except ValueError as e:
            print(str(e), file=sys.stderr)
            return 2
        all_res[seed] = res
        if not args.json:
            print(format_table(res))
            print()
    if args.json:
        print(json.dumps(all_res, indent=2, default=str))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
