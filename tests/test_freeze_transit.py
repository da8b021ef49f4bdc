"""A freeze's flight counts: the time from the engine sending its freeze to the shop's acknowledgement.

Seen live (a flash demo at 4x on a machine at load 10): the core fell seconds behind its feed, a
freeze decided at shop time 322.1 s was acknowledged at 328.8 s, and 3,833 units were oversold,
because the reserve covered the storefront's lag (learnt from ack to last order) but not the
freeze's own flight.  ``engine/freeze.py``'s :func:`transit` learns that flight from the engine's
own freezes and an auto tier's reserve adds it.

Scripted through the real mirror, engine and replay (tests/test_freeze_release.py's LaggingShop: a
storefront 2 s behind the warehouse), here with a command channel that delivers each action
``DELAY`` s late, as a core behind its feed would.
"""
from __future__ import annotations

from controlroom.engine import freeze
from controlroom.settings import Settings
from tests.test_freeze_release import LaggingShop

DELAY = 6.0


class SlowChannelShop(LaggingShop):
    """LaggingShop whose engine actions reach the shop ``delay`` s after the engine sent them."""

    def __init__(self, available: int, settings: Settings, delay: float = DELAY) -> None:
        super().__init__(available, settings)
        self.delay = delay
        self.queued: list[tuple[float, dict, float]] = []
        self.sent: list[dict] = []

    def _act(self, a: dict, ts: float) -> None:
        self.sent.append({**a, "t": self.t})
        self.queued.append((self.t + self.delay, a, ts))

    def deliver(self) -> None:
        due = [q for q in self.queued if q[0] <= self.t]
        self.queued = [q for q in self.queued if q[0] > self.t]
        for _at, a, ts in due:
            LaggingShop._act(self, a, ts)


def run(changes: dict) -> SlowChannelShop:
    # The lag floor off and no count spread: the reserve is the learnt in-flight time x margin alone.
    st = Settings().with_changes({"engine.lag_floor": 0.0, "engine.safety_z": 0.0, **changes})
    shop = SlowChannelShop(300, st)
    restocked = []

    def rate(t: float) -> float:
        shop.deliver()  # once per step, before its orders
        if t >= 200.0 and not restocked:  # the first lot frozen at its reserve: a second lot comes in
            restocked.append(t)
            shop.restock(300)
        return 150.0  # 2.5 units a second: 8 s in flight (6 s to land + a 2 s storefront) is 20 units

    shop.run(420.0, rate)
    return shop


def test_the_freezes_flight_is_learnt_and_sized_into_the_reserve():
    shop = run({})
    ops = [(a["op"], a["t"]) for a in shop.sent]
    frz = [a for a in shop.sent if a["op"] == "freeze"]
    assert len(frz) == 2 and any(op == "unfreeze" for op, _t in ops), ops  # frozen, released by the restock, frozen
    room, tier = shop.engine.room, shop.engine.models["A1"].tier
    # Learnt from the engine's own freezes: sent -> acknowledged, the delay plus a step or two.
    assert DELAY <= freeze.transit(room) <= DELAY + 1.0, list(room.transit_hi)
    assert freeze.learned_lag(room, tier) >= freeze.storefront_lag(room, tier) + DELAY
    # The second freeze is sized on it, and says so; the first, on the 5 s prior, says nothing of it.
    assert "for a freeze to land" in frz[1]["reason"] and "for a freeze to land" not in frz[0]["reason"], frz
    assert shop.oversold <= 2, shop.oversold  # the first may lose a unit or so: 20 in flight vs 18.75 kept


def test_without_the_flight_the_second_freeze_oversells():
    """The same show with the flight left out of the reserve (``engine.freeze_transit`` off: the storefront's
    2 s lag alone, learnt from the first freeze)."""
    on, off = run({}), run({"engine.freeze_transit": False})
    assert off.oversold >= 5 and on.oversold <= 2, (on.oversold, off.oversold)
    assert not any("for a freeze to land" in a["reason"] for a in off.sent if a["op"] == "freeze")
