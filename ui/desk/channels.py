"""The desk's alert channels per level: sound, desktop notification, the host view's prompt.

The settings say, per level (``notify.<level>_channels``), where an alert goes:
the desk's panel (always), ``sound``, ``desktop``, ``host`` and ``webhook`` (the
core's notifier posts those).  :class:`DeskChannels` reads each snapshot's open
*episodes* (one per problem, ``controlroom.alerts.episodes``; not the raw alerts, so a
SKU whose alert flaps sounds once) and acts on the ones that are new or went up a level
(a step down is no news; a SKU newly listed in the room's warning wave is news too: its
warning sounds once, though the panel shows one row):

* sound — the level's own sound once; a critical alert that is neither acknowledged
  nor snoozed repeats its sound every :data:`CRITICAL_REPEAT_MS` until it is;
* desktop — a freedesktop notification (:class:`~controlroom.notify.desktop.DesktopNotifier`)
  with the SKU and the one-line reason; clicking it emits :attr:`DeskChannels.jumpToSku`;
  it is withdrawn once the alert is acknowledged, snoozed or resolved;
* host — :attr:`DeskChannels.hostPrompt` with a :class:`HostPrompt` (critical low stock,
  sold out) for the host view to show; :attr:`DeskChannels.hostPromptCleared` when it
  should go away.

An acknowledged or snoozed alert stops repeating here as it does in the notifier
(which receives the same ack/snooze as an ``acked`` item).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ui import fmt
from ui.desk.episode_model import rows_from

CRITICAL_REPEAT_MS = 3000  # a repeating critical sound every 3 s while unacknowledged
DEFAULT_CHANNELS = {"watch": ("panel",), "warning": ("panel", "sound"),
                    "critical": ("panel", "sound", "desktop", "host", "webhook"),
                    "lost_sales": ("panel", "sound", "webhook"), "feed": ("panel", "sound", "desktop", "webhook"),
                    "frozen_with_stock": ("panel", "webhook")}
HOST_LEVELS = ("critical", "lost_sales")  # the host view prompts for critical low stock and sold out
# Severity of a shown level (as controlroom.alerts.episodes.RANK): an episode going up is news.
RANK = {"watch": 1, "warning": 2, "lost_sales": 3, "critical": 4, "frozen_with_stock": 4, "feed": 4}


@dataclass(frozen=True)
class HostPrompt:
    """What the host view may show for one episode (``key``: its id): ``kind`` is ``low_stock`` or ``sold_out``."""

    key: str
    sku: str
    kind: str
    level: str
    reason: str
    available: int | None


def channels_for(settings, level: str) -> tuple[str, ...]:
    """The channels configured for ``level`` (the defaults without settings)."""
    ns = getattr(settings, "notify", None)
    chans = getattr(ns, f"{level}_channels", None) if ns is not None else None
    return tuple(chans) if chans is not None else DEFAULT_CHANNELS.get(level, ("panel",))


def is_quiet(a, now_ts: float) -> bool:
    """Acknowledged or snoozed: no more repeats on any channel."""
    return a.acked or (a.snoozed_until is not None and a.snoozed_until > now_ts)


class DeskChannels(QObject):
    """Routes each new alert to the channels its level is configured for."""

    jumpToSku = Signal(str)  # a desktop notification was clicked
    hostPrompt = Signal(object)  # HostPrompt
    hostPromptCleared = Signal(str)  # alert key
    _clicked = Signal(str)  # from the D-Bus thread, delivered queued on the GUI thread

    def __init__(self, sound, desktop=None, parent=None) -> None:
        super().__init__(parent)
        self.sound = sound
        self.desktop = desktop
        self.settings = None
        self._seen: dict[str, str] = {}  # open episodes already routed -> the level they were routed at
        self._desktop_keys: dict[str, str] = {}  # alert key -> sku (for a click)
        self._host_keys: set[str] = set()
        self._repeating: set[str] = set()  # unacknowledged critical alerts whose sound repeats
        self._quieted: set[str] = set()  # routed, then acknowledged or snoozed (a snooze may run out)
        self._members: dict[str, frozenset] = {}  # room-wide warning rows -> the SKUs already told
        self.repeat = QTimer(self)
        self.repeat.setInterval(CRITICAL_REPEAT_MS)
        self.repeat.timeout.connect(self._repeat)
        self._clicked.connect(self._on_click, Qt.ConnectionType.QueuedConnection)
        if desktop is not None:
            desktop.on_action = self._clicked.emit

    # --- per snapshot ------------------------------------------------------------------------------
    def update_from(self, snap, settings=None) -> None:
        """Act on the episodes of one snapshot (new, or up a level: routed; ended: withdrawn)."""
        if settings is not None:
            self.settings = settings
        firing = {}
        for a in rows_from(snap):
            if a.state in ("firing", "recovering"):
                firing[a.key] = a
        for key, a in firing.items():
            quiet = is_quiet(a, snap.ts)
            told = self._seen.get(key)
            up = told is not None and RANK.get(a.level, 1) > RANK.get(told, 1)
            # A SKU joining the room's warning wave is a new SKU below its warning line: its row is
            # the wave's (one problem on the panel), but its warning still sounds once.
            joined = False
            if a.sku is None and a.group:
                members = self._members.get(key, frozenset())
                if not members.issuperset(a.group):  # (checked per refresh: no set built unless it grew)
                    self._members[key] = members.union(a.group)
                    joined = a.level == "warning" and a.state == "firing" and told is not None
            if (told is None and a.state == "firing") or up or joined:
                self._seen[key] = a.level
                self._quieted.discard(key)
                if not quiet:
                    self._route(a)
            elif told is not None and a.level != told:
                self._seen[key] = a.level  # stepped down: nothing to tell, and its urgent channels end
                self._withdraw(key)
            if quiet or a.level != "critical":
                self._stop_repeat(key)
            if quiet:
                self._quieted.add(key)
                self._withdraw(key)
            elif key in self._quieted:  # the snooze ran out: the critical sound repeats again
                self._quieted.discard(key)
                if a.level == "critical" and "sound" in channels_for(self.settings, a.level):
                    self._repeating.add(key)
                    self.repeat.start()
        for key in list(self._seen):
            if key not in firing:  # ended (or gone): nothing more on any channel
                del self._seen[key]
                self._members.pop(key, None)
                self._quieted.discard(key)
                self._stop_repeat(key)
                self._withdraw(key)

    def _route(self, a) -> None:
        chans = channels_for(self.settings, a.level)
        if "sound" in chans:
            self.sound.play(a.level)
            if a.level == "critical":
                self._repeating.add(a.key)
                if not self.repeat.isActive():
                    self.repeat.start()
        if "desktop" in chans and self.desktop is not None:
            self._desktop_keys[a.key] = a.sku or ""
            self.desktop.notify(a.key, self.summary(a), a.reason, urgency="critical" if a.level in (
                "critical", "feed") else "normal", action_label=self.tr("Show on the desk"))
        if "host" in chans and a.level in HOST_LEVELS and a.sku:
            kind = "sold_out" if (a.available is not None and a.available <= 0) or a.level == "lost_sales" \
                else "low_stock"
            self._host_keys.add(a.key)
            self.hostPrompt.emit(HostPrompt(a.key, a.sku, kind, a.level, a.reason, a.available))

    def summary(self, a) -> str:
        """The notification's title: level and SKU (the room for room-level alerts)."""
        who = a.sku or self.tr("the room")
        return f"{fmt.level_name(a.level)} · {who}"

    def _stop_repeat(self, key: str) -> None:
        self._repeating.discard(key)
        if not self._repeating:
            self.repeat.stop()

    def _withdraw(self, key: str) -> None:
        if self._desktop_keys.pop(key, None) is not None and self.desktop is not None:
            self.desktop.close(key)
        if key in self._host_keys:
            self._host_keys.discard(key)
            self.hostPromptCleared.emit(key)

    def _repeat(self) -> None:
        if self._repeating:
            self.sound.play("critical")
        else:
            self.repeat.stop()

    def repeating(self) -> set[str]:
        """Critical episodes (ids) whose sound is repeating now."""
        return set(self._repeating)

    def _on_click(self, key: str) -> None:
        sku = self._desktop_keys.get(key)
        if sku:
            self.jumpToSku.emit(sku)

    def desktop_state(self) -> str:
        """``up``, ``starting``, ``off (why)`` or ``none`` for the status bar."""
        if self.desktop is None:
            return "none"
        return self.desktop.state + (f" ({self.desktop.error})" if self.desktop.state == "off" else "")
