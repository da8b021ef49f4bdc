"""A measured pulse's re-freeze settles on the storefront's measured lag (``engine.pulse_settle_s``, off by default).

Traced on flash-sale seeds 1-5 (closed loop): between two pulses the engine waited as after any
freeze, for no order in twice the storefront's lag (about 7 s a cycle on a 2 s storefront), and
a lot's flash orders ended between two pulses with 1-2k units left frozen, sold slowly or not at
all after the feature.  Once the lag is measured, a pulse's orders have all come when that lag
(+ ``pulse_settle_s``) has passed since the re-freeze's acknowledgement and none came for
``pulse_settle_s``: a cycle of about 3.5 s.  Same scripted flash as tests/test_freeze_pulse.py
(a storefront 2 s behind the warehouse).
"""
from __future__ import annotations

from controlroom.settings import Settings
from tests.test_freeze_pulse import run


def gaps(actions):
    """Seconds from each pulse's re-freeze to the next release."""
    return [b["t"] - a["t"] for a, b in zip(actions, actions[1:])
            if a["op"] == "freeze" and a["reason"].startswith("end of the ") and b["op"] == "unfreeze"]


def test_pulses_follow_each_other_on_the_measured_lag():
    shop, left = run(Settings().with_changes({"engine.pulse_settle_s": 1.0}))
    g = gaps(shop.actions)
    assert g and all(x <= 2.0 + 1.0 + 1.0 for x in g), g  # lag 2 s + pulse_settle_s + one tick
    assert shop.oversold == 0 and left < 100
    off, left_off = run(Settings().with_changes({"engine.pulse_settle_s": 0.0}))
    g_off = gaps(off.actions)
    assert g_off and all(x > 5.0 for x in g_off), g_off  # twice the lag after the last order, + a tick
    assert off.oversold == 0
    # The lot's last pulse comes sooner: in a real flash, before its orders end.
    assert shop.actions[-1]["t"] < off.actions[-1]["t"] - 4.0, (shop.actions[-1], off.actions[-1])
