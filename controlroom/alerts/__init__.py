"""Alerts: transitions, per-(SKU, level) state machines and the rules that drive them."""
from controlroom.alerts.state import ACTIVE, SEVERITY, Alert, AlertBook, to_view
from controlroom.alerts.transition import ALERT_LEVELS, ALERT_STATES, AlertTransition

__all__ = ["AlertTransition", "ALERT_LEVELS", "ALERT_STATES", "Alert", "AlertBook", "to_view",
           "ACTIVE", "SEVERITY"]
