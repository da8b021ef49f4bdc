"""Search, tier and level filters over the SKU table (the model sorts; the proxy keeps its order)."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel

from controlroom.state.view import LEVEL_RANK
from ui.desk.sku_model import FILTER_ROLE, SORT_ROLE


class SkuFilterProxy(QSortFilterProxyModel):
    """Search (SKU or name), tier and level filters.  The model sorts; the proxy keeps its order."""

    LEVEL_FILTERS = ("all", "alerting", "watch", "warning", "critical", "ok")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(FILTER_ROLE)
        self.setDynamicSortFilter(True)
        self._text = ""
        self._tier = None
        self._level = "all"
        self.filter_calls = 0

    def setSourceModel(self, model) -> None:
        super().setSourceModel(model)
        if hasattr(model, "filterKeysChanged"):
            model.filterKeysChanged.connect(self._keys_changed)

    def _keys_changed(self) -> None:
        if self._tier is not None or self._level != "all":
            self._refilter()

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
        self.filter_calls += 1
        if not (self._text or self._tier is not None or self._level != "all"):
            return True
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
