"""The desk remembers its layout: window geometry, splitters, table columns, sort order, mute."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter

SETTINGS_VERSION = 1  # bump when the saved layout format changes
PREFERRED = QSize(1600, 960)  # the size the desk opens at when the screen has room for it


def available_areas() -> list[QRect]:
    """The screens' available geometries (without task bars)."""
    return [s.availableGeometry() for s in QGuiApplication.screens()]


def fits(rect: QRect, areas: list[QRect]) -> bool:
    """True if ``rect`` lies wholly inside one of ``areas``."""
    return any(a.contains(rect) for a in areas)


class LayoutMemory:
    """Saves and restores the layout of a :class:`~ui.desk.window.DeskWindow` in its ``store`` (QSettings)."""

    def _splitters(self) -> dict[str, QSplitter]:
        out = {"main": self.main, "left": self.left, "right": self.right}
        if self.charts is not None:
            out["charts"] = self.charts.splitter
        return out

    def fit_to_screen(self, area: QRect | None = None) -> None:
        """Open at :data:`PREFERRED` or smaller, wholly inside ``area`` (default: this window's screen)."""
        if area is None:
            scr = self.screen() or QGuiApplication.primaryScreen()
            area = scr.availableGeometry() if scr is not None else QRect(0, 0, PREFERRED.width(), PREFERRED.height())
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders
        w = min(PREFERRED.width(), area.width() - frame.width())
        h = min(PREFERRED.height(), area.height() - frame.height())
        self.resize(max(w, 640), max(h, 480))
        self.move(area.x() + (area.width() - self.width() - frame.width()) // 2,
                  area.y() + (area.height() - self.height() - frame.height()) // 2)

    def save_layout(self) -> None:
        s = self.store
        s.setValue("layout/version", SETTINGS_VERSION)
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for name, sp in self._splitters().items():
            s.setValue(f"splitters/{name}", sp.saveState())
        s.setValue("table/header", self.table.horizontalHeader().saveState())
        s.setValue("alerts/header", self.alerts.table.horizontalHeader().saveState())
        s.setValue("sound/muted", self.sound.muted)
        s.sync()

    def restore_layout(self) -> None:
        s = self.store
        if int(s.value("layout/version", 0) or 0) != SETTINGS_VERSION:
            return
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            before = self.geometry()
            self.restoreGeometry(geo)
            # Only where it still fits (a screen unplugged, a smaller resolution): else the fitted size stays.
            if not fits(self.frameGeometry(), available_areas()):
                self.setGeometry(before)
        st = s.value("window/state")
        if isinstance(st, QByteArray) and not st.isEmpty():
            self.restoreState(st)
        for name, sp in self._splitters().items():
            v = s.value(f"splitters/{name}")
            if isinstance(v, QByteArray) and not v.isEmpty():
                sp.restoreState(v)
        v = s.value("table/header")
        if isinstance(v, QByteArray) and not v.isEmpty():
            hh = self.table.horizontalHeader()
            hh.restoreState(v)
            self.model.set_sort(hh.sortIndicatorSection(), hh.sortIndicatorOrder())
        v = s.value("alerts/header")
        if isinstance(v, QByteArray) and not v.isEmpty():
            self.alerts.table.horizontalHeader().restoreState(v)
        muted = s.value("sound/muted", False)
        self.sound.set_muted(muted in (True, "true", "1", 1))
