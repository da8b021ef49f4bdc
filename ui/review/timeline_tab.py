"""Timeline tab: viewers and order rate over the whole show, featured periods, alerts and actions; a scrub cursor.

The x axis is minutes of show (from the first event).  Mouse wheel zooms, dragging pans
(pyqtgraph); the cursor line (drag it, click a plot, or use the slider) sets the moment
whose state of every SKU the table beside shows (:class:`controlroom.review.scrub.Scrubber`).
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QGraphicsItem, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QSlider,
                               QSplitter, QTableView, QVBoxLayout, QWidget)

from controlroom.review.scrub import Scrubber
from ui import fmt, theme
from ui.plots import adopt_plot_menus
from ui.review.models import PlainCellDelegate, RowsModel
from ui.review.workers import IndexWorker

LEVEL_Y = {"watch": 1, "warning": 2, "critical": 3, "lost_sales": 2.5, "feed": 0.5}


class TimelineTab(QWidget):
    """The show as a video: ``seek(ts)`` moves the cursor; ``cursor_moved(ts)`` says where it is."""

    cursor_moved = Signal(float)
    sku_picked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ov = None
        self.scrubber: Scrubber | None = None
        self.t0 = 0.0
        # (No global pg.setConfigOptions here: it would switch antialiasing on for a desk in the same process.)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground(theme.CHART_BG)
        self.p_view = self.plots.addPlot(row=0, col=0)
        self.p_rate = self.plots.addPlot(row=1, col=0)
        self.p_marks = self.plots.addPlot(row=2, col=0)
        adopt_plot_menus(self.plots)
        self.plots.ci.layout.setRowStretchFactor(0, 2)
        self.plots.ci.layout.setRowStretchFactor(1, 3)
        self.plots.ci.layout.setRowStretchFactor(2, 1)
        for p, label in ((self.p_view, self.tr("viewers")), (self.p_rate, self.tr("units ordered / min")),
                         (self.p_marks, "")):
            p.showGrid(x=True, y=True, alpha=0.25)
            if label:
                p.setLabel("left", label, color=theme.MUTED)
            p.setMouseEnabled(x=True, y=False)
            p.getAxis("left").setWidth(72)
        self.p_rate.setXLink(self.p_view)
        self.p_marks.setXLink(self.p_view)
        self.p_marks.setLabel("bottom", self.tr("minutes of show"), color=theme.MUTED)
        self.p_marks.setYRange(0, 4)
        self.p_marks.getAxis("left").setTicks([[(0.4, self.tr("action")), (1, self.tr("watch")),
                                                (2, self.tr("warning")), (3, self.tr("critical"))]])
        self.cursors = []
        for p in (self.p_view, self.p_rate, self.p_marks):
            line = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen(theme.ACCENT, width=2))
            line.sigPositionChanged.connect(self._line_moved)
            p.addItem(line, ignoreBounds=True)  # moving it must not re-measure every item for auto-range
            self.cursors.append(line)
            p.scene().sigMouseClicked.connect(self._clicked)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 1000)
        self.slider.valueChanged.connect(self._slid)
        self.when = QLabel()
        self.when.setStyleSheet(f"color: {theme.TEXT}; font-weight: 600;")
        self.model = RowsModel([self.tr("SKU"), self.tr("Stock"), self.tr("Sold"), self.tr("Level"),
                                self.tr("Rate /min"), self.tr("Sell-out in"), self.tr("Frozen")], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(PlainCellDelegate(self.model, self.table))  # every cell repaints each frame
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # sized once per show (ResizeToContents would measure every cell on every frame of a scrub)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(lambda i: self.sku_picked.emit(self.model.rows[i.row()][0]))
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.plots, 1)
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        lv.addLayout(row)
        # a log without scrub checkpoints (schema 3): they are built once in the background
        self.index_worker: IndexWorker | None = None
        self.index_label = QLabel()
        self.index_label.setStyleSheet(f"color: {theme.MUTED};")
        self.index_bar = QProgressBar()
        self.index_bar.setRange(0, 1000)
        self.index_bar.setMaximumHeight(14)
        self.index_bar.setTextVisible(False)
        self.index_row = QWidget()
        ir = QHBoxLayout(self.index_row)
        ir.setContentsMargins(0, 0, 0, 0)
        ir.addWidget(self.index_label)
        ir.addWidget(self.index_bar, 1)
        self.index_row.hide()
        lv.addWidget(self.index_row)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.when)
        rv.addWidget(self.table, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self._moving = False
        self.cursor_ts: float | None = None
        self.gaps: list[tuple[float, float]] = []  # (from, to) minutes of show with nothing logged

    # ------------------------------------------------------------------ data
    def show_overview(self, ov) -> None:
        self.ov = ov
        self.scrubber = Scrubber(ov)
        self.t0 = ov.t0 or 0.0
        for p in (self.p_view, self.p_rate, self.p_marks):
            for it in list(p.items):
                if it not in self.cursors:
                    p.removeItem(it)
        rv = ov.review
        mins = [r[0] + 1 for r in ov.room_minutes]  # a minute's row closes at its end
        view_max = [r[6] or 0 for r in ov.room_minutes]
        # Whole minutes with nothing logged (the core was down, the feed cut off): shown as such, and the
        # viewers line is broken there, not drawn straight across as if the room had been watched.
        self.gaps = [(a, b - 1) for a, b in zip(mins, mins[1:]) if b - a > 1]
        cuts = [0] + [i + 1 for i, (a, b) in enumerate(zip(mins, mins[1:])) if b - a > 1] + [len(mins)]
        for i, j in zip(cuts, cuts[1:]):
            self.p_view.plot(mins[i:j], view_max[i:j], pen=pg.mkPen(theme.VIEWERS, width=2), fillLevel=0,
                             brush=pg.mkBrush(60, 185, 208, 40), antialias=True)
        for a, b in self.gaps:
            for p in (self.p_view, self.p_rate):
                reg = pg.LinearRegionItem((a, b), movable=False, brush=pg.mkBrush(*theme.NO_DATA),
                                          pen=pg.mkPen(None))
                reg.setZValue(-5)
                p.addItem(reg)
            t = pg.TextItem(self.tr("no data"), color=theme.MUTED, anchor=(0.5, 1))
            t.setPos((a + b) / 2.0, max(view_max or [0]) / 2.0)
            self.p_view.addItem(t)
        prev = 0
        rate_x, rate_y = [], []
        for r in ov.room_minutes:
            rate_x.append(r[0] + 0.5)
            rate_y.append(r[2] - prev)
            prev = r[2]
        self.p_rate.addItem(pg.BarGraphItem(x=rate_x, height=rate_y, width=0.9, brush=pg.mkBrush(theme.ORDERS),
                                            pen=pg.mkPen(None)))
        # featured periods: runs of one featured SKU
        runs, cur, start, last = [], None, None, None
        for r in ov.room_minutes:
            f = r[7]
            hole = last is not None and r[0] - last > 1  # nothing logged in between: not known as featured
            if f != cur or hole:
                if cur is not None:
                    runs.append((start, last + 1 if hole else r[0], cur))
                cur, start = f, r[0]
            last = r[0]
        if cur is not None and ov.room_minutes:
            runs.append((start, ov.room_minutes[-1][0] + 1, cur))
        for a, b, sku in runs:
            for p in (self.p_view, self.p_rate):
                reg = pg.LinearRegionItem((a, b), movable=False, brush=pg.mkBrush(*theme.FEATURED),
                                          pen=pg.mkPen(None))
                reg.setZValue(-10)
                p.addItem(reg)
            t = pg.TextItem(sku, color=theme.MUTED, anchor=(0, 0))
            t.setPos(a, max(view_max or [0]))
            self.p_view.addItem(t)
        xs, ys, brushes, tips = [], [], [], []
        for ts, level, sku in rv.alerts.fired:
            xs.append((ts - self.t0) / 60.0)
            ys.append(LEVEL_Y.get(level, 1))
            brushes.append(pg.mkBrush(theme.level_color(level)))
            tips.append(f"{sku} {level}")
        self.alert_marks = pg.ScatterPlotItem(xs, ys, brush=brushes, size=9, pen=pg.mkPen(None), symbol="o",
                                              data=tips)
        self.p_marks.addItem(self.alert_marks)
        ax = [(a.ts - self.t0) / 60.0 for a in rv.actions if a.ts is not None]
        self.action_marks = pg.ScatterPlotItem(ax, [0.4] * len(ax), brush=pg.mkBrush(theme.ACTION), size=11,
                                               symbol="t1", pen=pg.mkPen(None))
        self.p_marks.addItem(self.action_marks)
        # Sell-outs as thin red lines on the rate chart: one item drawing every line as a pair of points
        # (a big show has hundreds; one InfiniteLine each cost ~0.7 ms of every repaint while scrubbing).
        so_x = [(so.ts - self.t0) / 60.0 for so in rv.alerts.sellouts]
        if so_x:
            top = max(rate_y or [1]) or 1
            self.p_rate.addItem(pg.PlotCurveItem(
                [x for x in so_x for _ in (0, 1)], [y for _ in so_x for y in (0, top)], connect="pairs",
                pen=pg.mkPen(theme.LEVEL_COLORS["critical"], width=1, style=Qt.PenStyle.DotLine)))
        # Only the cursor moves while scrubbing: everything else repaints from a cached picture.
        for p in (self.p_view, self.p_rate, self.p_marks):
            for it in p.items:
                if it not in self.cursors:
                    it.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            for name in ("left", "bottom"):  # axes replay a QPicture on every repaint otherwise
                p.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        span = max(1.0, (rv.stock.t1 or self.t0) - self.t0) / 60.0
        self.p_view.setXRange(0, span, padding=0.01)
        for p in (self.p_view, self.p_rate):  # the data is fixed: measure it once, not on every repaint
            p.enableAutoRange(y=True)
            p.vb.updateAutoRange()
            p.disableAutoRange()
        self.seek(self.t0 + span * 30.0)
        self.table.resizeColumnsToContents()
        self._index(ov)

    # ------------------------------------------------------------------ scrub checkpoints
    def _index(self, ov) -> None:
        """No checkpoints in the log (schema 3): build them once in the background (scrubbing reads the
        minute rows meanwhile, slower on a long show); a live log is left as it is."""
        self.stop_indexing()
        if self.scrubber.checkpoints or ov.live:
            return
        w = IndexWorker(ov, self)
        self.index_worker = w
        w.progress.connect(self._index_progress)
        w.done.connect(lambda o, w=w: self._indexed(w, o))
        w.failed.connect(lambda msg, w=w: self._index_ended(w))
        self._index_progress(0, 0)
        self.index_row.show()
        w.start()

    def stop_indexing(self) -> None:
        """Cancel a checkpoint build still running (another log opened, the window closing)."""
        w, self.index_worker = self.index_worker, None
        if w is not None:
            w.cancel()
            w.wait()
            w.deleteLater()
        self.index_row.hide()

    def _index_progress(self, done: int, total: int) -> None:
        self.index_label.setText(self.tr("Indexing the show for scrubbing (once): {done} of {total} events").format(
            done=f"{done:,}", total=f"{total:,}"))
        self.index_bar.setValue(int(done * 1000 / total) if total else 0)

    def _indexed(self, w, ov) -> None:
        if w is not self.index_worker:  # a build for a log no longer shown
            return
        self._index_ended(w)
        if ov is self.ov:
            self.scrubber = Scrubber(ov)
            if self.cursor_ts is not None:
                self._show_state(self.cursor_ts)

    def _index_ended(self, w) -> None:
        if w is self.index_worker:
            self.index_worker = None
            w.wait()
            w.deleteLater()
            self.index_row.hide()

    # ------------------------------------------------------------------ cursor
    def seek(self, ts: float) -> None:
        """Move the cursor to shop time ``ts`` and show every SKU's state there."""
        if self.scrubber is None:
            return
        t1 = self.ov.t1 or self.t0
        ts = min(max(ts, self.t0), t1)
        self.cursor_ts = ts
        x = (ts - self.t0) / 60.0
        self._moving = True
        try:
            for c in self.cursors:
                c.setValue(x)
            span = max(1e-9, t1 - self.t0)
            self.slider.setValue(int(round((ts - self.t0) / span * 1000)))
        finally:
            self._moving = False
        self._show_state(ts)
        self.cursor_moved.emit(ts)

    def _show_state(self, ts: float) -> None:
        states = self.scrubber.state_at(ts)
        self.states = states
        self.when.setText(self.tr("At {clock} ({rel} into the show)").format(
            clock=fmt.shop_time(ts), rel=fmt.duration(ts - self.t0)))
        rows, colors = [], []
        for s in states:
            rows.append((s.sku, s.available, s.sold, fmt.level_name(s.level), fmt.rate(s.rate_per_min),
                         fmt.duration(s.predicted_sellout_s), self.tr("frozen") if s.frozen else ""))
            lc = theme.level_text(s.level) if s.level != "ok" else None
            colors.append([None, theme.level_text("critical") if s.available <= 0 else None, None, lc, None, lc,
                           theme.level_text("warning") if s.frozen else None])
        self.model.update_rows(rows, colors)

    def _line_moved(self, line) -> None:
        if self._moving:
            return
        self.seek(self.t0 + line.value() * 60.0)

    def _slid(self, v: int) -> None:
        if self._moving or self.ov is None:
            return
        t1 = self.ov.t1 or self.t0
        self.seek(self.t0 + (t1 - self.t0) * v / 1000.0)

    def _clicked(self, ev) -> None:
        vb = self.p_rate.vb
        pos = ev.scenePos()
        for p in (self.p_view, self.p_rate, self.p_marks):
            if p.sceneBoundingRect().contains(pos):
                vb = p.vb
                self.seek(self.t0 + vb.mapSceneToView(pos).x() * 60.0)
                return
