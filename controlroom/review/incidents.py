"""Feed incidents: every feed row that is not a plain connected/live, with its length.

A ``behind`` row is a backlog: the core was that far behind the shop (its clock reading, the live session
logs it from ``BEHIND_NOTED_S``); it lasts until the ``caught_up`` row (a live state: the feed never stopped;
not a state the replay gives the engine, which only hears connecting/live/stale/resyncing).

A ``drift`` row records a ``stock`` event that moved the mirror's count.  After one of our
own restocks the shop publishes the new stock, up by exactly the restocked quantity: that is
the command landing, a logged action, not drift, and the review does not count it (the live
desk sorts drifts the same way, ``SnapshotBuilder._classify_drifts``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

LIVE_STATES = ("connected", "live", "ok", "caught_up")
# "A1: mirror 10, shop 260 (+250)" (the feed client's detail); older rows wrote "A1 mirror 10 shop 260".
_DRIFT = re.compile(r"^\s*(?P<sku>.+?):?\s+mirror\s+(?P<had>-?\d+),?\s+shop\s+(?P<shop>-?\d+)")
RESTOCK_SLACK_S = 1.0  # a drift row logged this much before the restock's send time still counts as it landing


@dataclass
class FeedIncident:
    """A feed row other than connected/live, with how long until the feed was live again."""

    ts: float
    state: str
    detail: str
    duration_s: float | None


def parse_drift(detail: str | None) -> tuple[str, int] | None:
    """``(sku, shop - mirror)`` of a drift row's detail, or None if it does not say."""
    m = _DRIFT.match(detail or "")
    if m is None:
        return None
    return m.group("sku"), int(m.group("shop")) - int(m.group("had"))


def own_restocks(rows: list[dict], actions: Iterable[Any]) -> set[int]:
    """Indexes of the ``drift`` rows that one of our logged restocks explains.

    A restock explains a drift of its SKU up by exactly its quantity, logged after the
    command was sent (wall clock, both; ``sent_at``, else the decision ``ts``); each restock
    explains one drift.  A restock the shop refused (``ok`` false) explains nothing.
    """
    pool = [a for a in actions if a.op == "restock" and a.ok is not False and a.qty]
    used: set[int] = set()
    out: set[int] = set()
    for i, r in enumerate(rows):
        if r["state"] != "drift":
            continue
        d = parse_drift(r.get("detail"))
        if d is None:
            continue
        sku, delta = d
        for j, a in enumerate(pool):
            sent = a.sent_at if a.sent_at is not None else a.ts
            if (j not in used and a.sku == sku and a.qty == delta
                    and (sent is None or r["ts"] is None or sent <= r["ts"] + RESTOCK_SLACK_S)):
                used.add(j)
                out.add(i)
                break
    return out


def feed_incidents(rows: list[dict], segments: list[dict], actions: Iterable[Any] = ()) -> list[FeedIncident]:
    """Every feed row that is not a plain 'connected/live', with how long until live again.

    ``restart`` rows take their duration from the segment's recorded gap.  ``drift`` rows
    that a logged restock of ``actions`` explains are our own restocks landing: left out.
    """
    out: list[FeedIncident] = []
    gaps = [g.get("gap_s") for g in segments[1:]]
    restart_no = 0
    ours = own_restocks(rows, actions)
    for i, r in enumerate(rows):
        st = r["state"]
        if st in LIVE_STATES or i in ours:
            continue
        if st == "restart":
            gap = gaps[restart_no] if restart_no < len(gaps) else None
            restart_no += 1
            out.append(FeedIncident(r["ts"], st, r["detail"] or "", gap))
            continue
        dur = None
        if st in ("stale", "resync", "resyncing", "connecting", "disconnected", "down", "gap", "behind"):
            for r2 in rows[i + 1:]:
                if r2["state"] in LIVE_STATES:
                    dur = r2["ts"] - r["ts"]
                    break
                if r2["state"] == "restart":
                    break
        out.append(FeedIncident(r["ts"], st, r["detail"] or "", dur))
    return out
