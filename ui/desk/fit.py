"""Fitting a 1280-pixel screen: button rows show their icons only where the panel has room for them.

A row of tool buttons with icon and text is what makes a panel wide; the desk's
minimum width is the sum of its panels' minimum widths.  :class:`IconsWhenRoom`
watches the panel that holds the buttons: when it is narrower than the buttons
need with icons, they show text only (the words are what the operator reads; the
icons are a help), so the window's minimum width is set by the text alone.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QToolButton, QWidget

WITH_ICON = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
TEXT_ONLY = Qt.ToolButtonStyle.ToolButtonTextOnly


class IconsWhenRoom(QObject):
    """Switches ``buttons`` between text beside icon and text only as ``panel`` is resized.

    ``extra``: the width the panel needs besides the widest row of buttons (margins, a title…),
    ``rows``: the buttons per row, each row with its spacing."""

    def __init__(self, panel: QWidget, rows: list[list[QToolButton]], *, spacing: int, extra: int = 0) -> None:
        super().__init__(panel)
        self.panel = panel
        self.rows = rows
        self.spacing = spacing
        self.extra = extra
        self.icons = None
        self._needed: int | None = None  # measured once per language
        for b in self.buttons:
            b.setToolButtonStyle(TEXT_ONLY)
        panel.installEventFilter(self)

    @property
    def buttons(self) -> list[QToolButton]:
        return [b for row in self.rows for b in row]

    def needed_with_icons(self) -> int:
        """The width the rows take with icons (measured on the buttons, so it follows the language)."""
        if self._needed is not None:
            return self._needed
        best = 0
        for row in self.rows:
            w = 0
            for b in row:
                style = b.toolButtonStyle()
                b.setToolButtonStyle(WITH_ICON)
                w += b.sizeHint().width()
                b.setToolButtonStyle(style)
            best = max(best, w + self.spacing * max(len(row) - 1, 0))
        self._needed = best + self.extra
        return self._needed

    def apply(self) -> None:
        icons = self.panel.width() >= self.needed_with_icons()
        if icons != self.icons:
            self.icons = icons
            for b in self.buttons:
                b.setToolButtonStyle(WITH_ICON if icons else TEXT_ONLY)

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.panel and ev.type() in (QEvent.Type.Resize, QEvent.Type.LanguageChange, QEvent.Type.Show):
            if ev.type() == QEvent.Type.LanguageChange:
                self._needed = None
            self.apply()
        return False
