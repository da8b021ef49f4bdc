"""The alert panel: active alerts (critical on top), acknowledge / snooze / jump, resolved history.

Order is the core's (most severe first).  A critical alert that fires and is
neither acknowledged nor snoozed flashes its row until it is acknowledged; its
sound (and the other channels of its level) are :mod:`ui.desk.channels`'.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QTableView, QTabWidget, \
    QToolButton, QVBoxLayout, QWidget

from controlroom.state.view import AlertView
from ui import fmt
from ui.desk.alert_model import AlertModel
from ui.desk.cells import FastCellDelegate, visible_rows
from ui.desk.fit import IconsWhenRoom
from ui.retranslate import keep

FLASH_MS = 450
SNOOZE_CHOICES = (5, 15, 30)


class AlertPanel(QWidget):
    """Active alerts and history in tabs, with acknowledge / snooze / jump buttons."""

    jumpToSku = Signal(str)
    ackRequested = Signal(str)
    snoozeRequested = Signal(str, float)

    def __init__(self, sound=None, parent=None) -> None:
        super().__init__(parent)
        self.sound = sound  # kept for callers; the sounds are played by ui.desk.channels.DeskChannels
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        keep(self, lambda: self.title.setText(self.tr("ALERTS")))
        bar.addWidget(self.title)
        bar.addStretch(1)
        self.ack_button = QToolButton()
        self.snooze_buttons = {m: QToolButton() for m in SNOOZE_CHOICES}
        self.jump_button = QToolButton()
        for b in (self.ack_button, *self.snooze_buttons.values(), self.jump_button):
            bar.addWidget(b)
        lay.addLayout(bar)
        # Icons only where there is room (ui/desk/fit.py): the title and the words must fit at 1280 px.
        self._icons = IconsWhenRoom(self, [[self.ack_button, *self.snooze_buttons.values(), self.jump_button]],
                                    spacing=4, extra=self.title.sizeHint().width() + 12)
        self.tabs = QTabWidget()
        self.model = AlertModel(False, self)
        self.history_model = AlertModel(True, self)
        self.table = self._table(self.model)
        self.history_table = self._table(self.history_model)
        self.tabs.addTab(self.table, "")
        self.tabs.addTab(self.history_table, "")
        lay.addWidget(self.tabs, 1)
        self.table.doubleClicked.connect(lambda ix: self.jump())
        self.history_table.doubleClicked.connect(lambda ix: self._jump_history(ix))
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._flash)
        self._flash_timer.start()
        self._count_tabs(0, 0)
        keep(self, lambda: (self.model.retranslate(), self.history_model.retranslate(),
                            self._count_tabs(self.model.rowCount(), self.history_model.rowCount())))

    def _table(self, model) -> QTableView:
        t = QTableView()
        t.setModel(model)
        model.visible_rows = lambda: visible_rows(t)
        t.setItemDelegate(FastCellDelegate(t, model=model))
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setAlternatingRowColors(False)
        t.setShowGrid(False)
        t.setWordWrap(False)
        t.verticalHeader().hide()
        t.verticalHeader().setDefaultSectionSize(24)
        h = t.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(False)
        bold = QFont(t.font())
        bold.setBold(True)
        bfm = QFontMetrics(bold)
        level_w = max(bfm.horizontalAdvance(fmt.level_name(lv)) for lv in
                      ("watch", "warning", "critical", "lost_sales", "feed")) + 16
        what_w = max(bfm.horizontalAdvance(model.what(AlertView(key="", sku=None, level=lv, state="firing",
                                                                 since_ts=0.0, reason="")))
                     for lv in ("watch", "warning", "critical", "lost_sales", "feed")) + 16
        state_w = max(bfm.horizontalAdvance(x) for x in model.state_texts_for_width()) + 16
        # "Since" as wide as its longest text; SKU (with its name, cut) no wider than needed: "why" — the
        # figures — gets what is left.
        since_w = QFontMetrics(t.font()).horizontalAdvance("00:00:00 · 59m") + 18
        for col, w in enumerate((level_w, 120, what_w, 300, since_w, state_w)):
            t.setColumnWidth(col, w)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # "why" takes what is left
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return t

    def _count_tabs(self, active: int, history: int) -> None:
        for i, text in enumerate((self.tr("Active ({n})").format(n=active), self.tr("History ({n})").format(n=history))):
            if self.tabs.tabText(i) != text:  # setTabText re-lays the tab bar out even for the same text
                self.tabs.setTabText(i, text)

    # --- per snapshot ------------------------------------------------------------------------------
    def update_from(self, snap, names: dict[str, str]) -> None:
        key = self.selected_key()
        if self.model.update(snap.alerts, names, snap.ts, snap.skus) and key is not None:
            self.select_key(key)
        hkey = self._selected(self.history_table, self.history_model)
        if self.history_model.update(snap.history, names, snap.ts) and hkey is not None:
            row = self.history_model.row_of(hkey)
            if row is not None:
                self.history_table.selectRow(row)
        self._count_tabs(len(snap.alerts), len(snap.history))

    def _flash(self) -> None:
        self.model.set_flash(not self.model.flash_on)

    # --- selection and intents --------------------------------------------------------------------------
    def _selected(self, table, model) -> str | None:
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        a = model.alert_at(rows[0].row())
        return a.key if a else None

    def selected_key(self) -> str | None:
        return self._selected(self.table, self.model)

    def select_key(self, key: str) -> bool:
        row = self.model.row_of(key)
        if row is None:
            return False
        self.table.selectionModel().select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
        self.table.setCurrentIndex(self.model.index(row, 0))
        return True

    def target(self):
        """The alert the buttons act on: the selected one, else the first unacknowledged (most severe)."""
        key = self.selected_key()
        if key is not None:
            row = self.model.row_of(key)
            if row is not None:
                return self.model.alert_at(row)
        for a in self.model.alerts():
            if not a.acked:
                return a
        return None

    def ack(self) -> str | None:
        a = self.target()
        if a is None:
            return None
        self.ackRequested.emit(a.key)
        return a.key

    def snooze(self, minutes: float) -> str | None:
        a = self.target()
        if a is None:
            return None
        self.snoozeRequested.emit(a.key, float(minutes))
        return a.key

    def jump(self) -> str | None:
        a = self.target()
        if a is None or not a.sku:
            return None
        self.jumpToSku.emit(a.sku)
        return a.sku

    def _jump_history(self, ix) -> None:
        a = self.history_model.alert_at(ix.row())
        if a is not None and a.sku:
            self.jumpToSku.emit(a.sku)
