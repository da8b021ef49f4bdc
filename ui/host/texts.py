"""Every string the host view shows, marked for translation (context ``HostView``); Chinese in resources/translations/controlroom_zh_CN.ts."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "HostView"

TEXTS = {
    "remaining": QT_TRANSLATE_NOOP("HostView", "LEFT"),
    "only_left": QT_TRANSLATE_NOOP("HostView", "Only {n} left"),
    "critical": QT_TRANSLATE_NOOP("HostView", "ALMOST GONE"),
    "sold_out": QT_TRANSLATE_NOOP("HostView", "SOLD OUT"),
    "frozen": QT_TRANSLATE_NOOP("HostView", "FROZEN"),
    "frozen_sub": QT_TRANSLATE_NOOP("HostView", "orders paused · {n} in stock"),
    "sold_out_sub": QT_TRANSLATE_NOOP("HostView", "no stock left"),
    "sellout_in": QT_TRANSLATE_NOOP("HostView", "sells out in ~{t}"),
    "sold_count": QT_TRANSLATE_NOOP("HostView", "{n} sold this show"),
    "sellout_none": QT_TRANSLATE_NOOP("HostView", "not selling out soon"),
    "next": QT_TRANSLATE_NOOP("HostView", "NEXT"),
    "next_item": QT_TRANSLATE_NOOP("HostView", "{n} left"),
    "now_selling": QT_TRANSLATE_NOOP("HostView", "NOW SELLING"),
    "nothing_featured": QT_TRANSLATE_NOOP("HostView", "No item is featured"),
    "live": QT_TRANSLATE_NOOP("HostView", "LIVE"),
    "lost": QT_TRANSLATE_NOOP("HostView", "CONNECTION LOST"),
    "lost_sub": QT_TRANSLATE_NOOP("HostView", "These numbers are not live. Do not read them on air."),
    "lost_age": QT_TRANSLATE_NOOP("HostView", "no data for {s} s · reconnecting…"),
    "connecting": QT_TRANSLATE_NOOP("HostView", "CONNECTING…"),
    "connecting_sub": QT_TRANSLATE_NOOP("HostView", "waiting for the control room's engine"),
    "wrong_room": QT_TRANSLATE_NOOP("HostView", "waiting for room {room} (this engine serves {other})"),
    "prompt_from": QT_TRANSLATE_NOOP("HostView", "FROM {who}"),
    "prompt_auto": QT_TRANSLATE_NOOP("HostView", "SAY IT NOW"),
    "preset_restock": QT_TRANSLATE_NOOP("HostView", "Restock coming in {n} min"),
    "preset_move_on": QT_TRANSLATE_NOOP("HostView", "Move on to item {n}"),
    "preset_push_cart": QT_TRANSLATE_NOOP("HostView", "Push the cart now"),
    "auto_critical": QT_TRANSLATE_NOOP("HostView", "Only {n} left — tell them to order now!"),
    "auto_sold_out": QT_TRANSLATE_NOOP("HostView", "Sold out — thank them and move on"),
    "auto_sold_out_next": QT_TRANSLATE_NOOP("HostView", "Sold out — thank them and move on to {name}"),
    "min_s": QT_TRANSLATE_NOOP("HostView", "{m} min {s} s"),
    "sec": QT_TRANSLATE_NOOP("HostView", "{s} s"),
    "hours": QT_TRANSLATE_NOOP("HostView", "{h} h {m} min"),
}


def t(key: str, **kw) -> str:
    """The text ``key`` in the running language, with ``{placeholders}`` filled."""
    text = QCoreApplication.translate(CONTEXT, TEXTS[key])
    return text.format(**kw) if kw else text


def duration(seconds: float) -> str:
    """A sell-out countdown in words a host says: ``2 min 05 s``, ``40 s``, ``1 h 12 min``."""
    s = max(0, int(round(seconds)))
    if s >= 3600:
        return t("hours", h=s // 3600, m=(s % 3600) // 60)
    if s >= 60:
        return t("min_s", m=s // 60, s=f"{s % 60:02d}")
    return t("sec", s=s)


def money(cents: int) -> str:
    """``¥59.90`` (whole yuan without decimals)."""
    return f"¥{cents // 100:,}" if cents % 100 == 0 else f"¥{cents / 100:,.2f}"
