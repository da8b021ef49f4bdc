"""Where everything goes on the host view, for any screen: landscape (16:9 and wider) or portrait.

All sizes are fractions of the screen, so 1280×720, 1920×1080 and 3840×2160 look
the same; the featured SKU's digits get a box whose font is at least 12 % of the
screen height (digit height ≈ 0.7 of the font size).  Boxes never overlap (a test
checks it at every supported size).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF

from ui.host.state import NEXT_COUNT


@dataclass
class Layout:
    """The boxes of one host-view frame, in pixels."""

    w: float
    h: float
    portrait: bool
    room: QRectF
    status: QRectF
    now_label: QRectF
    name: QRectF
    price: QRectF
    level: QRectF
    digits_label: QRectF
    digits: QRectF
    banner: QRectF  # sold out / frozen: over the digits
    bar_label: QRectF
    bar: QRectF
    prompt: QRectF
    next_title: QRectF
    next_cells: list[QRectF] = field(default_factory=list)

    def boxes(self) -> dict[str, QRectF]:
        """Every text box by name (the banner, which covers the digits on purpose, is left out)."""
        out = {k: getattr(self, k) for k in ("room", "status", "now_label", "name", "price", "level", "digits_label",
                                             "digits", "bar_label", "bar", "prompt", "next_title")}
        out.update({f"next{i}": r for i, r in enumerate(self.next_cells)})
        return out


def layout(w: float, h: float) -> Layout:
    """The layout for a ``w`` × ``h`` screen."""
    return _portrait(w, h) if h > w else _landscape(w, h)


def _landscape(w: float, h: float) -> Layout:
    m = 0.035 * h
    R = QRectF
    left_w = 0.50 * w - m
    rx = 0.53 * w
    rw = w - m - rx
    y0 = 0.12 * h
    name = R(m, y0 + 0.06 * h, left_w, 0.12 * h)
    price = R(m, name.bottom() + 0.03 * h, left_w, 0.10 * h)
    level = R(m, price.bottom() + 0.03 * h, left_w, 0.10 * h)
    digits_label = R(rx, y0, rw, 0.05 * h)
    digits = R(rx, digits_label.bottom(), rw, 0.39 * h)
    bar_label = R(m, 0.575 * h, w - 2 * m, 0.05 * h)
    bar = R(m, bar_label.bottom() + 0.01 * h, w - 2 * m, 0.035 * h)
    prompt = R(m, bar.bottom() + 0.03 * h, w - 2 * m, 0.14 * h)
    ny = prompt.bottom() + 0.02 * h
    nh = h - m - ny
    title_w = 0.12 * w
    next_title = R(m, ny, title_w, nh)
    gap = 0.01 * w
    cw = (w - 2 * m - title_w - gap * NEXT_COUNT) / NEXT_COUNT
    cells = [R(m + title_w + gap + i * (cw + gap), ny, cw, nh) for i in range(NEXT_COUNT)]
    return Layout(w, h, False, room=R(m, m, 0.6 * w, 0.06 * h), status=R(0.7 * w, m, 0.3 * w - m, 0.06 * h),
                  now_label=R(m, y0, left_w, 0.05 * h), name=name, price=price, level=level,
                  digits_label=digits_label, digits=digits, banner=R(rx, y0, rw, digits.bottom() - y0),
                  bar_label=bar_label, bar=bar, prompt=prompt, next_title=next_title, next_cells=cells)


def _portrait(w: float, h: float) -> Layout:
    m = 0.04 * w
    R = QRectF
    cw = w - 2 * m
    room = R(m, m, 0.6 * cw, 0.04 * h)
    status = R(m + 0.6 * cw, m, 0.4 * cw, 0.04 * h)
    now_label = R(m, 0.075 * h, cw, 0.03 * h)
    name = R(m, now_label.bottom() + 0.005 * h, cw, 0.07 * h)
    price = R(m, name.bottom() + 0.01 * h, cw, 0.055 * h)
    level = R(m, price.bottom() + 0.01 * h, cw, 0.055 * h)
    digits_label = R(m, level.bottom() + 0.01 * h, cw, 0.03 * h)
    digits = R(m, digits_label.bottom(), cw, 0.24 * h)
    bar_label = R(m, digits.bottom() + 0.015 * h, cw, 0.03 * h)
    bar = R(m, bar_label.bottom() + 0.005 * h, cw, 0.025 * h)
    prompt = R(m, bar.bottom() + 0.02 * h, cw, 0.12 * h)
    next_title = R(m, prompt.bottom() + 0.015 * h, cw, 0.03 * h)
    rh = (h - m - next_title.bottom() - 0.005 * h * NEXT_COUNT) / NEXT_COUNT
    cells = [R(m, next_title.bottom() + 0.005 * h + i * (rh + 0.005 * h), cw, rh) for i in range(NEXT_COUNT)]
    return Layout(w, h, True, room=room, status=status, now_label=now_label, name=name, price=price, level=level,
                  digits_label=digits_label, digits=digits, banner=R(m, digits_label.top(), cw,
                                                                      digits.bottom() - digits_label.top()),
                  bar_label=bar_label, bar=bar, prompt=prompt, next_title=next_title, next_cells=cells)
