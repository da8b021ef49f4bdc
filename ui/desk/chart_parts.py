"""What the desk's charts share: their constants, pens, the relative time axis and pyqtgraph's settings.

Drawing is kept cheap, because it runs on the GUI thread 10-15 times a second:

* data stay in shop time (absolute seconds): the history curve gets new data
  only when the SKU's history grows, markers and shading only when they
  change; "now" advancing just slides the view range;
* the time axis is a separate, *static* axis in minutes relative to now
  (-30 … +10/20/30), unlinked from the view, so its picture is cached; the
  y range moves in "nice" steps with hysteresis, so the left axis is cached
  too (``DeviceCoordinateCache`` on axes and titles);
* preallocated numpy buffers refilled in place for ``setData``; antialiasing
  off, width-1 cosmetic pens, ``clipToView`` and peak downsampling; no
  autorange.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem

from ui import theme

HISTORY_S = 1800.0  # 30 minutes of shop time behind "now"
AHEAD_CHOICES_MIN = (10.0, 20.0, 30.0)  # forecast room ahead of now, chosen from the sell-out time
CAP = 4096  # samples kept per SKU chart (step buffers hold 2x)
MAX_CHARTS = 9  # the selected SKU + 8 most urgent
GRID_COLS = 3
REGIONS = 4  # featured periods shaded per SKU chart
ROOM_REGIONS = 16
RESHUFFLE_EVERY_S = 3.0  # the urgent charts change SKUs at most this often (the selected one at once)
SWITCHES_PER_REFRESH = 2  # a new plan is brought in a few charts per refresh: no spike on the GUI thread
# "Now" moves every chart's view by a pixel at the same moment, and each move re-renders the whole
# plot: one refresh repainting all nine took ~26 ms of GUI time.  Charts take turns in this many
# groups instead (a view lags "now" by a pixel for at most two more refreshes).
SLIDE_GROUPS = 3
ITEM_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache

_configured = False


def configure_pyqtgraph() -> None:
    """pyqtgraph's global options for the desk (once): no antialiasing, desk colours, no OpenGL."""
    global _configured
    if _configured:
        return
    pg.setConfigOptions(antialias=False, background=theme.CHART_BG, foreground=theme.MUTED, useOpenGL=False,
                        imageAxisOrder="row-major")
    _configured = True


def free_width(label) -> None:
    """Keep a pyqtgraph title from sizing its column: pyqtgraph resets the minimum to the text width on
    every resize, so a long title would widen the grid past its view."""
    orig = label.updateMin

    def update_min():
        orig()
        label.setMinimumWidth(0)
        h = label._sizeHint.get(Qt.SizeHint.PreferredSize, (0, 0))[1]
        label._sizeHint[Qt.SizeHint.PreferredSize] = (0, h)
        label._sizeHint[Qt.SizeHint.MinimumSize] = (0, h)
        label.updateGeometry()

    label.updateMin = update_min


def cosmetic_pen(color, width=1, style=Qt.PenStyle.SolidLine):
    """A pen as wide in pixels at any zoom (cosmetic): the cheap kind to draw."""
    p = pg.mkPen(color=color, width=width, style=style)
    p.setCosmetic(True)
    return p


def nice_ceiling(x: float) -> float:
    """The next 1, 2, 2.5, 5 x 10^k at or above ``x``."""
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * e >= x:
            return m * e
    return 10.0 * e


def minutes_label(v: float) -> str:
    if abs(v) < 1e-6:
        return QCoreApplication.translate("Charts", "now")
    return QCoreApplication.translate("Charts", "{m}m").format(m=f"{v:+.0f}")


class RelativeTimeAxis(pg.AxisItem):
    """Bottom axis in minutes relative to now; static (not linked to the view), so its picture is cached."""

    def tickSpacing(self, minVal, maxVal, size):
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return []
        major = 10.0 if span / 10.0 <= max(2.0, size / 60.0) else 20.0
        return [(major, 0)]

    def tickStrings(self, values, scale, spacing):
        return [minutes_label(v) for v in values]


def style_axis(ax) -> None:
    """Desk colours, and a cached picture: the axes of the desk's charts rarely change."""
    ax.setPen(cosmetic_pen(theme.BORDER))
    ax.setTextPen(cosmetic_pen(theme.MUTED))
    ax.setCacheMode(ITEM_CACHE)


_fm = None


def title_metrics() -> QFontMetrics:
    """Metrics of the 9 pt chart titles (made once), to elide a title before pyqtgraph lays it out."""
    global _fm
    if _fm is None:
        f = QFont()
        f.setPointSizeF(9)
        _fm = QFontMetrics(f)
    return _fm


def html_escape(s: str) -> str:
    """Text safe inside the rich-text titles."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
