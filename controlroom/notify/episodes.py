"""Notifications per episode: what changed in an episode is what the notifier hears.

The engine's :class:`~controlroom.alerts.episodes.EpisodeBook` says which episodes
changed on each tick (:meth:`~controlroom.engine.core.Engine.take_episode_changes`);
:class:`EpisodeNews` turns those records into :class:`~controlroom.notify.item.NotifyItem`
news, one id per episode from its first alert to its end:

* a new episode, or one whose shown level changed: ``firing`` at its level (the
  router moves it between its level groups; a step up is news, a step down is not);
* a room episode (the warning wave) that took in a SKU it had not told of: ``firing``
  again, with its members (the router posts it as news at the next group interval);
* acknowledged or snoozed (the alert behind its level): ``acked``;
* ended: ``resolved``.

Anything else (figures moving, recovering, unsteady) is no news: a SKU that flaps
between firing and recovering stays one episode and sends nothing more.  A room-wide
surge (level ``surge``) goes to the watch level's channels.
"""
from __future__ import annotations

from typing import Iterable

from controlroom.notify.item import NotifyItem

__all__ = ["EpisodeNews", "notify_level"]


def notify_level(level: str) -> str:
    """The channel level of an episode level (a room surge is a grouped watch)."""
    return "watch" if level == "surge" else level


class EpisodeNews:
    """Remembers what was told of each open episode; turns episode changes into items."""

    def __init__(self) -> None:
        self._told: dict[str, tuple[str, bool]] = {}  # episode id -> (level told, acked told)
        self._members: dict[str, frozenset] = {}  # room episode id -> the SKUs told of

    def items(self, episodes: Iterable, room: str) -> list[NotifyItem]:
        """Items for the episode records of one tick (``EpisodeView``), in order."""
        out: list[NotifyItem] = []
        for e in episodes:
            told = self._told.get(e.id)
            level = notify_level(e.level)
            if e.end_ts is not None:
                if told is not None:
                    del self._told[e.id]
                    self._members.pop(e.id, None)
                    out.append(self._item(e, room, level, "resolved", e.end_ts))
                continue
            members = frozenset(e.group) if e.sku is None else frozenset()
            joined = bool(members - self._members.get(e.id, frozenset()))
            if told is None or told[0] != level:
                out.append(self._item(e, room, level, "firing", e.start_ts))
                told = (level, False)
            elif joined and level != "watch":
                # A SKU that joins a told wave is a new problem for the operator (a surge's watch is
                # advisory: its new members are not worth a post).  The wave's own acknowledgement
                # (its top alert's) carries over in the book: not told again, or it would cancel this.
                out.append(self._item(e, room, level, "firing", e.start_ts))
                told = (level, e.acked)
            if members:
                self._members[e.id] = members | self._members.get(e.id, frozenset())
            if e.acked and not told[1]:
                out.append(self._item(e, room, level, "acked", e.start_ts))
            self._told[e.id] = (level, e.acked)
        return out

    @staticmethod
    def _item(e, room: str, level: str, state: str, ts: float) -> NotifyItem:
        return NotifyItem(id=e.id, room=room, sku=e.sku, level=level, state=state, reason=e.reason, ts=ts,
                          available=e.available, rate_per_min=e.rate_per_min,
                          predicted_sellout_s=e.predicted_sellout_s, threshold=e.threshold,
                          members=tuple(e.group) if e.sku is None else ())
