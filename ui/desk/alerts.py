"""The alert panel: problems (one row per episode), active alerts, resolved history; acknowledge /
snooze / jump, and one-click unfreeze of a SKU frozen with stock left.

The first tab is what the operator is shown: one row per *episode* (``ui.desk.episode_model``),
updated in place as its SKU's alerts come and go, with the figures that crossed the rule and,
under the tabs, the engine's whole sentence for the selected (or most urgent) problem.  The
second tab lists the raw alerts behind them.  Order is the core's (most severe first).  A critical alert that fires and is
neither acknowledged nor snoozed flashes its row until it is acknowledged; its
sound (and the other channels of its level) are :mod:`ui.desk.channels`'.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QSizePolicy, QTableView, \
    QTabWidget, QToolButton, QVBoxLayout, QWidget

from controlroom.state.view import AlertView
from ui import fmt
from ui.desk.alert_model import AlertModel
from ui.desk.cells import FastCellDelegate, visible_rows
from ui.desk.episode_model import EpisodeModel, rows_from
from ui.desk.fit import IconsWhenRoom
from ui.retranslate import keep

FLASH_MS = 450
SNOOZE_CHOICES = (5, 15, 30)


class AlertPanel(QWidget):
    """Active alerts and history in tabs, with acknowledge / snooze / jump buttons."""

    jumpToSku = Signal(str)
    ackRequested = Signal(str)
    snoozeRequested = Signal(str, float)
    commandRequested = Signal(str, str, object, object)  # op, sku, qty, weight (as ActionsPanel's)

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
        # One click for a SKU frozen with stock left (the selected problem, else the first such): enabled
        # while there is one.
        self.unfreeze_button = QToolButton()
        self.unfreeze_button.setObjectName("unfreezeEpisode")
        self.unfreeze_button.setText(self.tr("Unfreeze"))  # the window gives it its action (and key)
        self.unfreeze_button.setEnabled(False)
        for b in (self.unfreeze_button, self.ack_button, *self.snooze_buttons.values(), self.jump_button):
            bar.addWidget(b)
        lay.addLayout(bar)
        # Icons only where there is room (ui/desk/fit.py): the title and the words must fit at 1280 px.
        self._icons = IconsWhenRoom(self, [[self.unfreeze_button, self.ack_button, *self.snooze_buttons.values(),
                                             self.jump_button]], spacing=4, extra=self.title.sizeHint().width() + 12)
        self.tabs = QTabWidget()
        self.episodes = EpisodeModel(False, self)
        self.model = AlertModel(False, self)
        self.history_model = AlertModel(True, self)
        self.episode_table = self._table(self.episodes)
        self.table = self._table(self.model)
        self.history_table = self._table(self.history_model)
        self.tabs.addTab(self.episode_table, "")
        self.tabs.addTab(self.table, "")
        self.tabs.addTab(self.history_table, "")
        lay.addWidget(self.tabs, 1)
        # The alert detail: the engine's whole sentence (the rule and the figures that crossed it).
        self.detail = QLabel("")
        self.detail.setObjectName("episodeDetail")
        self.detail.setWordWrap(True)
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.detail)
        self.episode_table.doubleClicked.connect(lambda ix: self.jump())
        self.episode_table.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        self.tabs.currentChanged.connect(lambda _i: self._show_detail())
        self.table.doubleClicked.connect(lambda ix: self.jump())
        self.history_table.doubleClicked.connect(lambda ix: self._jump_history(ix))
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._flash)
        self._flash_timer.start()
        self._count_tabs(0, 0, 0)
        keep(self, lambda: (self.episodes.retranslate(), self.model.retranslate(), self.history_model.retranslate(),
                            self._count_tabs(self.episodes.rowCount(), self.model.rowCount(),
                                             self.history_model.rowCount())))

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

    def _count_tabs(self, problems: int, active: int, history: int) -> None:
        texts = (self.tr("Problems ({n})").format(n=problems), self.tr("Alerts ({n})").format(n=active),
                 self.tr("History ({n})").format(n=history))
        for i, text in enumerate(texts):
            if self.tabs.tabText(i) != text:  # setTabText re-lays the tab bar out even for the same text
                self.tabs.setTabText(i, text)

    # --- per snapshot ------------------------------------------------------------------------------
    def update_from(self, snap, names: dict[str, str]) -> None:
        for table, model, items in ((self.episode_table, self.episodes, rows_from(snap)),
                                    (self.table, self.model, snap.alerts)):
            key = self._selected(table, model)
            if model.update(items, names, snap.ts, snap.skus) and key is not None:
                self._reselect(table, model, key)
        hkey = self._selected(self.history_table, self.history_model)
        if self.history_model.update(snap.history, names, snap.ts) and hkey is not None:
            self._reselect(self.history_table, self.history_model, hkey)
        self._count_tabs(len(snap.episodes), len(snap.alerts), len(snap.history))
        self._show_detail()

    def _show_detail(self) -> None:
        """Under the tabs: the selected (else the most urgent) problem's whole reason, and the unfreeze button."""
        ep = self.target_episode()
        frozen = any(e.level == "frozen_with_stock" and e.sku for e in self.episodes.alerts())
        act = self.unfreeze_button.defaultAction()
        target = act if act is not None else self.unfreeze_button
        if target.isEnabled() != frozen:
            target.setEnabled(frozen)
        text = ""
        if ep is not None:
            who = ep.sku or self.tr("room")
            # The engine's own sentence (the rule and every figure behind it) is English, as in the log:
            # shown whole on an English desk; in another language the row's figures in that language
            # (the sentence stays in the row's tooltip).
            english = QLocale().language() in (QLocale.Language.English, QLocale.Language.C)
            # (Frozen with stock is about now, and the sentence keeps the count it fired with.)
            why = ep.reason if english and ep.level != "frozen_with_stock" else self.episodes.why(ep)
            if ep.unsteady and not english:
                why = f"{self.tr('unsteady')} · {why}"
            text = f"{who} · {self.episodes.what(ep)}: {why}"
        if self.detail.text() != text:
            self.detail.setText(text)

    def _flash(self) -> None:
        self.model.set_flash(not self.model.flash_on)
        self.episodes.set_flash(self.model.flash_on)

    # --- selection and intents --------------------------------------------------------------------------
    def _selected(self, table, model) -> str | None:
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        a = model.alert_at(rows[0].row())
        return a.key if a else None

    @staticmethod
    def _reselect(table, model, key: str) -> bool:
        row = model.row_of(key)
        if row is None:
            return False
        table.selectionModel().select(model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
        table.setCurrentIndex(model.index(row, 0))
        return True

    def _on_problems(self) -> bool:
        return self.tabs.currentWidget() is self.episode_table

    def selected_key(self) -> str | None:
        """The key of the alert the selection stands for (on the problem list: the alert behind the episode)."""
        if self._on_problems():
            rows = self.episode_table.selectionModel().selectedRows()
            ep = self.episodes.alert_at(rows[0].row()) if rows else None
            return ep.alert_key if ep is not None else None
        return self._selected(self.table, self.model)

    def select_key(self, key: str) -> bool:
        """Select an episode (by id) or an alert (by key): on the problem list if an episode stands for it,
        else on the alert list."""
        if self.episodes.row_of(key) is not None:
            self.tabs.setCurrentWidget(self.episode_table)
            return self._reselect(self.episode_table, self.episodes, key)
        ep = next((e for e in self.episodes.alerts() if e.alert_key == key), None)
        if ep is not None and self._on_problems():
            return self._reselect(self.episode_table, self.episodes, ep.key)
        if self.model.row_of(key) is None:
            return False
        self.tabs.setCurrentWidget(self.table)
        return self._reselect(self.table, self.model, key)

    def target_episode(self):
        """The problem the detail shows: the selected episode, else the first unacknowledged (most urgent)."""
        rows = self.episode_table.selectionModel().selectedRows()
        if rows:
            ep = self.episodes.alert_at(rows[0].row())
            if ep is not None:
                return ep
        eps = self.episodes.alerts()
        return next((e for e in eps if not e.acked), eps[0] if eps else None)

    def target(self):
        """The alert the buttons act on: the selected one (on the problem list, the alert behind the
        selected episode), else the first unacknowledged (most severe)."""
        if self._on_problems():
            ep = self.target_episode()
            if ep is None or ep.alert_key is None:
                return None
            row = self.model.row_of(ep.alert_key)
            return self.model.alert_at(row) if row is not None else None
        key = self.selected_key()
        if key is not None:
            row = self.model.row_of(key)
            if row is not None:
                return self.model.alert_at(row)
        for a in self.model.alerts():
            if not a.acked:
                return a
        return None

    def unfreeze(self) -> str | None:
        """One click: unfreeze the selected problem's SKU if it is frozen with stock left (else the first such)."""
        ep = self.target_episode()
        if ep is None or ep.level != "frozen_with_stock":
            ep = next((e for e in self.episodes.alerts() if e.level == "frozen_with_stock" and e.sku), None)
        if ep is None or not ep.sku:
            return None
        self.commandRequested.emit("unfreeze", ep.sku, None, None)
        return ep.sku

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
        a = self.target_episode() if self._on_problems() else self.target()
        if a is None or not a.sku:
            return None
        self.jumpToSku.emit(a.sku)
        return a.sku

    def _jump_history(self, ix) -> None:
        a = self.history_model.alert_at(ix.row())
        if a is not None and a.sku:
            self.jumpToSku.emit(a.sku)
