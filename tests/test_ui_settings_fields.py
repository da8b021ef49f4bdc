"""The settings dialog refuses out-of-range values at the field (with the range) and asks before far-out ones."""
from __future__ import annotations

from PySide6.QtCore import Qt

from controlroom.settings import load_settings
from ui.app import make_app
from ui.desk.settings_dialog import SettingsDialog


def dialog(qtbot):
    make_app("en")
    dlg = SettingsDialog(load_settings(None), [("PF01", "x", "profit")])
    qtbot.addWidget(dlg)
    dlg.show()
    got = []
    dlg.applied.connect(got.append)
    dlg.confirm_unusual = lambda items: False  # never a modal box in a test unless the test says so
    return dlg, got


def type_into(qtbot, ed, text):
    ed.setFocus()
    ed.selectAll()
    qtbot.keyClicks(ed, text)
    qtbot.keyClick(ed, Qt.Key.Key_Tab)


def test_out_of_range_is_refused_at_the_field_and_stays_as_typed(qtbot):
    dlg, got = dialog(qtbot)
    ed = dlg.editor("tiers.profit.pending_s")  # ge=0
    type_into(qtbot, ed, "-5")
    assert ed.text() == "-5"  # not turned into 5
    assert not ed.message.isHidden() and "≥ 0" in ed.message.text() and "-5" in ed.message.text()
    mult = dlg.editor("tiers.profit.multiplier")  # gt=0
    type_into(qtbot, mult, "0")
    assert mult.text() == "0" and "> 0" in mult.message.text()
    assert not dlg.apply() and got == []
    assert "refused" in dlg.error.text()
    type_into(qtbot, ed, "5.5")
    type_into(qtbot, mult, "1.2")
    assert ed.message.isHidden() and ed.text() == "5.5"  # not reverted on Tab
    assert dlg.apply()
    assert got and got[-1].tiers["profit"].pending_s == 5.5 and got[-1].tiers["profit"].multiplier == 1.2


def test_a_far_out_value_asks_first(qtbot):
    dlg, got = dialog(qtbot)
    asked = []
    answer = {"v": False}
    dlg.confirm_unusual = lambda items: asked.append(items) or answer["v"]
    type_into(qtbot, dlg.editor("tiers.traffic_driver.multiplier"), "99999")
    assert not dlg.apply() and got == []
    assert asked and asked[0][0][0] == "tiers.traffic_driver.multiplier" and "usual range" in asked[0][0][1]
    answer["v"] = True
    assert dlg.apply()
    assert got[-1].tiers["traffic_driver"].multiplier == 99999
