"""``controlroom rooms``: the rooms overview of the room list, and the desk on any room of it."""
from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QTimer


def run_rooms_app(args: Any) -> int:
    """Open the overview of ``--rooms FILE`` (default: rooms.toml in the settings folder) until it is closed."""
    from controlroom.rooms.roomlist import RoomListError, default_rooms_path, load_room_list
    from controlroom.rooms.watch import RoomsWatch
    from controlroom.settings import load_settings
    from ui.app import make_app, resolve_lang, tune_runtime

    try:
        lang = resolve_lang(getattr(args, "lang", None))
        rooms = load_room_list(getattr(args, "rooms", None))
    except (ValueError, RoomListError) as e:
        print(f"controlroom rooms: {e}", file=sys.stderr)
        return 2
    if not rooms:
        print(f"controlroom rooms: no rooms in {getattr(args, 'rooms', None) or default_rooms_path()} "
              "(see docs/deploy.md, 'The room list')", file=sys.stderr)
        return 2
    if args.open and args.open not in {r.name for r in rooms}:
        print(f"controlroom rooms: --open {args.open!r} is not in the room list", file=sys.stderr)
        return 2
    app = make_app(lang)
    from ui.rooms.switcher import RoomsDesk

    desk = RoomsDesk(RoomsWatch(rooms), settings=load_settings(None), rooms_path=getattr(args, "rooms", None))
    desk.start()
    desk.gc_pacer = desk.overview.gc_pacer = tune_runtime()  # the pacer's full collections run after polls/redraws
    if args.open:
        desk.open_room(args.open)
    if getattr(args, "duration", None):
        if getattr(args, "screenshot", None):
            QTimer.singleShot(max(0, int(args.duration * 1000) - 300),
                              lambda: print(f"rooms: screenshot {args.screenshot} saved="
                                            f"{desk.window.grab().save(args.screenshot)}", file=sys.stderr))
        QTimer.singleShot(int(args.duration * 1000), app.quit)
    # Closing the overview ends the app; a room's desk window can be closed and reopened from it.
    desk.window.destroyed.connect(app.quit)
    app.setQuitOnLastWindowClosed(False)
    desk.window.closeEvent = lambda ev: (ev.accept(), app.quit())
    try:
        return int(app.exec() or 0)
    finally:
        desk.close()
