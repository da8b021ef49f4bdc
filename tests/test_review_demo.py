"""A session against the demo shop, logged through SessionLog, then reviewed.

The shop model runs offline at full speed (no sockets): its events go through
protocol validation, the stock mirror and the engine (``controlroom.review.replay``),
and the log records them exactly as the live core thread hands them over.
The engine's freezes are applied to the shop (closed loop), so the log also
holds actions and the shop's ``stock`` replies.
"""
from __future__ import annotations

import pytest

from controlroom.log import SessionLog, open_log
from controlroom.review import build_review

pytest.importorskip("controlroom.review.replay")

START = 1_700_000_000.0


def write_demo_session(path, scenario="evening-show", seed=3, until_s=600.0, dt=0.5, settings=None, hole=None):
    """Run the demo shop for ``until_s`` shop seconds; log everything (but the events of ``hole``, a
    ``(from, to)`` in seconds of show, as if the core had been down). Returns the shop model."""
    from controlroom.protocol import validate_event
    from controlroom.review.replay import Replayer
    from controlroom.settings import Settings
    from controlroom.simulate.model import ShopModel

    settings = settings or Settings()
    model = ShopModel(scenario, seed, lag_s=2.0, start_ts=START)
    log = SessionLog(path, room=model.room, settings=settings, app_version="demo-test").start()
    snap = model.snapshot()
    log.skus(snap["skus"])
    log.snapshot(snap, model.now)
    log.feed(model.now, "live", "")
    pending: list[tuple[float, dict]] = []
    n_cmd = [0]

    def on_action(a: dict, ts: float) -> None:
        pending.append((ts + (15.0 if a.get("confirm") else 0.0), a))

    rep = Replayer(settings, snap, start_ts=model.now, samples=True, on_action=on_action)
    res = rep.result
    nt = ns = 0
    end = model.start_ts + min(until_s, model.duration_s)
    while model.now < end - 1e-9:
        batch = [validate_event(t, f) for t, f in model.step(dt)]
        for ev in batch:
            rep.feed(ev)
        if batch and not (hole and hole[0] <= model.now - model.start_ts < hole[1]):
            log.events(batch, model.now)
        for item in [p for p in pending if p[0] <= model.now]:
            pending.remove(item)
            a = item[1]
            n_cmd[0] += 1
            reply = model.apply_command({"op": a["op"], "sku": a["sku"]})
            sent = model.now
            log.action({"ts": model.now, "sku": a["sku"], "op": a["op"], "qty": a.get("qty"),
                        "origin": "operator" if a.get("confirm") else "auto",
                        "operator": "ann" if a.get("confirm") else "auto", "command_id": f"c{n_cmd[0]}",
                        "sent_at": sent, "acked_at": sent + 0.02 + 0.01 * (n_cmd[0] % 7), "ok": reply["ok"],
                        "error": reply.get("error")})
        if len(res.transitions) > nt:
            for t in res.transitions[nt:]:
                log.alert(t)
            nt = len(res.transitions)
        if len(res.samples) > ns:
            log.samples([(s["ts"], s["sku"], s["available"], s["sold"], s["rate_per_min"], s["sellout_s"],
                          s["level"]) for s in res.samples[ns:]
                         if not (hole and hole[0] <= s["ts"] - model.start_ts < hole[1])])
            ns = len(res.samples)
    rep.finish(model.now)
    for t in res.transitions[nt:]:
        log.alert(t)
    assert log.flush(30)
    log.close()
    return model


def small_scenario(duration_s=1200.0):
    """Six long-tail SKUs at steady rates that all sell out within 20 minutes (fast to run and replay)."""
    from controlroom.simulate.scenarios import Scenario, SkuSpec

    skus = [SkuSpec(f"LT{i}", f"Tail {i}", "long_tail", 1000 + 500 * i, stock=40 + 10 * i, base_rate=4.0 + i,
                    feature_rate=0.0) for i in range(6)]
    return Scenario("small", "demo-small", duration_s, skus, [], viewers_base=10000, viewers_peak=10000, ramp_s=1.0)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    model = write_demo_session(path, until_s=900.0)
    return path, model


def test_logged_events_reproduce_the_final_stock(demo):
    from controlroom.feed.mirror import StockMirror

    path, model = demo
    with open_log(path) as r:
        m = StockMirror()
        m.reset({"room": r.session()["room"], "skus": r.skus()})
        for kind, payload in r.iter_stream():
            if kind == "snapshot":
                m.reset(payload)
            else:
                for ev in payload:
                    m.apply(ev)
    truth = {s["sku"]: s["available"] for s in model.catalog}
    assert m.available() == truth
    assert m.units == model.books.units


def test_review_of_a_demo_session_matches_the_shop_books(demo, tmp_path):
    path, model = demo
    with open_log(path) as r:
        rv = build_review(r)
    t = rv.totals()
    assert t["orders"] == model.books.orders
    assert t["units_sold"] == model.books.units
    assert t["oversold_units"] == sum(model.books.oversold.values())
    assert {s.sku: s.final_available for s in rv.stock.skus.values()} == {s["sku"]: s["available"]
                                                                          for s in model.catalog}
    # every SKU the shop saw hit zero is a sell-out in the review (same time, within one step)
    first = {}
    for so in rv.alerts.sellouts:
        first.setdefault(so.sku, so.ts)
    for sku, ts in model.books.sellout_ts.items():
        assert sku in first and abs(first[sku] - ts) <= 0.5 + 1e-6
    from controlroom.review.report import write_report

    html = write_report(rv, tmp_path / "demo.html").read_text()
    assert html.count('class="mult"') == len(model.catalog)
