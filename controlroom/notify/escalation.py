"""Escalation: a critical episode not acknowledged within N minutes goes to the next on-call target, once.

The :class:`Escalator` only keeps time (the caller's clock) and says which episodes
are due; the notifier picks the first on-call target that is not down, sends the
episode there at once (no group wait), and tells the desk ("escalated to ...").
Acknowledging, snoozing or resolving the episode stops its clock; an episode is
escalated at most once.
"""
from __future__ import annotations

from controlroom.notify.item import NotifyItem


class Escalator:
    """Tracks unacknowledged firing episodes of the escalated levels."""

    def __init__(self, after_s: float = 120.0, levels: tuple[str, ...] = ("critical",)) -> None:
        self.after_s = after_s
        self.levels = levels
        self._waiting: dict[str, tuple[NotifyItem, float]] = {}  # id -> (latest item, firing since)
        self._escalated: set[str] = set()

    def add(self, item: NotifyItem, now: float) -> None:
        """Take one item: firing starts (or keeps) the clock; acked or resolved stops it."""
        if item.level not in self.levels:
            self._waiting.pop(item.id, None)  # an episode that stepped down from an escalated level
            return
        if item.state == "firing":
            if item.id in self._escalated:
                return
            since = self._waiting.get(item.id, (item, now))[1]
            self._waiting[item.id] = (item, since)
        else:
            self._waiting.pop(item.id, None)
            if item.state == "resolved":
                self._escalated.discard(item.id)  # a later episode under the same id may escalate again

    def next_due(self) -> float | None:
        return min((since + self.after_s for _it, since in self._waiting.values()), default=None)

    def due(self, now: float) -> list[tuple[NotifyItem, float]]:
        """Episodes to escalate now, with how long they waited; each only once."""
        out = []
        for i, (item, since) in list(self._waiting.items()):
            if now - since >= self.after_s:
                out.append((item, now - since))
                del self._waiting[i]
                self._escalated.add(i)
        return out
