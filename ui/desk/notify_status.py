"""The notification targets on the desk: a status-bar line that speaks up when a target is down or an
alert was escalated.

The core's notifier puts its targets' status and latest notices into every
snapshot (``ViewSnapshot.notify``, see :meth:`controlroom.notify.Notifier.desk_view`).
All targets up and nothing escalated: the line is quiet ("notifications: 2 targets
ok").  A target down or refused as misconfigured: red, with its last error.  An
escalation: the line says which alert went to which on-call target, for
:data:`ESCALATION_SHOWN_S`.  The tooltip lists every target.
"""
from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel

ESCALATION_SHOWN_S = 600.0


def targets_of(snap) -> list[dict]:
    return [d for d in getattr(snap, "notify", ()) if d.get("kind") == "target"]


def notices_of(snap) -> list[dict]:
    return [d for d in getattr(snap, "notify", ()) if d.get("kind") == "notice"]


class NotifyStatus(QLabel):
    """One line about the notification targets (hidden when there are none)."""

    escalated = Signal(str)  # the text of a new escalation notice (the window also shows it in the status line)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("notifyStatus")
        self.targets: list[dict] = []
        self._seen_notices: set[tuple] = set()
        self._last = None
        self.hide()

    def update_from(self, snap, now_wall: float | None = None) -> None:
        targets = targets_of(snap)
        notices = notices_of(snap)
        now_wall = time.time() if now_wall is None else now_wall
        for n in notices:
            key = (n.get("wall"), n.get("what"), n.get("target"))
            if key not in self._seen_notices:
                self._seen_notices.add(key)
                if n.get("what") == "escalated":
                    self.escalated.emit(str(n.get("text", "")))
        self.targets = targets
        if not targets:
            self.hide()
            return
        bad = [t for t in targets if t.get("state") != "up"]
        esc = [n for n in notices if n.get("what") == "escalated" and now_wall - float(n.get("wall") or 0)
               < ESCALATION_SHOWN_S]
        parts = []
        if bad:
            parts += [self.tr("{name} DOWN: {err}").format(name=t["name"], err=t.get("last_error") or "?")
                      if t.get("state") == "down" else
                      self.tr("{name} misconfigured: {err}").format(name=t["name"], err=t.get("last_error") or "?")
                      for t in bad]
        if esc:
            parts.append(self.tr("escalated: {text}").format(text=esc[-1].get("text", "")))
        if not parts:
            text = self.tr("notifications: {n} target(s) ok").format(n=len(targets))
        else:
            text = self.tr("notifications: ") + " · ".join(parts)
        style = "color: #ff6b72; font-weight: 600;" if bad else ("color: #ffb454; font-weight: 600;" if esc else "")
        tip = "\n".join(self.tr("{name} ({fmt}): {state} · sent {sent} · failed {failed}{err}").format(
            name=t["name"], fmt=t.get("format"), state=t.get("state"), sent=t.get("sent", 0),
            failed=t.get("failed", 0), err=f" · {t['last_error']}" if t.get("last_error") else "") for t in targets)
        if (text, style, tip) != self._last:
            self._last = (text, style, tip)
            self.setText(text)
            self.setStyleSheet(style)
            self.setToolTip(tip)
        self.show()
