"""The desk's charts redraw only what is on screen, and rebuild a title only when what it says changed."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication

from controlroom.state.view import SkuView
from ui.app import make_app
from ui.testing import DeskHarness

pytestmark = pytest.mark.timeout(240)


def _refresh(h) -> None:
    """One chart refresh from the running show's newest snapshot (as the desk's refresh does)."""
    snap = h.session.snapshot
    h.window.model.update(snap.skus, h.session.settings.tier_of)
    h.window.charts.update_from(snap, h.window.model, h.bridge.history, h.window.selected_sku,
                                h.bridge.command_shop_ts, h.window._tier_label)
    QCoreApplication.processEvents()


def test_a_chart_pane_dragged_shut_is_not_redrawn_and_catches_up_when_opened(qtbot):
    make_app("en")
    with DeskHarness("evening-show", seed=3, speed=60.0, size=(1500, 900)) as h:
        qtbot.waitUntil(lambda: h.window.model.rowCount() == 30, timeout=15000)
        h.bridge.stop()  # the test drives the refreshes itself
        charts = h.window.charts
        h.window.select_sku(h.session.snapshot.skus[0].sku)
        for _ in range(3):
            _refresh(h)
        lead = charts.charts[0]
        assert lead.sku == h.window.selected_sku
        total = sum(charts.splitter.sizes())
        charts.splitter.setSizes([0, total])  # the SKU charts dragged shut: only the room charts show
        QCoreApplication.processEvents()
        assert charts.grid_view.height() <= 1 and charts.room_view.height() > 100
        frozen_at, room_at = lead._view_now, charts.room._view_now
        was = {i: c._view_now for i, c in enumerate(charts.charts) if c.sku}
        # Half a shop minute later, and several pixels of "now" past the later of the two views (the lead
        # chart slides in turns and by its own pixel, so it may be well behind the room charts' "now").
        from ui.desk.chart_parts import HISTORY_S
        room_px_s = HISTORY_S / max(charts.room.orders.vb.width(), 50.0)
        qtbot.waitUntil(lambda: h.session.snapshot.ts - max(frozen_at, room_at) > max(30.0, 3 * room_px_s),
                        timeout=60000)
        for _ in range(4):
            _refresh(h)
        assert lead._view_now == frozen_at  # not redrawn while shut
        assert charts.room._view_now > room_at  # the room charts on screen still follow the show
        h.bridge.current = h.session.snapshot  # what the bridge's last pull would hold
        charts.splitter.setSizes([total - 160, 160])
        # Opened again: redrawn at once, without waiting for the next snapshot.
        qtbot.waitUntil(lambda: lead._view_now > frozen_at + 25, timeout=5000)
        # ... every chart at once (no waiting for its slide group's turn): each within a pixel of "now" (a
        # chart that had slid later than the lead before the pane was shut may be less than a pixel behind).
        from ui.desk.sku_chart import AHEAD_CHOICES_MIN, HISTORY_S
        now = h.bridge.current.ts

        def px_s(c):
            return (HISTORY_S + (c._ahead or AHEAD_CHOICES_MIN[0]) * 60.0) / max(c.plot.vb.width(), 50.0)
        behind = {i: (now - charts.charts[i]._view_now, px_s(charts.charts[i])) for i in was if charts.charts[i].sku}
        assert behind and all(d < px for d, px in behind.values()), behind
        assert any(charts.charts[i]._view_now > t for i, t in was.items())


def test_a_chart_title_is_made_again_only_when_what_it_says_changes(qtbot, monkeypatch):
    from ui.desk import sku_chart
    from ui.desk.charts import ChartsPanel

    make_app("en")
    panel = ChartsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    QCoreApplication.processEvents()
    c = panel.charts[0]
    made = []
    orig = sku_chart.SkuChart._title_html
    monkeypatch.setattr(sku_chart.SkuChart, "_title_html", lambda self, *a: made.append(a[0].level) or orig(self, *a))
    v = SkuView(sku="A1", name="Kettle", tier="profit", price_cents=1, available=50, frozen=False)
    ts, vals = np.array([1000.0, 1500.0]), np.array([80.0, 50.0])
    kw = dict(selected=True, tier_label="Profit", alerts=[], actions=[], featured=[])
    c.update(v, ts, vals, 2000.0, **kw)
    c.update(SkuView(sku="A1", name="Kettle", tier="profit", price_cents=1, available=49, frozen=False),
             ts, vals, 2010.0, **kw)  # the stock moved: the title says the same
    assert made == ["ok"]
    assert "A1 Kettle" in c._title
    c.update(SkuView(sku="A1", name="Kettle", tier="profit", price_cents=1, available=40, frozen=False,
                     level="critical"), ts, vals, 2020.0, **kw)
    assert made == ["ok", "critical"]
    c.update(SkuView(sku="A1", name="Kettle", tier="profit", price_cents=1, available=40, frozen=True),
             ts, vals, 2030.0, **kw)
    assert made[-1] == "ok" and "frozen" in c._title
