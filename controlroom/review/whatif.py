"""What-if: the logged show replayed with other settings, with progress and cancel, plus honest estimates.

:class:`WhatIf` runs exactly what ``controlroom backtest`` runs
(:func:`~controlroom.review.backtest.load_log`, :func:`~controlroom.review.backtest.run_replay`,
:func:`~controlroom.review.backtest.judge`), so its three columns are backtest's numbers;
``progress(done, total)`` is called as events are replayed and returning False cancels
(:class:`Cancelled`).  The replay with the session's own settings is kept between runs.

Replay changes *when the desk would have warned or frozen*, not what customers did.  So
for every SKU where the other settings freeze at another time than the real show stopped
selling, :func:`freeze_estimates` estimates what would have changed, as a point and a range
(``docs/review.md``, *What-if*):

* **earlier freeze** (the replay asks to freeze at ``f`` while the real show kept selling
  until ``s``, its own freeze or sell-out): the units the real show sold in ``[f, s]`` would
  have been lost (those buyers were really there), and the oversold units of orders placed in
  ``[f, s]`` would have been avoided.  Range: the Poisson 90 % interval of the order count
  (``n ± 1.645 √n`` orders, at the units per order seen), since a count of buyers is one draw.
* **later or no freeze** (the real show was frozen with stock left at ``a`` until ``b``, the
  replay freezes at ``f > a`` or never): it would have sold during ``[a, min(f, b)]``, at the
  review's lost-sales rate (the engine's rate just before ``a``), at most the stock left at
  ``a``.  Range: 0.6x to 1.4x the point, the spread the lost-sales estimate showed against the
  demo shop's books; demand beyond the stock left, within the tier's ``safety_lag_s``, is
  counted as oversell risk (from 0 to that many units).
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Callable

from controlroom.review.backtest import (LogData, RunMetrics, event_batches, judge, load_log, replay_actions,
                                         settings_of)
from controlroom.review.cache import Cancelled
from controlroom.review.stock import SURGE_HOLD_S

__all__ = ["WhatIf", "Estimate", "freeze_estimates", "Cancelled", "Z90"]

Z90 = 1.645
RATE_RANGE = (0.6, 1.4)


@dataclass
class Estimate:
    """What another freeze time would have changed for one SKU (units; ranges are (low, high))."""

    sku: str
    case: str  # "earlier freeze" | "later freeze" | "no freeze"
    real_ts: float
    whatif_ts: float | None
    lost_units: float = 0.0  # + more lost, - fewer lost than the real show
    lost_range: tuple[float, float] = (0.0, 0.0)
    oversold_units: float = 0.0  # + more oversold, - fewer
    oversold_range: tuple[float, float] = (0.0, 0.0)
    how: str = ""


@dataclass
class WhatIfResult:
    columns: list[RunMetrics]
    estimates: list[Estimate] = field(default_factory=list)

    def totals(self) -> dict[str, float]:
        e = self.estimates
        return {"lost_units": sum(x.lost_units for x in e), "lost_low": sum(x.lost_range[0] for x in e),
                "lost_high": sum(x.lost_range[1] for x in e), "oversold_units": sum(x.oversold_units for x in e),
                "oversold_low": sum(x.oversold_range[0] for x in e),
                "oversold_high": sum(x.oversold_range[1] for x in e)}


class WhatIf:
    """Backtest runs on one open log (read once), for the window's background thread."""

    def __init__(self, reader) -> None:
        """``reader``: an open LogReader, or a path (opened read-only on first use, in the calling thread)."""
        self.reader = reader
        self.data: LogData | None = None
        self._base = None  # (metrics, replay result) with the session's settings
        self._lock = threading.Lock()

    def load(self) -> LogData:
        if self.data is None:
            if not hasattr(self.reader, "conn"):
                from controlroom.review.logfile import open_for_review

                self.reader = open_for_review(self.reader)
            self.data = load_log(self.reader)
        return self.data

    def _replay(self, settings, progress: Callable[[int, int], bool] | None, offset: int, total: int):
        import time

        from controlroom.review.replay import replay

        data = self.load()
        done = [0, -1]  # events so far, at the last progress call

        def batches():
            for b in event_batches(data):
                done[0] += len(b)
                if progress is not None and (done[0] - done[1] >= 2000 or done[1] < 0):
                    done[1] = done[0]
                    if progress(offset + done[0], total) is False:
                        raise Cancelled()
                yield b

        t = time.perf_counter()
        res = replay(data.snapshot, batches(), settings, start_ts=data.start_ts, end_ts=data.end_ts,
                     samples=False, batched=True)
        return res, time.perf_counter() - t

    def run(self, other, label: str = "what-if", progress: Callable[[int, int], bool] | None = None) -> WhatIfResult:
        """backtest's three columns (logged, replay with the session's settings, replay with ``other``)."""
        with self._lock:
            data = self.load()
            own = settings_of(data)
            n = max(1, data.n_events)
            total = n * (1 if self._base is not None else 2)
            logged = judge("logged", data, data.logged_transitions, data.logged_actions, own)
            off = 0
            if self._base is None:
                r1, s1 = self._replay(own, progress, 0, total)
                self._base = (judge("replay, session settings", data, r1.transitions, replay_actions(r1.actions),
                                    own, s1), r1)
                off = n
            base, _r1 = self._base
            r2, s2 = self._replay(other, progress, off, total)
            acts = replay_actions(r2.actions)
            new = judge(f"replay, {label}", data, r2.transitions, acts, other, s2, reference=own)
            if progress is not None:
                progress(total, total)
            return WhatIfResult([logged, base, new], freeze_estimates(data, acts, other))


def _units_between(data: LogData, sku: str, a: float, b: float) -> tuple[int, int]:
    """(orders, units) the real show took for ``sku`` with a <= ts < b."""
    row = data.reader.conn.execute("SELECT count(*), coalesce(sum(qty), 0) FROM events WHERE topic = 'order' "
                                   "AND sku = ? AND ts >= ? AND ts < ?", (sku, a, b)).fetchone()
    return int(row[0]), int(row[1])


def _rate_before(data: LogData, sku: str, a: float) -> float:
    r = data.reader.conn.execute("SELECT rate_per_min FROM samples WHERE sku = ? AND ts < ? ORDER BY ts DESC LIMIT 1",
                                 (sku, a)).fetchone()
    if r is not None and r[0] is not None:
        return float(r[0])
    _n, units = _units_between(data, sku, a - 300.0, a)
    return units / 5.0


def freeze_estimates(data: LogData, actions, settings) -> list[Estimate]:
    """Estimates for every SKU whose what-if freeze differs from when the real show stopped selling."""
    facts = data.facts
    tiers = data.tiers()
    whatif: dict[str, float] = {}
    for a in actions:
        if a.op == "freeze" and a.ts is not None and a.sku not in whatif:
            whatif[a.sku] = a.ts
    real_freeze: dict[str, float] = {}
    for a in data.logged_actions:
        if a.op == "freeze" and a.ok and a.ts is not None and a.sku not in real_freeze:
            real_freeze[a.sku] = a.ts
    first_sellout = {}
    for so in facts.sellouts:
        first_sellout.setdefault(so.sku, so.ts)
    end = data.end_ts or 0.0
    out: list[Estimate] = []
    for sku in sorted(set(whatif) | set(real_freeze)):
        stops = [t for t in (real_freeze.get(sku), first_sellout.get(sku)) if t is not None]
        real_stop = min(stops) if stops else None
        f = whatif.get(sku)
        lag = settings.tier_settings(sku, tiers.get(sku)).safety_lag_s
        if f is not None and (real_stop is None or f < real_stop - 1.0):
            s = real_stop if real_stop is not None else end
            n, units = _units_between(data, sku, f, s)
            per = units / n if n else 1.0
            lo, hi = max(0.0, n - Z90 * math.sqrt(n)) * per, (n + Z90 * math.sqrt(n)) * per
            over = sum(q for k, t, q in data.oversold_orders if k == sku and f <= t < s)
            out.append(Estimate(sku, "earlier freeze", s, f, float(units), (lo, hi), -float(over),
                                (-float(over), 0.0),
                                f"the real show sold {units} units in the {(s - f) / 60:.1f} min between the what-if "
                                f"freeze and its own stop"))
        elif sku in real_freeze and (f is None or f > real_freeze[sku] + 1.0):
            a = real_freeze[sku]
            so = first_sellout.get(sku)
            if so is not None and so <= a + 1.0:
                continue  # it was sold out when frozen: nothing left to sell
            b = min(x for x in (f, _unfrozen(facts, sku, a), end) if x is not None)
            stock = _stock_at(facts, sku, a)
            rate = _rate_before(data, sku, a)
            d = max(0.0, b - a)
            s_info = facts.skus.get(sku)
            avg = rate
            if s_info is not None and data.duration_s > 60:
                avg = s_info.units_ordered / max(1.0, data.duration_s / 60.0)
            demand = rate * min(d, SURGE_HOLD_S) / 60.0 + avg * max(0.0, d - SURGE_HOLD_S) / 60.0
            sold = min(float(max(stock, 0)), demand)
            risk = max(0.0, min(demand - sold, rate * lag / 60.0 * 1.5))
            out.append(Estimate(sku, "later freeze" if f is not None else "no freeze", a, f, -sold,
                                (-min(float(max(stock, 0)), demand * RATE_RANGE[1]), -sold * RATE_RANGE[0]),
                                risk, (0.0, risk),
                                f"{rate:.1f}/min just before the real freeze, {d / 60:.1f} min, {stock} units left"))
    return out


def _unfrozen(facts, sku: str, a: float) -> float | None:
    for x, y in facts.frozen_spans.get(sku, []):
        if x <= a + 1.0 and y >= a:
            return y
    return None


def _stock_at(facts, sku: str, t: float) -> int:
    pts = facts.series.get(sku) or []
    s = facts.skus.get(sku)
    v = s.start_available if s is not None else 0
    for ts, a in pts:
        if ts > t:
            break
        v = a
    return v
