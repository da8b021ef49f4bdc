"""Failure stays local: three rooms, two views, one engine SIGKILLed and restarted.

Everything is real: three demo shops (``controlroom simulate --room R``) and three room engines
(``controlroom engine --headless --room R --log DIR --state-endpoint … --keys DIR``) as separate
processes with CURVE keys; two views on loopback with their own client keys on each room's
allow-list — the Qt rooms overview (``ui.rooms``, polled on its GUI timer) and a second, headless
:class:`~controlroom.rooms.watch.RoomsWatch`.  Room B's engine is SIGKILLed: both views say
"connection lost" within 2 s, rooms A and C keep refreshing as before, and the restarted engine
(same ports, same keys, same log folder) is picked up by both views without restarting them.
Then one click in the overview opens the desk on a room, and its Rooms menu switches rooms.
"""
from __future__ import annotations

import signal
import sqlite3
import statistics
import sys
import time

import pytest

from controlroom.log.shows import room_logs
from controlroom.rooms.fleet import DemoRoom, write_room_list
from controlroom.rooms.roomlist import load_room_list
from controlroom.rooms.watch import RoomsWatch, refresh_gaps

pytestmark = [pytest.mark.timeout(300), pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")]

ROOMS = ("room-a", "room-b", "room-c")
SPEED = 4.0


@pytest.fixture
def three_rooms(tmp_path):
    rooms = [DemoRoom(name, seed, tmp_path, speed=SPEED) for seed, name in enumerate(ROOMS, 1)]
    try:
        for r in rooms:
            r.start()
        yield rooms
    finally:
        for r in rooms:
            r.stop()


def test_a_killed_room_is_lost_within_2s_and_touches_no_other_room(qapp, three_rooms, tmp_path):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from ui.app import build_desk
    from ui.rooms.model import STATE
    from ui.rooms.switcher import RoomsDesk

    rooms = {r.name: r for r in three_rooms}
    desk = RoomsDesk(RoomsWatch(load_room_list(write_room_list(three_rooms, tmp_path / "sup.toml", "supervisor",
                                                                         "operator"))),
                     desk_factory=lambda s: build_desk(s, charts=False))
    second = RoomsWatch(load_room_list(write_room_list(three_rooms, tmp_path / "op2.toml", "operator2", "operator")))
    overview, first = desk.overview, desk.watch
    desk.start()  # the overview polls on its GUI timer (QTimer, 50 ms)

    ticks: list[float] = []  # when this process ran its loop: a gap here is the machine stalling us, not a room

    def spin(seconds: float, until=None) -> float | None:
        """Run the GUI event loop (and poll the second view at the same pace) for ``seconds``;
        returns the monotonic time ``until()`` first held (None if it never did)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ticks.append(time.monotonic())
            qapp.processEvents()
            second.poll()
            if until is not None and until():
                return time.monotonic()
            time.sleep(0.02)
        return None

    def all_live() -> bool:
        return all(w.rooms[n].headline is not None and w.rooms[n].headline.state == "live"
                   and w.rooms[n].view.orders > 0 for w in (first, second) for n in ROOMS)

    assert spin(90, all_live), {n: (first.rooms[n].headline, rooms[n].engine.poll()) for n in ROOMS}
    # One click on room B's row opens the desk on it: the third view of the room about to die.
    table = overview.table
    rect = table.visualRect(overview.model.index(overview.model.row_of("room-b"), 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    assert desk.current == "room-b" and desk.desk is not None
    assert spin(10, lambda: desk.desk.bridge.current.room == "room-b" and desk.desk.screen_state == "live")
    spin(6)  # the baseline: how the rooms refresh with all three up
    epoch_b = first.rooms["room-b"].client.epoch
    orders_before = {n: first.rooms[n].view.orders for n in ("room-a", "room-c")}

    t_kill = time.monotonic()
    rooms["room-b"].engine.send_signal(signal.SIGKILL)
    said: dict[str, float] = {}  # view -> when it first said "connection lost"
    says_lost = {"overview": lambda: overview.text_of("room-b", STATE) == "connection lost",
                 "second view": lambda: second.rooms["room-b"].client.health == "lost",
                 "desk": lambda: desk.desk.header.feed_chip.text() == "CONNECTION LOST"
                 and "CONNECTION LOST" in desk.desk.status_left.text()}

    def all_say_lost() -> bool:
        now = time.monotonic()
        said.update({k: now for k, f in says_lost.items() if k not in said and f()})
        return len(said) == len(says_lost)

    assert spin(10, all_say_lost), said
    t_all_lost = max(said.values())
    spin(max(0.0, t_kill + 6 - time.monotonic()))
    t_end = time.monotonic()
    lost_s = {k: round(t - t_kill, 2) for k, t in said.items()}
    # The bound is the product's: 2 s. Only a stall of this test process itself (the machine is shared; a view
    # cannot say anything while it is not running) is not counted against it, and is printed.
    own_stall = max(0.0, refresh_gaps(ticks, t_kill, t_all_lost) - 0.1)
    print(f"room-b said 'connection lost' after (s): {lost_s}; this process stalled {own_stall:.2f} s meanwhile")
    assert max(lost_s.values()) < 2.0 + own_stall, (lost_s, own_stall)

    for w in (first, second):
        for n in ("room-a", "room-c"):
            rc = w.rooms[n]
            assert rc.losses == 0 and rc.headline.state == "live"
            before = [b - a for a, b in zip(rc.changed_at, rc.changed_at[1:]) if t_kill - 6 <= a and b <= t_kill]
            after = [b - a for a, b in zip(rc.changed_at, rc.changed_at[1:]) if t_kill <= a and b <= t_end]
            pause_before, pause_after = refresh_gaps(rc.changed_at, t_kill - 6, t_kill), \
                refresh_gaps(rc.changed_at, t_kill, t_end)
            print(f"{n}: refresh median {statistics.median(before) * 1000:.0f} -> {statistics.median(after) * 1000:.0f} ms,"
                  f" longest pause {pause_before * 1000:.0f} -> {pause_after * 1000:.0f} ms")
            assert len(after) >= 0.5 * len(before)
            assert statistics.median(after) <= 2 * statistics.median(before) + 0.05
            assert pause_after <= max(1.0, 2 * pause_before)
            # While room B died and turned lost, A and C went on refreshing: no pause beyond 1 s other
            # than one of this whole process (the loaded test machine stalling the views themselves).
            t_lost = t_all_lost + 0.5
            own_stall = refresh_gaps(ticks, t_kill, t_lost)
            assert refresh_gaps(rc.changed_at, t_kill, t_lost) <= 1.0 + own_stall, (n, own_stall)
        assert all(w.rooms[n].view.orders > orders_before[n] for n in orders_before)  # their figures moved on

    # The overview shows B's last figures greyed under "connection lost"; A and C as live.
    assert [overview.text_of(n, STATE) for n in ROOMS] == ["live", "connection lost", "live"]
    shot = tmp_path / "rooms-one-lost.png"
    assert desk.window.grab().save(str(shot))

    # Restarted (same ports, keys and log folder): both views take it up again, nothing restarted here.
    rooms["room-b"].start_engine()
    back = spin(60, lambda: all(w.rooms["room-b"].headline.state == "live" and
                                w.rooms["room-b"].client.epoch != epoch_b for w in (first, second))
                and desk.desk.screen_state == "live")
    assert back is not None, (first.rooms["room-b"].headline, rooms["room-b"].engine.poll())
    assert overview.text_of("room-b", STATE) == "live"
    assert first.rooms["room-b"].recoveries == 1 and second.rooms["room-b"].recoveries == 1
    [log_b] = room_logs(rooms["room-b"].logs, "room-b")  # the same show: one file, a second segment
    with sqlite3.connect(f"file:{log_b}?mode=ro", uri=True) as c:
        assert c.execute("SELECT count(*) FROM segments").fetchone()[0] == 2

    # The desk on B is live again at the restarted engine's next frame (it was never reopened).
    assert spin(10, lambda: desk.desk.header.feed_chip.text() != "CONNECTION LOST"), desk.desk.header.feed_chip.text()
    # (The chip leaves "connection lost" at the first frame the desk takes from the restarted engine, which can be
    # one from before its feed adopted the shop's snapshot: no room yet.  Seen once in a loaded full run.)
    assert spin(10, lambda: desk.desk.bridge.current.room == "room-b"), desk.desk.bridge.current.feed
    # The desk's Rooms menu switches to another room in the same process.
    menu = next(a.menu() for a in desk.desk.menuBar().actions()
                if a.menu() is not None and any(x.text() == "Room C" for x in a.menu().actions()))
    room_c = next(a for a in menu.actions() if a.text() == "Room C")
    room_c.trigger()
    assert desk.current == "room-c"
    assert spin(10, lambda: desk.desk.bridge.current.room == "room-c")
    desk.close()
    second.close()
