"""A small read-only table model (rows of display values, optional per-cell colour and payload)."""
from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from ui import theme


class RowsModel(QAbstractTableModel):
    """Rows of cells for a ``QTableView``: ``set_rows(rows, colors, payloads)``.

    ``payloads[i]`` is what a click on row ``i`` is about (a shop time, a SKU); the views read
    it with :meth:`payload`.
    """

    def __init__(self, headers: Sequence[str], parent=None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[list[Any]] = []
        self.colors: list[list[str | None]] = []
        self.payloads: list[Any] = []
        self.tips: list[str | None] = []

    def set_rows(self, rows, colors=None, payloads=None, tips=None) -> None:
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.colors = [list(c) for c in colors] if colors else [[None] * len(self.headers) for _ in self.rows]
        self.payloads = list(payloads) if payloads else [None] * len(self.rows)
        self.tips = list(tips) if tips else [None] * len(self.rows)
        self.endResetModel()

    def update_rows(self, rows, colors=None) -> None:
        """Same shape, new values: a dataChanged for each cell that changed, instead of a reset (the scrub table).

        One signal per changed cell, not one for the whole range: a view repaints its whole viewport
        for a range, but only the cell for a single index (most cells of a scrub frame keep their value).
        """
        if len(rows) != len(self.rows):
            self.set_rows(rows, colors)
            return
        old_rows, old_colors = self.rows, self.colors
        self.rows = [list(r) for r in rows]
        if colors:
            self.colors = [list(c) for c in colors]
        changed = self.dataChanged.emit
        index = self.index
        for r, (new, old) in enumerate(zip(self.rows, old_rows)):
            if new != old or self.colors[r] != old_colors[r]:
                nc, oc = self.colors[r], old_colors[r]
                for c, v in enumerate(new):
                    if v != old[c] or (c < len(nc) and c < len(oc) and nc[c] != oc[c]):
                        i = index(r, c)
                        changed(i, i)

    def payload(self, row: int) -> Any:
        return self.payloads[row] if 0 <= row < len(self.payloads) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if section < len(self.headers) else None
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            v = self.rows[r][c]
            return "" if v is None else str(v)
        if role == Qt.ItemDataRole.ForegroundRole:
            col = self.colors[r][c] if c < len(self.colors[r]) else None
            return QColor(col) if col else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tips[r]
        if role == Qt.ItemDataRole.TextAlignmentRole and c > 0 and isinstance(self.rows[r][c], (int, float)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PlainCellDelegate(QStyledItemDelegate):
    """Paints a :class:`RowsModel` cell as plain text straight from its rows: colour, numbers right-aligned.

    For the scrub table, which repaints every visible cell on every frame: the style-sheet path
    (``QTableView::item`` rules) with its ~7 ``data()`` calls a cell cost ~25 ms a frame for
    200 cells; this draws the same text in ~3 ms.  Sizes still come from the model (sizeHint).
    """

    PAD = 4  # as the style sheet's ``QTableView::item { padding: 0 4px }``

    def __init__(self, model: RowsModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self._colors: dict[str, QColor] = {}
        self._left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self._right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

    def _color(self, name: str) -> QColor:
        c = self._colors.get(name)
        if c is None:
            c = self._colors[name] = QColor(name)
        return c

    def paint(self, painter, option, index) -> None:
        m = self.model
        r, c = index.row(), index.column()
        try:
            v = m.rows[r][c]
            col = m.colors[r][c] if c < len(m.colors[r]) else None
        except IndexError:
            return
        rect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, self._color(theme.SELECT))
        painter.setPen(self._color(col or theme.TEXT))
        painter.drawText(rect.adjusted(self.PAD, 0, -self.PAD, 0),
                         self._right if c > 0 and isinstance(v, (int, float)) else self._left,
                         "" if v is None else str(v))
