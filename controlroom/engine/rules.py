"""The engine's alert rules: one SKU's levels at one tick, and the baselines' single rule.

:func:`evaluate` runs the state machines of a SKU's watch, warning, critical and
losing-sales alerts from its :class:`~controlroom.engine.predict.Prediction`;
:func:`critical_now` is the safety-stock path the hot path also takes (critical at
once, plus the tier's freeze action); :func:`evaluate_baseline` is the ``naive`` /
``static`` policies' warning.  Inhibition lives here: critical hides the SKU's warning
and watch, a frozen or delisted SKU raises nothing.
"""
from __future__ import annotations

from math import ceil, floor

from controlroom.engine import baselines, exposure, freeze
from controlroom.engine.context import EngineState
from controlroom.engine.forecast import Forecast, sellout_seconds
from controlroom.engine.predict import line_horizon_s, predict
from controlroom.engine.sku import SkuModel
from controlroom.engine.tiers import critical_condition, warning_condition
from controlroom.feed.mirror import SkuStock


__all__ = ["evaluate", "critical_now", "blocked", "evaluate_baseline", "baseline_numbers",
           "baseline_forecast", "fmt_s"]


def _up(x: float) -> int:
    """A threshold as whole units for "below x" / "at or above x" (integer stock: a < x iff a < ceil(x))."""
    return ceil(x - 1e-9)


def _down(x: float) -> int:
    """A threshold as whole units for "at or below x" (a <= x iff a <= floor(x))."""
    return floor(x + 1e-9)


def fmt_s(s: float | None) -> str:
    """A time to sell-out as alert text reads it ("45 s", "3 min 20 s", "12.5 min")."""
    if s is None:
        return "not in sight"
    if s < 90:
        return f"{s:.0f} s"
    if s < 600:
        m, r = divmod(int(round(s)), 60)
        return f"{m} min {r} s" if r else f"{m} min"
    return f"{s / 60:.1f} min"


def critical_now(eng: EngineState, m: SkuModel, st: SkuStock, ts: float, out: list) -> None:
    """Available at safety stock: critical at once, and the tier's freeze action."""
    book = eng.book
    a = book.get(m.sku, "critical")
    fc = m.fc
    rate = fc.rate_per_min if fc else None
    # (not in a measured pulse: for the operator the SKU stays frozen with stock through it)
    if (a is None or a.state != "firing") and m.pulse_units0 is None:
        reason = f"available {st.available} at or below safety stock {_down(m.safety)}: act now"
        a, _ = book.fire_now(m.sku, "critical", ts, reason, out,
                             (st.available, rate, fc.sellout_pessimistic_s if fc else None, m.safety))
        book.resolve_level(m.sku, "warning", ts, out, "superseded by critical")
        book.resolve_level(m.sku, "watch", ts, out, "superseded by critical")
    if not m.freeze_sent and m.tier.auto_freeze != "off":
        ok, why = freeze.may_freeze(eng, m, st.available, ts)
        if not ok:
            return  # held after a release, or the 10-minute limit: only when stock truly runs out
        m.freeze_sent = True
        m.sent_at = ts
        confirm = m.tier.auto_freeze == "confirm"
        if confirm and m.asked_at is None:  # its answer time is learnt from the first ask (engine/freeze.py)
            m.asked_at = ts
        eng._actions.append({
            "op": "freeze", "sku": m.sku, "by": "auto", "confirm": confirm, "ts": ts, "alert": a.key if a is not None else None,
            "why": "safety_stock", "available": st.available, "line": _down(m.safety),  # for the desk's own words
            "reason": (f"available {st.available} at or below safety stock {_down(m.safety)} ({m.tier_name}: "
                       f"rate x {freeze.lag_words(eng.room, m.tier)} x {m.tier.safety_margin:g}"
                       f"{freeze.spread_words(eng, m)}){why}"),
        })

STOCK_LEVELS = ("watch", "warning", "critical", "lost_sales")


def blocked(eng: EngineState, m: SkuModel, st: SkuStock, ts: float, out: list) -> bool:
    """A frozen or delisted SKU raises no stock alert: resolve them and say so (True).  (A frozen
    SKU with stock left has its own alert, ``frozen_with_stock``: engine/freeze.py.)"""
    if st.frozen or st.delisted:
        if eng.book.active:
            eng.book.resolve_sku(m.sku, ts, out, "frozen" if st.frozen else "delisted", STOCK_LEVELS)
            if st.delisted:
                eng.book.resolve_level(m.sku, "frozen_with_stock", ts, out, "delisted")
        m.freeze_sent = False if not st.frozen else m.freeze_sent
        return True
    if m.pulse_units0 is not None:
        # Released for a measured pulse (engine/freeze.py): still frozen with stock for the operator
        # until it settled, not a critical that fires and a frozen-with-stock that ends every pulse.
        return True
    if eng.book.active:
        eng.book.resolve_level(m.sku, "frozen_with_stock", ts, out, "unfrozen")
    return False

def evaluate(eng: EngineState, m: SkuModel, st: SkuStock, ts: float, out: list) -> Forecast:
    """The engine policy at one tick: predict, then step the SKU's critical, warning, watch and
    losing-sales alerts (transitions appended to ``out``); returns the SKU's forecast."""
    (rate, w, mu, hi, sellout, sellout_p, line, safety, cart_f, surge, exit_surge, cart_m, kappa,
     slow, cart_only, exit_line, rate_hi, steady, burst, buf, featured_burst, course) = predict(eng, m, st, ts)
    tier = m.tier
    book = eng.book
    sku = m.sku
    if blocked(eng, m, st, ts, out):
        if st.frozen and not st.delisted:
            freeze.step_frozen(eng, m, st, ts, out, rate * 60.0)
        elif m.pulse_end is not None:  # a measured pulse: frozen again at its end
            freeze.end_pulse(eng, m, st, ts)
    else:
        a = st.available
        rpm = rate * 60.0
        if a > safety * tier.exit_ratio:
            if m.asked_at is not None and ts - m.asked_at > 2.0 * freeze.answer_time(eng.room):
                m.asked_at = None  # an ask left unanswered, and no longer needed
            # Not while the operator may still answer the engine's ask: the tick's safety stock can be
            # below the one the order path asked at, and a freeze landing with freeze_sent cleared is
            # taken for the operator's own and never released (a late truck then found PF07 frozen).
            if m.asked_at is None:
                m.freeze_sent = False
        exposure.step_exposure(eng, m, a, safety, ts)  # lower exposure first, where the tier allows
        # critical
        if a <= safety:
            critical_now(eng, m, st, ts, out)
            crit = book.get(sku, "critical")
            crit.set_numbers(a, rpm, sellout_p, safety)
        else:
            was_on = book.is_on(sku, "critical")
            enter, clear = critical_condition(tier, a, safety, sellout_p)
            hz = tier.critical_horizon_min
            book.step(sku, "critical", ts, enter, clear, tier.pending_s, tier.recover_s,
                      f"pessimistic sell-out in {fmt_s(sellout_p)} ({a} available at {rate_hi * 60.0:.1f}/min), "
                      f"within the {hz:g}-min horizon: act now", out, (a, rpm, sellout_p, safety),
                      clear_reason=f"pessimistic sell-out in {fmt_s(sellout_p)}, beyond {hz * tier.exit_ratio:g} "
                                   f"min, and {a} available above {safety * tier.exit_ratio:.1f}",
                      band_reason=f"pessimistic sell-out now in {fmt_s(sellout_p)}, not beyond "
                                  f"{hz * tier.exit_ratio:g} min")
            if was_on and book.get(sku, "critical") is None:
                m.deescalated = True
        hz_min = line_horizon_s(tier) / 60.0
        if burst * buf > 0.5:
            w_reason = (f"available {a} below warning line {_up(line)}: predicted sales in the next "
                        f"{hz_min:g} min = {steady:.0f} at the steady rate + "
                        f"{burst:.0f} from the {'feature' if featured_burst else 'surge'} x {buf:.2f} "
                        f"(buffer): prepare a restock")
        elif hz_min > tier.multiplier * tier.window_min:
            w_reason = (f"available {a} below warning line {_up(line)} ({steady:.0f} predicted in {hz_min:g} min "
                        f"at the steady rate): prepare a restock")
        else:
            w_reason = (f"available {a} below warning line {_up(line)} ({tier.multiplier:g} x "
                        f"{mu:.0f} predicted in {tier.window_min:g} min): prepare a restock")
        wa = book.get(sku, "warning")
        by_course = course > exit_line and (m.deescalated or (wa is not None and wa.state != "pending"))
        if by_course:
            exit_line = course  # (a shown warning only: predict.py, exit_session_course)
        w_exit = exit_line * tier.exit_ratio
        w_clear = f"available {a} back at or above {_up(w_exit)} (exit line {exit_line:.0f} x {tier.exit_ratio:g})"
        if book.is_on(sku, "critical"):
            book.resolve_level(sku, "warning", ts, out, "superseded by critical")
            book.resolve_level(sku, "watch", ts, out, "superseded by critical")
        else:
            enter, clear = warning_condition(tier, a, line, exit_line)
            if m.deescalated:
                # The critical just resolved: if the warning's condition holds (it was only
                # hidden), the warning takes over at once, no new pending period.  Held means not
                # cleared (warning_outlasts_critical): the hysteresis a firing warning has.  Traced on
                # mentions seed 3 TD02: a mention's critical ended with 380 available, under the
                # warning's exit level but over its line, and nothing was shown until the SKU fell
                # under the line 130 s later (naive's warning held from 1895 s to the sell-out).
                m.deescalated = False
                if enter or (not clear and eng._e.warning_outlasts_critical):
                    book.fire_now(sku, "warning", ts, w_reason if enter else (
                        f"after the critical, available {a} is still under the exit level {_up(w_exit)} "
                        f"(exit line {exit_line:.0f} x {tier.exit_ratio:g}; warning line now {_up(line)})"),
                        out, (a, rpm, sellout, line))
            book.step(sku, "warning", ts, enter, clear, warning_pending_s(eng, tier, a, line, steady, burst, buf),
                      tier.recover_s, w_reason,
                      out, (a, rpm, sellout, line), clear_reason=w_clear,
                      band_reason=(f"available {a} under the exit level {_up(w_exit)}: at this show's own pace so far "
                                   f"it still sells out within the line's horizon (warning line now {_up(line)})"
                                   if by_course else
                                   f"available {a} under the exit level {_up(w_exit)} (warning line now {_up(line)})"))
            warn = book.get(sku, "warning")
            if warn is not None and warn.state != "pending":
                book.resolve_level(sku, "watch", ts, out, "superseded by warning")
            elif warn is not None:
                pass  # a warning is about to fire: leave the watch as it is until it does
            elif tier.watch:
                # Relevant if, at the pessimistic rate, the surge would empty the SKU soon.  Only
                # the surge's end clears it: the rate during a surge swings by a third from one
                # second to the next, and a reach-based exit flipped watches between firing and
                # recovering every few seconds (68 of 72 recoveries in a logged evening-show).
                r_w = rate_hi if rate_hi > rate else rate
                reach = r_w * w * eng._e.watch_horizon_windows
                enter = surge and a < reach
                clear = exit_surge
                what = "cart surge" if cart_only else "consumption accelerating"
                book.step(sku, "watch", ts, enter, clear, eng._e.watch_pending_s, tier.recover_s,
                          f"{what}: {rpm:.1f}/min vs {slow * 60:.1f}/min on the slow scale; {a} available "
                          f"would last {fmt_s(a / r_w if r_w > 0 else None)} at {r_w * 60:.1f}/min",
                          out, (a, rpm, sellout, reach),
                          clear_reason="surge over",
                          band_reason=f"surge detector not yet quiet, {a} available")
            elif book.get(sku, "watch") is not None:
                book.resolve_level(sku, "watch", ts, out, "tier raises no watch")
        # losing sales
        cart_pm = cart_m * 60.0  # the medium scale: steady enough not to flap at the threshold
        e = eng._e
        viewers = eng.mirror.viewers
        lmin = e.lost_sales_min_cart_per_min
        enter = a <= 0 and viewers > 0 and cart_pm >= lmin
        # A unit or two back from a cancel does not end it: exit above the safety floor.
        clear = a > tier.safety_floor or viewers <= 0 or cart_pm < lmin * 0.5
        lost = kappa * cart_pm
        book.step(sku, "lost_sales", ts, enter, clear, e.lost_sales_pending_s, e.lost_sales_recover_s,
                  f"sold out with {viewers} viewers and {cart_pm:.1f} cart adds/min: losing about "
                  f"{lost:.1f} sales/min", out, (a, lost, 0.0, lmin),
                  clear_reason=(f"{a} back in stock" if a > tier.safety_floor else "no viewers" if viewers <= 0
                                else f"cart adds down to {cart_pm:.1f}/min"),
                  band_reason=f"{a} available, {viewers} viewers, {cart_pm:.1f} cart adds/min")
    # The shown 80 % band: the forecast's own spread, scaled per tier by what really sold.
    z = eng._e.band_z
    spread = (hi - mu) / z if z > 0 else 0.0
    cal = eng.band
    cal.observe(ts, sku, m.tier_name, w, st.sold, st.available, st.frozen or st.delisted, mu, spread,
                eng._band_sample, family=tier.rate_basis, early=tier.band_early_look)
    lo80, hi80 = cal.band(m.tier_name, mu, spread)
    return Forecast(rate_per_min=rate * 60.0, window_min=tier.window_min, predicted_sales=mu,
                    predicted_hi=hi, sellout_s=sellout, sellout_pessimistic_s=sellout_p,
                    warning_line=line, safety_stock=safety, level=book.level_of(sku),
                    cart_rate_per_min=cart_f * 60.0, band_lo=lo80, band_hi=hi80)

def warning_pending_s(eng: EngineState, tier, a: int, line: float, steady: float, burst: float, buf: float) -> float:
    """How long the warning's condition must hold before it fires: the tier's ``pending_s``, or
    ``burst_warning_pending_s`` when only the buffer on a burst puts the SKU under the line (the
    stock covers the steady part and the burst's expected sales; not the burst times its buffer).
    Traced on traffic-surge seeds 1-5: the lone warnings of featured SKUs (none sold out) fired at
    a feature's onset, a few units under a line whose feature part was at its highest, and
    recovered 5-25 s later as the feature's part was re-estimated; each was such a warning.  A
    SKU whose stock the burst's expected sales would empty is warned after the tier's pending_s
    (delaying those too cut evening-show's lead by ~55 s a featured sell-out)."""
    p = eng._e.burst_warning_pending_s
    if p > tier.pending_s and buf > 1.0 and burst > 0.5:
        bare = line - buf * burst  # the line without its burst part
        if a >= bare + burst and a >= steady + burst and a >= tier.warning_floor:
            return p
    return tier.pending_s

def baseline_numbers(eng: EngineState, m: SkuModel, st: SkuStock, ts: float) -> tuple[float, float, float, str]:
    """(rate per s, line, window min, why) of the baseline policy."""
    e = eng._e
    if eng._policy == "naive":
        rate = baselines.naive_rate_per_s(st.sold, ts - (eng.start_ts or ts))
        line = baselines.naive_line(rate, e.naive_multiplier, e.naive_window_min)
        return rate, line, e.naive_window_min, (
            f"{e.naive_multiplier:g} x {rate * 60:.1f}/min session average over {e.naive_window_min:g} min")
    return 0.0, baselines.static_line(e.static_threshold), m.tier.window_min, "fixed threshold"

def baseline_forecast(eng: EngineState, m: SkuModel, st: SkuStock, rate: float, line: float, w_min: float) -> Forecast:
    """A baseline's forecast: its one rate, no band, no safety stock."""
    mu = rate * w_min * 60.0
    sellout = sellout_seconds(st.available, rate)
    return Forecast(rate_per_min=rate * 60.0, window_min=w_min, predicted_sales=mu, predicted_hi=mu,
                    sellout_s=sellout, sellout_pessimistic_s=sellout, warning_line=line, safety_stock=0.0,
                    level=eng.book.level_of(m.sku), cart_rate_per_min=0.0)

def evaluate_baseline(eng: EngineState, m: SkuModel, st: SkuStock, ts: float, out: list) -> Forecast:
    """The ``naive`` or ``static`` policy at one tick: its single warning rule, nothing else."""
    tier = m.tier
    book = eng.book
    sku = m.sku
    a = st.available
    rate, line, w_min, why = baseline_numbers(eng, m, st, ts)
    for lvl in ("watch", "critical", "lost_sales"):
        if book.get(sku, lvl) is not None:
            book.resolve_level(sku, lvl, ts, out, f"policy {eng._policy} raises no {lvl}")
    if not blocked(eng, m, st, ts, out):
        enter, clear = warning_condition(tier, a, line)
        book.step(sku, "warning", ts, enter, clear, tier.pending_s, tier.recover_s,
                  f"available {a} below {_up(line)} ({why})", out,
                  (a, rate * 60.0, sellout_seconds(a, rate), line),
                  clear_reason=f"available {a} back at or above {_up(line * tier.exit_ratio)}")
    return baseline_forecast(eng, m, st, rate, line, w_min)
