"""The F1 help overlay: every shortcut of the desk, generated from the actions themselves."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget


ZWSP = "\u200b"  # a zero-width space: a place a label may break a line


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
        self.grid.setContentsMargins(22, 12, 22, 12)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(3)  # tight: every shortcut and the About block fit a 720-high window
        parent.installEventFilter(self)
        self.hide()

    def set_rows(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        _clear(self.grid)
        title = QLabel(self.tr("Keyboard shortcuts  ·  F1 or Esc closes"))
        title.setObjectName("skuTitle")
        self.grid.addWidget(title, 0, 0, 1, 2)
        # Two columns of sections, split where the taller column is shortest (the card fits a 720-high window).
        # Each column is its own grid: a two-line About row beside a one-line shortcut does not make it taller.
        sizes = [len(rows) + 1 for _h, rows in sections]
        half = min(range(1, len(sections) + 1), key=lambda k: max(sum(sizes[:k]), sum(sizes[k:])))
        self._cols = []
        ends = []
        for col_block, block in enumerate((sections[:half], sections[half:])):
            col = QGridLayout()
            col.setHorizontalSpacing(14)
            col.setVerticalSpacing(3)
            self.grid.addLayout(col, 1, col_block, Qt.AlignmentFlag.AlignTop)
            self._cols.append(col)
            r = 0
            for heading, rows in block:
                h = QLabel(heading)
                h.setObjectName("panelTitle")
                col.addWidget(h, r, 0, 1, 2)
                r += 1
                for keys, what in rows:
                    k = QLabel(keys)
                    k.setObjectName("helpKey")
                    k.setAlignment(Qt.AlignmentFlag.AlignCenter)
                    col.addWidget(k, r, 0, Qt.AlignmentFlag.AlignRight)
                    col.addWidget(QLabel(what), r, 1)
                    r += 1
            ends.append(sum(sizes[:half]) if col_block == 0 else sum(sizes[half:]))
        self._about(min(range(2), key=lambda c: ends[c]), self._cols[min(range(2), key=lambda c: ends[c])].rowCount())

    def texts(self) -> list[str]:
        """Every text on the card (tests, and what a screen reader would read), in layout order."""
        out: list[str] = []

        def walk(layout) -> None:
            for i in range(layout.count()):
                it = layout.itemAt(i)
                if it.widget() is not None and hasattr(it.widget(), "text"):
                    out.append(it.widget().text())
                elif it.layout() is not None:
                    walk(it.layout())

        walk(self.grid)
        return out

    def _about(self, col: int, r: int) -> None:
        """Help → About: the version and where the app keeps settings, preferences, rooms and logs."""
        from controlroom import __version__
        from controlroom.places import places

        from controlroom.places import folders, short

        names = {"settings, preferences, rooms": self.tr("Settings, preferences, rooms"),
                 "session logs": self.tr("Session logs")}
        h = QLabel(self.tr("About controlroom {v}").format(v=__version__))
        h.setObjectName("panelTitle")
        grid = self._cols[col]
        grid.addWidget(h, r, 0, 1, 2)
        self.about_rows = {}
        log_name = self.tr("<room>-<start>.sqlite")
        for what, where, files in folders():
            files = tuple(log_name if f == "<room>-<start>.sqlite" else f for f in files)
            r += 1
            k = QLabel(names.get(what, what))
            k.setObjectName("muted")
            k.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            # A long folder (a custom XDG path) wraps at its slashes rather than running off the card;
            # the tooltip keeps the plain path to copy.
            v = QLabel(f"{short(where).replace('/', '/' + ZWSP)}\n{'  ·  '.join(files)}")
            v.setWordWrap(True)
            v.setToolTip(str(where))
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(k, r, 0)
            grid.addWidget(v, r, 1)
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


def _clear(layout) -> None:
    """Remove and delete everything in ``layout``, nested layouts included."""
    while layout.count():
        it = layout.takeAt(0)
        if it.widget() is not None:
            it.widget().hide()  # gone from the card now (rebuilt after a language switch), deleted later
            it.widget().deleteLater()
        elif it.layout() is not None:
            _clear(it.layout())
