"""Formatting and translated labels shared by the desk's widgets (no business logic: display only)."""
from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale

_LEVELS = {
    "ok": QT_TRANSLATE_NOOP("Labels", "ok"),
    "watch": QT_TRANSLATE_NOOP("Labels", "watch"),
    "warning": QT_TRANSLATE_NOOP("Labels", "warning"),
    "critical": QT_TRANSLATE_NOOP("Labels", "critical"),
    "lost_sales": QT_TRANSLATE_NOOP("Labels", "losing sales"),
    "feed": QT_TRANSLATE_NOOP("Labels", "feed"),
    "frozen_with_stock": QT_TRANSLATE_NOOP("Labels", "frozen"),
}
_TIERS = {
    "traffic_driver": QT_TRANSLATE_NOOP("Labels", "traffic driver"),
    "profit": QT_TRANSLATE_NOOP("Labels", "profit"),
    "long_tail": QT_TRANSLATE_NOOP("Labels", "long tail"),
}
_FEED = {
    "connecting": QT_TRANSLATE_NOOP("Labels", "connecting"),
    "live": QT_TRANSLATE_NOOP("Labels", "live"),
    "stale": QT_TRANSLATE_NOOP("Labels", "stale"),
    "resyncing": QT_TRANSLATE_NOOP("Labels", "resyncing"),
}
_CHANNEL = {
    "idle": QT_TRANSLATE_NOOP("Labels", "idle"),
    "ok": QT_TRANSLATE_NOOP("Labels", "ok"),
    "retrying": QT_TRANSLATE_NOOP("Labels", "retrying"),
    "down": QT_TRANSLATE_NOOP("Labels", "down"),
}
_OPS = {
    "freeze": QT_TRANSLATE_NOOP("Labels", "Freeze"),
    "unfreeze": QT_TRANSLATE_NOOP("Labels", "Unfreeze"),
    "restock": QT_TRANSLATE_NOOP("Labels", "Restock"),
    "exposure": QT_TRANSLATE_NOOP("Labels", "Exposure"),
    "delist": QT_TRANSLATE_NOOP("Labels", "Delist"),
    "relist": QT_TRANSLATE_NOOP("Labels", "Relist"),
}
_CMD_STATES = {
    "queued": QT_TRANSLATE_NOOP("Labels", "sending…"),
    "sent": QT_TRANSLATE_NOOP("Labels", "pending"),
    "acked": QT_TRANSLATE_NOOP("Labels", "acknowledged"),
    "rejected": QT_TRANSLATE_NOOP("Labels", "REJECTED"),
    "failed": QT_TRANSLATE_NOOP("Labels", "FAILED"),
    "unknown": QT_TRANSLATE_NOOP("Labels", "unknown — checking"),
    "retrying": QT_TRANSLATE_NOOP("Labels", "no answer yet, retrying"),
    "core_silent": QT_TRANSLATE_NOOP("Labels", "not reported by the core yet (it expires unsent after its deadline)"),
}
_ALERT_STATES = {
    "pending": QT_TRANSLATE_NOOP("AlertState", "pending"),
    "firing": QT_TRANSLATE_NOOP("AlertState", "firing"),
    "recovering": QT_TRANSLATE_NOOP("AlertState", "recovering"),
    "resolved": QT_TRANSLATE_NOOP("AlertState", "resolved"),
}
_ORIGINS = {
    "operator": QT_TRANSLATE_NOOP("Labels", "operator"),
    "auto": QT_TRANSLATE_NOOP("Labels", "auto"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def level_name(level: str) -> str:
    return _tr(_LEVELS[level]) if level in _LEVELS else level


def tier_name(tier: str) -> str:
    return _tr(_TIERS[tier]) if tier in _TIERS else tier


def feed_state_name(state: str) -> str:
    return _tr(_FEED[state]) if state in _FEED else state


def channel_state_name(state: str) -> str:
    return _tr(_CHANNEL[state]) if state in _CHANNEL else state


def op_name(op: str) -> str:
    return _tr(_OPS[op]) if op in _OPS else op


def command_state_name(state: str) -> str:
    return _tr(_CMD_STATES[state]) if state in _CMD_STATES else state


def alert_state_name(state: str) -> str:
    return QCoreApplication.translate("AlertState", _ALERT_STATES[state]) if state in _ALERT_STATES else state


def origin_name(origin: str) -> str:
    return _tr(_ORIGINS[origin]) if origin in _ORIGINS else origin


def tr_fmt(context: str, text: str, **kw) -> str:
    return QCoreApplication.translate(context, text).format(**kw)


def duration(seconds: float | None, *, none: str = "—") -> str:
    """Seconds as a short duration: ``45 s``, ``12.5 min``, ``3.2 h``."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return none
    if seconds < 0:
        seconds = 0.0
    if seconds < 90:
        return QCoreApplication.translate("Labels", "{n} s").format(n=f"{seconds:.0f}")
    if seconds < 5400:
        return QCoreApplication.translate("Labels", "{n} min").format(n=f"{seconds / 60:.1f}")
    if seconds < 48 * 3600:
        return QCoreApplication.translate("Labels", "{n} h").format(n=f"{seconds / 3600:.1f}")
    return QCoreApplication.translate("Labels", "not in sight")


def duration_range(soonest: float | None, expected: float | None) -> str:
    """``10–14 min``: the pessimistic (soonest) to the expected time, the unit written once when shared."""
    if expected is None:
        return duration(None)
    if soonest is None or soonest >= expected:
        return duration(expected)
    a, b = duration(soonest), duration(expected)
    if a == b:
        return b
    ua, ub = a.rsplit(" ", 1), b.rsplit(" ", 1)
    if len(ua) == 2 and len(ub) == 2 and ua[1] == ub[1]:
        return f"{ua[0]}–{b}"
    return f"{a}–{b}"


def clock(seconds: float) -> str:
    """Elapsed seconds as ``H:MM:SS``."""
    s = max(0, int(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def shop_time(ts: float) -> str:
    """A shop-clock timestamp as local ``HH:MM:SS``."""
    if not ts:
        return "—"
    return QLocale().toString(QDateTime.fromMSecsSinceEpoch(int(ts * 1000)).time(), "HH:mm:ss")


def ago(now_ts: float, ts: float) -> str:
    d = max(0.0, now_ts - ts)
    if d < 60:
        return QCoreApplication.translate("Labels", "{n}s ago").format(n=int(d))
    if d < 3600:
        return QCoreApplication.translate("Labels", "{m}m {s}s ago").format(m=int(d // 60), s=int(d % 60))
    return QCoreApplication.translate("Labels", "{h}h {m}m ago").format(h=int(d // 3600), m=int(d % 3600 // 60))


def age(now_ts: float, ts: float) -> str:
    """Short age: ``45s``, ``12m``, ``1h05m``."""
    d = max(0, int(now_ts - ts))
    if d < 60:
        return QCoreApplication.translate("Labels", "{n}s").format(n=d)
    if d < 3600:
        return QCoreApplication.translate("Labels", "{m}m").format(m=d // 60)
    return QCoreApplication.translate("Labels", "{h}h{m}m").format(h=d // 3600, m=f"{d % 3600 // 60:02d}")


def money(cents: int) -> str:
    """Whole yuan, grouped the desk language's way (:func:`ui.app.install_translations` sets QLocale's default)."""
    yuan = round(cents / 100.0)
    text = QLocale().toCurrencyString(abs(yuan), "¥")
    return "-" + text if yuan < 0 else text  # a plain minus, not en_US's accounting "(¥50)"


def count(n: int) -> str:
    return QLocale().toString(int(n))


def rate(r: float | None) -> str:
    if r is None:
        return "—"
    if r >= 100:
        return QLocale().toString(float(r), "f", 0)
    return QLocale().toString(float(r), "f", 1)


def alert_figures(level: str, available, threshold, rate_per_min, sellout_s, reason: str | None) -> str:
    """An alert's figures in the reader's language, "avail 12 · line 40 · 3.2/min · sell-out 4 min"
    (the desk's alert list and the review's SKU tab; the words are the ``AlertModel`` context's);
    its reason, the engine's English sentence, where it has no figures."""
    # (QCoreApplication.translate spelled out each time: lupdate finds only that form)
    bits = []
    if available is not None:
        bits.append(QCoreApplication.translate("AlertModel", "avail {n}").format(n=count(available)))
    if threshold is not None and level in ("warning", "critical"):
        if level == "warning":
            line = QCoreApplication.translate("AlertModel", "line {n}")
        else:
            line = QCoreApplication.translate("AlertModel", "safety {n}")
        bits.append(line.format(n=f"{threshold:,.0f}"))
    if rate_per_min is not None:
        if level == "lost_sales":
            per_min = QCoreApplication.translate("AlertModel", "losing {r}/min")
        else:
            per_min = QCoreApplication.translate("AlertModel", "{r}/min")
        bits.append(per_min.format(r=rate(rate_per_min)))
    if sellout_s is not None and level not in ("lost_sales", "feed"):
        bits.append(QCoreApplication.translate("AlertModel", "sell-out {t}").format(t=duration(sellout_s)))
    return " · ".join(bits) if bits else (reason or "")
