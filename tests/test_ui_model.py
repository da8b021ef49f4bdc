"""The desk's models and bridge on hand-made snapshots: in-place updates, ordering, filters, one signal per snapshot."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from controlroom.settings import load_settings
from controlroom.state.view import AlertView, SkuView, ViewSnapshot
from ui.app import make_app
from ui.bridge import SnapshotBridge
from ui.desk.alert_model import AlertModel, is_flashing
from ui.desk.sku_filter import SkuFilterProxy
from ui.desk.sku_model import COL, SkuTableModel


@pytest.fixture(autouse=True)
def app():
    return make_app("en")


def sku(i, **kw):
    base = dict(sku=f"S{i:02d}", name=f"item {i}", tier=("traffic_driver", "profit", "long_tail")[i % 3],
                price_cents=100, available=100 + i, frozen=False, level="ok", sellout_pessimistic_s=1000.0 + i)
    base.update(kw)
    return SkuView(**base)


class Recorder:
    def __init__(self, model):
        self.data, self.resets, self.layouts = [], 0, 0
        model.dataChanged.connect(lambda a, b, roles=None: self.data.append((a.row(), b.row())))
        model.modelReset.connect(lambda: setattr(self, "resets", self.resets + 1))
        model.layoutChanged.connect(lambda *a: setattr(self, "layouts", self.layouts + 1))


def test_model_updates_in_place():
    m = SkuTableModel()
    skus = tuple(sku(i) for i in range(10))
    m.update(skus)
    assert m.rowCount() == 10 and m.resets == 1
    rec = Recorder(m)
    # One SKU's stock changes: one dataChanged over that row, no reset, no re-order.
    changed = list(skus)
    changed[3] = dataclasses.replace(skus[3], available=7)
    m.update(tuple(changed))
    assert rec.resets == 0 and rec.layouts == 0
    assert rec.data == [(3, 3)]
    assert m.data(m.index(3, COL["available"])) == "7"
    # Nothing changes: nothing is emitted.
    m.update(tuple(changed))
    assert rec.data == [(3, 3)]


def test_model_follows_urgency_and_selection_follows_the_sku():
    m = SkuTableModel()
    proxy = SkuFilterProxy()
    proxy.setSourceModel(m)
    sel = QItemSelectionModel(proxy)
    skus = tuple(sku(i) for i in range(6))
    m.update(skus)
    sel.setCurrentIndex(proxy.index(4, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert sel.currentIndex().data(Qt.ItemDataRole.UserRole + 2) == "S04"
    # The core now says S04 is critical: it moves to the top at once (a level change re-sorts at once).
    urgent = (dataclasses.replace(skus[4], level="critical"),) + skus[:4] + skus[5:]
    m.update(urgent)
    assert [proxy.index(i, COL["sku"]).data() for i in range(3)] == ["S04", "S00", "S01"]
    assert sel.currentIndex().data(Qt.ItemDataRole.UserRole + 2) == "S04"
    assert sel.currentIndex().row() == 0
    # Sorting by another column (the header's job) re-orders the rows in the model.
    m.set_sort(COL["available"], Qt.SortOrder.DescendingOrder)
    assert [proxy.index(i, COL["sku"]).data() for i in range(2)] == ["S05", "S04"]
    m.set_sort(COL["level"], Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, COL["sku"]).data() == "S04"


def test_filters():
    m = SkuTableModel()
    proxy = SkuFilterProxy()
    proxy.setSourceModel(m)
    levels = ["ok", "watch", "warning", "critical"]
    m.update(tuple(sku(i, level=levels[i % 4], name=f"{'面膜' if i % 2 else '纸巾'} {i}") for i in range(12)))
    proxy.set_level("warning")
    assert sorted(proxy.index(i, COL["level"]).data() for i in range(proxy.rowCount())) == ["critical"] * 3 + ["warning"] * 3
    proxy.set_level("alerting")
    assert proxy.rowCount() == 9
    proxy.set_level("all")
    proxy.set_tier("profit")
    assert proxy.rowCount() == 4
    proxy.set_tier(None)
    proxy.set_search("面膜")
    assert proxy.rowCount() == 6
    proxy.set_search("s1")
    assert {proxy.index(i, COL["sku"]).data() for i in range(proxy.rowCount())} == {"S10", "S11"}
    # A level change re-filters a level-filtered view (the proxy does not see the filter role change).
    proxy.set_search("")
    proxy.set_level("critical")
    n = proxy.rowCount()
    skus = tuple(sku(i, level=levels[i % 4]) for i in range(12))
    m.update(tuple(dataclasses.replace(v, level="critical") if v.sku == "S00" else v for v in skus))
    assert proxy.rowCount() == n + 1


def test_effective_tier_from_settings():
    m = SkuTableModel()
    s = load_settings(None, {"sku_tiers.S01": "long_tail"})
    m.update(tuple(sku(i) for i in range(3)), s.tier_of)
    assert m.tier_of("S01") == "long_tail"
    assert m.data(m.index(m.row_of("S01"), COL["tier"])).endswith("*")


def test_a_new_tier_override_reaches_the_table_though_tiers_are_remembered():
    m = SkuTableModel()
    skus = tuple(sku(i) for i in range(3))
    m.update(skus, load_settings(None).tier_of)
    assert not m.data(m.index(m.row_of("S01"), COL["tier"])).endswith("*")
    m.update(skus, load_settings(None, {"sku_tiers.S01": "long_tail"}).tier_of)  # settings applied: new object
    assert m.tier_of("S01") == "long_tail"
    assert m.data(m.index(m.row_of("S01"), COL["tier"])).endswith("*")
    plain = load_settings(None).tier_of
    m.update(skus, plain)  # the override is gone again
    assert m.tier_of("S01") == skus[1].tier and m.tier_of("S02") == "long_tail"
    m.update(tuple(dataclasses.replace(v, tier="traffic_driver") if v.sku == "S02" else v for v in skus), plain)
    assert m.tier_of("S02") == "traffic_driver"  # the shop moved S02: same settings, the new tier is looked up


class FakeSession:
    def __init__(self):
        self.snapshot = ViewSnapshot()
        self.settings = load_settings(None)
        self.error = None
        self.intents = []

    def history(self, s):
        return np.array([1.0, 2.0]), np.array([5.0, 4.0])

    def command(self, op, s, qty=None, weight=None, by=None, asked_at=None):
        self.intents.append(("command", op, s, qty, weight))

    def ack(self, key, by=None):
        self.intents.append(("ack", key))

    def snooze(self, key, minutes, by=None):
        self.intents.append(("snooze", key, minutes))

    def confirm(self, cid, accept, by=None):
        self.intents.append(("confirm", cid, accept))

    def update_settings(self, settings, by=None):
        self.intents.append(("settings", settings))


def test_bridge_emits_once_per_snapshot_and_forwards_intents(qtbot):
    fs = FakeSession()
    b = SnapshotBridge(fs, hz=50)
    got = []
    b.snapshot.connect(got.append)
    for v in (1, 1, 1, 2, 2, 3):
        fs.snapshot = ViewSnapshot(version=v)
        b.pull()
    assert [s.version for s in got] == [1, 2, 3]
    b.command("restock", "S01", qty=5)
    assert fs.intents == [("command", "restock", "S01", 5, None)]
    assert [lc.op for lc in b.pending_local("S01")] == ["restock"]
    b.ack("k1")
    b.snooze("k1", 15)
    b.confirm("c1", True)
    assert fs.intents[1:] == [("ack", "k1"), ("snooze", "k1", 15), ("confirm", "c1", True)]
    # The timer pulls on its own at the set rate.
    b.start()
    fs.snapshot = ViewSnapshot(version=9)
    qtbot.waitUntil(lambda: got[-1].version == 9, timeout=2000)
    b.stop()


def alert(key, level="warning", state="firing", **kw):
    return AlertView(key=key, sku="S01", level=level, state=state, since_ts=100.0, reason="r", **kw)


def test_alert_model_rows_change_in_place():
    m = AlertModel()
    rec = Recorder(m)
    m.update((alert("a", "critical"), alert("b"), alert("c", "watch")), {}, 200.0)
    inserted = []
    removed = []
    m.rowsInserted.connect(lambda p, a, b: inserted.append((a, b)))
    m.rowsRemoved.connect(lambda p, a, b: removed.append((a, b)))
    m.update((alert("a", "critical"), alert("d", "critical"), alert("c", "watch")), {}, 200.0)
    assert rec.resets == 0
    assert removed == [(1, 1)] and inserted == [(1, 1)]
    assert [m.alert_at(i).key for i in range(m.rowCount())] == ["a", "d", "c"]
    # What / why / since read from the numbers.
    m.update((alert("a", "critical", available=12, threshold=5.0, rate_per_min=3.0, predicted_sellout_s=200.0),), {}, 230.0)
    assert m.index(0, 3).data() == "avail 12 · safety 5 · 3.0/min · sell-out 3.3 min"
    assert m.index(0, 4).data().endswith("2m")


def test_flashing_rule():
    assert is_flashing(alert("a", "critical"), 0)
    assert not is_flashing(alert("a", "critical", acked=True), 0)
    assert not is_flashing(alert("a", "critical", snoozed_until=50.0), 10.0)
    assert is_flashing(alert("a", "critical", snoozed_until=50.0), 60.0)
    assert not is_flashing(alert("a", "warning"), 0)
    assert not is_flashing(alert("a", "critical", state="pending"), 0)


def test_rows_on_screen_repaint_only_the_cells_that_read_differently():
    m = SkuTableModel()
    skus = tuple(sku(i) for i in range(10))
    m.update(skus)
    m.visible_rows = lambda: (0, 4)  # rows 0-4 on screen
    for r in range(10):
        m.cell(r, 0)  # painted once: the model knows what each row showed
    cells = []
    m.dataChanged.connect(lambda a, b, roles=None: cells.append((a.row(), a.column(), b.row(), b.column())))
    changed = list(skus)
    changed[2] = dataclasses.replace(skus[2], available=7)  # on screen: just the available cell
    changed[8] = dataclasses.replace(skus[8], available=9)  # off screen: no signal (nothing to paint)
    changed[3] = dataclasses.replace(skus[3], rate_per_min=0.001)  # reads the same ("0"): nothing
    m.update(tuple(changed))
    assert cells == [(2, COL["available"], 2, COL["available"])]
    assert m.changed_rows_last == 3 and m.changed_cells_last == 1
    assert m.data(m.index(8, COL["available"])) == "9"  # rebuilt when asked (scrolled to)


def test_alert_rows_on_screen_repaint_only_changed_cells():
    m = AlertModel()
    a = [AlertView(key=f"k{i}", sku=f"S{i:02d}", level="warning", state="firing", since_ts=100.0, reason="r",
                   available=50 + i) for i in range(6)]
    m.update(tuple(a), {}, 200.0)
    m.visible_rows = lambda: (0, 2)
    m.update(tuple(a), {}, 200.0)  # cells of the rows on screen are built
    cells = []
    m.dataChanged.connect(lambda x, y, roles=None: cells.append((x.row(), x.column(), y.row(), y.column())))
    b = list(a)
    b[1] = dataclasses.replace(a[1], available=3)  # "why" reads differently
    b[5] = dataclasses.replace(a[5], available=4)  # off screen
    m.update(tuple(b), {}, 200.0)
    assert cells == [(1, 3, 1, 3)]
    assert "3" in m.data(m.index(1, 3)) and "4" in m.data(m.index(5, 3))


def test_header_shows_a_drift_but_not_our_restock_landing():
    from controlroom.state.view import FeedView
    from ui.desk.header import HeaderBar

    h = HeaderBar()
    restocked = FeedView(state="live", seq=7, last_drift="A1: mirror 10, shop 260 (+250)", drift=None, restocks_seen=1)
    h.update_from(ViewSnapshot(version=1, ts=10.0, feed=restocked))
    assert "drift" not in h.feed_detail.text() and "restock" not in h.feed_detail.text()
    drifted = FeedView(state="live", seq=8, last_drift="B2: mirror 40, shop 37 (-3)", drift="B2: mirror 40, shop 37 (-3)")
    h.update_from(ViewSnapshot(version=2, ts=11.0, feed=drifted))
    whole = "stock changed without a restock: B2: mirror 40, shop 37 (-3)"
    assert h.feed_detail.toolTip() == whole  # the caption line shows as much of it as fits, then "…"
    assert whole.startswith(h.feed_detail.text().rstrip("…")) and "stock changed" in h.feed_detail.text()


def test_header_says_how_far_behind_the_shop_the_core_is_once_it_matters():
    """The feed client's clock reading (controlroom/feed/client.py): a second or two is a demo shop's step; from
    BEHIND_SHOWN_S on the operator reads that the screen (and the engine) lag the shop."""
    from controlroom.state.view import FeedView
    from ui.desk.header import BEHIND_SHOWN_S, HeaderBar

    h = HeaderBar()
    h.update_from(ViewSnapshot(version=1, ts=10.0, feed=FeedView(state="live", seq=7, behind_s=BEHIND_SHOWN_S - 0.5)))
    assert "behind" not in h.feed_detail.text() and "seq 7" in h.feed_detail.text()
    h.update_from(ViewSnapshot(version=2, ts=11.0, feed=FeedView(state="live", seq=9, behind_s=7.6)))
    assert h.feed_detail.toolTip().startswith("8 s behind the shop")
    h.update_from(ViewSnapshot(version=3, ts=12.0, feed=FeedView(state="live", seq=9, behind_s=None)))
    assert "behind" not in h.feed_detail.text()  # a shop that does not tell its clock: nothing said


def test_a_frozen_sku_with_stock_never_reads_ok_nor_shows_a_sell_out_time():
    m = SkuTableModel()
    skus = (sku(0, frozen=True, available=80, sellout_s=600.0), sku(1, frozen=True, available=0, level="ok"),
            sku(2, sellout_s=600.0))
    m.update(skus)
    r0, r1, r2 = (m.row_of(f"S{i:02d}") for i in range(3))
    assert m.data(m.index(r0, COL["level"])) == "frozen"
    assert m.data(m.index(r0, COL["sellout"])) == "frozen"  # it takes no orders: no sell-out time
    assert "FROZEN with 80 left" in m.data(m.index(r0, COL["name"]), Qt.ItemDataRole.ToolTipRole)
    # Frozen and sold out is no longer "frozen with stock"; a selling SKU keeps its times.
    assert m.data(m.index(r1, COL["level"])) == "ok"
    assert m.data(m.index(r2, COL["sellout"])) != "frozen"


def test_header_cuts_a_long_feed_caption_with_an_ellipsis_and_keeps_the_whole_in_the_tooltip():
    from controlroom.state.view import FeedView
    from ui.desk.header import HeaderBar

    h = HeaderBar()
    h.update_from(ViewSnapshot(version=1, ts=10.0, feed=FeedView(state="live", seq=7)))
    caption = "CORE STOPPED · figures as of 01:28:29 · Restart core: Ctrl+Shift+R"
    h.set_truth("core_stopped", caption)
    shown = h.feed_detail.text()
    assert shown.endswith("…") and caption.startswith(shown[:-1])
    assert h.feed_detail.fontMetrics().horizontalAdvance(shown) <= h.feed_detail.maximumWidth()
    assert h.feed_detail.toolTip() == caption
    # Snapshots still coming in while the core is stopped keep its words (not the cut ones as the tooltip).
    h.update_from(ViewSnapshot(version=2, ts=11.0, feed=FeedView(state="live", seq=8)))
    assert h.feed_detail.text() == shown and h.feed_detail.toolTip() == caption


def test_a_sku_the_engine_holds_frozen_reads_frozen_while_a_pulse_has_it_open():
    """Auto-freeze sells a lot's last units in pulses: for a second the shop's flag is off while the engine's
    frozen-with-stock episode stays open.  The row stays frozen (level, sell-out, badge, tooltip, tint) rather
    than flickering to a green "ok" that sells out in 2 s; when the engine lets go, it reads ok again."""
    from ui.desk.sku_delegates import BadgeDelegate

    m = SkuTableModel()
    pulsing = sku(0, available=529, sellout_s=2.0, sellout_pessimistic_s=1.5, rate_per_min=19526.0)
    skus = (pulsing, sku(1))
    fws = AlertView(key="k", sku="S00", level="frozen_with_stock", state="firing", since_ts=1.0,
                    reason="frozen with 256 left")
    held = ViewSnapshot(skus=skus, alerts=(fws,)).held_frozen()
    assert held == {"S00"}
    m.update(skus, held=held)
    r = m.row_of("S00")
    assert m.data(m.index(r, COL["level"])) == "frozen"
    assert m.data(m.index(r, COL["sellout"])) == "frozen"
    assert "HELD FROZEN by auto-freeze with 529 left" in m.data(m.index(r, COL["name"]), Qt.ItemDataRole.ToolTipRole)
    assert m.cell(r, COL["level"])[2] is not None  # the frozen tint, not a bare (green) row
    assert m.view_of("S00").frozen  # the chart and the action bar read the same
    assert dict(BadgeDelegate(model=m).badges(m.view_of("S00"))).get("frozen_stock") == "frozen, 529 left"
    # The same SKU view with the engine's hold gone: the row changes (one dataChanged) and reads ok.
    rec = Recorder(m)
    m.update(skus, held=frozenset())
    assert rec.data == [(r, r)]
    assert m.data(m.index(r, COL["level"])) == "ok" and m.data(m.index(r, COL["sellout"])) != "frozen"
    assert not m.view_of("S00").frozen
    # ... and back: a resort keeps the hold (it is not lost when the operator clicks a column).
    m.update(skus, held=held)
    m.set_sort(COL["available"], Qt.SortOrder.DescendingOrder)
    assert m.data(m.index(m.row_of("S00"), COL["level"])) == "frozen"
    # An alert that is only pending (a freeze settling) or a SKU the shop itself froze needs no hold.
    assert ViewSnapshot(alerts=(dataclasses.replace(fws, state="pending"),)).held_frozen() == frozenset()
