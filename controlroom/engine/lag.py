"""How long a freeze is in flight: the storefront's learned lag, a freeze's own flight, a confirm tier's
answer time — what the safety stock is sized on (``rate x learned lag x safety_margin``).

Learnt by :mod:`controlroom.engine.freeze` from the freezes it sees acknowledged (``RoomModel.lag_hi``,
``transit_hi``, ``answer_n``/``answer_sum``); read here by the freeze, the prediction and the reasons.
"""
from __future__ import annotations

__all__ = ["LAG_PRIOR_COUNT", "BEHIND_MAX_S", "learned_lag", "transit", "behind", "note_behind",
           "storefront_lag", "answer_time", "lag_words", "spread_words"]

LAG_PRIOR_COUNT = 1.0  # answers the confirm_answer_s prior is worth (answer_time)
BEHIND_MAX_S = 60.0  # a reading counts at most this far: a core further behind has its feed dropped and resyncs


def learned_lag(room, tier) -> float:
    """The time (s) a freeze is in flight: the storefront's lag, plus a ``confirm`` tier's answer time.

    The storefront's lag is the longest upper bound the room's last freezes gave (see below),
    the tier's ``safety_lag_s`` before the first; it never goes below ``engine.lag_floor`` × ``safety_lag_s`` (default 1: a storefront slower than
    configured raises the reserve, a faster one never lowers it — sized on a learned 2.2 s, an
    evening-show freeze at 15 left met a burst and oversold 6 units, and auto-freeze must not
    oversell).  A ``confirm`` tier's freeze also waits for the operator: the orders of that wait
    are in flight too (evening-show seeds 9, 12, 13: 6 units oversold by profit SKUs that sold out
    while their freeze waited 15 s for an answer), so :func:`answer_time` is added."""
    # Each observation (ack -> last order in flight) is a lower bound on the lag, and that plus the
    # SKU's gap between orders an upper one (the next order would have come in it, had the
    # storefront still been open).  The lag is the longest upper bound of the room's last
    # LAG_SAMPLES: a mean with the 5 s prior worth one kept a 2 s storefront's reserve at 3.5 s
    # after the first flash freeze, and the flash lots it froze never came back above it.
    lag = storefront_lag(room, tier)
    if tier.auto_freeze == "auto":
        # A freeze's flight as learnt from the last ones, or the core's backlog as measured now (the first
        # freeze of a backlog has no flight learnt yet); the flight holds the backlog of its time.
        lag += max(transit(room), behind(room))
    floor = tier.safety_lag_s * room.lag_floor
    lag = lag if lag > floor else floor
    if tier.auto_freeze == "confirm":
        return lag + answer_time(room)
    return lag


def transit(room) -> float:
    """The longest time (s, shop clock) the room's last engine freezes took from being sent to the shop's
    acknowledgement: 0 until one landed.  Orders keep coming in it at the full rate, so an auto tier's
    reserve covers it on top of the storefront's lag.  Live, a core behind its feed or a slow command
    channel makes it seconds long: in a flash demo on a machine at load 10, a freeze decided at shop
    time 322.1 s was acknowledged at 328.8 s, and 3,833 units were oversold after it; an offline replay
    or ``evaluate`` applies an action at once (a step or less)."""
    t = room.transit_hi
    return max(t) if t and room.learn_transit else 0.0


def behind(room) -> float:
    """How far (s, shop clock) the core is behind the shop, at its last clock reading (0 when caught up,
    not measured or ``engine.freeze_behind`` off; the feed client reports 0 once its readings stop).
    Orders of that time are already placed when a freeze decided now reaches the shop: live, a flash
    demo's core 7.9 s behind its feed oversold at the first freeze of each flash, before any flight
    was learnt (:func:`transit`)."""
    return room.behind if room.learn_behind else 0.0


def note_behind(room, seconds: float) -> None:
    """Keep a clock reading (``seconds`` behind), at most :data:`BEHIND_MAX_S`."""
    if seconds != seconds or seconds < 0.0:  # (NaN or negative: nothing behind)
        seconds = 0.0
    room.behind = seconds if seconds < BEHIND_MAX_S else BEHIND_MAX_S


def answer_time(room) -> float:
    """The operator's time (s) from the engine asking for a freeze to its acknowledgement: the room's
    answered asks, ``engine.confirm_answer_s`` as prior worth :data:`LAG_PRIOR_COUNT` of them."""
    return (room.answer_sum + room.answer_prior * LAG_PRIOR_COUNT) / (room.answer_n + LAG_PRIOR_COUNT)


def lag_words(room, tier) -> str:
    """How :func:`learned_lag` is made up, for reasons: ``3.2 s learned lag`` (+ the answer time)."""
    lag = learned_lag(room, tier)
    if tier.auto_freeze == "confirm":
        ans = answer_time(room)
        return f"{lag:.1f} s ({lag - ans:.1f} s learned lag + {ans:.1f} s to confirm)"
    tr = transit(room) if tier.auto_freeze == "auto" else 0.0
    bh = behind(room) if tier.auto_freeze == "auto" else 0.0
    if max(tr, bh) >= 0.5 and lag > tier.safety_lag_s * room.lag_floor:
        if bh > tr:
            return f"{lag:.1f} s learned lag ({lag - bh:.1f} s storefront + {bh:.1f} s the core is behind the shop)"
        return f"{lag:.1f} s learned lag ({lag - tr:.1f} s storefront + {tr:.1f} s for a freeze to land)"
    return f"{lag:.1f} s learned lag"


def spread_words(eng, m) -> str:
    """For reasons: that the reserve covers the count's spread too (``engine.safety_z``), or ''."""
    z = eng._e.safety_z
    return f", or mean + {z:g} sd of the orders in flight" if z > 0.0 else ""


def storefront_lag(room, tier) -> float:
    """The storefront's lag as measured: the longest upper bound of the room's last freezes
    (:func:`learned_lag` without its floor or a confirm tier's answer time), the tier's
    ``safety_lag_s`` before the first.  How long orders can still be in flight after a freeze
    was acknowledged."""
    hi = room.lag_hi
    return max(hi) if hi else tier.safety_lag_s
