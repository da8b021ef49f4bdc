"""The SKU table's model: one row per SKU, updated in place from each snapshot, in the chosen order.

The model keeps one row per SKU for the whole session and presents the rows in
the chosen sort order — by default the core's urgency order (``snapshot.skus``
is already sorted most urgent first).  Each snapshot:

* reorders rows with one ``layoutChanged`` if the order moved (persistent
  indexes — the selection — follow their SKU): at once when a SKU's level
  changed, otherwise at most once every :data:`RESORT_EVERY_S` — with a busy
  feed the predicted sell-out times shift on every snapshot, and rows that
  jump ten times a second cannot be clicked;
* emits ``dataChanged`` over the rows whose :class:`~controlroom.state.view.SkuView`
  changed, with display roles only — for the rows on screen, over just the
  cells that read or look different (none for rows off screen: Qt would
  repaint the whole viewport for a span outside it);
* resets only when the set of SKUs changes (first snapshot, a new SKU).

Sorting lives in the model rather than in ``QSortFilterProxyModel``: a dynamic
proxy sort re-reads the sort key of every changed row through Python ``data()``
(thousands of calls per tick with 500 changing SKUs), while one Python
``sorted`` per tick costs well under a millisecond.  The proxy does the
filtering (:class:`~ui.desk.sku_filter.SkuFilterProxy`); ``dataChanged`` carries
roles that are not its filter role, so it re-filters only when a level or tier
actually changed.  The sparkline and status cells are drawn by
:mod:`ui.desk.sku_delegates`.
Display strings are made lazily for the rows a view asks about.
"""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from ui import fmt, theme
from ui.desk.cells import CELL_ROLE
from ui.desk.sku_rows import shown_held, sort_key
from ui.desk.sku_tiers import TierMemo

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SKU_ROLE = Qt.ItemDataRole.UserRole + 2
SPARK_ROLE = Qt.ItemDataRole.UserRole + 3
BADGE_ROLE = Qt.ItemDataRole.UserRole + 4
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 5
FILTER_ROLE = Qt.ItemDataRole.UserRole + 6  # never emitted on a plain update: the proxy re-filters on demand

# Column ids, in their default order.
COLUMNS = ("level", "sku", "name", "tier", "available", "sold", "rate", "sellout", "warning_line", "safety",
           "status", "spark")
COL = {name: i for i, name in enumerate(COLUMNS)}
NUMERIC = {"available", "sold", "rate", "sellout", "warning_line", "safety"}
HIDDEN_BY_DEFAULT = ("safety",)
NUMBER_COLS = (COL["available"], COL["safety"])  # the contiguous columns that change on every tick
UPDATE_ROLES = [CELL_ROLE, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole, SPARK_ROLE, BADGE_ROLE, LEVEL_ROLE, SORT_ROLE]

RESORT_EVERY_S = 1.0

_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_R_DISPLAY = Qt.ItemDataRole.DisplayRole
_R_FG = Qt.ItemDataRole.ForegroundRole
_R_BG = Qt.ItemDataRole.BackgroundRole
_R_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_R_FONT = Qt.ItemDataRole.FontRole
_R_TIP = Qt.ItemDataRole.ToolTipRole


_STATUS = COL["status"]  # the columns from here on are drawn from the SkuView, not from text
assert COL["spark"] > _STATUS


def _look(v, col: int):
    """What the status chips or the sparkline are drawn from."""
    if col == _STATUS:
        return (v.available <= 0, v.frozen, v.delisted, v.featured, v.available if v.frozen else 0)
    return (v.level, v.spark)


def frozen_with_stock(v) -> bool:
    """Frozen while units are left: no sale is taken, yet it is not sold out — never shown as a green "ok"."""
    return bool(v.frozen) and v.available > 0


class SkuTableModel(QAbstractTableModel):
    """One row per SKU, in the chosen sort order (urgency by default)."""

    filterKeysChanged = Signal()  # a level or tier changed: a filtering proxy must look again

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []  # SkuView per row, in display order
        self._rank: list[int] = []  # urgency position in the last snapshot
        self._tier: list[str] = []  # effective tier (settings override, else the shop's)
        self._row_of: dict[str, int] = {}
        self._cache: list = []  # lazily built display tuples per row (None = stale)
        self._cells: list = []  # lazily built paint tuples per row (None = stale)
        self.sort_column = COL["level"]
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._last_skus: tuple = ()
        self._last_tier_of = None
        self._tiers = TierMemo()
        self._sorted_at = 0.0
        self.now_ts = 0.0
        self.resets = 0
        self.layouts = 0
        self.changed_rows_last = 0
        self.changed_cells_last = 0
        # () -> (first, last) model rows on screen, or None when unknown (set by the desk's table view):
        # rows on screen whose numbers changed repaint only the cells whose text changed.
        self.visible_rows: Callable[[], tuple[int, int] | None] | None = None
        self._tint = {lvl: QColor(c) for lvl, c in theme.LEVEL_COLORS.items()}
        for c in self._tint.values():
            c.setAlpha(theme.LEVEL_TINT_ALPHA)
        self._level_fg = {lvl: QColor(c) for lvl, c in theme.LEVEL_TEXT.items()}  # text shades: readable on tints
        self._muted = QColor(theme.MUTED)
        self._bold = QFont()
        self._bold.setBold(True)
        self._muted_cols = {COL["sku"], COL["tier"], COL["warning_line"], COL["safety"]}
        self._frozen_fg = QColor(theme.FROZEN_TEXT)
        self._frozen_bg = QColor(theme.FROZEN_STOCK)
        self._frozen_bg.setAlpha(theme.LEVEL_TINT_ALPHA)
        # The figures are not live (stale feed, hung core ...): every cell in grey, no level tints.
        self.muted = False
        # SKUs whose rows stay where they are when the order changes (the selected row, the row under
        # the pointer): the row the operator aims at never moves; the others re-sort around it.
        self.held: set[str] = set()
        self._held_frozen: frozenset[str] = frozenset()
        self._pulsing: frozenset[str] = frozenset()  # held by the engine, open in a pulse right now

    # --- ordering --------------------------------------------------------------------------------------
    def _ordered(self, skus: tuple, tiers: dict[str, str]) -> list:
        key = sort_key(COLUMNS[self.sort_column], None)
        desc = self.sort_order == Qt.SortOrder.DescendingOrder
        if key is None:
            return list(reversed(skus)) if desc else list(skus)
        pairs = sorted(((v, tiers[v.sku]) for v in skus), key=key, reverse=desc)  # stable: urgency breaks ties
        return [v for v, _t in pairs]

    def set_sort(self, column: int, order: Qt.SortOrder) -> None:
        """Sort by ``column`` (the level column sorts by urgency); reorders at once."""
        if column == self.sort_column and order == self.sort_order:
            return
        self.sort_column, self.sort_order = column, order
        if self._last_skus:
            self.update(self._last_skus, self._last_tier_of, held=self._held_frozen, force_order=True)

    # --- updates from the snapshot --------------------------------------------------------------------
    def update(self, skus: tuple, tier_of: Callable[[str, str], str] | None = None, *,
               held: frozenset[str] = frozenset(), force_order: bool = False) -> int:
        """Apply a snapshot's SKUs (urgency order); returns the number of changed rows.

        ``held``: SKUs the engine holds frozen with stock (``ViewSnapshot.held_frozen``).  One that
        auto-freeze has opened for a measured pulse is shown frozen all the same — its row, badge,
        chart and tooltip — not green "ok" for the second the shop's flag is off.
        """
        self._last_skus, self._last_tier_of, self._held_frozen = skus, tier_of, held
        if held:
            skus, self._pulsing = shown_held(skus, held)
        else:
            self._pulsing = frozenset()
        tiers = self._tiers.tiers(skus, tier_of)
        row_of = self._row_of
        rank = {v.sku: i for i, v in enumerate(skus)}
        if len(skus) != len(self._rows) or any(v.sku not in row_of for v in skus):
            self.beginResetModel()
            order = self._ordered(skus, tiers)
            self._rows = order
            self._row_of = {v.sku: i for i, v in enumerate(order)}
            self._rank = [rank[v.sku] for v in order]
            self._tier = [tiers[v.sku] for v in order]
            self._cache = [None] * len(order)
            self._cells = [None] * len(order)
            self.endResetModel()
            self.resets += 1
            self.changed_rows_last = len(order)
            return len(order)
        old_rows, old_tier = self._rows, self._tier
        now = time.monotonic()
        resort = force_order or now - self._sorted_at >= RESORT_EVERY_S
        if not resort:
            # A level change re-sorts at once (critical goes to the top now, not in a second).
            levels = {v.sku: v.level for v in old_rows}
            resort = any(levels[v.sku] != v.level for v in skus)
        if resort:
            order = self._ordered(skus, tiers)
            if self.held and not force_order:
                order = self._hold_rows(order, old_rows)
            moved = force_order or any(a.sku != b.sku for a, b in zip(order, old_rows))
            self._sorted_at = now
        else:
            by_sku = {v.sku: v for v in skus}
            order = [by_sku[v.sku] for v in old_rows]
            moved = False
        if moved:
            self.layoutAboutToBeChanged.emit()
            new_row_of = {v.sku: i for i, v in enumerate(order)}
            old_pers = self.persistentIndexList()
            if old_pers:
                new_pers = [self.index(new_row_of[old_rows[ix.row()].sku], ix.column()) for ix in old_pers]
                self.changePersistentIndexList(old_pers, new_pers)
            old_by_sku = {v.sku: (v, old_tier[i], self._cache[i], self._cells[i]) for i, v in enumerate(old_rows)}
            self._row_of = new_row_of
            self._cache = [old_by_sku[v.sku][2] for v in order]
            self._cells = [old_by_sku[v.sku][3] for v in order]
            prev = [old_by_sku[v.sku] for v in order]
        else:
            prev = [(old_rows[i], old_tier[i], None, None) for i in range(len(order))]
        self._rows = order
        self._rank = [rank[v.sku] for v in order]
        self._tier = [tiers[v.sku] for v in order]
        cache = self._cache
        old_cells = list(self._cells)  # what each row showed before (for the rows on screen, see below)
        changed_rows: list[int] = []
        # Rows whose numbers only changed repaint just the number columns; anything else, the whole row.
        nlo, nhi, flo, fhi, n, keys_changed = len(order), -1, len(order), -1, 0, False
        for i, v in enumerate(order):
            pv, pt = prev[i][0], prev[i][1]
            t = self._tier[i]
            if (pv is not v and pv != v) or pt != t:  # the state client hands an unchanged SKU over as it was
                cache[i] = None
                self._cells[i] = None
                changed_rows.append(i)
                n += 1
                if pv.level != v.level or pt != t:
                    keys_changed = True
                if (pv.level == v.level and pt == t and pv.frozen == v.frozen and pv.delisted == v.delisted
                        and pv.featured == v.featured and pv.spark is v.spark and (pv.available > 0) == (v.available > 0)):
                    if i < nlo:
                        nlo = i
                    if i > nhi:
                        nhi = i
                else:
                    if i < flo:
                        flo = i
                    if i > fhi:
                        fhi = i
        if moved:
            self.layoutChanged.emit()
            self.layouts += 1
        self.changed_rows_last = n
        # Display roles only (not the proxy's filter role): the view repaints the changed cells, the
        # proxy neither re-sorts nor re-filters.
        vis = None if moved or not changed_rows or self.visible_rows is None else self.visible_rows()
        if vis is None:
            self.changed_cells_last = -1
            if nhi >= 0:
                self.dataChanged.emit(self.index(nlo, NUMBER_COLS[0]), self.index(nhi, NUMBER_COLS[1]), UPDATE_ROLES)
            if fhi >= 0:
                self.dataChanged.emit(self.index(flo, 0), self.index(fhi, len(COLUMNS) - 1), UPDATE_ROLES)
        else:
            # On screen, a cell that reads and looks the same is not repainted (a sold-out SKU's
            # numbers, a rate that rounds the same, a row whose sparkline alone moved).  Off screen,
            # no signal: their display was dropped above and is rebuilt when they scroll in — and Qt
            # repaints the whole viewport for a dataChanged span that lies outside it.
            lo, hi = vis
            self._emit_changed_cells([i for i in changed_rows if lo <= i <= hi], old_cells)
        if keys_changed:
            self.filterKeysChanged.emit()
        return n

    def _emit_changed_cells(self, rows: list[int], old_cells: list) -> None:
        """dataChanged for the cells of ``rows`` (on screen) that read or look different from before."""
        cells = 0
        ncol = len(COLUMNS)
        for i in rows:
            old = old_cells[i]
            self.cell(i, 0)  # builds the row's paint tuples
            new = self._cells[i]
            if old is None:
                first, last = 0, ncol - 1
            else:
                first = last = -1
                for c in range(ncol):
                    if old[c][:5] != new[c][:5] or (c >= _STATUS and _look(old[c][5], c) != _look(new[c][5], c)):
                        if first < 0:
                            first = c
                        last = c
            if first >= 0:
                cells += last - first + 1
                self.dataChanged.emit(self.index(i, first), self.index(i, last), UPDATE_ROLES)
        self.changed_cells_last = cells

    def set_now(self, ts: float) -> None:
        self.now_ts = ts

    def _hold_rows(self, order: list, old_rows: list) -> list:
        """``order`` with each held SKU put back at the row it had (the others keep their new order)."""
        where = sorted((i, v.sku) for i, v in enumerate(old_rows) if v.sku in self.held)
        if not where:
            return order
        held = {sku for _i, sku in where}
        by_sku = {v.sku: v for v in order}
        rest = [v for v in order if v.sku not in held]
        for i, sku in where:
            rest.insert(min(i, len(rest)), by_sku[sku])
        return rest

    def more_urgent_out_of_place(self, sku: str, first_visible: int = 0) -> int:
        """SKUs more urgent than ``sku`` that are not on screen above it: above the first visible row, or
        put below it while it is held in place."""
        row = self._row_of.get(sku)
        if row is None:
            return 0
        rank = self._rank[row]
        return sum(1 for i, r in enumerate(self._rank) if r < rank and (i > row or i < first_visible))

    def set_muted(self, muted: bool) -> None:
        """Grey every figure (they are not live) or colour them again."""
        if muted == self.muted:
            return
        self.muted = muted
        self._cells = [None] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1), UPDATE_ROLES)

    def retranslate(self) -> None:
        """After a language switch: the rows' words (levels, tiers, sell-out times) are made again and the
        headers re-read."""
        self._cache = [None] * len(self._rows)
        self._cells = [None] * len(self._rows)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1), UPDATE_ROLES)

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
            return _ALIGN_RIGHT if COLUMNS[section] in NUMERIC else _ALIGN_LEFT
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
            # Frozen with stock left: it takes no orders, so it will not sell out — no sell-out time shown.
            so = self.tr("frozen") if frozen_with_stock(v) else fmt.duration_range(v.sellout_pessimistic_s, v.sellout_s)
            level = self.tr("frozen") if v.level == "ok" and frozen_with_stock(v) else fmt.level_name(v.level)
            d = (level, v.sku, v.name, tier_txt, fmt.count(v.available), fmt.count(v.sold),
                 fmt.rate(v.rate_per_min), so, f"{v.warning_line:,.0f}" if v.warning_line else "—",
                 f"{v.safety_stock:,.0f}" if v.safety_stock else "—", "", "")
            self._cache[row] = d
        return d

    def _sort_value(self, row: int, col: int):
        key = sort_key(COLUMNS[col], None)
        if key is None:
            return self._rank[row]
        return key((self._rows[row], self._tier[row]))

    def cell(self, row: int, col: int) -> tuple:
        """Everything one cell needs to paint: (text, fg, bg, align, bold, view) — cached per row."""
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = [self._cell(row, c) for c in range(len(COLUMNS))]
        return cells[col]

    def _cell(self, row: int, col: int) -> tuple:
        v = self._rows[row]
        lvl = v.level
        bg = self._tint.get(lvl) if lvl != "ok" else None
        fws = lvl == "ok" and frozen_with_stock(v)
        if fws:
            bg = self._frozen_bg
        if self.muted:
            fg, bg = self._muted, None
        elif col == 0:
            fg = self._frozen_fg if fws else self._level_fg.get(lvl, self._muted)
        elif col == 4 and v.available <= max(v.safety_stock, 0):
            fg = self._level_fg["critical"]
        elif col in self._muted_cols:
            fg = self._muted
        else:
            fg = None
        return (self._display(row)[col], fg, bg, _ALIGN_RIGHT if COLUMNS[col] in NUMERIC else _ALIGN_LEFT,
                col == 0 and lvl in ("warning", "critical"), v)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # Hot path: called for every visible cell on each paint; cheapest checks first.
        if role == CELL_ROLE:
            return self.cell(index.row(), index.column())
        if role == _R_DISPLAY:
            return self._display(index.row())[index.column()]
        if role == _R_BG:
            return self.cell(index.row(), index.column())[2]
        if role == _R_FG:
            return self.cell(index.row(), index.column())[1]
        if role == _R_ALIGN:
            return _ALIGN_RIGHT if COLUMNS[index.column()] in NUMERIC else _ALIGN_LEFT
        if role == _R_FONT:
            if index.column() == 0 and self._rows[index.row()].level in ("warning", "critical"):
                return self._bold
            return None
        if role == SPARK_ROLE or role == BADGE_ROLE:
            return self._rows[index.row()]
        if role == SKU_ROLE:
            return self._rows[index.row()].sku
        if role == LEVEL_ROLE:
            return self._rows[index.row()].level
        if role == SORT_ROLE:
            return self._sort_value(index.row(), index.column())
        if role == FILTER_ROLE:
            return self._rows[index.row()].sku
        if role == _R_TIP:
            return self._tooltip(index.row())
        return None

    def _tooltip(self, row: int) -> str:
        v = self._rows[row]
        lead = ""
        if v.sku in self._pulsing:
            lead = self.tr("HELD FROZEN by auto-freeze with {n} left: opened for a second at a time to sell the "
                           "last units without overselling\n").format(n=fmt.count(v.available))
        elif frozen_with_stock(v):
            lead = self.tr("FROZEN with {n} left: no orders are taken while units remain\n").format(
                n=fmt.count(v.available))
        return lead + self.tr("{name} ({sku})\nAvailable {avail}, sold {sold}\nRate {rate}/min over a {win:g} min window: "
                       "{pred:.0f} expected, up to {hi:.0f}\nWarning line {line:.0f}, safety stock {safety:.0f}\n"
                       "Sell-out in {so}, pessimistic {sop}").format(
            name=v.name, sku=v.sku, avail=v.available, sold=v.sold, rate=fmt.rate(v.rate_per_min),
            win=v.window_min, pred=v.predicted_sales, hi=v.predicted_hi, line=v.warning_line, safety=v.safety_stock,
            so=fmt.duration(v.sellout_s), sop=fmt.duration(v.sellout_pessimistic_s))
