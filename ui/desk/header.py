"""The header: room, session clock, viewers (with trend), GMV, units, on air, feed and command channel, alert counts."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from ui import fmt, theme
from controlroom.feed.shop_clock import BEHIND_NOTED_S as BEHIND_SHOWN_S  # the feed status says it from here
from ui.retranslate import keep


class TrendLine(QWidget):
    """A tiny line of the last 30 minutes of one series (viewers)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._values: list[float] = []
        self._pen = QPen(QColor(theme.VIEWERS), 1.0)
        self.setMinimumSize(64, 22)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(72, 24)

    def set_values(self, values: list[float]) -> None:
        if values != self._values:
            self._values = values
            self.update()

    def paintEvent(self, event) -> None:
        vals = self._values
        if len(vals) < 2:
            return
        p = QPainter(self)
        r = self.rect().adjusted(1, 2, -1, -2)
        lo, hi = min(vals), max(vals)
        span = (hi - lo) or 1.0
        n = len(vals)
        poly = QPolygonF([QPointF(r.left() + i * r.width() / (n - 1), r.bottom() - (v - lo) / span * r.height())
                          for i, v in enumerate(vals)])
        p.setPen(self._pen)
        p.drawPolyline(poly)
        p.end()


def _chip(text: str = "") -> QLabel:
    lab = QLabel(text)
    lab.setProperty("chip", True)
    lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return lab


def _chip_style(color: str, ink: str | None = None) -> str:
    return f"background: {color}; color: {ink or theme.chip_ink(color)};"


def _set_chip(lab: QLabel, text: str, color: str, ink: str | None = None) -> None:
    """A chip's words and fill; its ink is the one readable on that fill (dark or white) unless given."""
    if lab.text() != text:
        lab.setText(text)
    style = _chip_style(color, ink)
    if lab.styleSheet() != style:
        lab.setStyleSheet(style)


class HeaderBar(QFrame):
    """Everything the operator glances at, on one line."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 6, 6, 6)
        lay.setSpacing(6)  # 6, not more: the header's groups must fit a 1280-pixel screen with their figures whole
        self.room = self._group(lay, lambda: self.tr("Room"))
        self.room.setMinimumWidth(60)  # a long room name is cut (its tooltip has it whole), never widens the window
        self.room.setMaximumWidth(170)
        self.clock = self._group(lay, lambda: self.tr("Session"))
        vbox = self._group_box(lay, lambda: self.tr("Viewers"))
        row = QHBoxLayout()
        row.setSpacing(6)
        self.viewers = QLabel("—")
        self.viewers.setObjectName("value")
        self.trend = TrendLine()
        row.addWidget(self.viewers)
        row.addWidget(self.trend)
        vbox.addLayout(row)
        self.gmv = self._group(lay, lambda: self.tr("GMV"))
        self.units = self._group(lay, lambda: self.tr("Units"))
        # Figures grow during a show: each has a fixed width for a big value, so neither the header nor the
        # window's minimum width grows with them (and nothing shifts sideways as digits are added).
        for lab, widest in ((self.clock, "0:00:00"), (self.viewers, "99,999"), (self.gmv, "¥9,999,999"),
                            (self.units, "99,999")):
            lab.ensurePolished()
            lab.setFixedWidth(lab.fontMetrics().horizontalAdvance(widest) + 4)
        self.featured = self._group(lay, lambda: self.tr("On air"))
        self.featured.setMinimumWidth(100)
        self.featured.setMaximumWidth(260)
        lay.addStretch(1)
        # Feed and command channel.
        # The feed's detail sits on its caption line, over the chip: the header fits a 1280-wide screen.
        fbox = QVBoxLayout()
        fbox.setSpacing(1)
        frow = QHBoxLayout()
        frow.setSpacing(6)
        fcap = QLabel()
        fcap.setObjectName("caption")
        keep(self, lambda: fcap.setText(self.tr("Feed")))
        self.feed_chip = _chip("—")
        self.feed_detail = QLabel("")
        self._detail_full = ""
        self.feed_detail.setObjectName("caption")
        self.feed_detail.setMinimumWidth(100)
        self.feed_detail.setMaximumWidth(260)
        frow.addWidget(fcap)
        frow.addWidget(self.feed_detail, 1)
        fbox.addLayout(frow)
        fbox.addWidget(self.feed_chip, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addLayout(fbox)
        cbox = self._group_box(lay, lambda: self.tr("Commands"))
        self.channel_chip = _chip("—")
        cbox.addWidget(self.channel_chip)
        # Alert counts.
        abox = self._group_box(lay, lambda: self.tr("Firing alerts"))
        arow = QHBoxLayout()
        arow.setSpacing(4)
        self.count_chips = {}
        for lvl in ("critical", "warning", "watch"):
            # Counts change width; a floor (room for "level 9" in this language) keeps the header from
            # re-laying out and the text from being cut.
            c = _chip(f"{fmt.level_name(lvl)} 9")
            c.ensurePolished()
            c.setMinimumWidth(max(64, c.sizeHint().width()))
            self.count_chips[lvl] = c
            arow.addWidget(c)
        abox.addLayout(arow)
        # Buttons (actions are set by the window).
        self.mute_button = QToolButton()
        self.settings_button = QToolButton()
        self.help_button = QToolButton()
        for b in (self.mute_button, self.settings_button, self.help_button):
            b.setAutoRaise(False)
            b.setIconSize(QSize(18, 18))
            lay.addWidget(b)
        self._last_state = None
        self.truth = "live"
        self._last_counts: dict = {}
        self.retranslate_counts({})

    def _group_box(self, lay: QHBoxLayout, caption) -> QVBoxLayout:
        """A captioned group; ``caption()`` gives its caption (again after a language switch)."""
        box = QVBoxLayout()
        box.setSpacing(1)
        cap = QLabel()
        cap.setObjectName("caption")
        keep(self, lambda: cap.setText(caption()))
        box.addWidget(cap)
        lay.addLayout(box)
        return box

    def _group(self, lay: QHBoxLayout, caption) -> QLabel:
        box = self._group_box(lay, caption)
        val = QLabel("—")
        val.setObjectName("value")
        box.addWidget(val)
        return val

    def changeEvent(self, event) -> None:
        """A theme switch recolours the level chips at once: their fills are set by hand, and with the
        core stopped or hung no next snapshot would do it."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) \
                and getattr(self, "_last_counts", None) is not None:
            self.retranslate_counts(self._last_counts)

    def retranslate_counts(self, counts: dict) -> None:
        live = self.truth == "live"
        for lvl, chip in self.count_chips.items():
            n = counts.get(lvl, 0)
            # Not live: the counts are as old as the figures, and look it (grey, like the table).
            color = (theme.level_color(lvl) if live else theme.MUTED) if n else theme.RAISED
            ink = None if n else theme.MUTED  # a level with nothing firing reads as quiet, yet still readable
            text = f"{fmt.level_name(lvl)} {n}"
            if chip.text() != text or chip.styleSheet() != _chip_style(color, ink):
                _set_chip(chip, text, color, ink)
                chip.setToolTip(self.tr("%n firing {level} alert(s)", "", n).format(level=fmt.level_name(lvl)))

    # --- per snapshot --------------------------------------------------------------------------------
    def update_from(self, snap, *, core_error: str | None = None) -> None:
        self._set(self.room, snap.room or "—")
        self._tip(self.room, snap.room or "")
        elapsed = snap.ts - snap.started_ts if snap.started_ts else 0.0
        self._set(self.clock, fmt.clock(elapsed))
        self._tip(self.clock, self.tr("Shop clock {t}").format(t=fmt.shop_time(snap.ts)))
        self._set(self.viewers, fmt.count(snap.viewers))
        if snap.room_series:
            series = snap.room_series
            step = max(1, len(series) // 60)
            self.trend.set_values([float(s[1]) for s in series[::step]])
        self._set(self.gmv, fmt.money(snap.gmv_cents))
        self._set(self.units, fmt.count(snap.units))
        name = "—"
        if snap.featured:
            for v in snap.skus:
                if v.sku == snap.featured:
                    name = f"{v.sku} {v.name}"
                    break
            else:
                name = snap.featured
        self._set(self.featured, name)
        if self.featured.toolTip() != name:
            self.featured.setToolTip(name)
        f = snap.feed
        state = "down" if core_error else f.state
        if self.truth in ("core_hung", "core_stopped", "connection_lost"):
            detail = self._detail_full  # set_truth owns the chip and its words while the core is not sending
        elif core_error:
            _set_chip(self.feed_chip, self.tr("CORE STOPPED"), theme.LEVEL_COLORS["critical"])
            detail = core_error
        else:
            text = fmt.feed_state_name(f.state)
            _set_chip(self.feed_chip, text.upper() if f.state != "live" else text,
                      theme.FEED_COLORS.get(f.state, theme.MUTED))
            bits = []
            if f.state == "live" and f.behind_s is not None and f.behind_s >= BEHIND_SHOWN_S:
                # The screen and the engine's decisions are this far behind the shop: an operator who knows it
                # freezes earlier by hand (the engine's own reserve already covers it, engine/lag.py).
                bits.append(self.tr("{s} s behind the shop").format(s=f"{f.behind_s:.0f}"))
            if f.state == "stale" and f.last_message_age_s is not None:
                bits.append(self.tr("silent {s} s").format(s=f"{f.last_message_age_s:.1f}"))
            if f.last_gap:
                bits.append(self.tr("gap: {g}").format(g=f.last_gap))
            if f.drift:  # a restock of ours landing is not a drift (see SnapshotBuilder._classify_drifts)
                bits.append(self.tr("stock changed without a restock: {d}").format(d=f.drift))
            if not bits:
                bits.append(self.tr("seq {seq} · {n} resyncs").format(seq=f.seq, n=f.resyncs))
            detail = " · ".join(bits)
        self._set_detail(detail)
        self._tip(self.feed_chip, self.tr("Feed {state}: {events} events, {rejects} rejected, {gaps} gaps, "
                                          "{resyncs} resyncs; last message {age} s ago").format(
            state=fmt.feed_state_name(f.state), events=f.events, rejects=f.rejects, gaps=f.gaps, resyncs=f.resyncs,
            age="—" if f.last_message_age_s is None else f"{f.last_message_age_s:.1f}"))
        self._tip(self.feed_detail, detail)
        self._last_state = state
        # The channel's state is the core's report: while the core is hung or stopped it is not known now.
        core_down = self.truth in ("core_hung", "core_stopped")
        _set_chip(self.channel_chip, fmt.channel_state_name(snap.command_channel),
                  theme.MUTED if core_down else theme.CHANNEL_COLORS.get(snap.command_channel, theme.MUTED))
        self._last_counts = snap.firing_counts()
        self.retranslate_counts(self._last_counts)

    def set_truth(self, state: str, caption: str) -> None:
        """The screen's state (see :mod:`ui.desk.truth`): the chip says a hung or stopped core; figures go grey."""
        from ui.desk.truth import STATE_COLORS

        was, self.truth = self.truth, state
        if state == "core_hung":
            _set_chip(self.feed_chip, self.tr("CORE HUNG"), STATE_COLORS[state])
            self._set_detail(caption)
        elif state == "core_stopped":
            _set_chip(self.feed_chip, self.tr("CORE STOPPED"), STATE_COLORS[state])
            self._set_detail(caption)
        elif state == "connection_lost":
            _set_chip(self.feed_chip, self.tr("CONNECTION LOST"), STATE_COLORS[state])
            self._set_detail(caption)
        if state in ("core_hung", "core_stopped", "connection_lost"):
            self._tip(self.feed_detail, caption)
        if (state == "live") != (was == "live") or was is None:
            style = "" if state == "live" else f"color: {theme.MUTED};"
            for lab in (self.clock, self.viewers, self.gmv, self.units, self.featured):
                lab.setStyleSheet(style)
            self.retranslate_counts(self._last_counts)
        if state in ("core_hung", "core_stopped") and was not in ("core_hung", "core_stopped"):
            _set_chip(self.channel_chip, self.channel_chip.text(), theme.MUTED)

    @staticmethod
    def _tip(w, text: str) -> None:
        if w.toolTip() != text:
            w.setToolTip(text)

    def _set_detail(self, text: str) -> None:
        """The feed's words on the caption line, cut with "…" to the room it has (the whole in the tooltip):
        a stopped core's caption ran past it, clipped mid-shortcut ("Restart core: Ctrl+S")."""
        self._detail_full = text
        lab = self.feed_detail
        shown = lab.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, lab.maximumWidth())
        self._set(lab, shown)
        self._tip(lab, text)

    @staticmethod
    def _set(lab: QLabel, text: str) -> None:
        if lab.text() != text:
            lab.setText(text)

    @property
    def feed_text(self) -> str:
        return self.feed_chip.text()
