"""Feed incidents: every feed row that is not a plain connected/live, with its length."""
from __future__ import annotations

from dataclasses import dataclass

LIVE_STATES = ("connected", "live", "ok")


@dataclass
class FeedIncident:
    """A feed row other than connected/live, with how long until the feed was live again."""

    ts: float
    state: str
    detail: str
    duration_s: float | None


def feed_incidents(rows: list[dict], segments: list[dict]) -> list[FeedIncident]:
    """Every feed row that is not a plain 'connected/live', with how long until live again.

    ``restart`` rows take their duration from the segment's recorded gap.
    """
    out: list[FeedIncident] = []
    gaps = [g.get("gap_s") for g in segments[1:]]
    restart_no = 0
    for i, r in enumerate(rows):
        st = r["state"]
        if st in LIVE_STATES:
            continue
        if st == "restart":
            gap = gaps[restart_no] if restart_no < len(gaps) else None
            restart_no += 1
            out.append(FeedIncident(r["ts"], st, r["detail"] or "", gap))
            continue
        dur = None
        if st in ("stale", "resync", "resyncing", "connecting", "disconnected", "down", "gap"):
            for r2 in rows[i + 1:]:
                if r2["state"] in LIVE_STATES:
                    dur = r2["ts"] - r["ts"]
                    break
                if r2["state"] == "restart":
                    break
        out.append(FeedIncident(r["ts"], st, r["detail"] or "", dur))
    return out
