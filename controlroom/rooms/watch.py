"""Watching several rooms from one thread: one StateClient per room, all polled by the caller's timer.

There is no thread per room: :meth:`RoomsWatch.poll` drains every room's sockets without
blocking (a few hundred microseconds per room when nothing came), so the GUI timer that
redraws the overview can call it.  All sockets are created, read and closed on the thread
that calls :meth:`poll` (ZeroMQ sockets are not thread-safe).

Failure stays local: a room whose engine dies only stops sending; its client reports
``lost`` after :data:`controlroom.state.client.LOST_AFTER_S` of silence and the other rooms
are read as before.  ZeroMQ reconnects by itself, and a restarted engine (new epoch) is taken
up again at its first snapshot, so nothing here is restarted by hand.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from controlroom.rooms.headline import Headline, headline
from controlroom.rooms.roomlist import RoomListError, RoomSpec
from controlroom.state.view import ViewSnapshot

log = logging.getLogger(__name__)

UNREACHABLE_AFTER_S = 3.0  # a room that never answered is "unreachable" after this long (not "connecting" forever)
ClientFactory = Callable[[RoomSpec], object]  # spec -> a StateClient-like object (receive, view, health, …)


def state_client(spec: RoomSpec):
    """A :class:`~controlroom.state.client.StateClient` for a room of the list."""
    from controlroom.state.client import StateClient

    return StateClient(spec.state, spec.router, curve=spec.curve())


@dataclass
class RoomConn:
    """One room being watched: its client, its newest headline and when its figures last changed."""

    spec: RoomSpec
    client: object | None
    error: str | None = None  # why there is no client (a missing key file, a bad endpoint)
    headline: Headline | None = None
    changed_at: list[float] = field(default_factory=list)  # monotonic times the room's view changed (bounded)
    lost_since: float | None = None  # monotonic time the stream was first seen lost (None while not lost)
    losses: int = 0  # times the room went from live to lost
    recoveries: int = 0  # times it came back live after being lost

    @property
    def view(self) -> ViewSnapshot:
        """The room's newest snapshot (empty before the first)."""
        return getattr(self.client, "view", None) or ViewSnapshot()


class RoomsWatch:
    """The rooms of a list, each with its own state stream client, read by :meth:`poll`."""

    KEEP_CHANGES = 600

    def __init__(self, specs: list[RoomSpec], factory: ClientFactory = state_client) -> None:
        self.factory = factory
        self.rooms: dict[str, RoomConn] = {}
        self.set_rooms(specs)

    def set_rooms(self, specs: list[RoomSpec]) -> None:
        """Watch exactly these rooms: new ones are connected, gone ones closed, unchanged ones kept."""
        keep = {s.name: s for s in specs}
        for name in list(self.rooms):
            if name not in keep or self.rooms[name].spec != keep[name]:
                self._close(self.rooms.pop(name))
        for spec in specs:
            if spec.name not in self.rooms:
                self.rooms[spec.name] = self._open(spec)
        self.rooms = {s.name: self.rooms[s.name] for s in specs}  # the list's order

    def _open(self, spec: RoomSpec) -> RoomConn:
        try:
            return RoomConn(spec, self.factory(spec))
        except (RoomListError, ValueError, OSError) as e:
            log.warning("room %s: %s", spec.name, e)
            return RoomConn(spec, None, error=str(e))
        except Exception as e:  # a bad endpoint (zmq.ZMQError) must not take the other rooms down
            log.warning("room %s: cannot connect: %s", spec.name, e)
            return RoomConn(spec, None, error=f"{type(e).__name__}: {e}")

    @staticmethod
    def _close(rc: RoomConn) -> None:
        if rc.client is not None:
            try:
                rc.client.close()
            except Exception:  # closing is best effort
                log.exception("room %s: close failed", rc.spec.name)

    def poll(self, now: float | None = None) -> list[str]:
        """Read every room once (never blocks); the names whose headline changed."""
        now = time.monotonic() if now is None else now
        changed = []
        for name, rc in self.rooms.items():
            if rc.client is None:
                if rc.headline is None:
                    rc.headline = dataclasses.replace(headline(name, rc.spec.label, ViewSnapshot(), "unreachable", 0.0),
                                                      error=rc.error or "")
                    changed.append(name)
                continue
            try:
                got = rc.client.receive()
            except Exception:  # one room's bad data never stops the others
                log.exception("room %s: receive failed", name)
                got = False
            if got:
                rc.changed_at.append(now)
                if len(rc.changed_at) > self.KEEP_CHANGES:
                    del rc.changed_at[: -self.KEEP_CHANGES]
            health = rc.client.health
            if health == "connecting" and rc.client.silent_s > UNREACHABLE_AFTER_S:
                health = "unreachable"  # nothing ever came: its engine is down, or the list points elsewhere
            if health == "lost" and rc.lost_since is None:
                rc.lost_since = now
                rc.losses += 1
                log.warning("room %s: connection lost", name)
            elif health == "live" and rc.lost_since is not None:
                rc.lost_since = None
                rc.recoveries += 1
                log.info("room %s: connection back", name)
            old = rc.headline
            why = rc.client.diagnosis or ""  # the socket monitor's line while nothing ever arrived
            if got or old is None or old.health != health or old.error != why:
                rc.headline = dataclasses.replace(
                    headline(name, rc.spec.label, rc.client.view, health, rc.client.silent_s), error=why)
                changed.append(name)
        return changed

    def headlines(self) -> list[Headline]:
        """Every room's newest headline, in the list's order."""
        return [rc.headline for rc in self.rooms.values() if rc.headline is not None]

    def intervals(self, name: str, since: float | None = None) -> list[float]:
        """Seconds between consecutive view changes of a room (those after ``since``, monotonic)."""
        ts = [t for t in self.rooms[name].changed_at if since is None or t >= since]
        return [b - a for a, b in zip(ts, ts[1:])]

    def close(self) -> None:
        """Close every room's sockets."""
        for rc in self.rooms.values():
            self._close(rc)
        self.rooms.clear()


def refresh_gaps(changed_at: list[float] | deque, start: float, end: float) -> float:
    """The longest time in [start, end] with no view change (how long a room's figures paused)."""
    ts = [start] + [t for t in changed_at if start < t < end] + [end]
    return max(b - a for a, b in zip(ts, ts[1:]))
