"""The operator desk's main window: composes the parts, routes intents, runs the refresh.

Thin by design: every refresh starts from one immutable snapshot handed over by
the :class:`~ui.bridge.SnapshotBridge`; every click or key becomes an intent
sent back through it.  No widget decides a level or an action.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QItemSelectionModel, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QIcon
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit, \
    QMainWindow, QMenu, QSizePolicy, QSplitter, QTableView, QVBoxLayout, QWidget

from ui import fmt, theme
from ui.desk.actions import ActionsPanel
from ui.desk.alerts import AlertPanel
from ui.desk.cells import FastCellDelegate, visible_rows
from ui.desk.charts import ChartsPanel
from ui.desk.header import HeaderBar
from ui.desk.help import HelpOverlay
from ui.desk.layout_memory import LayoutMemory
from ui.desk.channels import DeskChannels
from ui.desk.notices import AutoConfirmBox, FailureBanner
from ui.desk.notify_status import NotifyStatus
from ui.desk.shortcuts import DeskShortcuts
from ui.desk.sku_delegates import BadgeDelegate, SparklineDelegate
from ui.desk.sku_filter import SkuFilterProxy
from ui.desk.sku_model import COL, COLUMNS, HIDDEN_BY_DEFAULT, SKU_ROLE, SkuTableModel
from ui.desk.targets import DeskTargets
from ui.desk.truth import DeskTruth
from ui.host.desk import install as install_host
from ui.retranslate import keep
from ui.sound import AlertSound

def _panel(widget: QWidget, margins=(8, 8, 8, 8)) -> QFrame:
    f = QFrame()
    f.setObjectName("panel")
    lay = QVBoxLayout(f)
    lay.setContentsMargins(*margins)
    lay.addWidget(widget)
    return f


class DeskWindow(DeskTargets, DeskTruth, DeskShortcuts, LayoutMemory, QMainWindow):
    """The whole desk.  ``bridge``: a :class:`~ui.bridge.SnapshotBridge`.

    Its window-level actions are in :class:`~ui.desk.shortcuts.DeskShortcuts`, the saved layout in
    :class:`~ui.desk.layout_memory.LayoutMemory`, stable targets, toasts and undo in
    :class:`~ui.desk.targets.DeskTargets`, the look of stale or missing data in
    :class:`~ui.desk.truth.DeskTruth`."""

    refreshed = Signal(float)  # ms spent applying the last snapshot (table, panels and charts)

    def __init__(self, bridge, *, store: QSettings | None = None, sound: AlertSound | None = None,
                 charts: bool = True, desktop=None) -> None:
        super().__init__()
        self.bridge = bridge
        self.store = store if store is not None else QSettings("controlroom", "desk")
        self.sound = sound or AlertSound(self)
        # Sound, desktop notification and host prompt per level (desktop: a DesktopNotifier or None).
        self.channels = DeskChannels(self.sound, desktop, self)
        keep(self, lambda: self.setWindowTitle(self.tr("Live stock control room")))
        self.setWindowIcon(QIcon(theme.icon_path("app")))
        self.selected_sku: str | None = None
        self._names: dict[str, str] = {}
        self._names_key = None
        self._settings_version = None
        self._dialog = None
        self.timings: dict[str, float] = {}
        self.refresh_count = 0
        self._status_at = 0.0
        # A refresh runs as three event-loop tasks — the table and the small panels, then the alert
        # list, then the charts — and Qt paints what each one changed before the next starts, so the
        # GUI thread serves input (and the core its feed) in between: no task holds it for all of them.
        self._later_snap = None
        self._later_steps: list[str] = []
        self._later_timer = QTimer(self)
        self._later_timer.setSingleShot(True)
        self._later_timer.setInterval(0)
        self._later_timer.timeout.connect(self._apply_later)
        self._charts_snap = None  # a selection brings its chart in at once (see _charts_soon)
        self._charts_timer = QTimer(self)
        self._charts_timer.setSingleShot(True)
        self._charts_timer.setInterval(0)
        self._charts_timer.timeout.connect(self._apply_charts)

        central = QWidget()
        self.setCentralWidget(central)
        root = QVBoxLayout(central)
        root.setContentsMargins(8, 8, 8, 4)
        root.setSpacing(6)
        self.header = HeaderBar()
        root.addWidget(self.header)
        self.banner = FailureBanner(central)  # floats over the bottom of the window (see _place_banner)

        # --- SKU table with its filters ---
        self.model = SkuTableModel(self)
        self.proxy = SkuFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        table_box = QWidget()
        tv = QVBoxLayout(table_box)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.setSpacing(6)
        filters = QHBoxLayout()
        title = QLabel()
        title.setObjectName("panelTitle")
        filters.addWidget(title)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.addAction(QIcon(theme.icon_path("search")), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self.proxy.set_search)
        filters.addWidget(self.search, 2)
        self.tier_filter = QComboBox()
        for t in (None, "traffic_driver", "profit", "long_tail"):
            self.tier_filter.addItem("", t)
        self.tier_filter.currentIndexChanged.connect(lambda i: self.proxy.set_tier(self.tier_filter.currentData()))
        filters.addWidget(self.tier_filter, 1)
        self.level_filter = QComboBox()
        def filter_words() -> None:  # again after a language switch (ui/retranslate.py)
            title.setText(self.tr("SKUS"))
            self.search.setPlaceholderText(self.tr("Search SKU or name  (Ctrl+F)"))
            for i, text in enumerate([self.tr("All tiers")] + [fmt.tier_name(t) for t in ("traffic_driver", "profit",
                                                                                            "long_tail")]):
                self.tier_filter.setItemText(i, text)
            for i, text in enumerate((self.tr("All levels"), self.tr("Any alert"), self.tr("Watch and worse"),
                                      self.tr("Warning and worse"), self.tr("Critical only"), self.tr("OK only"))):
                self.level_filter.setItemText(i, text)
        for key in ("all", "alerting", "watch", "warning", "critical", "ok"):
            self.level_filter.addItem("", key)
        keep(self, filter_words)
        self.level_filter.currentIndexChanged.connect(lambda i: self.proxy.set_level(self.level_filter.currentData()))
        filters.addWidget(self.level_filter, 1)
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        filters.addWidget(self.count_label)
        tv.addLayout(filters)
        self.table = QTableView()
        self.table.setObjectName("skuTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(False)  # the model sorts (see ui/desk/sku_model.py); the header drives it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.cell_delegate = FastCellDelegate(self.table, proxy=self.proxy, model=self.model)
        self.table.setItemDelegate(self.cell_delegate)
        self.spark_delegate = SparklineDelegate(self.table, proxy=self.proxy, model=self.model)
        self.badge_delegate = BadgeDelegate(self.table, proxy=self.proxy, model=self.model)
        self.table.setItemDelegateForColumn(COL["spark"], self.spark_delegate)
        self.table.setItemDelegateForColumn(COL["status"], self.badge_delegate)
        hh = self.table.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        hh.setSortIndicatorShown(True)
        hh.setSectionsClickable(True)
        hh.setSortIndicator(COL["level"], Qt.SortOrder.AscendingOrder)  # urgency
        hh.sortIndicatorChanged.connect(self.model.set_sort)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(self._column_menu)
        widths = {"level": 74, "sku": 50, "name": 124, "tier": 84, "available": 70, "sold": 56, "rate": 64,
                  "sellout": 122, "warning_line": 62, "safety": 58, "status": 88, "spark": 80}
        fm = hh.fontMetrics()
        cell_fm = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)
        # Columns whose words depend on the language are as wide as their longest word.
        widths["tier"] = max(cell_fm.horizontalAdvance(fmt.tier_name(t) + "*") for t in
                             ("traffic_driver", "profit", "long_tail")) + 16
        widths["level"] = max(QFontMetrics(bold).horizontalAdvance(fmt.level_name(lv)) for lv in
                              ("ok", "watch", "warning", "critical")) + 16
        for name, w in widths.items():
            text = self.model.headerData(COL[name], Qt.Orientation.Horizontal) or ""
            self.table.setColumnWidth(COL[name], max(w, fm.horizontalAdvance(text) + 26))
        for name in HIDDEN_BY_DEFAULT:
            self.table.setColumnHidden(COL[name], True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.visible_rows = self._visible_model_rows
        keep(self, self.model.retranslate)
        tv.addWidget(self.table, 1)

        # --- alerts, charts, actions ---
        self.alerts = AlertPanel(self.sound)
        self.alerts.jumpToSku.connect(self.jump_to_sku)
        self.channels.jumpToSku.connect(self._jump_from_outside)
        self.alerts.ackRequested.connect(self.bridge.ack)
        self.alerts.snoozeRequested.connect(self.bridge.snooze)
        self.charts = ChartsPanel() if charts else None
        if self.charts is not None:
            self.charts.skuClicked.connect(self.jump_to_sku)
            self.charts.reopened.connect(self._charts_soon)
        self.actions = ActionsPanel()
        self.actions.commandRequested.connect(self._command)
        self.alerts.commandRequested.connect(self._command)  # one-click unfreeze of a SKU frozen with stock
        self.confirms = AutoConfirmBox()
        self.confirms.answer.connect(self.bridge.confirm)
        self.banner.showSku.connect(self.jump_to_sku)

        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.setObjectName("leftSplitter")
        self.table_panel = _panel(table_box)
        self.alerts_panel = _panel(self.alerts)
        self.left.addWidget(self.table_panel)
        self.left.addWidget(self.alerts_panel)
        self.left.setStretchFactor(0, 3)
        self.left.setStretchFactor(1, 2)
        self.left.setSizes([560, 360])
        top_right = QWidget()
        rv = QVBoxLayout(top_right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(6)
        rv.addWidget(_panel(self.actions))
        rv.addWidget(self.confirms)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setObjectName("rightSplitter")
        self.right.addWidget(top_right)
        top_right.setSizePolicy(top_right.sizePolicy().horizontalPolicy(), QSizePolicy.Policy.Maximum)
        if self.charts is not None:
            self.charts_panel = _panel(self.charts, (4, 4, 4, 4))
            self.right.addWidget(self.charts_panel)
            self.right.setStretchFactor(0, 0)
            self.right.setStretchFactor(1, 1)
            self.right.setSizes([top_right.sizeHint().height(), 800])
        self.main = QSplitter(Qt.Orientation.Horizontal)
        self.main.setObjectName("mainSplitter")
        self.main.addWidget(self.left)
        self.main.addWidget(self.right)
        self.main.setStretchFactor(0, 5)
        self.main.setStretchFactor(1, 4)
        self.main.setSizes([1000, 660])
        root.addWidget(self.main, 1)

        self.status = self.statusBar()
        self.status_left = QLabel("")
        self.status.addWidget(self.status_left, 1)
        self.notify_status = NotifyStatus()  # notification targets down, escalations
        self.notify_status.escalated.connect(self.status_left.setText)
        self.status.addPermanentWidget(self.notify_status)
        self.status_right = QLabel("")
        self.status_right.setMinimumWidth(520)
        self.status_right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status.addPermanentWidget(self.status_right)
        # The status line is written at most once a second: after a language switch, at the next refresh
        # (it stayed in the old language up to a second, and a test caught it doing so).
        keep(self, lambda: setattr(self, "_status_at", 0.0))

        self._make_actions()
        self.help = HelpOverlay(central)
        # The card is built from the actions' names (late: after they are retranslated).  Without the host
        # prompt's rows, as it always was: with them it does not fit 1280×720 yet.
        keep(self, lambda: self.help.set_rows(self.shortcut_sections(host=False)), late=True)
        self.help.closed.connect(self.focus_table)
        self._central = central
        self._init_targets(filters)
        self.host_bar = install_host(self)  # View → Host screen and the host prompt bar (ui/host/desk.py)
        self.fit_to_screen()
        self.restore_layout()
        self._init_truth([self.table_panel, self.alerts_panel]
                         + ([self.charts_panel] if self.charts is not None else []))
        self.bridge.snapshot.connect(self.apply_snapshot)
        self.bridge.coreFailed.connect(lambda e: self.status_left.setText(self.tr("Core stopped: {e}").format(e=e)))

    def _column_menu(self, pos) -> None:
        menu = QMenu(self)
        for i, name in enumerate(COLUMNS):
            if name == "level":
                continue
            a = menu.addAction(self.model.headerData(i, Qt.Orientation.Horizontal))
            a.setCheckable(True)
            a.setChecked(not self.table.isColumnHidden(i))
            a.toggled.connect(lambda on, i=i: self.table.setColumnHidden(i, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def _visible_model_rows(self) -> tuple[int, int] | None:
        # Unfiltered, the proxy keeps the model's rows: view rows are model rows.
        return None if self.proxy.filtering else visible_rows(self.table)

    # --- selection --------------------------------------------------------------------------------------
    def _current_changed(self, current, previous) -> None:
        sku = current.data(SKU_ROLE) if current.isValid() else None
        if sku != self.selected_sku:
            self.selected_sku = sku
            self._update_holds()
            self._update_actions(self.bridge.current)
            self._charts_soon()

    def _charts_soon(self) -> None:
        """Bring the selected SKU's chart in now (not at the next snapshot)."""
        if self.charts is not None and self.bridge.current.ts:
            self._charts_snap = self.bridge.current
            self._charts_timer.start()

    def select_sku(self, sku: str) -> bool:
        """Select a SKU's row (clearing filters that hide it); True if found."""
        row = self.model.row_of(sku)
        if row is None:
            return False
        src = self.model.index(row, 0)
        pix = self.proxy.mapFromSource(src)
        if not pix.isValid():
            self.search.clear()
            self.tier_filter.setCurrentIndex(0)
            self.level_filter.setCurrentIndex(0)
            self.proxy.clear_filters()
            pix = self.proxy.mapFromSource(src)
        self.table.selectionModel().setCurrentIndex(
            pix, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(pix, QAbstractItemView.ScrollHint.EnsureVisible)
        self.selected_sku = sku
        self._update_holds()
        self._update_actions(self.bridge.current)
        self._charts_soon()
        return True

    def jump_to_sku(self, sku: str) -> None:
        if self.select_sku(sku):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.charts is not None:
                self.charts.update_from(self.bridge.current, self.model, self.bridge.history, self.selected_sku,
                                        self.bridge.command_shop_ts, self._tier_label)

    # --- intents -------------------------------------------------------------------------------------------
    def _command(self, op: str, sku: str, qty, weight) -> None:
        # ``sku`` was fixed when the key or button was pressed (ActionsPanel): never looked up again here.
        self.bridge.command(op, sku, qty=qty, weight=weight)
        what = fmt.op_name(op) + (f" +{qty}" if qty else "")
        self.status_left.setText(self.tr("Sent: {what} {sku}").format(what=what, sku=sku))
        self.actions.update_commands(self.bridge.current, self.bridge.pending_local(sku))
        self.after_command(op, sku, qty, weight)

    def open_settings(self) -> None:
        from ui.desk.settings_dialog import SettingsDialog

        if self._dialog is not None and self._dialog.isVisible():
            self._dialog.raise_()
            self._dialog.activateWindow()
            return
        skus = sorted((v.sku, v.name, v.tier) for v in self.bridge.current.skus)
        self._dialog = SettingsDialog(self.bridge.settings, skus, self, notify_status=self.bridge.current.notify)
        from ui.desk.display_tab import DisplayTab  # the desk's own preferences: theme, language
        self._dialog.tabs.addTab(DisplayTab(self.store, self._dialog), self.tr("Display"))
        self._dialog.applied.connect(self._settings_applied)
        self._dialog.finished.connect(lambda _r: self.focus_table())
        self._dialog.show()

    def _settings_applied(self, settings) -> None:
        self.bridge.update_settings(settings)
        self.status_left.setText(self.tr("Settings sent to the core; they apply at once and are logged."))

    # --- the refresh ------------------------------------------------------------------------------------------
    def _tier_label(self, sku: str, shop_tier: str) -> str:
        return fmt.tier_name(self.model.tier_of(sku) or shop_tier)

    def apply_snapshot(self, snap) -> None:
        """Everything the desk shows, from one snapshot."""
        t0 = time.perf_counter()
        settings = self.bridge.settings
        tier_of = settings.tier_of if settings is not None else None
        self.model.set_now(snap.ts)
        self.model.update(snap.skus, tier_of, held=snap.held_frozen())
        t1 = time.perf_counter()
        key = (len(snap.skus), snap.skus[0].sku if snap.skus else None, self.model.resets)
        if key != self._names_key:
            self._names = {v.sku: v.name for v in snap.skus}
            self._names_key = key
        core_error = repr(self.bridge.session.error) if getattr(self.bridge.session, "error", None) else None
        self.header.update_from(snap, core_error=core_error)
        was = self.banner.isVisible()
        self.banner.update_from(snap)
        if self.banner.isVisible() and not was:
            self._place_banner()
        self.confirms.update_from(snap)
        self.channels.update_from(snap, settings)
        self.notify_status.update_from(snap)
        self._update_actions(snap)
        self._update_more_urgent()
        shown = self.proxy.rowCount()
        total = self.model.rowCount()
        text = (self.tr("{shown} of {total}").format(shown=shown, total=total)
                if shown != total else self.tr("{total} SKUs").format(total=total))
        if self.count_label.text() != text:
            self.count_label.setText(text)
        if snap.settings_version != self._settings_version:
            if self._settings_version is not None:
                self.status_left.setText(self.tr("Settings applied (version {v}).").format(v=snap.settings_version))
            self._settings_version = snap.settings_version
        now = time.monotonic()
        if now - self._status_at >= 1.0:  # once a second is enough for the status line
            self._status_at = now
            f = snap.feed
            self.status_right.setText(self.tr("snapshot {v} · {events} events · refresh {ms:.1f} ms · sound: {snd}{mute}")
                                      .format(v=snap.version, events=fmt.count(f.events),
                                              ms=self.timings.get("total_ms", 0.0), snd=self.sound.backend,
                                              mute=self.tr(" (muted)") if self.sound.muted else ""))
        t4 = time.perf_counter()
        self.timings = {"table_ms": (t1 - t0) * 1000, "panels_ms": (t4 - t1) * 1000,
                        "alerts_ms": 0.0, "charts_ms": self.timings.get("charts_ms", 0.0)}
        self._sum_timings()
        self._later_snap = snap
        self._later_steps = ["alerts"]
        if self.charts is not None and self.charts.isVisible():
            self._later_steps.append("charts")
        self._later_timer.start()

    def _sum_timings(self) -> None:
        t = self.timings
        t["total_ms"] = t["table_ms"] + t["panels_ms"] + t.get("alerts_ms", 0.0) + t["charts_ms"]

    def _apply_later(self) -> None:
        """The next step of the refresh started by :meth:`apply_snapshot` (one per event-loop task)."""
        snap = self._later_snap
        if snap is None or not self._later_steps:
            return
        step = self._later_steps.pop(0)
        t0 = time.perf_counter()
        if step == "alerts":
            self.alerts.update_from(snap, self._names)
        else:
            self.charts.update_from(snap, self.model, self.bridge.history, self.selected_sku,
                                    self.bridge.command_shop_ts, self._tier_label)
        self.timings[f"{step}_ms"] = (time.perf_counter() - t0) * 1000
        self._sum_timings()
        if self._later_steps:
            self._later_timer.start()
        else:
            self._later_snap = None
            self._done()

    def _apply_charts(self) -> None:
        snap, self._charts_snap = self._charts_snap, None
        if snap is None:
            return
        t0 = time.perf_counter()
        self.charts.update_from(snap, self.model, self.bridge.history, self.selected_sku,
                                self.bridge.command_shop_ts, self._tier_label)
        self.timings["charts_ms"] = (time.perf_counter() - t0) * 1000
        self._sum_timings()
        self._done()

    def _done(self) -> None:
        self.refresh_count += 1
        self.refreshed.emit(self.timings["total_ms"])

    def _update_actions(self, snap) -> None:
        v = self.model.view_of(self.selected_sku) if self.selected_sku else None
        self.actions.set_sku(v, self.model.tier_of(self.selected_sku) if v else None)
        self.actions.update_commands(snap, self.bridge.pending_local(self.selected_sku) if v else [])

    def _place_banner(self) -> None:
        c = self._central
        h = max(self.banner.sizeHint().height(), 40)
        self.banner.setGeometry(12, c.height() - h - 8, c.width() - 24, h)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._place_banner()
        self.toasts.place()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self._place_banner()

    def _jump_from_outside(self, sku: str) -> None:
        """A desktop notification was clicked: bring the desk up on that SKU."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        self.jump_to_sku(sku)

    def closeEvent(self, ev) -> None:
        if self.channels.desktop is not None:
            self.channels.desktop.stop(0.5)
        self.save_layout()
        super().closeEvent(ev)

    def sizeHint(self) -> QSize:
        return QSize(1600, 960)
