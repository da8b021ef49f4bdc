"""Offline replay: validated events through StockMirror + Engine, ticking every shop-second.

Used by the evaluator, the tests and the review's backtest, so that offline runs
decide exactly as the live core thread does (mirror first, then the engine;
``tick`` at every shop-second boundary; actions collected as they are queued).

Two ways in: :meth:`Replayer.feed` (one event: ``mirror.apply`` then
``Engine.on_event``) and :meth:`Replayer.feed_batch` (a list: consecutive
events of one topic within one shop-second are taken together, the mirror
applies them with ``StockMirror.apply_columns`` and the engine with its batch
path, as the live core does with a feed message).  :func:`replay` feeds its
events in batches.  A third way in, :meth:`Replayer.feed_run`, takes such a run
already as columns (a :class:`ColumnRun`, which the session-log reader builds from
SQLite's typed columns without decoding each event's JSON) and decides exactly as
:meth:`Replayer.feed_batch` does on the same events as dicts.

Besides protocol topics, the event list may hold two pseudo-events:

* ``{"topic": "_feed", "ts": T, "state": "stale"}``: the feed changed state;
* ``{"topic": "_reset", "ts": T, "snapshot": {...}}``: a resync snapshot.
"""
from __future__ import annotations

import gc
import math
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby, islice
from operator import itemgetter, le
from typing import Callable, Iterable

from controlroom.alerts.transition import AlertTransition
from controlroom.engine import Engine
from controlroom.feed.mirror import StockMirror
from controlroom.log.columns import ColumnRun
from controlroom.protocol import Reject
from controlroom.settings import Settings

__all__ = ["ColumnRun", "Replayer", "ReplayResult", "replay", "gc_paused"]

CHUNK = 8192  # events taken from an iterator at a time
_TOPIC = itemgetter("topic")
_TS = itemgetter("ts")
# The columns of feed.validate.check_batch, for StockMirror.apply_columns.
_COLS = {
    "order": itemgetter("v", "epoch", "seq", "ts", "room", "order_id", "sku", "qty", "price_cents", "channel"),
    "cart": itemgetter("v", "epoch", "seq", "ts", "room", "sku", "delta"),
}


@dataclass
class ReplayResult:
    """What a replay produced."""

    transitions: list[AlertTransition] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    samples: list[dict] = field(default_factory=list)  # per shop-second and SKU (if asked for)
    rejected: int = 0  # events the mirror refused (unknown SKU)
    duplicates: int = 0  # orders/cancels already counted
    engine: Engine | None = None
    mirror: StockMirror | None = None


class Replayer:
    """Incremental replay: ``feed(ev)`` in shop-time order, ``finish()`` at the end.

    ``on_action(action, ts)`` is called for each action as soon as it is queued
    (a closed-loop evaluator applies freezes there).
    """

    def __init__(self, settings: Settings, snapshot: dict, *, start_ts: float | None = None,
                 samples: bool = False, on_action: Callable[[dict, float], None] | None = None) -> None:
        self.mirror = StockMirror()
        self.mirror.reset(snapshot)
        if start_ts is not None:
            self.mirror.last_ts = start_ts
        self.engine = Engine(settings, self.mirror)
        self.result = ReplayResult(engine=self.engine, mirror=self.mirror)
        self.want_samples = samples
        self.on_action = on_action
        self._next_tick: float | None = math.floor(start_ts) + 1.0 if start_ts else None
        if start_ts:
            self.engine.on_reset(start_ts)

    def _take_actions(self, ts: float) -> None:
        acts = self.engine.take_actions()
        if acts:
            self.result.actions.extend(acts)
            if self.on_action is not None:
                for a in acts:
                    self.on_action(a, ts)

    def advance(self, ts: float) -> None:
        """Tick at every whole shop-second boundary up to and including ``ts``."""
        if self._next_tick is None:
            self._next_tick = math.floor(ts) + 1.0
            return
        eng = self.engine
        res = self.result
        while self._next_tick <= ts:
            t = self._next_tick
            res.transitions.extend(eng.tick(t))
            self._take_actions(t)
            if self.want_samples:
                self._sample(t)
            self._next_tick = t + 1.0

    def _sample(self, ts: float) -> None:
        eng = self.engine
        for sku, st in self.mirror.skus.items():
            f = eng.forecast(sku)
            self.result.samples.append({
                "ts": ts, "sku": sku, "available": st.available, "sold": st.sold, "frozen": st.frozen,
                "rate_per_min": f.rate_per_min, "predicted_sales": f.predicted_sales,
                "warning_line": f.warning_line, "safety_stock": f.safety_stock, "sellout_s": f.sellout_s,
                "sellout_pessimistic_s": f.sellout_pessimistic_s, "level": f.level,
            })

    def feed(self, ev: dict) -> None:
        """Apply one validated event (or pseudo-event) at its shop time."""
        ts = ev["ts"]
        self.advance(ts)
        topic = ev["topic"]
        eng = self.engine
        if topic == "_feed":
            self.result.transitions.extend(eng.set_feed_state(ev["state"], ts))
            return
        if topic == "_reset":
            self.mirror.reset(ev["snapshot"])
            if ts > self.mirror.last_ts:
                self.mirror.last_ts = ts
            eng.on_reset(ts)
            return
        try:
            fresh = self.mirror.apply(ev)
        except Reject:
            self.result.rejected += 1
            return
        if not fresh:
            self.result.duplicates += 1
            return
        eng.on_event(ev)
        if eng.actions_pending:
            self._take_actions(ts)

    def feed_batch(self, events: list[dict]) -> None:
        """Apply validated events (and pseudo-events), in shop-time order, as batches.

        Same decisions as :meth:`feed` for each event in turn, except that within a run
        of one topic inside one shop-second the mirror applies the whole run before the
        engine sees it (what the live core does with a feed message), and the engine
        takes the run at once (its batch path, as ``Engine.on_events``).
        """
        for topic, grp in groupby(events, _TOPIC):
            run = list(grp)
            n = len(run)
            if n < 4 or topic[0] == "_":
                for ev in run:
                    self.feed(ev)
                continue
            getter = _COLS.get(topic)
            cols = None
            if getter is not None:
                try:
                    cols = tuple(zip(*map(getter, run)))
                except KeyError:  # not the usual fields: the per-event path says what is wrong
                    for ev in run:
                        self.feed(ev)
                    continue
                ts = cols[3]
            else:
                ts = tuple(map(_TS, run))
            self._feed_run(topic, run, cols, ts)

    def feed_run(self, run: ColumnRun) -> None:
        """Apply a :class:`ColumnRun`: the same decisions as :meth:`feed_batch` on its events."""
        cols = run.cols
        self._feed_run(run.topic, run, cols, cols[3])

    def _feed_run(self, topic: str, run, cols: tuple | None, ts: tuple) -> None:
        """A run of >= 4 events of one topic (a list of dicts or a ColumnRun), ticking inside it."""
        self.advance(ts[0])
        nt = self._next_tick
        if nt is None or max(ts) < nt:  # the usual case: no tick inside the run
            self._apply_run(topic, run, cols, ts)
            return
        if not all(map(le, ts, ts[1:])):
            for ev in run:
                self.feed(ev)
            return
        n = len(ts)
        i = 0
        while i < n:
            self.advance(ts[i])
            nt = self._next_tick
            j = n if nt is None or ts[-1] < nt else max(bisect_left(ts, nt, i), i + 1)
            part = None if cols is None else tuple(None if c is None else c[i:j] for c in cols)
            self._apply_run(topic, run.part(i, j, part) if type(run) is ColumnRun else run[i:j], part, ts[i:j])
            i = j

    def _apply_run(self, topic: str, evs, cols: tuple | None, ts: tuple) -> None:
        """One topic's events within one shop-second: mirror, then engine, then actions.

        ``evs`` is a list of the events as dicts, or a :class:`ColumnRun` (iterated, so
        loaded, only if the batch path refuses the columns).
        """
        mirror = self.mirror
        eng = self.engine
        # a stored block's run was type-checked while decoded: the mirror need not look again
        typed = type(evs) is ColumnRun and evs.typed
        if cols is not None and len(ts) >= 4 and mirror.apply_columns(topic, cols, typed=typed):
            if topic == "order":  # the engine takes the mirror's per-SKU sums instead of counting again
                eng.on_order_columns(cols[3], cols[6], cols[7], cols[9], mirror.order_sums)
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
        for ev in evs:  # cancels, stock, and runs the mirror's batch path refused (duplicates, unknown SKUs)
            self.feed(ev)

    def finish(self, end_ts: float | None = None) -> ReplayResult:
        """Tick up to ``end_ts`` (if given), collect what is left, return the result."""
        if end_ts is not None:
            self.advance(end_ts)
        self.result.transitions.extend(self.engine.take_transitions())
        self._take_actions(self.engine.now)
        return self.result


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector (reference counting still frees everything at once).

    A replay allocates millions of short-lived objects while the events it reads are alive;
    every collection of the oldest generation walks all of them, which costs more than the
    replay itself.  Nothing here makes reference cycles, so the pause loses nothing; the
    collector is switched back on (if it was on) when the replay ends, however it ends.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def replay(snapshot: dict, events: Iterable, settings: Settings, *, start_ts: float | None = None,
           end_ts: float | None = None, samples: bool = True,
           on_action: Callable[[dict, float], None] | None = None, batched: bool = False) -> ReplayResult:
    """Feed validated ``events`` (shop-time order) through a fresh mirror and engine.

    ``tick`` runs at every whole shop-second boundary the events cross (and up to
    ``end_ts``).  Returns transitions, actions and (if ``samples``) per-second,
    per-SKU samples of the forecast.  With ``batched``, ``events`` is an iterable of
    lists of events (``LogReader.iter_event_batches``, say): no per-event hand-over;
    an item may also be a :class:`ColumnRun` (``backtest.event_batches`` hands those over).
    """
    r = Replayer(settings, snapshot, start_ts=start_ts, samples=samples, on_action=on_action)
    with gc_paused():
        if batched:
            for batch in events:
                if type(batch) is ColumnRun:
                    r.feed_run(batch)
                else:
                    r.feed_batch(batch)
        else:
            it = iter(events)
            while True:
                chunk = list(islice(it, CHUNK))
                if not chunk:
                    break
                r.feed_batch(chunk)
        return r.finish(end_ts)
