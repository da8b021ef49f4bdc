"""A scripted traffic driver sold at an even rate (the engine's steady case, known by hand)."""
from __future__ import annotations

from controlroom.engine.scripted import Script
from controlroom.review.replay import replay
from controlroom.settings import Settings


def steady_driver(stock: int, per_min: float, end_s: float, changes: dict):
    """Replay one traffic driver, ``stock`` units, evenly spaced orders at ``per_min`` for ``end_s``
    seconds, with the settings ``changes``: ``(script, replay result)``."""
    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": stock}], viewers=10000)
    s.orders("A1", per_min=per_min, start_s=0, end_s=end_s)
    s.heartbeats(0, end_s, every_s=5)
    r = replay(s.snapshot(), s.events(), Settings().with_changes(changes), start_ts=s.ts(0), end_ts=s.ts(end_s),
               samples=False)
    return s, r
