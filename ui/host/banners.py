"""The host view's banners: SOLD OUT / FROZEN over the digits, and the connection notice over everything."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt

from ui.host import paint as P
from ui.host.layout import Layout
from ui.host.state import HostState
from ui.host.texts import t

CENTER = Qt.AlignmentFlag.AlignCenter


def draw_banner(pt: P.Painter, L: Layout, st: HostState) -> None:
    """SOLD OUT or FROZEN across the digits' box (the number under it is not the message)."""
    if st.banner is None or st.featured is None:
        return
    r = L.banner
    bg = P.SOLD_OUT_BG if st.banner == "sold_out" else P.FROZEN_BG
    pt.fill(r, bg)
    head = QRectF(r.left() + 0.04 * r.width(), r.top() + 0.12 * r.height(), 0.92 * r.width(), 0.52 * r.height())
    sub = QRectF(r.left() + 0.04 * r.width(), head.bottom() + 0.04 * r.height(), 0.92 * r.width(), 0.22 * r.height())
    pt.text("banner", t(st.banner), head, P.FG, bg, px=head.height() / 1.15, align=CENTER)
    words = t("sold_out_sub") if st.banner == "sold_out" else t("frozen_sub", n=f"{st.featured.available:,}")
    pt.text("banner_sub", words, sub, P.FG, bg, px=sub.height() / 1.3, align=CENTER, bold=False)


def draw_cover(pt: P.Painter, L: Layout, st: HostState) -> None:
    """Connection lost / connecting / another room: an opaque notice over the whole view (no stale number shows)."""
    whole = QRectF(0, 0, L.w, L.h)
    pt.fill(whole, P.LOST_BG)
    h = L.h
    head = QRectF(0.06 * L.w, 0.26 * h, 0.88 * L.w, 0.2 * h)
    sub = QRectF(0.06 * L.w, head.bottom() + 0.04 * h, 0.88 * L.w, 0.08 * h)
    age = QRectF(0.06 * L.w, sub.bottom() + 0.03 * h, 0.88 * L.w, 0.07 * h)
    if st.health == "lost":
        pt.text("lost", t("lost"), head, P.LOST_FG, P.LOST_BG, px=head.height() / 1.2, align=CENTER)
        pt.text("lost_sub", t("lost_sub"), sub, P.LOST_ACCENT, P.LOST_BG, px=sub.height() / 1.3, align=CENTER)
        pt.text("lost_age", t("lost_age", s=int(st.silent_s)), age, P.MUTED, P.LOST_BG, px=age.height() / 1.3,
                align=CENTER, bold=False)
        return
    pt.text("connecting", t("connecting"), head, P.LOST_FG, P.LOST_BG, px=head.height() / 1.4, align=CENTER)
    words = t("connecting_sub") if st.health != "live" else \
        t("wrong_room", room=st.wanted_room, other=st.room or "?")
    pt.text("connecting_sub", words, sub, P.MUTED, P.LOST_BG, px=sub.height() / 1.3, align=CENTER, bold=False)
    if st.health == "connecting" and st.diagnosis:  # the socket monitor's one line: why nothing arrives
        pt.text("diagnosis", st.diagnosis, age, P.MUTED, P.LOST_BG, px=age.height() / 2.2, align=CENTER, bold=False)
