"""The painted host view: one :class:`~ui.host.state.HostState` in, one frame out.

Painted, not built from widgets: every box comes from :mod:`ui.host.layout` and
every text is fitted to its box (:class:`ui.host.paint.Painter`), so no size of
screen clips or overlaps anything.  :attr:`HostView.drawn` keeps what the last
paint drew (role, text, box, colours) for the trace and the tests.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from ui.host import paint as P
from ui.host.banners import draw_banner, draw_cover
from ui.host.layout import Layout, layout
from ui.host.prompt import draw_prompt
from ui.host.state import HostState
from ui.host.texts import duration, money, t

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def paint_frame(p: QPainter, w: float, h: float, st: HostState) -> list[P.Drawn]:
    """Paint one frame of ``st`` on ``p`` (``w`` × ``h``); returns what was drawn."""
    pt = P.Painter(p)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    L = layout(w, h)
    pt.fill(QRectF(0, 0, w, h), P.BG)
    if st.covered:
        draw_cover(pt, L, st)
        return pt.drawn
    _header(pt, L, st)
    f = st.featured
    if f is None:
        pt.text("name", t("nothing_featured"), L.name, P.MUTED, P.BG, px=L.name.height() / 1.3)
    else:
        _featured(pt, L, st)
        draw_banner(pt, L, st)
    draw_prompt(pt, L, st)
    _next(pt, L, st)
    return pt.drawn


def _header(pt: P.Painter, L: Layout, st: HostState) -> None:
    pt.text("room", st.room, L.room, P.MUTED, P.BG, px=L.room.height() / 1.3, bold=False)
    pt.text("status", "● " + t("live"), L.status, P.LIVE, P.BG, px=L.status.height() / 1.3, align=RIGHT)


def _featured(pt: P.Painter, L: Layout, st: HostState) -> None:
    f = st.featured
    pt.text("now_label", t("now_selling") + f" · {f.sku}", L.now_label, P.MUTED, P.BG,
            px=L.now_label.height() / 1.25, bold=False)
    pt.text("name", f.name, L.name, P.FG, P.BG, px=L.name.height() / 1.25)
    pt.text("price", money(f.price_cents), L.price, P.PRICE, P.BG, px=L.price.height() / 1.2)
    level_fg = P.LEVEL_FG.get(f.level, P.FG)
    if st.banner is not None:
        pass  # sold out / frozen: the banner says it; "only N left" would invite orders that cannot be placed
    elif f.available > 0 and f.level == "critical":
        pt.text("level", f"{t('critical')} · {t('only_left', n=f'{f.available:,}')}", L.level, level_fg, P.BG,
                px=L.level.height() / 1.2)
    elif f.available > 0 and f.level == "warning":
        pt.text("level", t("only_left", n=f"{f.available:,}"), L.level, level_fg, P.BG, px=L.level.height() / 1.2)
    align = CENTER if L.portrait else RIGHT
    if st.banner is None:  # a banner takes the digits' place (drawn by banners.draw_banner)
        _digits(pt, L, st, level_fg, align)
    _countdown(pt, L, st)


def _digits(pt: P.Painter, L: Layout, st: HostState, level_fg: str, align) -> None:
    f = st.featured
    pt.text("digits_label", t("remaining"), L.digits_label, P.MUTED, P.BG, px=L.digits_label.height() / 1.2,
            align=align, bold=False)
    pt.text("digits", f"{f.available:,}", L.digits, level_fg if f.level in ("warning", "critical") else P.FG, P.BG,
            px=L.digits.height() / 1.2, align=align, per_char=True)


def _countdown(pt: P.Painter, L: Layout, st: HostState) -> None:
    """The sell-out countdown: words, and a bar that empties as the expected sell-out nears."""
    f = st.featured
    so = f.sellout_s
    window_s = max(60.0, f.window_min * 60.0)
    if f.available <= 0 or f.frozen:  # the banner says why; the host can still say how many went
        frac, words = 0.0, t("sold_count", n=f"{f.sold:,}")
    elif so is None:
        frac, words = 1.0, t("sellout_none")
    else:
        frac, words = max(0.0, min(1.0, so / window_s)), t("sellout_in", t=duration(so))
    fg = P.FG if f.frozen else P.LEVEL_FG.get(f.level, P.FG)
    pt.text("bar_label", words, L.bar_label, fg, P.BG, px=L.bar_label.height() / 1.2)
    pt.fill(L.bar, P.BAR_BG)
    if frac > 0:
        r = QRectF(L.bar)
        r.setWidth(max(2.0, L.bar.width() * frac))
        pt.fill(r, fg)


def _next(pt: P.Painter, L: Layout, st: HostState) -> None:
    if not st.next:
        return
    pt.text("next_title", t("next"), L.next_title, P.MUTED, P.BG, px=min(L.next_title.height() / 1.6, L.h * 0.04))
    for i, (s, r) in enumerate(zip(st.next, L.next_cells)):
        pt.fill(QRectF(r.left(), r.top(), r.width(), max(2.0, 0.004 * L.h)), P.RULE)  # a rule, not a panel:
        # every text of the view sits on black, where each level's colour keeps 7:1
        pad = 0.02 * r.width() if not L.portrait else 0.02 * L.w
        if L.portrait:
            name_r = QRectF(r.left() + pad, r.top(), 0.62 * r.width() - pad, r.height())
            num_r = QRectF(name_r.right() + pad, r.top(), r.right() - name_r.right() - 2 * pad, r.height())
        else:
            name_r = QRectF(r.left() + pad, r.top() + 0.06 * r.height(), r.width() - 2 * pad, 0.46 * r.height())
            num_r = QRectF(r.left() + pad, name_r.bottom(), r.width() - 2 * pad, 0.42 * r.height())
        size = min(name_r.height() / 1.25, L.h * 0.04)
        pt.text(f"next{i}", s.name, name_r, P.FG, P.BG, px=size, bold=False)
        fg = P.LEVEL_FG.get(s.level, P.FG)
        pt.text(f"next{i}_n", t("next_item", n=f"{s.available:,}"), num_r, fg, P.BG,
                px=min(num_r.height() / 1.2, L.h * 0.04), align=RIGHT if L.portrait else LEFT)


def render(st: HostState, w: int, h: int) -> tuple[QImage, list[P.Drawn]]:
    """A frame of ``st`` at ``w`` × ``h`` as an image, and what was drawn (tests, screenshots)."""
    img = QImage(QSize(w, h), QImage.Format.Format_RGB32)
    img.fill(QColor(P.BG))
    p = QPainter(img)
    try:
        drawn = paint_frame(p, w, h, st)
    finally:
        p.end()
    return img, drawn


class HostView(QWidget):
    """The widget that paints the current :class:`HostState`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = HostState(health="connecting")
        self.drawn: list[P.Drawn] = []
        self.paints = 0
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(320, 240)

    def set_state(self, st: HostState) -> None:
        """Show ``st`` at the next paint."""
        self.state = st
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        try:
            self.drawn = paint_frame(p, self.width(), self.height(), self.state)
        finally:
            p.end()
        self.paints += 1
