"""The host view's window: a viewer's StateClient, polled on the GUI thread, painted full-screen.

The GUI thread is the only one touching the client's sockets (it owns them).  A
timer drains the stream every :data:`POLL_MS`; a frame is painted only when what
it shows changed, or while the connection notice counts its seconds.  The
stream's health signal (no frame for 1.5 s → ``lost``) puts the connection notice
over the whole view; the client keeps its sockets, so an engine that comes back
on the same endpoints is shown again without restarting the view.

``trace``: a text stream that gets one JSON line per painted frame — what the
frame shows (the featured SKU's stock, banner, prompt) next to the stream's seq
and the shop feed's seq it came from (tests and the benchmark read it).
"""
from __future__ import annotations

import json
import time
from typing import Any, TextIO

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.host.state import HostState, host_state
from ui.host.view import HostView

POLL_MS = 20  # the stream is drained 50 times a second: a frame reaches the screen ≤ 20 ms after it arrived


class HostWindow(QWidget):
    """The host screen.  ``client``: a :class:`~controlroom.state.client.StateClient` (viewer key)."""

    refreshed = Signal()

    def __init__(self, client: Any = None, *, room: str | None = None, trace: TextIO | None = None) -> None:
        super().__init__()
        self.client = client
        self.room = room
        self.trace = trace
        self.setWindowTitle(self.tr("Host screen"))
        self.view = HostView(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        self.setCursor(Qt.CursorShape.BlankCursor)  # a host screen shows no pointer
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self.toggle_full_screen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.showNormal)
        self.refreshes = 0
        self._shown_key = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.refresh)

    def start(self) -> None:
        """Start polling the stream."""
        self._timer.start()
        self.refresh()

    def toggle_full_screen(self) -> None:
        """F11: full screen on and off (Esc leaves it)."""
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def refresh(self) -> None:
        """Drain the stream and paint a frame if what it shows changed."""
        c = self.client
        if c is None:
            return
        c.receive()
        health = c.health
        silent = c.silent_s
        st = host_state(c.view, health, silent_s=silent, seq=c.seq, wanted_room=self.room, diagnosis=c.diagnosis)
        # Repaint on any change of what is shown; the lost notice also counts its seconds.
        key = (st.seq, health, c.view.version, int(silent) if health != "live" else 0, st.diagnosis)
        if key == self._shown_key:
            return
        if self.show_state(st):
            self._shown_key = key  # not painted (window not exposed yet): the next tick tries again

    def show_state(self, st: HostState) -> bool:
        """Paint ``st`` now (synchronously: the trace line describes pixels already drawn); False if not painted."""
        self.view.set_state(st)
        before = self.view.paints
        self.view.repaint()
        if self.view.paints == before:
            return False
        self.refreshes += 1
        if self.trace is not None:
            self._trace(st)
        self.refreshed.emit()
        return True

    def _trace(self, st: HostState) -> None:
        drawn = {d.role: d.text for d in self.view.drawn}
        f = st.featured
        row = {"t": time.time(), "health": st.health, "seq": st.seq, "feed_seq": st.feed_seq, "ts": st.ts,
               "sku": f.sku if f else None, "available": f.available if f else None,
               "frozen": f.frozen if f else None, "level": f.level if f else None,
               "prompt_id": st.prompt.id if st.prompt else None, "prompt_text": st.prompt.text if st.prompt else None,
               "auto_prompt": st.auto_prompt,
               "paints": self.view.paints, "drawn": drawn}
        self.trace.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.trace.flush()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt)
        self._timer.stop()
        if self.client is not None:
            self.client.close()
            self.client = None
        super().closeEvent(event)
