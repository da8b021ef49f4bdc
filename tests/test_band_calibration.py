"""The calibrated 80 % band under a demand step (engine/band.py), on a scripted stream.

A room is calm for an hour (the forecast is right, real sales are Poisson around it), then
its demand moves in steps (x4 and back every 8-24 minutes, as in a traffic surge or a price
cut) until the end of the show; the forecast is the last five minutes' rate, so it lags each
step.  What the band claims (80 %) is checked against what really sold in each window, the
way ``evaluate``'s band coverage does.
"""
from __future__ import annotations

import numpy as np
import pytest

from controlroom.engine.band import BandCalibrator


def _coverage_on_steps(cal: BandCalibrator | None, seed: int = 1, skus: int = 8, calm_min: int = 60,
                       steps_min: int = 90, window_min: int = 15, warmup_min: int = 20,
                       prior_z: float = 1.28) -> float:
    """Share of windows whose real sales fell inside the band shown at their start
    (``cal`` None: calibration switched off, the prior multiplier throughout)."""
    rng = np.random.default_rng(seed)
    minutes = calm_min + steps_min
    rates = np.empty((skus, minutes))
    for j in range(skus):
        base = 3.0 * (1.0 + 0.2 * j)
        rates[j, :] = base
        t, high = calm_min, bool(j % 2)
        while t < minutes:
            length = int(rng.integers(8, 25))
            rates[j, t:t + length] = base * (4.0 if high else 1.0)
            high = not high
            t += length
    cum = np.concatenate([np.zeros((skus, 1)), np.cumsum(rng.poisson(rates), axis=1)], axis=1)
    w = window_min * 60.0
    inside = n = 0
    shown: dict[tuple[int, int], tuple[float, float]] = {}
    for k in range(minutes):
        for j in range(skus):
            k0 = max(0, k - 5)
            rate = (cum[j, k] - cum[j, k0]) / (k - k0) if k > 0 else rates[j, 0]
            mu = max(0.5, rate) * window_min
            sd = (mu + (0.1 * mu) ** 2) ** 0.5  # the forecast's own spread: Poisson + 10 % rate
            if cal is None:
                shown[(j, k)] = (max(0.0, mu - prior_z * sd), mu + prior_z * sd)
                continue
            # the engine's clock: the band at minute k sees only sales up to minute k
            cal.observe(k * 60.0, f"S{j}", "td", w, int(cum[j, k]), 1000, False, mu, sd, True)
            shown[(j, k)] = cal.band("td", mu, sd)
    for (j, k), (lo, hi) in shown.items():
        if k < warmup_min or k + window_min > minutes:
            continue  # the first minutes (nothing learnt yet) and windows the show's end cuts off
        sold = cum[j, k + window_min] - cum[j, k]
        n += 1
        inside += lo <= sold <= hi
    return inside / n


def _old_calibrator(**kw) -> BandCalibrator:
    """The calibrator as it was before the in-flight windows and the borrowed level (e25a37d)."""
    return BandCalibrator(prior_z=1.28, gain=kw.pop("gain", 0.02), inflight_weight=0.0, borrow_level=False, **kw)


def test_band_keeps_its_coverage_through_a_demand_step():
    new = _coverage_on_steps(BandCalibrator(prior_z=1.28))
    # the old calibrator: the plain 80th percentile of whole windows only
    old = _coverage_on_steps(BandCalibrator(prior_z=1.28, gain=0.0, early=False))
    off = _coverage_on_steps(None)
    before = _coverage_on_steps(_old_calibrator())  # the calibrator of e25a37d
    assert new >= before - 0.02, (new, before)  # what this change does for calm rooms costs no step
    assert 0.74 <= new <= 0.85, new
    assert old < 0.70 and old < new - 0.05, (old, new)  # lags the steps: too narrow when it matters
    assert off < 0.5, off  # the forecast's own spread is far too narrow here


@pytest.mark.parametrize("seed", [2, 3])
def test_band_step_result_holds_on_other_seeds(seed):
    new = _coverage_on_steps(BandCalibrator(prior_z=1.28), seed=seed)
    old = _coverage_on_steps(BandCalibrator(prior_z=1.28, gain=0.0, early=False), seed=seed)
    assert 0.72 <= new <= 0.85 and new > old + 0.05, (seed, new, old)


def test_a_tier_without_windows_borrows_from_its_rate_basis_only():
    cal = BandCalibrator(prior_z=1.28, gain=0.0, early=False)
    # drivers' real sales are 3x as dispersed as their spread says: q learnt ~ 3 x 1.28
    rng = np.random.default_rng(5)
    sold = 0
    for k in range(300):
        cal.observe(k * 60.0, "D1", "td", 60.0, sold, 1000, False, 100.0, 5.0, True, family="dynamic")
        cal.observe(k * 60.0, "P1", "profit", 1e6, 0, 1000, False, 10.0, 3.0, k == 0, family="dynamic")
        cal.observe(k * 60.0, "L1", "long_tail", 1e6, 0, 1000, False, 5.0, 2.0, k == 0, family="longrun")
        sold += int(round(100.0 + rng.normal(0.0, 15.0)))
    assert cal.scale("td") > 3.0
    assert "profit" not in cal.obs and "long_tail" not in cal.obs  # no window of theirs has ended
    assert cal.scale("profit") > 3.0  # borrowed from the drivers (same rate basis)
    assert cal.scale("long_tail") == pytest.approx(1.28)  # the long-run rate's tier keeps the prior


def test_adaptive_level_reacts_to_misses_of_the_band_shown():
    def feed(cal):
        sold = 0
        for k in range(60):  # windows ever further outside the band they were shown with
            cal.observe(k * 60.0, "A", "td", 60.0, sold, 1000, False, 10.0, 2.0, True)
            sold += 10 + k
        return cal

    plain = feed(BandCalibrator(prior_z=1.28, gain=0.0, early=False))
    aci = feed(BandCalibrator(prior_z=1.28, gain=0.05, early=False))
    assert plain.obs["td"] == aci.obs["td"]
    assert aci.alpha["td"] < 0.0 and "td" not in plain.alpha  # the miss rate aimed at went down ...
    assert aci.scale("td") > plain.scale("td") + 1.0  # ... so the level, and the band, went up


def _coverage_calm(cal: BandCalibrator, seed: int, skus: int = 12, minutes: int = 90, window_min: int = 30,
                   learn_min: int = 10) -> float:
    """A calm room: constant Poisson demand, and a forecast that starts 2.5x off (either way) and
    learns the true rate over the first ``learn_min`` minutes, as a long-run rate does; coverage of
    the 30-minute windows that end inside the show, as ``evaluate`` counts it."""
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0.5, 3.0, skus)
    sales = rng.poisson(np.repeat(rates[:, None], minutes, axis=1))
    cum = np.concatenate([np.zeros((skus, 1)), np.cumsum(sales, axis=1)], axis=1)
    guess = rates * rng.choice([0.4, 2.5], skus)
    w = window_min * 60.0
    shown = {}
    for k in range(minutes):
        for j in range(skus):
            rate = guess[j] + (rates[j] - guess[j]) * min(1.0, k / learn_min)
            mu = rate * window_min
            sd = (mu + (0.1 * mu) ** 2) ** 0.5
            cal.observe(k * 60.0, f"S{j}", "profit", w, int(cum[j, k]), 1000, False, mu, sd, True)
            shown[(j, k)] = cal.band("profit", mu, sd)
    inside = n = 0
    for (j, k), (lo, hi) in shown.items():
        if k + window_min <= minutes:
            sold = cum[j, k + window_min] - cum[j, k]
            n += 1
            inside += lo <= sold <= hi
    return inside / n


def test_a_calm_room_is_not_paid_back_twice():
    """The first minutes' misses (a forecast still learning its rate) raise the level; the old
    calibrator kept raising it for a whole window after the band had widened, because the misses
    of the bands shown before kept arriving, and the rest of the show got a band too wide (above
    85 %).  Counting the windows in flight at their expected miss stops the climb in time."""
    seeds = [1, 2, 3, 4, 5]
    new = [_coverage_calm(BandCalibrator(prior_z=1.28), s) for s in seeds]
    old = [_coverage_calm(_old_calibrator(), s) for s in seeds]
    no_inflight = [_coverage_calm(BandCalibrator(prior_z=1.28, inflight_weight=0.0), s) for s in seeds]
    assert all(0.75 <= c <= 0.84 for c in new), new
    assert all(c >= 0.85 for c in old), old
    assert np.mean(old) - np.mean(new) >= 0.025, (old, new)
    assert np.mean(no_inflight) - np.mean(new) >= 0.01, (no_inflight, new)  # the in-flight term does it


def test_in_flight_windows_count_at_their_expected_miss_until_judged_or_cut_off():
    def feed(weight):
        rng = np.random.default_rng(3)
        cal = BandCalibrator(prior_z=1.28, gain=0.04, inflight_weight=weight, early=False)
        sold = 0
        for k in range(50):  # 10-minute windows; demand steps from 10 to 13 a minute at minute 30
            cal.observe(k * 60.0, "A", "td", 600.0, sold, 1000, False, 100.0, 10.0, True)
            sold += int(rng.poisson(10 if k < 30 else 13))
        return cal, sold

    cal, sold = feed(0.5)
    open_windows = cal.open["A"]
    assert len(open_windows) == 10
    # after the step the band shown is wide: the open windows are expected to miss less than
    # 20 % of the time, so they count toward a lower level, each by 0.5 x (0.2 - expected miss)
    assert cal.inflight["td"] == pytest.approx(sum(r[8] for r in open_windows))
    assert 0.0 < cal.inflight["td"] <= 10 * 0.5 * 0.2 + 1e-9
    plain, _ = feed(0.0)
    assert plain.inflight.get("td", 0.0) == 0.0  # weight 0: only judged windows move the level
    cal.observe(50 * 60.0, "A", "td", 600.0, sold, 0, False, 100.0, 10.0, False)  # sold out: all cut off
    assert cal.open["A"] == [] and cal.inflight["td"] == pytest.approx(0.0)


def test_a_tier_reads_its_familys_level_until_it_has_windows_of_its_own():
    """Drivers' windows (15 min) end long before the profit tier's (30 min): after a step the
    drivers' misses raise the profit tier's level too, not only its borrowed quantile."""
    def feed(borrow):
        cal = BandCalibrator(prior_z=1.28, borrow_level=borrow, inflight_weight=0.0, early=False)
        sold = 0
        for k in range(60):
            cal.observe(k * 60.0, "D", "td", 60.0, sold, 1000, False, 10.0, 2.0, True, family="dynamic")
            cal.observe(k * 60.0, "P", "profit", 1e6, 0, 1000, False, 10.0, 2.0, k == 0, family="dynamic")
            sold += 10 + k
        return cal
    on, off = feed(True), feed(False)
    assert "profit" not in on.obs and on.level("td") == off.level("td")
    assert off.level("profit") == pytest.approx(0.8) and on.level("profit") > 0.95
    assert on.scale("profit") > off.scale("profit")


def test_the_early_look_is_per_tier_and_off_for_the_long_tail():
    from controlroom.settings.sections import DEFAULT_TIERS
    assert DEFAULT_TIERS["long_tail"].band_early_look is False
    assert DEFAULT_TIERS["traffic_driver"].band_early_look and DEFAULT_TIERS["profit"].band_early_look
    cal = BandCalibrator(prior_z=1.28)
    cal.observe(0.0, "L", "long_tail", 1800.0, 0, 100, False, 5.0, 2.0, True, family="longrun", early=False)
    cal.observe(0.0, "D", "td", 900.0, 0, 100, False, 5.0, 2.0, True, family="dynamic", early=True)
    assert [r[0] for r in cal.open["L"]] == [1800.0]  # the whole window only
    assert [r[0] for r in cal.open["D"]] == [450.0, 900.0]  # the early look at half, then the whole
