"""Runs of logged events as columns: what the session-log reader hands the replay for fast paths.

Lives in the log package because the block reader (:mod:`controlroom.log.blocks`) builds them;
the replay (:mod:`controlroom.review.replay`) consumes them.
"""
from __future__ import annotations

from typing import Callable

__all__ = ["ColumnRun"]


class ColumnRun:
    """A run of consecutive ``order`` or ``cart`` events (at least 4) as columns.

    ``cols`` has the layout of ``feed.validate.check_batch`` (what ``StockMirror.apply_columns``
    and the engine's batch path take); the envelope columns ``v``, ``epoch``, ``seq`` and
    ``room`` may be ``None``, as neither the mirror nor the engine reads them.  Whoever builds
    one vouches that every event of the run has every field of that layout (so the dict path
    would have taken the columns too) and that the values are the events' own.
    ``load()`` returns the same events as dicts; it is called only where the replay needs
    them one by one (a run the mirror's batch path refuses, shop-seconds out of order).
    Iterating a run yields those dicts.
    ``typed``: the builder vouches too that every SKU and order id is a ``str`` and every quantity
    and price an ``int`` (a stored block's row, which msgspec decoded into those types), so the
    mirror does not check the types again (``StockMirror.apply_columns(..., typed=True)``).
    """

    __slots__ = ("topic", "cols", "_load", "_events", "typed")

    def __init__(self, topic: str, cols: tuple, load: Callable[[], list[dict]], typed: bool = False) -> None:
        self.topic = topic
        self.cols = cols
        self._load = load
        self._events: list[dict] | None = None
        self.typed = typed

    def __len__(self) -> int:
        return len(self.cols[3])

    def events(self) -> list[dict]:
        """The run's events as dicts (loaded once, on first use)."""
        if self._events is None:
            self._events = self._load()
        return self._events

    def __iter__(self):
        return iter(self.events())

    def part(self, i: int, j: int, cols: tuple) -> "ColumnRun":
        """Events ``i:j`` of this run, whose columns are ``cols``; their dicts still loaded lazily."""
        return ColumnRun(self.topic, cols, lambda: self.events()[i:j], self.typed)
