"""The first freeze of a backlog: a core behind its feed decides a freeze on old news, and the orders of the
time it is behind are already placed when the freeze lands.  ``engine.freeze_transit`` learns that flight from
freezes already acknowledged, so the first freeze of a backlog had none in its reserve (seen live: a flash
demo's core 7.9 s behind oversold at the first freeze of each flash).  The feed client's clock reading
(tests/test_feed_clock.py) tells the engine how far behind it is (``Engine.note_behind``, called by the live
session on every answer), and an auto tier's reserve covers it (``engine.freeze_behind``).

Scripted through the real mirror, engine and replay (tests/test_freeze_transit.py's SlowChannelShop: each
action reaches the shop ``DELAY`` s after the engine sent it, as it does from a core that far behind).
"""
from __future__ import annotations

from controlroom.engine import lag
from controlroom.settings import Settings
from tests.test_freeze_transit import SlowChannelShop

DELAY = 12.0


def run(changes: dict, told: bool = True) -> SlowChannelShop:
    # The lag floor off and no count spread: the reserve is rate x (5 s storefront prior + what is behind) x margin.
    st = Settings().with_changes({"engine.lag_floor": 0.0, "engine.safety_z": 0.0, **changes})
    shop = SlowChannelShop(300, st, delay=DELAY)

    def rate(t: float) -> float:
        shop.deliver()
        if told:
            shop.engine.note_behind(DELAY)  # as the live session does on each clock answer (every second)
        return 150.0  # 2.5 units a second: 14 s in flight (12 behind + a 2 s storefront) is 35 units

    shop.run(150.0, rate)
    return shop


def first_freeze(shop: SlowChannelShop) -> dict:
    return next(a for a in shop.sent if a["op"] == "freeze")


def test_the_first_freeze_of_a_backlog_keeps_back_what_the_core_is_behind():
    on, off = run({}), run({"engine.freeze_behind": False})
    f_on, f_off = first_freeze(on), first_freeze(off)
    # Sized on 5 + 12 s: frozen about 64 units early (17 s x 2.5/s x 1.5); without, on the 5 s prior alone (19).
    assert 55 <= f_on["available"] <= 70 and 15 <= f_off["available"] <= 25, (f_on, f_off)
    assert "12.0 s the core is behind the shop" in f_on["reason"], f_on["reason"]
    assert "behind the shop" not in f_off["reason"]
    # No flight learnt yet at the first freeze: the reading is what covers it.
    assert on.oversold == 0 and off.oversold >= 10, (on.oversold, off.oversold)


def test_a_reading_counts_until_the_next_and_at_most_a_minute():
    shop = run({}, told=False)  # no reading at all: the reserve is the 5 s prior's, as before
    assert "behind the shop" not in first_freeze(shop)["reason"]
    eng, room = shop.engine, shop.engine.room
    eng.note_behind(8.0)
    eng.tick(eng.now + 120.0)  # kept however far the shop clock moves (a demo at 60x: a shop minute a second)
    assert lag.behind(room) == 8.0
    eng.note_behind(0.0)  # the next answer (or the feed client's 0 once answers stop: tests/test_feed_clock.py)
    assert lag.behind(room) == 0.0
    eng.note_behind(1e9)
    assert lag.behind(room) == lag.BEHIND_MAX_S
    eng.note_behind(float("nan"))
    assert lag.behind(room) == 0.0
    # Off, a reading is kept but not counted (turned on again live, it counts at once).
    eng.note_behind(8.0)
    eng.update_settings(eng.settings.with_changes({"engine.freeze_behind": False}))
    assert lag.behind(room) == 0.0
    eng.update_settings(eng.settings.with_changes({"engine.freeze_behind": True}))
    assert lag.behind(room) == 8.0
