"""A room's headline: the four figures a supervisor scans across rooms, from one ViewSnapshot."""
from __future__ import annotations

from dataclasses import dataclass

from controlroom.alerts.state import SEVERITY
from controlroom.state.view import ViewSnapshot

FIRING = ("firing", "recovering")


@dataclass(frozen=True, slots=True)
class Headline:
    """What the rooms overview shows for one room (immutable; a new one per refresh that changed something)."""

    name: str
    label: str
    health: str  # the state stream: connecting | live | lost | unreachable (never answered)
    feed: str  # the room's shop feed: connecting | live | stale | resyncing ("" until the first snapshot)
    worst_level: str | None  # most severe firing alert: feed | critical | lost_sales | warning | watch
    worst_sku: str | None
    worst_reason: str
    firing: int  # firing alerts in all
    frozen_with_stock: int  # frozen SKUs that still have units to sell
    lost_units: float
    lost_cents: int
    gmv_cents: int
    ts: float  # shop clock of the room's last event
    silent_s: float  # seconds since the room's stream last sent anything
    error: str = ""  # why the room cannot be watched at all (a missing key file, a bad endpoint)

    @property
    def state(self) -> str:
        """One word for the row: lost (the stream stopped), unreachable, connecting, or the shop feed's state."""
        if self.health in ("lost", "unreachable", "connecting"):
            return self.health
        return self.feed or "connecting"


def worst_alert(snap: ViewSnapshot):
    """The most severe firing alert of a snapshot (None when nothing fires)."""
    firing = [a for a in snap.alerts if a.state in FIRING]
    return min(firing, key=lambda a: (SEVERITY.get(a.level, 9), a.since_ts)) if firing else None


def headline(name: str, label: str, snap: ViewSnapshot, health: str, silent_s: float) -> Headline:
    """The headline of room ``name`` from its newest snapshot and its stream's health."""
    w = worst_alert(snap)
    held = snap.held_frozen()  # a SKU opened in an auto-freeze pulse counts as frozen throughout
    return Headline(
        name=name, label=label, health=health, feed=snap.feed.state if snap.version or snap.room else "",
        worst_level=w.level if w else None, worst_sku=w.sku if w else None, worst_reason=w.reason if w else "",
        firing=sum(1 for a in snap.alerts if a.state in FIRING),
        frozen_with_stock=sum(1 for v in snap.skus if (v.frozen or v.sku in held) and v.available > 0
                              and not v.delisted),
        lost_units=snap.lost_units, lost_cents=snap.lost_cents, gmv_cents=snap.gmv_cents, ts=snap.ts,
        silent_s=silent_s)
