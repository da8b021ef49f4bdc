"""The alert panel's problem list: one row per *episode* (``controlroom.alerts.episodes``).

An episode is one problem of one SKU (or one room-wide surge over many SKUs), from its
first alert to its end: repeated alerts of the SKU update its row in place.  A row
reads like an alert row (level, SKU, what, why, since, state) so it reuses
:class:`~ui.desk.alert_model.AlertModel`'s in-place row machinery and flashing; its
*why* gives the figures that crossed (available, the line, the rate, the forecast, the
cart adds), and a SKU frozen with stock left says how many and what is not selling.
Acknowledge and snooze act on the alert behind the episode's level (``alert_key``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ui import fmt
from ui.desk.alert_model import AlertModel


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """One episode as the panel shows it: the episode's record, joined with its alert and SKU."""

    key: str  # the episode id (the row's identity from start to end)
    sku: str | None
    level: str  # the shown level; a room surge shows as a watch
    state: str
    since_ts: float
    reason: str  # the engine's sentence: the rule and the figures that crossed it
    alert_key: str | None = None
    available: int | None = None
    rate_per_min: float | None = None
    predicted_sellout_s: float | None = None
    threshold: float | None = None
    acked: bool = False
    snoozed_until: float | None = None
    ended_ts: float | None = None
    unsteady: bool = False
    surge: bool = False
    group: tuple[str, ...] = ()
    level_changes: int = 0
    price_cents: int = 0
    forecast: float | None = None  # units predicted to sell in the SKU's window
    window_min: float | None = None
    cart_rate_per_min: float | None = None


def rows_from(snap) -> tuple[EpisodeRow, ...]:
    """The snapshot's open episodes as rows (most severe first, the core's order)."""
    if not snap.episodes:
        return ()
    alerts = {a.key: a for a in snap.alerts}
    views = {v.sku: v for v in snap.skus} if snap.skus else {}
    out = []
    for e in snap.episodes:
        a = alerts.get(e.alert_key) if e.alert_key else None
        v = views.get(e.sku) if e.sku else None
        surge = e.level == "surge"
        available = e.available
        if e.level == "frozen_with_stock" and v is not None:
            # "frozen with N left" is about now: a restock or a cancel while frozen changes N, and the
            # episode keeps the figures it opened with.
            available = v.available
        out.append(EpisodeRow(
            key=e.id, sku=e.sku, level="watch" if surge else e.level, state=e.state, since_ts=e.start_ts,
            reason=e.reason, alert_key=e.alert_key, available=available, rate_per_min=e.rate_per_min,
            predicted_sellout_s=e.predicted_sellout_s, threshold=e.threshold,
            acked=e.acked or (a is not None and a.acked),
            snoozed_until=a.snoozed_until if a is not None else None, unsteady=e.unsteady, surge=surge,
            group=e.group, level_changes=e.level_changes, price_cents=v.price_cents if v is not None else 0,
            forecast=round(v.predicted_sales, 0) if v is not None else None,
            window_min=v.window_min if v is not None else None,
            cart_rate_per_min=round(v.cart_rate_per_min, 1) if v is not None else None))
    return tuple(out)


def _wave(a) -> bool:
    """The room's warning wave (``controlroom.alerts.episodes``): a room row at warning level."""
    return isinstance(a, EpisodeRow) and a.sku is None and not a.surge and a.level == "warning"


class EpisodeModel(AlertModel):
    """Open episodes as rows, kept in place (see the module doc)."""

    def what(self, a) -> str:
        if getattr(a, "surge", False):
            # One row lists every SKU with a watch alone; "room-wide" only when many surge at once.
            return self.tr("Room-wide surge") if len(a.group) >= 3 else self.tr("Surges (advisory)")
        if _wave(a):
            # "Room-wide" while two or more SKUs are in it; one left is what remains of a wave.
            return self.tr("Room-wide warnings") if len(a.group) >= 2 else self.tr("Warning wave")
        return super().what(a)

    def why(self, a) -> str:
        if not isinstance(a, EpisodeRow):
            return super().why(a)
        if a.level == "frozen_with_stock":
            # What it costs: the units held back and the money per minute the freeze turns away.
            yuan = fmt.money(int(round((a.rate_per_min or 0.0) * a.price_cents)))
            return self.tr("frozen with {n} left · {money}/min not selling").format(
                n=fmt.count(a.available or 0), money=yuan)
        if _wave(a):
            # The room's warning wave: the SKUs below their lines now (each one's figures are its own row's
            # in the SKU table; the selected row's detail gives the soonest one's).
            if not a.group:
                return self.tr("no SKU below its line now")
            if len(a.group) == 1:  # what is left of a wave: the others recovered or have rows of their own
                return self.tr("{sku} still below its warning line").format(sku=a.group[0])
            return self.tr("{n} below their warning lines: {skus}").format(
                n=len(a.group), skus=", ".join(a.group[:4]) + (", …" if len(a.group) > 4 else ""))
        if a.surge:
            if not a.group:
                return self.tr("no SKU surging now")
            names = ", ".join(a.group[:4]) + (", …" if len(a.group) > 4 else "")
            if len(a.group) < 3:
                return self.tr("surging: {skus}").format(skus=names)
            return self.tr("{n} SKUs at once: {skus}").format(n=len(a.group), skus=names)
        bits = []
        if a.available is not None:
            bits.append(self.tr("avail {n}").format(n=fmt.count(a.available)))
        if a.threshold is not None and a.level in ("warning", "critical"):
            label = self.tr("line {n}") if a.level == "warning" else self.tr("safety {n}")
            bits.append(label.format(n=f"{a.threshold:,.0f}"))
        if a.rate_per_min is not None:
            if a.level == "lost_sales":
                bits.append(self.tr("losing {r}/min").format(r=fmt.rate(a.rate_per_min)))
            else:
                bits.append(self.tr("{r}/min").format(r=fmt.rate(a.rate_per_min)))
        if a.forecast is not None and a.window_min and a.level in ("warning", "watch", "critical"):
            bits.append(self.tr("forecast {n} in {m:g} min").format(n=fmt.count(int(a.forecast)), m=a.window_min))
        if a.cart_rate_per_min and a.level in ("watch", "warning", "lost_sales"):
            bits.append(self.tr("carts {r}/min").format(r=fmt.rate(a.cart_rate_per_min)))
        if a.predicted_sellout_s is not None and a.predicted_sellout_s < 48 * 3600 \
                and a.level not in ("lost_sales", "feed"):  # (a sell-out not in sight says nothing here)
            bits.append(self.tr("sell-out {t}").format(t=fmt.duration(a.predicted_sellout_s)))
        return " · ".join(bits) if bits else a.reason

    def state_text(self, a) -> str:
        text = super().state_text(a)
        if getattr(a, "unsteady", False):
            text += " · " + self.tr("unsteady")
        return text

    def state_texts_for_width(self) -> list[str]:
        out = super().state_texts_for_width()
        return out + [t + " · " + self.tr("unsteady") for t in out]

    def _tooltip(self, a) -> str:
        text = super()._tooltip(a)
        if isinstance(a, EpisodeRow) and a.level_changes:
            text += "\n" + self.tr("Level changed {n} times in this episode").format(n=a.level_changes)
        return text
