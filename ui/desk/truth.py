"""The screen tells the truth: one look per state of the data behind it (stale, resyncing, core hung, core stopped).

Every figure on the desk comes from the feed through the core.  When the feed is
stale or resyncing, or the core has stopped sending (hung) or died, those figures
are old: :func:`screen_state` names the state, and :class:`StateVeil` lays the
same look (tint, hatching, one caption that says since when) over each panel that
shows them — table, charts — while the header's chip says it too and the table's
figures turn grey.  The veil lets clicks through: the operator can still select
and act (a command's own fate says whether it landed).
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ui import theme
from ui.retranslate import keep

# The states in which figures are not live, with their colour (one look per state, everywhere).
STATE_COLORS = {"stale": "#ff4d55", "resyncing": "#f2a93b", "connecting": theme.MUTED,
                "core_hung": "#c86cf0", "core_stopped": "#ff4d55", "connection_lost": "#ff4d55"}


def screen_state(feed_state: str, health: str) -> str:
    """``live`` or what is wrong with the data on screen: the core's health first, then the feed's state."""
    if health == "stopped":
        return "core_stopped"
    if health == "hung":
        return "core_hung"
    if health == "lost":  # a room opened from the room list: its engine's stream went silent (ui/rooms)
        return "connection_lost"
    if feed_state in ("stale", "resyncing", "connecting"):
        return feed_state
    return "live"


_CAPTIONS = {
    "stale": QT_TRANSLATE_NOOP("Truth", "STALE: the shop has been silent {s} s · figures as of {t}"),
    "resyncing": QT_TRANSLATE_NOOP("Truth", "RESYNCING: restoring the shop's state · figures as of {t}"),
    "connecting": QT_TRANSLATE_NOOP("Truth", "CONNECTING to the shop · no figures yet"),
    "core_hung": QT_TRANSLATE_NOOP("Truth", "CORE HUNG: no update for {s} s · figures as of {t} · "
                                            "Restart core: Ctrl+Shift+R"),
    "core_stopped": QT_TRANSLATE_NOOP("Truth", "CORE STOPPED · figures as of {t} · Restart core: Ctrl+Shift+R"),
    "connection_lost": QT_TRANSLATE_NOOP("Truth", "CONNECTION LOST: no word from the room's engine for {s} s · "
                                                  "figures as of {t}"),
}


def state_caption(state: str, *, silent_s: float | None, as_of: str) -> str:
    """The one sentence each veil shows for ``state`` ("" when live)."""
    text = _CAPTIONS.get(state)
    if text is None:
        return ""
    return QCoreApplication.translate("Truth", text).format(s="—" if silent_s is None else f"{silent_s:.1f}",
                                                            t=as_of)


class StateVeil(QWidget):
    """Covers its parent with the look of a non-live state; transparent to the mouse."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("stateVeil")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.state = "live"
        self.caption = ""
        self._font = QFont(self.font())
        self._font.setBold(True)
        self._font.setPointSizeF(self._font.pointSizeF() * 1.15)
        parent.installEventFilter(self)
        self.hide()

    def set_state(self, state: str, caption: str) -> None:
        if state == self.state and caption == self.caption:
            return
        self.state, self.caption = state, caption
        if state == "live":
            self.hide()
            return
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.update()

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.parentWidget() and ev.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())
        return False

    def paintEvent(self, event) -> None:
        color = QColor(STATE_COLORS.get(self.state, theme.MUTED))
        p = QPainter(self)
        r = self.rect()
        tint = QColor(color)
        tint.setAlpha(38)
        p.fillRect(r, tint)
        hatch = QColor(color)
        hatch.setAlpha(60)
        p.fillRect(r, QBrush(hatch, Qt.BrushStyle.BDiagPattern))
        pen = QPen(color, 3)
        p.setPen(pen)
        p.drawRect(r.adjusted(1, 1, -2, -2))
        # The caption: a solid card at the bottom, so the words read over any figure — not at the top, where
        # it hid the panels' own buttons and filters (the bottom holds the least urgent rows, the room charts).
        p.setFont(self._font)
        fm = p.fontMetrics()
        w = min(r.width() - 16, fm.horizontalAdvance(self.caption) + 28)
        hgt = fm.height() + 14
        card = QRectF((r.width() - w) / 2, max(10, r.height() - hgt - 12), w, hgt)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.BG))
        p.drawRoundedRect(card, 6, 6)
        p.setPen(QPen(color, 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(card, 6, 6)
        p.setPen(color)
        p.drawText(card, int(Qt.AlignmentFlag.AlignCenter),
                   fm.elidedText(self.caption, Qt.TextElideMode.ElideRight, int(card.width()) - 16))
        p.end()


TRUTH_EVERY_MS = 250  # the state is looked at this often, new snapshot or not (a hung core sends none)


class DeskTruth:
    """Veils, header and table muting, and the core restart for :class:`~ui.desk.window.DeskWindow`."""

    def _init_truth(self, panels: list[QWidget]) -> None:
        from PySide6.QtCore import QTimer

        from PySide6.QtWidgets import QPushButton

        self.screen_state = "live"
        self.veils = [StateVeil(p) for p in panels]
        # Offered where the operator looks when the core is hung or stopped (the status line says why).
        self.restart_button = QPushButton()
        keep(self, lambda: self.restart_button.setText(self.tr("Restart core (Ctrl+Shift+R)")))
        self.restart_button.setObjectName("restartCore")
        self.restart_button.setProperty("role", "armed")
        self.restart_button.clicked.connect(self.restart_core)
        self.restart_button.hide()
        self.status.addWidget(self.restart_button)
        self._truth_timer = QTimer(self)
        self._truth_timer.setInterval(TRUTH_EVERY_MS)
        self._truth_timer.timeout.connect(self.check_truth)
        self._truth_timer.start()
        self.bridge.healthChanged.connect(lambda _h: self.check_truth())

    def check_truth(self) -> str:
        """Look at the feed's state and the core's health; give every panel the same look.  Returns the state."""
        from ui import fmt

        snap = self.bridge.current
        health = self.bridge.health
        state = screen_state(snap.feed.state, health)
        if state in ("core_hung", "connection_lost"):
            silent = self.bridge.silent_s
        elif state == "stale":
            silent = snap.feed.last_message_age_s
        else:
            silent = None
        as_of = fmt.shop_time(snap.ts) if snap.ts else "—"
        caption = state_caption(state, silent_s=silent, as_of=as_of)
        for v in self.veils:
            v.set_state(state, caption)
        self.header.set_truth(state, caption)
        self.model.set_muted(state != "live")
        restart = self.win_actions.get("restart_core")
        if restart is not None:
            restart.setEnabled(self.bridge.can_restart())
        offer = state in ("core_hung", "core_stopped")
        if offer != self.restart_button.isVisible():
            self.restart_button.setVisible(offer)
        if state != self.screen_state:
            self.screen_state = state
            if state in ("core_hung", "core_stopped", "connection_lost"):
                self.status_left.setText(caption)
        return state

    def restart_core(self) -> None:
        """Kill the core process and start a fresh one (offered while it is hung or stopped)."""
        if not self.bridge.can_restart():
            self.status_left.setText(self.tr("This core runs inside the desk (--core-thread): restart the desk."))
            return
        self.status_left.setText(self.tr("Restarting the core…"))
        self.status_left.repaint()
        try:
            self.bridge.restart_core()
        except Exception as e:  # noqa: BLE001 — shown, the operator decides
            self.status_left.setText(self.tr("The core did not restart: {e}").format(e=e))
        else:
            self.status_left.setText(self.tr("Core restarted; commands sent before the restart are shown "
                                             "no more: check their SKUs' stock."))
        self.check_truth()
        self.focus_table()
