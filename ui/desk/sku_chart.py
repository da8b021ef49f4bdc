"""One SKU's burn-down chart: stock over the last 30 minutes, the forecast band to sell-out, its lines and marks.

It shows available stock over the last 30 minutes of shop time (a step line),
the forecast band ahead to sell-out (expected and pessimistic lines with the
band between; a frozen SKU sells nothing, so it gets a flat line in the frozen
colour instead, and "frozen" in its title), the warning line and safety stock, alert transitions
(triangles, coloured by level; hollow grey = ended) and actions (blue
diamonds) marked on the time axis, and the SKU's featured periods shaded.
How it stays cheap to redraw: see :mod:`ui.desk.chart_parts`.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt

from ui import theme
import ui.plots  # noqa: F401 - guards every InfiniteLine (ui/plots.py)
from ui.desk.chart_parts import AHEAD_CHOICES_MIN, CAP, HISTORY_S, ITEM_CACHE, REGIONS, RelativeTimeAxis, \
    cosmetic_pen, free_width, html_escape, nice_ceiling, style_axis, title_metrics


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
        free_width(p.titleLabel)
        p.titleLabel.setCacheMode(ITEM_CACHE)
        p.showGrid(x=False, y=True, alpha=0.18)
        p.setClipToView(True)
        p.setDownsampling(auto=True, mode="peak")
        p.getAxis("left").setWidth(44)
        style_axis(p.getAxis("left"))
        style_axis(self.axis)
        vb = p.getViewBox()
        vb.disableAutoRange()
        vb.setBorder(cosmetic_pen(theme.BORDER))
        self.regions = []
        for _ in range(REGIONS):
            r = pg.LinearRegionItem(values=(0, 1), movable=False, brush=pg.mkBrush(*theme.FEATURED),
                                    pen=pg.mkPen(None))
            r.setZValue(-20)
            r.hide()
            p.addItem(r, ignoreBounds=True)
            self.regions.append(r)
        self.warning = pg.InfiniteLine(angle=0, pen=cosmetic_pen(theme.LEVEL_COLORS["warning"], 1, Qt.PenStyle.DashLine))
        self.safety = pg.InfiniteLine(angle=0, pen=cosmetic_pen(theme.LEVEL_COLORS["critical"], 1, Qt.PenStyle.DotLine))
        self.now_line = pg.InfiniteLine(angle=90, pen=cosmetic_pen(theme.MUTED, 1))
        for ln in (self.warning, self.safety, self.now_line):
            p.addItem(ln, ignoreBounds=True)
        self.expected = pg.PlotCurveItem(pen=cosmetic_pen(theme.FORECAST, 1, Qt.PenStyle.DashLine))
        self.pessimistic = pg.PlotCurveItem(pen=cosmetic_pen(theme.FORECAST, 1, Qt.PenStyle.DotLine))
        self.band = pg.FillBetweenItem(self.expected, self.pessimistic, brush=pg.mkBrush(*theme.BAND))
        self.band.setZValue(-10)
        p.addItem(self.band)
        p.addItem(self.expected)
        p.addItem(self.pessimistic)
        # A frozen SKU sells nothing: its stock holds, so ahead of now it gets a flat line, not a sell-out band.
        self.frozen_line = pg.PlotCurveItem(pen=cosmetic_pen(theme.FROZEN_STOCK, 2, Qt.PenStyle.DashLine))
        self.frozen_line.setVisible(False)
        p.addItem(self.frozen_line)
        self.curve = pg.PlotDataItem(pen=cosmetic_pen(theme.CURVE, 1), clipToView=True, autoDownsample=True,
                                     downsampleMethod="peak", skipFiniteCheck=True)
        p.addItem(self.curve)
        self.alert_marks = pg.ScatterPlotItem(size=9, symbol="t1", pen=None, pxMode=True)
        self.action_marks = pg.ScatterPlotItem(size=8, symbol="d", pen=cosmetic_pen("#0d1117"),
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
        self._title_key = None  # what the title was made from (see update)
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
        self.frozen_line.setVisible(False)  # shown by update() for a frozen SKU only
        self._fc_key = None
        if not on:
            for r in self.regions:
                r.hide()
            self._regions_key = None
            self._title_key = None
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
               alerts: list, actions: list, featured: list, may_slide: bool = True) -> None:
        """Redraw for SkuView ``v``; ``alerts``: (ts, level, ended); ``actions``: shop ts list.
        ``may_slide=False``: keep the view where it is this time even if "now" moved a pixel."""
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
        if (self._view_now is None or v.sku != self._view_sku
                or (may_slide and abs(now - self._view_now) >= px_s)):
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
        # --- forecast band ahead to sell-out (none while frozen: nothing sells, the stock holds) ---
        held = bool(v.frozen) and a > 0
        so = v.sellout_s if a > 0 and not held else None
        sop = (v.sellout_pessimistic_s if v.sellout_pessimistic_s is not None else so) if so is not None else None
        ahead = self._choose_ahead(sop)
        fc_key = (now, ymax, round(a / y_px), held, None if so is None else round(min(so, 7200.0) / px_s),
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
            if held:
                self.frozen_line.setData([now, now + ahead * 60.0 * 1.2], [a, a])
            self.frozen_line.setVisible(held)
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
        # The title: measured, elided and written as HTML only when something in it changed (a name, the
        # level, the width ...), not on every refresh.
        avail = self.plot.vb.width() - 6  # the title sits over the view box, not over the axis
        fws = bool(v.frozen) and v.available > 0
        title_key = (v.sku, v.name, v.level, fws, selected, tier_label, avail, theme.current)
        if title_key != self._title_key:
            self._title_key = title_key
            self.set_title(self._title_html(v, selected, tier_label, fws, avail))

    def _title_html(self, v, selected: bool, tier_label: str, fws: bool, avail: float) -> str:
        color = theme.level_text(v.level) if v.level != "ok" else theme.TEXT
        sel = "▶ " if selected else ""
        tail = f" · {tier_label}"
        frozen = ""
        if fws:  # frozen with stock left: said in the title, in the table's colour
            if v.level == "ok":
                color = theme.FROZEN_TEXT
            frozen = " · " + QCoreApplication.translate("SkuTableModel", "frozen")
        # Elide the name so the title never widens the grid; drop the tier if even that is too long (never
        # the word frozen).
        fm = title_metrics()
        room = avail - fm.horizontalAdvance(f"{sel}{v.sku} {frozen}{tail}")
        if room < 48:
            tail = ""
            room = avail - fm.horizontalAdvance(f"{sel}{v.sku} {frozen}")
        name = fm.elidedText(v.name, Qt.TextElideMode.ElideRight, int(max(room, 24)))
        return (f'<span style="color:{color}">{sel}{v.sku} {html_escape(name)}</span>'
                f'<span style="color:{theme.FROZEN_TEXT}; font-weight:600">{html_escape(frozen)}</span>'
                f'<span style="color:{theme.MUTED}">{html_escape(tail)}</span>')

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
