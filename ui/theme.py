"""Colours and the stylesheet of the desk: a calm dark control room with clear level colours.

Everything that paints (QSS, delegates, pyqtgraph) takes its colours from here,
so a level looks the same in the table, the alert panel, the charts and the header.
"""
from __future__ import annotations

from ui.paths import resource

# Surfaces and text.
BG = "#12161d"
PANEL = "#181e27"
SURFACE = "#1f2631"
RAISED = "#273040"
BORDER = "#2f3a4b"
TEXT = "#d9e0ea"
MUTED = "#8c98ab"
ACCENT = "#5b8def"
GOOD = "#4fb286"

# Levels (the core decides them; the desk only colours them).
LEVEL_COLORS = {
    "ok": "#4fb286",
    "watch": "#3cb9d0",  # blue/teal
    "warning": "#f2a93b",  # amber
    "critical": "#ff4d55",  # red
    "lost_sales": "#c86cf0",  # violet: sold out and still wanted
    "feed": "#ff7b45",  # the feed itself is in trouble
}
FROZEN_STOCK = "#ffb86b"  # frozen while units are left: its own look, never the green of "ok"
LEVEL_COLORS["frozen_with_stock"] = FROZEN_STOCK  # the engine's alert for it (issue 16)
# Row tints for the table (level colour at low alpha over the panel).
LEVEL_TINT_ALPHA = 46

FEED_COLORS = {"live": GOOD, "connecting": MUTED, "resyncing": "#f2a93b", "stale": "#ff4d55"}
CHANNEL_COLORS = {"idle": MUTED, "ok": GOOD, "retrying": "#f2a93b", "down": "#ff4d55"}
COMMAND_COLORS = {"queued": MUTED, "sent": "#f2a93b", "acked": GOOD, "rejected": "#ff4d55", "failed": "#ff4d55",
                  "unknown": "#c86cf0", "retrying": "#f2a93b",
                  "core_silent": "#c86cf0"}

# Charts.
CHART_BG = "#151a22"
CHART_GRID = "#2a3342"
CURVE = "#d9e0ea"
FORECAST = "#8fb4ff"
BAND = (91, 141, 239, 60)
FEATURED = (242, 169, 59, 28)
ACTION = "#5b8def"
VIEWERS = "#3cb9d0"
ORDERS = "#f2a93b"

UI_FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Noto Sans",
                    "DejaVu Sans"]
MONO_FONT_FAMILIES = ["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "Menlo", "Consolas"]


def level_color(level: str) -> str:
    return LEVEL_COLORS.get(level, MUTED)


def palette():
    """The dark palette (base colours for every widget; the QSS only styles specific ones)."""
    from PySide6.QtGui import QColor, QPalette

    pal = QPalette()
    role = QPalette.ColorRole
    for r, c in ((role.Window, BG), (role.WindowText, TEXT), (role.Base, PANEL), (role.AlternateBase, "#1b222c"),
                 (role.Text, TEXT), (role.Button, SURFACE), (role.ButtonText, TEXT), (role.ToolTipBase, RAISED),
                 (role.ToolTipText, TEXT), (role.Highlight, "#2c4471"), (role.HighlightedText, TEXT),
                 (role.PlaceholderText, MUTED), (role.BrightText, "#ffffff"), (role.Link, ACCENT),
                 (role.Mid, BORDER), (role.Dark, "#0d1117"), (role.Light, RAISED), (role.Midlight, SURFACE),
                 (role.Shadow, "#05070a")):
        pal.setColor(r, QColor(c))
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, QColor("#56606f"))
    return pal


def stylesheet() -> str:
    """The QSS with the palette substituted in."""
    qss = resource("styles", "desk.qss").read_text(encoding="utf-8")
    subs = {
        "@BG": BG, "@PANEL": PANEL, "@SURFACE": SURFACE, "@RAISED": RAISED, "@BORDER": BORDER, "@TEXT": TEXT,
        "@MUTED": MUTED, "@ACCENT": ACCENT, "@GOOD": GOOD, "@WATCH": LEVEL_COLORS["watch"],
        "@WARNING": LEVEL_COLORS["warning"], "@CRITICAL": LEVEL_COLORS["critical"],
        "@ICONS": resource("icons").as_posix(),
    }
    for k in sorted(subs, key=len, reverse=True):
        qss = qss.replace(k, subs[k])
    return qss


def icon_path(name: str) -> str:
    return str(resource("icons", f"{name}.svg"))
