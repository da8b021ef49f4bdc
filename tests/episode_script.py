"""Hand-written alert transitions for the episode-book tests (one SKU's alert at a shop second)."""
from __future__ import annotations

from controlroom.alerts.transition import AlertTransition

T0 = 1_700_000_000.0


def tr(key, t, level, state, sku):
    """A transition of alert ``key`` at ``T0 + t`` (fixed figures: the books group by level and time)."""
    return AlertTransition(key=key, ts=T0 + t, sku=sku, level=level, state=state, reason=f"{sku} {level} {state}",
                           available=50, rate_per_min=10.0, predicted_sellout_s=300.0, threshold=60.0)


def w(sku, n, t, st="firing"):
    """SKU ``sku``'s ``n``-th warning, in state ``st`` at ``T0 + t``."""
    return tr(f"{sku}:warning:{n}", t, "warning", st, sku)
