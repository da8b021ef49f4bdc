"""One window per purpose: the rooms overview, and the desk on whichever room was opened from it.

:class:`RoomsDesk` owns the room list's :class:`~controlroom.rooms.watch.RoomsWatch`, the overview
window, and at most one desk window.  Opening another room (a click in the overview, or the desk's
Rooms menu) closes the current desk window and opens the desk on the new room in the same process —
the rooms' connections stay up, so switching is instant and nothing restarts.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from controlroom.rooms.session import RoomSession
from controlroom.rooms.watch import RoomsWatch
from ui.rooms.overview import RoomsOverview


class RoomsWindow(QMainWindow):
    """The overview in a window of its own."""

    def __init__(self, overview: RoomsOverview) -> None:
        super().__init__()
        self.overview = overview
        self.setWindowTitle(self.tr("Rooms"))
        self.setCentralWidget(overview)
        self.resize(1100, 360)
        self.reload_action = QAction(self.tr("Reload the room list"), self)
        self.reload_action.setShortcut(QKeySequence("F5"))
        self.addAction(self.reload_action)
        self.menuBar().addMenu(self.tr("&Rooms")).addAction(self.reload_action)


class RoomsDesk(QObject):
    """The overview plus a desk on one room at a time; :meth:`open_room` switches rooms."""

    roomChanged = Signal(str)

    def __init__(self, watch: RoomsWatch, *, settings: Any = None, desk_factory=None, poll_ms: int | None = None,
                 rooms_path=None) -> None:
        super().__init__()
        self.rooms_path = rooms_path  # the room list file, read again by reload() (None: the default file)
        self.watch = watch
        self.settings = settings
        self.overview = RoomsOverview(watch, **({"poll_ms": poll_ms} if poll_ms else {}))
        self.window = RoomsWindow(self.overview)
        self.overview.roomOpened.connect(self.open_room)
        self.window.reload_action.triggered.connect(self.reload)
        self._desk_factory = desk_factory
        self.current: str | None = None
        self.desk = None  # the open DeskWindow
        self.bridge = None
        self.session: RoomSession | None = None
        self.gc_pacer = None  # set by the app (ui.app.tune_runtime): handed to the overview and each room's desk

    def start(self) -> None:
        """Show the overview and start polling the rooms."""
        self.window.show()
        self.overview.start()

    def open_room(self, name: str) -> bool:
        """Open the desk on room ``name`` (closing the desk of the room open before); False if unknown."""
        rc = self.watch.rooms.get(name)
        if rc is None or rc.client is None:
            return False
        if name == self.current and self.desk is not None:
            self.desk.raise_()
            self.desk.activateWindow()
            return True
        self.close_desk()
        from ui.app import build_desk

        self.session = RoomSession(name, rc.client, settings=self.settings)
        self.session.gc_pacer = self.gc_pacer
        factory = self._desk_factory or build_desk
        self.bridge, self.desk = factory(self.session)
        # Closing the desk window (its X) ends it: its bridge stops with it and a later click opens a fresh one.
        self.desk.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.desk.destroyed.connect(lambda *_a, w=self.desk: self._desk_gone(w))
        self.desk.setWindowTitle(self.tr("Room {room} — live stock control room").format(room=rc.spec.label))
        self._add_rooms_menu(self.desk)
        self.current = name
        self.desk.show()
        self.bridge.start()
        self.roomChanged.emit(name)
        return True

    def close_desk(self) -> None:
        """Close the open desk window (the room's connection stays with the overview)."""
        if self.desk is None:
            return
        self.bridge.stop()
        self.desk.close()  # deleted by Qt (WA_DeleteOnClose)
        self.desk = self.bridge = self.session = None
        self.current = None

    def _desk_gone(self, window) -> None:
        if self.desk is window:  # closed by its own X, not replaced by another room's desk
            self.desk = self.bridge = self.session = None
            self.current = None

    def _add_rooms_menu(self, desk: QMainWindow) -> None:
        menu = desk.menuBar().addMenu(self.tr("&Rooms"))
        ov = QAction(self.tr("Rooms overview"), desk)
        ov.setShortcut(QKeySequence("Ctrl+Shift+O"))
        ov.triggered.connect(self._show_overview)
        menu.addAction(ov)
        menu.addSeparator()
        for i, (name, rc) in enumerate(self.watch.rooms.items(), 1):
            act = QAction(rc.spec.label, desk)
            act.setCheckable(True)
            act.setChecked(name == self.current or (self.current is None and name == self.session.name))
            if i <= 9:
                act.setShortcut(QKeySequence(f"Ctrl+Alt+{i}"))
            act.triggered.connect(lambda _=False, n=name: self.open_room(n))
            menu.addAction(act)

    def reload(self) -> str | None:
        """Read the room list again: new rooms connect, removed ones close, unchanged ones keep their connection.

        Returns the error (also shown in the overview's summary line) when the file cannot be used;
        then nothing changes.
        """
        from controlroom.rooms.roomlist import RoomListError, load_room_list

        try:
            specs = load_room_list(self.rooms_path)
        except RoomListError as e:
            self.overview.summary.setText(self.tr("Room list not reloaded: {error}").format(error=e))
            return str(e)
        if self.current is not None and self.current not in {s.name for s in specs}:
            self.close_desk()
        self.watch.set_rooms(specs)
        self.overview.model.set_headlines(self.watch.headlines())
        self.overview.poll()
        return None

    def _show_overview(self) -> None:
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def close(self) -> None:
        """Close everything and the rooms' sockets."""
        self.close_desk()
        self.overview.stop()
        self.window.close()
        self.watch.close()
