"""What the owner of a :class:`~controlroom.feed.client.FeedClient` hears: accepted events (as dicts or,
on the hot path, as a column batch), snapshots adopted, the shop's clock, refusals and state changes."""
from __future__ import annotations

from controlroom.feed.batch import EventBatch

__all__ = ["FeedListener"]


class FeedListener:
    """What the owner of a :class:`FeedClient` hears. Override what you need."""

    def on_events(self, events: list[dict], received_at: float) -> None:
        """Accepted events, in seq order (a batch, never one call per event)."""

    def on_batch(self, batch: EventBatch, received_at: float) -> None:
        """A whole feed message of accepted orders or cart changes, as columns (the hot path).

        By default the same as :meth:`on_events` with the batch's events as dicts; a listener
        that reads the columns (the live session) overrides it and builds no dict at all."""
        # The base class's on_events ignores them: then build no dicts (a subclass's method or an
        # instance's own callable gets them).
        if getattr(self.on_events, "__func__", None) is not FeedListener.on_events:
            self.on_events(batch.events(), received_at)

    def on_reset(self, snapshot: dict, received_at: float) -> None:
        """A snapshot was adopted; the mirror now reflects it."""

    def on_reject(self, received_at: float, reason: str, raw: bytes) -> None:
        """A message or event was refused (``raw`` is truncated)."""

    def on_clock(self, behind_s: float, behind_events: int, received_at: float) -> None:
        """The shop told its clock: the events applied so far are ``behind_s`` shop seconds (``behind_events``
        events) behind it (0 when caught up, up to the shop's own step)."""

    def on_feed_state(self, state: str, detail: str, received_at: float) -> None:
        """State change (connecting/live/stale/resyncing) or incident (gap/drift/epoch)."""
