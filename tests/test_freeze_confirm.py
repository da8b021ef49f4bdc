"""The freeze's reserve covers everything in flight (issue 16): a ``confirm`` tier's answer time, and
no release of the last few units.

Scripted sessions on the LaggingShop of tests/test_freeze_release.py (one SKU, evenly spaced
orders, a storefront 2 s behind the warehouse), through the real mirror, engine and replay.
"""
from __future__ import annotations

from controlroom.engine import freeze
from controlroom.settings import Settings
from tests.test_freeze_release import T0, LaggingShop

ANSWER = 15.0  # s the scripted operator takes to confirm a freeze the engine asks for


class ConfirmingShop(LaggingShop):
    """The LaggingShop with an operator who applies the engine's asks ``answer`` seconds later."""

    def __init__(self, available: int, settings: Settings, answer: float = ANSWER) -> None:
        super().__init__(available, settings)
        self.answer = answer
        self.answers: list[tuple[float, dict]] = []
        self.asks: list[dict] = []

    def _act(self, a: dict, ts: float) -> None:
        if a.get("confirm"):
            self.asks.append({**a, "t": self.t})
            self.answers.append((self.t + self.answer, a))
        else:
            super()._act(a, ts)

    def run(self, until: float, rate_per_min, dt: float = 0.25) -> None:
        while self.t < until - 1e-9:
            for item in [d for d in self.answers if d[0] <= self.t + 1e-9]:
                self.answers.remove(item)
                super()._act(item[1], T0 + self.t)
            super().run(self.t + dt, rate_per_min, dt)


# These sessions script the numbers a reserve on the 5 s prior gives: the storefront's lag is pinned
# there (engine.lag_floor 1; the default 0.6 lets the 2 s learned here shrink it to 3 s).
PRIOR_LAG = {"engine.lag_floor": 1.0}


def prior_lag() -> Settings:
    return Settings().with_changes(PRIOR_LAG)


def whole_release() -> Settings:
    """The prior lag, and no measured pulses: these sessions test the release of what a freeze kept
    back once the reserve allows it (a pulse would sell part of it in the burst first:
    tests/test_freeze_pulse.py)."""
    return prior_lag().with_changes({"engine.release_pulses": False})


def confirm_settings(**engine) -> Settings:
    return Settings().with_changes({"tiers.traffic_driver.auto_freeze": "confirm", **PRIOR_LAG,
                                    **{f"engine.{k}": v for k, v in engine.items()}})


def test_a_confirm_tier_asks_early_enough_for_the_operator_to_answer():
    # 60 orders/min; the operator answers in 15 s.  Sized on the storefront lag alone (no answer
    # time: prior 0) the ask comes at 7 left and 15 s of orders oversell it.
    bare = ConfirmingShop(200, confirm_settings(confirm_answer_s=0.0))
    bare.run(260, lambda t: 60.0)
    assert bare.asks and bare.oversold > 0
    # The default prior (15 s) is in the reserve: asked at ~30 left, answered, nothing oversold.
    shop = ConfirmingShop(200, confirm_settings())
    shop.run(260, lambda t: 60.0)
    ask = shop.asks[0]
    assert "s to confirm" in ask["reason"] and ask["reason"].startswith("available ")
    assert int(ask["reason"].split()[1]) >= 25, ask["reason"]
    assert shop.frozen and shop.oversold == 0 and shop.available > 0


def test_the_answer_time_is_learnt_from_the_asks_answered():
    tier = confirm_settings().tiers["traffic_driver"]
    shop = ConfirmingShop(200, confirm_settings(confirm_answer_s=5.0), answer=25.0)
    shop.run(260, lambda t: 60.0)
    room = shop.engine.room
    assert room.answer_n == 1 and abs(room.answer_sum - 25.0) <= 0.5  # ask -> acknowledged freeze
    assert abs(freeze.answer_time(room) - 15.0) <= 0.5  # (25 + the 5 s prior) / 2
    assert abs(freeze.learned_lag(room, tier) - (tier.safety_lag_s + 15.0)) <= 0.5
    m = shop.engine.models["A1"]
    assert abs(m.lag_margin - freeze.learned_lag(room, tier) * tier.safety_margin) < 1e-9


def test_the_last_few_units_are_not_released_into_a_burst():
    # Frozen at the 5-unit floor at 6 orders/min; a restock of 4 while frozen leaves 9: above the
    # reserve (5 x 1.15) but only a few orders deep.  A burst of 240/min starts at 103 s.
    def session(shop):
        shop.run(100, lambda t: 6.0)
        assert [a["op"] for a in shop.actions] == ["freeze"] and shop.frozen
        shop.restock(4)
        shop.run(240, lambda t: 6.0 if t < 103 else 240.0)
        return shop

    shop = session(LaggingShop(12, whole_release()))
    assert [a["op"] for a in shop.actions] == ["freeze"] and shop.oversold == 0 and shop.available == 9
    # A release of those 9 (the rule switched off) meets the burst: the re-freeze lands after it.
    old = freeze.LAST_FEW_FLOORS
    freeze.LAST_FEW_FLOORS = 0.0
    try:
        loose = session(LaggingShop(12, whole_release()))
    finally:
        freeze.LAST_FEW_FLOORS = old
    assert [a["op"] for a in loose.actions][:3] == ["freeze", "unfreeze", "freeze"]
    assert loose.oversold > 0
    # A restock worth selling is released as before.
    big = LaggingShop(12, whole_release())
    big.run(100, lambda t: 6.0)
    big.restock(30)
    big.run(140, lambda t: 6.0)
    assert [a["op"] for a in big.actions] == ["freeze", "unfreeze"] and not big.frozen


def featured_session(shop: LaggingShop) -> LaggingShop:
    """20 orders/min off feature; featured from 120 s to 200 s at 600/min; 20/min again to 400 s."""
    shop.run(120, lambda t: 20.0)
    shop.featured = "A1"
    shop.run(200, lambda t: 600.0)
    assert [a["op"] for a in shop.actions] == ["freeze"] and shop.frozen and shop.available > 20
    shop.featured = None
    shop.run(400, lambda t: 20.0)
    return shop


def test_a_freeze_made_in_a_feature_is_released_once_the_feature_is_over():
    # Frozen at the safety stock of the featured burst.  The feature ends at 200 s and the buyers
    # are back at 20/min: what the freeze kept back is far above a reserve at that rate, so it is
    # released once the feature's tail (120 s) is over.
    shop = featured_session(LaggingShop(600, whole_release()))
    ops = [(a["op"], a["t"]) for a in shop.actions]
    assert [o for o, _ in ops][:2] == ["freeze", "unfreeze"], ops
    rel = shop.actions[1]
    assert rel["t"] >= 200 + Settings().engine.feature_tail_s
    assert "its feature is over" in rel["reason"]
    assert not shop.frozen and shop.oversold == 0
    # Featured again, the engine freezes at the burst's safety stock once more: nothing oversold.
    shop.featured = "A1"
    shop.run(520, lambda t: 600.0)
    assert shop.oversold == 0 and shop.actions[-1]["op"] == "freeze"


def test_a_released_sku_is_frozen_again_at_the_last_few_units_not_at_the_floor():
    # After the release above it sells on at 20/min: its safety stock (5, the floor) would let it
    # down to 5, where one burst of multi-unit orders inside the storefront's lag oversells.  A SKU
    # the engine released is frozen again at the last few units, where no release would leave it.
    tier = Settings().tiers["traffic_driver"]
    shop = featured_session(LaggingShop(600, whole_release()))
    n = len(shop.actions)
    assert [a["op"] for a in shop.actions] == ["freeze", "unfreeze"]
    shop.run(700, lambda t: 20.0)
    frz = [a for a in shop.actions[n:] if a["op"] == "freeze"]
    assert frz, [a["op"] for a in shop.actions]
    at = int(frz[0]["reason"].split()[1])
    assert tier.safety_floor < at <= freeze.last_few(tier) and shop.oversold == 0, frz[0]["reason"]
    assert not [a for a in shop.actions[n:] if a["op"] == "unfreeze"]  # and it stays frozen
