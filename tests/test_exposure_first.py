"""Lower exposure first (issue 16): where the tier allows, the engine turns a SKU's exposure down
at a line above its safety stock before it freezes it.

Scripted sessions (tests/test_freeze_release.py's LaggingShop: evenly spaced live orders, a
storefront 2 s behind, actions applied at once) in which the storefront shows each would-be
order with the probability the engine's exposure command set.
"""
from __future__ import annotations

from controlroom.settings import Settings
from tests.test_freeze_release import LaggingShop

RATE = 120.0  # orders/min at full exposure: safety stock = 2/s x 5 s x 1.5 = 15 units


class ExposureShop(LaggingShop):
    """LaggingShop whose storefront applies the engine's exposure weight to the order rate."""

    def __init__(self, available: int, settings: Settings) -> None:
        self.exposure = 1.0
        super().__init__(available, settings)

    def _act(self, a: dict, ts: float) -> None:
        super()._act(a, ts)
        if a["op"] == "exposure":
            self.exposure = a["weight"]


def show(settings: Settings, restock_at: float | None = None) -> ExposureShop:
    shop = ExposureShop(400, settings)
    shop.run(150, lambda t: RATE * shop.exposure)
    if restock_at is not None:
        shop.restock(300)
    shop.run(400, lambda t: RATE * shop.exposure)
    return shop


def lowered(**kw) -> Settings:
    return Settings().with_changes({f"tiers.traffic_driver.{k}": v for k, v in kw.items()})


def test_by_default_no_tier_lowers_exposure():
    st = Settings()
    assert all(t.lower_exposure_to == 1.0 for t in st.tiers.values())
    shop = show(st)
    assert [a["op"] for a in shop.actions][:1] == ["freeze"]
    assert not [a for a in shop.actions if a["op"] == "exposure"]


def test_exposure_is_lowered_above_the_safety_stock_before_the_freeze_and_the_freeze_holds_back_less():
    plain = show(Settings())
    shop = show(lowered(lower_exposure_to=0.5, lower_exposure_at=2.0))
    ops = [a["op"] for a in shop.actions]
    assert ops[0] == "exposure" and "freeze" in ops and ops.index("exposure") < ops.index("freeze")
    ex = shop.actions[0]
    assert ex["weight"] == 0.5 and ex["by"] == "auto" and not ex["confirm"]
    # The line: 2 x the safety stock (at 120/min: 15 = rate x 5 s x 1.5, or the 2.33 sd of the
    # orders in flight, 17), above the safety stock itself.
    avail_at = int(ex["reason"].split("available ")[1].split(" ")[0])
    safety = float(ex["reason"].split("2 x safety stock ")[1].split(")")[0])
    assert 15 <= safety <= 18 and safety < avail_at <= 2 * safety, ex["reason"]
    assert "exposure lowered to 0.5 before a freeze" in ex["reason"] and "2 x safety stock" in ex["reason"]
    # Logged like the freeze: the reason names the rule and the figures (the session logs it with the command).
    fr = next(a for a in shop.actions if a["op"] == "freeze")
    assert fr["reason"].startswith("available ")
    # Half the rate: a safety stock half as big, so the freeze came later and held back fewer units.
    fr_plain = next(a for a in plain.actions if a["op"] == "freeze")
    held = int(fr["reason"].split("available ")[1].split(" ")[0])
    held_plain = int(fr_plain["reason"].split("available ")[1].split(" ")[0])
    assert held < held_plain, (held, held_plain)
    assert shop.oversold == 0 and plain.oversold == 0


def test_a_restock_restores_the_exposure():
    shop = ExposureShop(400, lowered(lower_exposure_to=0.5))
    shop.run(200, lambda t: RATE * shop.exposure)
    assert shop.exposure == 0.5
    shop.restock(300)
    shop.run(230, lambda t: RATE * shop.exposure)
    restore = [a for a in shop.actions if a["op"] == "exposure" and a["weight"] == 1.0]
    assert len(restore) == 1 and "exposure restored to 1" in restore[0]["reason"]
    assert shop.exposure == 1.0
    # Once down, the lowered rate's own (smaller) line does not bring it back up: only the restock does.
    assert [a["weight"] for a in shop.actions if a["op"] == "exposure"] == [0.5, 1.0]


def test_a_confirm_tier_asks_and_an_off_tier_never_lowers():
    ask = ExposureShop(400, lowered(lower_exposure_to=0.5, auto_freeze="confirm"))
    ask.run(220, lambda t: RATE * ask.exposure)
    ex = [a for a in ask.actions if a["op"] == "exposure"]
    assert ex and ex[0]["confirm"] is True
    off = ExposureShop(400, lowered(lower_exposure_to=0.5, auto_freeze="off"))
    off.run(250, lambda t: RATE * off.exposure)
    assert not [a for a in off.actions if a["op"] == "exposure"]


def test_the_line_is_kept_once_exposure_is_down():
    # Exposure down halves the rate, so the safety stock (and a line drawn from it now) halves too:
    # the line drawn when exposure went down decides when it comes back, not today's.
    from types import SimpleNamespace

    from controlroom.engine.exposure import step_exposure

    tier = lowered(lower_exposure_to=0.5).tiers["traffic_driver"]
    m = SimpleNamespace(sku="A1", tier=tier, exposure_line=None)
    eng = SimpleNamespace(_actions=[])
    step_exposure(eng, m, 28, 15.0, 1.0)  # line 30: lowered
    step_exposure(eng, m, 27, 7.5, 2.0)  # the rate halved: today's line would be 15, and 27 > 15 x 1.15
    step_exposure(eng, m, 20, 7.5, 3.0)
    assert [a["weight"] for a in eng._actions] == [0.5]
    step_exposure(eng, m, 300, 7.5, 4.0)  # a restock past 30 x 1.15
    assert [a["weight"] for a in eng._actions] == [0.5, 1.0]


def test_a_freeze_left_below_its_reserve_is_released_at_a_trickle_where_the_tier_allows():
    # Frozen at the safety stock, the storefront 2 s behind: the orders in flight leave less than
    # the full-exposure reserve (sized on the 5 s prior), so a plain release never comes and the
    # units stay frozen.  A tier that may lower exposure sells them at a trickle instead.
    # (the lag pinned at the 5 s prior: engine.lag_floor 1; the default 0.6 shrinks it to 3 s)
    plain = ExposureShop(400, Settings().with_changes({"engine.lag_floor": 1.0}))
    plain.run(600, lambda t: RATE * plain.exposure)
    assert [a["op"] for a in plain.actions] == ["freeze"] and plain.frozen and plain.available >= 8
    shop = ExposureShop(400, lowered(lower_exposure_to=0.5, lower_exposure_at=1.0).with_changes({"engine.lag_floor": 1.0}))
    shop.run(600, lambda t: RATE * shop.exposure)
    ops = [a["op"] for a in shop.actions]
    i = next(k for k, a in enumerate(shop.actions) if a["op"] == "exposure")
    assert ops[:1] == ["freeze"] and ops[i + 1] == "unfreeze", ops  # exposure down, then the release
    ex, rel = shop.actions[i], shop.actions[i + 1]
    assert 0.05 <= ex["weight"] <= 0.5 and ex["reason"].startswith(f"release at exposure {ex['weight']:g}")
    assert "below the reserve" in rel["reason"] and "orders in flight settled" in rel["reason"]
    # It sold what the plain freeze kept back, and oversold nothing.
    assert shop.available < plain.available and shop.oversold == 0 and plain.oversold == 0


def test_a_trickle_is_sized_on_the_demand_at_full_exposure():
    # Frozen again while shown at 0.5, the SKU's measured demand is half its full demand: the next
    # trickle's weight must cover the reserve at full exposure (sized on the halved rate, a weight
    # of 0.8 here oversold on flash-sale seed 6).
    from types import SimpleNamespace

    from controlroom.engine import freeze

    tier = lowered(lower_exposure_to=0.8).tiers["traffic_driver"]
    m = SimpleNamespace(sku="A1", tier=tier, exposure_weight=0.5, exposure_line=None, release_sent=False,
                        released_at=None, release_rate=0.0)
    eng = SimpleNamespace(_actions=[], _e=Settings().engine)
    # 30 left; reserve 20 at the demand measured at exposure 0.5 (600/min), so 40 at full exposure.
    freeze._release_lowered(eng, m, 30, 20.0, 600.0, 5.0, 0.0, 100.0)
    ex, rel = eng._actions
    assert (ex["op"], ex["weight"], rel["op"]) == ("exposure", 0.65, "unfreeze")  # 30 / (40 x 1.15)
    assert m.exposure_weight == 0.65 and abs(m.release_rate - 1200.0 / 60.0 * 0.65) < 1e-9
    assert "below the reserve 40 at full exposure" in rel["reason"]
