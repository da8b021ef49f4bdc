"""Alert quality metrics over hand-made transitions."""
from __future__ import annotations

import pytest

from controlroom.review import metrics
from controlroom.alerts import AlertTransition


def tr(key, ts, sku, level, state):
    return AlertTransition(key=key, ts=float(ts), sku=sku, level=level, state=state, reason="")


def episode(key, sku, level, start, end=None, pending=None):
    out = []
    if pending is not None:
        out.append(tr(key, pending, sku, level, "pending"))
    out.append(tr(key, start, sku, level, "firing"))
    if end is not None:
        out.append(tr(key, end - 30, sku, level, "recovering"))
        out.append(tr(key, end, sku, level, "resolved"))
    return out


def test_lead_time_from_the_span_covering_the_sellout():
    t = (episode("a:w:1", "A", "warning", 100, 400)        # ended before the sell-out
         + episode("a:w:2", "A", "warning", 1000, 1500)    # superseded by critical at 1500
         + episode("a:c:3", "A", "critical", 1500)         # still on at the end
         + episode("b:w:4", "B", "warning", 2000))         # starts after B's sell-out
    leads = metrics.lead_times(sorted(t, key=lambda x: x.ts), {"A": 1800.0, "B": 1900.0, "C": 50.0})
    assert leads == {"A": 800.0, "B": None, "C": None}
    assert metrics.misses(leads) == ["B", "C"]
    assert metrics.median_lead_s(leads) == 800.0
    assert metrics.median_lead_s({"X": None}) is None
    # over all sell-outs a miss counts 0 s: {800, 0, 0} -> 0
    assert metrics.median_lead_all_s(leads) == 0.0
    assert metrics.median_lead_all_s({"A": 100.0, "B": 300.0, "C": None}) == 100.0
    assert metrics.median_lead_all_s({}) is None


def test_watch_and_lost_sales_do_not_count_as_warnings():
    t = episode("a:watch:1", "A", "watch", 0) + episode("a:l:2", "A", "lost_sales", 50)
    assert metrics.lead_times(t, {"A": 100.0}) == {"A": None}


def test_pending_only_alerts_count_for_nothing():
    t = [tr("a:w:1", 10, "A", "warning", "pending"), tr("a:w:1", 12, "A", "warning", "resolved")]
    assert metrics.fired_alerts(t) == []
    assert metrics.warning_spans(t) == {}


def test_merge_gap():
    t = episode("a:w:1", "A", "warning", 0, 100) + episode("a:w:2", "A", "warning", 130, 200)
    assert len(metrics.warning_spans(t)["A"]) == 2
    assert metrics.warning_spans(t, merge_gap_s=60)["A"] == [[0.0, 200.0]]


def test_false_warnings_use_twice_the_window():
    t = (episode("a:w:1", "A", "warning", 0, 500)      # A sells out 1700 s later: within 2 x 15 min
         + episode("b:w:2", "B", "warning", 0, 500)    # B sells out 2000 s later: beyond 30 min
         + episode("c:w:3", "C", "warning", 0, 500)    # C never sells out
         + episode("d:w:4", "D", "warning", 0, 500))   # D: 60-min window, sells out 100 min later
    so = {"A": 1700.0, "B": 2000.0, "D": 6000.0}
    fw = metrics.false_warnings(t, so, {"A": 15, "B": 15, "C": 15, "D": 60})
    assert sorted(s for s, _ in fw) == ["B", "C"]
    assert metrics.false_warnings(t, so, 15.0) == metrics.false_warnings(t, so, lambda sku: 15)
    assert metrics.false_warnings_per_sku_hour(2, 4, 1800) == pytest.approx(1.0)


def test_alert_rates_and_incidents():
    t = (episode("a:watch:1", "A", "watch", 0, 60)
         + episode("a:w:2", "A", "warning", 60, 300)
         + episode("a:c:3", "A", "critical", 300)
         + episode("b:w:4", "B", "warning", 1000, 1100)
         + episode("room:feed:5", None, "feed", 2000, 2100))
    assert len(metrics.fired_alerts(t)) == 5
    assert len(metrics.fired_alerts(t, ["warning", "critical"])) == 3
    assert metrics.alerts_per_operator_per_10min(5, 3000) == pytest.approx(1.0)
    assert metrics.alerts_per_operator_per_10min(5, 3000, operators=2) == pytest.approx(0.5)
    inc = metrics.incidents(t)
    assert [s for s, _ in inc] == ["A", "B", None]


def test_dict_rows_work_like_transitions():
    t = episode("a:w:1", "A", "warning", 100, 400)
    rows = [x.as_row() for x in t]
    assert metrics.lead_times(rows, {"A": 300.0}) == metrics.lead_times(t, {"A": 300.0}) == {"A": 200.0}


def test_summarize():
    t = episode("a:w:1", "A", "warning", 100) + episode("b:w:2", "B", "warning", 100, 200)
    s = metrics.summarize(t, {"A": 400.0}, {"A": 15, "B": 15}, n_skus=2, duration_s=3600)
    assert s["sellouts"] == 1 and s["warned"] == 1 and s["misses"] == 0
    assert s["median_lead_s"] == 300.0
    assert s["false_warnings"] == 1 and s["false_warnings_per_sku_hour"] == 0.5
    assert s["alerts"] == 2 and s["alerts_by_level"] == {"warning": 2}
    assert s["alerts_per_operator_per_10min"] == pytest.approx(2 / 6, abs=1e-3)


def test_alarms_count_an_escalation_once_and_leave_watch_out():
    t = (episode("a:watch:1", "A", "watch", 0, 60)          # advisory only
         + episode("a:w:2", "A", "warning", 60, 300)        # warning ->
         + episode("a:c:3", "A", "critical", 300)           # critical (touching) ->
         + episode("a:l:4", "A", "lost_sales", 900, 1500)   # losing sales while critical: one alarm
         + episode("b:watch:5", "B", "watch", 100, 200)     # a watch that never escalated: no alarm
         + episode("c:w:6", "C", "warning", 100, 400)       # C: two separate warnings = two alarms
         + episode("c:w:7", "C", "warning", 1000, 1200)
         + episode("room:feed:8", None, "feed", 2000, 2100))
    t.sort(key=lambda x: x.ts)
    assert sorted((str(s), ts) for s, ts in metrics.alarms(t)) == [
        ("A", 60.0), ("C", 100.0), ("C", 1000.0), ("None", 2000.0)]
    assert [k for _s, _l, k, _f in metrics.advisories(t)] == ["a:watch:1", "b:watch:5"]
    s = metrics.summarize(t, {"A": 800.0}, 15, n_skus=3, duration_s=3000)
    assert (s["alarms"], s["advisories"], s["alerts"]) == (4, 2, 8)
    assert s["alarms_per_operator_per_10min"] == pytest.approx(0.8)
    assert s["advisories_per_operator_per_10min"] == pytest.approx(0.4)
    assert s["alerts_per_operator_per_10min"] == pytest.approx(1.6)  # the raw count is still there
    # a gap between a resolved warning and a new critical makes two alarms
    g = episode("d:w:1", "D", "warning", 0, 100) + episode("d:c:2", "D", "critical", 101)
    assert len(metrics.alarms(g)) == 2
