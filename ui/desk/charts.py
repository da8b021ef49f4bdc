"""Burn-down charts (pyqtgraph): the selected SKU and the most urgent others, then the room beneath.

Each SKU chart shows available stock over the last 30 minutes of shop time (a
step line), the forecast band ahead to sell-out (expected and pessimistic
lines with the band between), the warning line and safety stock, alert
transitions and actions marked on the time axis, and the SKU's featured periods
shaded.  Beneath: room viewers and order rate, all featured periods shaded.

Drawing is kept cheap: preallocated numpy buffers refilled in place and handed
to ``setData`` on the timer, antialiasing off, width-1 pens, ``clipToView`` and
peak downsampling; no autorange (ranges are set from the data).
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from ui import fmt, theme

HISTORY_S = 1800.0  # 30 minutes of shop time behind "now"
MIN_AHEAD_S = 300.0
MAX_AHEAD_S = 1800.0
CAP = 4096  # samples kept per SKU chart (step buffers hold 2x)
MAX_CHARTS = 9  # the selected SKU + 8 most urgent
GRID_COLS = 3
REGIONS = 4  # featured periods shaded per SKU chart
ROOM_REGIONS = 16

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


class ShopTimeAxis(pg.AxisItem):
    """Bottom axis in shop clock time (HH:MM), with minute-friendly tick spacing."""

    STEPS = (30, 60, 120, 300, 600, 900, 1800, 3600, 7200)

    def tickSpacing(self, minVal, maxVal, size):
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return []
        target = max(2.0, size / 90.0)  # about one label per 90 px
        major = next((s for s in self.STEPS if span / s <= target), self.STEPS[-1])
        return [(major, 0)]

    def tickStrings(self, values, scale, spacing):
        fmt_ = "%H:%M:%S" if spacing < 60 else "%H:%M"
        return [time.strftime(fmt_, time.localtime(v)) for v in values]


class SkuChart:
    """One SKU's burn-down plot inside a GraphicsLayout."""

    def __init__(self, layout: pg.GraphicsLayout, row: int, col: int) -> None:
        self.sku: str | None = None
        axis = ShopTimeAxis(orientation="bottom")
        self.plot = p = layout.addPlot(row=row, col=col, axisItems={"bottom": axis})
        p.setMouseEnabled(False, False)
        p.setMenuEnabled(False)
        p.hideButtons()
        _free_width(p.titleLabel)
        p.showGrid(x=True, y=True, alpha=0.18)
        p.setClipToView(True)
        p.setDownsampling(auto=True, mode="peak")
        p.getAxis("left").setWidth(44)
        for ax in ("left", "bottom"):
            p.getAxis(ax).setPen(_pen(theme.BORDER))
            p.getAxis(ax).setTextPen(_pen(theme.MUTED))
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
        self.now_line = pg.InfiniteLine(angle=90, pen=_pen(theme.BORDER, 1))
        for ln in (self.warning, self.safety, self.now_line):
            p.addItem(ln, ignoreBounds=True)
        self.expected = pg.PlotDataItem(pen=_pen(theme.FORECAST, 1, Qt.PenStyle.DashLine))
        self.pessimistic = pg.PlotDataItem(pen=_pen(theme.FORECAST, 1, Qt.PenStyle.DotLine))
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
        # Preallocated buffers: refilled in place every refresh.
        self.xbuf = np.empty(2 * CAP + 2)
        self.ybuf = np.empty(2 * CAP + 2)
        self.fx = np.empty(2)
        self.fy = np.empty(2)
        self.px = np.empty(2)
        self.py = np.empty(2)
        self._title = None
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
            self.set_title("")
        self.visible = on

    def set_title(self, html: str) -> None:
        if html != self._title:
            self._title = html
            self.plot.setTitle(html, size="9pt")

    def clear(self) -> None:
        self.sku = None
        if self.visible:
            self.set_visible(False)

    def update(self, v, ts_hist: np.ndarray, val_hist: np.ndarray, now: float, *, selected: bool, tier_label: str,
               alerts: list, actions: list, featured: list) -> None:
        """Redraw for SkuView ``v`` with its history; ``alerts``: (ts, level, ended); ``actions``: ts list."""
        self.sku = v.sku
        if not self.visible:
            self.set_visible(True)
        t0 = now - HISTORY_S
        # --- history: the step line, last CAP samples in view ---
        n = len(ts_hist)
        if n:
            start = int(np.searchsorted(ts_hist, t0, side="right")) - 1
            start = max(start, 0, n - CAP)
            ts = ts_hist[start:]
            vals = val_hist[start:]
            k = len(ts)
            xb, yb = self.xbuf, self.ybuf
            # x: t0, t1, t1, t2, t2, ..., t(k-1), now ; y: v0, v0, v1, v1, ..., v(k-1), v(k-1)
            xb[0:2 * k:2] = ts
            xb[1:2 * k - 1:2] = ts[1:]
            xb[2 * k - 1] = max(now, ts[-1])
            yb[0:2 * k:2] = vals
            yb[1:2 * k:2] = vals
            if xb[0] < t0:
                xb[0] = t0
            self.curve.setData(xb[:2 * k], yb[:2 * k])
            ymax_hist = float(vals.max())
        else:
            self.curve.setData([], [])
            ymax_hist = 0.0
        a = float(v.available)
        # --- forecast band ahead to sell-out ---
        ahead = MIN_AHEAD_S
        if v.sellout_s is not None and a > 0:
            so = v.sellout_s
            sop = v.sellout_pessimistic_s if v.sellout_pessimistic_s is not None else so
            ahead = min(max(MIN_AHEAD_S, so * 1.1), MAX_AHEAD_S)
            self._line(self.fx, self.fy, now, a, so, ahead)
            self._line(self.px, self.py, now, a, sop, ahead)
            self.expected.setData(self.fx, self.fy)
            self.pessimistic.setData(self.px, self.py)
            self.band.setVisible(True)
        else:
            self.expected.setData([], [])
            self.pessimistic.setData([], [])
            self.band.setVisible(False)
        # --- lines ---
        self.warning.setPos(v.warning_line)
        self.warning.setVisible(v.warning_line > 0)
        self.safety.setPos(v.safety_stock)
        self.safety.setVisible(v.safety_stock > 0)
        self.now_line.setPos(now)
        ymax = max(ymax_hist, a, v.warning_line * 1.15, v.safety_stock * 1.5, 10.0) * 1.08
        # --- featured periods ---
        i = 0
        for start, end, sku in featured:
            if sku != v.sku:
                continue
            e = end if end is not None else now
            if e < t0:
                continue
            if i >= REGIONS:
                break
            r = self.regions[i]
            r.setRegion((max(start, t0), e))
            r.show()
            i += 1
        for r in self.regions[i:]:
            r.hide()
        # --- markers on the time axis ---
        mark_y = ymax * 0.02
        spots = []
        for ts_, level, ended in alerts:
            if ts_ >= t0:
                spots.append({"pos": (ts_, mark_y), "brush": self._hollow if ended else self._brushes.get(level, self._hollow)})
        self.alert_marks.setData(spots)
        acts = [t for t in actions if t >= t0]
        self.action_marks.setData(x=acts, y=[ymax * 0.06] * len(acts))
        self.plot.setXRange(t0, now + ahead, padding=0)
        self.plot.setYRange(0, ymax, padding=0)
        color = theme.level_color(v.level) if v.level != "ok" else theme.TEXT
        sel = "▶ " if selected else ""
        tail = f" · {tier_label} · {fmt.count(v.available)}"
        # Elide the name so the title never widens the grid (pyqtgraph sizes columns to their titles).
        room = self.plot.width() - _TITLE_FM().horizontalAdvance(f"{sel}{v.sku} {tail}") - 28
        name = _TITLE_FM().elidedText(v.name, Qt.TextElideMode.ElideRight, int(max(room, 24)))
        self.set_title(f'<span style="color:{color}">{sel}{v.sku} {_html(name)}</span>'
                       f'<span style="color:{theme.MUTED}">{_html(tail)}</span>')

    @staticmethod
    def _line(xs: np.ndarray, ys: np.ndarray, now: float, a: float, sellout: float, ahead: float) -> None:
        """(now, a) to sell-out (clipped at the right edge of the view)."""
        end = min(sellout, ahead * 1.5)
        xs[0], ys[0] = now, a
        xs[1] = now + end
        ys[1] = a * (1.0 - end / sellout) if sellout > 0 else 0.0


_fm = None


def _TITLE_FM():
    global _fm
    if _fm is None:
        from PySide6.QtGui import QFontMetrics

        f = QFont()
        f.setPointSizeF(9)
        _fm = QFontMetrics(f)
    return _fm


def _html(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RoomCharts:
    """Viewers and order rate over the last 30 minutes, featured periods shaded and labelled."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        self.viewers = self._plot(layout, 0, theme.VIEWERS)
        self.orders = self._plot(layout, 1, theme.ORDERS)
        self.vcurve = pg.PlotDataItem(pen=_pen(theme.VIEWERS), clipToView=True, autoDownsample=True,
                                      downsampleMethod="peak", skipFiniteCheck=True)
        self.ocurve = pg.PlotDataItem(pen=_pen(theme.ORDERS), clipToView=True, autoDownsample=True,
                                      downsampleMethod="peak", skipFiniteCheck=True)
        self.viewers.addItem(self.vcurve)
        self.orders.addItem(self.ocurve)
        self.regions = []
        self.labels = []
        for i in range(ROOM_REGIONS):
            r = pg.LinearRegionItem(values=(0, 1), movable=False, brush=self._brush(i), pen=pg.mkPen(None))
            r.setZValue(-20)
            r.hide()
            self.orders.addItem(r, ignoreBounds=True)
            t = pg.TextItem("", color=theme.LEVEL_COLORS["warning"], anchor=(0, 0))
            f = QFont()
            f.setPointSizeF(7.5)
            t.setFont(f)
            t.hide()
            self.orders.addItem(t, ignoreBounds=True)
            self.regions.append(r)
            self.labels.append(t)
        self.vr = []
        for i in range(ROOM_REGIONS):
            r = pg.LinearRegionItem(values=(0, 1), movable=False, brush=self._brush(i), pen=pg.mkPen(None))
            r.setZValue(-20)
            r.hide()
            self.viewers.addItem(r, ignoreBounds=True)
            self.vr.append(r)
        self.buf = np.empty((3, 4096))
        self._len = -1
        self._last = None

    @staticmethod
    def _brush(i: int):
        # Back-to-back features: alternate the shade so each period stands out.
        r, g, b, a = theme.FEATURED
        return pg.mkBrush(r, g, b, a if i % 2 == 0 else a * 2)

    def _plot(self, layout, col: int, color: str):
        p = layout.addPlot(row=0, col=col, axisItems={"bottom": ShopTimeAxis(orientation="bottom")})
        _free_width(p.titleLabel)
        p.setMouseEnabled(False, False)
        p.setMenuEnabled(False)
        p.hideButtons()
        p.showGrid(x=True, y=True, alpha=0.18)
        p.setClipToView(True)
        p.getAxis("left").setWidth(52)
        for ax in ("left", "bottom"):
            p.getAxis(ax).setPen(_pen(theme.BORDER))
            p.getAxis(ax).setTextPen(_pen(theme.MUTED))
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
            arr = np.asarray(series[-k:], dtype=np.float64).T  # (3, k)
            self.buf[:, :k] = arr
            x = self.buf[0, :k]
            self.vcurve.setData(x, self.buf[1, :k])
            self.ocurve.setData(x, self.buf[2, :k])
            vmax = float(self.buf[1, :k].max()) if k else 1.0
            omax = float(self.buf[2, :k].max()) if k else 1.0
            self.viewers.setYRange(0, max(vmax, 10.0) * 1.1, padding=0)
            self.orders.setYRange(0, max(omax, 1.0) * 1.15, padding=0)
            self._omax = max(omax, 1.0) * 1.15
        t0 = now - HISTORY_S
        for p in (self.viewers, self.orders):
            p.setXRange(t0, now, padding=0)
        i = 0
        for start, end, sku in featured:
            e = end if end is not None else now
            if e < t0:
                continue
            if i >= ROOM_REGIONS:
                break
            s = max(start, t0)
            self.regions[i].setRegion((s, e))
            self.regions[i].show()
            self.vr[i].setRegion((s, e))
            self.vr[i].show()
            lab = self.labels[i]
            if lab.textItem.toPlainText() != sku:
                lab.setText(sku)
            lab.setPos(s, getattr(self, "_omax", 1.0))
            lab.show()
            i += 1
        for j in range(i, ROOM_REGIONS):
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
        self.splitter.addWidget(self.grid_view)
        self.splitter.addWidget(self.room_view)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([600, 160])
        lay.addWidget(self.splitter)
        self.grid_view.scene().sigMouseClicked.connect(self._clicked)
        self.room.set_titles(self.tr("Room viewers"), self.tr("Orders per minute (featured periods shaded)"))
        self.updates = 0

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
        urgent = [v.sku for v in snap.skus[:MAX_CHARTS]]  # the core's urgency order
        plan = self.assign(selected if model.view_of(selected or "") is not None else None, urgent)
        alerts: dict[str, list] = {}
        for a in snap.alerts:
            if a.sku:
                alerts.setdefault(a.sku, []).append((a.since_ts, a.level, False))
        for a in snap.history:
            if a.sku:
                lst = alerts.setdefault(a.sku, [])
                lst.append((a.since_ts, a.level, False))
                if a.ended_ts:
                    lst.append((a.ended_ts, a.level, True))
        actions: dict[str, list] = {}
        for c in snap.commands:
            t = command_ts.get(c.id)
            if t is not None and c.state == "acked":
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
