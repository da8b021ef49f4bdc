"""Review counts on a small hand-built log: our own restocks are not drift; an alert open at the end is not false.

The log (written through SessionLog, read back with build_review):

* SKU A (hero, 15-min window): restocked by the operator (+250, acked); the shop's stock
  event moves the mirror from 10 to 260 and the feed client logs a ``drift`` row for it.
  Later a second jump of +250 with no restock behind it: a real drift.
* SKU B: a restock of 5 the shop refused, then a drift of +5: nothing of ours landed, so a drift.
  B also gets a stock drop of 3 nothing explains.
* Warnings: A warns at +100..+200 and never sells out; the log ends at +3000, past its
  horizon (+100 + 2 x 15 min = +1900): false.  C (long_tail, 30-min window) warns at
  +2800..+2900 and has not sold out at +3000, its horizon (+6400) not passed: open at end.

Counted by hand: incidents = 3 drifts (A's second, B's two); false warnings 1; open at end 1.
"""
from __future__ import annotations

from controlroom.alerts.transition import AlertTransition
from controlroom.log import SessionLog, open_log
from controlroom.review import build_review
from controlroom.review.report import render_html

T0 = 1_760_000_000.0
SETTINGS = {"tiers": {"hero": {"window_min": 15.0}, "long_tail": {"window_min": 30.0}}}
SKUS = [{"sku": "A", "name": "Alpha", "tier": "hero", "price_cents": 1000, "available": 10},
        {"sku": "B", "name": "Beta", "tier": "hero", "price_cents": 1000, "available": 40},
        {"sku": "C", "name": "Gamma", "tier": "long_tail", "price_cents": 1000, "available": 50}]


def _ev(seq, t, topic, **f):
    return {"v": 1, "epoch": "ep1", "seq": seq, "ts": T0 + t, "room": "r1", "topic": topic, **f}


def _tr(key, t, sku, state):
    return AlertTransition(key=key, ts=T0 + t, sku=sku, level="warning", state=state, reason="scripted")


def _action(t, sku, qty, cid, ok):
    return {"ts": T0 + t, "sku": sku, "op": "restock", "qty": qty, "origin": "operator", "operator": "ann",
            "command_id": cid, "sent_at": T0 + t, "acked_at": T0 + t + 0.1, "ok": ok,
            "error": None if ok else "refused"}


def _write(path):
    log = SessionLog(path, room="r1", settings=SETTINGS, app_version="test").start()
    log.skus(SKUS)
    log.feed(T0, "live", "")
    log.events([_ev(1, 0, "hb")], T0)
    log.alert(_tr("A:w:1", 100, "A", "firing"))
    log.alert(_tr("A:w:1", 200, "A", "resolved"))
    log.action(_action(300, "A", 250, "c1", True))
    log.events([_ev(2, 300.2, "stock", sku="A", available=260, frozen=False)], T0 + 300.2)
    log.feed(T0 + 300.2, "drift", "A: mirror 10, shop 260 (+250)")   # our restock landing
    log.events([_ev(3, 600, "stock", sku="A", available=510, frozen=False)], T0 + 600)
    log.feed(T0 + 600, "drift", "A: mirror 260, shop 510 (+250)")    # no second restock: drift
    log.action(_action(700, "B", 5, "c2", False))
    log.events([_ev(4, 700.2, "stock", sku="B", available=45, frozen=False)], T0 + 700.2)
    log.feed(T0 + 700.2, "drift", "B: mirror 40, shop 45 (+5)")      # the shop refused c2: drift
    log.events([_ev(5, 800, "stock", sku="B", available=42, frozen=False)], T0 + 800)
    log.feed(T0 + 800, "drift", "B: mirror 45, shop 42 (-3)")
    log.alert(_tr("C:w:2", 2800, "C", "firing"))
    log.alert(_tr("C:w:2", 2900, "C", "resolved"))
    log.events([_ev(6, 3000, "hb")], T0 + 3000)
    log.close()


def test_own_restocks_are_not_drift_and_open_at_end_is_not_false(tmp_path):
    path = tmp_path / "books.sqlite"
    _write(path)
    with open_log(path) as r:
        rv = build_review(r)
    drifts = [i.detail for i in rv.incidents if i.state == "drift"]
    assert drifts == ["A: mirror 260, shop 510 (+250)", "B: mirror 40, shop 45 (+5)", "B: mirror 45, shop 42 (-3)"]
    assert rv.totals()["feed_incidents"] == 3
    assert {sp.sku: sp.outcome for sp in rv.alerts.spans} == {"A": "false", "C": "open at end"}
    t = rv.totals()
    assert t["false_warnings"] == 1 and t["open_at_end"] == 1
    html = render_html(rv)
    assert "1 open at end" in html and "open at end" in html
