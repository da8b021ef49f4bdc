"""The review numbers of a small scripted session, against values computed by hand.

The session is written straight through SessionLog (two runs: the second one
continues the file after a clean close, as a restart would).  Every expected
number below was worked out by hand from the script; the comments show the sums.
"""
from __future__ import annotations

import csv
import re

import pytest

from controlroom.alerts.transition import AlertTransition
from controlroom.log import SessionLog, open_log
from controlroom.review import build_review, report_main

T0 = 1_760_000_000.0  # shop time of the first event
WINDOWS = {"hero": 15.0, "profit": 30.0, "long_tail": 60.0}
SETTINGS = {"tiers": {"hero": {"window_min": 15.0}, "profit": {"window_min": 30.0},
                      "long_tail": {"window_min": 60.0}}}

SKUS = [
    {"sku": "A", "name": "Alpha Lipstick", "tier": "hero", "price_cents": 2000, "available": 10},
    {"sku": "B", "name": "Beta Serum", "tier": "profit", "price_cents": 5000, "available": 5},
    {"sku": "C", "name": "Gamma Brush", "tier": "long_tail", "price_cents": 1000, "available": 100},
    {"sku": "D", "name": "Delta Mask", "tier": "long_tail", "price_cents": 1500, "available": 2},
]


def _ev(seq, t, topic, **f):
    return {"v": 1, "epoch": "ep1", "seq": seq, "ts": T0 + t, "room": "studio-1", "topic": topic, **f}


def order(seq, t, oid, sku, qty, price):
    return _ev(seq, t, "order", order_id=oid, sku=sku, qty=qty, price_cents=price, channel="live")


def cancel(seq, t, oid, sku, qty, reason):
    return _ev(seq, t, "cancel", order_id=oid, sku=sku, qty=qty, reason=reason)


def stock(seq, t, sku, available, frozen):
    return _ev(seq, t, "stock", sku=sku, available=available, frozen=frozen)


def tr(key, t, sku, level, state, **kw):
    return AlertTransition(key=key, ts=T0 + t, sku=sku, level=level, state=state, reason="scripted", **kw)


def write_scripted_session(path) -> None:
    log = SessionLog(path, room="studio-1", settings=SETTINGS, app_version="test").start()
    log.skus(SKUS)
    log.feed(T0, "connected", "")
    log.events([_ev(1, 0, "traffic", viewers=1000, entries=0, featured="A")], T0)
    log.events([order(2, 10, "o1", "A", 3, 2000)], T0 + 10)                  # A 10 -> 7
    log.events([order(3, 20, "o2", "B", 2, 5000)], T0 + 20)                  # B 5 -> 3
    log.alert(tr("B:warning:1", 20, "B", "warning", "firing"))
    log.alert(tr("A:warning:2", 25, "A", "warning", "pending"))
    log.events([order(4, 30, "o3", "A", 4, 2000),                            # A 7 -> 3
                order(5, 35, "o3", "A", 4, 2000)], T0 + 35)                  # duplicate order id: ignored
    log.alert(tr("A:warning:2", 30, "A", "warning", "firing", available=3))
    log.alert(tr("A:warning:2", 40, "A", "warning", "acked", by="ann"))
    log.alert(tr("A:critical:3", 50, "A", "critical", "firing"))
    log.samples([(T0 + 59, "A", 3, 7, 6.0, 30.0, "critical"), (T0 + 60, "A", 0, 10, 5.0, 0.0, "critical")])
    log.events([order(6, 60, "o4", "A", 3, 2000),                            # A 3 -> 0: sell-out at +60
                order(7, 61, "o5", "A", 1, 2000),                            # A -> -1 (oversold)
                cancel(8, 61, "o5", "A", 1, "oversold")], T0 + 61)           # A -> 0
    log.alert(tr("C:watch:4", 80, "C", "watch", "firing"))
    log.events([order(9, 90, "o6", "C", 5, 1000)], T0 + 90)                  # C 100 -> 95
    log.alert(tr("C:watch:4", 95, "C", "watch", "resolved"))
    log.events([cancel(10, 100, "o2", "B", 2, "user")], T0 + 100)            # B 3 -> 5
    log.alert(tr("B:warning:1", 100, "B", "warning", "resolved"))
    log.samples([(T0 + 119, "B", 5, 0, 3.0, 100.0, "warning")])
    log.events([order(11, 120, "o7", "B", 5, 5000)], T0 + 120)               # B 5 -> 0: sell-out at +120
    log.alert(tr("B:critical:5", 125, "B", "critical", "firing"))
    # c1 logged twice: when sent, then with its fate (review keeps the last row)
    log.action({"ts": T0 + 140, "sku": "A", "op": "restock", "qty": 20, "origin": "operator", "operator": "ann",
                "command_id": "c1", "sent_at": 5000.0, "acked_at": None, "ok": None, "error": None})
    log.action({"ts": T0 + 140, "sku": "A", "op": "restock", "qty": 20, "origin": "operator", "operator": "ann",
                "command_id": "c1", "sent_at": 5000.0, "acked_at": 5000.12, "ok": True, "error": None})
    log.events([stock(12, 150, "A", 20, False)], T0 + 150)                   # A back in stock at +150
    log.alert(tr("A:critical:3", 155, "A", "critical", "resolved"))
    log.alert(tr("A:warning:2", 160, "A", "warning", "resolved"))
    log.samples([(T0 + 150, "C", 95, 5, 1.2, None, "ok"), (T0 + 199, "C", 95, 5, 0.6, None, "ok")])
    log.action({"ts": T0 + 199, "sku": "C", "op": "freeze", "qty": None, "origin": "auto",
                "operator": "rule:safety", "command_id": "c2", "sent_at": 5001.0, "acked_at": 5001.045,
                "ok": True, "error": None})
    log.events([stock(13, 200, "C", 95, True)], T0 + 200)                    # C frozen +200
    log.action({"ts": T0 + 259, "sku": "C", "op": "unfreeze", "qty": None, "origin": "operator",
                "operator": "bob", "command_id": "c3", "sent_at": 5002.0, "acked_at": 5002.3, "ok": True,
                "error": None})
    log.events([stock(14, 260, "C", 95, False)], T0 + 260)                   # C unfrozen +260
    log.events([order(15, 300, "o8", "A", 2, 2000)], T0 + 300)               # A 20 -> 18
    log.feed(T0 + 300, "stale", "3.2 s without a message")
    log.feed(T0 + 310, "live", "")
    log.feed(T0 + 320, "gap", "missing seq 40-45")
    log.feed(T0 + 321, "resync", "snapshot requested")
    log.feed(T0 + 325, "live", "")
    log.reject(T0 + 330, "not_json", b"{oops")
    log.reject(T0 + 331, "not_json", b"{oops2")
    log.reject(T0 + 332, "unknown_sku", b'{"sku":"Z"}')
    log.close()

    # second run of the app on the same file
    log = SessionLog(path, room="studio-1", settings=SETTINGS, app_version="test").start()
    log.alert(tr("C:warning:6", 400, "C", "warning", "firing"))
    log.action({"ts": T0 + 450, "sku": "C", "op": "exposure", "qty": None, "origin": "operator",
                "operator": "ann", "command_id": "c4", "sent_at": 5003.0, "acked_at": None, "ok": False,
                "error": "timeout"})
    log.events([order(16, 500, "o9", "D", 1, 1500)], T0 + 500)               # D 2 -> 1
    log.alert(tr("C:warning:6", 500, "C", "warning", "resolved"))
    log.alert(tr("room:feed:7", 650, None, "feed", "firing"))
    log.alert(tr("room:feed:7", 670, None, "feed", "resolved"))
    log.events([order(17, 700, "o10", "D", 1, 1500)], T0 + 700)              # D 1 -> 0: sell-out at +700
    log.feed(T0 + 800, "drift", "A mirror 18 shop 17")
    log.events([_ev(18, 900, "hb")], T0 + 900)                               # last event: show is 900 s
    log.close()


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    path = tmp_path_factory.mktemp("scripted") / "session.sqlite"
    write_scripted_session(path)
    with open_log(path) as r:
        rv = build_review(r)
    rv.test_path = path
    return rv


def test_totals(review):
    t = review.totals()
    assert t["duration_s"] == 900.0
    assert t["orders"] == 10                     # o1..o10 (o3's duplicate not counted)
    assert t["units_ordered"] == 27              # 3+2+4+3+1+5+5+2+1+1
    assert t["cancelled_units"] == 3             # o5 (1, oversold) + o2 (2, user)
    assert t["units_sold"] == 24                 # 27 - 3
    assert t["gross_gmv_cents"] == 69000         # A 13x2000 + B 7x5000 + C 5x1000 + D 2x1500
    assert t["gmv_cents"] == 57000               # 69000 - 1x2000 - 2x5000
    assert t["oversold_units"] == 1
    assert review.stock.duplicates == 1


def test_per_sku(review):
    s = review.stock.skus
    assert (s["A"].start_available, s["A"].final_available, s["A"].units_sold, s["A"].orders) == (10, 18, 12, 5)
    assert s["A"].gmv_cents == 24000             # 13 x 2000 - 1 x 2000
    assert (s["B"].final_available, s["C"].final_available, s["D"].final_available) == (0, 95, 0)
    assert s["C"].frozen_s == 60.0               # +200 .. +260
    assert s["A"].sold_out_s == 90.0             # +60 .. +150
    assert s["B"].sold_out_s == 780.0            # +120 .. end (+900)
    assert s["A"].peak_level == "critical" and s["C"].peak_level == "warning"


def test_sellouts_lead_times_and_misses(review):
    al = review.alerts
    got = [(so.sku, so.ts - T0, None if so.ended_ts is None else so.ended_ts - T0, so.lead_s) for so in al.sellouts]
    # A: warning fired +30 and was still on at +60 -> lead 30 s.  B: its warning resolved at +100,
    # before the +120 sell-out, and its critical fired after it -> miss.  D: no alert -> miss.
    assert got == [("A", 60.0, 150.0, 30.0), ("B", 120.0, None, None), ("D", 700.0, None, None)]
    assert al.misses == 2
    assert al.median_lead_s == 30.0
    t = review.totals()
    assert (t["sellouts"], t["misses"], t["median_lead_s"]) == (3, 2, 30.0)


def test_false_warnings_and_spans(review):
    al = review.alerts
    spans = [(sp.sku, sp.start - T0, None if sp.end is None else sp.end - T0, sp.level, sp.outcome)
             for sp in al.spans]
    # B's warning +20..+100: B sold out at +120, within 2 x 30 min -> not false.
    # A's warning and critical merge into one span +30..+160.  B's critical fired at +125, after B
    # sold out (+120), and never resolved.  C's warning +400..+500: C had not sold out when the log
    # ends at +900, but its verdict horizon (2 x 60 min from +400) runs to +7600: open at end, not false.
    assert spans == [("B", 20.0, 100.0, "warning", "sold out"), ("A", 30.0, 160.0, "critical", "sold out"),
                     ("B", 125.0, None, "critical", "after sell-out"), ("C", 400.0, 500.0, "warning", "open at end")]
    assert al.false_warnings == 0 and al.open_at_end == 1
    assert review.totals()["open_at_end"] == 1
    a_span = al.spans[1]
    assert a_span.acked_by == "ann" and a_span.acked_ts == T0 + 40
    assert a_span.actions == ["restock (operator)"]  # c1 at +140
    assert al.spans[3].actions == ["exposure (operator)"]  # c4 at +450


def test_alerts_per_10_minutes(review):
    t = review.totals()
    # fired instances: B:w +20, A:w +30, A:c +50, C:watch +80, B:c +125, C:w +400, feed +650 = 7
    assert t["alerts_fired"] == 7
    assert t["alerts_per_10min"] == pytest.approx(7 / 1.5, abs=1e-3)  # 7 over 900 s = 1.5 x 10 min
    assert [sum(d.values()) for _, d in review.buckets] == [6, 1]
    assert review.buckets[0][1] == {"warning": 3, "critical": 2, "watch": 1}  # B:w A:w C:w, A:c B:c, C:watch
    assert t["alerts_per_10min_max"] == 6


def test_actions_and_latency(review):
    acts = review.actions
    assert [a.command_id for a in acts] == ["c1", "c2", "c3", "c4"]  # c1 once, its last row
    assert [None if a.latency_ms is None else round(a.latency_ms, 3) for a in acts] == [120.0, 45.0, 300.0, None]
    t = review.totals()
    assert (t["actions"], t["actions_ok"], t["actions_failed"]) == (4, 3, 1)
    assert t["ack_latency_p50_ms"] == 120.0
    assert t["ack_latency_p95_ms"] == 282.0      # 120 + 0.9 x (300 - 120)
    assert t["ack_latency_max_ms"] == 300.0


def test_lost_sales_estimate(review):
    got = [(u.sku, u.start - T0, u.end - T0, u.kind, u.rate_per_min, u.rate_source, round(u.lost_units, 4),
            round(u.lost_cents, 2)) for u in review.lost]
    assert got == [
        # A sold out +60..+150: last sample before +60 says 6.0/min -> 6 x 1.5 min = 9 units x 20.00
        ("A", 60.0, 150.0, "sold out", 6.0, "sample", 9.0, 18000.0),
        # B sold out +120..+900 (13 min): first 5 min at the +119 sample's 3.0/min = 15 units, then
        # 8 min at B's average while on sale: 7 units ordered in the 2 min it was not sold out
        # = 3.5/min -> 28 units; 43 units x 50.00
        ("B", 120.0, 900.0, "sold out", 3.0, "sample", 43.0, 215000.0),
        # C frozen +200..+260: sample at +199 (not +150) says 0.6/min -> 0.6 units x 10.00
        ("C", 200.0, 260.0, "frozen", 0.6, "sample", 0.6, 600.0),
        # D sold out +700..+900, no samples: 1 unit ordered in the 5 min before -> 0.2/min x 200 s
        ("D", 700.0, 900.0, "sold out", 0.2, "observed", 0.6667, 1000.0),
    ]
    t = review.totals()
    assert t["lost_units_est"] == pytest.approx(9 + 43 + 0.6 + 2 / 3, abs=1e-3)
    assert t["lost_gmv_cents_est"] == pytest.approx(234600.0)  # 18000 + 215000 + 600 + 1000
    assert review.lost[1].avg_rate_per_min == pytest.approx(3.5)


def test_feed_incidents_and_rejects(review):
    inc = [(i.state, i.duration_s) for i in review.incidents]
    restart = [i for i in review.incidents if i.state == "restart"]
    assert [(s, d) for s, d in inc if s != "restart"] == [("stale", 10.0), ("gap", 5.0), ("resync", 4.0),
                                                         ("drift", None)]
    assert len(restart) == 1 and restart[0].duration_s is not None and restart[0].duration_s >= 0
    assert review.rejects == {"not_json": 2, "unknown_sku": 1}
    assert review.totals()["segments"] == 2


def test_report_html_and_csv(review, tmp_path, capsys):
    out = tmp_path / "r" / "report.html"
    assert report_main([str(review.test_path), "--report", str(out), "--csv", str(tmp_path / "csv")]) == 0
    text = capsys.readouterr().out
    assert "GMV 570.00" in text and "misses 2" in text and "false warnings 0, open at end 1" in text
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    assert html.count("<svg") >= 4 + 3  # 4 burn-downs + sales + alerts + latency
    for needle in ("570.00", "690.00", "Alpha Lipstick", "2,346.00", "282", "30 s", "miss"):
        assert needle in html, needle
    with open(tmp_path / "csv" / "summary.csv") as f:
        summary = dict(csv.reader(f))
    assert summary["gmv_cents"] == "57000" and summary["misses"] == "2" and summary["oversold_units"] == "1"
    assert summary["false_warnings"] == "0" and summary["open_at_end"] == "1"
    with open(tmp_path / "csv" / "sellouts.csv") as f:
        rows = list(csv.DictReader(f))
    assert [(r["sku"], r["lead_s"], r["missed"]) for r in rows] == [("A", "30.0", "0"), ("B", "", "1"), ("D", "", "1")]
    with open(tmp_path / "csv" / "lost_sales.csv") as f:
        assert [r["lost_units_est"] for r in csv.DictReader(f)] == ["9.0", "43.0", "0.6", "0.667"]


def test_review_of_missing_or_foreign_file(tmp_path, capsys):
    assert report_main([str(tmp_path / "nope.sqlite")]) == 1
    p = tmp_path / "x.sqlite"
    import sqlite3
    sqlite3.connect(p).execute("CREATE TABLE t (x)")
    assert report_main([str(p)]) == 1
    assert re.search(r"not a controlroom session log", capsys.readouterr().err)
