"""Keyboard shortcuts trigger the same actions as the buttons, over the real demo shop on loopback."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.app import make_app
from ui.testing import DeskHarness

pytestmark = pytest.mark.timeout(60)

FAST_ALERTS = {f"tiers.{t}.{k}": v for t in ("traffic_driver", "profit", "long_tail")
               for k, v in (("warning_floor", 100000.0), ("pending_s", 0.0))}
FAST_ALERTS["engine.episode_wave_min_skus"] = 0  # each SKU its own row here (every SKU warns at once: a wave)


@pytest.fixture
def desk(qtbot):
    make_app("en")
    h = DeskHarness("evening-show", seed=1, speed=30.0, overrides=FAST_ALERTS, charts=False)
    h.window.activateWindow()
    qtbot.waitUntil(lambda: h.window.model.rowCount() == 30 and h.bridge.current.feed.state == "live", timeout=10000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is h.window, timeout=3000)
    yield h
    h.close()


def key(qtbot, h, k, mod=Qt.KeyboardModifier.NoModifier):
    """A key press as the operator makes it: to whatever has focus in the desk."""
    target = QApplication.focusWidget() or h.window.table
    qtbot.keyClick(target, k, mod)


def sku_of(h, tier):
    for v in h.bridge.current.skus:
        if h.window.model.tier_of(v.sku) == tier and not v.frozen and not v.delisted and v.available > 0:
            return v.sku
    raise AssertionError(tier)


def test_action_shortcuts_reach_the_shop(desk, qtbot):
    h = desk
    w = h.window
    sku = sku_of(h, "traffic_driver")
    w.select_sku(sku)
    w.table.setFocus()
    key(qtbot, h, Qt.Key.Key_F)  # freeze
    qtbot.waitUntil(lambda: h.shop_frozen(sku), timeout=5000)
    qtbot.waitUntil(lambda: w.model.view_of(sku).frozen, timeout=5000)
    key(qtbot, h, Qt.Key.Key_U)  # unfreeze
    qtbot.waitUntil(lambda: not h.shop_frozen(sku), timeout=5000)
    # Restock presets on Ctrl+1..4, with the show held so only our change moves the stock.
    h.shop.hold()
    qtbot.waitUntil(lambda: w.model.view_of(sku).available == h.shop_available(sku), timeout=5000)
    before = h.shop_available(sku)
    key(qtbot, h, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # +100
    qtbot.waitUntil(lambda: w.model.view_of(sku).available == before + 100, timeout=5000)
    # R jumps to the custom amount; typing and Enter send it.
    key(qtbot, h, Qt.Key.Key_R)
    assert w.actions.custom_qty.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "25")
    key(qtbot, h, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.model.view_of(sku).available == before + 125, timeout=5000)
    w.table.setFocus()
    # Delist (D) and relist (L) on a traffic driver: one key each.
    key(qtbot, h, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: h.shop_delisted(sku), timeout=5000)
    key(qtbot, h, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: not h.shop_delisted(sku), timeout=5000)
    # Lower exposure (E): reaches the shop's exposure weight.
    key(qtbot, h, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: h.shop.model.exposure[h.sku_index(sku)] == pytest.approx(0.3), timeout=5000)


def test_profit_tier_takes_two_keystrokes(desk, qtbot):
    h = desk
    w = h.window
    sku = sku_of(h, "profit")
    w.select_sku(sku)
    w.table.setFocus()
    key(qtbot, h, Qt.Key.Key_F)
    assert w.actions.armed == ("freeze", sku)
    qtbot.wait(300)
    assert not h.shop_frozen(sku)
    key(qtbot, h, Qt.Key.Key_Escape)  # cancel
    assert w.actions.armed is None
    qtbot.wait(300)
    assert not h.shop_frozen(sku)
    key(qtbot, h, Qt.Key.Key_F)
    key(qtbot, h, Qt.Key.Key_F)  # the same key again confirms
    qtbot.waitUntil(lambda: h.shop_frozen(sku), timeout=5000)
    # Delist then Enter confirms too.
    key(qtbot, h, Qt.Key.Key_D)
    assert w.actions.armed == ("delist", sku)
    key(qtbot, h, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: h.shop_delisted(sku), timeout=5000)


def test_alert_shortcuts(desk, qtbot):
    h = desk
    w = h.window
    panel = w.alerts
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 3, timeout=10000)
    w.table.setFocus()
    target = panel.target()
    key(qtbot, h, Qt.Key.Key_A)  # acknowledge the most severe unacknowledged alert
    qtbot.waitUntil(lambda: any(a.key == target.key and a.acked for a in panel.model.alerts()), timeout=5000)
    nxt = panel.target()
    assert nxt.key != target.key
    key(qtbot, h, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)  # snooze 15 min
    qtbot.waitUntil(lambda: any(a.key == nxt.key and a.snoozed_until is not None for a in panel.model.alerts()),
                    timeout=5000)
    # J jumps to the selected alert's SKU.
    panel.select_key(nxt.key)
    w.table.setFocus()
    key(qtbot, h, Qt.Key.Key_J)
    assert w.selected_sku == nxt.sku
    # M mutes, F1 opens the help overlay listing the shortcuts, Esc closes it.
    key(qtbot, h, Qt.Key.Key_M)
    assert h.sound.muted
    key(qtbot, h, Qt.Key.Key_F1)
    assert w.help.isVisible()
    texts = w.help.texts()
    assert "F" in texts and "Ctrl+1" in texts and "Shift+S" in texts and "F1" in texts
    key(qtbot, h, Qt.Key.Key_Escape)
    assert not w.help.isVisible()
    # Ctrl+F focuses the search box; letters typed there search instead of acting.
    key(qtbot, h, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.search.hasFocus()
    sku = w.selected_sku
    frozen = h.shop_frozen(sku)
    qtbot.keyClicks(w.search, "f")
    qtbot.wait(300)
    assert h.shop_frozen(sku) == frozen
    assert w.search.text() == "f"


def test_tooltips_show_shortcuts(desk):
    w = desk.window
    assert w.actions.buttons["freeze"].toolTip().endswith("(F)")
    assert "(Ctrl+1)" in w.actions.buttons["restock_50"].toolTip()
    assert w.alerts.ack_button.toolTip().endswith("(A)")
    assert "(Shift+S)" in w.alerts.snooze_buttons[15].toolTip()
