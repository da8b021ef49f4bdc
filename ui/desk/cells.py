"""Fast cell painting for the desk's tables.

``QStyledItemDelegate`` asks the model for ~10 roles per cell (each a Python
call through the bindings) and paints through the style-sheet style; with 250
visible cells refreshed 10-15 times a second that is most of a refresh.  Here a
model answers one role, :data:`CELL_ROLE`, with everything a cell needs, and the
delegate paints background (selection, level tint, alternate rows) and text
directly.  Models used with it return ``(text, fg, bg, align, bold, extra)``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui import theme

CELL_ROLE = Qt.ItemDataRole.UserRole + 30

# Plain ints: flag arithmetic on PySide's Python enums costs microseconds per cell.
_SELECTED = QStyle.StateFlag.State_Selected.value
_ALTERNATE = QStyleOptionViewItem.ViewItemFeature.Alternate.value
_ELIDE = Qt.TextElideMode.ElideRight

BASE = SELECTION = ALTERNATE = TEXT = QColor()
PAD = 6


def _retheme() -> None:
    # Module-level colours keep the per-cell paint free of lookups; they follow theme.use().
    global BASE, SELECTION, ALTERNATE, TEXT
    th = theme.THEMES[theme.current]
    BASE, SELECTION, ALTERNATE, TEXT = QColor(th["PANEL"]), QColor(th["SELECT"]), QColor(th["ALT"]), QColor(th["TEXT"])


theme.on_change(_retheme)


def paint_background(painter: QPainter, option: QStyleOptionViewItem, bg, rect=None) -> None:
    """Selection, else the row's tint, else the alternate-row colour.

    The cell is always made opaque first: on a real window the backing store keeps the
    previous frame, so a translucent tint (or no fill) would draw over old text.
    """
    rect = rect if rect is not None else option.rect
    painter.fillRect(rect, BASE)
    if option.state.value & _SELECTED:
        painter.fillRect(rect, SELECTION)
    elif bg is not None:
        if option.features.value & _ALTERNATE:
            painter.fillRect(rect, ALTERNATE)
        painter.fillRect(rect, bg)
    elif option.features.value & _ALTERNATE:
        painter.fillRect(rect, ALTERNATE)


class ModelCells:
    """Mixin for delegates: read paint tuples straight from the model when one is set."""

    _proxy = None
    _model = None

    def cell(self, index):
        if self._model is not None:
            proxy = self._proxy
            if proxy is None or not proxy.filtering:  # the proxy keeps the model's order: same row
                return self._model.cell(index.row(), index.column())
            src = proxy.mapToSource(index)
            return self._model.cell(src.row(), src.column())
        return index.data(CELL_ROLE)

    def begin_cell(self, painter: QPainter, option: QStyleOptionViewItem, index):
        """Paint the cell's background; return its payload (``cell[5]``), or None if there is no cell."""
        cell = self.cell(index)
        if cell is None:
            return None
        paint_background(painter, option, cell[2])
        return cell[5]


class FastCellDelegate(ModelCells, QStyledItemDelegate):
    """Paints ``CELL_ROLE`` cells: background and one line of elided text."""

    def __init__(self, parent=None, *, proxy=None, model=None) -> None:
        """With ``proxy`` and ``model`` (whose ``cell(row, col)`` returns the tuple), cells are read
        straight from the model: no ``data()`` round trip through the bindings and the proxy."""
        super().__init__(parent)
        self._bold: dict[str, QFont] = {}
        self._elided: dict[tuple, str] = {}  # (text, width, bold) -> what fits
        self._proxy = proxy
        self._model = model


    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        cell = self.cell(index)
        if cell is None:
            return super().paint(painter, option, index)
        text, fg, bg, align, bold = cell[:5]
        rect = option.rect
        paint_background(painter, option, bg, rect)
        if not text:
            return
        r = rect.adjusted(PAD, 0, -PAD, 0)
        painter.setPen(fg if fg is not None else TEXT)
        if bold:
            key = option.font.key()
            f = self._bold.get(key)
            if f is None:
                f = QFont(option.font)
                f.setBold(True)
                self._bold[key] = f
            painter.setFont(f)
        else:
            painter.setFont(option.font)
        w = r.width()
        k = (text, w, bold)
        shown = self._elided.get(k)
        if shown is None:
            fm = painter.fontMetrics()
            shown = text if fm.horizontalAdvance(text) <= w else fm.elidedText(text, _ELIDE, w)
            if len(self._elided) > 20000:
                self._elided.clear()
            self._elided[k] = shown
        painter.drawText(r, align, shown)


def visible_rows(view) -> tuple[int, int] | None:
    """(first, last) rows of ``view`` on screen (last: the model's last row if the view is not full),
    or None when the view is not shown."""
    if not view.isVisible():
        return None
    vp = view.viewport()
    top = view.rowAt(0)
    if top < 0:
        return None
    bottom = view.rowAt(vp.height() - 1)
    return top, bottom if bottom >= 0 else view.model().rowCount() - 1
