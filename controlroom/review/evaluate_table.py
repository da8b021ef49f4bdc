"""Many shows at once: ``controlroom evaluate --scenario all --seeds 1-20 --jobs 2``.

Each (scenario, seed) show is evaluated in a worker process (:func:`evaluate_show`): the
open loop feeds engine, naive and static the same events (lead time, misses, false
warnings, incidents, chatter, the band's coverage), the closed loop applies the engine's
actions (oversold and lost sales *with* auto-freeze); the open loop's books are the
shop left alone (oversold and lost sales *without* auto-freeze).  :func:`aggregate`
sums each scenario over its seeds and keeps the worst seed; :func:`format_table` prints
one table, engine, naive and static side by side.

Definitions beyond :mod:`controlroom.review.metrics`:

* **lead**: per sell-out, how long before it the policy's first warning came (a miss is 0 s).
  Printed three ways: the median over all sell-outs, the **sum over seeds** (the issue's own
  figure for the table; its worst seed among seeds that had a sell-out), and **sell-outs warned
  earlier / same / later than naive**, the same sell-out (seed, SKU) compared under both
  policies (same: within half a second, one tick).  The targets check both the median and the sum.
* **chatter**: changes of a SKU's shown level (the most severe of its firing or
  recovering watch, warning, losing-sales and critical alerts; ``ok`` when none) per
  SKU-hour.  **swings in 10 min**: the most, over SKUs and 10-minute windows, of runs
  of level changes in one direction (ok -> watch -> warning -> critical is one swing,
  back to ok a second): the "no SKU changes level more than twice in any 10 minutes"
  target, an escalation counted once.  The raw count of changes in 10 minutes is
  reported beside it.
* **episode chatter**: the same, on what the operator is shown: the level of the SKU's
  episode (``controlroom.alerts.episodes``: held, pending, grouped), 0 when it ends; the
  targets read this one.
* **band coverage**: every minute, for every SKU the engine forecasts, whether the
  units really sold in the next window fell inside the forecast's 80 % band; windows
  cut off by a sell-out (or already sold out) or by the end of the show are left out.
  Pooled per tier.
"""
from __future__ import annotations

import json
import statistics
import sys
from bisect import bisect_left
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from controlroom.review import metrics
from controlroom.review.chatter import SHOWN, episode_level_changes, level_changes

__all__ = ["parse_seeds", "evaluate_show", "run_shows", "aggregate", "format_table", "check_targets",
           "level_changes", "episode_level_changes", "BandSampler", "table_main", "Z80"]

Z80 = 1.2816  # the 10 % and 90 % points of a normal: an 80 % band
LEVEL_NAMES = {0: "ok", 1: "watch", 2: "warning", 3: "lost_sales", 4: "critical"}
SAMPLE_EVERY_S = 60.0


def parse_seeds(spec: str | list) -> list[int]:
    """``"1-5,8"`` -> [1, 2, 3, 4, 5, 8] (a list of specs is joined)."""
    if isinstance(spec, (list, tuple)):
        spec = ",".join(str(s) for s in spec)
    out: list[int] = []
    for part in str(spec).split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


# --- per show ---------------------------------------------------------------------------------

class BandSampler:
    """Every minute, each SKU's 80 % band and units sold so far (the open loop's engine)."""

    def __init__(self, settings, tiers: dict[str, str]) -> None:
        self.settings = settings
        self.tiers = tiers
        self.next_ts: float | None = None
        self.rows: list[tuple[float, str, float, float, float, int, int]] = []  # ts, sku, mu, lo, hi, sold, avail

    def observe(self, model, replayers: dict) -> None:
        rep = replayers.get("engine")
        if rep is None:
            return
        now = model.now
        if self.next_ts is None:
            self.next_ts = model.start_ts + SAMPLE_EVERY_S
        if now + 1e-9 < self.next_ts:
            return
        self.next_ts += SAMPLE_EVERY_S
        eng, mirror = rep.engine, rep.mirror
        for sku, st in mirror.skus.items():
            m = eng.models.get(sku)
            fc = m.fc if m is not None else None
            if fc is None:
                continue
            lo = getattr(fc, "band_lo", None)
            hi = getattr(fc, "band_hi", None)
            if lo is None or hi is None or hi <= 0.0:
                # The forecast's one-sided upper band at band_z, turned into a two-sided 80 % band.
                z = eng._e.band_z or 1.0
                sd = max(0.0, fc.predicted_hi - fc.predicted_sales) / z
                lo, hi = max(0.0, fc.predicted_sales - Z80 * sd), fc.predicted_sales + Z80 * sd
            self.rows.append((now, sku, fc.predicted_sales, lo, hi, st.sold, st.available))

    def coverage(self, sellouts: dict[str, float], end_ts: float) -> dict[str, list[int]]:
        """Per tier ``[inside, windows]`` (see module doc for what is left out)."""
        by_sku: dict[str, list] = {}
        for r in self.rows:
            by_sku.setdefault(r[1], []).append(r)
        out: dict[str, list[int]] = {}
        for sku, rows in by_sku.items():
            tier = self.tiers[sku]
            w = self.settings.tier_settings(sku, tier).window_min * 60.0
            times = [r[0] for r in rows]
            so = sellouts.get(sku)
            for r in rows:
                t0 = r[0]
                if r[6] <= 0 or t0 + w > end_ts + 1e-6 or (so is not None and so <= t0 + w):
                    continue
                j = bisect_left(times, t0 + w - 1e-6)
                if j >= len(rows) or abs(times[j] - (t0 + w)) > SAMPLE_EVERY_S / 2:
                    continue
                sold = rows[j][5] - r[5]
                acc = out.setdefault(tier, [0, 0])
                acc[1] += 1
                if r[3] - 1e-9 <= sold <= r[4] + 1e-9:
                    acc[0] += 1
        return out


def evaluate_show(scenario: str, seed: int, config: str | None = None, overrides: dict | None = None,
                  dt: float = 0.5, lag_s: float = 2.0, confirm_delay_s: float | None = 15.0,
                  until_s: float | None = None) -> dict:
    """Every figure of the table for one seeded show, per policy (JSON-able)."""
    from controlroom.review import evaluate as ev
    from controlroom.settings import POLICIES, load_settings

    settings = load_settings(config, overrides or {})
    by_policy = {p: settings.with_changes({"engine.policy": p}) for p in POLICIES}
    sampler: BandSampler | None = None

    def on_step(model, reps):
        nonlocal sampler
        if sampler is None:
            sampler = BandSampler(by_policy["engine"], {s["sku"]: s["tier"] for s in model.catalog})
        sampler.observe(model, reps)

    model, results = ev.run_open_loop(scenario, seed, by_policy, dt=dt, until_s=until_s, lag_s=lag_s,
                                      on_step=on_step)
    duration = model.now - model.start_ts
    sellouts = dict(model.books.sellout_ts)
    skus = len(model.catalog)
    out: dict[str, Any] = {"scenario": scenario, "seed": seed, "duration_s": duration, "skus": skus,
                           "sellouts": len(sellouts), "policies": {}}
    for p in POLICIES:
        s = ev._summary(model, results[p], by_policy[p], sellouts, duration)
        s.update(level_changes(results[p].transitions, duration))
        eps = _episodes(results[p])
        if eps is not None:
            s["episodes"] = eps
            book = results[p].engine.episodes
            ec = episode_level_changes(book.level_log, book.taken)
            s.update({f"ep_{k}": v for k, v in ec.items()})
        s["oversold_without_freeze"] = sum(model.books.oversold.values())
        s["lost_without_freeze"] = round(sum(model.books.lost.values()), 1)
        s["lost_counts_oversold"] = True  # see _books_lost
        out["policies"][p] = s
    out["policies"]["engine"]["band"] = sampler.coverage(sellouts, model.now) if sampler else {}
    cmodel, cres, applied = ev.run_closed_loop(scenario, seed, by_policy["engine"], dt=dt, until_s=until_s,
                                               lag_s=lag_s, confirm_delay_s=confirm_delay_s)
    e = out["policies"]["engine"]
    e["oversold_with_freeze"] = sum(cmodel.books.oversold.values())
    e["lost_with_freeze"] = round(sum(cmodel.books.lost.values()), 1)
    e["actions_applied"] = len(applied)
    e["freezes_applied"] = sum(1 for a in applied if a.get("op") == "freeze")
    cl = ev._summary(cmodel, cres, by_policy["engine"], dict(cmodel.books.sellout_ts), cmodel.now - cmodel.start_ts)
    e["closed_incidents"] = cl["incidents"]
    ceps = _episodes(cres)
    if ceps is not None:
        e["closed_episodes"] = ceps
    return out


def _episodes(result) -> int | None:
    """Episodes that reached the operator, if the engine keeps an episode book (else None)."""
    book = getattr(result.engine, "episodes", None)
    if book is None:
        return None
    return book.count_shown()


def _one(job: tuple) -> dict:
    return evaluate_show(*job[:2], **job[2])


def run_shows(scenarios: list[str], seeds: list[int], jobs: int = 1, progress=None, **kw: Any) -> list[dict]:
    """Evaluate every (scenario, seed) show, ``jobs`` at a time; results in job order."""
    todo = [(sc, seed, kw) for sc in scenarios for seed in seeds]
    # The longest shows first, so two workers finish together.
    weight = {"evening-show": 0, "late-restock": 1, "price-cut": 2, "mentions": 3, "flash-sale": 4}
    order = sorted(range(len(todo)), key=lambda i: (weight.get(todo[i][0], 5), i))
    res: list[dict | None] = [None] * len(todo)
    if jobs <= 1:
        for i in order:
            res[i] = _one(todo[i])
            if progress:
                progress(res[i])
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            futs = {i: pool.submit(_one, todo[i]) for i in order}
            for i in order:
                res[i] = futs[i].result()
                if progress:
                    progress(res[i])
    return [r for r in res if r is not None]


# --- aggregation -------------------------------------------------------------------------------

def _med(vals: list[float]) -> float | None:
    return statistics.median(vals) if vals else None


def aggregate(shows: list[dict]) -> dict[str, dict]:
    """Per scenario and policy: sums over seeds and the worst seed (see :func:`format_table`)."""
    out: dict[str, dict] = {}
    for show in shows:
        sc = out.setdefault(show["scenario"], {"seeds": [], "duration_s": 0.0, "sku_h": 0.0, "sellouts": 0,
                                               "policies": {}})
        sc["seeds"].append(show["seed"])
        sc["duration_s"] += show["duration_s"]
        sc["sku_h"] += show["skus"] * show["duration_s"] / 3600.0
        sc["sellouts"] += show["sellouts"]
        for p, m in show["policies"].items():
            a = sc["policies"].setdefault(p, {"leads": [], "seed_med": [], "seed_sum": [], "by_sellout": {},
                                              "misses": [], "fw": [], "inc": [],
                                              "eps": [], "chg": [], "swing": [], "raw10": [], "over_w": [],
                                              "lost_w": [], "over_wo": [], "lost_wo": [], "band": {}, "dur": [],
                                              "band_seed": {}, "alarms": [], "ep_chg": [],
                                              "ep_swing": []})
            leads = [0.0 if v is None else v for v in m["lead_s"].values()]
            a["leads"].extend(leads)
            a["seed_med"].append(_med(leads))
            if leads:  # (the worst seed's sum among seeds that had a sell-out)
                a["seed_sum"].append(sum(leads))
            for sku, v in m["lead_s"].items():  # (seed, SKU): the same sell-out under every policy
                a["by_sellout"][(show["seed"], sku)] = 0.0 if v is None else v
            a["misses"].append(m["misses"])
            a["fw"].append(m["false_warnings"])
            a["inc"].append(m["incidents"])
            a["alarms"].append(m["alarms"])
            a["eps"].append(m.get("episodes"))
            a["dur"].append(show["duration_s"])
            a["chg"].append(m["level_changes"])
            a["swing"].append(m["max_swings_10min"])
            a["ep_chg"].append(m.get("ep_level_changes"))
            a["ep_swing"].append(m.get("ep_max_swings_10min"))
            a["raw10"].append(m["max_changes_10min"])
            a["over_wo"].append(m["oversold_without_freeze"])
            a["lost_wo"].append(_books_lost(m, "without"))
            if "oversold_with_freeze" in m:
                a["over_w"].append(m["oversold_with_freeze"])
                a["lost_w"].append(_books_lost(m, "with"))
            for tier, (inside, n) in m.get("band", {}).items():
                b = a["band"].setdefault(tier, [0, 0])
                b[0] += inside
                b[1] += n
                if n >= 10:
                    a["band_seed"].setdefault(tier, []).append(inside / n)
    return out


def _rate10(n: list, dur: list) -> tuple[float, float]:
    """(pooled per 10 min, worst seed's per 10 min)."""
    tot = sum(dur)
    pooled = sum(n) / (tot / 600.0) if tot > 0 else 0.0
    worst = max((x / (d / 600.0) for x, d in zip(n, dur) if d > 0), default=0.0)
    return pooled, worst


def _rows(sc: dict) -> list[tuple[str, dict[str, str]]]:
    rows: list[tuple[str, dict[str, str]]] = []
    pols = sc["policies"]

    def row(label, fn):
        rows.append((label, {p: fn(a) for p, a in pols.items()}))

    def f0(x):
        return "-" if x is None else f"{x:.0f}"

    row("median lead, all sell-outs (s) (worst seed)",
        lambda a: f"{f0(_med(a['leads']))} ({f0(min((v for v in a['seed_med'] if v is not None), default=None))})")
    row("lead summed over sell-outs (s) (worst seed)",
        lambda a: f"{f0(sum(a['leads']))} ({f0(min(a['seed_sum'], default=None))})")
    naive = pols.get("naive")
    if naive is not None:
        row("sell-outs warned earlier / same / later than naive",
            lambda a: "-" if a is naive else "{} / {} / {}".format(*_versus(a, naive)))
    row("misses (worst seed)", lambda a: f"{sum(a['misses'])} ({max(a['misses'])})")
    row("false warnings (worst seed)", lambda a: f"{sum(a['fw'])} ({max(a['fw'])})")
    row("incidents /op/10 min (worst)", lambda a: "{:.2f} ({:.2f})".format(*_rate10(a["inc"], a["dur"])))
    row("episodes /op/10 min (worst)", lambda a: "-" if any(e is None for e in a["eps"]) else
        "{:.2f} ({:.2f})".format(*_rate10(a["eps"], a["dur"])))
    row("alarms /op/10 min (worst)", lambda a: "{:.2f} ({:.2f})".format(*_rate10(a["alarms"], a["dur"])))
    row("chatter /SKU-h; max swings, changes in 10 min",
        lambda a: f"{sum(a['chg']) / sc['sku_h']:.3f}; {max(a['swing'])}, {max(a['raw10'])}")
    row("episode chatter /SKU-h; max swings in 10 min", lambda a: "-" if any(x is None for x in a["ep_chg"]) else
        f"{sum(a['ep_chg']) / sc['sku_h']:.3f}; {max(a['ep_swing'])}")
    for tier in ("traffic_driver", "profit", "long_tail"):
        def band(a, tier=tier):
            b = a["band"].get(tier)
            if not b or not b[1]:
                return "-"
            per = a["band_seed"].get(tier, [])
            worst = max(per, key=lambda x: abs(x - 0.8)) if per else None
            return f"{100 * b[0] / b[1]:.0f}% n={b[1]}" + ("" if worst is None else f" ({100 * worst:.0f}%)")
        row(f"band coverage {tier} (worst)", band)
    row("oversold, with auto-freeze (worst)",
        lambda a: f"{sum(a['over_w'])} ({max(a['over_w'])})" if a["over_w"] else "-")
    row("oversold, without (worst)", lambda a: f"{sum(a['over_wo'])} ({max(a['over_wo'])})")
    row("lost sales units, with auto-freeze (vs without)",
        lambda a: (f"{sum(a['lost_w']):.0f} ({_pct(sum(a['lost_w']), sum(a['lost_wo']))})" if a["lost_w"] else "-"))
    row("lost sales units, without (worst)", lambda a: f"{sum(a['lost_wo']):.0f} ({max(a['lost_wo']):.0f})")
    # Context: the share of "without" that is oversold orders the shop cancelled (a freeze turns those
    # buyers away before they order instead), and the comparison as the books made it before they
    # counted a cancelled order as lost (up to 2026-12-07).
    row("  without: of which oversold (cancelled)",
        lambda a: f"{sum(a['over_wo']):.0f} ({100 * sum(a['over_wo']) / sum(a['lost_wo']):.1f}%)" if sum(a["lost_wo"]) else "-")
    row("  with vs without, cancelled orders not counted",
        lambda a: _pct(sum(a["lost_w"]) - sum(a["over_w"]), sum(a["lost_wo"]) - sum(a["over_wo"])) if a["lost_w"] else "-")
    return rows


def _versus(a: dict, b: dict, tol_s: float = 0.5) -> tuple[int, int, int]:
    """Sell-outs (seed, SKU) policy ``a`` warned earlier than, as early as (within ``tol_s``, one tick),
    and later than policy ``b`` (a miss counts as 0 s lead)."""
    earlier = same = later = 0
    for key, v in a["by_sellout"].items():
        d = v - b["by_sellout"].get(key, 0.0)
        if d > tol_s:
            earlier += 1
        elif d < -tol_s:
            later += 1
        else:
            same += 1
    return earlier, same, later


def _books_lost(m: dict, arm: str) -> float:
    """Lost sales units of one policy's saved figures, ``arm`` "with" or "without" auto-freeze.

    An oversold order is lost: the shop cancels it and the buyer gets nothing (controlroom.simulate.model).
    Shows saved before the books counted it (no ``lost_counts_oversold``) get their cancelled units added,
    so an old file and a new run compare on the same books.
    """
    lost = m[f"lost_{arm}_freeze"]
    if not m.get("lost_counts_oversold"):
        lost += m.get(f"oversold_{arm}_freeze", 0)
    return lost


def _pct(x: float, base: float) -> str:
    if base <= 0:
        return "n/a"
    return f"{100.0 * (x - base) / base:+.1f}%"


def format_table(agg: dict[str, dict]) -> str:
    """One table: per scenario, every figure for engine, naive and static side by side."""
    lines = []
    colw = 24
    for name, sc in agg.items():
        pols = list(sc["policies"])
        seeds = sorted(sc["seeds"])
        rows = _rows(sc)
        w = max(len(label) for label, _ in rows) + 2
        lines.append(f"{name}: seeds {_seed_text(seeds)} ({len(seeds)} shows, {sc['sellouts']} sell-outs, "
                     f"{sc['duration_s'] / 3600:.1f} h)")
        lines.append("".ljust(w) + "".join(p.rjust(colw) for p in pols))
        for label, cells in rows:
            lines.append(label.ljust(w) + "".join(cells[p].rjust(colw) for p in pols))
        lines.append("")
    return "\n".join(lines)


def _seed_text(seeds: list[int]) -> str:
    if seeds and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
    return ",".join(map(str, seeds))


# --- targets -------------------------------------------------------------------------------------

LOAD_SCENARIOS = ("evening-show", "steady", "mentions", "late-restock", "traffic-surge", "price-cut")
LOST_TOLERANCE = {"evening-show": 0.03, "flash-sale": 0.10}


def check_targets(agg: dict[str, dict]) -> list[tuple[str, str, bool, str]]:
    """The issue's targets: ``(scenario, target, met, figures)`` rows."""
    out = []
    for name, sc in agg.items():
        e, n = sc["policies"].get("engine"), sc["policies"].get("naive")
        if e is None:
            continue
        if name in LOAD_SCENARIOS:
            eps = e["eps"] if all(x is not None for x in e["eps"]) else e["inc"]
            pooled, worst = _rate10(eps, e["dur"])
            out.append((name, "episodes/op/10 min <= 1", pooled <= 1.0, f"{pooled:.2f} (worst seed {worst:.2f})"))
            if all(x is not None for x in e["ep_swing"]):
                out.append((name, "episode swings per SKU in 10 min <= 2", max(e["ep_swing"]) <= 2,
                            f"max {max(e['ep_swing'])} (alerts: {max(e['swing'])})"))
            else:
                out.append((name, "swings per SKU in 10 min <= 2", max(e["swing"]) <= 2, f"max {max(e['swing'])}"))
        if n is not None:
            out.append((name, "false warnings <= naive", sum(e["fw"]) <= sum(n["fw"]),
                        f"{sum(e['fw'])} vs {sum(n['fw'])}"))
            le, ln = _med(e["leads"]), _med(n["leads"])
            out.append((name, "median lead >= naive", (le or 0) >= (ln or 0), f"{f'{le:.0f}' if le is not None else '-'} vs "
                        f"{f'{ln:.0f}' if ln is not None else '-'} s"))
            # The issue's own figure for lead time: the sum over seeds (every sell-out, a miss 0 s).
            se, sn = sum(e["leads"]), sum(n["leads"])
            ea, same, la = _versus(e, n)
            out.append((name, "lead summed over seeds >= naive", se >= sn,
                        f"{se:.0f} vs {sn:.0f} s; earlier/same/later on {ea}/{same}/{la} sell-outs"))
        out.append((name, "misses 0", sum(e["misses"]) == 0, str(sum(e["misses"]))))
        if e["over_w"]:
            out.append((name, "oversold 0 with auto-freeze", sum(e["over_w"]) == 0, str(sum(e["over_w"]))))
        tol = LOST_TOLERANCE.get(name)
        if tol is not None and e["lost_w"]:
            lw, lwo = sum(e["lost_w"]), sum(e["lost_wo"])
            out.append((name, f"lost sales with freeze within {tol:.0%}", lw <= lwo * (1 + tol),
                        f"{lw:.0f} vs {lwo:.0f} ({_pct(lw, lwo)})"))
        for tier, (inside, tot) in e["band"].items():
            if tot:
                c = inside / tot
                out.append((name, f"band coverage {tier} 75-85%", 0.75 <= c <= 0.85, f"{100 * c:.1f}% of {tot}"))
    return out


def format_targets(rows) -> str:
    return "\n".join(f"{'MET ' if ok else 'MISS'}  {sc:14s} {t:40s} {fig}" for sc, t, ok, fig in rows)


# --- command line ------------------------------------------------------------------------------

def table_main(args, overrides: dict) -> int:
    """``evaluate --scenario all|NAME --seeds SPEC --jobs N [--save F] [--load F]``."""
    from controlroom.simulate.scenarios import SCENARIOS

    if args.load:
        with open(args.load, encoding="utf-8") as f:
            shows = json.load(f)
        seeds = set(parse_seeds(args.seeds)) if args.seeds else None
        shows = [s for s in shows if seeds is None or s["seed"] in seeds]
        if args.scenario != "all":
            shows = [s for s in shows if s["scenario"] in args.scenario.split(",")]
        if not shows:
            print(f"{args.load}: no saved show matches --scenario {args.scenario}"
                  + (f" --seeds {args.seeds}" if args.seeds else ""), file=sys.stderr)
            return 2
    else:
        names = list(SCENARIOS) if args.scenario == "all" else args.scenario.split(",")
        for nm in names:
            if nm not in SCENARIOS:
                print(f"unknown scenario {nm!r}; choose one of {', '.join(SCENARIOS)} or all", file=sys.stderr)
                return 2
        seeds = parse_seeds(args.seeds) if args.seeds else list(args.seed)

        def progress(r):
            print(f"  done {r['scenario']} seed {r['seed']}", file=sys.stderr, flush=True)

        shows = run_shows(names, seeds, jobs=args.jobs, progress=progress, config=args.config,
                          overrides=overrides, dt=args.dt, lag_s=args.lag, until_s=args.until,
                          confirm_delay_s=None if args.no_confirm else args.confirm_delay)
        if args.save:
            with open(args.save, "w", encoding="utf-8") as f:
                json.dump(shows, f, default=str)
    agg = aggregate(shows)
    if args.json:
        print(json.dumps(agg, default=str))
        return 0
    print(format_table(agg))
    print(format_targets(check_targets(agg)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """``controlroom evaluate``: one scenario and seed as before, or many shows in one table."""
    from controlroom.review import evaluate as ev

    return ev.main(argv, many=table_main)
