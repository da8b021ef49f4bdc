"""An open warning wave takes a lone warning while it lists SKUs (issue 16,
``engine.episode_wave_takes_while_listed``; :mod:`controlroom.alerts.room_rows`).

Traced on traffic-surge seeds 1-5 (33 rows): 9 were a SKU's warning alone, minutes after the raid's
wave had taken its last new member but while the wave still listed SKUs below their lines: a
feature's warning (most never sold out), or the first row of a later wave that the open wave took a
few seconds later.  Each test runs the same hand-written transitions with the setting on and off.
"""
from __future__ import annotations

from controlroom.alerts.episodes import EpisodeBook
from controlroom.settings import Settings
from tests.episode_script import T0, tr, w


def run(script, until, listed):
    e = Settings().with_changes({"engine.episode_wave_takes_while_listed": listed, "engine.episode_wave_min_skus": 2,
                                 "engine.episode_wave_window_s": 300.0, "engine.episode_room_regroup": True}).engine
    b = EpisodeBook(e)
    out = []
    for t in range(0, until + 1):
        out += b.update(script.get(t, []), T0 + t)
    return b, out


# A1 and B1 warned a minute apart: the room's wave; A1's warning holds all show.  C1 is warned alone
# 20 minutes later (a feature's warning), D1 alone 10 minutes after that.
LATE = {0: [w("A1", 1, 0)], 60: [w("B1", 2, 60)], 200: [w("B1", 2, 200, "resolved")],
        1200: [w("C1", 3, 1200)], 1800: [w("D1", 4, 1800)]}


def test_a_lone_warning_joins_the_wave_while_it_lists_skus():
    b, changes = run(LATE, 1900, True)
    assert b.count_shown() == 1
    (wave,) = b.open_episodes()
    assert wave.id == "ep:A1:1" and wave.sku is None and wave.group == ("A1", "C1", "D1")
    assert wave.reason.startswith("room-wide: 3 SKUs below their warning lines (A1, C1, D1)")
    assert not any(c.sku in ("C1", "D1") for c in changes)  # never a row of their own, not even a tick
    off, _ = run(LATE, 1900, False)
    assert off.count_shown() == 3
    assert {e.sku for e in off.open_episodes()} == {None, "C1", "D1"}


def test_a_wave_that_lists_no_sku_takes_no_lone_warning():
    # Every member recovered at 600 s: the wave is only waiting out its quiet time (open, recovering,
    # to 1500 s), so C1's warning at 1200 s is its own row.
    s = {0: [w("A1", 1, 0)], 60: [w("B1", 2, 60)],
         600: [w("A1", 1, 600, "resolved"), w("B1", 2, 600, "resolved")], 1200: [w("C1", 3, 1200)]}
    for listed in (True, False):
        b, _ = run(s, 1300, listed)
        assert b.count_shown() == 2
        assert {e.sku for e in b.open_episodes()} == {None, "C1"}


def test_a_late_member_going_critical_still_gets_a_row_of_its_own():
    s = {**LATE, 1500: [tr("C1:critical:5", 1500, "critical", "firing", "C1"), w("C1", 3, 1500, "resolved")]}
    b, _ = run(s, 1600, True)
    eps = {e.sku: e for e in b.open_episodes()}
    assert b.count_shown() == 2
    assert eps["C1"].level == "critical" and eps["C1"].start_ts == T0 + 1500
    assert eps[None].group == ("A1",)
