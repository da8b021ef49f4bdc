"""The desk's chart area (pyqtgraph): the selected SKU and the most urgent others, then the room beneath.

Which SKU each chart shows is decided here (:meth:`ChartsPanel.assign`); each
chart is a :class:`~ui.desk.sku_chart.SkuChart`, the room charts beneath are
:class:`~ui.desk.room_charts.RoomCharts`.  What keeps redrawing cheap: see
:mod:`ui.desk.chart_parts`.
"""
from __future__ import annotations

import time

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from ui.plots import adopt_plot_menus
from ui.desk.chart_parts import GRID_COLS, MAX_CHARTS, RESHUFFLE_EVERY_S, SLIDE_GROUPS, SWITCHES_PER_REFRESH, \
    configure_pyqtgraph
from ui.desk.room_charts import RoomCharts
from ui.desk.sku_chart import SkuChart
from ui.retranslate import keep


def _on_screen(w: QWidget) -> bool:
    """Shown with some room (a splitter pane dragged shut is 0 px high), and its window not minimised."""
    return w.isVisible() and w.height() > 1 and w.width() > 1 and not w.window().isMinimized()


class ChartsPanel(QWidget):
    """A grid of SKU charts over the room charts, in a vertical splitter."""

    skuClicked = Signal(str)
    reopened = Signal()  # the SKU charts' pane got room again after being shut: they want a redraw now

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        configure_pyqtgraph()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("chartsSplitter")
        self.grid_view = pg.GraphicsLayoutWidget()
        self.grid_view.ci.layout.setSpacing(2)
        self.grid_view.ci.setContentsMargins(2, 2, 2, 2)
        self.charts = [SkuChart(self.grid_view.ci, i // GRID_COLS, i % GRID_COLS) for i in range(MAX_CHARTS)]
        self.room_view = pg.GraphicsLayoutWidget()
        self.room_view.ci.setContentsMargins(2, 2, 2, 2)
        self.room = RoomCharts(self.room_view.ci)
        for v in (self.grid_view, self.room_view):
            adopt_plot_menus(v)
            # Opaque viewports: a chart update repaints the chart, not every parent underneath it.
            v.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
            v.setFrameShape(v.Shape.NoFrame)
        self.splitter.addWidget(self.grid_view)
        self.splitter.addWidget(self.room_view)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([600, 160])
        lay.addWidget(self.splitter)
        self.grid_view.scene().sigMouseClicked.connect(self._clicked)
        self.grid_view.installEventFilter(self)
        keep(self, self._words)
        self.updates = 0
        self._plan: list = [None] * MAX_CHARTS
        self._plan_at = 0.0
        self._plan_selected = None
        self._stale = False  # the SKU charts were skipped while off screen

    def eventFilter(self, obj, ev) -> bool:
        # Charts skipped while their pane was shut (see update_from) are redrawn as soon as it opens, not
        # only at the next snapshot (a stalled core sends none).
        if (self._stale and obj is self.grid_view and ev.type() == QEvent.Type.Resize
                and ev.oldSize().height() <= 1 < ev.size().height()):
            self.reopened.emit()
        return False

    def _words(self) -> None:
        """The room charts' titles, and again after a language switch with every axis' labels ("now", "+10m")
        and the SKU charts' titles (their cached pictures are in the old language until redrawn)."""
        self.room.set_titles(self.tr("Room viewers"), self.tr("Orders per minute (featured periods shaded)"))
        for view in (self.grid_view, self.room_view):
            for item in view.scene().items():
                if isinstance(item, pg.AxisItem):
                    item.picture = None
                    item.update()
        for c in self.charts:
            c._title = c._title_key = None  # the next refresh writes each title afresh (in the new language)

    def _clicked(self, ev) -> None:
        pos = ev.scenePos()
        for c in self.charts:
            if c.sku and c.visible and c.plot.sceneBoundingRect().contains(pos):
                self.skuClicked.emit(c.sku)
                return

    def assign(self, selected: str | None, urgent: list[str]) -> list[str | None]:
        """Which SKU each chart shows: slot 0 the selected SKU, then the most urgent, keeping places."""
        want = [s for s in urgent if s != selected][: MAX_CHARTS - (1 if selected else 0)]
        slots: list[str | None] = [c.sku for c in self.charts]
        out: list[str | None] = [None] * MAX_CHARTS
        first = 0
        if selected:
            out[0] = selected
            first = 1
        keep = set(want)
        for i in range(first, MAX_CHARTS):
            if slots[i] in keep and slots[i] not in out:
                out[i] = slots[i]
        placed = set(x for x in out if x)
        it = iter([s for s in want if s not in placed])
        for i in range(first, MAX_CHARTS):
            if out[i] is None:
                out[i] = next(it, None)
        return out

    def update_from(self, snap, model, history, selected: str | None, command_ts: dict, tier_label) -> None:
        """Redraw every chart from the snapshot (``history(sku) -> (ts, available)``)."""
        now = snap.ts
        if not now:
            return
        # Charts only for what is on screen: a pane the operator dragged shut (or a hidden window) is not
        # redrawn, and its SKUs' histories stop being asked for; it catches up on the next refresh it shows.
        if _on_screen(self.room_view):
            self.room.update(snap.room_series, snap.featured_periods, now)
        turn = self.updates  # which group of charts may slide its view this time (SLIDE_GROUPS)
        self.updates += 1
        if not _on_screen(self.grid_view):
            self._stale = True  # when shown again, every chart slides to now at once (no turns)
            return
        stale, self._stale = self._stale, False
        sel = selected if model.view_of(selected or "") is not None else None
        mono = time.monotonic()
        if (sel != self._plan_selected or mono - self._plan_at >= RESHUFFLE_EVERY_S
                or any(s and model.view_of(s) is None for s in self._plan)):
            # Charts that hop between SKUs ten times a second cannot be read: the urgent set is
            # re-chosen every few seconds (and at once when the selection changes).
            urgent = [v.sku for v in snap.skus[:MAX_CHARTS]]  # the core's urgency order
            self._plan = self.assign(sel, urgent)
            self._plan_at = mono
            self._plan_selected = sel
        # Switch at most a few charts per refresh (the selected chart first): a chart that changes SKU
        # loads its whole history and re-renders its axes and title.
        plan = [c.sku for c in self.charts]
        budget = SWITCHES_PER_REFRESH
        for i, want in enumerate(self._plan):
            if plan[i] != want and (budget > 0 or i == 0):
                plan[i] = want
                budget -= 1
        plan = [p if p is None or model.view_of(p) is not None else None for p in plan]
        shown = set(plan)
        alerts: dict[str, list] = {}
        for a in snap.alerts:
            if a.sku in shown:
                alerts.setdefault(a.sku, []).append((a.since_ts, a.level, False))
        for a in snap.history:
            if a.sku in shown:
                lst = alerts.setdefault(a.sku, [])
                lst.append((a.since_ts, a.level, False))
                if a.ended_ts:
                    lst.append((a.ended_ts, a.level, True))
        actions: dict[str, list] = {}
        for c in snap.commands:
            if c.sku in shown and c.state == "acked":
                t = command_ts.get(c.id)
                if t is not None:
                    actions.setdefault(c.sku, []).append(t)
        for i, (chart, sku) in enumerate(zip(self.charts, plan)):
            v = model.view_of(sku) if sku else None
            if v is None:
                chart.clear()
                continue
            ts, vals = history(sku)
            chart.update(v, ts, vals, now, selected=(i == 0 and sku == selected), tier_label=tier_label(sku, v.tier),
                         alerts=alerts.get(sku, []), actions=actions.get(sku, []), featured=snap.featured_periods,
                         may_slide=stale or i % SLIDE_GROUPS == turn % SLIDE_GROUPS)

    def shown_skus(self) -> list[str]:
        return [c.sku for c in self.charts if c.sku and c.visible]
