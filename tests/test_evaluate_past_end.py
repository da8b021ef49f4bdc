"""A warning still open when the show ends is judged on what follows, not counted false.

Two levels: the metrics on hand-made transitions (a show ending at 3600 s, 15-minute
windows, so a warning's verdict horizon is its start + 1800 s), and ``run_past_end`` on a
hand-built demo shop whose one SKU sells out only after the show.
"""
from __future__ import annotations

from controlroom.review import metrics
from controlroom.alerts import AlertTransition
from controlroom.review.evaluate import run_past_end
from controlroom.simulate.model import ShopModel
from controlroom.simulate.scenarios import Scenario, SkuSpec

END = 3600.0


def episode(key, sku, start, end=None):
    out = [AlertTransition(key=key, ts=start, sku=sku, level="warning", state="firing", reason="")]
    if end is not None:
        out.append(AlertTransition(key=key, ts=end, sku=sku, level="warning", state="resolved", reason=""))
    return out


TRS = (episode("a:1", "A", 500.0, 900.0)      # horizon 2300 < END, never sold out: false
       + episode("b:2", "B", 3000.0)          # still firing at END; B sells out at END + 600 (< 3000 + 1800)
       + episode("c:3", "C", 3300.0)          # still firing at END; C never sells out
       + episode("d:4", "D", 3400.0, 3500.0))  # resolved before END, horizon 5200 > END, D never sells out


def test_at_the_show_end_only_the_proved_ones_are_false():
    s = metrics.summarize(TRS, {}, 15.0, n_skus=4, duration_s=END, end_ts=END)
    assert s["false_warnings"] == 1 and s["open_at_end"] == 3
    assert metrics.open_warnings(TRS, {}, 15.0, END) == [("B", 3000.0), ("C", 3300.0), ("D", 3400.0)]
    # without an end (the old count), every undecided span was called false
    assert len(metrics.false_warnings(TRS, {}, 15.0)) == 4


def test_what_follows_the_show_decides_them():
    after = {"B": END + 600.0}  # B sold out after the show, inside its horizon
    known_until = 3400.0 + 1800.0  # the shop ran on until D's horizon passed
    s = metrics.summarize(TRS, {}, 15.0, n_skus=4, duration_s=END, end_ts=known_until,
                          verdict_sellouts=after, show_end_ts=END)
    # B proved right; C and D proved wrong; A was false already
    assert s["false_warnings"] == 3 and s["open_at_end"] == 0 and s["judged_after_end"] == 3
    assert s["sellouts"] == 0  # a sell-out after the show is not one of the show's


def test_run_past_end_steps_the_shop_until_each_open_warning_is_decided():
    # A sells about 30/min (at full audience) off 400 units: not before the 600 s show ends (audience falls to 30 % after it),
    # so it sells out only after the show.  B has stock for days.
    skus = [SkuSpec("A", "a", "traffic_driver", 100, 400, base_rate=30.0, feature_rate=0.0),
            SkuSpec("B", "b", "profit", 100, 1_000_000, base_rate=5.0, feature_rate=0.0)]
    sc = Scenario("hand-built", "room-t", 600.0, skus, [], viewers_base=1000, viewers_peak=1000, ramp_s=1.0,
                  user_cancel_frac=0.0)
    m = ShopModel(sc, 3, lag_s=2.0, start_ts=0.0)
    while m.now < 600.0 - 1e-9:
        m.step(0.5)
    assert "A" not in m.books.sellout_ts  # still in stock when the show ends
    end = run_past_end(m, {"A": 600.0 + 3600.0, "B": 900.0}, dt=0.5)
    so = m.books.sellout_ts["A"]
    assert 600.0 < so < 600.0 + 3600.0
    # it stops at the later of A's sell-out and B's horizon, not at A's horizon
    assert end == max(so, 900.0)
    assert "B" not in m.books.sellout_ts
