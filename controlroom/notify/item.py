"""What the notifier sends: one :class:`NotifyItem` per change of an alert episode.

This is the one small interface between the alert logic and the notifier.  Today
the items come from the engine's :class:`~controlroom.alerts.transition.AlertTransition`
records (:func:`items_from_transitions`); the alert *episodes* being built in the
engine can produce the same items directly, and nothing downstream changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

# Levels a channel can be configured for: the engine's alert levels plus the room-level
# "frozen with stock" (a frozen SKU that still has stock to sell).
NOTIFY_LEVELS = ("watch", "warning", "critical", "lost_sales", "feed", "frozen_with_stock")
ITEM_STATES = ("firing", "resolved", "acked")

# Transition states -> item states.  pending is not news yet; recovering is still firing
# (already told); acked and snoozed both stop repeats and escalation.
_STATE_OF = {"firing": "firing", "resolved": "resolved", "acked": "acked", "snoozed": "acked"}


@dataclass(frozen=True, slots=True)
class NotifyItem:
    """One change of one alert episode, as the notifier sees it.

    ``id`` names the episode (stays the same from firing to resolved); ``state`` is
    ``firing``, ``resolved`` or ``acked`` (acknowledged or snoozed: stop repeating);
    ``ts`` is shop time.  The figures are the numbers behind the reason; ``members``
    lists a room episode's SKUs, so that one joining an episode already told is news.
    """

    id: str
    room: str
    sku: str | None
    level: str
    state: str
    reason: str
    ts: float
    available: int | None = None
    rate_per_min: float | None = None
    predicted_sellout_s: float | None = None
    threshold: float | None = None
    by: str | None = None
    members: tuple[str, ...] = ()  # a room episode's SKUs (a warning wave): a SKU joining is news

    @property
    def figures(self) -> dict:
        """The numbers, without the unset ones."""
        d = {"available": self.available, "rate_per_min": self.rate_per_min,
             "predicted_sellout_s": self.predicted_sellout_s, "threshold": self.threshold}
        return {k: v for k, v in d.items() if v is not None}


def item_from_transition(t: Any, room: str) -> NotifyItem | None:
    """The item for one alert transition, or None when it is no news (pending, recovering)."""
    state = _STATE_OF.get(t.state)
    if state is None:
        return None
    return NotifyItem(id=t.key, room=room, sku=t.sku, level=t.level, state=state, reason=t.reason, ts=t.ts,
                      available=t.available, rate_per_min=t.rate_per_min,
                      predicted_sellout_s=t.predicted_sellout_s, threshold=t.threshold, by=t.by)


def items_from_transitions(transitions: Iterable[Any], room: str) -> list[NotifyItem]:
    """Items for the transitions that are news; :class:`NotifyItem` inputs pass through."""
    out = []
    for t in transitions:
        it = t if isinstance(t, NotifyItem) else item_from_transition(t, room)
        if it is not None:
            out.append(it)
    return out


@dataclass
class Section:
    """One group's news in one post: a room and level, its firing and its resolved episodes.

    ``repeat`` marks a reminder for still-firing episodes (nothing new).
    """

    room: str
    level: str
    firing: list[NotifyItem]
    resolved: list[NotifyItem]
    repeat: bool = False

    def count(self) -> int:
        return len(self.firing) + len(self.resolved)


@dataclass
class Message:
    """What one post says: one or more sections, episodes left out (``more``), an escalation note."""

    sections: list[Section]
    more: int = 0  # episodes not shown (rate limit or size limit): "+N more"
    escalation: str | None = None  # "not acknowledged in 2 min" on an escalated message
    test: bool = False  # a "send test message" post

    def count(self) -> int:
        return sum(s.count() for s in self.sections) + self.more

    @property
    def resolved_only(self) -> bool:
        return all(not s.firing for s in self.sections) and any(s.resolved for s in self.sections)


def merge(messages: list[Message]) -> Message:
    """One message saying what all of ``messages`` say (rate-limited posts are merged)."""
    if len(messages) == 1:
        return messages[0]
    esc = [m.escalation for m in messages if m.escalation]
    return Message(sections=[s for m in messages for s in m.sections], more=sum(m.more for m in messages),
                   escalation="; ".join(dict.fromkeys(esc)) or None, test=all(m.test for m in messages))
