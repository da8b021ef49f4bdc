"""Chatter: how often a SKU's shown level changes (``evaluate``'s table; see
:mod:`controlroom.review.evaluate_table` for the definitions)."""
from __future__ import annotations

from bisect import bisect_left

__all__ = ["SHOWN", "level_changes", "episode_level_changes"]

SHOWN = {"watch": 1, "warning": 2, "lost_sales": 3, "critical": 4}


def level_changes(transitions, duration_s: float) -> dict:
    """Chatter of one policy's transitions: per SKU the changes of its shown level (see module doc)."""
    on: dict[str, dict[str, int]] = {}  # sku -> {key: rank} of its firing/recovering alerts
    shown: dict[str, int] = {}
    changes: dict[str, list[tuple[float, int]]] = {}  # sku -> [(ts, new rank)]
    for t in transitions:
        g = t if isinstance(t, dict) else None
        sku = g["sku"] if g else t.sku
        level = g["level"] if g else t.level
        if sku is None or level not in SHOWN:
            continue
        state = g["state"] if g else t.state
        key = g["key"] if g else t.key
        act = on.setdefault(sku, {})
        if state in ("firing", "recovering"):
            act[key] = SHOWN[level]
        elif state == "resolved":
            act.pop(key, None)
        else:
            continue
        rank = max(act.values(), default=0)
        if rank != shown.get(sku, 0):
            shown[sku] = rank
            changes.setdefault(sku, []).append((float(g["ts"] if g else t.ts), rank))
    return _swings(changes)


def episode_level_changes(level_log, taken: dict | None = None) -> dict:
    """Chatter of what the operator is shown: the episodes' level changes (``EpisodeBook.level_log``:
    ``(ts, episode id, rank)``, rank 0 when an episode ends), per SKU (the grouped surge as one).

    ``taken`` (``EpisodeBook.taken``: episode id -> (ts, SKU)): a room row a SKU took in place at
    ts; its changes from then on are that SKU's, not the room's (else the SKU's warning and the
    room's next surge row would read as one subject swinging)."""
    changes: dict[str, list[tuple[float, int]]] = {}
    taken = taken or {}
    for ts, eid, rank in sorted(level_log, key=lambda x: x[0]):
        tk = taken.get(eid)
        subject = tk[1] if tk is not None and ts >= tk[0] else eid.split(":")[1]
        ch = changes.setdefault(subject, [])
        if not ch or ch[-1][1] != rank:
            ch.append((float(ts), rank))
    return _swings(changes)


def _swings(changes: dict[str, list[tuple[float, int]]]) -> dict:
    """Count changes, the most changes and swings (runs of one direction) of any SKU in 10 minutes."""
    n = sum(len(v) for v in changes.values())
    max_raw = max_swings = 0
    worst = None
    for sku, ch in changes.items():
        ts = [c[0] for c in ch]
        # swing starts: a change whose direction differs from the previous change's
        starts = []
        prev_rank, prev_dir = 0, 0
        for t, r in ch:
            d = 1 if r > prev_rank else -1
            if d != prev_dir:
                starts.append(t)
            prev_rank, prev_dir = r, d
        for i, t0 in enumerate(ts):
            raw = bisect_left(ts, t0 + 600.0) - i
            max_raw = max(max_raw, raw)
        for i, t0 in enumerate(starts):
            sw = bisect_left(starts, t0 + 600.0) - i
            if sw > max_swings:
                max_swings, worst = sw, sku
    return {"level_changes": n, "max_changes_10min": max_raw, "max_swings_10min": max_swings,
            "swing_sku": worst}
