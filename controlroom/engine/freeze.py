"""A freeze that costs little: the learned storefront lag, self-release, the re-freeze limit,
and "frozen with stock" as an alert.

* **Learned lag.**  After the shop acknowledges a freeze (the ``stock`` event that says
  frozen), live orders still arrive for as long as the storefront shows the old state.
  The time from the acknowledgement to the last such order is one observation of the
  storefront's lag (a lower bound; plus the SKU's gap between orders, an upper one); the
  room's lag is the longest upper bound of its last freezes, the tier's ``safety_lag_s``
  before the first; an auto tier adds the longest time the room's last engine freezes took from
  being sent to being acknowledged (:func:`transit`: a core behind its feed, a slow command
  channel).  The safety stock is sized from it (``rate x learned lag x
  safety_margin``, and at least ``engine.safety_z`` standard deviations of the count of
  orders in that time above its mean: :func:`~controlroom.engine.tiers.count_spread`).  A ``confirm`` tier's
  freeze waits for the operator as well: the time from the engine's ask to the freeze's
  acknowledgement is learnt the same way (``engine.confirm_answer_s`` its prior) and added.
* **Self-release.**  A freeze the engine sent is released by the engine once the orders in
  flight have settled (no live order for twice the learned lag, and at least the lag plus
  :data:`SETTLE_S`) and stock remains above the reserve a freeze would protect now, sized
  with what this freeze taught about the lag (a restock arrived, or the first freezes,
  sized on the 5 s prior, kept more back than the storefront's real lag needed).  A freeze made
  in the SKU's own feature is judged, once the feature and its tail are over, on the rate the
  feature fades to (measured before the freeze).  Never for the last few units (2 safety floors
  x exit ratio): one order of several units is a burst there.  Release actions go out
  like the freeze (``auto``: sent; ``confirm``: asked) with a reason.  An operator's own
  freeze is never released by the engine.
* **Measured pulses** (``engine.release_pulses``, auto tiers).  A freeze whose settled stock is
  below the reserve a release needs (a flash lot frozen at rate x 5 s x margin while the flash
  goes on) is released for as long as that stock covers at the measured rate x margin, and
  frozen again at the pulse's end (the lag delays both alike); each pulse's own orders give
  the next one's rate.  For the operator the SKU stays frozen with stock through it.
* **Hold and limit.**  For ``freeze_hold_s`` after a release, and once a SKU was frozen
  ``freeze_max_per_10min`` times in 10 minutes, the engine freezes it again only when
  stock truly runs out: available at or below the units that can still be ordered while
  a freeze lands (``rate x learned lag x margin``, the rate being the instant one or,
  within the hold, the demand the release was judged on: the SKU's own rates decayed
  while it was frozen; never below the tier's floor), not at a safety stock sized on a
  rate of the moment.  A feature of the SKU that began after the release is no such moment:
  it lifts the hold and the limit.
* **Frozen with stock** is an alert (level ``frozen_with_stock``) for every frozen SKU
  with stock left, the engine's freeze or an operator's: "frozen with N left · ¥X/min
  not selling".  It waits the settle time first (an auto-freeze that releases itself
  never shows), and ends when the SKU is unfrozen or its stock is gone.
"""
from __future__ import annotations

from math import ceil

from controlroom.engine.lag import (LAG_PRIOR_COUNT, answer_time, lag_words, learned_lag, spread_words,
                                    storefront_lag, transit)
from controlroom.engine.lowered import release_lowered as _release_lowered, restore_exposure, thin_weight
from controlroom.engine.tiers import safety_stock

__all__ = ["LAG_PRIOR_COUNT", "SETTLE_S", "learned_lag", "transit", "storefront_lag", "pulse_rate", "end_pulse", "answer_time", "lag_words", "spread_words", "on_stock", "on_frozen_order", "step_frozen",
           "may_freeze", "hard_reserve", "last_few"]

SETTLE_S = 2.0  # the engine waits at least lag + this after a freeze's acknowledgement
TEN_MIN = 600.0
LAST_FEW_FLOORS = 2.0  # any release needs this many safety floors (x exit ratio) left


def on_stock(eng, m, frozen: bool, ts: float) -> None:
    """A ``stock`` event of SKU ``m``: a freeze acknowledged (or lifted)."""
    if frozen and m.frozen_at is None:
        if m.asked_at is not None and m.freeze_sent:  # the operator answered the engine's ask
            room = eng.room
            room.answer_sum += ts - m.asked_at
            room.answer_n += 1
        m.asked_at = None
        if m.freeze_sent and m.sent_at is not None and m.tier.auto_freeze == "auto":
            # The engine's freeze landed: the orders of its flight were in flight too.
            eng.room.transit_hi.append(max(ts - m.sent_at, 0.0))
        m.sent_at = None
        m.frozen_at = ts
        m.frozen_last_order = None
        m.lag_open = True
        m.inflight_units = 0.0
        m.pulse_end = None
        m.pulse_open = None
        if m.pulse_units0 is not None and m.unfrozen_at is not None:  # the end of a measured pulse
            m.pulse_open = ts - m.unfrozen_at
        m.auto_frozen = m.freeze_sent  # we asked for it: we may release it
        # The freeze landed: the next one may be sent once it is lifted.  (The intake's own reset
        # misses a release and a re-freeze within one tick: freeze_sent then stayed set and the
        # next release left the SKU with no freeze at all - evening-show seed 13, TD04, oversold 3.)
        m.freeze_sent = False
        # (a re-freeze within the hold: the SKU's rates decayed in the last freeze)
        rr = released_rate(m, ts, eng._e.freeze_hold_s) * 60.0
        m.freeze_rate = max(m.fc.rate_per_min if m.fc is not None else 0.0, rr)
        m.freeze_cart = (m.fc.cart_rate_per_min if m.fc is not None else 0.0) / m.pulse_w  # (at full exposure)
        m.freeze_times.append(ts)
        m.freeze_featured = m.featured_now(ts, eng._tail)
        m.freeze_off = m.off_rate
    elif not frozen and m.frozen_at is not None:
        if not m.release_sent:  # unfrozen by someone else: no thin pulse's exposure stays behind
            restore_exposure(eng, m, ts, "unfrozen by the operator")
        _close_lag(eng, m, ts)
        m.frozen_at = None
        m.auto_frozen = False
        m.unfrozen_at = ts


def on_frozen_order(m, ts: float, units: float = 0.0) -> None:
    """A live order of a frozen SKU (``units`` of it): still in flight from before the storefront saw the freeze."""
    if m.lag_open:
        m.frozen_last_order = ts
        m.inflight_units += units


def _close_lag(eng, m, ts: float) -> None:
    """End the observation window of the current freeze: one lag sample if orders came in it."""
    if not m.lag_open:
        return
    m.lag_open = False
    if m.frozen_last_order is not None and m.frozen_at is not None:
        room = eng.room
        x = m.frozen_last_order - m.frozen_at
        room.lag_sum += x
        room.lag_n += 1
        per_s = m.freeze_rate / 60.0 / (m.mean_qty if m.mean_qty > 1.0 else 1.0)  # orders/s at the freeze
        gap = 1.0 / per_s if per_s > 0.0 else float("inf")
        prior = m.tier.safety_lag_s
        if gap < prior or x >= prior:  # a slow SKU's early last order says little about the lag
            room.lag_hi.append(x + (gap if gap < prior else 0.0))


def released_rate(m, ts: float, hold_s: float) -> float:
    """Within the hold after a release: the demand (units/s) the release was judged on.

    The SKU's own rates decayed while it was frozen (no orders), so for the hold they are
    no measure of what will be ordered once the storefront shows it again."""
    if m.released_at is not None and ts - m.released_at < hold_s:
        return m.release_rate
    return 0.0


def hard_reserve(m, lag: float, ts: float, hold_s: float) -> float:
    """Units that can still be ordered while a freeze lands: rate x lag x margin (the instant
    rate, or within the hold the demand the release was judged on), never below the last few
    units a release leaves (:data:`LAST_FEW_FLOORS` safety floors x exit ratio): a burst of a few
    multi-unit orders takes those inside the storefront's lag (evening-show seeds 14 and 16: held
    down to 3 and 7 left after a release, then orders of 2-3 units oversold 4 and 3)."""
    r = m.live.value(ts, 0) * m.live.inv[0] + m.other_rate
    rr = released_rate(m, ts, hold_s)
    x = safety_stock(m.tier, r if r > rr else rr, lag, m.spread)  # (the count's spread too)
    few = last_few(m.tier)
    return x if x > few else few


def last_few(tier) -> float:
    """The last few units: no release leaves fewer, and a SKU the engine released is frozen again
    at them (its safety stock never below this): :data:`LAST_FEW_FLOORS` floors x exit ratio."""
    return LAST_FEW_FLOORS * tier.safety_floor * tier.exit_ratio


def may_freeze(eng, m, available: int, ts: float) -> tuple[bool, str]:
    """Whether the tier's freeze may go out now, and why (the hold and the 10-minute limit)."""
    e = eng._e
    ft = m.freeze_times
    while ft and ts - ft[0] > TEN_MIN:
        ft.popleft()
    held = m.released_at is not None and ts - m.released_at < e.freeze_hold_s
    capped = len(ft) >= e.freeze_max_per_10min
    if not (held or capped):
        return True, ""
    if m.feat_since is not None and m.released_at is not None and m.feat_since >= m.released_at:
        # A feature of the SKU began after the release: not the momentary spike the hold is for,
        # but the demand a release judged on the feature's end (step_frozen) did not cover.
        return True, "; featured again since its release"
    if m.pulse_end is not None and ts < m.pulse_end:
        # A measured pulse is open: its end freezes the SKU again (end_pulse), unless it sells
        # faster than it was sized for (a flash that began in it).
        if m.pulse_units0 is not None and m.live_units - m.pulse_units0 > m.pulse_plan:
            return True, f"; the pulse sells faster than the {m.pulse_plan:.0f} units it was sized for"
        return False, ""
    lag = learned_lag(eng.room, m.tier)
    hr = hard_reserve(m, lag, ts, e.freeze_hold_s)
    if available <= hr:
        return True, f"; stock runs out: {available} at or below {int(hr)} that can still be ordered in {lag:.1f} s"
    return False, ""


def step_frozen(eng, m, st, ts: float, out: list, rate_pm: float) -> None:
    """Tick of a frozen SKU: close the lag observation, the frozen-with-stock alert, self-release."""
    if m.frozen_at is None:  # frozen before the engine saw it (snapshot): its age is unknown
        m.frozen_at = ts
        m.auto_frozen = False
        m.freeze_rate = rate_pm
        m.freeze_cart = m.fc.cart_rate_per_min if m.fc is not None else 0.0
        m.freeze_featured = False
    lag = learned_lag(eng.room, m.tier)
    since = ts - m.frozen_at
    last = m.frozen_last_order if m.frozen_last_order is not None else m.frozen_at
    # The orders in flight have settled when none came for twice the storefront's lag (and lag +
    # SETTLE_S): that closes the lag observation, and the reserve is then sized from what it taught.
    # The lag measured, not the floored one the reserve uses: once the acknowledged freeze has
    # shown, nothing more is in flight (waiting 10 s on a 2 s storefront let flash-sale's flashes
    # end while 10,000 units of each lot sat frozen, the first release came too late to sell them).
    # (An auto tier's: a confirm tier's release is an ask, and its settle keeps the answer time in,
    # as measured on late-restock before this change.)
    sl = storefront_lag(eng.room, m.tier) if m.tier.auto_freeze == "auto" else lag
    e = eng._e
    ps = e.pulse_settle_s
    if e.pulse_flash_settle_s > 0.0 and 0.0 < e.pulse_thin_rate_pm <= m.release_rate * 60.0:
        # A pulse at a flash's rate: the wait after the first freeze (twice the lag after the last
        # order, a pulse every ~7 s) let flash-sale's flash orders end between pulses with 3k units
        # of a lot frozen (seed 1, FS04).  At thousands of orders a minute a second without one means
        # the storefront shows the freeze; slower pulses keep the old wait (pulse_settle_s at 1 s for
        # every pulse cost mentions and traffic-surge sales).
        ps = e.pulse_flash_settle_s
    if ps > 0.0 and m.pulse_units0 is not None and eng.room.lag_hi and m.frozen_at is not None:
        # A pulse's re-freeze, the storefront's lag measured already: its orders have all come once that
        # lag (+ ps) has passed since the acknowledgement and none came for ps.  The first freeze's
        # wait (twice the lag after the last order) let flash-sale's flash orders end between two
        # pulses with 1-2k units of the lot left frozen (seeds 1-5: a pulse every 7 s, now every 3 s).
        settles = ts - m.frozen_at >= sl + ps and ts - last >= ps
    else:
        settles = ts - last >= max(2.0 * sl, sl + SETTLE_S)
    if m.lag_open and settles:
        _close_lag(eng, m, ts)
        lag = learned_lag(eng.room, m.tier)
        m.freeze_pulsed = m.pulse_open is not None
        if m.freeze_pulsed:
            _measure_pulse(m)
    settled = not m.lag_open
    book = eng.book
    a = st.available
    tier = m.tier
    # Demand the freeze turns away: orders stop, so the live rate is no measure of it.  The rate
    # at the freeze, moved by the cart adds since (the storefront still takes them): a flash
    # or a feature that ends shows in the carts, and the stock left can sell again.
    cart = (m.fc.cart_rate_per_min if m.fc else 0.0) / m.pulse_w  # (carts too are thinned by a lowered exposure)
    demand = m.freeze_rate
    if m.freeze_cart > 0.0 and cart < m.freeze_cart:
        demand *= cart / m.freeze_cart
    elif m.freeze_cart <= 0.0 and m.kappa * cart > demand:
        demand = m.kappa * cart
    # The release, though, is judged on the rate at the freeze: cart adds fell for a frozen
    # flash lot whose buyers came back at full rate once it showed again (flash-sale seed 8:
    # 1,075 oversold after a release judged on the cart-scaled demand).
    demand_release = m.freeze_rate if m.freeze_rate > demand else demand
    faded = ""
    if m.freeze_featured and not m.featured_now(ts, eng._tail):
        # Frozen in a feature of its own that is over now: its buyers are back at the rate the
        # feature fades to, measured before the freeze (evening-show seed 1: TD04 frozen at 215
        # left in its feature, against a 258 reserve at 2,000/min, stayed frozen for the last
        # 2 h 14 min of the show).  Featured again, the rate at the freeze holds again.
        off = m.freeze_off * 60.0
        if m.freeze_pulsed and m.kappa * cart > off:
            # After a measured pulse, never below what the carts say is coming (as the pulse's own
            # measure): evening-show seed 16, TD08 pulsed at 270/min, was then released whole on the
            # 2.1/min its feature had faded to before the freeze, and orders of ~70/min oversold 4
            # units before the re-freeze landed.
            off = m.kappa * cart
        if off < demand_release:
            demand_release = off
            faded = " (its feature is over: the rate it fades to)"
        if off < demand:
            demand = off
    if a > 0:
        yuan = demand * st.price_cents / 100.0
        reason = (f"frozen with {a} left · ¥{yuan:,.0f}/min not selling ({demand:.1f}/min at "
                  f"¥{st.price_cents / 100:,.2f}; frozen {_fmt(since)} ago"
                  f"{' by the engine' if m.auto_frozen else ''}): unfreeze or restock")
        book.step(m.sku, "frozen_with_stock", ts, True, False, lag + SETTLE_S, 0.0, reason, out,
                  (a, demand, None, 0.0))
    else:
        book.resolve_level(m.sku, "frozen_with_stock", ts, out, "stock gone")
    if not (m.auto_frozen and settled and a > 0 and not m.release_sent) or tier.auto_freeze == "off":
        return
    # Release once what is left is more than a freeze would protect now.
    # (the count's spread too: released just above the mean x margin, a few orders re-freeze it)
    reserve = safety_stock(tier, demand_release / 60.0, lag, m.spread)
    # Worth a release: what is left (a restock, or what the freeze kept back) is past the
    # reserve by the tier's exit ratio (the usual hysteresis: a release that would sell a unit
    # or two above it only churns freeze and release).
    # Not for the last few units either: one order of several units is a burst there, and the
    # re-freeze would land after it (evening-show seed 18: released at 6 left against a reserve of
    # 5, re-frozen at 4, and orders of 3 in the storefront's lag oversold 3).
    if a < last_few(tier):
        return
    if a < reserve * tier.exit_ratio:
        # Too little left to sell at full exposure: an auto tier opens the storefront for a measured
        # pulse; a tier that may lower exposure sells it at a trickle: shown to few enough buyers
        # that what is left covers their in-flight orders.
        if not (tier.auto_freeze == "auto" and eng._e.release_pulses
                and _release_pulse(eng, m, a, demand_release, last, ts)):
            _release_lowered(eng, m, a, reserve, demand_release, lag, last, ts)
        return
    if a < last_few(tier) * tier.exit_ratio:
        return  # a released SKU is frozen again at last_few: this much above it, or it churns
    m.release_sent = True
    m.released_at = ts
    m.release_rate = demand_release / 60.0
    restore_exposure(eng, m, ts, "released whole")
    eng._actions.append({
        "op": "unfreeze", "sku": m.sku, "by": "auto", "confirm": tier.auto_freeze == "confirm", "ts": ts,
        "why": "release", "available": a, "line": ceil(reserve),
        "reason": (f"release: {a} left above the reserve {ceil(reserve)} ({demand_release:.1f}/min{faded} x "
                   f"{lag_words(eng.room, tier)} x {tier.safety_margin:g}{spread_words(eng, m)}); orders in flight settled {ts - last:.0f} s ago; "
                   f"no re-freeze for {eng._e.freeze_hold_s:g} s unless stock runs out"),
    })


def pulse_rate(m, demand_release: float, last: float) -> float:
    """The demand (units/s) a measured pulse is sized on: the rate the release is judged on, or
    the rate the orders still in flight came at after the freeze's acknowledgement, the larger
    (the storefront's last seconds open: in a flash, the rate the next pulse meets)."""
    r = demand_release / 60.0
    span = last - m.frozen_at if m.frozen_at is not None else 0.0
    # (after a pulse its own measure is in demand_release: the orders in flight at its end came
    # in the storefront's part of it, not over the span since the acknowledgement)
    if span > 0.0 and m.inflight_units > 0.0 and not m.freeze_pulsed:
        r_in = m.inflight_units / span
        if r_in > r:
            r = r_in
    return r


def _measure_pulse(m) -> None:
    """A pulse's orders have all come: the rate it sold at is the demand the next release is judged on.

    The storefront was open for exactly the time between the unfreeze's and the freeze's
    acknowledgements (both shown after the same lag), and every live order since the release
    was placed in it: a direct measure of the demand now, where the rate at the first freeze
    (kept by the hold) would go on sizing pulses for a flash that is over."""
    if m.pulse_units0 is None:
        m.pulse_open = None
        return
    units = m.live_units - m.pulse_units0
    if m.pulse_open > 0.0:
        r = units / m.pulse_open / m.pulse_w  # (a thin pulse: its orders at full exposure)
        # Never below what the carts say is coming (they lead the orders): a pulse before a flash's
        # orders arrive measures the calm before it (flash-sale seed 5, FS04: a pulse measured
        # 645/min, the release that followed met the flash and oversold 403 units).
        cart = (m.fc.cart_rate_per_min if m.fc is not None else 0.0) / m.pulse_w
        c = m.kappa * cart / 60.0
        if c > r:
            r = c
        m.release_rate = r
        m.freeze_rate = r * 60.0
        m.freeze_cart = cart
    m.pulse_open = None
    m.pulse_units0 = None


def _release_pulse(eng, m, a: int, demand_release: float, last: float, ts: float) -> bool:
    """Release for a measured pulse: open for as long as ``a`` covers, then frozen again.

    The storefront sees the release and the re-freeze after the same lag, so it stays open for
    the pulse's length whatever the lag is: ``rate x length x margin`` (and ``safety_z`` sd of
    the count) must fit in what is left above the last few units.  The re-freeze goes out at
    the first event at or after the pulse's end (the intake's clock, :func:`end_pulse`), which
    can be one step of the feed late (``room.feed_gap``): the end is set that much early.  The
    order path's re-freeze still comes first if the pulse sells faster than it was sized for
    (:func:`may_freeze`).  False if no pulse fits."""
    tier = m.tier
    budget = a - last_few(tier)
    r = pulse_rate(m, demand_release, last)
    if r <= 0.0 or budget <= 0.0:
        return False
    d = budget / (r * tier.safety_margin)
    for _ in range(60):  # the count's spread (safety_z) too: shorten until it fits
        if safety_stock(tier, r, d, m.spread) <= budget:
            break
        d *= 0.95
    else:
        return False
    early = eng.room.feed_gap
    w = 1.0
    if d < early:  # (the re-freeze at the first event after the release: open one step of the feed)
        # Too little left for one step at full exposure.  At a flash's rate that is 1-2k units of the
        # lot, frozen until its feature is over and then sold slowly (flash-sale seeds 1-5: 900-1,900
        # of each lot still there at the show's end): one step at the exposure that covers it sells
        # part of it in the flash, and its measured rate shows when the flash is over.
        thin = eng._e.pulse_thin_rate_pm
        if thin <= 0.0 or r * 60.0 < thin:
            return False
        d = early
        w = thin_weight(tier, r, d, budget, m.spread)
        if w <= 0.0:
            return False
    m.release_sent = True
    m.released_at = ts
    m.release_rate = r
    m.pulse_end = ts + d - early
    if m.pulse_end < eng._pulse_due:
        eng._pulse_due = m.pulse_end
    m.pulse_units0 = m.live_units
    m.pulse_plan = r * w * d
    if w < 1.0:
        m.pulse_w = w
        eng._actions.append({
            "op": "exposure", "sku": m.sku, "weight": w, "by": "auto", "confirm": False, "ts": ts,
            "reason": (f"exposure {w:g} for a pulse of one feed step ({d:.1f} s): {a} left cover "
                       f"{r * 60.0 * w:.1f}/min x {d:.1f} s x {tier.safety_margin:g}{spread_words(eng, m)} above the last "
                       f"{ceil(last_few(tier))}, not the full {r * 60.0:.1f}/min"),
        })
    else:
        restore_exposure(eng, m, ts, "a pulse at full exposure")
    eng._actions.append({
        "op": "unfreeze", "sku": m.sku, "by": "auto", "confirm": False, "ts": ts,
        "reason": (f"release for a pulse of at most {d:.1f} s{f' at exposure {w:g}' if w < 1.0 else ''}: {a} left, below the reserve at full exposure; "
                   f"{r * 60.0 * w:.1f}/min x {d:.1f} s x {tier.safety_margin:g}{spread_words(eng, m)} = "
                   f"{ceil(safety_stock(tier, r * w, d, m.spread))} fit above the last {ceil(last_few(tier))}; "
                   f"orders in flight settled {ts - last:.0f} s ago; frozen again in {d - early:.1f} s "
                   f"(+ up to {early:.1f} s, the feed's step)"),
    })
    return True


def end_pulse(eng, m, st, ts: float) -> None:
    """Tick of an unfrozen SKU released for a measured pulse: frozen again once the pulse is over.

    Not judged by :func:`may_freeze`: the re-freeze is the release's own end (the stock the
    storefront may still sell in it is what was left), sized and logged when it went out."""
    end = m.pulse_end
    if end is None or ts < end:
        return
    m.pulse_end = None
    if m.freeze_sent:
        return  # the order path's freeze is on its way: it ends the pulse
    # (the unfreeze may not be acknowledged yet: the shop applies the two in order)
    if st.delisted or (st.frozen and not m.release_sent) or m.tier.auto_freeze != "auto":
        if not st.frozen:
            m.pulse_units0 = None  # no re-freeze ends this pulse: the SKU is back to the usual rules
        return
    m.freeze_sent = True
    m.sent_at = ts
    eng._actions.append({
        "op": "freeze", "sku": m.sku, "by": "auto", "confirm": False, "ts": ts,
        "reason": (f"end of the {ts - m.released_at:.1f} s pulse: {st.available} available; the orders of "
                   f"its last seconds are still in flight ({m.release_rate * 60.0:.1f}/min)"),
    })


def _fmt(s: float) -> str:
    if s < 90:
        return f"{s:.0f} s"
    return f"{s / 60:.0f} min"
