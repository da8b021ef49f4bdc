"""Immutable view snapshots: what the core publishes for front ends to read.

The core thread builds a new :class:`ViewSnapshot` a few times a second and
swaps it in atomically (a single attribute assignment); the GUI thread reads
whatever snapshot is current on its own timer.  Nothing in here is ever
mutated after construction, so no lock is needed to read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

LEVELS = ("ok", "watch", "warning", "critical")
LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}


@dataclass(frozen=True, slots=True)
class SkuView:
    """One SKU as the desk shows it."""

    sku: str
    name: str
    tier: str
    price_cents: int
    available: int
    frozen: bool
    delisted: bool = False
    sold: int = 0  # net units sold this session (orders minus cancels)
    rate_per_min: float = 0.0  # predicted order rate now, units/min
    window_min: float = 30.0  # forecast window of the SKU's tier
    predicted_sales: float = 0.0  # expected units sold in the window
    predicted_hi: float = 0.0  # upper band of the same
    sellout_s: float | None = None  # expected seconds to sell-out (None = not in sight)
    sellout_pessimistic_s: float | None = None
    warning_line: float = 0.0
    safety_stock: float = 0.0
    level: str = "ok"  # one of LEVELS
    cart_rate_per_min: float = 0.0
    featured: bool = False
    spark: tuple[float, ...] = ()  # available stock, last 30 minutes, oldest first

    @property
    def sold_out(self) -> bool:
        return self.available <= 0


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert (firing, pending, recovering, or in history)."""

    key: str  # stable id of this alert instance
    sku: str | None  # None for room-level alerts (feed)
    level: str  # watch | warning | critical | feed | lost_sales
    state: str  # pending | firing | recovering | resolved
    since_ts: float
    reason: str
    available: int | None = None
    rate_per_min: float | None = None
    predicted_sellout_s: float | None = None
    threshold: float | None = None
    acked: bool = False
    snoozed_until: float | None = None
    ended_ts: float | None = None


@dataclass(frozen=True, slots=True)
class EpisodeView:
    """One problem as the operator sees it: an *episode* (see ``controlroom.alerts.episodes``).

    ``id`` stays the same from the first alert to the end; ``sku`` is the SKU, or None for a
    room-level episode (feed, or a surge grouped over ``group``'s SKUs); ``level`` is the shown
    level (watch | warning | lost_sales | critical | frozen_with_stock | feed), held against
    chatter; ``state`` is firing (an alert behind it fires), recovering (all cleared, still
    shown) or resolved; ``reason`` is the rule and the figures that crossed it (of the alert
    that sets the level); ``unsteady`` marks a SKU whose level flapped and is held high.
    """

    id: str
    sku: str | None
    level: str
    state: str
    reason: str
    start_ts: float
    end_ts: float | None = None
    group: tuple[str, ...] = ()
    unsteady: bool = False
    alert_key: str | None = None  # the alert behind the shown level (what ack/snooze act on)
    available: int | None = None
    rate_per_min: float | None = None
    predicted_sellout_s: float | None = None
    threshold: float | None = None
    acked: bool = False
    level_changes: int = 0  # shown level changes so far in this episode


@dataclass(frozen=True, slots=True)
class CommandView:
    """The fate of one command sent to the shop."""

    id: str
    op: str
    sku: str
    qty: int | None
    origin: str  # operator | auto
    by: str
    state: str  # queued | sent | acked | rejected | failed | unknown (no answer yet, the shop decides)
    created_ts: float  # wall clock
    rtt_ms: float | None = None
    error: str | None = None
    attempts: int = 0
    deadline: float | None = None  # wall clock: the shop refuses it unapplied after this


@dataclass(frozen=True, slots=True)
class FeedView:
    """The feed's health."""

    state: str = "connecting"  # connecting | live | stale | resyncing
    epoch: str | None = None
    seq: int = 0
    last_gap: str | None = None
    last_drift: str | None = None  # the feed client's: any stock event that moved the mirror (restocks too)
    drift: str | None = None  # the last stock change that none of our own restocks explains
    restocks_seen: int = 0  # stock events that were our restock commands landing
    events: int = 0
    rejects: int = 0
    resyncs: int = 0
    gaps: int = 0
    last_message_age_s: float | None = None
    # Shop seconds the core is behind the shop at its last clock reading (feed/client.py); None: not measured.
    behind_s: float | None = None


@dataclass(frozen=True, slots=True)
class PromptView:
    """What the operator wants the host to say: shown large on the host view until cleared.

    ``preset`` names a one-click prompt (``restock``, ``move_on``, ``push_cart``) that each
    view words in its own language with ``arg`` (minutes, item number); ``text`` is the
    operator's own words (shown as typed).  ``by`` is the sender's name from its
    authenticated key, never from the request.
    """

    id: str
    text: str
    by: str
    ts: float  # shop clock when it was sent
    preset: str | None = None
    arg: int | None = None


@dataclass(frozen=True, slots=True)
class ViewSnapshot:
    """Everything a front end needs for one frame."""

    version: int = 0
    ts: float = 0.0  # shop clock of the last event
    started_ts: float = 0.0
    room: str = ""
    viewers: int = 0
    featured: str | None = None
    gmv_cents: int = 0
    units: int = 0
    orders: int = 0
    feed: FeedView = field(default_factory=FeedView)
    command_channel: str = "idle"  # idle | ok | retrying | down
    skus: tuple[SkuView, ...] = ()
    alerts: tuple[AlertView, ...] = ()  # active (pending/firing/recovering), most severe first
    episodes: tuple[EpisodeView, ...] = ()  # open episodes (what the operator is shown), most severe first
    history: tuple[AlertView, ...] = ()  # resolved, newest first (bounded)
    commands: tuple[CommandView, ...] = ()  # newest first (bounded)
    room_series: tuple[tuple[float, int, float], ...] = ()  # (ts, viewers, orders/min), last 30 minutes
    featured_periods: tuple[tuple[float, float | None, str], ...] = ()  # (start, end or None, sku)
    confirmations: tuple[dict, ...] = ()  # auto actions a tier wants the operator to confirm
    settings_version: int = 0
    prompt: PromptView | None = None  # the operator's prompt to the host (None = none showing)
    lost_units: float = 0.0  # estimated units not sold while SKUs were sold out or frozen (controlroom.live.lost)
    lost_cents: int = 0  # the same in money
    host_prompts: bool = True  # host views prompt by themselves at critical stock and sell-out ("host" channel)
    notify: tuple[dict, ...] = ()  # notification targets and latest notices (controlroom.notify.Notifier.desk_view)

    def held_frozen(self) -> frozenset[str]:
        """SKUs the engine holds frozen with stock left (an active ``frozen_with_stock`` alert).

        While auto-freeze sells a lot's last units in measured pulses, the shop's own ``frozen``
        flag is off for a second at a time; the engine still holds the SKU (it re-freezes it and
        its frozen-with-stock episode stays open), so every screen shows it frozen throughout
        rather than flickering to a green "ok" with a sell-out seconds away.
        """
        return frozenset(a.sku for a in self.alerts
                         if a.level == "frozen_with_stock" and a.sku and a.state in ("firing", "recovering"))

    def firing_counts(self) -> dict[str, int]:
        """Number of firing alerts per level."""
        counts: dict[str, int] = {}
        for a in self.alerts:
            if a.state in ("firing", "recovering"):
                counts[a.level] = counts.get(a.level, 0) + 1
        return counts
