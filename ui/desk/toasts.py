"""Toasts: a short note after each action, with Undo for :data:`UNDO_S` seconds where the action can be undone.

They float over the bottom-right corner of the window (the window places them),
newest at the bottom, at most :data:`MAX_TOASTS` at a time; none takes a place in a
layout, so a toast never resizes the table or the charts.  Ctrl+Z undoes the
newest toast that still offers Undo.
"""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

UNDO_S = 10.0
MAX_TOASTS = 3
WIDTH = 460


class Toast(QFrame):
    """One note; with ``undo`` an Undo button that works until the toast goes (``UNDO_S``)."""

    closed = Signal(object)

    def __init__(self, text: str, parent: QWidget, *, undo: Callable[[], None] | None = None,
                 lasts_s: float = UNDO_S) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setAutoFillBackground(True)
        self._undo = undo
        self.created = time.monotonic()
        self.lasts_s = lasts_s
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 8, 6)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.label, 1)
        self.undo_button = None
        if undo is not None:
            self.undo_button = QPushButton(self.tr("Undo (Ctrl+Z)"))
            self.undo_button.setProperty("role", "primary")
            self.undo_button.clicked.connect(self.undo)
            lay.addWidget(self.undo_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._timer.start(int(lasts_s * 1000))

    @property
    def text(self) -> str:
        return self.label.text()

    @property
    def can_undo(self) -> bool:
        return self._undo is not None

    def undo(self) -> bool:
        """Run the undo (once) and close; False if there is none (any more)."""
        fn, self._undo = self._undo, None
        if fn is None:
            return False
        fn()
        self.dismiss()
        return True

    def dismiss(self) -> None:
        self._undo = None
        self._timer.stop()
        self.hide()
        self.closed.emit(self)
        self.deleteLater()


class ToastStack:
    """The window's toasts (see the module doc); ``parent`` is the widget they float over."""

    def __init__(self, parent: QWidget, bottom_margin: Callable[[], int] = lambda: 0) -> None:
        self.parent = parent
        self.toasts: list[Toast] = []
        self._bottom = bottom_margin

    def show(self, text: str, undo: Callable[[], None] | None = None) -> Toast:
        t = Toast(text, self.parent, undo=undo)
        t.closed.connect(self._gone)
        self.toasts.append(t)
        while len(self.toasts) > MAX_TOASTS:
            self.toasts[0].dismiss()
        t.show()
        self.place()
        return t

    def _gone(self, t: Toast) -> None:
        if t in self.toasts:
            self.toasts.remove(t)
            self.place()

    def undo_last(self) -> bool:
        """Undo the newest toast that can still be undone."""
        for t in reversed(self.toasts):
            if t.can_undo:
                return t.undo()
        return False

    def place(self) -> None:
        p = self.parent
        y = p.height() - 12 - self._bottom()
        w = min(WIDTH, p.width() - 24)
        for t in reversed(self.toasts):
            lay = t.layout()  # the height the wrapped text needs at this width (sizeHint assumes another width)
            h = max(lay.totalHeightForWidth(w) if lay.hasHeightForWidth() else t.sizeHint().height(), 36)
            y -= h
            t.setGeometry(p.width() - w - 12, y, w, h)
            t.raise_()
            y -= 6
