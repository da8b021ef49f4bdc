"""A flash lot's last units: thin pulses and a faster settle at a flash's rate (issue 16, branch `flash3`).

Traced on flash-sale seeds 1-5 (closed loop): each lot was pulsed down to less than one feed
step of the flash (rate x step x margin, 1-2k units), which then stayed frozen until its feature
and tail were over and sold slowly after: 900-1,900 units of each lot still there at the show's
end.  ``engine.pulse_thin_rate_pm``: at a flash's rate such a pulse is opened for one step at the
exposure that what is left covers; the rate it measures shows when the flash is over, and the
next release is judged on it.  ``engine.pulse_flash_settle_s``: a pulse at that rate settles a
second after its last order (a cycle of ~4 s, not ~7 s).

Scripted through the real mirror, engine and replay: tests/test_freeze_release.py's LaggingShop
(a storefront 2 s behind the warehouse, the engine's actions applied at once, orders evenly
spaced), here also showing the SKU to the share of buyers its exposure says.
"""
from __future__ import annotations

from controlroom.settings import Settings
from tests.test_freeze_release import LaggingShop

FLASH = (20.0, 80.0)  # 30,000 units/min in it, 600/min (the feature) after it


def rate(t: float) -> float:
    return 30000.0 if FLASH[0] <= t < FLASH[1] else 600.0


class ExposedShop(LaggingShop):
    """LaggingShop whose buyers see the SKU with the probability its exposure says (at once)."""

    def __init__(self, available: int, settings: Settings) -> None:
        super().__init__(available, settings)
        self.w = 1.0

    def _act(self, a: dict, ts: float) -> None:
        super()._act(a, ts)
        if a["op"] == "exposure":
            self.w = a["weight"]


def run(changes: dict, until: float = 140.0) -> ExposedShop:
    shop = ExposedShop(8000, Settings().with_changes(changes))
    shop.run(until, lambda t: rate(t) * shop.w)
    return shop


def test_a_flash_lots_last_units_are_sold_in_thin_pulses():
    on = run({})
    off = run({"engine.pulse_thin_rate_pm": 0.0})
    assert on.oversold == 0 and off.oversold == 0
    thin = [a for a in on.actions if a["op"] == "exposure" and a["weight"] < 1.0]
    assert thin, [(a["op"], a["t"]) for a in on.actions]
    # Every lowered exposure goes out with a pulse's release, and exposure 1 comes back only with the
    # next release (never while the storefront may still show the SKU open after a re-freeze).
    for a in thin:
        i = on.actions.index(a)
        assert on.actions[i + 1]["op"] == "unfreeze" and "at exposure" in on.actions[i + 1]["reason"]
    for i, a in enumerate(on.actions):
        if a["op"] == "exposure" and a["weight"] == 1.0:
            assert on.actions[i + 1]["op"] == "unfreeze", on.actions[i:i + 2]
    # Off: the lot's last units (less than one feed step of the flash) sit frozen after the flash.
    assert not any(a["op"] == "exposure" for a in off.actions)
    assert off.frozen and off.available > 150, (off.available, off.actions[-1])
    # On: thin pulses sell them in the flash, down to the last few units (11.5 for a traffic driver).
    assert on.available < 40, on.available


def test_pulses_at_a_flash_rate_settle_a_second_after_their_last_order():
    def gaps(shop):
        acts = shop.actions
        return [b["t"] - a["t"] for a, b in zip(acts, acts[1:])
                if a["op"] == "freeze" and a["reason"].startswith("end of the ") and b["op"] in ("unfreeze", "exposure")]

    on = run({}, until=FLASH[1])
    off = run({"engine.pulse_flash_settle_s": 0.0}, until=FLASH[1])
    g_on, g_off = gaps(on), gaps(off)
    assert g_on and all(x <= 2.0 + 1.0 + 1.0 for x in g_on), g_on  # lag 2 s + 1 s + one tick
    assert g_off and all(x > 5.0 for x in g_off), g_off
    assert on.oversold == 0 and off.oversold == 0


def test_a_sku_open_in_a_pulse_is_held_frozen_for_every_screen():
    """The moments a pulse has the shop's flag off: the engine's frozen-with-stock alert still fires, so
    ``ViewSnapshot.held_frozen`` names the SKU and the screens show it frozen, not green with seconds left."""
    from controlroom.state.view import ViewSnapshot

    shop = ExposedShop(8000, Settings())
    open_moments = held = 0
    t = 0.0
    while t < 120.0:
        t += 0.25
        shop.run(t, lambda x: rate(x) * shop.w)
        st = shop.rep.mirror.skus["A1"]
        last = next((a for a in reversed(shop.actions) if a["op"] in ("freeze", "unfreeze")), None)
        if st.frozen or st.available <= 0 or last is None or not last["reason"].startswith("release for a pulse"):
            continue
        open_moments += 1  # the shop's flag is off: the engine opened it for a pulse
        snap = ViewSnapshot(alerts=tuple(a.to_view() for a in shop.engine.active_alerts()))
        if "A1" in snap.held_frozen():
            held += 1
    assert open_moments >= 5, open_moments  # the flash's last units went in several pulses
    assert held == open_moments, (held, open_moments)
