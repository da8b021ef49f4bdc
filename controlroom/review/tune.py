"""``controlroom tune FILE``: per-tier settings that would have done best on this session.

Method (replays through the real engine, see :mod:`controlroom.review.backtest`):

1. Score of a tier on a replay (lower is better)::

       10 x misses + 2 x false warnings + 1 x unguarded oversold units
       + 0.1 x units still in stock at freeze requests
       - 0.5 x minutes of lead time per warned sell-out (each capped at the tier's
         forecast window in the session's settings)

   The weights are options (``--w-miss``, ``--w-false``, ``--w-oversold``,
   ``--w-stranded``, ``--w-lead``).  False warnings are judged against twice
   the tier windows of the session's own settings for every candidate, so a
   longer candidate window does not judge its own warnings more leniently.  "Unguarded oversold units" are units the
   shop cancelled as oversold with no freeze request for the SKU at least the
   tier's ``safety_lag_s`` before the order; "units still in stock at freeze
   requests" is the price of freezing early.
2. Search, per tier at once (a tier's alerts depend only on its own settings,
   so one replay scores a candidate for every tier): coordinate descent over
   ``window_min`` (x 0.5, 0.75, 1, 1.5, 2 of the current value), ``multiplier``
   (x 0.75, 0.9, 1, 1.2, 1.5) and ``safety_margin`` (x 0.8, 1, 1.25, 1.6, at
   least 1), each tier keeping its best candidate, ``--rounds`` times (default
   2).  A value changes only if it improves the tier's score by at least
   ``--min-gain`` (default 1, a tenth of a miss), so noise is not chased; ties
   keep the value closest to the current one.  The safety margin is
   only searched for tiers that had oversold units in the session: without
   them the session says nothing about how much margin is enough.
3. The suggested settings are replayed once more in full, and the report
   compares them with the session's own settings replayed on the same events,
   tier by tier.  It warns when a tier had fewer than ``--min-sellouts``
   sell-outs (default 3), or the show was shorter than an hour: one session is
   then too little evidence, check the suggestion on other sessions with
   ``controlroom backtest OTHER.sqlite --config SUGGESTED.toml``.

The settings file written is the session's full settings with the tuned
values (TOML, loadable with ``--config``).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from controlroom.log.schema import LogFormatError
from controlroom.review.backtest import (LogData, RunMetrics, judge, load_log, replay_actions, run_replay,
                                         settings_of)

PARAMS = {
    "window_min": (0.5, 0.75, 1.0, 1.5, 2.0),
    "multiplier": (0.75, 0.9, 1.0, 1.2, 1.5),
    "safety_margin": (0.8, 1.0, 1.25, 1.6),
}


@dataclass
class Weights:
    miss: float = 10.0
    false: float = 2.0
    oversold: float = 1.0
    stranded: float = 0.1
    lead: float = 0.5  # per minute of lead, capped at the tier's window


@dataclass
class TierResult:
    tier: str
    skus: int
    sellouts: int
    current: dict[str, float]
    suggested: dict[str, float]
    before: dict[str, Any]
    after: dict[str, Any]
    score_before: float
    score_after: float
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(not math.isclose(self.current[k], self.suggested[k]) for k in self.current)


@dataclass
class TuneResult:
    tiers: list[TierResult]
    before: RunMetrics
    after: RunMetrics
    replays: int
    seconds: float
    warnings: list[str]
    settings: Any


def stranded_units(data: LogData, actions) -> dict[str, int]:
    """Per SKU, available stock at its first freeze request (units kept off sale by freezing then)."""
    out: dict[str, int] = {}
    seen: set[str] = set()
    series = data.facts.series
    start = {k: s.start_available for k, s in data.facts.skus.items()}
    for a in sorted((a for a in actions if a.op == "freeze" and a.ts is not None), key=lambda a: a.ts):
        if a.sku in seen:
            continue
        seen.add(a.sku)
        avail = start.get(a.sku, 0)
        for ts, v in series.get(a.sku, []):
            if ts > a.ts:
                break
            avail = v
        out[a.sku] = max(0, avail)
    return out


def tier_scores(m: RunMetrics, stranded: dict[str, int], tier_of: dict[str, str], caps: dict[str, float],
                w: Weights) -> dict[str, float]:
    """Score per tier of one judged run (lower is better)."""
    st: dict[str, int] = {}
    for sku, n in stranded.items():
        t = tier_of.get(sku)
        if t is not None:
            st[t] = st.get(t, 0) + n
    out = {}
    for t, p in m.per_tier.items():
        cap = caps.get(t, p["window_min"])
        lead_min = sum(min(x / 60.0, cap) for x in p["leads"])
        out[t] = (w.miss * p["misses"] + w.false * p["false_warnings"] + w.oversold * p["oversold_unguarded"]
                  + w.stranded * st.get(t, 0) - w.lead * lead_min)
    return out


def _tier_values(settings, tier: str) -> dict[str, float]:
    ts = settings.tiers[tier]
    return {k: float(getattr(ts, k)) for k in PARAMS}


def _with_tiers(base, values: dict[str, dict[str, float]]):
    tiers = dict(base.tiers)
    for t, vals in values.items():
        tiers[t] = dataclasses.replace(tiers[t], **vals)
    return dataclasses.replace(base, tiers=tiers)


def _candidates(param: str, cur: float) -> list[float]:
    out = []
    for f in PARAMS[param]:
        v = cur * f
        if param == "safety_margin":
            v = max(1.0, v)
        v = round(v, 3)
        if v > 0 and v not in out:
            out.append(v)
    return out


def tune(data: LogData, *, rounds: int = 2, weights: Weights | None = None, min_sellouts: int = 3,
         min_gain: float = 1.0, progress=None) -> TuneResult:
    """Search per-tier window, multiplier and safety margin on this log (see the module doc)."""
    w = weights or Weights()
    base = settings_of(data)
    t_start = time.perf_counter()
    tiers_map = data.tiers()
    tier_of = {sku: base.tier_of(sku, tiers_map.get(sku)) for sku in tiers_map}
    present = sorted(set(tier_of.values()))
    caps = {t: base.tiers[t].window_min for t in present}
    replays = 0

    def evaluate(settings) -> tuple[RunMetrics, dict[str, float]]:
        nonlocal replays
        res, secs = run_replay(data, settings)
        replays += 1
        acts = replay_actions(res.actions)
        m = judge("candidate", data, res.transitions, acts, settings, secs, reference=base)
        return m, tier_scores(m, stranded_units(data, acts), tier_of, caps, w)

    best = {t: _tier_values(base, t) for t in present}
    m0, s0 = evaluate(base)
    before_scores = dict(s0)
    best_score = dict(s0)
    oversold_tiers = {t for t in present if m0.per_tier.get(t, {}).get("oversold_unguarded", 0) > 0
                      or any(tier_of.get(sku) == t for sku, _ts, _q in data.oversold_orders)}
    for rnd in range(rounds):
        moved = False
        for param in PARAMS:
            search = [t for t in present if param != "safety_margin" or t in oversold_tiers]
            if not search:
                continue
            cands = {t: _candidates(param, best[t][param]) for t in search}
            n = max(len(c) for c in cands.values())
            results: dict[str, list[tuple[float, float]]] = {t: [] for t in search}
            for i in range(n):
                trial = {t: {**best[t], param: cands[t][min(i, len(cands[t]) - 1)]} for t in search}
                if all(math.isclose(trial[t][param], best[t][param]) for t in search):
                    for t in search:
                        results[t].append((best[t][param], best_score[t]))
                    continue
                _m, sc = evaluate(_with_tiers(base, {**best, **trial}))
                for t in search:
                    results[t].append((trial[t][param], sc[t]))
                if progress:
                    progress(f"round {rnd + 1}: {param} candidate {i + 1}/{n}")
            for t in search:
                cur = best[t][param]
                pick = min(results[t], key=lambda vs: (round(vs[1], 9), abs(math.log(vs[0] / cur))))
                if pick[1] <= best_score[t] - min_gain and not math.isclose(pick[0], cur):
                    best[t][param] = pick[0]
                    best_score[t] = pick[1]
                    moved = True
        if not moved:
            break
    suggested = _with_tiers(base, best)
    m1, s1 = evaluate(suggested)
    out_tiers = []
    warns: list[str] = []
    if data.duration_s < 3600:
        warns.append(f"the show lasted {data.duration_s / 60:.0f} min: one short session is little evidence; "
                     "check the suggestion on other sessions with controlroom backtest")
    for t in present:
        pb, pa = m0.per_tier.get(t, {}), m1.per_tier.get(t, {})
        tr = TierResult(
            tier=t, skus=pb.get("skus", 0), sellouts=pb.get("sellouts", 0), current=_tier_values(base, t),
            suggested=_tier_values(suggested, t), before=_tier_summary(pb), after=_tier_summary(pa),
            score_before=before_scores.get(t, 0.0), score_after=s1.get(t, 0.0))
        if tr.sellouts < min_sellouts:
            tr.warnings.append(f"only {tr.sellouts} sell-out{'s' if tr.sellouts != 1 else ''} in this session: "
                               "too little evidence to trust the change")
        if t not in oversold_tiers:
            tr.warnings.append("no oversold units in this tier: safety margin kept")
        out_tiers.append(tr)
    return TuneResult(tiers=out_tiers, before=m0, after=m1, replays=replays,
                      seconds=time.perf_counter() - t_start, warnings=warns, settings=suggested)


def _tier_summary(p: dict) -> dict:
    leads = p.get("leads", [])
    med = sorted(leads)[len(leads) // 2] if leads else None
    if leads and len(leads) % 2 == 0:
        s = sorted(leads)
        med = (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    return {"sellouts": p.get("sellouts", 0), "misses": p.get("misses", 0), "median_lead_s": med,
            "false_warnings": p.get("false_warnings", 0), "oversold_unguarded": p.get("oversold_unguarded", 0),
            "alerts": p.get("alerts", 0)}


# ------------------------------------------------------------------------------------ TOML out

def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ("inf" if v > 0 else "-inf") if not math.isnan(v) else "nan"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v if x is not None) + "]"
    if isinstance(v, dict):  # inside an array (e.g. notify.webhooks): an inline table
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(x)}" for k, x in v.items() if x is not None) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _key(k: str) -> str:
    return k if k and all(c.isalnum() or c in "-_" for c in k) else _toml_value(k)


def to_toml(d: dict, header: Sequence[str] = ()) -> str:
    """Nested dict of scalars -> TOML text (None values are left out)."""
    lines = [f"# {h}" for h in header]

    def section(prefix: list[str], table: dict) -> None:
        scalars = [(k, v) for k, v in table.items() if not isinstance(v, dict) and v is not None]
        subs = [(k, v) for k, v in table.items() if isinstance(v, dict)]
        if prefix and (scalars or not subs):
            lines.append("")
            lines.append("[" + ".".join(_key(p) for p in prefix) + "]")
        for k, v in scalars:
            lines.append(f"{_key(k)} = {_toml_value(v)}")
        for k, v in subs:
            section(prefix + [k], v)

    section([], d)
    return "\n".join(lines).lstrip("\n") + "\n"


def write_settings(result: TuneResult, path: str | Path, source: str) -> Path:
    changes = [f"tiers.{t.tier}.{k}: {t.current[k]:g} -> {t.suggested[k]:g}"
               for t in result.tiers for k in t.current if not math.isclose(t.current[k], t.suggested[k])]
    header = [f"Settings suggested by controlroom tune from {source} on {time.strftime('%Y-%m-%d %H:%M')}.",
              "The session's own settings, with these changes:" if changes else "No change suggested."]
    header += [f"  {c}" for c in changes]
    header += [w for w in result.warnings]
    if result.settings.notify.webhooks:
        header.append("Webhook credentials are masked (••••): put the real values back before using this file.")
    p = Path(path)
    p.write_text(to_toml(result.settings.to_dict(), header), encoding="utf-8")
    return p


# ------------------------------------------------------------------------------------ report

def format_result(r: TuneResult) -> str:
    from controlroom.review.report import dur

    lines = []
    for t in r.tiers:
        lines.append(f"tier {t.tier}: {t.skus} SKU{'s' if t.skus != 1 else ''}, {t.sellouts} "
                     f"sell-out{'s' if t.sellouts != 1 else ''}")
        for k in PARAMS:
            a, b = t.current[k], t.suggested[k]
            lines.append(f"  {k:<14} {a:>8g} -> {b:<8g}" + ("" if math.isclose(a, b) else "  (changed)"))
        rows = [("misses", "misses", str), ("median lead", "median_lead_s", dur),
                ("false warnings", "false_warnings", str), ("unguarded oversold", "oversold_unguarded", str),
                ("alerts fired", "alerts", str)]
        lines.append(f"  {'':<20}{'now':>14}{'suggested':>14}")
        for label, key, f in rows:
            va, vb = t.before.get(key), t.after.get(key)
            lines.append(f"  {label:<20}{('—' if va is None else f(va)):>14}{('—' if vb is None else f(vb)):>14}")
        lines.append(f"  {'score (lower=better)':<20}{t.score_before:>14.1f}{t.score_after:>14.1f}")
        for w in t.warnings:
            lines.append(f"  warning: {w}")
    b, a = r.before, r.after
    lines.append(f"whole session: misses {b.misses} -> {a.misses}, false warnings {b.false_warnings} -> "
                 f"{a.false_warnings}, median lead {dur(b.median_lead_s)} -> {dur(a.median_lead_s)}, "
                 f"unguarded oversold {b.oversold_unguarded} -> {a.oversold_unguarded}, alerts "
                 f"{b.alerts_fired} -> {a.alerts_fired}")
    for w in r.warnings:
        lines.append(f"warning: {w}")
    lines.append(f"{r.replays} replays in {r.seconds:.1f} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="controlroom tune",
                                 description="Search per tier the window, multiplier and safety margin that would "
                                             "have done best on a session; write a settings file for the next show.")
    ap.add_argument("file", help="session log (.sqlite)")
    ap.add_argument("--out", metavar="FILE.toml", help="where to write the suggested settings "
                                                        "(default: <log name>.tuned.toml next to the log)")
    ap.add_argument("--rounds", type=int, default=2, help="coordinate-descent rounds (default 2)")
    ap.add_argument("--min-sellouts", type=int, default=3, help="warn for tiers with fewer sell-outs (default 3)")
    ap.add_argument("--min-gain", type=float, default=1.0,
                    help="score improvement a change must bring (default 1; a miss costs 10)")
    ap.add_argument("--w-miss", type=float, default=Weights.miss)
    ap.add_argument("--w-false", type=float, default=Weights.false)
    ap.add_argument("--w-oversold", type=float, default=Weights.oversold)
    ap.add_argument("--w-stranded", type=float, default=Weights.stranded)
    ap.add_argument("--w-lead", type=float, default=Weights.lead)
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    from controlroom.log import open_log

    try:
        reader = open_log(args.file)
    except (FileNotFoundError, LogFormatError) as e:
        print(f"controlroom tune: {e}", file=sys.stderr)
        return 1
    w = Weights(args.w_miss, args.w_false, args.w_oversold, args.w_stranded, args.w_lead)
    prog = None if args.quiet or args.json else (lambda s: print(s, file=sys.stderr, flush=True))
    with reader:
        data = load_log(reader)
        res = tune(data, rounds=args.rounds, weights=w, min_sellouts=args.min_sellouts, min_gain=args.min_gain,
                   progress=prog)
    out = Path(args.out) if args.out else Path(args.file).with_suffix(".tuned.toml")
    write_settings(res, out, Path(args.file).name)
    if args.json:
        print(json.dumps({"tiers": [dataclasses.asdict(t) for t in res.tiers], "replays": res.replays,
                          "warnings": res.warnings, "settings_file": str(out)}, indent=2, default=str))
    else:
        print(format_result(res))
        print(f"settings written to {out}")
    return 0
