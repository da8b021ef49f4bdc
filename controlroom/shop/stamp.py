"""Stamping events with protocol v1's envelope: v, epoch, seq, ts, room."""
from __future__ import annotations

import os
import time
from typing import Callable

from controlroom.protocol import PROTOCOL_VERSION


def new_epoch() -> str:
    """A fresh epoch id: unique per publisher start (time prefix for readability)."""
    return f"{int(time.time()):x}-{os.urandom(4).hex()}"


class Stamper:
    """Gives every event the next ``seq`` of this epoch (shared by all topics).

    One stamper per publisher start. ``clock`` is the shop clock (unix seconds);
    a simulator passes its own accelerated clock.
    """

    __slots__ = ("room", "epoch", "seq", "clock")

    def __init__(self, room: str, clock: Callable[[], float] = time.time, epoch: str | None = None) -> None:
        self.room = room
        self.epoch = epoch or new_epoch()
        self.seq = 0
        self.clock = clock

    def stamp(self, fields: dict, ts: float | None = None) -> dict:
        """Add the envelope to ``fields`` in place and return it."""
        self.seq += 1
        fields["v"] = PROTOCOL_VERSION
        fields["epoch"] = self.epoch
        fields["seq"] = self.seq
        fields["ts"] = self.clock() if ts is None else ts
        fields["room"] = self.room
        return fields
