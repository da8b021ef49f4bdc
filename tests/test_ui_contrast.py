"""Text stays readable on both themes: every colour used for text is >= 4.5:1 (WCAG 2 AA) on each
background it is drawn on — the panels, the charts, and table rows tinted with a level's colour.

The contrast is computed here with the WCAG 2 formula (relative luminance of linear-light sRGB), on
the theme's own colours and on the colours the desk's models hand to the table views.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from controlroom.state.view import AlertView, SkuView
from ui import theme
from ui.app import make_app

AA = 4.5
TINTS = (40, theme.LEVEL_TINT_ALPHA)  # the alert panel's and the SKU table's row tints


def rgb(c) -> tuple[int, int, int]:
    if isinstance(c, QBrush):
        c = c.color()
    if isinstance(c, QColor):
        return c.red(), c.green(), c.blue()
    if isinstance(c, tuple):
        return c
    h = c.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def luminance(c) -> float:
    def lin(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = rgb(c)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(fill, base, alpha: int) -> tuple[int, int, int]:
    """``fill`` at ``alpha`` (0-255) painted over ``base``."""
    f, b = rgb(fill), rgb(base)
    return tuple(round(x * alpha / 255 + y * (1 - alpha / 255)) for x, y in zip(f, b))


@pytest.fixture
def themed():
    make_app("en")
    yield
    theme.use("dark")


def test_wcag_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


def _tints(th, fill) -> dict[str, tuple]:
    return {f"{base}@{alpha}": over(fill, th[base], alpha) for base in ("PANEL", "ALT") for alpha in TINTS}


@pytest.mark.parametrize("name", ["dark", "light"])
def test_every_text_colour_reads_on_every_background(themed, name):
    theme.use(name)
    th = theme.THEMES[name]
    plain = {k: th[k] for k in theme.TEXT_BACKGROUNDS}
    texts = {f"level {k}": v for k, v in theme.LEVEL_TEXT.items()}
    texts.update({"FROZEN_TEXT": theme.FROZEN_TEXT, "GOOD_TEXT": theme.GOOD_TEXT, "TEXT": theme.TEXT,
                  "MUTED": theme.MUTED})
    texts.update({f"command {k}": v for k, v in theme.COMMAND_COLORS.items()})
    texts.update({f"feed {k}": v for k, v in theme.FEED_TEXT.items()})
    assert set(theme.LEVEL_TEXT) == set(theme.LEVEL_COLORS)  # every level has a text shade
    # Plain panels and charts: any text.
    checks = [(t, c, b, bg) for t, c in texts.items() for b, bg in plain.items()]
    # A row tinted with a level: that level's word (the level column), and on any tinted row the
    # plain and muted text and the critical "available" figure (stock at or below safety).
    every_tint = {f"{lvl} {k}": bg for lvl, fill in theme.LEVEL_COLORS.items() for k, bg in _tints(th, fill).items()}
    every_tint.update({f"frozen {k}": bg for k, bg in _tints(th, theme.FROZEN_STOCK).items()})
    for lvl, fill in theme.LEVEL_COLORS.items():
        checks += [(f"level {lvl}", theme.LEVEL_TEXT[lvl], f"{lvl} {k}", bg) for k, bg in _tints(th, fill).items()]
    checks += [("FROZEN_TEXT", theme.FROZEN_TEXT, f"frozen {k}", bg)
               for k, bg in _tints(th, theme.FROZEN_STOCK).items()]
    checks += [(t, c, b, bg) for t, c in (("TEXT", theme.TEXT), ("MUTED", theme.MUTED),
                                          ("level critical", theme.LEVEL_TEXT["critical"]))
               for b, bg in every_tint.items()]
    bad = [f"{t} {c} on {b}: {contrast(c, bg):.2f}" for t, c, b, bg in checks if contrast(c, bg) < AA]
    assert not bad, "\n".join(bad)
    assert len(checks) > 200
    for k in ("VIEWERS", "ORDERS"):  # the room charts' titles
        assert contrast(theme.text_shade(k), th["CHART_BG"]) >= AA, k


@pytest.mark.parametrize("name", ["dark", "light"])
def test_chip_words_read_on_their_fill(themed, name):
    from ui.desk.truth import STATE_COLORS

    theme.use(name)
    fills = {**{f"level {k}": v for k, v in theme.LEVEL_COLORS.items()},
             **{f"feed {k}": v for k, v in theme.FEED_COLORS.items()},
             **{f"channel {k}": v for k, v in theme.CHANNEL_COLORS.items()},
             **{f"screen {k}": v for k, v in STATE_COLORS.items()}, "muted": theme.MUTED}
    bad = [f"{k} {c}: {contrast(theme.chip_ink(c), c):.2f}" for k, c in fills.items()
           if contrast(theme.chip_ink(c), c) < AA]
    assert not bad, "\n".join(bad)
    assert contrast(theme.MUTED, theme.RAISED) >= AA  # a level with nothing firing


def _sku(i, **kw):
    base = dict(sku=f"S{i:02d}", name=f"item {i}", tier="profit", price_cents=100, available=100, frozen=False,
                level="ok", safety_stock=5)
    base.update(kw)
    return SkuView(**base)


@pytest.mark.parametrize("name", ["dark", "light"])
def test_the_tables_paint_level_words_readably(themed, name):
    """What the views are handed: the SKU table's level column on its tinted rows, the alert panel's
    level column (tinted, and on the critical flash)."""
    from ui.desk.alert_model import AlertModel
    from ui.desk.sku_model import COL, SkuTableModel

    theme.use(name)
    panel = theme.THEMES[name]["PANEL"]
    levels = [lvl for lvl in theme.LEVEL_COLORS if lvl != "ok"]
    m = SkuTableModel()
    m.update(tuple(_sku(i, level=lvl) for i, lvl in enumerate(levels))
             + (_sku(90, frozen=True, available=40), _sku(91, available=2, level="critical")))
    checked = 0
    for row in range(m.rowCount()):
        for col in (0, COL["available"]):
            ix = m.index(row, col)
            fg, bg = m.data(ix, Qt.ItemDataRole.ForegroundRole), m.data(ix, Qt.ItemDataRole.BackgroundRole)
            if fg is None:
                continue
            shown = over(bg, panel, (bg.color() if isinstance(bg, QBrush) else bg).alpha()) if bg is not None \
                else rgb(panel)
            assert contrast(fg, shown) >= AA, (name, m.data(m.index(row, 1)), col, rgb(fg), shown)
            checked += 1
    assert checked >= len(levels) + 2
    am = AlertModel()
    alerts = tuple(AlertView(key=f"k{lvl}", sku="S01", level=lvl, state="firing", since_ts=100.0, reason="r")
                   for lvl in levels)
    am.update(alerts, {}, 200.0)
    for flash in (False, True):
        am.flash_on = flash
        for row in range(am.rowCount()):
            ix = am.index(row, 0)
            fg, bg = am.data(ix, Qt.ItemDataRole.ForegroundRole), am.data(ix, Qt.ItemDataRole.BackgroundRole)
            shown = over(bg, panel, bg.alpha()) if bg is not None else rgb(panel)
            assert contrast(fg, shown) >= AA, (name, flash, am.alert_at(row).level, rgb(fg), shown)
