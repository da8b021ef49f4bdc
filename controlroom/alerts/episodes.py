"""Episodes: one row per problem, built from the alert transitions (what the operator sees).

The alert state machines (:mod:`controlroom.alerts.state`) say, per SKU and level, whether
a condition holds.  The operator is shown *episodes* instead
(:class:`~controlroom.state.view.EpisodeView`, a plain immutable record):

* **one episode per SKU and problem**: every alert of a SKU (watch, warning, critical,
  losing sales, frozen with stock) that fires while its episode is open updates that
  episode in place; its level is the most severe of the SKU's firing or recovering
  alerts (a lower level is inhibited while a higher one fires).  An episode whose
  alerts all resolved stays open as *recovering* for ``episode_quiet_s``; an alert of
  the SKU within that time continues the same episode.
* **stable levels**: a watch must have fired for ``episode_pending_s`` before it opens
  an episode (warnings and criticals have their tier's ``pending_s``; critical at
  safety stock is shown at once); the shown level steps *down* only once it has been
  shown ``episode_min_hold_s`` since the episode last went up (so a SKU swings at most
  twice in that time: up, then down) — except *frozen with stock*, which ends (or gives way
  to the SKU's other alert) as soon as the freeze is lifted; **flap detection**: a SKU whose alerts changed
  level more than ``episode_flap_changes`` times in ``episode_flap_window_s`` is marked
  *unsteady* and held at the highest level of that window until it has been steady for
  a whole window.
* **grouping**: a watch alone is advisory (a surge, no action yet).  Once
  ``episode_group_min_skus`` SKUs have one (the first for ``episode_pending_s``), the room's
  *surge* episode opens: one row listing every SKU with a watch and nothing worse, joined
  in place by later ones, ended ``episode_quiet_s`` after the last surge is over.  With the
  default 1, every watch alone is shown there (a host's mentions, one after another, are one
  row, not a problem each); a member that escalates to a warning leaves the row and opens
  its own episode.
* **the warning wave**: warnings of many SKUs within minutes of each other have a room-wide
  cause (a traffic surge).  When ``episode_wave_min_skus`` SKUs were warned within
  ``episode_wave_window_s``, the first one's row becomes the room's *wave* in place (same id,
  no new problem) and lists every SKU with a warning alone that comes within that time of the
  last (with ``episode_wave_takes_while_listed``, any time while it lists SKUs); a member's next
  warning comes back to it; a member that goes critical leaves with a row of its own (a critical
  is news of its own).

The book is fed every tick's transitions (:meth:`EpisodeBook.update`) and only reads the
transitions' shop time: deterministic, like the engine.
"""
from __future__ import annotations

from collections import deque

from controlroom.alerts.room_rows import RoomRows
from controlroom.state.view import EpisodeView

__all__ = ["Episode", "EpisodeBook", "RANK", "SURGE"]

Episode = EpisodeView  # the record (kept in state/view.py, beside AlertView, for the snapshot)

# Shown rank of each level: a change of rank is a level change.  Frozen with stock is as
# urgent as a critical (stock is there and not selling: act now), and a critical followed
# by the freeze it caused is not a step down.
RANK = {"watch": 1, "warning": 2, "lost_sales": 3, "critical": 4, "frozen_with_stock": 4, "feed": 4}
SURGE = "surge"  # the grouped episode's level name (a watch over many SKUs)
_ON = ("firing", "recovering")


class _Open:
    """One open episode (mutable, owned by the book)."""

    __slots__ = ("id", "sku", "level", "rank", "state", "start", "reached", "up_since", "unsteady", "group",
                 "alert", "changes", "raw_changes", "hold_rank", "view")

    def __init__(self, eid: str, sku: str | None, ts: float) -> None:
        self.id = eid
        self.sku = sku
        self.level = ""
        self.rank = 0
        self.state = "firing"
        self.start = ts
        self.reached = ts  # when the shown level was reached
        self.up_since = ts  # when the episode last went up
        self.unsteady = False
        self.group: set[str] = set()
        self.alert = None  # the transition behind the shown level
        self.changes = 0
        self.raw_changes: deque[float] = deque()  # times the SKU's alerts changed level (flap detection)
        self.hold_rank = 0  # the highest raw rank within the flap window (unsteady hold)
        self.view: EpisodeView | None = None


LEVEL_LOG_MAX = 100_000  # level changes kept in memory (evaluate's longest show has a few thousand)


class EpisodeBook(RoomRows):
    """All episodes of a session; see the module doc.  ``settings`` is an ``EngineSettings``."""

    def __init__(self, settings, history_max: int = 500) -> None:
        self.configure(settings)
        self.history_max = history_max
        self._seq = 0
        self.opened = 0  # episodes that reached the operator this session
        self.by_sku: dict[str | None, _Open] = {}  # open SKU episodes (None: the room's feed)
        self.group: _Open | None = None  # the open room-surge episode
        self.wave: _Open | None = None  # the open room-wide warning episode (a wave of warnings)
        self._wave_in: set[str] = set()  # SKUs the open wave has taken in (listed while their warning holds)
        self._wave_last = 0.0  # when the open wave last took in a SKU
        self.history: list[EpisodeView] = []  # ended, oldest first, bounded
        # (ts, episode id, shown rank; 0 = ended), what evaluate counts chatter from.  Bounded so a live
        # show of any length stays flat (~10 MB at the bound); a show's review reads the session log.
        self.level_log: deque[tuple[float, str, int]] = deque(maxlen=LEVEL_LOG_MAX)
        self._alerts: dict[str | None, dict[str, object]] = {}  # sku -> {alert key: last transition} (on)
        self._watch_since: dict[str, float] = {}  # sku -> when its watch (alone) started firing
        self._raw: dict[str | None, int] = {}  # sku -> rank of its alerts now
        self._quiet: dict[str, float] = {}  # episode id -> since when all its alerts are resolved
        self._changed: dict[str, EpisodeView] = {}  # since the last take_changes()
        self._now: dict[str, EpisodeView] = {}  # in the current update()
        self._ts = 0.0  # the current update()'s shop time
        self.shown_at: dict[str, float] = {}  # sku -> when it was first on a row (its own or the room's)
        self._row_since: dict[tuple[str, str], float] = {}  # (open room row id, sku) -> when it was first listed
        self.taken: dict[str, tuple[float, str]] = {}  # room row id -> (ts, sku) a SKU took it in place (chatter)

    def configure(self, e) -> None:
        """Take new settings (``EngineSettings``)."""
        self.pending_s = e.episode_pending_s
        self.hold_s = e.episode_min_hold_s
        self.quiet_s = e.episode_quiet_s
        self.flap_n = e.episode_flap_changes
        self.flap_w = e.episode_flap_window_s
        self.group_min = e.episode_group_min_skus
        self.wave_min = e.episode_wave_min_skus
        self.wave_w = e.episode_wave_window_s
        self.regroup = e.episode_room_regroup
        self.wave_listed = e.episode_wave_takes_while_listed

    # --- reading ------------------------------------------------------------------------------
    def open_episodes(self) -> list[EpisodeView]:
        """Open episodes, most severe first, then oldest first."""
        views = [e.view for e in self._all() if e.view is not None]
        return sorted(views, key=lambda v: (-RANK.get(v.level, 1), v.start_ts, v.id))

    def _all(self) -> list[_Open]:
        return list(self.by_sku.values()) + [g for g in (self.group, self.wave) if g is not None]

    def count_shown(self) -> int:
        """Episodes that reached the operator this session (what ``evaluate`` counts)."""
        return self.opened

    def take_changes(self) -> list[EpisodeView]:
        """Episode records that changed since the last call (new, level, state, figures, end)."""
        out = list(self._changed.values())
        self._changed = {}
        return out

    # --- feeding ------------------------------------------------------------------------------
    def update(self, transitions, ts: float) -> list[EpisodeView]:
        """Apply one tick's alert transitions at shop time ``ts``; returns the episodes that changed."""
        self._now = {}
        self._ts = ts
        touched: set[str | None] = set()
        for t in transitions:
            if t.state in ("acked", "snoozed"):
                self._ack(t)
                continue
            if t.state == "pending":
                continue
            on = self._alerts.setdefault(t.sku, {})
            if t.state in _ON:
                on[t.key] = t
            else:
                on.pop(t.key, None)
            touched.add(t.sku)
        for sku in touched | set(self.by_sku) | set(self._watch_since):
            self._step_sku(sku, ts)
        self._step_group(ts)
        self._step_wave(ts)
        return list(self._now.values())

    def _ack(self, t) -> None:
        for ep in self._all():
            if ep.alert is not None and ep.alert.key == t.key and ep.view is not None and not ep.view.acked:
                self._emit(ep, acked=True)

    def _top(self, sku: str | None):
        """The SKU's most severe firing/recovering alert (its last transition), or None."""
        on = self._alerts.get(sku)
        if not on:
            return None
        return max(on.values(), key=lambda t: (RANK.get(t.level, 1), t.state == "firing", t.ts))

    def _step_sku(self, sku: str | None, ts: float) -> None:
        top = self._top(sku)
        raw = RANK.get(top.level, 1) if top is not None else 0
        ep = self.by_sku.get(sku)
        if ep is None and top is not None and self._room_row_escalates(sku, top, raw, ts):
            return  # the room's row it was alone in goes on as its own (room_rows)
        prev_raw = self._raw.get(sku, 0)
        if raw != prev_raw:
            self._raw[sku] = raw
            if ep is not None:
                ep.raw_changes.append(ts)
        # A watch alone waits episode_pending_s (and may join the room's surge instead).
        if top is not None and top.level == "watch" and (ep is None or ep.sku is None):
            self._watch_since.setdefault(sku, ts)
        else:
            self._watch_since.pop(sku, None)
        if ep is None:
            if top is None:
                return
            if top.level == "watch":
                if self.group is not None or self._surge_ready(ts):
                    return  # the room's surge episode carries it (_step_group)
                if ts - self._watch_since[sku] < self.pending_s:
                    return
            if raw == RANK["warning"] and self._wave_takes(sku, ts):
                return  # the room's warning wave lists it (_step_wave)
            ep = self._open(sku, ts)  # (a member of the room's surge or wave leaves it: _step_group/_wave)
            self._set_level(ep, top, raw, ts)
            return
        self._flap(ep, raw, ts)
        if (ep.level == "frozen_with_stock" and ep.alert is not None and ep.alert.key not in self._alerts.get(sku, {})
                and (top is None or top.level != "frozen_with_stock")):
            # The freeze was lifted (or the stock is gone): a fact, not a reading that may swing back,
            # so it is not held.  A SKU still frozen with stock must never read as anything else.
            if top is None:
                self._close(ep, ts)
            else:
                self._set_level(ep, top, raw, ts)
            return
        if top is None:
            # Every alert resolved: recovering (level kept) until quiet for episode_quiet_s.
            q = self._quiet.setdefault(ep.id, ts)
            if ep.state != "recovering":
                ep.state = "recovering"
                self._emit(ep)
            if ts - q >= self.quiet_s and ts - ep.up_since >= self.hold_s and not ep.unsteady:
                self._close(ep, q if q > ep.reached else ts)
            return
        self._quiet.pop(ep.id, None)
        state = "firing" if top.state == "firing" or any(t.state == "firing" for t in self._alerts[sku].values()) \
            else "recovering"
        target = raw
        if ep.unsteady and ep.hold_rank > target:
            target = ep.hold_rank
        if target > ep.rank:
            self._set_level(ep, top, raw, ts)
        elif target < ep.rank:
            if ts - ep.up_since >= self.hold_s and not ep.unsteady:
                self._set_level(ep, top, raw, ts)
            elif state != ep.state:
                ep.state = state
                self._emit(ep)
        else:
            # Same rank: the reason and figures follow the alert (frozen_with_stock after a critical).
            same = raw == ep.rank  # (held high, the alert behind the shown level stays)
            changed = (same and top is not ep.alert) or state != ep.state
            ep.state = state
            if changed:
                if same:
                    ep.alert = top
                    ep.level = top.level
                self._emit(ep)

    def _flap(self, ep: _Open, raw: int, ts: float) -> None:
        """Flap detection: more than flap_n raw level changes in the window -> unsteady, held high."""
        rc = ep.raw_changes
        while rc and ts - rc[0] > self.flap_w:
            rc.popleft()
        if len(rc) > self.flap_n:
            if not ep.unsteady:
                ep.unsteady = True
                ep.hold_rank = max(ep.rank, raw)
                self._emit(ep)
            elif raw > ep.hold_rank:
                ep.hold_rank = raw
        elif ep.unsteady and (not rc or ts - rc[-1] >= self.flap_w):
            ep.unsteady = False
            ep.hold_rank = 0
            self._emit(ep)

    # --- changes ------------------------------------------------------------------------------
    def _open(self, sku: str | None, ts: float, group: bool = False, kind: str = "") -> _Open:
        self._seq += 1
        kind = "surge" if group else kind
        subject = f"room:{kind}" if kind else (sku if sku is not None else "room")
        ep = _Open(f"ep:{subject}:{self._seq}", sku, ts)
        if not kind:
            self.by_sku[sku] = ep
        self.opened += 1
        return ep

    def _set_level(self, ep: _Open, top, raw: int, ts: float, surge: bool = False) -> None:
        up = raw > ep.rank
        if ep.rank:
            ep.changes += 1
        ep.rank = raw
        ep.level = SURGE if surge else top.level
        ep.alert = top
        ep.reached = ts
        if up:
            ep.up_since = ts
        ep.state = "firing" if top.state == "firing" else "recovering"
        self.level_log.append((ts, ep.id, raw))
        self._emit(ep)

    def _emit(self, ep: _Open, acked: bool | None = None, end_ts: float | None = None) -> None:
        t = ep.alert
        if ep.sku is None and ep.group is not None and ep.level == SURGE:
            n = len(ep.group)
            names = f"{', '.join(sorted(ep.group)[:6])}{', ...' if n > 6 else ''}"
            if n >= 3:
                head = f"room-wide surge: {n} SKUs accelerating at once ({names})"
            elif n:
                head = f"surge (advisory): {names} accelerating"
            else:
                head = "surges over (advisory): no SKU accelerating now"
            reason = f"{head}; e.g. {t.sku}: {t.reason}" if t is not None and n else head
        elif ep is self.wave:
            n = len(ep.group)
            names = f"{', '.join(sorted(ep.group)[:6])}{', ...' if n > 6 else ''}"
            if n >= 2 and self.wave_listed:  # a late member joined while it was listed: not "within N min"
                head = f"room-wide: {n} SKUs below their warning lines ({names})"
            elif n >= 2:
                head = (f"room-wide: {n} SKUs below their warning lines, warned within "
                        f"{self.wave_w / 60:g} min of each other ({names})")
            elif n:  # the others recovered or went critical (rows of their own): no longer room-wide
                head = f"warning wave: {names} still below its warning line, the wave's other SKUs no longer"
            else:
                head = "room-wide warnings over"
            reason = f"{head}; soonest {t.sku}: {t.reason}" if t is not None and n else head
        else:
            reason = t.reason if t is not None else ""
        if ep.unsteady:
            reason = f"unsteady (level changed {len(ep.raw_changes)} times in {self.flap_w / 60:g} min, held): {reason}"
        old = ep.view
        ep.view = EpisodeView(
            id=ep.id, sku=ep.sku, level=ep.level, state="resolved" if end_ts is not None else ep.state,
            reason=reason, start_ts=ep.start, end_ts=end_ts, group=tuple(sorted(ep.group)), unsteady=ep.unsteady,
            alert_key=None if t is None else t.key, available=None if t is None or ep.sku is None else t.available,
            rate_per_min=None if t is None else t.rate_per_min,
            predicted_sellout_s=None if t is None else t.predicted_sellout_s,
            threshold=None if t is None else t.threshold,
            acked=(old.acked and (old.alert_key == (None if t is None else t.key))) if acked is None and old else bool(acked),
            level_changes=ep.changes)
        self._changed[ep.id] = ep.view
        for sku in (ep.sku,) if ep.sku is not None else ep.group:
            self.shown_at.setdefault(sku, self._ts)
        if ep.sku is None:
            for sku in ep.group:
                self._row_since.setdefault((ep.id, sku), self._ts)
        self._now[ep.id] = ep.view

    def _close(self, ep: _Open, end_ts: float) -> None:
        self._quiet.pop(ep.id, None)
        self._emit(ep, end_ts=end_ts)
        self.level_log.append((end_ts, ep.id, 0))
        if self._row_since:
            self._row_since = {k: v for k, v in self._row_since.items() if k[0] != ep.id}
        if ep is self.group:
            self.group = None
        elif ep is self.wave:
            self.wave = None
            self._wave_in = set()
        else:
            self.by_sku.pop(ep.sku, None)
        h = self.history
        h.append(ep.view)
        if len(h) > self.history_max:
            del h[: len(h) - self.history_max]
