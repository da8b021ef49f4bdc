"""Colours and the stylesheet of the desk: dark (a dim control room) or light, with clear level colours.

Everything that paints (QSS, delegates, pyqtgraph) takes its colours from here,
so a level looks the same in the table, the alert panel, the charts and the header.
"""
from __future__ import annotations

from ui.paths import resource

# Two themes: dark for a dim control room, light for a bright one (settings → Display).  The names
# below are the current theme's; :func:`use` switches them in place (dicts are updated, not replaced,
# so a module holding ``theme.LEVEL_COLORS`` sees the switch).
DARK = {
    "BG": "#12161d", "PANEL": "#181e27", "SURFACE": "#1f2631", "RAISED": "#273040", "BORDER": "#2f3a4b",
    "TEXT": "#d9e0ea", "MUTED": "#a4aebd", "ACCENT": "#5b8def", "GOOD": "#4fb286",
    "ALT": "#1b222c", "GRID": "#232b37", "SELECT": "#2c4471", "HOVER_BORDER": "#3f4d63", "PRESSED": "#33405a",
    "DISABLED": "#56606f", "DISABLED_BORDER": "#262e3a", "DANGER_BORDER": "#7a2a30", "DANGER_HOVER": "#3a1a1e",
    "PRIMARY_BORDER": "#34508a", "PRIMARY_BG": "#1f2d4a", "ARMED_BG": "#5a3a0c", "SCROLL": "#364256",
    "INK": "#0d1117", "FAIL_BG": "#4a1418", "FAIL_TEXT": "#ffd9db", "CONFIRM_BG": "#3a2a10",
    "CONFIRM_TEXT": "#ffe2b3", "AUTO_BG": "#2a2412", "TOAST_BG": "#1d2a3f", "OVERLAY": "rgba(10, 13, 18, 225)",
    "CHART_BG": "#151a22", "CHART_GRID": "#2a3342", "CURVE": "#d9e0ea", "FORECAST": "#8fb4ff",
    "ACTION": "#5b8def", "VIEWERS": "#3cb9d0", "ORDERS": "#f2a93b", "FROZEN_STOCK": "#ffb86b",
    # warning and critical are yellow-amber and rose-red: apart (CIEDE2000 >= 20) for protanopes and
    # deuteranopes too (tests/test_ui_theme.py), where amber and a plain red would look alike.
    "levels": {"ok": "#4fb286", "watch": "#3cb9d0", "warning": "#ffc83d", "critical": "#f23d6e",
               "lost_sales": "#c86cf0", "feed": "#ff7b45",
               "frozen_with_stock": "#ffb86b"},  # the engine's alert for it (issue 16): as FROZEN_STOCK
    # The same colours as TEXT: >= 4.5:1 (WCAG AA) on every background text is drawn on, including a row
    # tinted with the level (tests/test_ui_contrast.py).  Fills (chips, marks, tints) keep the levels above.
    "text": {"ok": "#58b68c", "watch": "#3cb9d0", "warning": "#ffc83d", "critical": "#f78eab",
             "lost_sales": "#d081f2", "feed": "#ff7d48", "frozen_with_stock": "#ffb86b",
             "FROZEN_STOCK": "#ffb86b", "GOOD": "#58b68c"},
}
LIGHT = {
    "BG": "#e9edf2", "PANEL": "#ffffff", "SURFACE": "#f2f4f7", "RAISED": "#e2e7ee", "BORDER": "#c5cdd8",
    "TEXT": "#18202b", "MUTED": "#535f71", "ACCENT": "#2d6bd6", "GOOD": "#1d8655",
    "ALT": "#f5f7fa", "GRID": "#e1e6ed", "SELECT": "#cddfff", "HOVER_BORDER": "#93a6bf", "PRESSED": "#d3ddef",
    "DISABLED": "#9aa4b1", "DISABLED_BORDER": "#dbe0e7", "DANGER_BORDER": "#d79aa1", "DANGER_HOVER": "#fbe8ea",
    "PRIMARY_BORDER": "#8aaae6", "PRIMARY_BG": "#e2ecff", "ARMED_BG": "#ffe4b8", "SCROLL": "#bcc6d3",
    "INK": "#0d1117", "FAIL_BG": "#fde1e4", "FAIL_TEXT": "#7a0f18", "CONFIRM_BG": "#fff0d6",
    "CONFIRM_TEXT": "#573700", "AUTO_BG": "#fff5e0", "TOAST_BG": "#e6efff", "OVERLAY": "rgba(226, 231, 238, 230)",
    "CHART_BG": "#ffffff", "CHART_GRID": "#e1e6ed", "CURVE": "#18202b", "FORECAST": "#2d6bd6",
    "ACTION": "#2d6bd6", "VIEWERS": "#0b8fb0", "ORDERS": "#c27a00", "FROZEN_STOCK": "#c9730f",
    "levels": {"ok": "#1d8655", "watch": "#1aa3c4", "warning": "#e6a700", "critical": "#d0205a",
               "lost_sales": "#9b3fd0", "feed": "#e8631f",
               "frozen_with_stock": "#c9730f"},  # the engine's alert for it (issue 16): as FROZEN_STOCK
    # Bright level colours on a white panel are ~2:1 (warning) to ~3.6:1: as text they are darker shades.
    "text": {"ok": "#186d45", "watch": "#116b80", "warning": "#835f00", "critical": "#af1b4c",
             "lost_sales": "#8a2fbf", "feed": "#a24211", "frozen_with_stock": "#90520b",
             "FROZEN_STOCK": "#90520b", "GOOD": "#186d45", "VIEWERS": "#09728c", "ORDERS": "#925c00"},
}
THEMES = {"dark": DARK, "light": LIGHT}
current = "dark"

BG = PANEL = SURFACE = RAISED = BORDER = TEXT = MUTED = ACCENT = GOOD = ""
CHART_BG = CHART_GRID = CURVE = FORECAST = ACTION = VIEWERS = ORDERS = FROZEN_STOCK = ""
FROZEN_TEXT = GOOD_TEXT = ""  # FROZEN_STOCK and GOOD as text (readable on every background)

# Levels (the core decides them; the desk only colours them — and names them: the level's word is
# shown wherever its colour is, so no one has to tell the colours apart).
LEVEL_COLORS: dict[str, str] = {}
# Row tints for the table (level colour at low alpha over the panel).
LEVEL_TINT_ALPHA = 46
# The level colours for text (a level's word, a SKU in its level's colour): see "text" in the themes.
LEVEL_TEXT: dict[str, str] = {}
# The backgrounds text is drawn on (tests/test_ui_contrast.py checks every text colour on each, and on
# PANEL and ALT tinted with each level at LEVEL_TINT_ALPHA, as table rows are).
TEXT_BACKGROUNDS = ("BG", "PANEL", "SURFACE", "ALT", "CHART_BG")

FEED_COLORS: dict[str, str] = {}  # fills (the header's feed chip)
FEED_TEXT: dict[str, str] = {}  # the same states as words (the rooms overview's state column)
CHANNEL_COLORS: dict[str, str] = {}
COMMAND_COLORS: dict[str, str] = {}

BAND = (91, 141, 239, 60)
FEATURED = (242, 169, 59, 28)
NO_DATA = (140, 140, 150, 45)  # review timeline: minutes of show with nothing logged
_listeners: list = []


def use(name: str) -> None:
    """Make ``name`` (``dark`` or ``light``) the current theme; call before building windows, then
    re-apply :func:`palette` and :func:`stylesheet` to the application (``ui.app.apply_theme``)."""
    global current
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose {' or '.join(THEMES)}")
    current = name
    th = THEMES[name]
    g = globals()
    for k, v in th.items():
        if k not in ("levels", "text"):
            g[k] = v
    LEVEL_COLORS.clear()
    LEVEL_COLORS.update(th["levels"])
    L = LEVEL_COLORS
    LEVEL_TEXT.clear()
    LEVEL_TEXT.update({k: v for k, v in th["text"].items() if k in L})
    g["FROZEN_TEXT"], g["GOOD_TEXT"] = th["text"]["FROZEN_STOCK"], th["text"]["GOOD"]
    T = LEVEL_TEXT
    FEED_COLORS.clear()
    FEED_COLORS.update({"live": th["GOOD"], "connecting": th["MUTED"], "resyncing": L["warning"],
                        "stale": L["critical"]})
    CHANNEL_COLORS.clear()
    CHANNEL_COLORS.update({"idle": th["MUTED"], "ok": th["GOOD"], "retrying": L["warning"], "down": L["critical"]})
    COMMAND_COLORS.clear()
    # Command states are shown as words (the detail panel's rows): text colours.
    COMMAND_COLORS.update({"queued": th["MUTED"], "sent": T["warning"], "acked": th["text"]["GOOD"],
                           "rejected": T["critical"], "failed": T["critical"], "unknown": T["lost_sales"],
                           "retrying": T["warning"], "core_silent": T["lost_sales"]})
    FEED_TEXT.clear()
    FEED_TEXT.update({"live": th["text"]["GOOD"], "connecting": th["MUTED"], "resyncing": T["warning"],
                      "stale": T["critical"]})
    for fn in list(_listeners):
        fn()


def on_change(fn) -> None:
    """Call ``fn()`` now and after every :func:`use` (for colours cached at module level, e.g. table cells)."""
    _listeners.append(fn)
    fn()


use("dark")

UI_FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Noto Sans",
                    "DejaVu Sans"]
MONO_FONT_FAMILIES = ["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "Menlo", "Consolas"]


def level_color(level: str) -> str:
    """The level's colour as a fill (chips, marks, lines)."""
    return LEVEL_COLORS.get(level, MUTED)


def _luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    def lin(v: int) -> float:
        c = v / 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(color.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def chip_ink(fill: str) -> str:
    """The text colour for a chip filled with ``fill``: INK or white, whichever stands out more from it
    (dark ink on a light theme's deep red is ~3.6:1, white on it ~5.2:1)."""
    lf = _luminance(fill)
    dark = (lf + 0.05) / (_luminance(INK) + 0.05)
    light = 1.05 / (lf + 0.05)
    return INK if dark >= light else "#ffffff"


def text_shade(key: str) -> str:
    """A theme colour (e.g. ``ORDERS``) in the shade used for text: its "text" entry, or itself."""
    th = THEMES[current]
    return th["text"].get(key, th[key])


def level_text(level: str) -> str:
    """The level's colour for text: readable (>= 4.5:1) on every background of the theme."""
    return LEVEL_TEXT.get(level, MUTED)


def palette():
    """The current theme's palette (base colours for every widget; the QSS only styles specific ones)."""
    from PySide6.QtGui import QColor, QPalette

    th = THEMES[current]
    pal = QPalette()
    role = QPalette.ColorRole
    for r, c in ((role.Window, BG), (role.WindowText, TEXT), (role.Base, PANEL), (role.AlternateBase, th["ALT"]),
                 (role.Text, TEXT), (role.Button, SURFACE), (role.ButtonText, TEXT), (role.ToolTipBase, RAISED),
                 (role.ToolTipText, TEXT), (role.Highlight, th["SELECT"]), (role.HighlightedText, TEXT),
                 (role.PlaceholderText, MUTED), (role.BrightText, "#ffffff"), (role.Link, ACCENT),
                 (role.Mid, BORDER), (role.Dark, th["INK"]), (role.Light, RAISED), (role.Midlight, SURFACE),
                 (role.Shadow, "#05070a")):
        pal.setColor(r, QColor(c))
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, QColor(th["DISABLED"]))
    return pal


def stylesheet() -> str:
    """The QSS with the palette substituted in."""
    qss = resource("styles", "desk.qss").read_text(encoding="utf-8")
    subs = {f"@{k}": v for k, v in THEMES[current].items() if k not in ("levels", "text")}
    subs.update({"@WATCH": LEVEL_COLORS["watch"], "@WARNING": LEVEL_COLORS["warning"],
                 "@CRITICAL": LEVEL_COLORS["critical"], "@ICONS": icon_dir().as_posix()})
    for k in sorted(subs, key=len, reverse=True):
        qss = qss.replace(k, subs[k])
    return qss


# The icons are drawn for the dark theme; the light theme gets copies with darker strokes.
LIGHT_ICON_STROKES = {"#d9e0ea": "#2a3442", "#7fe0b0": "#1d8655", "#8fd3ff": "#1a78b0", "#ff9aa0": "#c0303f",
                      "#ffd27a": "#a86f00", "#8c98ab": "#586578"}


def icon_dir():
    """The folder of the current theme's icons (the light ones are made once, in a cache folder)."""
    import os
    import tempfile
    from pathlib import Path

    src = resource("icons")
    if current == "dark":
        return src
    out = Path(tempfile.gettempdir()) / f"controlroom-icons-light-{os.getuid() if hasattr(os, 'getuid') else 0}"
    out.mkdir(exist_ok=True)
    for svg in Path(src).glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        for a, b in LIGHT_ICON_STROKES.items():
            text = text.replace(a, b)
        dst = out / svg.name
        if not dst.exists() or dst.read_text(encoding="utf-8") != text:
            dst.write_text(text, encoding="utf-8")
    return out


def icon_path(name: str) -> str:
    return str(icon_dir() / f"{name}.svg")
