"""A backlog in the session log: one ``behind`` feed incident per stretch the core is behind the shop.

From the feed client's clock readings (:mod:`controlroom.feed.shop_clock`): a reading of
:data:`BEHIND_NOTED_S` or more opens the incident (how far and by how many events), one under
:data:`CAUGHT_UP_S` ends it with a ``caught_up`` row (how far at worst).  The manager's review counts it
with its length (:mod:`controlroom.review.incidents`); a replay gives neither row to the engine.
"""
from __future__ import annotations

from controlroom.feed.shop_clock import BEHIND_NOTED_S, CAUGHT_UP_S

__all__ = ["BacklogRows"]


class BacklogRows:
    """Turns clock readings into the session log's ``behind`` / ``caught_up`` feed rows."""

    def __init__(self) -> None:
        self.peak: float | None = None  # how far behind the shop at worst, while a backlog lasts

    def reading(self, behind_s: float, behind_events: int) -> tuple[str, str] | None:
        """The feed row (state, detail) this reading starts or ends, or None."""
        if self.peak is None:
            if behind_s >= BEHIND_NOTED_S:
                self.peak = behind_s
                return "behind", f"{behind_s:.1f} s ({behind_events} events) behind the shop"
        elif behind_s < CAUGHT_UP_S:
            peak, self.peak = self.peak, None
            return "caught_up", f"caught up with the shop (at worst {peak:.1f} s behind)"
        elif behind_s > self.peak:
            self.peak = behind_s
        return None
