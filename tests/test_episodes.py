"""Episodes (issue 16): one alert per problem, stable levels, flap detection, inhibition, grouping.

The first tests feed the episode book hand-written alert transitions (every timing known);
the scripted-session tests run the real engine on evenly spaced events.
"""
from __future__ import annotations

from controlroom.alerts.episodes import EpisodeBook
from controlroom.alerts.transition import AlertTransition
from controlroom.engine.scripted import Script
from controlroom.review.replay import Replayer
from controlroom.settings import Settings

T0 = 1_700_000_000.0


def tr(key, t, level, state, sku="A1", reason=None, available=50):
    return AlertTransition(key=key, ts=T0 + t, sku=sku, level=level, state=state,
                           reason=reason or f"{level} {state} at {t}", available=available,
                           rate_per_min=10.0, predicted_sellout_s=300.0, threshold=60.0)


def run(book, script, until):
    """Feed ``script`` ({t: [transitions]}) second by second to ``until``; all changes."""
    out = []
    for t in range(0, until + 1):
        out += book.update(script.get(t, []), T0 + t)
    return out


def book(**kw):
    e = Settings().engine
    if kw:
        e = Settings().with_changes({f"engine.{k}": v for k, v in kw.items()}).engine
    return EpisodeBook(e)


def test_repeated_transitions_update_one_episode_in_place():
    b = book()
    s = {0: [tr("A1:warning:1", 0, "warning", "firing")],
         60: [tr("A1:warning:1", 60, "warning", "recovering")],
         90: [tr("A1:warning:1", 90, "warning", "firing")],
         200: [tr("A1:warning:1", 200, "warning", "recovering")],
         320: [tr("A1:warning:1", 320, "warning", "resolved")],
         400: [tr("A1:warning:2", 400, "warning", "firing")]}
    changes = run(b, s, 500)
    assert b.count_shown() == 1
    assert {c.id for c in changes} == {"ep:A1:1"}
    assert [c.state for c in changes][:3] == ["firing", "recovering", "firing"]
    (ep,) = b.open_episodes()
    assert ep.level == "warning" and ep.alert_key == "A1:warning:2" and ep.level_changes == 0


def test_episode_ends_after_the_quiet_period_and_the_hold():
    b = book(episode_quiet_s=300.0, episode_min_hold_s=600.0)
    s = {0: [tr("A1:warning:1", 0, "warning", "firing")],
         100: [tr("A1:warning:1", 100, "warning", "resolved")]}
    changes = run(b, s, 1000)
    ended = [c for c in changes if c.state == "resolved"]
    assert len(ended) == 1 and ended[0].end_ts == T0 + 100
    # held for the minimum hold since it went up (600 s), not only the quiet period (400 s)
    assert b.history[-1].end_ts == T0 + 100
    assert not b.open_episodes()
    assert b.level_log[-1][2] == 0


def test_lower_levels_are_inhibited_while_a_higher_one_fires():
    b = book()
    s = {0: [tr("A1:warning:1", 0, "warning", "firing")],
         10: [tr("A1:critical:2", 10, "critical", "firing", reason="available 4 at or below safety stock 5")],
         # the engine's own watch would be superseded; even if one fired, it stays hidden
         20: [tr("A1:watch:3", 20, "watch", "firing")]}
    run(b, s, 30)
    (ep,) = b.open_episodes()
    assert ep.level == "critical" and "safety stock" in ep.reason
    assert b.count_shown() == 1


def test_min_hold_keeps_the_level_before_stepping_down():
    b = book(episode_min_hold_s=600.0)
    s = {0: [tr("A1:critical:1", 0, "critical", "firing")],
         30: [tr("A1:critical:1", 30, "critical", "resolved"), tr("A1:warning:2", 30, "warning", "firing")]}
    run(b, s, 599)
    assert b.open_episodes()[0].level == "critical"
    run(b, {}, 0)  # nothing new
    b.update([], T0 + 600)
    assert b.open_episodes()[0].level == "warning"
    assert [r for _t, _id, r in b.level_log] == [4, 2]


def test_a_watch_waits_its_pending_period_and_a_blip_opens_nothing():
    # Grouping off: the watch is a row of its own.  Default (a group of one): it is listed in the
    # room's surge row, which waits the same pending period.
    for group_min, level, group in ((0, "watch", ()), (1, "surge", ("A1",))):
        b = book(episode_pending_s=20.0, episode_group_min_skus=group_min)
        s = {0: [tr("A1:watch:1", 0, "watch", "firing")], 10: [tr("A1:watch:1", 10, "watch", "resolved")],
             100: [tr("A1:watch:2", 100, "watch", "firing")]}
        run(b, s, 119)
        assert b.count_shown() == 0, group_min
        b.update([], T0 + 120)
        (ep,) = b.open_episodes()
        assert b.count_shown() == 1 and (ep.level, ep.group) == (level, group), group_min


def _flipping(period=40, until=600):
    """Alerts of A1 flipping warning <-> critical every ``period`` s (the critical fires, resolves, ...)."""
    s, n = {0: [tr("A1:warning:1", 0, "warning", "firing")]}, 1
    for i, t in enumerate(range(period, until, period)):
        n += 1
        if i % 2 == 0:
            s[t] = [tr(f"A1:critical:{n}", t, "critical", "firing")]
        else:
            s[t] = [tr(f"A1:critical:{n - 1}", t, "critical", "resolved")]
    return s


def test_flap_detection_holds_an_unsteady_sku_at_its_higher_level():
    # A short hold (60 s) lets the level step down once; the third change of the SKU's
    # alerts within the flap window marks it unsteady and holds it at critical.
    b = book(episode_flap_changes=2, episode_flap_window_s=600.0, episode_min_hold_s=60.0)
    run(b, _flipping(), 700)
    assert b.count_shown() == 1
    (ep,) = b.open_episodes()
    assert ep.unsteady and ep.level == "critical" and ep.reason.startswith("unsteady")
    assert [(t - T0, r) for t, _id, r in b.level_log] == [(0, 2), (40, 4), (100, 2), (120, 4)]
    # steady again for a whole window: released, and it may step down
    b.update([], T0 + 560 + 600)
    assert not b.open_episodes()[0].unsteady


def test_oscillating_level_with_the_default_hold_is_one_episode_and_one_swing():
    b = book()
    run(b, _flipping(), 590)
    assert b.count_shown() == 1
    assert [r for _t, _id, r in b.level_log] == [2, 4]
    assert b.open_episodes()[0].unsteady


def test_room_wide_surge_is_one_grouped_episode():
    b = book(episode_group_min_skus=3, episode_pending_s=20.0)
    s = {0: [tr("A1:watch:1", 0, "watch", "firing", sku="A1")],
         3: [tr("B1:watch:2", 3, "watch", "firing", sku="B1")],
         6: [tr("C1:watch:3", 6, "watch", "firing", sku="C1")],
         40: [tr("D1:watch:4", 40, "watch", "firing", sku="D1")],
         # one member escalates: it leaves the group with its own episode
         60: [tr("B1:warning:5", 60, "warning", "firing", sku="B1"), tr("B1:watch:2", 60, "watch", "resolved", sku="B1")]}
    run(b, s, 61)
    eps = b.open_episodes()
    group = [e for e in eps if e.sku is None]
    assert len(group) == 1 and group[0].level == "surge"
    assert group[0].group == ("A1", "C1", "D1")
    assert [e.sku for e in eps if e.sku] == ["B1"]
    assert b.count_shown() == 2  # the surge and B1's warning, not four watches
    assert "room-wide surge: 4 SKUs" not in group[0].reason and "3 SKUs" in group[0].reason


def test_mentions_one_after_another_are_one_surge_row_until_the_surges_are_over():
    # A host mentions A1, then B1, then C1, minutes apart: each is a watch alone (a surge, no action
    # yet).  By default they are listed in one room row, not three problems; D1's watch that goes on to
    # a warning gets a row of its own; after episode_quiet_s without a surge the row ends, and the next
    # mention opens a new one.
    b = book(episode_pending_s=20.0, episode_quiet_s=900.0, episode_min_hold_s=600.0)
    s = {0: [tr("A1:watch:1", 0, "watch", "firing", sku="A1")],
         120: [tr("A1:watch:1", 120, "watch", "resolved", sku="A1")],
         300: [tr("B1:watch:2", 300, "watch", "firing", sku="B1")],
         400: [tr("B1:watch:2", 400, "watch", "resolved", sku="B1")],
         700: [tr("C1:watch:3", 700, "watch", "firing", sku="C1"), tr("D1:watch:4", 700, "watch", "firing", sku="D1")],
         760: [tr("D1:warning:5", 760, "warning", "firing", sku="D1"), tr("D1:watch:4", 760, "watch", "resolved", sku="D1")],
         800: [tr("C1:watch:3", 800, "watch", "resolved", sku="C1")],
         2000: [tr("E1:watch:6", 2000, "watch", "firing", sku="E1")]}
    changes = run(b, s, 2100)
    surge = [c for c in changes if c.level == "surge"]
    assert {c.id for c in surge} == {"ep:room:surge:1", "ep:room:surge:3"}
    assert [c.group for c in surge if c.id == "ep:room:surge:1" and c.state == "firing"][-1] == ("C1",)
    assert ("A1",) in {c.group for c in surge} and ("B1",) in {c.group for c in surge}
    first_end = [c for c in surge if c.id == "ep:room:surge:1" and c.state == "resolved"]
    assert len(first_end) == 1 and first_end[0].end_ts == T0 + 800  # ended where the surges did
    assert b.count_shown() == 3  # one surge row, D1's warning, the later surge row (not six rows)
    assert {e.sku for e in b.open_episodes()} == {None, "D1"}
    # Grouping off: every watch alone is a row (the figure before the surge row).
    b0 = book(episode_pending_s=20.0, episode_group_min_skus=0)
    run(b0, s, 2100)
    assert b0.count_shown() == 5


def test_warnings_of_many_skus_at_once_are_one_room_wave():
    # A traffic surge lifts many SKUs over their warning lines within minutes: A1 is warned first (its
    # own row), B1 100 s later turns that row into the room's wave (in place: same id), and C1..E1,
    # within 5 minutes of each other, are listed there: one row, not five.  C1 going critical leaves the
    # wave with a row of its own (a critical is news of its own); B1's warning ending and firing again
    # comes back to the wave; F1, warned long after, is a problem of its own (with
    # episode_wave_takes_while_listed off: on, the wave still listing A1, D1, E1 takes it,
    # tests/test_wave_takes_while_listed.py).
    b = book(episode_wave_min_skus=2, episode_wave_window_s=300.0, episode_wave_takes_while_listed=False)
    w = lambda sku, n, t, st="firing": tr(f"{sku}:warning:{n}", t, "warning", st, sku=sku)  # noqa: E731
    s = {0: [w("A1", 1, 0)], 100: [w("B1", 2, 100)], 150: [w("C1", 3, 150)], 200: [w("D1", 4, 200)],
         260: [w("E1", 5, 260)],
         300: [tr("C1:critical:6", 300, "critical", "firing", sku="C1"), w("C1", 3, 300, "resolved")],
         320: [w("B1", 2, 320, "resolved")], 400: [w("B1", 7, 400)],
         900: [w("F1", 8, 900)]}
    changes = run(b, s, 901)
    a1 = [c for c in changes if c.id == "ep:A1:1"]
    assert a1[0].sku == "A1" and a1[0].group == ()  # shown alone first
    wave = [c for c in a1 if c.sku is None]
    assert wave and all(c.level == "warning" for c in wave) and wave[0].group == ("A1", "B1")
    groups = [c.group for c in wave]
    assert ("A1", "B1", "C1", "D1", "E1") in groups and ("A1", "D1", "E1") in groups
    assert groups[-1] == ("A1", "B1", "D1", "E1")
    assert "room-wide: 4 SKUs below their warning lines" in wave[-1].reason
    assert {e.sku for e in b.open_episodes()} == {None, "C1", "F1"}
    assert b.count_shown() == 3  # the wave (A1's row), C1's critical, F1 (not six rows)
    assert [r for _t, i, r in b.level_log if i == "ep:A1:1"] == [2]  # no level change: updated in place
    # The wave off: every SKU's warning is a row.
    b0 = book(episode_wave_min_skus=0)
    run(b0, s, 901)
    assert b0.count_shown() == 6


def test_a_wave_left_with_one_sku_no_longer_says_room_wide():
    # A1 and B1 warned 60 s apart: the room's wave.  B1 goes critical (a row of its own): the wave
    # lists A1 alone, and its reason no longer claims a room-wide cause.
    b = book(episode_wave_min_skus=2, episode_wave_window_s=300.0)
    w = lambda sku, n, t, st="firing": tr(f"{sku}:warning:{n}", t, "warning", st, sku=sku)  # noqa: E731
    s = {0: [w("A1", 1, 0)], 60: [w("B1", 2, 60)],
         200: [tr("B1:critical:3", 200, "critical", "firing", sku="B1"), w("B1", 2, 200, "resolved")]}
    changes = run(b, s, 400)
    wave = [c for c in changes if c.id == "ep:A1:1" and c.sku is None]
    assert wave[0].group == ("A1", "B1") and wave[0].reason.startswith("room-wide: 2 SKUs")
    assert wave[-1].group == ("A1",)
    assert wave[-1].reason.startswith("warning wave: A1 still below its warning line")
    assert "room-wide" not in wave[-1].reason


def test_ack_marks_the_episode():
    b = book()
    run(b, {0: [tr("A1:warning:1", 0, "warning", "firing")]}, 1)
    ch = b.update([AlertTransition(key="A1:warning:1", ts=T0 + 2, sku="A1", level="warning", state="acked",
                                   reason="acknowledged by op", by="op")], T0 + 2)
    assert ch and ch[0].acked and b.open_episodes()[0].acked


# --- scripted sessions through the real engine ---------------------------------------------------

def test_scripted_value_oscillating_around_the_line_is_one_episode():
    # A traffic driver selling 10/min; its stock is topped up far above the line and drained
    # far below it again and again, with a short recover_s so its warning alerts resolve and
    # re-fire: several alert instances, one episode, at most two level swings.
    st = Settings().with_changes({"tiers.traffic_driver.recover_s": 20.0})
    warm = Script([{"sku": "H1", "tier": "traffic_driver", "available": 3000}])
    warm.orders("H1", 10, 0, 1800)
    rep = Replayer(st, warm.snapshot(), start_ts=warm.start_ts)
    for ev in warm.events():
        rep.feed(ev)
    rep.advance(warm.ts(1800))
    line = rep.engine.forecast("H1").warning_line
    s = Script(warm.skus, start_ts=warm.start_ts, id_prefix="h")
    avail = 3000 - 300
    t = 1800.0
    for k in range(6):  # every 100 s: below the line for 50 s, then far above
        s.stock("H1", t + 1, int(line * 0.8))
        s.orders("H1", 10, t, t + 50)
        s.stock("H1", t + 51, int(line * 2))
        s.orders("H1", 10, t + 51, t + 100)
        t += 100.0
    for ev in s.events():
        rep.feed(ev)
    r = rep.finish(s.ts(t + 5))
    warn_keys = {x.key for x in r.transitions if x.level == "warning" and x.state == "firing"}
    assert len(warn_keys) >= 3  # the alerts re-fired ...
    eng = rep.engine
    assert eng.episodes.count_shown() == 1  # ... one episode
    ranks = [rk for _t, _id, rk in eng.episodes.level_log]
    assert ranks == [2]  # shown as a warning throughout, never back to ok in between
    assert avail  # (stock values are the script's own)


def test_frozen_with_stock_is_not_held_once_the_freeze_is_lifted():
    # The freeze is a fact, not a reading that swings: lifted, the episode gives way at once to the
    # SKU's other alert (no minimum hold), or ends when there is none.
    b = book(episode_min_hold_s=600.0)
    s = {0: [tr("A1:warning:1", 0, "warning", "firing")],
         10: [tr("A1:frozen_with_stock:2", 10, "frozen_with_stock", "firing")],
         30: [tr("A1:frozen_with_stock:2", 30, "frozen_with_stock", "resolved")]}
    run(b, s, 40)
    (ep,) = b.open_episodes()
    assert ep.level == "warning" and ep.alert_key == "A1:warning:1"
    b2 = book(episode_min_hold_s=600.0)
    s2 = {0: [tr("B1:frozen_with_stock:1", 0, "frozen_with_stock", "firing", sku="B1")],
          30: [tr("B1:frozen_with_stock:1", 30, "frozen_with_stock", "resolved", sku="B1")]}
    run(b2, s2, 40)
    assert not b2.open_episodes() and b2.history[-1].end_ts == T0 + 30
