"""The rooms overview as an operator sees it: live rows, a room that never answers, reloading the room list.

Real sockets on loopback: one room is a real :class:`~controlroom.state.publisher.StatePublisher`
(insecure, served from this thread), the other points at a port where nothing listens.
"""
from __future__ import annotations

import time

import zmq

from controlroom.cli.headless import free_port
from controlroom.rooms.roomlist import load_room_list
from controlroom.rooms.watch import RoomsWatch
from controlroom.state.publisher import StatePublisher
from controlroom.state.view import AlertView, FeedView, SkuView, ViewSnapshot
from ui.app import make_app
from ui.rooms.model import FROZEN, LOST, ROOM, STATE, WORST
from ui.rooms.switcher import RoomsDesk


def _toml(path, rooms):
    path.write_text("".join(f'[[room]]\nname = "{n}"\nstate = "{pub}"\nrouter = "{rt}"\ninsecure = true\n\n'
                            for n, pub, rt in rooms), encoding="utf-8")
    return path


def test_overview_rows_unreachable_room_and_reload(qapp, tmp_path):
    make_app("en")  # English texts and QLocale (¥ amounts as "¥62")
    ctx = zmq.Context()
    pub = StatePublisher("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", insecure=True, ctx=ctx)
    down = (f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}")
    f = _toml(tmp_path / "rooms.toml", [("up", pub.pub_endpoint, pub.router_endpoint), ("down", *down)])
    skus = (SkuView("A1", "a", "profit", 500, available=4, frozen=True),
            SkuView("A2", "b", "profit", 500, available=0, frozen=True),
            SkuView("A3", "c", "profit", 500, available=9, frozen=False))
    snap = ViewSnapshot(version=1, ts=1000.0, room="up", feed=FeedView(state="live"), skus=skus, lost_units=12.4,
                        lost_cents=6200, alerts=(AlertView("k", "A3", "critical", "firing", 990.0, "at safety stock"),))
    desk = RoomsDesk(RoomsWatch(load_room_list(f)), rooms_path=f)
    ov = desk.overview
    from controlroom.live.gcpace import GcPacer

    pacer = ov.gc_pacer = GcPacer(every_s=0.2).install()  # generation 2 is never automatic: the overview collects
    desk.start()

    def spin(seconds, until):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pub.publish(snap)
            pub.poll(0)
            qapp.processEvents()
            if until():
                return True
            time.sleep(0.02)
        return False

    try:
        assert spin(15, lambda: ov.text_of("up", STATE) == "live" and ov.text_of("down", STATE) == "no connection"), \
            (ov.text_of("up", STATE), ov.text_of("down", STATE))
        assert ov.text_of("up", WORST) == "critical · A3"
        assert ov.text_of("up", FROZEN) == "1"  # A2 is frozen but sold out: not "frozen with stock"
        assert ov.text_of("up", LOST) == "12 units · ¥62"
        assert ov.text_of("down", WORST) == "…"  # nothing ever came: no figure, not a zero
        assert "2 rooms · 1 lost" in ov.summary.text()
        assert pacer.collections >= 1
        client_up = desk.watch.rooms["up"].client

        # The desk on a room; closed by its X it is gone, and a click opens a fresh one on the same connection.
        from ui.app import build_desk

        desk._desk_factory = lambda s_: build_desk(s_, charts=False)
        assert desk.open_room("up") and desk.desk.isVisible()
        assert spin(10, lambda: desk.desk.bridge.current.room == "up")
        desk.desk.close()
        assert spin(5, lambda: desk.desk is None)
        assert desk.open_room("up") and desk.desk.isVisible() and desk.session.client is client_up
        assert spin(10, lambda: desk.desk.bridge.current.room == "up")

        # A third room in the file: reloaded in place; the room that was up keeps its connection.
        _toml(f, [("up", pub.pub_endpoint, pub.router_endpoint), ("down", *down), ("new", *down)])
        assert desk.reload() is None
        assert [ov.model.headline(i).name for i in range(ov.model.rowCount())] == ["up", "down", "new"]
        assert desk.watch.rooms["up"].client is client_up
        assert ov.text_of("new", ROOM) == "new"
        # A broken file changes nothing and says why.
        f.write_text("[[room]]\nname = 'up'\n", encoding="utf-8")
        assert "state is missing" in desk.reload()
        assert ov.model.rowCount() == 3 and "not reloaded" in ov.summary.text()
    finally:
        pacer.uninstall()
        desk.close()
        pub.close()
        ctx.destroy(linger=0)
