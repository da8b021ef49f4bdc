"""The F1 help overlay: every shortcut of the desk, generated from the actions themselves."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget


class HelpOverlay(QFrame):
    """Covers its parent; F1, Esc or a click closes it."""

    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card = QFrame()
        self.card.setObjectName("helpCard")
        self.card.setMaximumWidth(980)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignCenter)
        self.grid = QGridLayout(self.card)
        self.grid.setContentsMargins(22, 18, 22, 18)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(6)
        parent.installEventFilter(self)
        self.hide()

    def set_rows(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        while self.grid.count():
            it = self.grid.takeAt(0)
            if it.widget():
                it.widget().deleteLater()
        title = QLabel(self.tr("Keyboard shortcuts  ·  F1 or Esc closes"))
        title.setObjectName("skuTitle")
        self.grid.addWidget(title, 0, 0, 1, 4)
        # Two columns of sections, split where the taller column is shortest (the card fits a 720-high window).
        sizes = [len(rows) + 1 for _h, rows in sections]
        half = min(range(1, len(sections) + 1), key=lambda k: max(sum(sizes[:k]), sum(sizes[k:])))
        ends = []
        for col_block, block in enumerate((sections[:half], sections[half:])):
            r = 1
            for heading, rows in block:
                h = QLabel(heading)
                h.setObjectName("panelTitle")
                self.grid.addWidget(h, r, col_block * 2, 1, 2)
                r += 1
                for keys, what in rows:
                    k = QLabel(keys)
                    k.setObjectName("helpKey")
                    k.setAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.grid.addWidget(k, r, col_block * 2, Qt.AlignmentFlag.AlignRight)
                    self.grid.addWidget(QLabel(what), r, col_block * 2 + 1)
                    r += 1
            ends.append(r)
        self._about(min(range(2), key=lambda c: ends[c]), min(ends))

    def _about(self, col: int, r: int) -> None:
        """Help → About: the version and where the app keeps settings, preferences, rooms and logs."""
        from controlroom import __version__
        from controlroom.places import places

        from controlroom.places import folders, short

        names = {"settings, preferences, rooms": self.tr("Settings, preferences, rooms"),
                 "session logs": self.tr("Session logs")}
        h = QLabel(self.tr("About controlroom {v}").format(v=__version__))
        h.setObjectName("panelTitle")
        self.grid.addWidget(h, r, col * 2, 1, 2)
        self.about_rows = {}
        log_name = self.tr("<room>-<start>.sqlite")
        for what, where, files in folders():
            files = tuple(log_name if f == "<room>-<start>.sqlite" else f for f in files)
            r += 1
            k = QLabel(names.get(what, what))
            k.setObjectName("muted")
            k.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            v = QLabel(f"{short(where)}\n{'  ·  '.join(files)}")
            v.setToolTip(str(where))
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(k, r, col * 2)
            self.grid.addWidget(v, r, col * 2 + 1)
            self.about_rows[what] = v

    def toggle(self) -> None:
        if self.isVisible():
            self.close_overlay()
        else:
            self.open_overlay()

    def open_overlay(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.setFocus()

    def close_overlay(self) -> None:
        self.hide()
        self.closed.emit()

    def keyPressEvent(self, ev) -> None:
        if ev.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.close_overlay()
            ev.accept()
            return
        super().keyPressEvent(ev)

    def mousePressEvent(self, ev) -> None:
        self.close_overlay()

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.parentWidget() and ev.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False
