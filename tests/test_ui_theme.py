"""Themes: dark and light, and the three alert levels told apart without colour vision.

On a rendered frame of the desk (real demo shop, all three levels firing) the header's level chips
are sampled; in a protanopia and a deuteranopia simulation (Machado et al. 2009, severity 1) and in
normal vision, every two level colours differ by CIEDE2000 >= 20.  Each level also carries its name.
"""
from __future__ import annotations

import itertools
import time
from collections import Counter

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.colorvision import ciede2000, lab, simulate  # noqa: E402

LEVELS = ("watch", "warning", "critical")
MIN_DELTA_E00 = 20.0


def _wait(cond, timeout_s):
    end = time.monotonic() + timeout_s
    while not cond():
        assert time.monotonic() < end, "timed out"
        QApplication.processEvents()
        time.sleep(0.02)


def _rendered_level_colours(img, window):
    """The most common colour inside each level chip of the grabbed frame (its background)."""
    out = {}
    for lvl, chip in window.header.count_chips.items():
        if lvl not in LEVELS:
            continue
        r = QRect(chip.mapTo(window, chip.rect().topLeft()), chip.size()).adjusted(3, 3, -3, -3)
        counts = Counter()
        for x in range(r.left(), r.right() + 1):
            for y in range(r.top(), r.bottom() + 1):
                c = img.pixelColor(x, y)
                counts[(c.red(), c.green(), c.blue())] += 1
        out[lvl] = counts.most_common(1)[0][0]
    return out


def test_colour_difference_is_ciede2000():
    """The published test pairs (Sharma, Wu & Dalal 2005)."""
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def _judge_theme(window, name):
    """Grab the running desk in theme ``name`` and check its level colours; returns them."""
    from ui import fmt, theme

    img = window.grab().toImage()
    got = _rendered_level_colours(img, window)
    # What was sampled is the level's colour in this theme (so the test reads the real frame).
    for lv, rgb in got.items():
        want = theme.LEVEL_COLORS[lv]
        assert all(abs(a - int(want[i:i + 2], 16)) <= 3 for a, i in zip(rgb, (1, 3, 5))), (name, lv, rgb, want)
    # Not by colour alone: each chip and each table row names its level.
    for lv in LEVELS:
        assert window.header.count_chips[lv].text().startswith(fmt.level_name(lv))
    names = {window.model.index(r, 0).data(Qt.ItemDataRole.DisplayRole) for r in range(window.model.rowCount())}
    assert {fmt.level_name(lv) for lv in LEVELS} <= names
    bg = window.palette().window().color()
    assert (bg.lightness() < 80) == (name == "dark"), name
    return got


def test_levels_stay_apart_for_colour_blind_operators(qtbot):
    """One live show with all three levels firing, judged in the dark theme and then, switched live,
    in the light one (one show for both keeps the test inside its time budget on a loaded machine)."""
    from ui.app import apply_theme, make_app
    from ui.testing import DeskHarness

    app = make_app("en", theme_name="dark")
    seen = {}
    try:
        with DeskHarness("evening-show", seed=1, speed=120.0, size=(1280, 720), charts=False) as h:
            _wait(lambda: all(h.bridge.current.firing_counts().get(lv, 0) for lv in LEVELS), 90)
            h.bridge.pull(force=True)
            h.bridge.stop()
            _wait(lambda: all(h.window.header.count_chips[lv].text().endswith(
                str(h.bridge.current.firing_counts()[lv])) for lv in LEVELS), 10)
            for name in ("dark", "light"):
                apply_theme(app, name)
                qtbot.wait(200)
                seen[name] = _judge_theme(h.window, name)
    finally:
        make_app("en")
    worst = {}
    for name, got in seen.items():
        for kind in (None, "protanopia", "deuteranopia"):
            labs = {lv: lab(simulate(rgb, kind) if kind else rgb) for lv, rgb in got.items()}
            for a, b in itertools.combinations(LEVELS, 2):
                worst[(name, kind or "normal", a, b)] = round(ciede2000(labs[a], labs[b]), 1)
    assert min(worst.values()) >= MIN_DELTA_E00, worst


def test_display_tab_switches_the_theme_live_and_remembers(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from ui import theme
    from ui.app import make_app
    from ui.desk.display_tab import DisplayTab, saved_lang, saved_theme

    app = make_app("en")
    store = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    tab = DisplayTab(store)
    qtbot.addWidget(tab)
    try:
        tab.theme.setCurrentIndex(tab.theme.findData("light"))
        assert theme.current == "light" and saved_theme(store) == "light"
        assert app.palette().window().color().name() == theme.LIGHT["BG"]
        assert theme.LIGHT["PANEL"] in app.styleSheet()
        tab.lang.setCurrentIndex(tab.lang.findData("zh_CN"))
        assert saved_lang(QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)) == "zh_CN"
    finally:
        make_app("en")
    assert theme.current == "dark"
