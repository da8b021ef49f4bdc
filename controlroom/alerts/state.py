"""Alert state machines, after Prometheus/Grafana: pending -> firing -> recovering -> resolved.

One :class:`Alert` per (SKU, level) at a time; :class:`AlertBook` owns them, runs
their state machines with :meth:`AlertBook.step`, and records every change as an
:class:`~controlroom.alerts.transition.AlertTransition`.

Rules give each step two booleans with separate thresholds (hysteresis):

* ``enter``: the condition holds (e.g. available below the warning line);
* ``clear``: the condition is cleanly gone (e.g. available above line x exit ratio).

Timing:

* no alert + ``enter`` -> **pending** (or straight to **firing** when ``pending_s`` is 0);
* pending: stays while not ``clear``; after ``pending_s`` -> **firing**; ``clear`` -> resolved
  without ever firing.  A firing transition's reason always agrees with its numbers: when
  the condition holds at that moment, the rule's ``reason``; when the values are only in
  the hysteresis band (entered, not cleared), the reason that started the pending period
  with its own numbers, when that was, and the rule's ``band_reason`` for now;
* firing + ``clear`` -> **recovering** (still shown); recovering + ``enter`` -> firing again
  (same key, no new alert); recovering and ``clear`` for ``recover_s`` -> **resolved**.

So a SKU hovering at a line yields one alert: the band between ``enter`` and
``clear`` never changes state, and re-entering while recovering reuses the alert.
"""
from __future__ import annotations

from controlroom.alerts.transition import AlertTransition
from controlroom.state.view import AlertView

__all__ = ["Alert", "AlertBook", "to_view", "ACTIVE", "SEVERITY"]

ACTIVE = ("pending", "firing", "recovering")
# Sort order of active alerts, most severe first.
SEVERITY = {"feed": 0, "critical": 1, "frozen_with_stock": 1, "lost_sales": 2, "warning": 3, "watch": 4}


class Alert:
    """One alert instance (mutable, owned by the core thread)."""

    __slots__ = ("key", "sku", "level", "state", "started_ts", "fired_ts", "clear_since", "ended_ts",
                 "reason", "available", "rate_per_min", "predicted_sellout_s", "threshold",
                 "acked", "acked_by", "snoozed_until", "snoozed_by")

    def __init__(self, key: str, sku: str | None, level: str, ts: float, reason: str) -> None:
        self.key = key
        self.sku = sku
        self.level = level
        self.state = "pending"
        self.started_ts = ts
        self.fired_ts: float | None = None
        self.clear_since: float | None = None
        self.ended_ts: float | None = None
        self.reason = reason
        self.available: int | None = None
        self.rate_per_min: float | None = None
        self.predicted_sellout_s: float | None = None
        self.threshold: float | None = None
        self.acked = False
        self.acked_by: str | None = None
        self.snoozed_until: float | None = None
        self.snoozed_by: str | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def since_ts(self) -> float:
        """When it started firing (or started pending, if it has not fired)."""
        return self.fired_ts if self.fired_ts is not None else self.started_ts

    def set_numbers(self, available: int | None, rate_per_min: float | None,
                    sellout_s: float | None, threshold: float | None) -> None:
        self.available = available
        self.rate_per_min = None if rate_per_min is None else round(rate_per_min, 3)
        self.predicted_sellout_s = None if sellout_s is None else round(sellout_s, 1)
        self.threshold = None if threshold is None else round(threshold, 2)

    def transition(self, ts: float, state: str | None = None, reason: str | None = None,
                   by: str | None = None, until: float | None = None) -> AlertTransition:
        """The record of a change (``state`` defaults to the current one)."""
        return AlertTransition(key=self.key, ts=ts, sku=self.sku, level=self.level,
                               state=state or self.state, reason=reason or self.reason,
                               available=self.available, rate_per_min=self.rate_per_min,
                               predicted_sellout_s=self.predicted_sellout_s, threshold=self.threshold,
                               by=by, until=until)

    def to_view(self) -> AlertView:
        """The immutable view the desk shows."""
        return AlertView(key=self.key, sku=self.sku, level=self.level, state=self.state,
                         since_ts=self.since_ts, reason=self.reason, available=self.available,
                         rate_per_min=self.rate_per_min, predicted_sellout_s=self.predicted_sellout_s,
                         threshold=self.threshold, acked=self.acked, snoozed_until=self.snoozed_until,
                         ended_ts=self.ended_ts)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Alert({self.key} {self.state} since {self.since_ts})"


def to_view(alert: Alert) -> AlertView:
    """Function form of :meth:`Alert.to_view`."""
    return alert.to_view()


class AlertBook:
    """All alerts of a session: active ones by (sku, level), a bounded history of resolved ones."""

    def __init__(self, history_max: int = 500) -> None:
        self.active: dict[tuple[str | None, str], Alert] = {}
        self.by_key: dict[str, Alert] = {}
        self.history: list[AlertView] = []  # resolved, oldest first, bounded
        self.history_max = history_max
        self._seq = 0
        self.fired = 0  # alerts that reached firing, this session

    # --- lookup -----------------------------------------------------------------------------
    def get(self, sku: str | None, level: str) -> Alert | None:
        return self.active.get((sku, level))

    def is_on(self, sku: str | None, level: str) -> bool:
        """True if the (sku, level) alert is firing or recovering."""
        a = self.active.get((sku, level))
        return a is not None and a.state != "pending"

    def level_of(self, sku: str) -> str:
        """The SKU's most severe firing/recovering low-stock level, or ``ok``."""
        act = self.active
        for lvl in ("critical", "warning", "watch"):
            a = act.get((sku, lvl))
            if a is not None and a.state != "pending":
                return lvl
        return "ok"

    def sorted_active(self) -> list[Alert]:
        """Active alerts, most severe first, then oldest first."""
        return sorted(self.active.values(), key=lambda a: (SEVERITY.get(a.level, 9), a.since_ts, a.key))

    # --- changes ----------------------------------------------------------------------------
    def _new(self, sku: str | None, level: str, ts: float, reason: str) -> Alert:
        self._seq += 1
        key = f"{sku if sku is not None else 'room'}:{level}:{self._seq}"
        a = Alert(key, sku, level, ts, reason)
        self.active[(sku, level)] = a
        self.by_key[key] = a
        return a

    def _fire(self, a: Alert, ts: float, out: list, reason: str | None = None) -> None:
        if a.fired_ts is None:
            a.fired_ts = ts
            self.fired += 1
        a.state = "firing"
        a.clear_since = None
        if reason:
            a.reason = reason
        out.append(a.transition(ts))

    def step(self, sku: str | None, level: str, ts: float, enter: bool, clear: bool,
             pending_s: float, recover_s: float, reason: str, out: list,
             numbers: tuple | None = None, clear_reason: str | None = None,
             band_reason: str | None = None) -> Alert | None:
        """Advance the (sku, level) state machine one evaluation; append transitions to ``out``.

        ``reason`` says why the condition holds (used when ``enter`` is true); ``clear_reason``
        why it cleared (recovering; default "condition cleared"); ``band_reason`` what holds
        when neither (a pending alert that fires in the hysteresis band).
        """
        a = self.active.get((sku, level))
        if a is None:
            if not enter:
                return None
            a = self._new(sku, level, ts, reason)
            if numbers is not None:
                a.set_numbers(*numbers)
            if pending_s <= 0.0:
                self._fire(a, ts, out)
            else:
                out.append(a.transition(ts))
            return a
        if numbers is not None:
            a.set_numbers(*numbers)
        st = a.state
        if st == "pending":
            if clear:
                self.resolve(a, ts, out, f"cleared before firing: {clear_reason}" if clear_reason
                             else "condition cleared before firing")
                return None
            if ts - a.started_ts >= pending_s:
                if enter:
                    self._fire(a, ts, out, reason)
                else:
                    self._fire(a, ts, out, f"{a.reason} ({ts - a.started_ts:.0f} s ago, not cleared since: "
                                           f"{band_reason or 'still inside the exit threshold'})")
        elif st == "firing":
            if clear:
                a.state = "recovering"
                a.clear_since = ts
                out.append(a.transition(ts, reason=f"recovering: {clear_reason or 'condition cleared'}"))
        elif st == "recovering":
            if enter:
                self._fire(a, ts, out, reason)
            elif clear:
                if a.clear_since is None:
                    a.clear_since = ts
                elif ts - a.clear_since >= recover_s:
                    self.resolve(a, ts, out, "resolved")
                    return None
        return a

    def fire_now(self, sku: str | None, level: str, ts: float, reason: str, out: list,
                 numbers: tuple | None = None) -> tuple[Alert, bool]:
        """Fire (sku, level) at once, skipping pending; returns (alert, newly_fired)."""
        a = self.active.get((sku, level))
        if a is None:
            a = self._new(sku, level, ts, reason)
        if numbers is not None:
            a.set_numbers(*numbers)
        if a.state == "firing":
            return a, False
        self._fire(a, ts, out, reason)
        return a, True

    def resolve(self, a: Alert, ts: float, out: list, reason: str) -> None:
        """End alert ``a`` now (any state)."""
        if not a.active:
            return
        a.state = "resolved"
        a.ended_ts = ts
        self.active.pop((a.sku, a.level), None)
        self.by_key.pop(a.key, None)
        out.append(a.transition(ts, reason=reason))
        if a.fired_ts is not None:
            h = self.history
            h.append(a.to_view())
            if len(h) > self.history_max:
                del h[: len(h) - self.history_max]

    def resolve_level(self, sku: str | None, level: str, ts: float, out: list, reason: str) -> None:
        a = self.active.get((sku, level))
        if a is not None:
            self.resolve(a, ts, out, reason)

    def resolve_sku(self, sku: str, ts: float, out: list, reason: str, levels: tuple[str, ...] | None = None) -> None:
        """End every active alert of ``sku`` (optionally only ``levels``)."""
        for (s, lvl), a in list(self.active.items()):
            if s == sku and (levels is None or lvl in levels):
                self.resolve(a, ts, out, reason)

    # --- operators --------------------------------------------------------------------------
    def ack(self, key: str, by: str, ts: float) -> AlertTransition | None:
        """Acknowledge an active alert (stops repeats and sound); None if unknown or already acked."""
        a = self.by_key.get(key)
        if a is None or a.acked:
            return None
        a.acked = True
        a.acked_by = by
        return a.transition(ts, state="acked", reason=f"acknowledged by {by}", by=by)

    def snooze(self, key: str, minutes: float, by: str, ts: float) -> AlertTransition | None:
        """Silence an active alert until ``ts + minutes``; the silence expires on its own."""
        a = self.by_key.get(key)
        if a is None or not minutes > 0:
            return None
        a.snoozed_until = ts + minutes * 60.0
        a.snoozed_by = by
        return a.transition(ts, state="snoozed", reason=f"snoozed {minutes:g} min by {by}", by=by,
                            until=a.snoozed_until)

    def expire_silences(self, ts: float, out: list) -> None:
        """End snoozes whose time is up; a still-firing alert is announced again."""
        for a in list(self.active.values()):
            if a.snoozed_until is not None and ts >= a.snoozed_until:
                a.snoozed_until = None
                a.snoozed_by = None
                out.append(a.transition(ts, reason="snooze expired"))
