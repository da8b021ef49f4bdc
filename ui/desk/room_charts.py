"""The room charts beneath the SKU charts: viewers and order rate over 30 minutes, featured periods shaded."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont

from ui import theme
from ui.desk.chart_parts import HISTORY_S, ITEM_CACHE, ROOM_REGIONS, RelativeTimeAxis, cosmetic_pen, free_width, \
    html_escape, nice_ceiling, style_axis


class RoomCharts:
    """Viewers and order rate over the last 30 minutes, featured periods shaded and labelled."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        self.viewers = self._plot(layout, 0)
        self.orders = self._plot(layout, 1)
        self.vcurve = pg.PlotDataItem(pen=cosmetic_pen(theme.VIEWERS), clipToView=True, autoDownsample=True,
                                      downsampleMethod="peak", skipFiniteCheck=True)
        self.ocurve = pg.PlotDataItem(pen=cosmetic_pen(theme.ORDERS), clipToView=True, autoDownsample=True,
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
            t = pg.TextItem("", color=theme.level_text("warning"), anchor=(0, 0))
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
        free_width(p.titleLabel)
        p.titleLabel.setCacheMode(ITEM_CACHE)
        p.setMouseEnabled(False, False)
        p.setMenuEnabled(False)
        p.hideButtons()
        p.showGrid(x=False, y=True, alpha=0.18)
        p.setClipToView(True)
        p.getAxis("left").setWidth(52)
        style_axis(p.getAxis("left"))
        style_axis(axis)
        p.getViewBox().disableAutoRange()
        p.getViewBox().setBorder(cosmetic_pen(theme.BORDER))
        return p

    def set_titles(self, viewers: str, orders: str) -> None:
        self.viewers.setTitle(f'<span style="color:{theme.text_shade("VIEWERS")}">{html_escape(viewers)}</span>', size="9pt")
        self.orders.setTitle(f'<span style="color:{theme.text_shade("ORDERS")}">{html_escape(orders)}</span>', size="9pt")

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
