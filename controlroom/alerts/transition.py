"""The record every alert state change produces (consumed by UI, log, notifiers)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

ALERT_LEVELS = ("watch", "warning", "critical", "feed", "lost_sales", "frozen_with_stock")
ALERT_STATES = ("pending", "firing", "recovering", "resolved", "acked", "snoozed")


@dataclass(frozen=True, slots=True)
class AlertTransition:
    """One transition of one alert, with the numbers that caused it.

    ``key`` identifies the alert instance (same key from pending to resolved);
    ``ts`` is shop time. ``by`` names the operator for acked/snoozed, ``until``
    is the snooze's end (shop time).
    """

    key: str
    ts: float
    sku: str | None
    level: str
    state: str
    reason: str
    available: int | None = None
    rate_per_min: float | None = None
    predicted_sellout_s: float | None = None
    threshold: float | None = None
    by: str | None = None
    until: float | None = None

    def as_row(self) -> dict:
        """A plain dict, column names as in the session log's ``alerts`` table."""
        return asdict(self)
