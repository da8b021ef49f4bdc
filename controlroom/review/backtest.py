"""``controlroom backtest FILE --config other.toml``: the logged show, replayed with other settings.

The logged events go, in accepted order, through a fresh mirror and engine
(:func:`controlroom.review.replay.replay`, the same code path the live core runs),
once with the settings the session ran with and once with the other
settings.  Three columns come out side by side:

* **logged**: what the live session actually raised (the ``alerts`` and
  ``actions`` tables);
* **replay, session settings**: the replay with the session's own settings;
  it should be close to *logged* (it differs where an operator acked, snoozed
  or changed settings live, or the feed went stale) and it is the fair
  baseline for
* **replay, <other>**: the same events with the other settings.

Every column is judged by the same rules (:mod:`controlroom.review.analysis`,
which uses :mod:`controlroom.review.metrics`) against the same sell-outs, the ones the
logged events show, and with the same horizon for false warnings (twice the
tier windows of the session's own settings), so a longer window in the other
settings cannot make its warnings look less false.  Replay cannot change what the shop did: sell-outs,
oversold units and stock are those of the real show.  What settings can change
is *whether and when* the desk would have warned or asked to freeze; so the
oversold line counts *unguarded* oversold units: units cancelled as oversold
with no freeze request for the SKU at least the tier's ``safety_lag_s``
before the oversold order.

Feed states logged in ``feed`` (wall clock) are replayed at the shop time of
the last event received before them; snapshot resets at their place in the
event stream.
"""
from __future__ import annotations

import argparse
import bisect
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from controlroom.log.schema import LogFormatError
from controlroom.review.analysis import (Action, StockFacts, actions_from_rows, alert_facts, stock_facts)

FEED_STATES = ("connecting", "live", "stale", "resyncing")


@dataclass
class RunMetrics:
    """One column of the side-by-side table."""

    label: str
    sellouts: int = 0
    warned: int = 0
    misses: int = 0
    median_lead_s: float | None = None
    min_lead_s: float | None = None
    warning_spans: int = 0
    false_warnings: int = 0
    open_at_end: int = 0
    alerts_fired: int = 0
    alerts_per_10min: float = 0.0
    freeze_requests: int = 0
    oversold_units: int = 0
    oversold_unguarded: int = 0
    transitions: int = 0
    replay_s: float | None = None
    events_per_s: float | None = None
    per_tier: dict[str, dict] = field(default_factory=dict)
    per_sku_lead: dict[str, list] = field(default_factory=dict)


@dataclass
class LogData:
    """What a backtest or tune needs from a log, read once."""

    path: str
    room: str
    settings_dict: dict
    skus: list[dict]
    snapshot: dict
    facts: StockFacts
    logged_transitions: list[dict]
    logged_actions: list[Action]
    feed_marks: list[tuple[float, str]]  # (shop ts, state)
    resets: list[tuple[int, dict]]  # (after_event_id, snapshot)
    oversold_orders: list[tuple[str, float, int]]  # (sku, order ts, units)
    start_ts: float | None
    end_ts: float | None
    n_events: int
    reader: Any = None
    block_cache: Any = None  # the BlockCache of the last replay (its hits and misses), if it used one

    @property
    def duration_s(self) -> float:
        return (self.end_ts - self.start_ts) if self.start_ts is not None and self.end_ts is not None else 0.0

    def tiers(self) -> dict[str, str]:
        return {s["sku"]: s.get("tier") for s in self.skus}


def load_log(reader) -> LogData:
    """Read everything backtest and tune need from an open :class:`~controlroom.log.reader.LogReader`."""
    sess = reader.session()
    skus = reader.skus()
    facts = stock_facts(sess["room"], skus, reader.iter_stream())
    snaps = reader.snapshots()
    snapshot = {"room": sess["room"], "skus": [dict(s) for s in skus]}
    resets = []
    for s in snaps:
        if s["after_event_id"] == 0 and not resets:
            snapshot = s["snapshot"]  # the start-of-session snapshot: the replay starts from it
        else:
            resets.append((s["after_event_id"], s["snapshot"]))
    # feed states: wall clock -> shop time of the last event received at or before it
    pairs = reader.conn.execute("SELECT received_at, max(ts) FROM events GROUP BY received_at ORDER BY received_at").fetchall()
    recv = [p[0] for p in pairs]
    marks = []
    run_max = -math.inf
    shop = []
    for p in pairs:
        run_max = max(run_max, p[1] if p[1] is not None else run_max)
        shop.append(run_max)
    for f in reader.feed():
        if f["state"] not in FEED_STATES or f["ts"] is None:
            continue
        i = bisect.bisect_right(recv, f["ts"]) - 1
        if i >= 0:
            marks.append((shop[i], f["state"]))
    # oversold orders: the order time of every order later cancelled as oversold
    over = reader.conn.execute(
        "SELECT c.sku, min(o.ts), c.qty FROM events c JOIN events o ON o.order_id = c.order_id AND o.topic = 'order' "
        "WHERE c.topic = 'cancel' AND json_extract(c.raw, '$.reason') = 'oversold' GROUP BY c.id").fetchall()
    return LogData(path=str(reader.path), room=sess["room"], settings_dict=sess["settings"] or {}, skus=skus,
                   snapshot=snapshot, facts=facts, logged_transitions=reader.alerts(),
                   logged_actions=actions_from_rows(reader.actions()), feed_marks=marks, resets=resets,
                   oversold_orders=[(s, t, q) for s, t, q in over], start_ts=facts.t0, end_ts=facts.t1,
                   n_events=facts.events, reader=reader)


def event_stream(data: LogData) -> Iterator[dict]:
    """The logged events plus ``_reset`` / ``_feed`` pseudo-events, in the order the core saw them."""
    marks = data.feed_marks
    mi = 0
    resets = data.resets
    ri = 0
    last_ts = data.start_ts or 0.0
    n = 0
    for batch in data.reader.iter_event_batches():
        for ev in batch:
            n += 1
            while ri < len(resets) and resets[ri][0] < n:
                yield {"topic": "_reset", "ts": last_ts, "snapshot": resets[ri][1]}
                ri += 1
            ts = ev.get("ts", last_ts)
            while mi < len(marks) and marks[mi][0] <= ts:
                yield {"topic": "_feed", "ts": max(marks[mi][0], last_ts), "state": marks[mi][1]}
                mi += 1
            if ts > last_ts:
                last_ts = ts
            yield ev
    while ri < len(resets):
        yield {"topic": "_reset", "ts": last_ts, "snapshot": resets[ri][1]}
        ri += 1


def _max_ts(piece, default: float) -> float:
    """The latest ``ts`` of a piece (a ColumnRun or a list of dicts), as ``event_batches`` counts it."""
    if type(piece) is list:
        return max([ev.get("ts", default) for ev in piece])
    return max(piece.cols[3])


def event_batches(data: LogData, block: int = 2048, columns: bool = True, cache: bool = True) -> Iterator[list]:
    """:func:`event_stream` as lists (for ``replay(..., batched=True)``): the same events, same order.

    Reads with :meth:`LogReader.iter_event_blocks` (SQLite's side prefetched on a helper
    thread; with ``columns``, runs of orders and carts come as
    :class:`~controlroom.review.replay.ColumnRun` items, read from typed columns, not dicts).  A block
    with no ``_reset`` / ``_feed`` pseudo-event due inside it is handed over as it came from the
    reader; a block where one is due goes through the per-event rules of :func:`event_stream`.
    With ``cache`` (and ``columns``), the column blocks come from the log's
    :class:`~controlroom.log.blockcache.BlockCache` in the user's cache folder when an earlier
    replay left them there, and are recorded there otherwise (same blocks, same decisions).
    """
    from controlroom.log.blocks import EventBlock

    bc = None
    if cache and columns:
        from controlroom.log.blockcache import BlockCache
        from controlroom.review.cache import replay_cache_path

        bc = data.block_cache = BlockCache(replay_cache_path(data.path))

    marks = data.feed_marks
    mi = 0
    nm = len(marks)
    resets = data.resets
    ri = 0
    nr = len(resets)
    last_ts = data.start_ts or 0.0
    n = 0
    for batch in data.reader.iter_event_blocks(block, prefetch=True, columns=columns, cache=bc):
        k = len(batch)
        if type(batch) is EventBlock:
            if ri == nr and mi == nm:  # nothing left to insert: the usual case
                yield from batch.pieces()
                n += k
                continue
            pieces = batch.pieces()
            top = max(last_ts, max([_max_ts(p, last_ts) for p in pieces]))
            if (ri == nr or resets[ri][0] >= n + k) and (mi == nm or marks[mi][0] > top):
                yield from pieces
                n += k
                last_ts = top
                continue
            batch = [ev for p in pieces for ev in p]
        if ri == nr and mi == nm:  # nothing left to insert: the usual case
            yield batch
            n += k
            continue
        top = max(last_ts, max([ev.get("ts", last_ts) for ev in batch]))
        if (ri == nr or resets[ri][0] >= n + k) and (mi == nm or marks[mi][0] > top):
            yield batch
            n += k
            last_ts = top
            continue
        out = []
        for ev in batch:
            n += 1
            while ri < nr and resets[ri][0] < n:
                out.append({"topic": "_reset", "ts": last_ts, "snapshot": resets[ri][1]})
                ri += 1
            ts = ev.get("ts", last_ts)
            while mi < nm and marks[mi][0] <= ts:
                out.append({"topic": "_feed", "ts": max(marks[mi][0], last_ts), "state": marks[mi][1]})
                mi += 1
            if ts > last_ts:
                last_ts = ts
            out.append(ev)
        yield out
    if ri < nr:
        yield [{"topic": "_reset", "ts": last_ts, "snapshot": resets[i][1]} for i in range(ri, nr)]


def settings_of(data: LogData):
    """The session's settings as a :class:`controlroom.settings.Settings` (defaults if unreadable)."""
    from controlroom.settings import Settings, settings_from_dict

    try:
        return settings_from_dict(data.settings_dict) if data.settings_dict else Settings()
    except Exception as e:  # a log from another version: say so, go on with defaults
        print(f"warning: the log's settings could not be read ({e}); using defaults", file=sys.stderr)
        return Settings()


def run_replay(data: LogData, settings, cache: bool = True) -> tuple[Any, float]:
    """Replay the log with ``settings``; returns (ReplayResult, seconds).  ``cache``: see :func:`event_batches`."""
    from controlroom.review.replay import replay

    t = time.perf_counter()
    res = replay(data.snapshot, event_batches(data, cache=cache), settings, start_ts=data.start_ts, end_ts=data.end_ts,
                 samples=False, batched=True)
    return res, time.perf_counter() - t


def replay_actions(actions: list[dict]) -> list[Action]:
    """Engine action requests as :class:`Action` rows (auto ones as done, confirm ones as not)."""
    out = []
    for a in actions:
        confirm = bool(a.get("confirm"))
        out.append(Action(a.get("ts"), a.get("sku"), a.get("op"), a.get("qty"), "operator" if confirm else "auto",
                          a.get("by"), None, None, None, None if confirm else True, None))
    return out


def judge(label: str, data: LogData, transitions: list, actions: list[Action], settings,
          replay_s: float | None = None, reference=None) -> RunMetrics:
    """The metrics of one run (logged or replayed) on this log's sell-outs.

    False warnings use the forecast windows of ``reference`` (the session's own
    settings) when given, so runs with different windows are judged alike.
    """
    tiers = data.tiers()
    ref = reference if reference is not None else settings
    windows = {sku: ref.tier_settings(sku, tiers.get(sku)).window_min for sku in tiers}

    def window(sku: str) -> float:
        w = windows.get(sku)
        return w if w is not None else ref.tier_settings(sku, None).window_min

    al = alert_facts(transitions, data.facts.sellouts, actions, window, data.duration_s, end_ts=data.end_ts)
    freezes: dict[str, list[float]] = {}
    for a in actions:
        if a.op == "freeze" and a.ts is not None:
            freezes.setdefault(a.sku, []).append(a.ts)
    unguarded_by: dict[str, int] = {}
    for sku, ots, q in data.oversold_orders:
        lag = settings.tier_settings(sku, tiers.get(sku)).safety_lag_s
        if not any(t <= ots - lag for t in freezes.get(sku, [])):
            unguarded_by[sku] = unguarded_by.get(sku, 0) + q
    m = RunMetrics(
        label=label, sellouts=len(al.sellouts), warned=len(al.sellouts) - al.misses, misses=al.misses,
        median_lead_s=al.median_lead_s, min_lead_s=min(al.lead_times) if al.lead_times else None,
        warning_spans=len(al.spans), false_warnings=al.false_warnings, open_at_end=al.open_at_end,
        alerts_fired=len(al.fired),
        alerts_per_10min=al.per_10min, freeze_requests=sum(len(v) for v in freezes.values()),
        oversold_units=data.facts.oversold_units, oversold_unguarded=sum(unguarded_by.values()),
        transitions=len(transitions), replay_s=replay_s,
        events_per_s=(data.n_events / replay_s) if replay_s else None)
    # per tier (what tune optimises)
    tier_of = {sku: settings.tier_of(sku, tiers.get(sku)) for sku in tiers}
    per: dict[str, dict] = {}
    for sku, tname in tier_of.items():
        per.setdefault(tname, {"skus": 0, "sellouts": 0, "misses": 0, "leads": [], "false_warnings": 0,
                               "warning_spans": 0, "oversold_unguarded": 0, "alerts": 0,
                               "window_min": ref.tier_settings(sku, tiers.get(sku)).window_min})
        per[tname]["skus"] += 1
    for so in al.sellouts:
        p = per.get(tier_of.get(so.sku))
        if p is None:
            continue
        p["sellouts"] += 1
        if so.lead_s is None:
            p["misses"] += 1
        else:
            p["leads"].append(so.lead_s)
        m.per_sku_lead.setdefault(so.sku, []).append(so.lead_s)
    for sp in al.spans:
        p = per.get(tier_of.get(sp.sku))
        if p is not None:
            p["warning_spans"] += 1
            p["false_warnings"] += sp.outcome == "false"
    for _ts, _lvl, sku in al.fired:
        p = per.get(tier_of.get(sku))
        if p is not None:
            p["alerts"] += 1
    for sku, q in unguarded_by.items():
        p = per.get(tier_of.get(sku))
        if p is not None:
            p["oversold_unguarded"] += q
    m.per_tier = per
    return m


def backtest(data: LogData, other, other_label: str = "other") -> list[RunMetrics]:
    """The three columns: logged, replay with the session's settings, replay with ``other``."""
    own = settings_of(data)
    logged = judge("logged", data, data.logged_transitions, data.logged_actions, own)
    r1, s1 = run_replay(data, own)
    base = judge("replay, session settings", data, r1.transitions, replay_actions(r1.actions), own, s1)
    r2, s2 = run_replay(data, other)
    new = judge(f"replay, {other_label}", data, r2.transitions, replay_actions(r2.actions), other, s2, reference=own)
    return [logged, base, new]


ROWS = [
    ("sell-outs", "sellouts", "{:d}"),
    ("  warned", "warned", "{:d}"),
    ("  missed (no warning)", "misses", "{:d}"),
    ("median warning lead time", "median_lead_s", "dur"),
    ("shortest lead time", "min_lead_s", "dur"),
    ("warning spans", "warning_spans", "{:d}"),
    ("  false warnings", "false_warnings", "{:d}"),
    ("  open at end (not judged)", "open_at_end", "{:d}"),
    ("alerts fired", "alerts_fired", "{:d}"),
    ("alerts per 10 min (1 operator)", "alerts_per_10min", "{:.2f}"),
    ("freeze requests", "freeze_requests", "{:d}"),
    ("oversold units (the show's)", "oversold_units", "{:d}"),
    ("  with no freeze request in time", "oversold_unguarded", "{:d}"),
]


def _cell(v: Any, fmt: str) -> str:
    from controlroom.review.report import dur

    if v is None:
        return "—"
    if fmt == "dur":
        return dur(v)
    return fmt.format(v)


def format_columns(cols: Sequence[RunMetrics], title: str = "") -> str:
    """A plain-text side-by-side table."""
    w0 = max(len(r[0]) for r in ROWS) + 2
    widths = [max(14, len(c.label) + 2) for c in cols]
    lines = [title] if title else []
    lines.append("".ljust(w0) + "".join(c.label.rjust(w) for c, w in zip(cols, widths)))
    for label, key, fmt in ROWS:
        lines.append(label.ljust(w0) + "".join(_cell(getattr(c, key), fmt).rjust(w) for c, w in zip(cols, widths)))
    speed = [c for c in cols if c.replay_s]
    if speed:
        lines.append("replay time".ljust(w0) + "".join(
            (f"{c.replay_s:.2f} s" if c.replay_s else "").rjust(w) for c, w in zip(cols, widths)))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="controlroom backtest",
                                 description="Replay a session log through the engine with other settings and "
                                             "compare the metrics with the original run.")
    ap.add_argument("file", help="session log (.sqlite)")
    ap.add_argument("--config", required=True, metavar="OTHER.toml", help="the settings to try")
    ap.add_argument("--json", action="store_true", help="print the columns as JSON")
    args = ap.parse_args(argv)
    from controlroom.log import open_log
    from controlroom.settings import SettingsError, load_settings

    try:
        other = load_settings(args.config)
    except SettingsError as e:
        print(f"controlroom backtest: {e}", file=sys.stderr)
        return 2
    try:
        reader = open_log(args.file)
    except (FileNotFoundError, LogFormatError) as e:
        print(f"controlroom backtest: {e}", file=sys.stderr)
        return 1
    with reader:
        data = load_log(reader)
        cols = backtest(data, other, Path(args.config).name)
    if args.json:
        print(json.dumps([asdict(c) for c in cols], indent=2, default=str))
        return 0
    sim = data.duration_s
    title = (f"backtest of {Path(args.file).name}: room {data.room}, {data.n_events:,} events, "
             f"{sim / 60:.0f} min of show")
    print(format_columns(cols, title))
    for c in cols[1:]:
        if c.replay_s:
            print(f"{c.label}: {c.events_per_s:,.0f} events/s, {sim / c.replay_s:,.0f}x real time")
    return 0
