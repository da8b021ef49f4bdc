"""The SKU table: a model updated in place from each snapshot, a sort/filter proxy, and its delegates.

The model keeps one row per SKU for the whole session.  Each snapshot replaces
the rows whose :class:`~controlroom.view.SkuView` changed and emits one
``dataChanged`` over the changed span; it resets only when the set of SKUs
changes (first snapshot, a new SKU).  Display strings are made lazily for the
rows a view actually asks about.  The default sort is the core's urgency order
(the position of the SKU in ``snapshot.skus``).
"""
from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt, \
    QSortFilterProxyModel
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from controlroom.view import LEVEL_RANK
from ui import fmt, theme

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SKU_ROLE = Qt.ItemDataRole.UserRole + 2
SPARK_ROLE = Qt.ItemDataRole.UserRole + 3
BADGE_ROLE = Qt.ItemDataRole.UserRole + 4
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 5

# Column ids, in their default order.
COLUMNS = ("level", "sku", "name", "tier", "available", "sold", "rate", "sellout", "warning_line", "safety",
           "status", "spark")
COL = {name: i for i, name in enumerate(COLUMNS)}
NUMERIC = {"available", "sold", "rate", "sellout", "warning_line", "safety"}
HIDDEN_BY_DEFAULT = ("safety",)

_INF = float("inf")


class SkuTableModel(QAbstractTableModel):
    """One row per SKU; rows keep their place, the proxy sorts them."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []  # SkuView per row
        self._rank: list[int] = []  # urgency position in the last snapshot
        self._tier: list[str] = []  # effective tier (settings override, else the shop's)
        self._row_of: dict[str, int] = {}
        self._cache: list = []  # lazily built display tuples per row (None = stale)
        self._headers = None
        self.now_ts = 0.0
        self.resets = 0
        self.changed_rows_last = 0
        self._tint = {lvl: QColor(c) for lvl, c in theme.LEVEL_COLORS.items()}
        for c in self._tint.values():
            c.setAlpha(theme.LEVEL_TINT_ALPHA)
        self._level_fg = {lvl: QColor(c) for lvl, c in theme.LEVEL_COLORS.items()}
        self._muted = QColor(theme.MUTED)
        self._bold = QFont()
        self._bold.setBold(True)

    # --- updates from the snapshot --------------------------------------------------------------
    def update(self, skus: tuple, tier_of: Callable[[str, str], str] | None = None) -> int:
        """Apply a snapshot's SKUs (urgency order); returns the number of changed rows."""
        tier_of = tier_of or (lambda sku, t: t)
        row_of = self._row_of
        if len(skus) != len(self._rows) or any(v.sku not in row_of for v in skus):
            self.beginResetModel()
            order = sorted(skus, key=lambda v: v.sku)  # stable row numbers: by SKU id
            self._rows = list(order)
            self._row_of = {v.sku: i for i, v in enumerate(order)}
            rank = {v.sku: i for i, v in enumerate(skus)}
            self._rank = [rank[v.sku] for v in order]
            self._tier = [tier_of(v.sku, v.tier) for v in order]
            self._cache = [None] * len(order)
            self.endResetModel()
            self.resets += 1
            self.changed_rows_last = len(order)
            return len(order)
        rows, ranks, tiers, cache = self._rows, self._rank, self._tier, self._cache
        lo, hi, n = len(rows), -1, 0
        for pos, v in enumerate(skus):
            i = row_of[v.sku]
            t = tier_of(v.sku, v.tier)
            if ranks[i] != pos or rows[i] != v or tiers[i] != t:
                rows[i] = v
                ranks[i] = pos
                tiers[i] = t
                cache[i] = None
                n += 1
                if i < lo:
                    lo = i
                if i > hi:
                    hi = i
        self.changed_rows_last = n
        if n:
            # One signal over the changed span: the proxy re-sorts and re-filters once.
            self.dataChanged.emit(self.index(lo, 0), self.index(hi, len(COLUMNS) - 1))
        return n

    def set_now(self, ts: float) -> None:
        self.now_ts = ts

    # --- lookups ----------------------------------------------------------------------------------
    def row_of(self, sku: str) -> int | None:
        return self._row_of.get(sku)

    def view_at(self, row: int):
        return self._rows[row]

    def view_of(self, sku: str):
        i = self._row_of.get(sku)
        return None if i is None else self._rows[i]

    def tier_at(self, row: int) -> str:
        return self._tier[row]

    def tier_of(self, sku: str) -> str | None:
        i = self._row_of.get(sku)
        return None if i is None else self._tier[i]

    def rank_at(self, row: int) -> int:
        return self._rank[row]

    def skus_by_urgency(self) -> list[str]:
        out = [None] * len(self._rows)
        for i, v in enumerate(self._rows):
            out[self._rank[i]] = v.sku
        return out

    # --- Qt model API -------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header_texts()[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips()[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if COLUMNS[section] in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _header_texts(self):
        return (self.tr("Level"), self.tr("SKU"), self.tr("Name"), self.tr("Tier"), self.tr("Available"),
                self.tr("Sold"), self.tr("Rate/min"), self.tr("Sell-out"), self.tr("Warn line"),
                self.tr("Safety"), self.tr("Status"), self.tr("30 min"))

    def _header_tips(self):
        return (self.tr("Alert level decided by the engine; sorting by it sorts by urgency"),
                self.tr("SKU id"), self.tr("Product name"), self.tr("Tier (a settings override is marked *)"),
                self.tr("Units available now (exact, from the feed)"),
                self.tr("Net units sold this session"),
                self.tr("Predicted order rate now, units per minute"),
                self.tr("Predicted time to sell-out: soonest (at the pessimistic rate) to expected"),
                self.tr("Dynamic warning line: below it, a restock is due"),
                self.tr("Dynamic safety stock: freeze at or below it"),
                self.tr("Frozen, delisted, sold out, on air"),
                self.tr("Available stock over the last 30 minutes"))

    def _display(self, row: int) -> tuple:
        d = self._cache[row]
        if d is None:
            v = self._rows[row]
            tier = self._tier[row]
            tier_txt = fmt.tier_name(tier) + ("*" if tier != v.tier else "")
            so = fmt.duration_range(v.sellout_pessimistic_s, v.sellout_s)
            d = (fmt.level_name(v.level), v.sku, v.name, tier_txt, fmt.count(v.available), fmt.count(v.sold),
                 fmt.rate(v.rate_per_min), so, f"{v.warning_line:,.0f}" if v.warning_line else "—",
                 f"{v.safety_stock:,.0f}" if v.safety_stock else "—", "", "")
            self._cache[row] = d
        return d

    def _sort_value(self, row: int, col: int):
        v = self._rows[row]
        name = COLUMNS[col]
        if name == "level":
            return self._rank[row]
        if name == "sku":
            return v.sku
        if name == "name":
            return v.name
        if name == "tier":
            return self._tier[row]
        if name == "available":
            return v.available
        if name == "sold":
            return v.sold
        if name == "rate":
            return v.rate_per_min
        if name == "sellout":
            return v.sellout_pessimistic_s if v.sellout_pessimistic_s is not None else _INF
        if name == "warning_line":
            return v.warning_line
        if name == "safety":
            return v.safety_stock
        if name == "status":
            return (v.available <= 0) * 8 + v.frozen * 4 + v.delisted * 2 + v.featured
        return self._rank[row]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row)[col]
        if role == SORT_ROLE:
            return self._sort_value(row, col)
        v = self._rows[row]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._tint.get(v.level) if v.level != "ok" else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 0:
                return self._level_fg.get(v.level, self._muted)
            if col == COL["available"] and v.available <= max(v.safety_stock, 0):
                return self._level_fg["critical"]
            if col in (COL["sku"], COL["tier"], COL["warning_line"], COL["safety"]):
                return self._muted
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if COLUMNS[col] in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            if col == 0 and v.level in ("warning", "critical"):
                return self._bold
            return None
        if role == SKU_ROLE:
            return v.sku
        if role == LEVEL_ROLE:
            return v.level
        if role == SPARK_ROLE:
            return v
        if role == BADGE_ROLE:
            return v
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    def _tooltip(self, row: int) -> str:
        v = self._rows[row]
        return self.tr("{name} ({sku})\nAvailable {avail}, sold {sold}\nRate {rate}/min over a {win:g} min window: "
                       "{pred:.0f} expected, up to {hi:.0f}\nWarning line {line:.0f}, safety stock {safety:.0f}\n"
                       "Sell-out in {so}, pessimistic {sop}").format(
            name=v.name, sku=v.sku, avail=v.available, sold=v.sold, rate=fmt.rate(v.rate_per_min),
            win=v.window_min, pred=v.predicted_sales, hi=v.predicted_hi, line=v.warning_line, safety=v.safety_stock,
            so=fmt.duration(v.sellout_s), sop=fmt.duration(v.sellout_pessimistic_s))


class SkuFilterProxy(QSortFilterProxyModel):
    """Search (SKU or name), tier and level filters; sorts on :data:`SORT_ROLE` in C++."""

    LEVEL_FILTERS = ("all", "alerting", "watch", "warning", "critical", "ok")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._text = ""
        self._tier = None
        self._level = "all"

    def _refilter(self, **changes) -> None:
        # Qt 6.10+: begin/endFilterChange (invalidateFilter is deprecated there).
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            for k, v in changes.items():
                setattr(self, k, v)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            for k, v in changes.items():
                setattr(self, k, v)
            self.invalidateFilter()

    def set_search(self, text: str) -> None:
        text = text.strip().casefold()
        if text != self._text:
            self._refilter(_text=text)

    def set_tier(self, tier: str | None) -> None:
        if tier != self._tier:
            self._refilter(_tier=tier)

    def set_level(self, level: str) -> None:
        if level != self._level:
            self._refilter(_level=level)

    def clear_filters(self) -> None:
        self._refilter(_text="", _tier=None, _level="all")

    @property
    def filtering(self) -> bool:
        return bool(self._text) or self._tier is not None or self._level != "all"

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        m = self.sourceModel()
        v = m.view_at(source_row)
        if self._tier is not None and m.tier_at(source_row) != self._tier:
            return False
        lv = self._level
        if lv != "all":
            if lv == "alerting":
                if v.level == "ok":
                    return False
            elif lv == "ok":
                if v.level != "ok":
                    return False
            elif LEVEL_RANK.get(v.level, 0) < LEVEL_RANK[lv]:  # "warning" shows warning and worse
                return False
        if self._text:
            t = self._text
            if t not in v.sku.casefold() and t not in v.name.casefold():
                return False
        return True


class SparklineDelegate(QStyledItemDelegate):
    """Draws the last 30 minutes of available stock as a small line, coloured by level."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._pens = {lvl: QPen(QColor(c), 1.0) for lvl, c in theme.LEVEL_COLORS.items()}
        self._pens["ok"] = QPen(QColor(theme.CURVE), 1.0)
        self._zero = QPen(QColor(theme.BORDER), 1.0)
        self._cache: dict[str, tuple] = {}  # sku -> (spark tuple, normalised points)

    def _points(self, v) -> list[tuple[float, float]] | None:
        hit = self._cache.get(v.sku)
        if hit is not None and hit[0] is v.spark:
            return hit[1]
        vals = [x for x in v.spark if x == x]  # drop NaN (before the SKU's history starts)
        pts = None
        if len(vals) >= 2:
            n = len(v.spark)
            hi = max(vals)
            hi = hi if hi > 0 else 1.0
            pts = [(i / (n - 1), 1.0 - x / hi) for i, x in enumerate(v.spark) if x == x]
        self._cache[v.sku] = (v.spark, pts)
        return pts

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        v = index.data(SPARK_ROLE)
        if v is None:
            return
        pts = self._points(v)
        if not pts:
            return
        r = QRectF(option.rect).adjusted(4, 4, -4, -4)
        poly = QPolygonF([QPointF(r.left() + x * r.width(), r.top() + y * r.height()) for x, y in pts])
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(self._pens.get(v.level, self._pens["ok"]))
        painter.drawPolyline(poly)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        return QSize(110, 22)


class BadgeDelegate(QStyledItemDelegate):
    """Frozen / delisted / sold out / on air as small coloured chips."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._colors = {
            "frozen": QColor("#8fd3ff"), "delisted": QColor("#9aa4b2"), "soldout": QColor(theme.LEVEL_COLORS["critical"]),
            "featured": QColor(theme.LEVEL_COLORS["warning"]),
        }
        self._ink = QColor("#0d1117")

    def badges(self, v) -> list[tuple[str, str]]:
        out = []
        if v.available <= 0:
            out.append(("soldout", self.tr("sold out")))
        if v.frozen:
            out.append(("frozen", self.tr("frozen")))
        if v.delisted:
            out.append(("delisted", self.tr("delisted")))
        if v.featured:
            out.append(("featured", self.tr("on air")))
        return out

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        v = index.data(BADGE_ROLE)
        if v is None:
            return
        badges = self.badges(v)
        if not badges:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        f = QFont(option.font)
        f.setPointSizeF(max(7.0, f.pointSizeF() * 0.85))
        f.setBold(True)
        painter.setFont(f)
        fm = painter.fontMetrics()
        x = option.rect.left() + 4
        h = min(option.rect.height() - 6, fm.height() + 2)
        y = option.rect.top() + (option.rect.height() - h) / 2
        for kind, text in badges:
            w = fm.horizontalAdvance(text) + 10
            if x + w > option.rect.right() - 2:
                break
            rect = QRectF(x, y, w, h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(self._colors[kind]))
            painter.drawRoundedRect(rect, h / 2, h / 2)
            painter.setPen(self._ink)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 4
        painter.restore()

    def helpEvent(self, event, view, option, index):
        return super().helpEvent(event, view, option, index)

    def sizeHint(self, option, index) -> QSize:
        return QSize(120, 22)
