"""The alert lists' model: active alerts (or resolved ones) as rows, kept in place as the core's list changes.

Rows are removed, inserted and moved in place (no reset: the selection and the
scroll position stay).  Rows on screen repaint only the cells that read or look
different; the flashing of unacknowledged critical alerts is a background the
panel toggles (:meth:`AlertModel.set_flash`).
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ui import fmt, theme
from ui.desk.cells import CELL_ROLE

KEY_ROLE = Qt.ItemDataRole.UserRole + 11
SKU_ROLE = Qt.ItemDataRole.UserRole + 12


def is_flashing(a, now_ts: float) -> bool:
    """A critical alert that is firing, not acknowledged and not snoozed."""
    return (a.level == "critical" and a.state == "firing" and not a.acked
            and not (a.snoozed_until is not None and a.snoozed_until > now_ts))


class AlertModel(QAbstractTableModel):
    """Alerts as rows; ``history=True`` for resolved ones."""

    def __init__(self, history: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.history = history
        self._rows: tuple = ()
        self._keys: list[str] = []
        self._names: dict[str, str] = {}
        self._skus: tuple = ()
        self._views: dict | None = None
        self.now_ts = 0.0
        self.flash_on = False
        self.resets = 0
        self._ages: list[str] = []
        self._cells: list = []  # per row: the paint tuples of its cells, built when first painted (None = stale)
        self.changed_cells_last = 0
        # () -> (first, last) rows on screen, or None (set by the panel's table view): rows on screen
        # repaint only the cells that read differently.
        self.visible_rows = None
        self._fg = {lvl: QColor(c) for lvl, c in theme.LEVEL_TEXT.items()}  # text shades: readable on tints
        self._tint = {}
        for lvl, c in theme.LEVEL_COLORS.items():
            q = QColor(c)
            q.setAlpha(40)
            self._tint[lvl] = q
        self._flash = QColor(theme.LEVEL_COLORS["critical"])
        self._flash.setAlpha(150)
        self._on_flash = QColor(theme.TEXT)  # the level's word on the flash: its own colour would vanish
        self._muted = QColor(theme.MUTED)
        self._bold = QFont()
        self._bold.setBold(True)

    # --- updates --------------------------------------------------------------------------------
    def update(self, alerts: tuple, names: dict[str, str], now_ts: float, skus: tuple = ()) -> bool:
        """Apply alerts (already in display order).  Rows are removed, inserted and moved in place
        (no reset: the selection and the scroll position stay); returns True if the set of rows changed.
        ``skus``: the snapshot's SKU views, for tooltips with the figures of now."""
        self._names = names
        self._skus = skus
        self._views = None  # built when a tooltip asks
        self.now_ts = now_ts
        keys = [a.key for a in alerts]
        changed_set = keys != self._keys
        if changed_set:
            self._apply_rows(alerts, keys)
        old = self._rows
        self._rows = alerts
        vis = self.visible_rows() if self.visible_rows is not None and alerts else None
        if vis is not None:
            self._update_cells(alerts, vis)
            return changed_set
        self._cells = [None] * len(alerts)
        if not changed_set and alerts is not old:  # the same tuple: the state client kept the list as it was
            changed = [i for i, (a, b) in enumerate(zip(old, alerts)) if a != b]
            if changed:
                self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), self.columnCount() - 1),
                                      [CELL_ROLE, Qt.ItemDataRole.DisplayRole])
        # "since" is relative to now: refresh that column when it reads differently — unless the model's view
        # is hidden (another tab): its cells were dropped above and are made afresh, with the age of the
        # moment, when it is shown.
        if alerts and not self.history and self.visible_rows is None:
            ages = [fmt.age(now_ts, a.since_ts) for a in alerts]
            if ages != self._ages:
                self._ages = ages
                self.dataChanged.emit(self.index(0, 4), self.index(len(alerts) - 1, 4),
                                      [CELL_ROLE, Qt.ItemDataRole.DisplayRole])
        return changed_set

    def _update_cells(self, alerts: tuple, vis: tuple[int, int]) -> None:
        """Rows on screen: rebuild their cells and repaint the ones that read (or look) differently.
        Rows off screen: drop their cells (rebuilt when scrolled to: an age or countdown stays right)."""
        n = len(alerts)
        lo, hi = max(0, vis[0]), min(n - 1, vis[1])
        roles = [CELL_ROLE, Qt.ItemDataRole.DisplayRole]
        prev = self._cells if len(self._cells) == n else [None] * n
        cells: list = [None] * n
        count = 0
        last_col = self.columnCount() - 1
        for i in range(lo, hi + 1):
            new = [self._cell(alerts[i], c) for c in range(last_col + 1)]
            was = prev[i]
            cells[i] = new
            if was is None:
                first, last = 0, last_col
            else:
                first = last = -1
                for c in range(last_col + 1):
                    if was[c][:5] != new[c][:5]:
                        if first < 0:
                            first = c
                        last = c
            if first >= 0:
                count += last - first + 1
                self.dataChanged.emit(self.index(i, first), self.index(i, last), roles)
        # Off screen, no signal (Qt repaints the whole viewport for a dataChanged span outside it).
        self._cells = cells
        self.changed_cells_last = count

    def _apply_rows(self, alerts: tuple, keys: list[str]) -> None:
        self._cells = []  # rows move below: cells are built afresh until the rows settle
        new = set(keys)
        by_key = {a.key: a for a in alerts}
        # 1. remove the rows that went away (bottom up, in contiguous blocks)
        rows = list(self._rows)
        cur = list(self._keys)
        i = len(cur) - 1
        while i >= 0:
            if cur[i] in new:
                i -= 1
                continue
            j = i
            while j - 1 >= 0 and cur[j - 1] not in new:
                j -= 1
            self.beginRemoveRows(QModelIndex(), j, i)
            del cur[j:i + 1]
            del rows[j:i + 1]
            self._rows, self._keys = tuple(rows), list(cur)
            self.endRemoveRows()
            i = j - 1
        # 2. insert the new ones where they belong relative to the kept order
        have = set(cur)
        for pos, k in enumerate(keys):
            if k in have:
                continue
            at = min(pos, len(cur))
            self.beginInsertRows(QModelIndex(), at, at)
            cur.insert(at, k)
            rows.insert(at, by_key[k])
            self._rows, self._keys = tuple(rows), list(cur)
            self.endInsertRows()
            have.add(k)
        # 3. reorder if the order still differs (persistent indexes follow their alert)
        if cur != keys:
            self.layoutAboutToBeChanged.emit()
            new_pos = {k: i for i, k in enumerate(keys)}
            old_pers = self.persistentIndexList()
            if old_pers:
                self.changePersistentIndexList(
                    old_pers, [self.index(new_pos[cur[ix.row()]], ix.column()) for ix in old_pers])
            self._rows, self._keys = tuple(alerts), list(keys)
            self.layoutChanged.emit()
        else:
            self._rows, self._keys = tuple(alerts), list(keys)
        self.resets += 1  # counts changes of the row set (tests read it)
        self._ages = []

    def retranslate(self) -> None:
        """After a language switch: the cells' words are made again, and the headers re-read."""
        self._cells = [None] * len(self._rows)
        self._ages = []
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1))

    def set_flash(self, on: bool) -> None:
        self.flash_on = on
        rows = [i for i, a in enumerate(self._rows) if is_flashing(a, self.now_ts)]
        for i in rows:
            if i < len(self._cells):
                self._cells[i] = None
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), self.columnCount() - 1),
                                  [CELL_ROLE, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole])

    def alert_at(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int | None:
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    def alerts(self) -> tuple:
        return self._rows

    def flashing(self) -> list:
        return [a for a in self._rows if is_flashing(a, self.now_ts)]

    # --- text -------------------------------------------------------------------------------------
    def what(self, a) -> str:
        lvl = a.level
        if lvl == "critical":
            return self.tr("Sell-out imminent")
        if lvl == "warning":
            return self.tr("Below warning line")
        if lvl == "watch":
            return self.tr("Demand surge")
        if lvl == "lost_sales":
            return self.tr("Sold out and still wanted")
        if lvl == "feed":
            return self.tr("Feed stale")
        if lvl == "frozen_with_stock":
            return self.tr("Frozen with stock left")
        return a.reason

    def why(self, a) -> str:
        return fmt.alert_figures(a.level, a.available, a.threshold, a.rate_per_min, a.predicted_sellout_s, a.reason)

    def state_text(self, a) -> str:
        # Snoozed: the clock time it wakes is all the cell says (the state is in the tooltip), so it is
        # never the part that is cut off; the column is as wide as the longest of these (state_texts_for_width).
        if a.snoozed_until is not None and a.snoozed_until > self.now_ts:
            return self.tr("snoozed until {t}").format(t=fmt.shop_time(a.snoozed_until)[:5])
        bits = [fmt.alert_state_name(a.state)]
        if a.acked:
            bits.append(self.tr("acked"))
        return " · ".join(bits)

    def state_texts_for_width(self) -> list[str]:
        """Every shape the state cell can take, for the column's width."""
        out = [self.tr("snoozed until {t}").format(t="00:00")]
        for st in ("pending", "firing", "recovering"):
            out += [fmt.alert_state_name(st), fmt.alert_state_name(st) + " · " + self.tr("acked")]
        return out

    def _tooltip(self, a) -> str:
        """The engine's sentence from when it fired, then the SKU's figures now."""
        text = a.reason
        if a.snoozed_until is not None and a.snoozed_until > self.now_ts:
            text += "\n" + self.tr("Snoozed until {t} (shop clock)").format(t=fmt.shop_time(a.snoozed_until))
            text += " · " + fmt.alert_state_name(a.state) + (" · " + self.tr("acked") if a.acked else "")
        if a.sku:
            if self._views is None:
                self._views = {v.sku: v for v in self._skus}
            v = self._views.get(a.sku)
            if v is not None:
                text += "\n" + self.tr("Now ({t}): available {n}, {r}/min, sell-out in {so}, warning line {line}").format(
                    t=fmt.shop_time(self.now_ts), n=fmt.count(v.available), r=fmt.rate(v.rate_per_min),
                    so=fmt.duration(v.sellout_s), line=f"{v.warning_line:,.0f}")
        return text

    # --- Qt model API ---------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 6

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        last = self.tr("Ended") if self.history else self.tr("State")
        return (self.tr("Level"), self.tr("SKU"), self.tr("What"), self.tr("Why"), self.tr("Since"), last)[section]

    def cell(self, row: int, col: int) -> tuple:
        cells = self._cells
        if row < len(cells) and len(cells) == len(self._rows):
            rc = cells[row]
            if rc is None:
                rc = cells[row] = [self._cell(self._rows[row], c) for c in range(6)]
            return rc[col]
        return self._cell(self._rows[row], col)

    def _cell(self, a, col: int) -> tuple:
        bg = self.data_bg(a)
        fg = self.data_fg(a, col)
        bold = col == 0 or (a.level == "critical" and not a.acked and not self.history)
        return (self._text(a, col), fg, bg, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), bold, a)

    def data_bg(self, a):
        if not self.history and self.flash_on and is_flashing(a, self.now_ts):
            return self._flash
        if not self.history and a.state in ("firing", "recovering") and not a.acked:
            return self._tint.get(a.level)
        return None

    def data_fg(self, a, col: int):
        if col == 0:
            if not self.history and self.flash_on and is_flashing(a, self.now_ts):
                return self._on_flash
            return self._fg.get(a.level, self._muted)
        if self.history or a.acked or a.state == "pending":
            return self._muted
        return None

    def _text(self, a, col: int) -> str:
        if col == 0:
            return fmt.level_name(a.level)
        if col == 1:
            if a.sku is None:
                return self.tr("room")
            name = self._names.get(a.sku)
            return f"{a.sku} {name}" if name else a.sku
        if col == 2:
            return self.what(a)
        if col == 3:
            return self.why(a)
        if col == 4:
            if self.history:
                return fmt.shop_time(a.since_ts)
            return f"{fmt.shop_time(a.since_ts)} · {fmt.age(self.now_ts, a.since_ts)}"
        if col == 5:
            if self.history:
                if a.ended_ts:
                    return f"{fmt.shop_time(a.ended_ts)} (+{fmt.duration(a.ended_ts - a.since_ts)})"
                return "—"
            return self.state_text(a)
        return ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self._rows[index.row()]
        col = index.column()
        if role == CELL_ROLE:
            return self.cell(index.row(), col)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(a, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.data_bg(a)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.data_fg(a, col)
        if role == Qt.ItemDataRole.FontRole:
            if col == 0 or (a.level == "critical" and not a.acked and not self.history):
                return self._bold
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 4:
                return fmt.ago(self.now_ts, a.since_ts)
            return self._tooltip(a)
        if role == KEY_ROLE:
            return a.key
        if role == SKU_ROLE:
            return a.sku
        return None
