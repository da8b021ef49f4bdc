"""The desk's problem list: one row per episode, over the real demo shop on loopback (issue 16).

A DemoShop thread, a LiveSession and the desk, as in tests/test_ui_desk.py: the episodes
come from the engine through the snapshot to the alert panel's first tab; the unfreeze
click goes through the real command socket to the shop's warehouse.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from controlroom.state.view import AlertView, EpisodeView, SkuView, ViewSnapshot
from ui.app import make_app
from ui.desk.episode_model import EpisodeModel, rows_from
from ui.testing import DeskHarness

pytestmark = pytest.mark.timeout(90)

FAST_ALERTS = {f"tiers.{t}.{k}": v for t in ("traffic_driver", "profit", "long_tail")
               for k, v in (("warning_floor", 100000.0), ("pending_s", 0.0))}
# Every SKU below its line at once is what the room's warning wave gathers into one row; these
# tests look at the SKUs' own rows, so the wave is off here (it has its own tests in test_episodes.py).
FAST_ALERTS["engine.episode_wave_min_skus"] = 0


@pytest.fixture
def app():
    return make_app("en")


def test_problem_list_shows_one_row_per_episode_with_its_figures_and_unfreezes_in_one_click(app, qtbot):
    with DeskHarness("evening-show", seed=1, speed=30.0, overrides=FAST_ALERTS, charts=False) as h:
        panel = h.window.alerts
        eps = panel.episodes
        qtbot.waitUntil(lambda: eps.rowCount() >= 5, timeout=20000)
        assert panel.tabs.currentWidget() is panel.episode_table  # the problems are what the operator sees first
        snap = h.bridge.current
        assert snap.episodes, "the episodes reached the desk through the state stream"
        # One row per problem: one per SKU, however many alerts the SKU had.
        skus = [e.sku for e in snap.episodes if e.sku]
        assert len(skus) == len(set(skus))
        assert panel.tabs.tabText(0) == f"Problems ({len(snap.episodes)})"
        # Every row says why with the figures that crossed: available, the line, the rate, the forecast.
        row = next(r for r in range(eps.rowCount()) if eps.alert_at(r).level == "warning")
        ep = eps.alert_at(row)
        why = eps.index(row, 3).data()
        assert why.startswith(f"avail {ep.available:,}") and "line 100,000" in why and "/min" in why, why
        assert "forecast" in why, why
        # Updated in place: the same episode keeps its row (id) as snapshots come and go.
        v0 = h.bridge.current.version
        qtbot.waitUntil(lambda: h.bridge.current.version >= v0 + 10, timeout=10000)
        assert eps.row_of(ep.key) is not None
        assert len([e for e in eps.alerts() if e.sku == ep.sku]) == 1
        # The detail under the tabs gives the engine's whole sentence for the selected problem.
        panel.select_key(ep.key)
        qtbot.waitUntil(lambda: ep.sku in panel.detail.text() and "warning line" in panel.detail.text(),
                        timeout=5000)
        # Acknowledge from the problem list: the alert behind the episode, and the row says so.
        qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: eps.row_of(ep.key) is not None and "acked" in eps.index(eps.row_of(ep.key), 5).data(),
                        timeout=10000)
        # A SKU frozen with stock left is a problem, never green: how many and what is not selling.
        sku = next(v.sku for v in h.bridge.current.skus if v.available > 50 and not v.frozen and v.tier == "profit")
        assert not panel.unfreeze_button.isEnabled() or panel.target_episode().level == "frozen_with_stock"
        h.bridge.command("freeze", sku)
        qtbot.waitUntil(lambda: h.shop_frozen(sku), timeout=10000)

        def frozen_row():
            return next((r for r in range(eps.rowCount()) if eps.alert_at(r).sku == sku
                         and eps.alert_at(r).level == "frozen_with_stock"), None)

        qtbot.waitUntil(lambda: frozen_row() is not None, timeout=20000)
        r = frozen_row()
        f = eps.alert_at(r)
        assert eps.index(r, 0).data() == "frozen" and f.available == h.shop_available(sku)
        assert eps.index(r, 3).data().startswith(f"frozen with {f.available:,} left · ¥") \
            and eps.index(r, 3).data().endswith("/min not selling")
        panel.select_key(f.key)
        # The detail under the tabs says the same count as the row (what is left now).
        qtbot.waitUntil(lambda: f"frozen with {h.shop_available(sku):,} left" in panel.detail.text(), timeout=5000)
        assert panel.unfreeze_button.isEnabled()
        qtbot.mouseClick(panel.unfreeze_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not h.shop_frozen(sku), timeout=10000)
        qtbot.waitUntil(lambda: frozen_row() is None, timeout=10000)


def test_an_unsteady_episode_is_marked_and_a_surge_is_one_room_row(app):
    skus = (SkuView("A1", "Mask", "profit", 9900, 40, False, predicted_sales=55.0, window_min=30.0,
                    cart_rate_per_min=6.0),)
    alert = AlertView("A1:warning:3", "A1", "warning", "firing", 100.0, "available 40 below warning line 60")
    snap = ViewSnapshot(version=1, ts=400.0, skus=skus, alerts=(alert,), episodes=(
        EpisodeView("ep:A1:1", "A1", "warning", "firing", "unsteady (level changed 5 times in 10 min, held): "
                    "available 40 below warning line 60", 100.0, unsteady=True, alert_key="A1:warning:3",
                    available=40, rate_per_min=3.0, threshold=60.0, level_changes=2),
        EpisodeView("ep:room:surge:2", None, "surge", "firing", "room-wide surge", 300.0,
                    group=("A1", "B2", "C3", "D4", "E5"))))
    m = EpisodeModel(False)
    rows = rows_from(snap)
    m.update(rows, {"A1": "Mask"}, snap.ts, skus)
    assert m.index(0, 5).data() == "firing · unsteady"
    assert m.index(0, 3).data() == "avail 40 · line 60 · 3.0/min · forecast 55 in 30 min · carts 6.0/min"
    assert "Level changed 2 times" in m.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert m.index(1, 1).data() == "room" and m.index(1, 2).data() == "Room-wide surge"
    assert m.index(1, 3).data() == "5 SKUs at once: A1, B2, C3, D4, …" and m.index(1, 0).data() == "watch"
    # The surge row of a host's mentions, one SKU at a time (the default: every watch alone is listed
    # there), and after its surges are over (recovering until quiet).
    for group, what, why in ((("B2",), "Surges (advisory)", "surging: B2"), ((), "Surges (advisory)", "no SKU surging now")):
        snap2 = ViewSnapshot(version=2, ts=400.0, skus=skus, alerts=(), episodes=(
            EpisodeView("ep:room:surge:4", None, "surge", "firing" if group else "recovering", "surge", 300.0,
                        group=group),))
        m.update(rows_from(snap2), {"A1": "Mask"}, snap2.ts, skus)
        assert (m.index(0, 2).data(), m.index(0, 3).data()) == (what, why)
    # The room's warning wave: one room row at warning level listing the SKUs below their lines.
    snap3 = ViewSnapshot(version=3, ts=400.0, skus=skus, alerts=(), episodes=(
        EpisodeView("ep:A1:5", None, "warning", "firing", "room-wide: 3 SKUs below their warning lines", 300.0,
                    group=("A1", "B2", "C3"), rate_per_min=3.0, threshold=60.0),))
    m.update(rows_from(snap3), {"A1": "Mask"}, snap3.ts, skus)
    assert (m.index(0, 1).data(), m.index(0, 2).data(), m.index(0, 3).data()) == (
        "room", "Room-wide warnings", "3 below their warning lines: A1, B2, C3")
    # One SKU left in it (the others recovered or went critical): no longer called room-wide.
    snap4 = ViewSnapshot(version=4, ts=500.0, skus=skus, alerts=(), episodes=(
        EpisodeView("ep:A1:5", None, "warning", "firing", "warning wave: B2 still below its warning line", 300.0,
                    group=("B2",), rate_per_min=3.0, threshold=60.0),))
    m.update(rows_from(snap4), {"A1": "Mask"}, snap4.ts, skus)
    assert (m.index(0, 2).data(), m.index(0, 3).data()) == ("Warning wave", "B2 still below its warning line")


def test_frozen_with_stock_row_says_what_is_left_now():
    """The episode keeps the figures it opened with; "frozen with N left" takes N from the live row."""
    from types import SimpleNamespace as NS

    from ui.desk.episode_model import rows_from

    ep = NS(id="e1", sku="TD06", level="frozen_with_stock", state="firing", start_ts=1.0, reason="frozen with 8 left",
            alert_key="k1", available=8, rate_per_min=12.0, predicted_sellout_s=None, threshold=None, acked=False,
            unsteady=False, group=(), level_changes=1)
    warn = NS(**{**vars(ep), "id": "e2", "sku": "TD02", "level": "warning", "alert_key": "k2", "available": 300})
    views = [NS(sku="TD06", available=20, price_cents=1990, predicted_sales=0.0, window_min=30.0,
                cart_rate_per_min=0.0),
             NS(sku="TD02", available=250, price_cents=990, predicted_sales=400.0, window_min=30.0,
                cart_rate_per_min=1.0)]
    snap = NS(episodes=(ep, warn), alerts=(), skus=views)
    rows = {r.sku: r for r in rows_from(snap)}
    assert rows["TD06"].available == 20  # restocked while frozen: now 20, not the 8 it opened with
    assert rows["TD02"].available == 300  # a warning says the figures that crossed its line
