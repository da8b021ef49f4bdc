"""The room's rows of the episode book: the surge row and the warning wave (see :mod:`.episodes`).

A mixin of :class:`~controlroom.alerts.episodes.EpisodeBook`, kept apart so each module stays
small: the book's per-SKU episodes live there, the rows that group many SKUs here.

* **the surge row** lists every SKU with a watch alone (advisory);
* **the warning wave** lists warnings of many SKUs within ``episode_wave_window_s`` of each
  other (a room-wide cause);
* with ``episode_room_regroup``: an open wave whose last new member is older than the window
  still takes the next wave of warnings (``episode_wave_min_skus`` SKUs warned within the
  window: the fresh rows of that wave end there), rather than leaving each of them a row of its
  own beside it; and a room row left with one SKU that escalates (a surge row's only member warned
  or worse, a wave's only member critical) goes on as that SKU's row in place (same id): one
  problem, one row, as a SKU's own row escalates in place;
* with ``episode_wave_takes_while_listed``: while the wave lists SKUs below their warning lines, a
  SKU newly warned (alone) is listed there too, however long after the wave's last new member, as the
  surge row lists every new watch while it is open: the room's warning row is on the screen, one more
  name in it is not a new problem (traced on traffic-surge seeds 1-5: most lone rows were a feature's
  warnings, or a later wave's first, while the raid's wave still listed SKUs; docs/engine.md).  A
  member that goes critical still leaves it with a row of its own.
"""
from __future__ import annotations

from collections import deque

RANK_WARNING = 2  # episodes.RANK["warning"] (not imported: episodes imports this module)
RANK_WATCH = 1


class RoomRows:
    """The surge row and the warning wave; needs the book's state (``EpisodeBook``)."""

    def _surge_ready(self, ts: float) -> bool:
        """The room's surge episode may open: ``episode_group_min_skus`` SKUs have a watch alone, one of
        them for ``episode_pending_s`` already (a watch that blips opens nothing, as for a SKU's own)."""
        if self.group_min <= 0:
            return False
        since = [t for s, t in self._watch_since.items() if s not in self.by_sku]
        return len(since) >= self.group_min and ts - min(since) >= self.pending_s

    def _step_group(self, ts: float) -> None:
        g = self.group
        members = [s for s in self._watch_since if s not in self.by_sku]
        if g is None:
            # Once it is open, every SKU with a watch alone is listed in it at once: the row is there
            # already, and one more name in it is not a new problem.
            if not self._surge_ready(ts):
                return
            g = self.group = self._open(None, ts, group=True)
            g.group = set(members)
            top = max((self._top(s) for s in g.group), key=lambda t: (t.rate_per_min or 0.0))
            self._set_level(g, top, 1, ts, surge=True)
            return
        new = set(members) | {s for s in g.group if s in self._watch_since and s not in self.by_sku}
        if new != g.group:
            g.group = new
            if new:
                top = max((self._top(s) for s in new), key=lambda t: (t.rate_per_min or 0.0))
                g.alert = top
            self._emit(g)
        self._settle(g, bool(g.group), "firing", ts)

    def _wave_takes(self, sku: str, ts: float) -> bool:
        """A SKU's new warning belongs to the room's wave: an open one that took in a SKU within
        ``episode_wave_window_s`` (or listed this SKU before, or, with ``episode_wave_takes_while_listed``,
        lists any SKU now), or, to open one, ``episode_wave_min_skus``
        - 1 other SKUs' warning episodes opened within that window (a room-wide cause lifting many SKUs
        at once)."""
        if self.wave_min <= 0:
            return False
        w = self.wave
        if w is not None:
            return (sku in self._wave_in or ts - self._wave_last <= self.wave_w
                    or (self.wave_listed and bool(w.group))
                    or (self.regroup and len(self._new_rows(sku, ts)) >= self.wave_min - 1))
        recent = sum(1 for e in self.by_sku.values()
                     if e.sku not in (None, sku) and e.rank == RANK_WARNING and ts - e.start <= self.wave_w)
        return recent >= self.wave_min - 1

    def _step_wave(self, ts: float) -> None:
        """The room's warning wave: lists the SKUs it took in whose warning (and nothing worse) holds."""
        w = self.wave
        if w is None:
            fresh = {s for s, on in self._alerts.items() if s is not None and s not in self.by_sku and on
                     and self._raw.get(s) == RANK_WARNING}
            if not fresh:
                return
            # The SKUs whose own warning row opened within the window (what let the wave open) are
            # part of it: the earliest row becomes the wave in place (same id, now the room's), any
            # other ends there, so the operator never sees the first SKU of a wave twice.
            olds = sorted((e for e in self.by_sku.values() if e.sku is not None and e.rank == RANK_WARNING
                           and e.level == "warning" and ts - e.start <= self.wave_w), key=lambda e: e.start)
            for e in olds:
                del self.by_sku[e.sku]
                fresh.add(e.sku)
            if olds:
                w = self.wave = olds[0]
                for e in olds[1:]:
                    self._close(e, ts)
                for e in olds:  # listed since their own rows began
                    self._row_since[(w.id, e.sku)] = e.start
                w.sku, w.unsteady, w.raw_changes = None, False, deque()
                self._quiet.pop(w.id, None)
            else:
                w = self.wave = self._open(None, ts, kind="wave")
            self._wave_in = set(fresh)
            self._wave_last = ts
            w.group = set(fresh)
            if olds:  # the same level: no level change, the row is updated in place
                w.alert = self._wave_top(fresh)
                self._emit(w)
            else:
                self._set_level(w, self._wave_top(fresh), RANK_WARNING, ts)
            return
        # Its members: every SKU with a warning alone and no row of its own (_step_sku let the wave
        # take it: _wave_takes), remembered so that a member's next warning comes back to it.
        members = {s for s, on in self._alerts.items() if s is not None and s not in self.by_sku and on
                   and self._raw.get(s) == RANK_WARNING}
        if members - self._wave_in and self.regroup:
            # A later wave joined it (_wave_takes): the rows its first SKUs opened alone, after the
            # wave's last new member, end here, as a new wave's first row does.
            for e in self._new_rows(None, ts):
                if e.start > self._wave_last:
                    self._close(e, ts)
                    members.add(e.sku)
        if members - self._wave_in:
            self._wave_last = ts
            self._wave_in |= members
        if members != w.group:
            w.group = members
            if members:
                w.alert = self._wave_top(members)
            self._emit(w)
        firing = any(t.state == "firing" for s in members for t in self._alerts.get(s, {}).values())
        self._settle(w, bool(members), "firing" if firing else "recovering", ts)

    def _settle(self, row, listed: bool, state: str, ts: float) -> None:
        """A room row after its members were counted: in ``state`` while it lists SKUs; with none left,
        recovering, and closed once quiet for ``quiet_s`` and up for ``hold_s``."""
        if listed:
            self._quiet.pop(row.id, None)
            if row.state != state:
                row.state = state
                self._emit(row)
            return
        q = self._quiet.setdefault(row.id, ts)
        if row.state != "recovering":
            row.state = "recovering"
            self._emit(row)
        if ts - q >= self.quiet_s and ts - row.up_since >= self.hold_s:
            self._close(row, q)

    def _wave_top(self, skus):
        """The members' most urgent warning (soonest sell-out): the figures the wave's row shows."""
        tops = [self._top(s) for s in skus]
        return min((t for t in tops if t is not None),
                   key=lambda t: (t.predicted_sellout_s if t.predicted_sellout_s is not None else float("inf")))

    def _new_rows(self, sku: str | None, ts: float) -> list:
        """Other SKUs' own rows opened at a warning within ``episode_wave_window_s`` (a wave's first)."""
        return [e for e in self.by_sku.values() if e.sku not in (None, sku) and e.rank == RANK_WARNING
                and e.level == "warning" and ts - e.start <= self.wave_w]

    def _room_row_escalates(self, sku: str, top, raw: int, ts: float) -> bool:
        """With ``episode_room_regroup``: the surge row whose only member is ``sku`` and that SKU is now
        warned or worse (and no wave takes it), or the wave whose only member went critical, goes on as
        the SKU's own row in place (same id, level up): the row was that SKU's problem already."""
        if not self.regroup or sku is None:
            return False
        g, w = self.group, self.wave
        if g is not None and g.group == {sku} and raw > RANK_WATCH and not (
                raw == RANK_WARNING and self._wave_takes(sku, ts)):
            self.group = None
            row = g
        elif w is not None and w.group == {sku} and raw > RANK_WARNING:
            self.wave, self._wave_in = None, set()
            row = w
        else:
            return False
        self.taken[row.id] = (ts, sku)  # its level changes are the SKU's from now on (review.chatter)
        if len(self.taken) > 10_000:  # a live show of any length stays flat
            del self.taken[next(iter(self.taken))]
        # Its problem began when the SKU was first listed in it, not when the room's row opened.
        row.start = self._row_since.get((row.id, sku), row.start)
        row.sku, row.group, row.unsteady, row.raw_changes = sku, set(), False, deque()
        self.by_sku[sku] = row
        self._quiet.pop(row.id, None)
        self._watch_since.pop(sku, None)
        self._raw[sku] = raw
        self._set_level(row, top, raw, ts)
        return True
