"""Burn-down charts (pyqtgraph): the selected SKU and the most urgent others, then the room beneath.

Each SKU chart shows available stock over the last 30 minutes of shop time (a
step line), the forecast band ahead to sell-out (expected and pessimistic
lines with the band between), the warning line and safety stock, alert
transitions (triangles, coloured by level; hollow grey = ended) and actions
(blue diamonds) marked on the time axis, and the SKU's featured periods
shaded.  Beneath: room viewers and order rate, all featured periods shaded.

Drawing is kept cheap, because it runs on the GUI thread 10-15 times a second:

* data stay in shop time (absolute seconds): the history curve gets new data
  only when the SKU's history grows, markers and shading only when they
  change; "now" advancing just slides the view range;
* the time axis is a separate, *static* axis in minutes relative to now
  (-30 … +10/20/30), unlinked from the view, so its picture is cached; the
  y range moves in "nice" steps with hysteresis, so the left axis is cached
  too (``DeviceCoordinateCache`` on axes and titles);
* preallocated numpy buffers refilled in place for ``setData``; antialiasing
  off, width-1 cosmetic pens, ``clipToView`` and peak downsampling; no
  autorange.
"""
from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem, QSplitter, QVBoxLayout, QWidget

from ui import theme

HISTORY_S = 1800.0  # 30 minutes of shop time behind "now"
AHEAD_CHOICES_MIN = (10.0, 20.0, 30.0)  # forecast room ahead of now, chosen from the sell-out time
CAP = 4096  # samples kept per SKU chart (step buffers hold 2x)
MAX_CHARTS = 9  # the selected SKU + 8 most urgent
GRID_COLS = 3
REGIONS = 4  # featured periods shaded per SKU chart
ROOM_REGIONS = 16
RESHUFFLE_EVERY_S = 3.0  # the urgent charts change SKUs at most this often (the selected one at once)
SWITCHES_PER_REFRESH = 2  # a new plan is brought in a few charts per refresh: no spike on the GUI thread
_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache

_configured = False


def configure_pyqtgraph() -> None:
    global _configured
    if _configured:
        return
    pg.setConfigOptions(antialias=False, background=theme.CHART_BG, foreground=theme.MUTED, useOpenGL=False,
                        imageAxisOrder="row-major")
    _configured = True


def _free_width(label) -> None:
    """Keep a pyqtgraph title from sizing its column: pyqtgraph resets the minimum to the text width on
    every resize, so a long title would widen the grid past its view."""
    orig = label.updateMin

    def update_min():
        orig()
        label.setMinimumWidth(0)
        h = label._sizeHint.get(Qt.SizeHint.PreferredSize, (0, 0))[1]
        label._sizeHint[Qt.SizeHint.PreferredSize] = (0, h)
        label._sizeHint[Qt.SizeHint.MinimumSize] = (0, h)
        label.updateGeometry()

    label.updateMin = update_min


def _pen(color, width=1, style=Qt.PenStyle.SolidLine):
    p = pg.mkPen(color=color, width=width, style=style)
    p.setCosmetic(True)
    return p


def nice_ceiling(x: float) -> float:
    """The next 1, 2, 2.5, 5 x 10^k at or above ``x``."""
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * e >= x:
            return m * e
    return 10.0 * e


def _minutes_label(v: float) -> str:
    if abs(v) < 1e-6:
        return QCoreApplication.translate("Charts", "now")
    return QCoreApplication.translate("Charts", "{m}m").format(m=f"{v:+.0f}")


class RelativeTimeAxis(pg.AxisItem):
    """Bottom axis in minutes relative to now; static (not linked to the view), so its picture is cached."""

    def tickSpacing(self, minVal, maxVal, size):
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return []
        major = 10.0 if span / 10.0 <= max(2.0, size / 60.0) else 20.0
        return [(major, 0)]

    def tickStrings(self, values, scale, spacing):
        return [_minutes_label(v) for v in values]


def _style_axis(ax) -> None:
    ax.setPen(_pen(theme.BORDER))
    ax.setTextPen(_pen(theme.MUTED))
    ax.setCacheMode(_CACHE)


class SkuChart:
    """One SKU's burn-down plot inside a GraphicsLayout."""

    def __init__(self, layout: pg.GraphicsLayout, row: int, col: int) -> None:
        self.sku: str | None = None
        self.axis = RelativeTimeAxis(orientation="bottom")
        self.plot = p = layout.addPlot(row=row, col=col, axisItems={"bottom": self.axis})
        self.axis.unlinkFromView()
        p.setMouseEnabled(False, False)
        p.setMenuEnabled(False)
        p.hideButtons()
        _free_width(p.titleLabel)
        p.titleLabel.setCacheMode(_CACHE)
        p.showGrid(x=False, y=True, alpha=0.18)
        p.setClipToView(True)
        p.setDownsampling(auto=True, mode="peak")
        p.getAxis("left").setWidth(44)
        _style_axis(p.getAxis("left"))
        _style_axis(self.axis)
        vb = p.getViewBox()
        vb.disableAutoRange()
        vb.setBorder(_pen(theme.BORDER))
        self.regions = []
        for _ in range(REGIONS):
            r = pg.LinearRegionItem(values=(0, 1), movable=False, brush=pg.mkBrush(*theme.FEATURED),
                                    pen=pg.mkPen(None))
            r.setZValue(-20)
            r.hide()
            p.addItem(r, ignoreBounds=True)
            self.regions.append(r)
        self.warning = pg.InfiniteLine(angle=0, pen=_pen(theme.LEVEL_COLORS["warning"], 1, Qt.PenStyle.DashLine))
        self.safety = pg.InfiniteLine(angle=0, pen=_pen(theme.LEVEL_COLORS["critical"], 1, Qt.PenStyle.DotLine))
        self.now_line = pg.InfiniteLine(angle=90, pen=_pen(theme.MUTED, 1))
        for ln in (self.warning, self.safety, self.now_line):
            p.addItem(ln, ignoreBounds=True)
        self.expected = pg.PlotCurveItem(pen=_pen(theme.FORECAST, 1, Qt.PenStyle.DashLine))
        self.pessimistic = pg.PlotCurveItem(pen=_pen(theme.FORECAST, 1, Qt.PenStyle.DotLine))
        self.band = pg.FillBetweenItem(self.expected, self.pessimistic, brush=pg.mkBrush(*theme.BAND))
        self.band.setZValue(-10)
        p.addItem(self.band)
        p.addItem(self.expected)
        p.addItem(self.pessimistic)
        self.curve = pg.PlotDataItem(pen=_pen(theme.CURVE, 1), clipToView=True, autoDownsample=True,
                                     downsampleMethod="peak", skipFiniteCheck=True)
        p.addItem(self.curve)
        self.alert_marks = pg.ScatterPlotItem(size=9, symbol="t1", pen=None, pxMode=True)
        self.action_marks = pg.ScatterPlotItem(size=8, symbol="d", pen=_pen("#0d1117"),
                                               brush=pg.mkBrush(theme.ACTION), pxMode=True)
        p.addItem(self.alert_marks)
        p.addItem(self.action_marks)
        # Preallocated buffers: refilled in place.
        self.xbuf = np.empty(2 * CAP + 2)
        self.ybuf = np.empty(2 * CAP + 2)
        self.fx = np.empty(2)
        self.fy = np.empty(2)
        self.px = np.empty(2)
        self.py = np.empty(2)
        self._title = None
        self._hist_key = None
        self._fc_key = None
        self._marks_key = None
        self._actions_key = None
        self._regions_key = None
        self._lines_key = None
        self._ymax = 0.0
        self._ahead = None
        self._view_now = None
        self._view_sku = None
        self._move_view = True
        self._xrange = None
        self.visible = True
        self._brushes = {lvl: pg.mkBrush(c) for lvl, c in theme.LEVEL_COLORS.items()}
        self._hollow = pg.mkBrush(theme.MUTED)
        self.set_visible(False)

    def set_visible(self, on: bool) -> None:
        # Plots stay in the layout (hiding one collapses the grid); an empty slot is just blank.
        for item in (self.curve, self.expected, self.pessimistic, self.band, self.warning, self.safety,
                     self.now_line, self.alert_marks, self.action_marks):
            item.setVisible(on)
        if not on:
            for r in self.regions:
                r.hide()
            self._regions_key = None
            self.set_title("")
        self.visible = on

    def set_title(self, html: str) -> None:
        if html != self._title:
            self._title = html
            self.plot.setTitle(html, size="9pt")

    def clear(self) -> None:
        self.sku = None
        self._hist_key = self._fc_key = self._marks_key = self._actions_key = None
        if self.visible:
            self.set_visible(False)

    def update(self, v, ts_hist: np.ndarray, val_hist: np.ndarray, now: float, *, selected: bool, tier_label: str,
               alerts: list, actions: list, featured: list) -> None:
        """Redraw for SkuView ``v``; ``alerts``: (ts, level, ended); ``actions``: shop ts list."""
        if v.sku != self.sku:
            self._hist_key = self._fc_key = self._marks_key = self._actions_key = self._regions_key = None
            self._lines_key = None
        self.sku = v.sku
        if not self.visible:
            self.set_visible(True)
        # "Now" advances the view in whole pixels only: between steps the view does not move, and a
        # refresh repaints just what changed (the forecast lines), not the whole chart.
        span = HISTORY_S + (self._ahead or AHEAD_CHOICES_MIN[0]) * 60.0
        px_s = span / max(self.plot.vb.width(), 50.0)
        if self._view_now is None or abs(now - self._view_now) >= px_s or v.sku != self._view_sku:
            self._view_now = now
            self._view_sku = v.sku
            self._move_view = True
        now = self._view_now
        t0 = now - HISTORY_S
        a = float(v.available)
        # --- history: the step line (new data only when the history grew) ---
        n = len(ts_hist)
        hist_key = (n, float(ts_hist[-1]) if n else 0.0, float(val_hist[-1]) if n else 0.0)
        ymax_hist = self._ymax_hist if hist_key == self._hist_key else None
        if hist_key != self._hist_key:
            self._hist_key = hist_key
            if n:
                start = int(np.searchsorted(ts_hist, t0 - 60.0, side="right")) - 1
                start = max(start, 0, n - CAP)
                ts = ts_hist[start:]
                vals = val_hist[start:]
                k = len(ts)
                xb, yb = self.xbuf, self.ybuf
                # x: t0, t1, t1, t2, t2, ..., t(k-1), far ; y: v0, v0, v1, v1, ..., v(k-1), v(k-1)
                xb[0:2 * k:2] = ts
                xb[1:2 * k - 1:2] = ts[1:]
                xb[2 * k - 1] = ts[-1] + 3600.0  # the last value holds to (past) now; the view clips it
                yb[0:2 * k:2] = vals
                yb[1:2 * k:2] = vals
                self.curve.setData(xb[:2 * k], yb[:2 * k])
                ymax_hist = float(vals.max())
            else:
                self.curve.setData([], [])
                ymax_hist = 0.0
            self._ymax_hist = ymax_hist
        # --- y range: nice steps with hysteresis, so the left axis stays cached ---
        # The stock line must stay readable: a warning line far above the stock (a flash lot
        # whose 15-minute demand dwarfs what is left) is left off the scale rather than
        # squashing the curve into the bottom pixels; the table still shows it.
        stock_top = max(ymax_hist, a, v.safety_stock * 1.5, 10.0)
        warn_top = v.warning_line * 1.15
        need = max(stock_top, warn_top if warn_top <= stock_top * 3 else 0.0) * 1.05
        if need > self._ymax or need < self._ymax * 0.45:
            self._ymax = nice_ceiling(need)
            self.plot.setYRange(0, self._ymax, padding=0)
            self._regions_key = None
        ymax = self._ymax
        # Lines and forecast are redrawn only when they move by a pixel or more.
        y_px = ymax / max(self.plot.vb.height(), 20.0)
        # --- forecast band ahead to sell-out ---
        so = v.sellout_s if a > 0 else None
        sop = v.sellout_pessimistic_s if v.sellout_pessimistic_s is not None else so
        ahead = self._choose_ahead(sop)
        fc_key = (now, ymax, round(a / y_px), None if so is None else round(min(so, 7200.0) / px_s),
                  None if sop is None else round(min(sop, 7200.0) / px_s))
        if fc_key != self._fc_key:
            self._fc_key = fc_key
            if so is not None:
                self._line(self.fx, self.fy, now, a, so, ahead)
                self._line(self.px, self.py, now, a, sop, ahead)
                self.expected.setData(self.fx, self.fy)
                self.pessimistic.setData(self.px, self.py)
                if not self.band.isVisible():
                    for it in (self.band, self.expected, self.pessimistic):
                        it.setVisible(True)
            elif self.band.isVisible():
                for it in (self.band, self.expected, self.pessimistic):
                    it.setVisible(False)
        # --- lines ---
        lines_key = (ymax, round(v.warning_line / y_px), round(v.safety_stock / y_px))
        if lines_key != self._lines_key:
            self._lines_key = lines_key
            self.warning.setPos(v.warning_line)
            self.warning.setVisible(v.warning_line > 0)
            self.safety.setPos(v.safety_stock)
            self.safety.setVisible(v.safety_stock > 0)
        if self._move_view:
            self.now_line.setPos(now)
        # --- featured periods (shop time) ---
        mine = tuple((s, e) for s, e, sku in featured if sku == v.sku and (e is None or e >= t0))[-REGIONS:]
        if mine != self._regions_key:
            self._regions_key = mine
            for r, (s, e) in zip(self.regions, mine):
                r.setRegion((s, e if e is not None else now + 3600.0))
                r.show()
            for r in self.regions[len(mine):]:
                r.hide()
        # --- markers on the time axis ---
        marks = tuple((ts_, lvl, ended) for ts_, lvl, ended in alerts if ts_ >= t0 - 60.0)
        mark_key = (marks, ymax)
        if mark_key != self._marks_key:
            self._marks_key = mark_key
            if marks:
                self.alert_marks.setData(x=[m[0] for m in marks], y=[ymax * 0.025] * len(marks),
                                         brush=[self._hollow if m[2] else self._brushes.get(m[1], self._hollow)
                                                for m in marks])
            else:
                self.alert_marks.clear()
        acts = tuple(t for t in actions if t >= t0 - 60.0)
        act_key = (acts, ymax)
        if act_key != self._actions_key:
            self._actions_key = act_key
            if acts:
                self.action_marks.setData(x=list(acts), y=[ymax * 0.07] * len(acts))
            else:
                self.action_marks.clear()
        # --- the view slides with now; the relative axis only changes with the forecast room ---
        xr = (t0, now + ahead * 60.0)
        if xr != self._xrange:
            self._xrange = xr
            self.plot.setXRange(*xr, padding=0)
            # Apply the new view transform now: pyqtgraph would do it at the start of the next paint, and
            # moving items from inside a paint schedules a second paint of the whole view.
            self.plot.vb.updateMatrix()
        self._move_view = False
        color = theme.level_color(v.level) if v.level != "ok" else theme.TEXT
        sel = "▶ " if selected else ""
        tail = f" · {tier_label}"
        # Elide the name so the title never widens the grid; drop the tier if even that is too long.
        fm = _title_fm()
        avail = self.plot.vb.width() - 6  # the title sits over the view box, not over the axis
        room = avail - fm.horizontalAdvance(f"{sel}{v.sku} {tail}")
        if room < 48:
            tail = ""
            room = avail - fm.horizontalAdvance(f"{sel}{v.sku} ")
        name = fm.elidedText(v.name, Qt.TextElideMode.ElideRight, int(max(room, 24)))
        self.set_title(f'<span style="color:{color}">{sel}{v.sku} {_html(name)}</span>'
                       f'<span style="color:{theme.MUTED}">{_html(tail)}</span>')

    def _choose_ahead(self, sellout_s: float | None) -> float:
        """Minutes shown ahead of now: the smallest choice that holds the sell-out (sticky)."""
        want = AHEAD_CHOICES_MIN[0]
        if sellout_s is not None:
            m = sellout_s / 60.0 * 1.1
            want = next((c for c in AHEAD_CHOICES_MIN if c >= m), AHEAD_CHOICES_MIN[-1])
        if self._ahead is None or want > self._ahead or want < self._ahead * 0.5:
            if want != self._ahead:
                self._ahead = want
                self.axis.setRange(-HISTORY_S / 60.0, want)
        return self._ahead

    @staticmethod
    def _line(xs: np.ndarray, ys: np.ndarray, now: float, a: float, sellout: float, ahead_min: float) -> None:
        """(now, a) to sell-out, clipped a little past the right edge of the view."""
        end = min(sellout, ahead_min * 60.0 * 1.2)
        xs[0], ys[0] = now, a
        xs[1] = now + end
        ys[1] = a * (1.0 - end / sellout) if sellout > 0 else 0.0


_fm = None


def _title_fm() -> QFontMetrics:
    global _fm
    if _fm is None:
        f = QFont()
        f.setPointSizeF(9)
        _fm = QFontMetrics(f)
    return _fm


def _html(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RoomCharts:
    """Viewers and order rate over the last 30 minutes, featured periods shaded and labelled."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        self.viewers = self._plot(layout, 0)
        self.orders = self._plot(layout, 1)
        self.vcurve = pg.PlotDataItem(pen=_pen(theme.VIEWERS), clipToView=True, autoDownsample=True,
                                      downsampleMethod="peak", skipFiniteCheck=True)
        self.ocurve = pg.PlotDataItem(pen=_pen(theme.ORDERS), clipToView=True, autoDownsample=True,
                                      downsampleMethod="peak", skipFiniteCheck=True)
        self.viewers.addItem(self.vcurve)
        self.orders.addItem(self.ocurve)
        self._shade = [pg.mkBrush(*theme.FEATURED),
                       pg.mkBrush(theme.FEATURED[0], theme.FEATURED[1], theme.FEATURED[2], theme.FEATURED[3] * 2)]
        self.regions = []
        self.labels = []
        self.vr = []
        for _ in range(ROOM_REGIONS):
            for plot, pool in ((self.orders, self.regions), (self.viewers, self.vr)):
                r = pg.LinearRegionItem(values=(0, 1), movable=False, brush=self._shade[0], pen=pg.mkPen(None))
                r.setZValue(-20)
                r.hide()
                plot.addItem(r, ignoreBounds=True)
                pool.append(r)
            t = pg.TextItem("", color=theme.LEVEL_COLORS["warning"], anchor=(0, 0))
            f = QFont()
            f.setPointSizeF(7.5)
            t.setFont(f)
            t.hide()
            self.orders.addItem(t, ignoreBounds=True)
            self.labels.append(t)
        self.buf = np.empty((3, 4096))
        self._len = -1
        self._last = None
        self._omax = 1.0
        self._vmax = 10.0
        self._regions_key = None
        self._view_now = None

    def _plot(self, layout, col: int):
        axis = RelativeTimeAxis(orientation="bottom")
        p = layout.addPlot(row=0, col=col, axisItems={"bottom": axis})
        axis.unlinkFromView()
        axis.setRange(-HISTORY_S / 60.0, 0.0)
        _free_width(p.titleLabel)
        p.titleLabel.setCacheMode(_CACHE)
        p.setMouseEnabled(False, False)
        p.setMenuEnabled(False)
        p.hideButtons()
        p.showGrid(x=False, y=True, alpha=0.18)
        p.setClipToView(True)
        p.getAxis("left").setWidth(52)
        _style_axis(p.getAxis("left"))
        _style_axis(axis)
        p.getViewBox().disableAutoRange()
        p.getViewBox().setBorder(_pen(theme.BORDER))
        return p

    def set_titles(self, viewers: str, orders: str) -> None:
        self.viewers.setTitle(f'<span style="color:{theme.VIEWERS}">{_html(viewers)}</span>', size="9pt")
        self.orders.setTitle(f'<span style="color:{theme.ORDERS}">{_html(orders)}</span>', size="9pt")

    def update(self, series: tuple, featured: tuple, now: float) -> None:
        n = len(series)
        if n == 0:
            return
        last = series[-1]
        if n != self._len or last is not self._last:
            self._len, self._last = n, last
            k = min(n, self.buf.shape[1])
            self.buf[:, :k] = np.asarray(series[-k:], dtype=np.float64).T  # (3, k)
            x = self.buf[0, :k]
            self.vcurve.setData(x, self.buf[1, :k])
            self.ocurve.setData(x, self.buf[2, :k])
            vmax = nice_ceiling(max(float(self.buf[1, :k].max()), 10.0) * 1.05)
            omax = nice_ceiling(max(float(self.buf[2, :k].max()), 1.0) * 1.1)
            if vmax != self._vmax or not self._len:
                self._vmax = vmax
                self.viewers.setYRange(0, vmax, padding=0)
            if omax != self._omax:
                self._omax = omax
                self.orders.setYRange(0, omax, padding=0)
                self._regions_key = None
        px_s = HISTORY_S / max(self.orders.vb.width(), 50.0)
        if self._view_now is None or abs(now - self._view_now) >= px_s:
            self._view_now = now
            for p in (self.viewers, self.orders):
                p.setXRange(now - HISTORY_S, now, padding=0)
                p.vb.updateMatrix()
        now = self._view_now
        t0 = now - HISTORY_S
        periods = [(i, s, e, sku) for i, (s, e, sku) in enumerate(featured) if e is None or e >= t0][-ROOM_REGIONS:]
        key = tuple((i, s, e) for i, s, e, _ in periods)
        if key == self._regions_key:
            return
        self._regions_key = key
        for j, (i, s, e, sku) in enumerate(periods):
            e2 = e if e is not None else now + 3600.0
            brush = self._shade[i % 2]
            for r in (self.regions[j], self.vr[j]):
                r.setBrush(brush)
                r.setRegion((s, e2))
                r.show()
            lab = self.labels[j]
            lab.setText(sku)
            lab.setPos(max(s, t0), self._omax)
            lab.show()
        for j in range(len(periods), ROOM_REGIONS):
            self.regions[j].hide()
            self.vr[j].hide()
            self.labels[j].hide()


class ChartsPanel(QWidget):
    """A grid of SKU charts over the room charts, in a vertical splitter."""

    skuClicked = Signal(str)

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
        self.room.set_titles(self.tr("Room viewers"), self.tr("Orders per minute (featured periods shaded)"))
        self.updates = 0
        self._plan: list = [None] * MAX_CHARTS
        self._plan_at = 0.0
        self._plan_selected = None

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
                         alerts=alerts.get(sku, []), actions=actions.get(sku, []), featured=snap.featured_periods)
        self.room.update(snap.room_series, snap.featured_periods, now)
        self.updates += 1

    def shown_skus(self) -> list[str]:
        return [c.sku for c in self.charts if c.sku and c.visible]
