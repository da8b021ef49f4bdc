"""What the operator was shown: a logged session's episodes, rebuilt from its alert transitions.

The log keeps every alert transition, not the episodes (:mod:`controlroom.alerts.episodes`)
the desk showed.  The episode book reads nothing but transitions and their shop time, so
feeding it the logged transitions tick by tick rebuilds the episodes: each group of
transitions at its own time, and an empty tick at every whole shop-second in between (the
book's pending, hold and quiet times run on ticks, as in the engine, which ticks once a
shop-second).  A replay (:class:`~controlroom.review.replay.Replayer`) ticks at whole
seconds, so its transitions rebuild exactly its engine's episodes (tested); a live log's ticks
fall at the first event of each second, so a timer may end up to a second apart.
"""
from __future__ import annotations

import math
from itertools import groupby
from typing import Any, Iterable

from controlroom.alerts.episodes import EpisodeBook
from controlroom.alerts.transition import AlertTransition

__all__ = ["shown_episodes"]

_FIELDS = ("key", "ts", "sku", "level", "state", "reason", "available", "rate_per_min", "predicted_sellout_s",
           "threshold", "by", "until")


def _transition(t: Any) -> AlertTransition:
    if isinstance(t, AlertTransition):
        return t
    r = {k: t.get(k) for k in _FIELDS}
    if r["key"] is None:  # migrated v0 rows had no key: one instance per SKU and level
        r["key"] = f"{r['sku']}:{r['level']}"
    return AlertTransition(**r)


def shown_episodes(transitions: Iterable[Any], engine_settings, end_ts: float | None = None) -> EpisodeBook:
    """The episode book after the session's ``transitions`` (dict rows or ``AlertTransition``s, in
    log order), ticked on to ``end_ts`` (the show's end) so pending and quiet times run out."""
    book = EpisodeBook(engine_settings, history_max=0)
    trans = sorted((_transition(t) for t in transitions), key=lambda t: t.ts)  # stable: log order within a ts
    next_tick: float | None = None
    for ts, group in groupby(trans, key=lambda t: t.ts):
        if next_tick is None:
            next_tick = math.floor(ts) + 1.0
        while next_tick < ts:
            book.update((), next_tick)
            next_tick += 1.0
        book.update(list(group), ts)
        if next_tick == ts:
            next_tick += 1.0
    if next_tick is not None and end_ts is not None:
        while next_tick <= end_ts:
            book.update((), next_tick)
            next_tick += 1.0
    return book
