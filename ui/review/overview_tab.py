"""Overview tab: the session's totals and scorecard, each figure with a one-line meaning and its moments."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from controlroom.review.overview import first_alert_moment
from ui import fmt, theme
from ui.review.models import RowsModel


class OverviewTab(QWidget):
    """Totals on top; the scorecard below.  Double-clicking a figure emits ``moment(ts)`` (its first moment)."""

    moment = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("reviewTitle")
        self.title.setStyleSheet(f"font-size: 15pt; font-weight: 600; color: {theme.TEXT};")
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setStyleSheet(f"color: {theme.TEXT}; font-size: 11pt;")
        self.source = QLabel()
        self.source.setStyleSheet(f"color: {theme.MUTED};")
        self.model = RowsModel([self.tr("Figure"), self.tr("Value"), self.tr("What it means"), self.tr("Moments")], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._clicked)
        self.hint = QLabel(self.tr("Double-click a figure to see its first moment on the timeline."))
        self.hint.setStyleSheet(f"color: {theme.MUTED};")
        for w in (self.title, self.totals, self.source, self.table, self.hint):
            lay.addWidget(w)
        self.figures: dict[str, str] = {}

    def _clicked(self, index) -> None:
        ts = self.model.payload(index.row())
        if ts:
            self.moment.emit(float(ts[0]))

    def show_overview(self, ov) -> None:
        rv = ov.review
        t = rv.totals()
        al = rv.alerts
        self.title.setText(self.tr("Session review — {room}").format(room=rv.room))
        self.totals.setText(self.tr(
            "{dur} of show · {events} events · {skus} SKUs · GMV ¥{gmv} · {units} units sold · {orders} orders").format(
            dur=fmt.duration(rv.duration_s), events=f"{t['events']:,}", skus=t["skus"],
            gmv=f"{t['gmv_cents'] / 100:,.2f}", units=f"{t['units_sold']:,}", orders=f"{t['orders']:,}"))
        src = self.tr("summary rows kept in the log") if ov.source == "log" else self.tr("summary cache")
        live = self.tr(" · live: following the log as it is written") if ov.live else ""
        self.source.setText(self.tr("{file} · read-only · from the {src}{live}").format(
            file=ov.path, src=src, live=live))
        lost_by = sorted(rv.lost, key=lambda u: -u.lost_cents)[:3]
        where = ", ".join(f"{u.sku} ¥{u.lost_cents / 100:,.0f}" for u in lost_by) or "—"
        rows = [
            ("lead", self.tr("Median warning lead time"), fmt.duration(al.median_lead_s),
             self.tr("How long before a sell-out the desk warned, typically; longer leaves time to restock.")),
            ("sellouts", self.tr("Sell-outs"), str(t["sellouts"]),
             self.tr("Times a SKU's stock reached zero during the show.")),
            ("misses", self.tr("Misses"), str(t["misses"]),
             self.tr("Sell-outs with no warning before them: the ones that surprised the team.")),
            ("false_warnings", self.tr("False warnings"), str(t["false_warnings"]),
             self.tr("Warnings whose SKU did not sell out soon after and nobody acted on: noise.")),
            ("episodes", self.tr("Problems shown per 10 minutes"), f"{t['episodes_per_10min']:.1f}",
             self.tr("Episodes (one row per problem on the desk's Problems tab) per 10 minutes: how busy one "
                     "operator was kept; above about 1 they start to tune alerts out.")),
            ("alerts", self.tr("Alerts per 10 minutes"), f"{t['alerts_per_10min']:.1f}",
             self.tr("Raw alert instances of every level, before episodes merged them: the engine's own churn.")),
            ("oversold", self.tr("Oversold units"), str(t["oversold_units"]),
             self.tr("Units sold beyond stock and cancelled: each is an unhappy buyer.")),
            ("lost", self.tr("Estimated lost sales"),
             f"{t['lost_units_est']:,.0f} · ¥{t['lost_gmv_cents_est'] / 100:,.0f}",
             self.tr("Buyers turned away while SKUs were sold out or frozen (estimate). Most: {where}").format(
                 where=where)),
            ("incidents", self.tr("Feed incidents"), str(t["feed_incidents"]),
             self.tr("Times the shop's feed went stale, gapped or resynced: the desk was partly blind.")),
        ]
        out, pay, colors = [], [], []
        bad = {"misses": t["misses"], "oversold": t["oversold_units"], "false_warnings": t["false_warnings"],
               "incidents": t["feed_incidents"]}
        self.figures = {}
        for key, label, value, meaning in rows:
            moments = first_alert_moment(rv, key)
            out.append((label, value, meaning, self.tr("%n moment(s)", "", len(moments)) if moments else "—"))
            pay.append(moments)
            colors.append([None, theme.level_text("critical") if bad.get(key) else theme.TEXT, theme.MUTED, theme.ACCENT])
            self.figures[key] = value
        self.model.set_rows(out, colors, pay)
        self.table.resizeRowsToContents()

