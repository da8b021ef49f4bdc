"""Auto actions waiting for the operator say their rule in the desk's language.

The engine's reason is an English sentence for the log; the confirmation box showed it as it was
to a Chinese desk (seen under Xvfb: "冻结 PF04: available 6 at or below safety stock 7 (profit: rate x
20.0 s ..."). The engine now sends the rule's name and figures with the action; the desk words them
(``self.tr``) and keeps the engine's sentence as the tooltip.  The actions here are the real engine's
(the scripted lagging shop of tests/test_freeze_release.py).
"""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from controlroom.settings import Settings  # noqa: E402
from tests.test_freeze_release import LaggingShop  # noqa: E402


def _engine_actions():
    st = Settings().with_changes({"engine.lag_floor": 0.0, "engine.safety_z": 0.0})
    shop = LaggingShop(300, st)
    shop.run(260, lambda t: 150.0 if int(t // 40) % 2 == 0 else 3.0)  # frozen, then released (test_freeze_release)
    return shop.actions


class _Snap:
    def __init__(self, confirmations):
        self.confirmations = tuple(confirmations)


def test_the_confirm_box_words_the_engines_rule_and_keeps_its_sentence_as_the_tooltip(qtbot):
    from ui.app import make_app
    from ui.desk.notices import AutoConfirmBox

    make_app("en")
    acts = _engine_actions()
    frz = next(a for a in acts if a["op"] == "freeze")
    rel = next(a for a in acts if a["op"] == "unfreeze" and a.get("why") == "release")
    box = AutoConfirmBox()
    qtbot.addWidget(box)
    box.update_from(_Snap([{**frz, "id": "c1"}, {**rel, "id": "c2"}]))
    lab1, lab2 = box.rows[0][1], box.rows[1][1]
    assert lab1.text() == f"Freeze A1: available {frz['available']} at or below safety stock {frz['line']}"
    assert lab1.toolTip() == frz["reason"] and "learned lag" in lab1.toolTip()
    assert lab2.text().startswith(f"Unfreeze A1: {rel['available']} left above the reserve {rel['line']}")
    # An action from an engine that sends no figures: its sentence as it is.
    box.update_from(_Snap([{"op": "delist", "sku": "B2", "reason": "some rule", "id": "c3"}]))
    assert box.rows[0][1].text() == "Delist B2: some rule"
