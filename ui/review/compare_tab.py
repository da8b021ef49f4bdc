"""Compare tab: two or more shows side by side, their scorecards and per-tier figures."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ui import fmt, theme
from ui.review.models import RowsModel


def tier_figures(rv) -> dict[str, dict]:
    """Per tier: SKUs, sell-outs, misses, warnings, false warnings, oversold and lost units."""
    out: dict[str, dict] = {}
    for s in rv.stock.skus.values():
        d = out.setdefault(s.tier or "—", {"skus": 0, "sellouts": 0, "misses": 0, "warnings": 0, "false": 0,
                                            "oversold": 0, "lost": 0.0})
        d["skus"] += 1
        d["sellouts"] += s.sellouts
        d["misses"] += s.misses
        d["warnings"] += s.warnings
        d["false"] += s.false_warnings
        d["oversold"] += s.oversold_units
        d["lost"] += s.lost_units
    return out


class CompareTab(QWidget):
    """``set_overviews([ov, ...])``: one column per show."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.overviews = []
        self.hint = QLabel(self.tr("File → Compare with… adds other shows here."))
        self.hint.setStyleSheet(f"color: {theme.MUTED};")
        self.model = RowsModel([self.tr("Figure")], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        lay = QVBoxLayout(self)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)

    def set_overviews(self, overviews) -> None:
        self.overviews = list(overviews)
        heads = [self.tr("Figure")]
        for ov in self.overviews:
            rv = ov.review
            heads.append(f"{rv.room}\n{fmt.shop_time(rv.stock.t0) if rv.stock.t0 else ''} · {ov.path.rsplit('/', 1)[-1]}")
        self.model.headers = heads
        tot = [ov.review.totals() for ov in self.overviews]
        lines = [
            (self.tr("Show length"), lambda t, rv: fmt.duration(rv.duration_s)),
            (self.tr("GMV"), lambda t, rv: f"¥{t['gmv_cents'] / 100:,.0f}"),
            (self.tr("Units sold"), lambda t, rv: f"{t['units_sold']:,}"),
            (self.tr("Sell-outs"), lambda t, rv: t["sellouts"]),
            (self.tr("Misses"), lambda t, rv: t["misses"]),
            (self.tr("Median warning lead time"), lambda t, rv: fmt.duration(t["median_lead_s"])),
            (self.tr("False warnings"), lambda t, rv: t["false_warnings"]),
            (self.tr("Alerts per 10 minutes"), lambda t, rv: f"{t['alerts_per_10min']:.1f}"),
            (self.tr("Oversold units"), lambda t, rv: t["oversold_units"]),
            (self.tr("Estimated lost sales"), lambda t, rv: f"¥{t['lost_gmv_cents_est'] / 100:,.0f}"),
            (self.tr("Feed incidents"), lambda t, rv: t["feed_incidents"]),
        ]
        rows = [[label] + [f(t, ov.review) for t, ov in zip(tot, self.overviews)] for label, f in lines]
        tiers = sorted({k for ov in self.overviews for k in tier_figures(ov.review)})
        for tier in tiers:
            figs = [tier_figures(ov.review).get(tier) for ov in self.overviews]
            rows.append([f"— {fmt.tier_name(tier)} —"] + [""] * len(figs))
            for key, label in (("sellouts", self.tr("sell-outs")), ("misses", self.tr("misses")),
                               ("false", self.tr("false warnings")), ("oversold", self.tr("oversold units")),
                               ("lost", self.tr("lost units (est.)"))):
                rows.append([f"   {label}"] + ["—" if d is None else (f"{d[key]:,.0f}" if key == "lost" else d[key])
                                               for d in figs])
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.hint.setVisible(len(self.overviews) < 2)
