"""The room's rows regroup (issue 16, ``engine.episode_room_regroup``; :mod:`controlroom.alerts.room_rows`).

Traced on traffic-surge seeds 1-5: a warning wave that opened early (two SKUs stocked low) stayed
open all show, so the raid's warnings 20 minutes later could neither open a wave of their own nor
join it, and each got a row; and a SKU alone in the surge row (advisory) that was then warned left
it for a new row.  Each test runs the book with the setting on and off on the same transitions.
"""
from __future__ import annotations

from controlroom.alerts.episodes import EpisodeBook
from controlroom.settings import Settings
from tests.episode_script import T0, tr, w


def run(script, until, regroup):
    # episode_wave_takes_while_listed off: these rules are about waves that lie apart in time (the later
    # rule, an open wave listing SKUs taking any new warning, is tested in test_wave_takes_while_listed).
    e = Settings().with_changes({"engine.episode_room_regroup": regroup, "engine.episode_wave_min_skus": 2,
                                 "engine.episode_wave_takes_while_listed": False,
                                 "engine.episode_wave_window_s": 300.0, "engine.episode_pending_s": 20.0}).engine
    b = EpisodeBook(e)
    out = []
    for t in range(0, until + 1):
        out += b.update(script.get(t, []), T0 + t)
    return b, out


def test_a_later_wave_of_warnings_joins_the_open_wave():
    # A1 and B1 warned a minute apart at the start: the room's wave, and A1's warning holds all show.
    # Twenty minutes later a raid warns C1, then D1 30 s after: a second wave.  On, D1 joins the open
    # wave and C1's row (opened alone 30 s before) ends there: 2 rows.  Off: C1 and D1 a row each.
    s = {0: [w("A1", 1, 0)], 60: [w("B1", 2, 60)], 200: [w("B1", 2, 200, "resolved")],
         1200: [w("C1", 3, 1200)], 1230: [w("D1", 4, 1230)]}
    b, changes = run(s, 1300, True)
    assert b.count_shown() == 2
    wave = [c for c in changes if c.id == "ep:A1:1"]
    assert wave[-1].sku is None and wave[-1].group == ("A1", "C1", "D1")
    c1 = [c for c in changes if c.id.startswith("ep:C1:")]
    assert c1[0].state == "firing" and c1[-1].state == "resolved" and c1[-1].end_ts == T0 + 1230
    assert {e.id for e in b.open_episodes()} == {"ep:A1:1"}
    off, _ = run(s, 1300, False)
    assert off.count_shown() == 3
    assert {e.sku for e in off.open_episodes()} == {None, "C1", "D1"}


def test_a_lone_warning_long_after_the_wave_still_has_its_own_row():
    # One SKU warned 20 minutes after the wave, with no second SKU: not a wave, its own row (on too).
    s = {0: [w("A1", 1, 0)], 60: [w("B1", 2, 60)], 1200: [w("C1", 3, 1200)]}
    b, _ = run(s, 1600, True)
    assert b.count_shown() == 2
    assert {e.sku for e in b.open_episodes()} == {None, "C1"}


def test_the_surge_rows_only_member_warned_goes_on_as_its_row_in_place():
    # A1 accelerates (watch): after the 20 s pending the room's surge row lists it.  At 100 s A1 is
    # below its warning line: on, the surge row is A1's problem and goes on as A1's row, a level up
    # (same id); off, A1 leaves it for a new row and the surge row stays open, empty.
    s = {0: [tr("A1:watch:1", 0, "watch", "firing", "A1")],
         100: [w("A1", 2, 100), tr("A1:watch:1", 100, "watch", "resolved", "A1")]}
    b, changes = run(s, 200, True)
    assert b.count_shown() == 1
    (ep,) = b.open_episodes()
    assert ep.id == "ep:room:surge:1" and ep.sku == "A1" and ep.level == "warning" and ep.group == ()
    assert ep.start_ts == T0 + 20  # since A1 was listed (the surge row opened for it), not before
    assert [r for _t, i, r in b.level_log if i == ep.id] == [1, 2]
    assert b.group is None
    off, _ = run(s, 200, False)
    assert off.count_shown() == 2


def test_a_row_taken_in_place_starts_when_its_sku_was_first_listed():
    # B1 accelerates first (the surge row opens for it at 20 s) and calms down; A1 accelerates at 100 s,
    # is listed, and is warned at 300 s while alone in the row: A1's row starts when A1 was listed.
    s = {0: [tr("B1:watch:1", 0, "watch", "firing", "B1")], 60: [tr("B1:watch:1", 60, "watch", "resolved", "B1")],
         100: [tr("A1:watch:2", 100, "watch", "firing", "A1")],
         300: [w("A1", 3, 300), tr("A1:watch:2", 300, "watch", "resolved", "A1")]}
    b, _ = run(s, 400, True)
    (ep,) = b.open_episodes()
    assert ep.id == "ep:room:surge:1" and ep.sku == "A1" and ep.start_ts == T0 + 100
    assert b.count_shown() == 1


def test_a_surge_row_with_other_members_is_not_taken():
    # A1 and B1 both accelerate; A1 is then warned: the row is not A1's alone, A1 gets its own row.
    s = {0: [tr("A1:watch:1", 0, "watch", "firing", "A1"), tr("B1:watch:2", 0, "watch", "firing", "B1")],
         100: [w("A1", 3, 100), tr("A1:watch:1", 100, "watch", "resolved", "A1")]}
    b, _ = run(s, 200, True)
    assert b.count_shown() == 2
    assert {(e.sku, e.level) for e in b.open_episodes()} == {("A1", "warning"), (None, "surge")}


def test_the_waves_last_member_going_critical_goes_on_in_place():
    # A1 and B1: the wave.  B1 goes critical (a row of its own: news).  A1, the wave's last member,
    # goes critical too: on, the wave goes on as A1's row (its problem), a level up; off, a third row.
    s = {0: [w("A1", 1, 0)], 60: [w("B1", 2, 60)],
         200: [tr("B1:critical:3", 200, "critical", "firing", "B1"), w("B1", 2, 200, "resolved")],
         400: [tr("A1:critical:4", 400, "critical", "firing", "A1"), w("A1", 1, 400, "resolved")]}
    b, _ = run(s, 500, True)
    assert b.count_shown() == 2
    eps = {e.id: e for e in b.open_episodes()}
    assert eps["ep:A1:1"].sku == "A1" and eps["ep:A1:1"].level == "critical" and eps["ep:A1:1"].group == ()
    assert eps["ep:A1:1"].start_ts == T0  # A1's own row first, the wave in place: since A1's warning
    assert b.wave is None
    off, _ = run(s, 500, False)
    assert off.count_shown() == 3


def test_a_taken_rows_changes_count_as_its_skus_in_the_chatter_figure():
    # A1 takes the surge row (warning at 100 s), B1's surge opens the room's next surge row at 170 s,
    # A1 goes critical at 200 s.  evaluate's episode chatter reads the taken row's changes as A1's:
    # A1 goes up twice, the room's surge rows stay at their one level (mentions seed 2 read 3 swings
    # of "the room" before, the SKU's rise and the next surge row taken as one subject swinging).
    from controlroom.review.chatter import episode_level_changes

    s = {0: [tr("A1:watch:1", 0, "watch", "firing", "A1")],
         100: [w("A1", 2, 100), tr("A1:watch:1", 100, "watch", "resolved", "A1")],
         150: [tr("B1:watch:3", 150, "watch", "firing", "B1")],
         200: [tr("A1:critical:4", 200, "critical", "firing", "A1"), w("A1", 2, 200, "resolved")]}
    b, _ = run(s, 300, True)
    assert b.taken == {"ep:room:surge:1": (T0 + 100, "A1")}
    assert episode_level_changes(b.level_log, b.taken)["max_swings_10min"] == 1
    assert episode_level_changes(b.level_log)["max_swings_10min"] == 3  # the room's subject, untold
