"""Operator drills: the desk driven with real input events (QTest mouse moves, clicks and key presses
through the window system) on a running demo shop at high speed, while rows re-sort and processes misbehave.

Each drill checks the outcome where it happened — in the shop (its warehouse, its command log, its
snapshot over the real request socket) — not in the desk's own bookkeeping.  The same kind of drill in
a real X window driven by ``xdotool`` is tests/test_desk_xdrill.py.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.cli.headless import free_port
from controlroom.simulate.harness import raw_request
from ui import fmt
from ui.app import make_app
from ui.desk.sku_model import COL, SKU_ROLE
from ui.testing import DeskHarness

pytestmark = pytest.mark.timeout(120)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIERS = ("traffic_driver", "profit", "long_tail")
# Alerts at once: every selling SKU of these tiers is under its warning line (and so outranks the others).
def warn_all(tiers) -> dict:
    # Every SKU below its line at once would be one room-wide warning wave (one row); these drills act
    # on the SKUs' own rows, so the wave is off (it has its own tests: test_episodes.py, test_ui_episodes.py).
    ov = {f"tiers.{t}.{k}": v for t in tiers for k, v in (("warning_floor", 100000.0), ("pending_s", 0.0))}
    ov["engine.episode_wave_min_skus"] = 0
    return ov


@pytest.fixture
def app():
    return make_app("en")


def wait_live(qtbot, h, n=30):
    h.window.activateWindow()
    qtbot.waitUntil(lambda: h.window.model.rowCount() == n and h.bridge.current.feed.state == "live", timeout=20000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is h.window, timeout=5000)


def row_pos(w, view_row: int) -> QPoint:
    return w.table.visualRect(w.proxy.index(view_row, COL["name"])).center()


def point_at(w, pos: QPoint) -> None:
    """The pointer arrives over ``pos`` of the table: a mouse move with no button, as the window system
    sends it.  (QTest.mouseMove delivers no move without a button under the offscreen platform, so the
    event is sent to the viewport itself, through the desk's event filter; the X drill moves the real
    pointer.)"""
    vp = w.table.viewport()
    ev = QMouseEvent(QEvent.Type.MouseMove, QPointF(pos), QPointF(vp.mapToGlobal(pos)), Qt.MouseButton.NoButton,
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, ev)


def sku_at(w, pos: QPoint) -> str | None:
    ix = w.table.indexAt(pos)
    return ix.data(SKU_ROLE) if ix.isValid() else None


def press(qtbot, h, key, mod=Qt.KeyboardModifier.NoModifier):
    """A key as the operator presses it: to whatever has the keyboard focus in the desk."""
    QTest.keyClick(QApplication.focusWidget() or h.window.table, key, mod)


def operator_commands(h, op: str) -> list[str]:
    """The SKUs of the operator's ``op`` commands as the shop logged them (in order, each once)."""
    out = []
    for e in list(h.shop.server.command_log):
        if e.get("op") == op and e.get("by") == "tester" and e.get("sku") not in out:
            out.append(e["sku"])
    return out


def set_outrank(h, tiers) -> None:
    """Make the SKUs of ``tiers`` warning (and so more urgent), the others as by default: rows re-sort."""
    h.bridge.update_settings(h.settings.with_changes(warn_all(tiers)))


def test_drill_aim_click_and_f_while_other_rows_outrank_it(app, qtbot):
    """10 tries at speed 60: aim at a row, click it, press F, while the urgency order keeps changing."""
    with DeskHarness("evening-show", seed=1, speed=60.0, charts=False, size=(1280, 720)) as h:
        w = h.window
        wait_live(qtbot, h)
        vp = w.table.viewport()
        layouts0 = w.model.layouts
        aimed: list[str] = []
        held_while_outranked = 0
        tries = 0
        while len(aimed) < 10:
            tries += 1
            assert tries <= 40, f"could not aim at 10 rows in 40 tries: {aimed}"
            i = len(aimed)
            # Every other try the tiers that outrank the others change: many rows move at once.
            set_outrank(h, [TIERS[i % 3]] if i % 2 == 0 else [TIERS[(i + 1) % 3], TIERS[(i + 2) % 3]])
            qtbot.wait(150)  # the operator looks...
            # ...and aims at the first row (from the 4th down) showing a SKU not frozen and not profit
            # (profit asks twice, a drill of its own).
            for r in range(3, 14):
                pos = row_pos(w, r)
                sku = sku_at(w, pos)
                if sku and sku not in aimed and w.model.tier_of(sku) != "profit" \
                        and not w.model.view_of(sku).frozen:
                    break
            else:
                pytest.fail("no row to aim at")
            point_at(w, pos)
            # What the operator aimed at: the SKU under the pointer when it arrived (the row may have
            # changed between the look and the arrival — then the operator aims again).
            sku = w.hover_sku
            if sku is None or sku in aimed or w.model.tier_of(sku) == "profit" or w.model.view_of(sku).frozen:
                continue
            aimed.append(sku)
            # The operator's hand takes a moment; the order changes under the pointer meanwhile.
            qtbot.wait(120 + 60 * (i % 4))
            if w.model.more_urgent_out_of_place(sku, 0) or w.model.row_of(sku) != w.model._rank[w.model.row_of(sku)]:
                held_while_outranked += 1
            assert sku_at(w, pos) == sku, f"try {i}: the row under the pointer moved ({sku} -> {sku_at(w, pos)})"
            QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
            press(qtbot, h, Qt.Key.Key_F)
        qtbot.waitUntil(lambda: len(operator_commands(h, "freeze")) >= len(aimed), timeout=15000)
        assert operator_commands(h, "freeze") == aimed
        assert all(h.shop_frozen(s) for s in aimed)
        # The drill did what it says: rows re-sorted many times, and the aimed row held its place while out of rank.
        assert w.model.layouts - layouts0 >= 5, w.model.layouts - layouts0
        assert held_while_outranked >= 3, held_while_outranked


def test_drill_select_then_f_while_its_rank_changes(app, qtbot):
    """Select a SKU by keyboard, then its rank changes (it becomes urgent / others do) as F is pressed."""
    with DeskHarness("evening-show", seed=1, speed=60.0, charts=False) as h:
        w = h.window
        wait_live(qtbot, h)
        done: list[str] = []
        for i in range(4):
            w.focus_table()
            # Down arrow to a non-profit row that is not frozen.
            press(qtbot, h, Qt.Key.Key_Home)
            for _ in range(2 + i):
                press(qtbot, h, Qt.Key.Key_Down)
            while w.model.tier_of(w.selected_sku) == "profit" or w.model.view_of(w.selected_sku).frozen:
                press(qtbot, h, Qt.Key.Key_Down)
            sku = w.selected_sku
            tier = w.model.tier_of(sku)
            # Its own tier turns urgent (it jumps up), or the others do (they jump over it): F at once.
            set_outrank(h, [tier] if i % 2 == 0 else [t for t in TIERS if t != tier])
            qtbot.waitUntil(lambda: h.bridge.current.settings_version is not None, timeout=5000)
            v0 = h.bridge.current.version
            qtbot.waitUntil(lambda: h.bridge.current.version > v0, timeout=5000)
            press(qtbot, h, Qt.Key.Key_F)
            done.append(sku)
        qtbot.waitUntil(lambda: len(operator_commands(h, "freeze")) >= len(done), timeout=15000)
        assert operator_commands(h, "freeze") == done


def test_drill_custom_amount_then_f_at_once(app, qtbot):
    """R, type an amount, Enter, and F straight away: the restock goes, then the freeze — nothing typed into the box."""
    with DeskHarness("evening-show", seed=1, speed=60.0, charts=False) as h:
        w = h.window
        wait_live(qtbot, h)
        sku = next(v.sku for v in h.bridge.current.skus
                   if w.model.tier_of(v.sku) == "long_tail" and not v.frozen and v.available > 0)
        assert w.select_sku(sku)
        w.focus_table()
        press(qtbot, h, Qt.Key.Key_R)
        assert QApplication.focusWidget() in (w.actions.custom_qty, w.actions.custom_qty.lineEdit())
        QTest.keyClicks(QApplication.focusWidget(), "137")
        press(qtbot, h, Qt.Key.Key_Return)
        press(qtbot, h, Qt.Key.Key_F)  # at once: no wait between Enter and F
        assert QApplication.focusWidget() is w.table
        qtbot.waitUntil(lambda: h.shop_frozen(sku), timeout=10000)
        log = [e for e in h.shop.server.command_log if e.get("sku") == sku and e.get("by") == "tester"]
        assert [e["op"] for e in log][:2] == ["restock", "freeze"]
        # The amount typed is the amount sent (the core's record of the command, acknowledged by the shop).
        qtbot.waitUntil(lambda: _fate(w, sku, 137) is not None and _fate(w, sku, 137).state == "acked", timeout=10000)
        assert w.actions.custom_qty.value() == 137  # F was not typed into it


def test_drill_undo_a_freeze_from_its_toast(app, qtbot):
    with DeskHarness("evening-show", seed=1, speed=40.0, charts=False) as h:
        w = h.window
        wait_live(qtbot, h)
        sku = next(v.sku for v in h.bridge.current.skus
                   if w.model.tier_of(v.sku) == "traffic_driver" and not v.frozen and v.available > 0)
        w.select_sku(sku)
        QTest.mouseClick(w.actions.buttons["freeze"], Qt.MouseButton.LeftButton)
        assert QApplication.focusWidget() is w.table  # focus back to the table after the action
        qtbot.waitUntil(lambda: h.shop_frozen(sku), timeout=10000)
        toast = w.toasts.toasts[-1]
        assert sku in toast.text and toast.undo_button is not None
        QTest.mouseClick(toast.undo_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not h.shop_frozen(sku), timeout=10000)
        assert operator_commands(h, "unfreeze") == [sku]
        assert any("Undo sent" in t.text and sku in t.text for t in w.toasts.toasts)
        assert w.status_left.text().startswith("Undo sent") and sku in w.status_left.text()  # not "Sent: freeze"
        # And by keyboard: F, then Ctrl+Z.
        press(qtbot, h, Qt.Key.Key_F)
        qtbot.waitUntil(lambda: h.shop_frozen(sku), timeout=10000)
        press(qtbot, h, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not h.shop_frozen(sku), timeout=10000)


def test_drill_snooze_shows_until_when(app, qtbot):
    ov = warn_all(TIERS)
    with DeskHarness("evening-show", seed=1, speed=30.0, charts=False, overrides=ov, size=(1280, 720)) as h:
        w = h.window
        wait_live(qtbot, h)
        # The problem list (one row per episode) is what the operator sees first: click its first row.
        eps = w.alerts.episodes
        qtbot.waitUntil(lambda: eps.rowCount() > 0, timeout=15000)
        t = w.alerts.episode_table
        QTest.mouseClick(t.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         t.visualRect(eps.index(0, 1)).center())
        key = w.alerts.selected_key()  # the alert behind the selected episode
        assert key is not None
        ep_id = eps.alert_at(t.selectionModel().selectedRows()[0].row()).key
        ts0 = h.bridge.current.ts
        w.focus_table()
        press(qtbot, h, Qt.Key.Key_S)  # snooze 5 min
        toast = w.toasts.toasts[-1]
        m = re.search(r"until (\d\d:\d\d:\d\d)", toast.text)
        assert m, toast.text
        want = fmt.shop_time(ts0 + 300)
        # The clock time 5 shop-minutes on (the shop clock moved a little since ts0).
        assert abs(_secs(m.group(1)) - _secs(want)) <= 30, (m.group(1), want)
        row = lambda: eps.row_of(ep_id)  # noqa: E731
        qtbot.waitUntil(lambda: row() is not None and "snoozed until" in eps.index(row(), 5).data(),
                        timeout=10000)
        cell = eps.index(row(), 5).data()
        assert eps.alert_at(row()).alert_key == key
        # The toast and the row give the same time (the engine's, once the snapshot has it).
        qtbot.waitUntil(lambda: re.search(r"until (\d\d:\d\d)", toast.text).group(1) in cell, timeout=5000)
        # Not cut off: the state column is wide enough for what it says.
        fm = t.fontMetrics()
        assert fm.horizontalAdvance(cell) + 12 <= t.columnWidth(5), (cell, t.columnWidth(5))
        assert QApplication.focusWidget() is w.table
        # Tooltips show the figures now, not those from when the alert fired: hold the show, compare.
        h.shop.hold()
        v0 = h.bridge.current.version
        qtbot.waitUntil(lambda: h.bridge.current.version >= v0 + 3, timeout=10000)
        qtbot.wait(300)
        a = eps.alert_at(row())
        tip = eps.index(row(), 2).data(Qt.ItemDataRole.ToolTipRole)
        now = w.model.view_of(a.sku)
        assert f"available {fmt.count(now.available)}" in tip and "Now (" in tip, tip
        assert fmt.count(now.available) in w.model.data(w.model.index(w.model.row_of(a.sku), COL["name"]),
                                                        Qt.ItemDataRole.ToolTipRole).replace(",", ",")


def _secs(hms: str) -> int:
    h_, m_, s_ = (int(x) for x in hms.split(":"))
    return h_ * 3600 + m_ * 60 + s_


def test_drill_core_sigstop_shows_core_hung_within_2s_and_a_restart(app, qtbot):
    with DeskHarness("evening-show", seed=1, speed=40.0, charts=True, core_process=True) as h:
        w = h.window
        wait_live(qtbot, h)
        assert w.check_truth() == "live"
        pid = h.session.proc.pid
        seen: list[float] = []
        os.kill(pid, signal.SIGSTOP)
        t0 = time.monotonic()
        try:
            def hung():
                if w.screen_state == "core_hung" and w.header.feed_text == "CORE HUNG":
                    seen.append(time.monotonic() - t0)
                    return True
                return False
            qtbot.waitUntil(hung, timeout=10000)
            print(f"core hung shown {seen[0]:.2f} s after SIGSTOP")
            assert seen[0] <= 2.0, f"core hung shown after {seen[0]:.2f} s"
            # One look over every panel, and a restart offered.
            assert all(v.isVisible() and v.state == "core_hung" for v in w.veils)
            assert "Ctrl+Shift+R" in w.veils[0].caption
            assert w.win_actions["restart_core"].isEnabled()
            assert w.model.muted
        finally:
            os.kill(pid, signal.SIGCONT)
        press(qtbot, h, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: w.check_truth() == "live" and h.bridge.current.feed.state == "live", timeout=20000)
        assert h.session.proc.pid != pid
        assert not any(v.isVisible() for v in w.veils)


def _shop_process(ev: str, rq: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "controlroom.cli", "simulate", "--insecure", "--quiet", "--speed", "20",
                             "--linger", "600", "--events", ev, "--requests", rq], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _shop_sku(rq: str, sku: str) -> dict:
    for _ in range(20):
        rep = raw_request(rq, {"op": "snapshot", "id": "drill"}, timeout=2.0)
        if rep is not None:
            return next(s for s in rep["skus"] if s["sku"] == sku)
    raise AssertionError("the shop does not answer a snapshot request")


def _fate(w, sku: str, qty: int):
    for c in w.bridge.current.commands:
        if c.sku == sku and c.op == "restock" and c.qty == qty:
            return c
    return None


@pytest.mark.parametrize("stall_s, final", [(2.5, "acked"), (6.0, "rejected")])
def test_drill_shop_sigstop_during_a_restock_final_word_matches_the_shop(app, qtbot, stall_s, final):
    """SIGSTOP the shop, restock, SIGCONT: shorter than the deadline it is applied and the desk says acked;
    longer, the shop refuses it unapplied and the desk says so — never "failed" while the shop might still apply it."""
    ev, rq = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    shop = _shop_process(ev, rq)
    try:
        with DeskHarness(endpoints=(ev, rq), charts=False, overrides={"commands.deadline_s": 4.0}) as h:
            w = h.window
            wait_live(qtbot, h)
            sku = next(v.sku for v in h.bridge.current.skus
                       if w.model.tier_of(v.sku) == "long_tail" and not v.frozen and v.available > 0)
            w.select_sku(sku)
            w.focus_table()
            press(qtbot, h, Qt.Key.Key_F)  # frozen: no sales, so its stock moves only by the restock
            qtbot.waitUntil(lambda: _shop_sku(rq, sku)["frozen"], timeout=10000)
            before = _shop_sku(rq, sku)["available"]
            os.kill(shop.pid, signal.SIGSTOP)
            t0 = time.monotonic()
            stopped = True
            try:
                press(qtbot, h, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # +50
                words: list[str] = []

                def visible_fate():
                    text = " ".join(lab.text() for lab in w.actions.status_rows)
                    words.append(text)
                    return any(s in text for s in ("retrying", "unknown"))
                qtbot.waitUntil(visible_fate, timeout=5000)
                fate_s = time.monotonic() - t0
                print(f"stalled shop: '{words[-1][:80]}…' shown {fate_s:.2f} s after the key")
                assert fate_s <= 3.0, f"no visible fate within 3 s ({fate_s:.2f} s)"
                while time.monotonic() - t0 < stall_s:
                    qtbot.wait(100)
                    words.append(" ".join(lab.text() for lab in w.actions.status_rows))
                os.kill(shop.pid, signal.SIGCONT)
                stopped = False
                qtbot.waitUntil(lambda: _fate(w, sku, 50) is not None and _fate(w, sku, 50).state in
                                ("acked", "rejected", "failed"), timeout=20000)
                assert not any("FAILED" in t for t in words), [t for t in words if "FAILED" in t][:1]
            finally:
                if stopped:
                    os.kill(shop.pid, signal.SIGCONT)
            fate = _fate(w, sku, 50)
            after = _shop_sku(rq, sku)["available"]
            assert fate.state == final, (fate.state, fate.error)
            assert after - before == (50 if final == "acked" else 0), (before, after, fate.state)
            shown = " ".join(lab.text() for lab in w.actions.status_rows)
            assert fmt.command_state_name(final) in shown
    finally:
        shop.kill()
        shop.wait(5)
