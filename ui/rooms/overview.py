"""The rooms overview: every room of the list side by side, polled on the GUI timer; a click opens one.

One :class:`~controlroom.rooms.watch.RoomsWatch` (one state stream client per room) is read by a
QTimer on the GUI thread — no thread per room, no socket shared across threads.  A room whose
engine dies turns "connection lost" within 2 s (its stream's health signal) with its last figures
greyed; the other rows keep their own refresh, since reading a silent socket costs nothing.
"""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from controlroom.rooms.watch import RoomsWatch
from ui.rooms.model import NAME_ROLE, WORST, RoomsModel

POLL_MS = 50  # 20 Hz: the stream sends at most 20 deltas/s; "lost" shows at most 50 ms after the stream says so


class RoomsOverview(QWidget):
    """A table of the rooms' headlines (model/view) and a one-line summary; emits :attr:`roomOpened`."""

    roomOpened = Signal(str)  # the room id of the row clicked

    def __init__(self, watch: RoomsWatch, parent: QWidget | None = None, *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.setObjectName("roomsOverview")
        self.watch = watch
        self.model = RoomsModel(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("roomsSummary")
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setCursor(Qt.CursorShape.PointingHandCursor)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(WORST, QHeaderView.ResizeMode.Stretch)  # the one cell whose text varies most
        hh.setMinimumSectionSize(90)
        self.table.clicked.connect(self._clicked)  # one click into a room
        self.table.activated.connect(self._clicked)  # Enter on the keyboard
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(self.summary)
        lay.addWidget(self.table)
        self.polls = 0
        self.gc_pacer = None  # a GcPacer (ui.app.tune_runtime): its full collection runs after a poll when due
        self.poll_ms_total = 0.0
        self.poll_cpu_ms_total = 0.0
        self.poll_ms_max = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.poll)
        self.model.set_headlines(self.watch.headlines())
        self._summarize()

    def start(self) -> None:
        """Start polling the rooms (and read them once now)."""
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        """Stop polling (the watch's sockets stay open)."""
        self.timer.stop()

    def poll(self) -> None:
        """Read every room once (non-blocking) and update the rows that changed."""
        t0, c0 = time.perf_counter(), time.thread_time()
        changed = self.watch.poll()
        if changed or self.model.rowCount() != len(self.watch.rooms):
            self.model.update(self.watch.headlines())
            self._summarize()
        ms = (time.perf_counter() - t0) * 1000.0
        self.poll_cpu_ms_total += (time.thread_time() - c0) * 1000.0  # wall time includes the OS preempting us
        p = self.gc_pacer
        if p is not None and p.due():  # generation 2 is never automatic under the pacer: collect it here
            p.collect()
        self.polls += 1
        self.poll_ms_total += ms
        self.poll_ms_max = max(self.poll_ms_max, ms)

    def _summarize(self) -> None:
        hs = self.watch.headlines()
        lost = sum(1 for h in hs if h.state in ("lost", "unreachable"))
        firing = sum(1 for h in hs if h.worst_level in ("critical", "lost_sales", "feed"))
        text = self.tr("{n} rooms · {lost} lost · {hot} with critical alerts").format(n=len(hs), lost=lost, hot=firing)
        self.summary.setText(text)

    def _clicked(self, index) -> None:
        name = self.model.data(index, NAME_ROLE)
        if name:
            self.roomOpened.emit(name)

    def text_of(self, name: str, column: int) -> str:
        """The text shown for room ``name`` in ``column`` (what an operator reads; used by tests)."""
        row = self.model.row_of(name)
        return "" if row < 0 else self.model.data(self.model.index(row, column))
