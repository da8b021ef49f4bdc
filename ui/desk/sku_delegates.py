"""The SKU table's drawn cells: the 30-minute sparkline and the status chips (frozen, delisted, sold out, on air)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from ui import theme
from ui.desk.cells import ModelCells


class SparklineDelegate(ModelCells, QStyledItemDelegate):
    """Draws the last 30 minutes of available stock as a small line, coloured by level."""

    def __init__(self, parent=None, *, proxy=None, model=None) -> None:
        super().__init__(parent)
        self._proxy, self._model = proxy, model
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
        v = self.begin_cell(painter, option, index)
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


class BadgeDelegate(ModelCells, QStyledItemDelegate):
    """Frozen / delisted / sold out / on air as small coloured chips."""

    def __init__(self, parent=None, *, proxy=None, model=None) -> None:
        super().__init__(parent)
        self._proxy, self._model = proxy, model
        self._colors = {
            "frozen": QColor("#8fd3ff"), "delisted": QColor("#9aa4b2"), "soldout": QColor(theme.LEVEL_COLORS["critical"]),
            "featured": QColor(theme.LEVEL_COLORS["warning"]), "frozen_stock": QColor(theme.FROZEN_STOCK),
        }
        self._ink = QColor("#0d1117")
        self._font_key = None
        self._font = None

    def badges(self, v) -> list[tuple[str, str]]:
        out = []
        if v.available <= 0:
            out.append(("soldout", self.tr("sold out")))
        if v.frozen and v.available > 0:
            out.append(("frozen_stock", self.tr("frozen, {n} left").format(n=f"{v.available:,}")))
        elif v.frozen:
            out.append(("frozen", self.tr("frozen")))
        if v.delisted:
            out.append(("delisted", self.tr("delisted")))
        if v.featured:
            out.append(("featured", self.tr("on air")))
        return out

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        v = self.begin_cell(painter, option, index)
        if v is None:
            return
        badges = self.badges(v)
        if not badges:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self._font_key != option.font.key():
            self._font_key = option.font.key()
            self._font = QFont(option.font)
            self._font.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.85))
            self._font.setBold(True)
        painter.setFont(self._font)
        fm = painter.fontMetrics()
        x = option.rect.left() + 4
        h = min(option.rect.height() - 6, fm.height() + 2)
        y = option.rect.top() + (option.rect.height() - h) / 2
        for kind, text in badges:
            w = fm.horizontalAdvance(text) + 10
            room = option.rect.right() - 2 - x
            if w > room:
                # Too wide for what is left ("frozen, 6,347 left" in a narrow column): cut it with "…"
                # rather than drop it — a badge that vanishes says "nothing to see" about a frozen SKU.
                if room < 28:
                    break
                text = fm.elidedText(text, Qt.TextElideMode.ElideRight, int(room - 10))
                w = room
            rect = QRectF(x, y, w, h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(self._colors[kind]))
            painter.drawRoundedRect(rect, h / 2, h / 2)
            painter.setPen(self._ink)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 4
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        return QSize(120, 22)
