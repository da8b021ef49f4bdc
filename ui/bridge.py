"""The single bridge between the core and the GUI thread.

The core (a thread, or its own process behind
:class:`~controlroom.live.process.RemoteSession`) swaps an immutable
:class:`~controlroom.state.view.ViewSnapshot` into ``session.snapshot`` ~10 times a
second.  The bridge pulls it on a QTimer
(15 Hz by default) and emits **one** ``snapshot`` signal per new snapshot —
never one signal per event.  User intents go back through the session's intent
methods (a thread-safe queue the core thread drains, or a non-blocking socket to
the core process); nothing here waits on a socket or the disk.

The bridge also keeps the little bookkeeping a view needs and the core does not
publish: which operator commands were just asked for and not yet seen in a
snapshot ("sending…"), and at which shop time a command was first seen (to mark
actions on the charts' shop-time axis).
"""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

DEFAULT_HZ = 15.0


@dataclass
class LocalCommand:
    """A command the operator asked for that the core has not reported yet."""

    token: int
    op: str
    sku: str
    qty: int | None
    weight: float | None
    asked_wall: float
    matched_id: str | None = None


class SnapshotBridge(QObject):
    """Pulls the session's snapshot on a timer; forwards intents to the session."""

    snapshot = Signal(object)  # ViewSnapshot, once per new version
    coreFailed = Signal(str)
    healthChanged = Signal(str)  # the core's health: ok | hung | stopped (see health)

    def __init__(self, session: Any, hz: float = DEFAULT_HZ, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.current = session.snapshot
        self._last_version = -1
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(max(10, int(1000 / hz)))
        self._timer.timeout.connect(self.tick)
        # Core in its own process: the tick decodes the newest state frame, and this zero-interval
        # timer applies it in the next event-loop task (two shorter tasks instead of one long one).
        self._apply = QTimer(self)
        self._apply.setSingleShot(True)
        self._apply.setInterval(0)
        self._apply.timeout.connect(self.pull)
        self._release = QTimer(self)  # zero-interval: fires once the posted paint requests are delivered
        self._release.setSingleShot(True)
        self._release.setInterval(0)
        self._release.timeout.connect(self._release_core)
        self._local: deque[LocalCommand] = deque(maxlen=200)
        self._token = 0
        self.command_shop_ts: OrderedDict[str, float] = OrderedDict()  # command id -> shop ts first seen
        self._core_failed = False
        self._health = "ok"
        self.pulls = 0
        self.emitted = 0
        self.last_refresh_ms = 0.0  # time spent in the slots of the last emitted snapshot

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._timer.start()
        self.pull()

    def stop(self) -> None:
        self._timer.stop()
        self._apply.stop()

    def tick(self) -> None:
        """What the timer does: pull; or, for a core in its own process, receive now and apply next."""
        receive = getattr(self.session, "receive", None)
        if receive is None:
            self.pull()
        elif receive() or getattr(self.session, "error", None) is not None:
            self._apply.start()
        health = self.health  # after receive(): a frame that just arrived counts
        if health != self._health:
            self._health = health
            self.healthChanged.emit(health)

    @property
    def health(self) -> str:
        """``ok``, ``hung`` (a core process that stopped sending) or ``stopped`` (exited or failed)."""
        h = getattr(self.session, "health", None)
        if h is not None:
            return h
        return "stopped" if getattr(self.session, "error", None) is not None else "ok"

    @property
    def silent_s(self) -> float | None:
        """Seconds since the core last sent anything (a core process only)."""
        return getattr(self.session, "silent_s", None)

    def can_restart(self) -> bool:
        return hasattr(self.session, "restart")

    def restart_core(self) -> None:
        """Kill the core process and start a fresh one (blocks until its first frame)."""
        self.session.restart()
        self._core_failed = False
        self._last_version = -1
        self.pull(force=True)

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    # --- the pull ------------------------------------------------------------------------------
    def pull(self, force: bool = False) -> bool:
        """Read the current snapshot; emit it if it is new (or ``force``).  Returns True if emitted."""
        self.pulls += 1
        err = getattr(self.session, "error", None)
        if err is not None and not self._core_failed:
            self._core_failed = True
            self.coreFailed.emit(repr(err))
        snap = self.session.snapshot
        if snap.version == self._last_version and not force:
            return False
        self._last_version = snap.version
        self.current = snap
        self._track_commands(snap)
        busy = getattr(self.session, "front_busy", None)
        if busy is not None:
            busy(True)  # the core stands back (bounded) until refresh_done: see LiveSession.front_busy
        t0 = time.perf_counter()
        self.snapshot.emit(snap)
        self.last_refresh_ms = (time.perf_counter() - t0) * 1000.0
        self.emitted += 1
        return True

    def refresh_done(self, *_args) -> None:
        """The views applied the snapshot: release the core once the paints they posted are done."""
        if getattr(self.session, "front_busy", None) is not None:
            self._release.start()

    def _release_core(self) -> None:
        self.session.front_busy(False)

    def _track_commands(self, snap) -> None:
        seen = self.command_shop_ts
        for c in snap.commands:
            if c.id in seen:
                break  # newest first: everything after this was seen before
            seen[c.id] = snap.ts
        while len(seen) > 2000:
            seen.popitem(last=False)
        # Match local "sending…" entries to the records the core now reports.
        if not self._local:
            return
        claimed = {lc.matched_id for lc in self._local if lc.matched_id}
        for lc in self._local:
            if lc.matched_id is not None:
                continue
            for c in reversed(snap.commands):  # oldest first
                if (c.id not in claimed and c.op == lc.op and c.sku == lc.sku and c.origin == "operator"
                        and c.created_ts >= lc.asked_wall - 1.0):
                    lc.matched_id = c.id
                    claimed.add(c.id)
                    break
        now = time.time()
        while self._local and (self._local[0].matched_id is not None or now - self._local[0].asked_wall > 30):
            self._local.popleft()

    def pending_local(self, sku: str | None = None) -> list[LocalCommand]:
        """Operator commands asked for but not yet reported by the core (newest first)."""
        return [lc for lc in reversed(self._local) if lc.matched_id is None and (sku is None or lc.sku == sku)]

    # --- intents ---------------------------------------------------------------------------------
    def command(self, op: str, sku: str, *, qty: int | None = None, weight: float | None = None) -> None:
        self._token += 1
        now = time.time()
        self._local.append(LocalCommand(self._token, op, sku, qty, weight, now))
        # asked_at: the deadline counts from the press, even if the intent waits in a hung core.
        self.session.command(op, sku, qty=qty, weight=weight, asked_at=now)

    def ack(self, key: str) -> None:
        self.session.ack(key)

    def snooze(self, key: str, minutes: float) -> None:
        self.session.snooze(key, minutes)

    def confirm(self, confirmation_id: str, accept: bool) -> None:
        self.session.confirm(confirmation_id, accept)

    def update_settings(self, settings: Any) -> None:
        self.session.update_settings(settings)

    @property
    def settings(self) -> Any:
        return self.session.settings

    def history(self, sku: str):
        return self.session.history(sku)
