"""``python -m ui.rooms.screenshot OUT.png``: the rooms overview with three demo rooms, one of them lost.

Runs three demo rooms (shop + engine processes, :mod:`controlroom.rooms.fleet`) at ``--speed``,
lets the shows run ``--seconds`` so alerts, frozen SKUs and lost sales appear, SIGKILLs room B's
engine, waits until the overview says "connection lost", and saves the overview window.
"""
from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.rooms.screenshot", description=__doc__.splitlines()[0])
    ap.add_argument("out", help="PNG file")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--speed", type=float, default=20.0)
    ap.add_argument("--seconds", type=float, default=45.0, help="wall seconds of show before room B is killed")
    a = ap.parse_args(argv)
    from controlroom.rooms.fleet import DemoRoom, write_room_list
    from controlroom.rooms.roomlist import load_room_list
    from controlroom.rooms.watch import RoomsWatch
    from ui.app import make_app
    from ui.rooms.model import STATE
    from ui.rooms.switcher import RoomsDesk
    from ui.testing import spin

    app = make_app(a.lang)
    with tempfile.TemporaryDirectory(prefix="rooms-shot-") as tmp:
        base = Path(tmp)
        rooms = [DemoRoom(n, seed, base, speed=a.speed, scenario=sc)
                 for seed, (n, sc) in enumerate((("room-a", "evening-show"), ("room-b", "evening-show"),
                                                 ("room-c", "evening-show")), 1)]
        try:
            for r in rooms:
                r.start()
            desk = RoomsDesk(RoomsWatch(load_room_list(write_room_list(rooms, base / "rooms.toml", "supervisor"))))
            desk.window.resize(1180, 190)
            desk.start()

            spin(app, a.seconds, step_s=0.02)
            rooms[1].engine.send_signal(signal.SIGKILL)
            ok = spin(app, 10, lambda: desk.overview.text_of("room-b", STATE) == "connection lost")
            spin(app, 0.5, step_s=0.02)
            saved = desk.window.grab().save(a.out)
            print(f"saved={saved} lost_shown={ok}: {a.out}")
            desk.close()
        finally:
            for r in rooms:
                r.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
