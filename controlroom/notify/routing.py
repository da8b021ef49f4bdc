"""Alertmanager-style grouping: a group per room and level, group wait, group interval, repeat interval.

Per target, every episode goes into the group of its (room, level).  A new group
waits ``group_wait_s`` so episodes that come together go out in one message; after
a post, the group posts again only after ``group_interval_s`` and only with news (a
new firing episode, or one that resolved: its one resolved message); a still-firing,
unacknowledged episode is repeated every ``repeat_interval_s``.  A group posts at
most once per interval and names an episode at most once per post, so one episode
never produces more than one post per interval.  An episode that resolves before it
was ever posted is dropped (it never reached anyone), like Alertmanager does.

An episode keeps its id when its shown level changes: the router moves it to the group
of its new level (:meth:`Router.add`).  A step up is news there; a step down moves it
quietly (it was told at the higher level).  When it moves to a level this target is not
routed, :meth:`Router.leave` ends it here with its resolved message.

The clock is the caller's (``now`` arguments): the notifier's monotonic clock in a
show, a hand-moved clock in tests.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dataclasses import replace

from controlroom.notify.item import NotifyItem, Section

# Severity of each level: moving up is news, moving down is not (same as the episodes' ranks).
RANK = {"watch": 1, "warning": 2, "lost_sales": 3, "critical": 4, "frozen_with_stock": 4, "feed": 4}


@dataclass
class _Episode:
    item: NotifyItem
    posted: bool = False  # its firing was posted
    dirty: bool = True  # has news not yet posted
    acked: bool = False


@dataclass
class _Group:
    room: str
    level: str
    episodes: dict[str, _Episode] = field(default_factory=dict)
    first_news: float | None = None  # when news arrived in an empty / never-posted group
    last_post: float | None = None


class Router:
    """Groups one target's items and says which sections are due."""

    def __init__(self, group_wait_s: float = 10.0, group_interval_s: float = 60.0,
                 repeat_interval_s: float = 600.0) -> None:
        self.group_wait_s = group_wait_s
        self.group_interval_s = group_interval_s
        self.repeat_interval_s = repeat_interval_s
        self._groups: dict[tuple[str, str], _Group] = {}
        self.dropped_unposted = 0  # episodes that resolved before their group posted

    def _holding(self, item: NotifyItem) -> _Group | None:
        """The group that holds this episode now (any level), or None."""
        g = self._groups.get((item.room, item.level))
        if g is not None and item.id in g.episodes:
            return g
        return next((g for g in self._groups.values() if g.room == item.room and item.id in g.episodes), None)

    def _move(self, item: NotifyItem, old: _Group, now: float) -> None:
        """An episode's level changed: into its new level's group; a step up is news."""
        ep = old.episodes.pop(item.id)
        if not old.episodes:
            del self._groups[(old.room, old.level)]
        g = self._groups.get((item.room, item.level))
        if g is None:
            g = self._groups[(item.room, item.level)] = _Group(item.room, item.level)
        up = RANK.get(item.level, 1) >= RANK.get(old.level, 1)
        g.episodes[item.id] = _Episode(item, posted=ep.posted, dirty=up or not ep.posted,
                                       acked=ep.acked and not up)
        if g.episodes[item.id].dirty:
            self._news(g, now)

    def leave(self, item: NotifyItem, now: float) -> None:
        """The episode moved to a level this target is not routed: its resolved message here."""
        g = self._holding(item)
        if g is not None:
            old = g.episodes[item.id].item
            self.add(replace(old, state="resolved", ts=item.ts, reason=item.reason), now)

    def add(self, item: NotifyItem, now: float) -> None:
        """Take one item (firing, resolved or acked)."""
        held = self._holding(item)
        if held is not None and held.level != item.level:
            if item.state == "firing":
                self._move(item, held, now)
                return
            item = replace(item, level=held.level)  # news of an episode told at another level
        g = self._groups.get((item.room, item.level))
        if g is None:
            if item.state != "firing":
                return  # news about an episode this target never heard of
            g = self._groups[(item.room, item.level)] = _Group(item.room, item.level)
        ep = g.episodes.get(item.id)
        if item.state == "firing":
            if ep is None or ep.item.state == "resolved" and not ep.dirty:
                g.episodes[item.id] = _Episode(item)
                self._news(g, now)
            else:
                was_resolved = ep.item.state == "resolved"
                joined = set(item.members) - set(ep.item.members)
                ep.item = item
                if joined and not was_resolved:
                    # A room episode took in a SKU: news, even if the episode was acknowledged.
                    ep.dirty, ep.acked = True, False
                    self._news(g, now)
                elif was_resolved:
                    # Re-fired before its resolved message went out: no news after all.
                    ep.dirty = not ep.posted
                    ep.acked = False
        elif item.state == "resolved":
            if ep is None:
                return
            if not ep.posted:
                del g.episodes[item.id]
                self.dropped_unposted += 1
            else:
                ep.item = item
                ep.dirty = True
                self._news(g, now)
        elif item.state == "acked" and ep is not None:
            ep.acked = True
            if not ep.posted:
                ep.dirty = False  # acknowledged before anyone was told: nobody needs telling
                if g.last_post is None and not any(e.dirty for e in g.episodes.values()):
                    g.first_news = None
        if not g.episodes:
            del self._groups[(g.room, g.level)]

    @staticmethod
    def _news(g: _Group, now: float) -> None:
        if g.first_news is None:
            g.first_news = now

    def _due_at(self, g: _Group) -> float | None:
        if any(ep.dirty for ep in g.episodes.values()):
            if g.last_post is None:
                return (g.first_news or 0.0) + self.group_wait_s
            return max(g.last_post + self.group_interval_s, (g.first_news or 0.0))
        if g.last_post is not None and any(ep.posted and not ep.acked and ep.item.state == "firing"
                                           for ep in g.episodes.values()):
            return g.last_post + self.repeat_interval_s
        return None

    def next_due(self) -> float | None:
        """When the next section falls due (None: nothing pending)."""
        times = [t for g in self._groups.values() if (t := self._due_at(g)) is not None]
        return min(times, default=None)

    def due(self, now: float) -> list[Section]:
        """The sections to post now; their episodes count as posted from here."""
        out = []
        for key, g in list(self._groups.items()):
            at = self._due_at(g)
            if at is None or at > now:
                continue
            news = any(ep.dirty for ep in g.episodes.values())
            firing = [ep for ep in g.episodes.values() if ep.item.state == "firing" and not ep.acked]
            resolved = [ep for ep in g.episodes.values() if ep.item.state == "resolved" and ep.dirty]
            if firing or resolved:
                out.append(Section(g.room, g.level, [ep.item for ep in firing], [ep.item for ep in resolved],
                                   repeat=not news))
            for ep in firing:
                ep.posted, ep.dirty = True, False
            for ep in resolved:
                del g.episodes[ep.item.id]
            for ep in g.episodes.values():
                ep.dirty = False  # e.g. acknowledged before posting
            g.last_post = now
            g.first_news = None
            if not g.episodes:
                del self._groups[key]
        return out

    def firing_ids(self) -> set[str]:
        """Episodes this router holds as firing (posted or not)."""
        return {i for g in self._groups.values() for i, ep in g.episodes.items() if ep.item.state == "firing"}
