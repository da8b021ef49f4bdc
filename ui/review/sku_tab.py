"""Per-SKU drill-down: the burn-down as it happened, the engine's forecast at each moment, its lines and alerts.

From ``samples`` (the engine's state once a second): stock, and the forecast the engine made —
its rate and predicted sell-out, drawn as the stock it foresaw at the end of the tier's window
(stock − rate × window) and the predicted time to sell-out; the warning line and the safety
stock recomputed from that rate with the session's tier settings (as the engine computes
them, :mod:`controlroom.engine.tiers`).  Every alert transition and action on the SKU is
listed; double-clicking one emits ``moment(ts)``.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QSplitter, QTableView,
                               QVBoxLayout, QWidget)

from ui import fmt, theme
from ui.review.models import RowsModel
from ui.plots import adopt_plot_menus


class SkuTab(QWidget):
    """``show_sku(sku)``; ``moment(ts)`` when an alert or action is double-clicked."""

    moment = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ov = None
        self.pick = QComboBox()
        self.pick.currentIndexChanged.connect(lambda _i: self.show_sku(self.pick.currentData()))
        self.info = QLabel()
        self.info.setStyleSheet(f"color: {theme.TEXT};")
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground(theme.CHART_BG)
        self.p_stock = self.plots.addPlot(row=0, col=0)
        self.p_eta = self.plots.addPlot(row=1, col=0)
        adopt_plot_menus(self.plots)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 1)
        self.p_eta.setXLink(self.p_stock)
        self.p_stock.setLabel("left", self.tr("units"), color=theme.MUTED)
        self.p_eta.setLabel("left", self.tr("min to sell-out"), color=theme.MUTED)
        self.p_eta.setLabel("bottom", self.tr("minutes of show"), color=theme.MUTED)
        for p in (self.p_stock, self.p_eta):
            p.showGrid(x=True, y=True, alpha=0.25)
            p.setMouseEnabled(x=True, y=False)
            p.getAxis("left").setWidth(58)
        self.legend = self.p_stock.addLegend(offset=(-10, 10))
        self.model = RowsModel([self.tr("Time"), self.tr("What"), self.tr("Level / op"), self.tr("Detail")], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._clicked)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("SKU")))
        top.addWidget(self.pick)
        top.addWidget(self.info, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.plots)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(theme.ACCENT, width=1))
        self.gaps: list[tuple[float, float]] = []  # (from, to) minutes of show without samples, this SKU

    def show_overview(self, ov) -> None:
        self.ov = ov
        self.pick.blockSignals(True)
        self.pick.clear()
        for s in ov.review.stock.skus.values():
            self.pick.addItem(f"{s.sku} · {s.name}", s.sku)
        self.pick.blockSignals(False)
        # the SKU that lost the most first: where a manager looks
        worst = max(ov.review.stock.skus.values(), key=lambda s: (s.lost_cents, s.sellouts), default=None)
        if worst is not None:
            self.pick.setCurrentIndex(self.pick.findData(worst.sku))
            self.show_sku(worst.sku)

    def show_sku(self, sku: str | None) -> None:
        if self.ov is None or not sku:
            return
        from controlroom.engine.tiers import safety_stock, warning_line
        from controlroom.settings import Settings, settings_from_dict

        ov = self.ov
        rv = ov.review
        s = rv.stock.skus[sku]
        t0 = ov.t0 or 0.0
        try:
            st = settings_from_dict(rv.settings) if rv.settings else Settings()
        except Exception:
            st = Settings()
        tier = st.tier_settings(sku, s.tier)
        self.info.setText(self.tr("tier {tier} · start {start} · sold {sold} · sell-outs {so} · lost ≈ ¥{lost}").format(
            tier=fmt.tier_name(s.tier or ""), start=s.start_available, sold=s.units_sold, so=s.sellouts,
            lost=f"{s.lost_cents / 100:,.0f}"))
        rows = ov.reader.conn.execute("SELECT ts, available, rate_per_min, predicted_sellout_s, level FROM samples "
                                      "WHERE sku = ? ORDER BY ts", (sku,)).fetchall()
        step = max(1, len(rows) // 4000)  # a few thousand points draw fast and look the same
        rows = rows[::step]
        for p in (self.p_stock, self.p_eta):
            p.clear()
        self.legend.clear()
        x = [(r[0] - t0) / 60.0 for r in rows]
        avail = [r[1] for r in rows]
        rate = [r[2] or 0.0 for r in rows]
        fore = [a - q * tier.window_min for a, q in zip(avail, rate)]
        line = [warning_line(tier, q * tier.window_min) for q in rate]
        safety = [safety_stock(tier, q / 60.0) for q in rate]
        self.gaps = []
        if rows:
            # A stretch with no samples (the core was down) is shown as such: every curve stops at it and goes on
            # after it, instead of a straight line drawn across as if the SKU had sold evenly all that time.
            hole = max(1.0, 5.0 * step / 60.0)  # minutes: several sample steps with nothing
            cuts = [0] + [i + 1 for i in range(len(x) - 1) if x[i + 1] - x[i] > hole] + [len(x)]
            self.gaps = [(x[i - 1], x[i]) for i in cuts[1:-1]]
            for k, (i, j) in enumerate(zip(cuts, cuts[1:])):
                named = (lambda n: n) if k == 0 else (lambda n: None)  # one legend entry per curve
                xs = x[i:j]
                self.p_stock.addItem(pg.FillBetweenItem(pg.PlotDataItem(xs, avail[i:j]), pg.PlotDataItem(xs, fore[i:j]),
                                                        brush=pg.mkBrush(*theme.BAND)))
                self.p_stock.plot(xs, fore[i:j], pen=pg.mkPen(theme.FORECAST, width=1, style=Qt.PenStyle.DashLine),
                                  name=named(self.tr("forecast: stock left after the window")))
                self.p_stock.plot(xs, line[i:j], pen=pg.mkPen(theme.LEVEL_COLORS["warning"], width=1),
                                  name=named(self.tr("warning line")))
                self.p_stock.plot(xs, safety[i:j], pen=pg.mkPen(theme.LEVEL_COLORS["critical"], width=1),
                                  name=named(self.tr("safety stock")))
                self.p_stock.plot(xs, avail[i:j], pen=pg.mkPen(theme.CURVE, width=2), name=named(self.tr("stock")))
            for a, b in self.gaps:
                reg = pg.LinearRegionItem((a, b), movable=False, brush=pg.mkBrush(*theme.NO_DATA), pen=pg.mkPen(None))
                reg.setZValue(-5)
                self.p_stock.addItem(reg)
                t = pg.TextItem(self.tr("no data"), color=theme.MUTED, anchor=(0.5, 1))
                t.setPos((a + b) / 2.0, max(avail) / 2.0)
                self.p_stock.addItem(t)
        else:  # no samples: the exact burn-down from the review's replay
            pts = rv.stock.series.get(sku, [])
            self.p_stock.plot([(t - t0) / 60.0 for t, _a in pts], [a for _t, a in pts],
                              pen=pg.mkPen(theme.CURVE, width=2), stepMode=None, name=self.tr("stock"))
        top = max([s.start_available] + avail) or 10
        self.p_stock.setYRange(-0.15 * top, 1.25 * top, padding=0)  # forecasts of a surge go far below
        eta = [(r[3] / 60.0) if r[3] is not None else None for r in rows]
        ex = [xi for xi, e in zip(x, eta) if e is not None]
        ey = [min(e, tier.window_min * 2) for e in eta if e is not None]
        brushes = [pg.mkBrush(theme.level_color(r[4])) for r, e in zip(rows, eta) if e is not None]
        self.p_eta.addItem(pg.ScatterPlotItem(ex, ey, size=3, brush=brushes, pen=pg.mkPen(None)))
        self.p_eta.addItem(pg.InfiniteLine(tier.critical_horizon_min, angle=0,
                                           pen=pg.mkPen(theme.LEVEL_COLORS["critical"], style=Qt.PenStyle.DotLine)))
        for a in rv.actions:
            if a.sku == sku and a.ts is not None:
                self.p_stock.addItem(pg.InfiniteLine((a.ts - t0) / 60.0, angle=90,
                                                     pen=pg.mkPen(theme.ACTION, width=1, style=Qt.PenStyle.DashLine)))
        self.p_stock.addItem(self.cursor)
        # alerts and actions on it, in time order
        items = []
        for r in rv.alerts_rows if hasattr(rv, "alerts_rows") else ov.reader.alerts():
            if r.get("sku") == sku:
                items.append((r["ts"], self.tr("alert"), f"{fmt.level_name(r['level'])} · {fmt.alert_state_name(r['state'])}",
                              fmt.alert_figures(r.get("level"), r.get("available"), r.get("threshold"),
                                                r.get("rate_per_min"), r.get("predicted_sellout_s"), r.get("reason")),
                              theme.level_text(r["level"]), r.get("reason") or ""))
        for a in rv.actions:
            if a.sku == sku:
                ok = self.tr("done") if a.ok else (self.tr("failed") if a.ok is False else "?")
                items.append((a.ts, self.tr("action"), fmt.op_name(a.op), f"{fmt.origin_name(a.origin or '')} {a.operator or ''} · {ok}",
                              theme.ACTION))
        for so in rv.alerts.sellouts:
            if so.sku == sku:
                lead = fmt.duration(so.lead_s) if so.lead_s is not None else self.tr("missed")
                items.append((so.ts, self.tr("sell-out"), self.tr("lead {lead}").format(lead=lead), "",
                              theme.level_text("critical")))
        items.sort(key=lambda i: i[0] or 0)
        self.model.set_rows([(fmt.shop_time(i[0]) if i[0] else "—", i[1], i[2], i[3]) for i in items],
                            [[None, i[4], i[4], theme.MUTED] for i in items], [i[0] for i in items],
                            [i[5] if len(i) > 5 else None for i in items])  # an alert's logged rule, whole

    def set_cursor(self, ts: float) -> None:
        if self.ov is not None:
            self.cursor.setValue((ts - (self.ov.t0 or 0.0)) / 60.0)

    def _clicked(self, index) -> None:
        ts = self.model.payload(index.row())
        if ts:
            self.moment.emit(float(ts))
