"""The desk fits a 1280x720 screen (in English and Chinese), opens inside the available area and
restores a saved geometry only where it still fits."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from ui.app import make_app
from ui.desk.layout_memory import fits
from ui.testing import DeskHarness

pytestmark = pytest.mark.timeout(90)

# What a 1280x720 screen leaves for a window: a task bar (~40 px) and a window frame (~2x4 px) taken off.
AREA_1280 = QRect(0, 0, 1280, 680)
FRAME_W = 8


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_minimum_size_fits_1280x720_with_live_figures(lang, qtbot):
    make_app(lang)
    with DeskHarness("evening-show", seed=1, speed=40.0, size=(1280, 680)) as h:
        w = h.window
        # Figures grow during a show (GMV, units, counts): the minimum must hold with real ones on screen.
        qtbot.waitUntil(lambda: h.bridge.current.gmv_cents > 0 and w.model.rowCount() == 30, timeout=15000)
        w.select_sku(h.bridge.current.skus[0].sku)
        qtbot.wait(500)
        hint = w.minimumSizeHint()
        assert hint.width() + FRAME_W <= 1280, f"minimum width {hint.width()} does not fit 1280"
        assert hint.height() <= AREA_1280.height()
        # Big figures do not widen the header (they have fixed places).
        before = w.header.minimumSizeHint().width()
        w.header.gmv.setText("¥8,888,888")
        w.header.units.setText("88,888")
        w.header.viewers.setText("88,888")
        assert w.header.minimumSizeHint().width() == before
        w.fit_to_screen(AREA_1280)
        assert AREA_1280.contains(w.frameGeometry()), w.frameGeometry()


def test_fit_to_screen_opens_at_the_preferred_size_where_there_is_room(qtbot):
    make_app("en")
    with DeskHarness("steady", seed=1, speed=10.0) as h:
        w = h.window
        big = QRect(0, 0, 1920, 1040)
        w.fit_to_screen(big)
        assert (w.width(), w.height()) == (1600, 960)
        assert big.contains(w.frameGeometry())


def test_a_saved_geometry_is_restored_only_where_it_fits(qtbot, tmp_path):
    make_app("en")
    store = str(tmp_path / "desk.ini")
    with DeskHarness("steady", seed=1, speed=10.0, store_path=store) as h:
        w = h.window
        w.setGeometry(40, 30, 1500, 900)  # bigger than the offscreen screen
        w.close()  # saves
    with DeskHarness("steady", seed=1, speed=10.0, store_path=store) as h2:
        w2 = h2.window
        w2.restore_layout()
        areas = [s.availableGeometry() for s in w2.screen().virtualSiblings()]
        assert not any(a.contains(QRect(40, 30, 1500, 900)) for a in areas)
        # Not put back where it would not fit: the window is where fitting placed it.
        assert w2.geometry() != QRect(40, 30, 1500, 900)
    assert fits(QRect(10, 10, 100, 100), [QRect(0, 0, 1280, 720)])
    assert not fits(QRect(1000, 10, 400, 100), [QRect(0, 0, 1280, 720)])
