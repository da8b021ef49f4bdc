"""The settings sections: typed, frozen dataclasses whose fields carry unit, description, range.

A field is declared with :func:`setting`; :class:`~controlroom.settings.Settings` (the whole)
holds one of each section plus the tiers.  Loading and checking are in
:mod:`controlroom.settings`; the generated ``docs/settings.md`` in
:mod:`controlroom.settings.markdown`.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from controlroom.settings.secrets import MASK, is_masked, mask_url, mask_webhooks

__all__ = [
    "FeedSettings", "EngineSettings", "TierSettings", "CommandSettings", "LogSettings", "NotifySettings",
    "SettingsError", "setting", "check_webhooks", "DEFAULT_TIERS", "SECTIONS", "POLICIES", "AUTO_FREEZE",
    "check_channels", "CHANNELS",
]

POLICIES = ("engine", "naive", "static")
AUTO_FREEZE = ("auto", "confirm", "off")


class SettingsError(ValueError):
    """A settings value or file that cannot be used; ``key`` is the dotted key."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


def setting(default: Any, unit: str, doc: str, *, ge: float | None = None, gt: float | None = None,
            le: float | None = None, choices: tuple | None = None, check: Any = None, secret: Any = None) -> Any:
    """Declare one settings field: default, unit, one-line description and allowed range.

    ``check(key, value)`` (optional) converts and checks a structured value (a list of
    tables, say) and raises :class:`SettingsError`; scalar fields are checked by type.
    ``secret`` marks a field that holds credentials: a function returning the value masked
    (``secrets.mask_text`` for a whole string, ``secrets.mask_webhooks``...), applied wherever
    the value leaves memory (:meth:`Settings.to_dict`, the log, errors, displays).
    """
    meta = {"unit": unit, "doc": doc, "ge": ge, "gt": gt, "le": le, "choices": choices, "check": check,
            "secret": secret}
    return field(default=default, metadata=meta)


# --- sections ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedSettings:
    """Where the shop's feed is and when it counts as stale."""

    events_endpoint: str = setting("tcp://127.0.0.1:7701", "endpoint", "the shop's PUB socket (events)")
    requests_endpoint: str = setting("tcp://127.0.0.1:7702", "endpoint",
                                     "the shop's ROUTER socket (snapshot and commands)")
    stale_after_s: float = setting(3.0, "s", "no message for this long (wall clock) marks the feed stale", gt=0)
    resync_backoff_max_s: float = setting(5.0, "s", "longest wait between snapshot retries", gt=0)
    room: str | None = setting(None, "room id", "accept only this room's events (unset: the first snapshot's room)")
    receive_queue_messages: int = setting(
        5_000, "messages", "most feed messages queued unread in the core (0: no bound); past it the shop's "
        "queue fills and drops, which the client sees as a gap and resyncs from a snapshot", ge=0)


@dataclass(frozen=True)
class EngineSettings:
    """The consumption-rate engine and the rules shared by all tiers."""

    policy: str = setting("engine", "choice", "alert policy: engine, or a baseline: naive or static",
                          choices=POLICIES)
    static_threshold: int = setting(100, "units", "static baseline: warn below this many units", ge=0)
    naive_multiplier: float = setting(1.5, "x", "naive baseline: warning line = this x predicted window sales", gt=0)
    naive_window_min: float = setting(30.0, "min", "naive baseline: the window its session-average rate predicts", gt=0)
    instant_scale_s: float = setting(10.0, "s", "time scale of the instant rate (safety stock, flash sales)", gt=0)
    fast_scale_s: float = setting(60.0, "s", "time scale of the fast burn rate", gt=0)
    mid_scale_s: float = setting(300.0, "s", "time scale of the medium burn rate", gt=0)
    slow_scale_s: float = setting(900.0, "s", "time scale of the slow burn rate (the baseline surges are measured against)", gt=0)
    longrun_scale_s: float = setting(3600.0, "s", "time scale of the long-run rate (features included) that keeps a warning from clearing", gt=0)
    prior_strength_s: float = setting(60.0, "s", "seconds of observation the tier's prior rate is worth (cold start)", ge=0)
    prior_fade_orders: float = setting(1.0, "orders", "the slow and long-run rates' prior fades as each rate's own data comes in (dynamic tiers): worth prior_strength_s x this / (this + units in that rate's decayed count) (0: it never fades)", ge=0)
    tail_line_fade_orders: float = setting(1.0, "orders", "the long tail's warning line (not its forecast or band) reads its long-run rates with a prior that fades like prior_fade_orders (0: the full prior, as its forecast)", ge=0)
    burst_qty_factor: float = setting(4.0, "x", "one order counts at most this x the SKU's mean order size toward the rate", ge=1)
    cusum_ratio: float = setting(3.0, "x", "change detector: the rate multiple it looks for", gt=1)
    cusum_threshold: float = setting(6.0, "nats", "change detector: log-likelihood ratio that declares a surge", gt=0)
    cusum_min_rate_per_min: float = setting(1.0, "units/min", "change detector: floor on the baseline rate", gt=0)
    burst_persist_s: float = setting(30.0, "s", "a rise of another cause than a feature (order or cart change detector) lifts the warning line only once it has lasted this long without a break (noise that fires the detector for a few seconds does not); 0: at once", ge=0)
    surge_decay_min: float = setting(6.0, "min", "an elevated rate is assumed to fade to the slow rate with this time constant", gt=0)
    longrun_enters: bool = setting(False, "bool", "the long-run rate also raises the warning line (not only keeps it from clearing)")
    warning_outlasts_critical: bool = setting(True, "bool", "when a critical ends, the warning it hid takes over unless the warning's own exit condition is met (off: only while available is under the warning line itself)")
    exit_session_course: bool = setting(True, "bool", "a warning that has fired also clears only once available covers the session's course (units sold this session / time since its start x the line's horizon, the naive rule's rate): a SKU on course to sell out over the whole show stays warned after a burst's after-glow (exit side only: it raises no warning)")
    trend_weight: float = setting(1.0, "ratio", "weight of the rising-only trend term (during a detected rise)", ge=0, le=1)
    trend_horizon_s: float = setting(60.0, "s", "a detected rise adds slope x this to the level (the fast rate's lag)", ge=0)
    band_z: float = setting(1.64, "sigma", "width of the upper band (predicted_hi, pessimistic sell-out)", ge=0)
    band80_prior_z: float = setting(1.28, "x spread", "the shown 80 % band is the forecast +- this x its spread until the room's own windows calibrate it per tier", gt=0)
    band80_gain: float = setting(0.04, "ratio", "how fast the shown 80 % band's quantile level follows the band's own misses (its step per observed window) (adaptive conformal inference); 0: the plain 80th percentile of past windows", ge=0, le=0.5)
    band80_inflight_weight: float = setting(0.5, "ratio", "the windows still open count in the shown 80 % band's level at this weight of the miss rate their band is expected to have, so the level stops climbing once the band shown is wide enough rather than a whole window later (0: only windows that ended count)", ge=0, le=1)
    band80_borrow_level: bool = setting(True, "bool", "a tier with few windows of its own reads its 80 % band at the level of the tiers forecasting the same way (same rate basis), not only from their windows")
    cart_conversion_prior: float = setting(0.6, "orders/add", "cart adds that become orders, assumed before a tier has its own data (units: x the mean order size)", ge=0)
    cart_conversion_strength: float = setting(30.0, "adds", "cart adds the conversion prior is worth", gt=0)
    feature_tail_s: float = setting(120.0, "s", "orders this long after a feature ends still count as featured demand", ge=0)
    feature_length_prior_s: float = setting(360.0, "s", "a feature is assumed to last this long until the room's own features are seen", gt=0)
    feature_fade_s: float = setting(90.0, "s", "after a feature ends, its extra demand fades with this time constant", gt=0)
    feature_min_remaining_s: float = setting(60.0, "s", "a feature that runs past its usual length is assumed to go on at least this long", ge=0)
    traffic_uplift_max: float = setting(3.0, "x", "cap on the featured SKU's rate uplift from an entry surge", ge=1)
    reference_viewers: int = setting(10000, "viewers", "audience at which the tiers' prior rates apply", gt=0)
    watch_pending_s: float = setting(2.0, "s", "a detected surge must last this long before watch fires (the detector already confirmed it)", ge=0)
    watch_horizon_windows: float = setting(0.5, "windows", "a surge raises watch only if it would empty the SKU within this many windows", gt=0)
    burst_warning_pending_s: float = setting(0.0, "s", "a warning that only the buffer on a burst makes (a feature's or a surge's: the stock covers the steady sales and the burst's expected sales, not the burst times its buffer) must hold this long before it fires, instead of the tier's pending_s; such a line is at its highest at the burst's onset and falls within seconds (0: the tier's pending_s)", ge=0)
    lost_sales_min_cart_per_min: float = setting(2.0, "adds/min", "sold-out SKU: cart adds per minute that raise 'losing sales'", gt=0)
    lost_sales_pending_s: float = setting(30.0, "s", "'losing sales' must hold this long before it fires", ge=0)
    lost_sales_recover_s: float = setting(300.0, "s", "'losing sales' keeps firing this long after cart adds fall away", ge=0)
    feed_alert: bool = setting(True, "bool", "raise one room-level alert while the feed is stale")
    history_max: int = setting(500, "alerts", "resolved alerts kept in memory for the desk", ge=1)
    default_tier: str = setting("long_tail", "tier", "tier for a SKU whose snapshot tier is unknown")
    # Episodes (controlroom.alerts.episodes): what the operator is shown, one per problem.
    episode_pending_s: float = setting(20.0, "s", "a watch (advisory) must fire this long before it opens an episode; warnings and criticals wait their tier's pending_s, a critical at safety stock none", ge=0)
    episode_min_hold_s: float = setting(600.0, "s", "an episode's level steps down only this long after it last went up (a SKU swings at most up and down in this time)", ge=0)
    episode_quiet_s: float = setting(900.0, "s", "an episode whose alerts all resolved stays open (recovering) this long; the SKU's next alert within it continues it", ge=0)
    episode_flap_changes: int = setting(4, "changes", "a SKU whose alerts change level more than this often in the flap window is unsteady: held at its highest level", ge=1)
    episode_flap_window_s: float = setting(600.0, "s", "the flap window (an unsteady SKU is released after a window without a change)", gt=0)
    freeze_hold_s: float = setting(120.0, "s", "after the engine released its freeze, it freezes the SKU again only when stock truly runs out for this long", ge=0)
    freeze_max_per_10min: int = setting(2, "freezes", "auto-freezes of one SKU in 10 minutes; more only when stock truly runs out", ge=1)
    confirm_answer_s: float = setting(15.0, "s", "time an operator takes to answer a freeze the engine asks for (a confirm tier): its prior, learned from the asks answered; a confirm tier's safety stock covers it", ge=0)
    safety_z: float = setting(2.33, "sd", "the safety stock also covers this many standard deviations of the units ordered while a freeze is in flight (their count is random: a few orders of several units), not only rate x lag x margin (0: the margin alone)", ge=0)
    freeze_transit: bool = setting(True, "bool", "an auto tier's reserve also covers a freeze's own flight: the longest time the room's last engine freezes took from being sent to the shop's acknowledgement (a core behind its feed, a slow command channel), on top of the storefront's lag; 0 until a freeze landed")
    freeze_behind: bool = setting(True, "bool", "an auto tier's reserve also covers how far the core is behind the shop right now (the shop's clock, asked every second, minus the last event applied; feed/client.py): the orders of that time are already placed when a freeze decided now lands, the first freeze of a backlog included (the larger of this and freeze_transit counts)")
    lag_floor: float = setting(1.0, "x safety_lag_s", "the learned storefront lag never goes below this share of the tier's safety_lag_s (1: a faster storefront never shrinks the reserve; below 1 lets it, which oversold rising flash sales in testing)", ge=0, le=1)
    release_pulses: bool = setting(True, "bool", "a freeze the engine sent (auto tiers) whose stock left is below the reserve is released in measured pulses: the storefront is opened for as long as that stock covers at the rate the freeze turned away (x safety_margin, + safety_z sd), then frozen again, each time the orders in flight have settled with stock left (the storefront's lag delays the release and the re-freeze alike; off: frozen until the reserve allows a whole release)")
    pulse_settle_s: float = setting(0.0, "s", "after a measured pulse's re-freeze, its orders in flight have settled once the storefront's measured lag plus this has passed since the acknowledgement and no order came for this long (0, the default: as after any freeze, no order for twice the lag and at least the lag + 2 s; 1 s measured on flash-sale, see docs/engine.md)", ge=0)
    pulse_thin_rate_pm: float = setting(10000.0, "units/min", "a measured pulse too short for one step of the feed at full exposure (a flash lot's last units) is opened for one step at the lowered exposure that what is left covers (x safety_margin, + safety_z sd), when the rate the pulse is sized on is at least this (a flash: thousands of orders a minute); the rate that pulse measures judges the next release (0: off, such a lot stays frozen until the reserve allows a release)", ge=0)
    pulse_flash_settle_s: float = setting(1.0, "s", "pulse_settle_s for a pulse sized on a flash's rate (at least pulse_thin_rate_pm): its re-freeze's orders in flight have settled once the storefront's measured lag plus this has passed since the acknowledgement and no order came for this long (thousands of orders a minute leave no such gap while the storefront is open); other pulses keep pulse_settle_s (0: flash pulses keep it too)", ge=0)
    episode_group_min_skus: int = setting(1, "SKUs", "this many SKUs with a watch alone (each for episode_pending_s) open the room's surge episode, the one row that lists every SKU with a watch and nothing worse until the surges have been over for episode_quiet_s (1: every watch is shown there, never as a row of its own; 0: never group)", ge=0)
    episode_wave_min_skus: int = setting(2, "SKUs", "a SKU's warning is listed in the room's warning wave, one row, rather than a row of its own when this many SKUs were warned within episode_wave_window_s (a room-wide cause such as a traffic surge); a member that goes critical leaves it (0: never)", ge=0)
    episode_wave_window_s: float = setting(300.0, "s", "warnings this close to each other are one room-wide wave: a SKU warned within this time of the wave's last new member joins it", gt=0)
    episode_room_regroup: bool = setting(True, "bool", "an open warning wave also takes a later wave of warnings (episode_wave_min_skus SKUs warned within episode_wave_window_s), whose own new rows end there, rather than leaving them rows of their own beside it; and a room row left with one SKU that escalates (the surge row's only member warned or worse, the wave's only member critical) goes on as that SKU's row in place (off: they leave it with a new row)")
    episode_wave_takes_while_listed: bool = setting(True, "bool", "while the room's warning wave lists SKUs below their warning lines, a SKU newly warned is listed there too rather than opening a row of its own, however long after the wave's last new member (the room's warning row is on the screen; one more name in it is not a new problem); a member that goes critical still leaves it (off: only within episode_wave_window_s of the wave's last new member)")


@dataclass(frozen=True)
class TierSettings:
    """One tier's forecast window, thresholds and alert timing."""

    window_min: float = setting(30.0, "min", "forecast window: predicted sales are over this many minutes", gt=0)
    multiplier: float = setting(1.5, "x", "warning line = multiplier x predicted window sales", gt=0)
    warning_floor: float = setting(10.0, "units", "the warning line never drops below this (for a selling SKU)", ge=0)
    line_horizon_min: float = setting(0.0, "min", "the warning line's steady part covers at least this many minutes of the steady rate, above multiplier x window (traffic drivers: 45, the rule of thumb's 1.5 x 30 min, where their 2 x 15 min warned later than the naive rule on the same demand); 0: multiplier x window alone", ge=0)
    exit_ratio: float = setting(1.15, "x", "hysteresis: a condition clears only past threshold x this", ge=1)
    critical_horizon_min: float = setting(5.0, "min", "critical when the pessimistic sell-out is nearer than this", ge=0)
    safety_lag_s: float = setting(5.0, "s", "freeze-in-flight time the safety stock must cover", ge=0)
    safety_margin: float = setting(1.5, "x", "safety stock = rate x lag x margin", ge=1)
    safety_floor: float = setting(3.0, "units", "safety stock never drops below this", ge=0)
    auto_freeze: str = setting("confirm", "choice", "at safety stock: auto (freeze), confirm (ask the operator), off",
                               choices=AUTO_FREEZE)
    pending_s: float = setting(15.0, "s", "a condition must hold this long before its alert fires", ge=0)
    recover_s: float = setting(120.0, "s", "a cleared alert keeps firing (recovering) this long before it resolves", ge=0)
    prior_rate_per_min: float = setting(0.5, "units/min", "cold start: rate assumed before the SKU's own data", ge=0)
    featured_rate_per_min: float = setting(10.0, "units/min", "cold start: rate assumed while featured, before the SKU's own featured data", ge=0)
    rate_basis: str = setting("dynamic", "choice", "dynamic (multi-scale rate, change detector, leading indicators) or longrun (one long-run rate: the simple rule)",
                              choices=("dynamic", "longrun"))
    watch: bool = setting(True, "bool", "raise watch alerts (surges) for this tier")
    lower_exposure_to: float = setting(1.0, "weight", "lower the SKU's exposure to at most this weight: before an auto-freeze, at lower_exposure_at x safety stock; and to release a freeze whose stock left is below the reserve at full exposure (1: never; needs auto_freeze auto or confirm)", ge=0, le=1)
    lower_exposure_at: float = setting(2.0, "x safety stock", "the line, in safety stocks, at which exposure is lowered before a freeze (1: never before; only the release at a lower exposure)", ge=1)
    leading_indicators: bool = setting(True, "bool", "let cart adds and featured traffic raise the predicted rate")
    band_early_look: bool = setting(True, "bool", "the shown 80 % band also learns from each window at half its length (hears of a change sooner; off where early misses would only widen the rest of the show's band)")


def _tier(**kw: Any) -> TierSettings:
    return dataclasses.replace(TierSettings(), **kw)


DEFAULT_TIERS: dict[str, TierSettings] = {
    # 引流款: short window, generous multiplier, early warning, auto-freeze at safety stock.
    "traffic_driver": _tier(window_min=15.0, multiplier=2.0, warning_floor=20.0, line_horizon_min=45.0, critical_horizon_min=3.0,
                            safety_lag_s=5.0, safety_margin=1.5, safety_floor=5.0, auto_freeze="auto",
                            pending_s=5.0, recover_s=300.0, prior_rate_per_min=3.0, featured_rate_per_min=40.0),
    # 利润款: finer thresholds, confirm before freezing.
    "profit": _tier(window_min=30.0, multiplier=1.5, warning_floor=10.0, critical_horizon_min=5.0,
                    safety_lag_s=5.0, safety_margin=1.3, safety_floor=3.0, auto_freeze="confirm",
                    pending_s=15.0, recover_s=120.0, prior_rate_per_min=1.0, featured_rate_per_min=10.0),
    # 长尾款: one simple shared rule, the background article's rule of thumb (1.5 x the 30-minute
    # sales at the long-run rate), no leading indicators, no watch, no freezing.  A 60-minute
    # window warned slow movers ~90 minutes ahead, mostly of stock that outlived the show.
    "long_tail": _tier(window_min=30.0, multiplier=1.5, warning_floor=5.0, critical_horizon_min=10.0,
                       safety_lag_s=5.0, safety_margin=1.2, safety_floor=2.0, auto_freeze="off",
                       pending_s=30.0, recover_s=180.0, prior_rate_per_min=0.3, featured_rate_per_min=3.0,
                       rate_basis="longrun", watch=False, leading_indicators=False, band_early_look=False),
}


@dataclass(frozen=True)
class CommandSettings:
    """The command client (freeze, restock, ...)."""

    timeout_ms: int = setting(500, "ms", "a command unanswered this long is retried", gt=0)
    retries: int = setting(3, "count", "unanswered attempts on one connection before the client reconnects "
                                       "(0 counts as 1)", ge=0)
    max_attempts: int = setting(9, "count", "attempts in all (across reconnects) before a command is declared failed",
                                ge=1)
    deadline_s: float = setting(10.0, "s", "every command carries a deadline this far ahead: the shop refuses it "
                                           "unapplied after that, so an unanswered command's fate is always the "
                                           "shop's answer to a retry (0: no deadline, unanswered means failed)", ge=0)


@dataclass(frozen=True)
class LogSettings:
    """The session log."""

    path: str | None = setting(None, "path", "session log file (unset: sessions/<room>-<start>.sqlite)")
    commit_interval_ms: int = setting(100, "ms", "group commit: the writer commits at least this often", gt=0)
    batch_rows: int = setting(20_000, "rows", "group commit: or after this many rows", gt=0)
    max_queue_rows: int = setting(400_000, "rows", "rows waiting for the writer at most; at this bound the core "
                                                   "waits for the writer (the feed's backlog stays in its socket) "
                                                   "and nothing is dropped", gt=0)


WEBHOOK_LEVELS = ("watch", "warning", "critical", "feed", "lost_sales", "frozen_with_stock")  # = notify.NOTIFY_LEVELS
WEBHOOK_STATES = ("pending", "firing", "recovering", "resolved", "acked", "snoozed")  # = alerts.ALERT_STATES
WEBHOOK_DEFAULT_LEVELS = ("critical", "lost_sales", "feed", "frozen_with_stock")
WEBHOOK_DEFAULT_STATES = ("firing", "resolved")
_WEBHOOK_KEYS = ("url", "levels", "states", "headers", "name", "format", "secret", "keyword", "msgtype",
                 "oncall_only")
WEBHOOK_FORMATS = ("json", "wecom", "dingtalk", "feishu", "slack")  # = notify.formats.FORMAT_NAMES
CHANNELS = ("panel", "sound", "desktop", "host", "webhook")


def _str_list(key: str, v: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(v, (list, tuple)):
        raise SettingsError(key, f"expected a list of strings, got {type(v).__name__}")
    out = []
    for x in v:
        if type(x) is not str:
            raise SettingsError(key, f"expected strings, got {type(x).__name__}")
        if x not in allowed:
            raise SettingsError(key, f"unknown value {x!r} (known: {', '.join(allowed)})")
        out.append(x)
    return tuple(out)


def check_webhooks(key: str, value: Any) -> tuple[dict, ...]:
    """``notify.webhooks``: a list of tables ``{url, levels, states, headers, name, format, secret, keyword,
    msgtype, oncall_only}``, normalised.

    Each entry comes out with every key: ``levels`` and ``states`` as tuples (defaults
    ``critical, lost_sales, feed`` and ``firing, resolved``), ``headers`` as a dict of strings,
    ``name`` (default ``webhookN``, unique), ``format`` (default ``json``), ``secret`` and
    ``keyword`` (default empty), ``msgtype`` (WeCom: ``markdown`` or ``text``), ``oncall_only``.
    ``url`` and ``secret`` are credentials.
    """
    if not isinstance(value, (list, tuple)):
        raise SettingsError(key, f"expected a list of tables ([[notify.webhooks]]), got {type(value).__name__}")
    out = []
    names: set[str] = set()
    for i, hook in enumerate(value):
        k = f"{key}[{i}]"
        if not isinstance(hook, dict):
            raise SettingsError(k, f"expected a table, got {type(hook).__name__}")
        for name in hook:
            if name not in _WEBHOOK_KEYS:
                raise SettingsError(f"{k}.{name}", f"unknown key (known: {', '.join(_WEBHOOK_KEYS)})")
        url = hook.get("url")
        if type(url) is not str or not url.startswith(("http://", "https://")) or len(url) <= len("http://"):
            # the URL may carry the hook's key: the message shows it masked
            raise SettingsError(f"{k}.url", f"must be an http:// or https:// URL, got {mask_url(url)!r}")
        if MASK in url:
            raise SettingsError(f"{k}.url", f"holds a masked credential ({MASK}): give the real URL")
        headers = hook.get("headers", {})
        if not isinstance(headers, dict):
            raise SettingsError(f"{k}.headers", f"expected a table of strings, got {type(headers).__name__}")
        for hk, hv in headers.items():
            if type(hv) is not str or not hk:
                raise SettingsError(f"{k}.headers.{hk}", "header names and values must be strings")
            if is_masked(hv):
                raise SettingsError(f"{k}.headers.{hk}", f"holds a masked credential ({MASK}): give the real value")
        for sk in ("name", "secret", "keyword"):
            if type(hook.get(sk, "")) is not str:
                raise SettingsError(f"{k}.{sk}", "expected a string")
        fmt = hook.get("format", "json")
        if fmt not in WEBHOOK_FORMATS:
            raise SettingsError(f"{k}.format", f"unknown format {fmt!r} (known: {', '.join(WEBHOOK_FORMATS)})")
        msgtype = hook.get("msgtype", "markdown")
        if msgtype not in ("markdown", "text"):
            raise SettingsError(f"{k}.msgtype", f"must be markdown or text, got {msgtype!r}")
        if type(hook.get("oncall_only", False)) is not bool:
            raise SettingsError(f"{k}.oncall_only", "expected true or false")
        name = hook.get("name") or f"webhook{i + 1}"
        if name in names:
            raise SettingsError(f"{k}.name", f"two targets are called {name!r}")
        names.add(name)
        if is_masked(hook.get("secret", "")):
            raise SettingsError(f"{k}.secret", f"holds a masked credential ({MASK}): give the real value")
        out.append({
            "url": url,
            "levels": _str_list(f"{k}.levels", hook.get("levels", WEBHOOK_DEFAULT_LEVELS), WEBHOOK_LEVELS),
            "states": _str_list(f"{k}.states", hook.get("states", WEBHOOK_DEFAULT_STATES), WEBHOOK_STATES),
            "headers": dict(headers),
            "name": name, "format": fmt, "secret": hook.get("secret", ""), "keyword": hook.get("keyword", ""),
            "msgtype": msgtype, "oncall_only": hook.get("oncall_only", False),
        })
    return tuple(out)


def check_channels(key: str, value: Any) -> tuple[str, ...]:
    """``notify.<level>_channels``: a list of channel names (panel, sound, desktop, host, webhook)."""
    chans = _str_list(key, value, CHANNELS)
    return chans if "panel" in chans else ("panel", *chans)  # the desk's panel always shows alerts


def check_names(key: str, value: Any) -> tuple[str, ...]:
    """A list of target names (checked against ``notify.webhooks`` when the notifier is built)."""
    if not isinstance(value, (list, tuple)) or any(type(x) is not str or not x for x in value):
        raise SettingsError(key, "expected a list of target names")
    return tuple(value)


@dataclass(frozen=True)
class NotifySettings:
    """Alert notifications: channels per level, webhooks (chat robots), grouping, escalation."""

    webhooks: tuple = setting((), "list of tables",
                              "webhooks: [[notify.webhooks]] tables {url, levels, states, headers}; levels default "
                              "critical, lost_sales, feed; states default firing, resolved", check=check_webhooks,
                              secret=mask_webhooks)
    timeout_s: float = setting(3.0, "s", "a webhook call unanswered this long counts as failed", gt=0)
    retries: int = setting(2, "count", "retries of a failed webhook call before the notification is dropped", ge=0)
    watch_channels: tuple = setting(("panel",), "channels", "channels for watch alerts (panel, sound, desktop, "
                                    "host, webhook)", check=check_channels)
    warning_channels: tuple = setting(("panel", "sound"), "channels", "channels for warning alerts",
                                      check=check_channels)
    critical_channels: tuple = setting(("panel", "sound", "desktop", "host", "webhook"), "channels",
                                       "channels for critical alerts", check=check_channels)
    lost_sales_channels: tuple = setting(("panel", "sound", "webhook"), "channels",
                                         "channels for losing-sales alerts", check=check_channels)
    feed_channels: tuple = setting(("panel", "sound", "desktop", "webhook"), "channels",
                                   "channels for feed trouble", check=check_channels)
    frozen_with_stock_channels: tuple = setting(("panel", "webhook"), "channels",
                                                "channels for a frozen SKU that still has stock", check=check_channels)
    group_wait_s: float = setting(10.0, "s", "webhooks: alerts arriving within this long go out in one message",
                                  ge=0)
    group_interval_s: float = setting(60.0, "s", "webhooks: a group posts news again only after this long", ge=0)
    repeat_interval_s: float = setting(600.0, "s", "webhooks: a still-firing, unacknowledged alert is repeated "
                                       "this often", gt=0)
    escalate_after_min: float = setting(2.0, "min", "a critical alert not acknowledged this long goes to the "
                                        "on-call list", gt=0)
    escalate_to: tuple = setting((), "target names", "on-call list: webhook names to escalate to, in order "
                                 "(the first that is up gets it, once)", check=check_names)


SECTIONS: dict[str, type] = {"feed": FeedSettings, "engine": EngineSettings, "commands": CommandSettings,
                             "log": LogSettings, "notify": NotifySettings}
