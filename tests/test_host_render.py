"""The host view's rendered frames, measured: digit height, contrast of every text, no clipping or overlap.

Each frame is painted offscreen at 1280×720, 1920×1080, 3840×2160 and portrait 1080×1920 in
every state, and the pixels are read back: the featured SKU's digits must be at least 12 % of
the screen height tall, and every text must stand at 7:1 (WCAG AAA) or more against the
background measured around it.
"""
import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from ui.host.layout import layout
from ui.host.paint import contrast
from ui.host.samples import SIZES, STATES, sample_state


@pytest.fixture(scope="module", params=["zh_CN", "en"])
def lang(request):
    from ui.app import make_app

    app = make_app(request.param)
    return request.param


def _pixels(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    a = np.frombuffer(img.constBits(), np.uint8, count=img.sizeInBytes()).reshape(h, img.bytesPerLine() // 4, 4)
    return a[:, :w, 2::-1].astype(np.int16)  # BGRA in memory -> RGB


def _rgb(color: str) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], np.int16)


def _region(px: np.ndarray, r) -> np.ndarray:
    x0, y0 = max(0, int(r.left())), max(0, int(r.top()))
    return px[y0:int(r.bottom()), x0:int(r.right())]


def _near(region: np.ndarray, color: str, tol: int = 6) -> np.ndarray:
    return (np.abs(region - _rgb(color)) <= tol).all(axis=-1)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_digits_are_tall_and_every_text_stands_out(lang, size):
    from ui.host.view import render

    w, h = size
    for state in STATES:
        img, drawn = render(sample_state(state), w, h)
        px = _pixels(img)
        assert drawn, state
        for d in drawn:
            assert not d.elided, (state, d.role, d.text)
            region = _region(px, d.rect)
            packed = (region[..., 0].astype(np.int32) << 16) | (region[..., 1].astype(np.int32) << 8) | region[..., 2]
            colors, counts = np.unique(packed, return_counts=True)
            top = int(colors[counts.argmax()])  # what the text sits on, as painted
            bg = np.array([top >> 16, (top >> 8) & 255, top & 255])
            ink = _near(region, d.fg)
            assert ink.sum() > 0, (state, d.role, d.text, "no pixel of its colour")
            fg = region[ink].mean(axis=0)
            ratio = contrast(QColor(*map(int, fg)), QColor(*map(int, bg)))
            assert ratio >= 7.0, (state, d.role, d.text, ratio)
        if state in ("normal", "warning", "critical", "prompt"):
            digits = next(d for d in drawn if d.role == "digits")
            rows = np.flatnonzero(_near(_region(px, digits.rect), digits.fg).any(axis=1))
            height = rows[-1] - rows[0] + 1
            assert height >= 0.12 * h, (state, height, h)
        roles = {d.role for d in drawn}
        if state == "sold_out":
            assert "banner" in roles and "prompt" in roles  # the automatic prompt: say it on air
        if state == "frozen":
            assert "banner" in roles
        if state == "critical":
            assert "level" in roles and "prompt" in roles
        if state == "prompt":
            assert "prompt" in roles and "prompt_who" in roles
        if state == "lost":
            assert roles == {"lost", "lost_sub", "lost_age"}  # nothing stale shows through
            assert _near(px, "#000000").mean() > 0.8  # one opaque cover over the whole frame


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_boxes_stay_on_screen_and_never_overlap(size):
    w, h = size
    boxes = layout(w, h).boxes()
    names = list(boxes)
    for i, a in enumerate(names):
        r = boxes[a]
        assert r.left() >= 0 and r.top() >= 0 and r.right() <= w and r.bottom() <= h, a
        for b in names[i + 1:]:
            assert not r.intersected(boxes[b]).isValid() or r.intersected(boxes[b]).isEmpty(), (a, b)
