"""Colours, contrast and fitted text for the host view.

Every text is drawn through :class:`Painter.text`, which fits it into its box
(shrinking the font, never clipping) and records what was drawn where and on
which background, so tests and the trace can check the frame that was painted.
Colours are chosen for a contrast of at least 7:1 (WCAG AAA) against what they
sit on; :func:`contrast` is the WCAG formula.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QImage, QPainter

BG = "#000000"
FG = "#FFFFFF"
MUTED = "#C8C8C8"
PRICE = "#FFD400"
LEVEL_FG = {"ok": FG, "watch": "#7FDBFF", "warning": "#FFC233", "critical": "#FF8A8A"}
LIVE = "#5BE37D"
RULE = "#666666"  # the line above each next SKU (not text)
BAR_BG = "#333333"
PROMPT_BG = "#FFD400"
PROMPT_FG = "#000000"
SOLD_OUT_BG = "#8B0000"
FROZEN_BG = "#0A3A8A"
LOST_BG = "#000000"
LOST_FG = "#FFFFFF"
LOST_ACCENT = "#FFD400"

FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Noto Sans",
                 "DejaVu Sans"]


def _lin(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color) -> float:
    """WCAG relative luminance of a colour (QColor or ``#rrggbb``)."""
    c = QColor(color)
    return 0.2126 * _lin(c.redF()) + 0.7152 * _lin(c.greenF()) + 0.0722 * _lin(c.blueF())


def contrast(a, b) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


_family: str | None = None


def family() -> str:
    """The first installed family of :data:`FONT_FAMILIES` (CJK first: the host view is Chinese by default)."""
    global _family
    if _family is None:
        have = set(QFontDatabase.families())
        _family = next((f for f in FONT_FAMILIES if f in have), QFont().family())
    return _family


def font(px: float, bold: bool = True) -> QFont:
    """The host view's font at ``px`` pixels."""
    f = QFont(family())
    f.setPixelSize(max(1, int(px)))
    f.setBold(bold)
    return f


_IMAGES: OrderedDict = OrderedDict()
_IMAGES_MAX = 300


def _text_image(text: str, f: QFont, fg: str, w: float, h: float, align: int) -> QImage:
    """``text`` drawn on a transparent image of the box's size, cached.

    Qt fills glyphs this large as paths, not from its glyph cache: a 1080p frame took ~40 ms
    to paint, mostly the same few big texts (name, price, level line, prompt) again.  Cached,
    a frame costs the texts that changed (usually the digits) plus blits.
    """
    key = (text, f.family(), f.pixelSize(), f.bold(), fg, int(w + 0.999), int(h + 0.999), align)
    img = _IMAGES.get(key)
    if img is not None:
        _IMAGES.move_to_end(key)
        return img
    img = QImage(key[5], key[6], QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    try:
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(f)
        p.setPen(QColor(fg))
        p.drawText(QRectF(0, 0, w, h), align, text)
    finally:
        p.end()
    _IMAGES[key] = img
    if len(_IMAGES) > _IMAGES_MAX:
        _IMAGES.popitem(last=False)
    return img


def _char_image(ch: str, f: QFont, fg: str) -> QImage:
    fm = QFontMetricsF(f)
    w, h = fm.horizontalAdvance(ch), fm.height()
    return _text_image(ch, f, fg, w, h, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop))


@dataclass
class Drawn:
    """One text as painted: its role (``digits``, ``name``, ``banner``…), words, box, colours and size."""

    role: str
    text: str
    rect: QRectF  # the box it was fitted into
    fg: str
    bg: str
    px: int
    elided: bool = False  # cut short with "…" (it did not fit even at the smallest size)


class Painter:
    """A QPainter with fitted, recorded text."""

    def __init__(self, p: QPainter) -> None:
        self.p = p
        self.drawn: list[Drawn] = []

    def _per_char(self, text: str, f: QFont, fg: str, rect: QRectF, align) -> None:
        fm = QFontMetricsF(f)
        widths = [fm.horizontalAdvance(c) for c in text]
        total = sum(widths)
        a = Qt.AlignmentFlag(int(align))
        if a & Qt.AlignmentFlag.AlignRight:
            x = rect.right() - total
        elif a & Qt.AlignmentFlag.AlignHCenter:
            x = rect.left() + (rect.width() - total) / 2
        else:
            x = rect.left()
        y = rect.top() + (rect.height() - fm.height()) / 2
        for c, w in zip(text, widths):
            self.p.drawImage(QPointF(x, y), _char_image(c, f, fg))
            x += w

    def fill(self, rect: QRectF, color: str) -> None:
        self.p.fillRect(rect, QColor(color))

    def text(self, role: str, text: str, rect: QRectF, fg: str, bg: str, *, px: float, min_px: float = 8,
             align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bold: bool = True,
             per_char: bool = False) -> int:
        """Draw ``text`` in ``rect`` at the largest size ≤ ``px`` that fits its width and height; returns the size.

        Below ``min_px`` the text is elided instead of shrunk further (a host reads it from metres away).
        ``per_char``: compose it from cached single characters (the stock digits: a new number costs
        blits, not a new rendering of glyphs a quarter of the screen tall).
        """
        if not text:
            return 0
        size = min(px, rect.height() / 1.2)
        f = font(size, bold)
        w = QFontMetricsF(f).horizontalAdvance(text)
        if w > rect.width() and w > 0:
            size = max(min_px, size * rect.width() / w * 0.98)
            f = font(size, bold)
        fm = QFontMetricsF(f)
        shown = text if fm.horizontalAdvance(text) <= rect.width() else \
            fm.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        if per_char and shown == text:
            self._per_char(shown, f, fg, rect, align)
        else:
            self.p.drawImage(rect.topLeft(), _text_image(shown, f, fg, rect.width(), rect.height(), int(align)))
        self.drawn.append(Drawn(role, shown, QRectF(rect), fg, bg, f.pixelSize(), shown != text))
        return f.pixelSize()
