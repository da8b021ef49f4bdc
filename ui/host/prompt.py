"""The prompt box: the operator's words (or an automatic prompt at critical stock / sold out), large."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt

from ui.host import paint as P
from ui.host.layout import Layout
from ui.host.state import HostState
from ui.host.texts import t

PRESETS = ("restock", "move_on", "push_cart")


def prompt_text(st: HostState) -> tuple[str, str] | None:
    """(words, who) of the prompt to show, or None: the operator's first, else the automatic one."""
    p = st.prompt
    if p is not None:
        if p.preset in PRESETS:
            words = t(f"preset_{p.preset}", n=p.arg if p.arg is not None else "?")
            if p.text:
                words = f"{words} · {p.text}"
        else:
            words = p.text
        return words, t("prompt_from", who=p.by or "?")
    f = st.featured
    if st.auto_prompt == "critical" and f is not None:
        return t("auto_critical", n=f"{f.available:,}"), t("prompt_auto")
    if st.auto_prompt == "sold_out":
        words = t("auto_sold_out_next", name=st.next[0].name) if st.next else t("auto_sold_out")
        return words, t("prompt_auto")
    return None


def draw_prompt(pt: P.Painter, L: Layout, st: HostState) -> None:
    """The prompt box, when there is a prompt (an empty box otherwise: nothing to say)."""
    got = prompt_text(st)
    if got is None:
        return
    words, who = got
    r = L.prompt
    pt.fill(r, P.PROMPT_BG)
    pad = 0.03 * r.height() + 0.01 * r.width()
    tag = QRectF(r.left() + pad, r.top() + 0.06 * r.height(), r.width() - 2 * pad, 0.22 * r.height())
    body = QRectF(r.left() + pad, tag.bottom(), r.width() - 2 * pad, r.bottom() - tag.bottom() - 0.06 * r.height())
    pt.text("prompt_who", who, tag, P.PROMPT_FG, P.PROMPT_BG, px=tag.height() / 1.2, bold=False)
    pt.text("prompt", words, body, P.PROMPT_FG, P.PROMPT_BG, px=body.height() / 1.15,
            align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
