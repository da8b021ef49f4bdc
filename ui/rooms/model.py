"""The rooms overview's table model: one row per room of the list, four headline figures each.

Rows are :class:`~controlroom.rooms.headline.Headline` objects (immutable); :meth:`RoomsModel.update`
swaps in the new ones and signals only the rows whose headline changed, so a room whose stream went
silent costs nothing and never holds up the rows of the others.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from controlroom.rooms.headline import Headline
from ui import fmt, theme

ROOM, STATE, WORST, FROZEN, LOST, GMV = range(6)
NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # the room's id (what opening a room needs)
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
STATE_COLORS = {**theme.FEED_TEXT, "lost": theme.level_text("critical"),
                "unreachable": theme.level_text("critical")}
NOT_LIVE = ("lost", "unreachable", "connecting")


class RoomsModel(QAbstractTableModel):
    """Headlines of the watched rooms, in the room list's order."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Headline] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def _headers(self) -> tuple[str, ...]:
        return (self.tr("Room"), self.tr("State"), self.tr("Worst alert"), self.tr("Frozen with stock"),
                self.tr("Lost sales so far"), self.tr("GMV"))

    # --- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers()[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        h = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(h, col)
        if role == NAME_ROLE:
            return h.name
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(h, col)
        if role == Qt.ItemDataRole.FontRole and (col == ROOM or (col == STATE and h.state in ("lost", "unreachable"))):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(h, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (FROZEN, LOST, GMV):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # --- text and colour ----------------------------------------------------------------------
    def state_text(self, h: Headline) -> str:
        """The room's state in words; a dead stream says "connection lost"."""
        if h.state == "lost":
            return self.tr("connection lost")
        if h.state == "unreachable":
            return self.tr("no connection")
        return fmt.feed_state_name(h.state)

    def text(self, h: Headline, col: int) -> str:
        """The cell text of column ``col`` for headline ``h``."""
        if col == ROOM:
            return h.label
        if col == STATE:
            return self.state_text(h)
        if h.health in ("connecting", "unreachable") and not h.ts:
            return "…"  # nothing received yet: no figure to show
        if col == WORST:
            if h.worst_level is None:
                return self.tr("none")
            where = f" · {h.worst_sku}" if h.worst_sku else ""
            more = self.tr(" (+{n})").format(n=h.firing - 1) if h.firing > 1 else ""
            return f"{fmt.level_name(h.worst_level)}{where}{more}"
        if col == FROZEN:
            return fmt.count(h.frozen_with_stock)
        if col == LOST:
            return self.tr("{units} units · {money}").format(units=f"{h.lost_units:,.0f}", money=fmt.money(h.lost_cents))
        if col == GMV:
            return fmt.money(h.gmv_cents)
        return ""

    def _colour(self, h: Headline, col: int):
        stale = h.state in NOT_LIVE
        if col == STATE:
            return QColor(STATE_COLORS.get(h.state, theme.MUTED))
        if stale and col != ROOM:
            return QColor(theme.MUTED)  # the last figures of a lost room are shown greyed, never as live
        if col == WORST and h.worst_level is not None:
            return QColor(theme.LEVEL_TEXT.get(h.worst_level, theme.TEXT))
        if col == FROZEN and h.frozen_with_stock:
            return QColor(theme.FROZEN_TEXT)
        if col == LOST and h.lost_units >= 0.5:
            return QColor(theme.level_text("lost_sales"))
        return None

    def _tip(self, h: Headline, col: int) -> str | None:
        if col == STATE and h.state == "lost":
            return self.tr("No word from this room's engine; the figures are its last known ones (greyed).")
        if col == STATE and h.error:
            return h.error
        if col == STATE and h.state == "unreachable":
            return self.tr("This room's engine has not answered since the overview opened: is it running, and are "
                           "its endpoints and keys in the room list right?")
        if col == WORST and h.worst_reason:
            return h.worst_reason
        if col == ROOM:
            return self.tr("Click to open room {name} in the desk").format(name=h.name)
        return None

    # --- updates ------------------------------------------------------------------------------
    def set_headlines(self, rows: list[Headline]) -> None:
        """Replace all rows (the room list changed)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update(self, rows: list[Headline]) -> None:
        """New headlines for the same rooms: only the rows that changed are signalled."""
        if [h.name for h in rows] != [h.name for h in self._rows]:
            self.set_headlines(rows)
            return
        last = self.columnCount() - 1
        for i, (old, new) in enumerate(zip(self._rows, rows)):
            if old is not new and old != new:
                self._rows[i] = new
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))

    def headline(self, row: int) -> Headline:
        """The headline shown in ``row``."""
        return self._rows[row]

    def row_of(self, name: str) -> int:
        """The row of room ``name`` (-1 when it is not shown)."""
        return next((i for i, h in enumerate(self._rows) if h.name == name), -1)
