"""What the host view shows, decided from one ViewSnapshot and the stream's health (no Qt, no drawing).

The host view decides nothing about stock: the level, the sell-out time and the
frozen flag are the engine's.  It only picks the featured SKU (the engine's
``featured``, else the most urgent), the next few SKUs, the banner, and the prompt:
the operator's when one is up, else an automatic one at critical stock or sold out.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from controlroom.state.view import PromptView, SkuView, ViewSnapshot

NEXT_COUNT = 4  # SKUs shown beneath the featured one


@dataclass(frozen=True)
class HostState:
    """One frame of the host view."""

    health: str  # connecting | live | lost (the stream's health signal)
    silent_s: float = 0.0  # seconds since the last frame
    diagnosis: str | None = None  # why nothing arrives yet (the stream client's socket monitor), one line
    featured: SkuView | None = None
    next: tuple[SkuView, ...] = ()
    banner: str | None = None  # sold_out | frozen | None
    prompt: PromptView | None = None  # the operator's
    auto_prompt: str | None = None  # critical | sold_out (when no operator prompt is up)
    room: str = ""
    wanted_room: str | None = None  # --room: another room's stream is not shown
    seq: int = -1  # the stream's seq of this frame
    feed_seq: int = 0  # the shop feed's seq the engine had applied (the session log's seq)
    ts: float = 0.0  # shop clock of the last event in it

    @property
    def covered(self) -> bool:
        """True when nothing but the connection notice may show (lost, connecting, another room)."""
        return self.health != "live" or (self.wanted_room is not None and self.room != self.wanted_room)


def pick_featured(view: ViewSnapshot) -> SkuView | None:
    """The featured SKU, else the most urgent one on sale (the stream's order is urgency first)."""
    for s in view.skus:
        if s.featured or (view.featured is not None and s.sku == view.featured):
            return s
    for s in view.skus:
        if not s.delisted:
            return s
    return None


def host_state(view: ViewSnapshot, health: str, *, silent_s: float = 0.0, seq: int = -1, diagnosis: str | None = None,
               wanted_room: str | None = None) -> HostState:
    """The frame to draw for ``view`` as received, with the stream's ``health``."""
    feat = pick_featured(view)
    nxt = tuple(s for s in view.skus if s is not feat and not s.delisted and s.available > 0)[:NEXT_COUNT]
    if feat is not None and not feat.frozen and feat.available > 0 and feat.sku in view.held_frozen():
        # Opened for a second in an auto-freeze pulse: still frozen for the host, not "selling" and back.
        feat = replace(feat, frozen=True)
    banner = None
    auto = None
    if feat is not None:
        if feat.available <= 0:
            banner, auto = "sold_out", "sold_out"
        elif feat.frozen:
            banner = "frozen"
        elif feat.level == "critical":
            auto = "critical"
    if not view.host_prompts:  # the room's settings keep the host channel off for critical alerts
        auto = None
    return HostState(health=health, silent_s=silent_s, diagnosis=diagnosis, featured=feat, next=nxt, banner=banner,
                     prompt=view.prompt,
                     auto_prompt=None if view.prompt is not None else auto, room=view.room,
                     wanted_room=wanted_room, seq=seq, feed_seq=view.feed.seq, ts=view.ts)
