"""Edge cases of the review rules: dips, repeated sell-outs, snapshot resets, acted-on warnings."""
from __future__ import annotations

from controlroom.alerts.transition import AlertTransition
from controlroom.review.analysis import Action, SellOut, alert_facts, stock_facts


def ev(seq, ts, topic, **f):
    return {"v": 1, "epoch": "e", "seq": seq, "ts": ts, "room": "r", "topic": topic, **f}


SKUS = [{"sku": "A", "name": "A", "tier": "hero", "price_cents": 100, "available": 2}]


def test_dip_undone_at_once_is_not_a_sellout_but_a_real_one_is():
    evs = [ev(1, 10.0, "order", order_id="o1", sku="A", qty=2, price_cents=100, channel="live"),  # 2 -> 0
           ev(2, 10.2, "cancel", order_id="o1", sku="A", qty=2, reason="oversold"),              # back within 1 s
           ev(3, 20.0, "order", order_id="o2", sku="A", qty=2, price_cents=100, channel="live"),  # 2 -> 0
           ev(4, 80.0, "stock", sku="A", available=5, frozen=False),                               # back at 80
           ev(5, 90.0, "order", order_id="o3", sku="A", qty=5, price_cents=100, channel="live"),  # out again
           ev(6, 100.0, "hb")]
    f = stock_facts("r", SKUS, [("events", evs)])
    assert [(s.ts, s.ended_ts, s.duration_s) for s in f.sellouts] == [(20.0, 80.0, 60.0), (90.0, None, 10.0)]
    assert f.oversold_units == 2
    assert f.skus["A"].sellouts == 2 and f.skus["A"].sold_out_s == 70.0


def test_snapshot_reset_is_applied_in_stream_order():
    stream = [("events", [ev(1, 10.0, "order", order_id="o1", sku="A", qty=1, price_cents=100, channel="live")]),
              ("snapshot", {"room": "r", "skus": [{"sku": "A", "available": 0, "frozen": False}]}),
              ("events", [ev(2, 30.0, "stock", sku="A", available=4, frozen=True), ev(3, 40.0, "hb")])]
    f = stock_facts("r", SKUS, stream)
    assert f.skus["A"].final_available == 4
    assert [(s.ts, s.ended_ts) for s in f.sellouts] == [(10.0, 30.0)]  # reset to 0 after the last event at 10
    assert f.frozen_spans["A"] == [(30.0, 40.0)]


def test_sku_unavailable_from_the_start_is_no_sellout_of_this_show():
    skus = [{"sku": "Z", "name": "Z", "tier": "hero", "price_cents": 100, "available": 0}]
    f = stock_facts("r", skus, [("events", [ev(1, 5.0, "hb"), ev(2, 65.0, "hb")])])
    assert f.sellouts == []
    assert f.unavailable_spans == [("Z", 5.0, 65.0, True, False)]


def t(key, ts, sku, level, state):
    return AlertTransition(key=key, ts=ts, sku=sku, level=level, state=state, reason="")


def test_a_warning_acted_on_is_not_false():
    trs = [t("A:w", 10.0, "A", "warning", "firing"), t("A:w", 100.0, "A", "warning", "resolved"),
           t("B:w", 10.0, "B", "warning", "firing"), t("B:w", 100.0, "B", "warning", "resolved"),
           t("C:w", 10.0, "C", "warning", "firing"), t("C:w", 100.0, "C", "warning", "resolved")]
    acts = [Action(50.0, "A", "freeze", None, "auto", "auto", "c1", 1.0, 1.1, True, None),
            Action(50.0, "B", "freeze", None, "auto", "auto", "c2", 1.0, None, False, "timeout")]
    al = alert_facts(trs, [], acts, lambda sku: 15.0, 600.0)
    assert {sp.sku: sp.outcome for sp in al.spans} == {"A": "acted", "B": "false", "C": "false"}
    assert al.false_warnings == 2


def test_lead_time_and_miss_per_sellout_including_repeats():
    trs = [t("A:w:1", 10.0, "A", "warning", "firing"), t("A:c:2", 15.0, "A", "critical", "firing"),
           t("A:w:1", 40.0, "A", "warning", "resolved"), t("A:c:2", 41.0, "A", "critical", "resolved")]
    sos = [SellOut("A", 30.0, 35.0, 5.0), SellOut("A", 90.0, None, 10.0)]
    al = alert_facts(trs, sos, [], lambda sku: 15.0, 100.0)
    assert [s.lead_s for s in al.sellouts] == [20.0, None]
    assert al.misses == 1 and al.median_lead_s == 20.0
    assert len(al.spans) == 1 and al.spans[0].level == "critical" and al.spans[0].outcome == "sold out"
