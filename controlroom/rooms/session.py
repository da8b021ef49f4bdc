"""A room of the list as the desk's session: the desk's interface over the room's state stream client.

The desk (``ui.bridge.SnapshotBridge``) reads ``snapshot``, ``receive()``, ``health``,
``silent_s``, ``history(sku)`` and sends intents with ``command``/``ack``/``snooze``/``confirm``.
:class:`RoomSession` answers them from a :class:`~controlroom.state.client.StateClient` that the
rooms overview already holds for the room — one client per room, read on the GUI thread by
whoever polls first; both see the same :attr:`~controlroom.state.client.StateClient.view`.
Intents become the stream's ``op`` requests; the engine applies them only for a key paired
as ``operator`` (a viewer's are refused and logged there).
"""
from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from controlroom.state.view import ViewSnapshot

log = logging.getLogger(__name__)

HISTORY_EVERY_S = 2.0  # charted SKUs' histories are asked again this often
WANT_FORGET_S = 5.0  # a SKU not charted for this long is no longer asked for


class RoomSession:
    """The desk's session interface on a room's state stream (no core in this process)."""

    def __init__(self, name: str, client: Any, settings: Any = None) -> None:
        self.name = name
        self.client = client
        self.settings = settings  # the room's settings live with its engine; the desk shows these defaults
        self.error: BaseException | None = None
        self._seen: ViewSnapshot | None = None
        self._want: dict[str, float] = {}
        self._last_hist_req = 0.0
        self.refused_settings = 0
        self.gc_pacer = None  # controlroom.live.gcpace.GcPacer: full collections right after the desk's redraws

    # --- what the bridge reads --------------------------------------------------------------------
    @property
    def snapshot(self) -> ViewSnapshot:
        """The room's newest snapshot."""
        return self.client.view

    def receive(self) -> bool:
        """Apply what arrived; True when the view is new since the last call (even if another poller read it)."""
        self.client.receive()
        now = time.monotonic()
        if self._want and now - self._last_hist_req >= HISTORY_EVERY_S:
            self._want = {k: t for k, t in self._want.items() if now - t < WANT_FORGET_S}
            self.client.request_history(sorted(self._want, key=self._want.get, reverse=True))
            self._last_hist_req = now
        view = self.client.view
        new = view is not self._seen
        self._seen = view
        return new

    @property
    def silent_s(self) -> float:
        """Seconds since the room's stream last sent anything."""
        return self.client.silent_s

    @property
    def health(self) -> str:
        """``ok`` while the stream is live (or still connecting), ``lost`` once it is silent (the desk says
        "connection lost"; there is no core here to restart)."""
        return "lost" if self.client.health == "lost" else "ok"

    def history(self, sku: str) -> tuple[np.ndarray, np.ndarray]:
        """(ts, available) of ``sku`` as last served; asking keeps it coming."""
        if sku not in self._want:
            self._last_hist_req = 0.0
        self._want[sku] = time.monotonic()
        return self.client.history(sku)

    def front_busy(self, busy: bool) -> None:
        """The desk started (True) or ended (False) a redraw: a paced full collection runs right after one."""
        p = self.gc_pacer
        if not busy and p is not None and p.due():
            p.collect()

    # --- intents -----------------------------------------------------------------------------------
    def command(self, op: str, sku: str, *, qty: int | None = None, weight: float | None = None,
                asked_at: float | None = None) -> None:
        """Ask the room's engine to send a command to its shop."""
        self.client.send_request("command", dict(op=op, sku=sku, qty=qty, weight=weight, asked_at=asked_at))

    def ack(self, key: str) -> None:
        """Acknowledge an alert."""
        self.client.send_request("ack", dict(key=key))

    def snooze(self, key: str, minutes: float) -> None:
        """Silence an alert for ``minutes`` of shop time."""
        self.client.send_request("snooze", dict(key=key, minutes=float(minutes)))

    def confirm(self, confirmation_id: str, accept: bool) -> None:
        """Answer an auto action that its tier wants confirmed."""
        self.client.send_request("confirm", dict(id=confirmation_id, accept=bool(accept)))

    def update_settings(self, settings: Any) -> None:
        """Not sent: the desk does not know the room's own settings, and editing defaults would overwrite them.

        A room's settings are its engine's ``--config`` (docs/deploy.md).
        """
        self.refused_settings += 1
        log.warning("room %s: settings are changed in the room engine's --config, not from a room view", self.name)

    def start(self) -> None:
        """Nothing to start: the client is the overview's."""

    def stop(self) -> None:
        """Nothing to stop: the client stays with the overview."""
