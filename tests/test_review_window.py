"""The review window (pytest-qt): totals, scrubbing, what-if, bad files, live logs, bytes unchanged."""
from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402

from controlroom.review.analysis import build_review  # noqa: E402
from controlroom.review.logfile import open_for_review  # noqa: E402
from tests.test_review_summary import bad_files, old_copy, sha  # noqa: E402
from tests.test_review_demo import small_scenario, write_demo_session  # noqa: E402


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTROLROOM_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("rw") / "small.sqlite"
    model = write_demo_session(path, scenario=small_scenario(), until_s=1200.0)
    return path, model


@pytest.fixture
def window(qtbot, tmp_path):
    from ui.app import make_app
    from ui.review.window import ReviewWindow

    make_app("en")
    w = ReviewWindow(store=QSettings(str(tmp_path / "review.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def open_in(qtbot, window, path, timeout=60000):
    with qtbot.waitSignal(window.loaded, timeout=timeout) as blocker:
        window.open_path(str(path))
    return blocker.args[0]


def test_opening_a_log_shows_its_totals(qtbot, window, small):
    path, model = small
    ov = open_in(qtbot, window, path)
    with open_for_review(path) as r:
        t = build_review(r).totals()
    text = window.overview.totals.text()
    assert f"{t['units_sold']:,} units sold" in text and f"{t['orders']:,} orders" in text
    assert t["units_sold"] == model.books.units
    f = window.overview.figures
    assert f["sellouts"] == str(t["sellouts"]) and f["misses"] == str(t["misses"])
    assert f["false_warnings"] == str(t["false_warnings"]) and f["oversold"] == str(t["oversold_units"])
    # What the operator was shown (episodes) beside the raw alert instances they merged.
    assert f["episodes"] == f"{t['episodes_per_10min']:.1f}" and 0 < t["episodes"] <= t["alerts_fired"]
    assert f["lost"].startswith(f"{t['lost_units_est']:,.0f}")
    assert window.recent()[0].endswith("small.sqlite")
    assert window.compare.model.rowCount() > 5
    ov_rows = window.overview.model.rows
    assert all(r[2] for r in ov_rows), "every figure has its meaning"
    # a figure's moment jumps the timeline there
    window.overview._clicked(window.overview.model.index(1, 0))
    assert window.tabs.currentWidget() is window.timeline
    assert abs(window.timeline.cursor_ts - ov.review.alerts.sellouts[0].ts) < 1e-6


@pytest.mark.parametrize("schema", [4, 3])
def test_scrubbing_the_timeline_shows_each_skus_stock(qtbot, window, small, schema, tmp_path):
    from controlroom.review.replay import Replayer
    from controlroom.review.backtest import load_log, settings_of
    from tests.test_review_scrub import schema3_copy

    path, _m = small
    if schema == 3:  # no checkpoints in the log: the timeline builds them once in the background
        path = schema3_copy(path, tmp_path / "v3.sqlite")
        before = sha(path)
    ov = open_in(qtbot, window, path)
    if schema == 3:
        qtbot.waitUntil(lambda: window.timeline.index_worker is None, timeout=120000)
        assert ov.source == "log" and ov.checks is not None and sha(path) == before
    assert window.timeline.scrubber.checkpoints
    with open_for_review(path) as r:
        data = load_log(r)
        rep = Replayer(settings_of(data), data.snapshot, start_ts=data.start_ts)
        events = [ev for b in r.iter_event_batches() for ev in b]
    i = 0
    for frac in (0.1, 0.33, 0.5, 0.77, 0.95):
        T = ov.t0 + (ov.t1 - ov.t0) * frac
        window.timeline.slider.setValue(int(frac * 1000))  # as a user drags it
        T = window.timeline.cursor_ts
        while i < len(events) and events[i]["ts"] <= T:
            rep.feed(events[i])
            i += 1
        shown = {row[0]: int(row[1]) for row in window.timeline.model.rows}
        assert shown == {k: s.available for k, s in rep.mirror.skus.items()}, frac


def test_what_if_in_the_window_matches_backtest(qtbot, window, small, tmp_path, capsys):
    from controlroom.review.cli import backtest_main

    path, _m = small
    open_in(qtbot, window, path)
    wi = window.whatif
    window.tabs.setCurrentWidget(wi)
    wi.set_tier_values("long_tail", window_min=12.0, multiplier=2.5, auto_freeze="auto")
    wi.run()
    qtbot.waitUntil(lambda: wi.worker is None, timeout=120000)
    assert wi.last is not None
    cfg = tmp_path / "next.toml"
    wi.save(str(cfg))  # the settings file the window saves is what backtest reads
    assert backtest_main([str(path), "--config", str(cfg), "--json"]) == 0
    cols = json.loads(capsys.readouterr().out)
    shown = wi.model.rows
    assert shown[0][1:] == [str(c["sellouts"]) for c in cols]
    by_label = {r[0]: r[1:] for r in shown}
    assert by_label["false warnings"] == [str(c["false_warnings"]) for c in cols]
    assert by_label["alerts fired"] == [str(c["alerts_fired"]) for c in cols]
    assert by_label["freeze requests"] == [str(c["freeze_requests"]) for c in cols]
    assert "estimate" in shown[-1][0] and "…" in shown[-1][3]


def test_what_if_cancel(qtbot, window, small):
    path, _m = small
    open_in(qtbot, window, path)
    wi = window.whatif
    wi._ensure_settings()
    wi.run()
    wi.cancel()
    qtbot.waitUntil(lambda: wi.worker is None, timeout=120000)
    assert wi.status.text() in ("Cancelled.",) or wi.last is not None


def test_bad_files_get_a_one_line_message(qtbot, window, small, tmp_path):
    for kind, p in bad_files(tmp_path, small[0]).items():
        with qtbot.waitSignal(window.failed, timeout=30000) as b:
            window.open_path(str(p))
        assert b.args[0] and "\n" not in b.args[0] and "Traceback" not in b.args[0]
        assert window.banner.isVisible() and "\n" not in window.banner.text()
        assert p.name in window.banner.text(), kind


def test_reviewing_never_changes_the_log(qtbot, window, small, tmp_path):
    new = tmp_path / "new.sqlite"
    shutil.copy(small[0], new)
    old = old_copy(small[0], tmp_path / "old.sqlite")
    for p in (new, old, old):  # the old one twice: cache built, then cache used
        before = sha(p)
        open_in(qtbot, window, p)
        window.tabs.setCurrentWidget(window.sku)
        window.timeline.seek(window.ov.t0 + 100)
        window.export_html(str(tmp_path / "r.html"))
        window.export_csv(str(tmp_path / "csv"))
        assert window.export_png(str(tmp_path / "c.png"))
        assert sha(p) == before
    assert window.ov.source == "cache"
    assert (tmp_path / "r.html").stat().st_size > 1000 and (tmp_path / "c.png").stat().st_size > 1000


def test_dropping_a_log_opens_it(qtbot, window, small):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(small[0]))])
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                    Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.loaded, timeout=60000):
        window.dropEvent(ev)
    assert window.ov.path == str(small[0])


def test_a_live_log_is_followed(qtbot, window, tmp_path):
    from controlroom.log import SessionLog

    path = tmp_path / "live.sqlite"
    log = SessionLog(path, room="r1", app_version="t").start()
    log.skus([{"sku": "A", "name": "a", "tier": "core", "price_cents": 100, "available": 50}])
    log.snapshot({"room": "r1", "skus": [{"sku": "A", "available": 50, "frozen": False, "price_cents": 100}]}, 1.0)
    ts = 1_700_000_000.0

    def order(i):
        return {"v": 1, "epoch": "e", "seq": i, "ts": ts + i, "topic": "order", "room": "r1", "sku": "A",
                "qty": 1, "order_id": f"o{i}", "price_cents": 100, "channel": "live"}

    try:
        log.events([order(i) for i in range(1, 6)], ts + 5)
        assert log.flush(10)
        ov = open_in(qtbot, window, path)
        assert ov.live and ov.review.totals()["units_sold"] == 5
        window.follow.setInterval(50)
        log.events([order(i) for i in range(6, 16)], ts + 15)
        assert log.flush(10)
        qtbot.waitUntil(lambda: window.ov.review.totals()["units_sold"] == 15, timeout=20000)
        assert "live" in window.overview.source.text()
    finally:
        log.close()


def test_minutes_with_nothing_logged_are_shown_as_no_data(qtbot, window, tmp_path):
    """A core down for minutes leaves a hole in the log: the timeline marks it and does not draw the
    viewers line straight across it (seen in a demo whose core was killed for an hour of show)."""
    import pyqtgraph as pg

    path = tmp_path / "hole.sqlite"
    write_demo_session(path, scenario="evening-show", until_s=900.0, hole=(300.0, 540.0))  # TD05 featured across it
    open_in(qtbot, window, path)
    tl = window.timeline
    assert len(tl.gaps) == 1
    a, b = tl.gaps[0]
    assert a == 5 and 8 <= b <= 9, tl.gaps  # minutes of show (from the first event: the hole is 5:00-9:00)
    curves = [it for it in tl.p_view.items if isinstance(it, pg.PlotDataItem)]
    assert len(curves) == 2  # the line stops at the hole and starts again after it
    xs = [x for c in curves for x in c.getData()[0]]
    assert not any(a < x < b for x in xs)
    regions = [it for it in tl.p_view.items if isinstance(it, pg.LinearRegionItem) and it.getRegion() == (a, b)]
    assert regions
    # ... and so does each SKU's burn-down: its curves stop at the hole and go on after it.
    window.tabs.setCurrentWidget(window.sku)
    window.sku.show_sku("TD01")
    (sa, sb), = window.sku.gaps
    assert 4.9 <= sa <= 5.1 and 8.9 <= sb <= 9.1, window.sku.gaps
    stock = [it for it in window.sku.p_stock.items if isinstance(it, pg.PlotDataItem)]
    assert not any(sa < x < sb for c in stock for x in c.getData()[0])
    # Its alerts read in the reader's language (the figures), the engine's logged sentence as the tooltip.
    import sqlite3
    sku, reason = sqlite3.connect(path).execute(
        "SELECT sku, reason FROM alerts WHERE sku IS NOT NULL AND available IS NOT NULL ORDER BY id").fetchone()
    window.sku.show_sku(sku)
    m = window.sku.model
    row = next(i for i in range(m.rowCount()) if m.rows[i][1] == "alert")
    assert m.rows[row][3].startswith("avail ") and m.tips[row] == reason
    featured = [it.getRegion() for it in tl.p_view.items if isinstance(it, pg.LinearRegionItem)
                and it.getRegion() != (a, b)]
    assert not any(lo < (a + b) / 2 < hi for lo, hi in featured)  # no featured period drawn across it
