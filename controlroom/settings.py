"""Typed settings: every field has a default, a unit and a one-line description.

Settings come from defaults, then a TOML file (``--config``), then per-session
overrides (``{"tiers.profit.multiplier": 1.8}``).  Every value is checked on
the way in; a bad value raises :class:`SettingsError` naming the key and the
reason (unknown key, wrong type, out of range).

Sections are frozen dataclasses.  A field is declared with :func:`setting`,
which records its unit, description and allowed range in the field metadata;
:meth:`Settings.describe` reads that metadata to generate ``docs/settings.md``
(``python -m controlroom.settings > docs/settings.md``).

To add a field to a section, add one ``setting(...)`` line; loading, checking,
``to_dict`` and the docs pick it up.
"""
from __future__ import annotations

import dataclasses
import math
import sys
import tomllib
import types
import typing
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Settings", "FeedSettings", "EngineSettings", "TierSettings", "CommandSettings", "LogSettings",
    "NotifySettings", "SettingsError", "load_settings", "settings_from_dict", "settings_markdown", "DEFAULT_TIERS",
    "POLICIES", "AUTO_FREEZE",
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
            le: float | None = None, choices: tuple | None = None, check: Any = None) -> Any:
    """Declare one settings field: default, unit, one-line description and allowed range.

    ``check(key, value)`` (optional) converts and checks a structured value (a list of
    tables, say) and raises :class:`SettingsError`; scalar fields are checked by type.
    """
    meta = {"unit": unit, "doc": doc, "ge": ge, "gt": gt, "le": le, "choices": choices, "check": check}
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
    burst_qty_factor: float = setting(4.0, "x", "one order counts at most this x the SKU's mean order size toward the rate", ge=1)
    cusum_ratio: float = setting(3.0, "x", "change detector: the rate multiple it looks for", gt=1)
    cusum_threshold: float = setting(6.0, "nats", "change detector: log-likelihood ratio that declares a surge", gt=0)
    cusum_min_rate_per_min: float = setting(1.0, "units/min", "change detector: floor on the baseline rate", gt=0)
    surge_decay_min: float = setting(6.0, "min", "an elevated rate is assumed to fade to the slow rate with this time constant", gt=0)
    longrun_enters: bool = setting(False, "bool", "the long-run rate also raises the warning line (not only keeps it from clearing)")
    trend_weight: float = setting(1.0, "ratio", "weight of the rising-only trend term (during a detected rise)", ge=0, le=1)
    trend_horizon_s: float = setting(60.0, "s", "a detected rise adds slope x this to the level (the fast rate's lag)", ge=0)
    band_z: float = setting(1.64, "sigma", "width of the upper band (predicted_hi, pessimistic sell-out)", ge=0)
    cart_conversion_prior: float = setting(0.6, "orders/add", "cart adds that become orders, assumed before a tier has its own data (units: x the mean order size)", ge=0)
    cart_conversion_strength: float = setting(30.0, "adds", "cart adds the conversion prior is worth", gt=0)
    feature_tail_s: float = setting(120.0, "s", "orders this long after a feature ends still count as featured demand", ge=0)
    feature_length_prior_s: float = setting(360.0, "s", "a feature is assumed to last this long until the room's own features are seen", gt=0)
    feature_fade_s: float = setting(90.0, "s", "after a feature ends, its extra demand fades with this time constant", gt=0)
    feature_min_remaining_s: float = setting(60.0, "s", "a feature that runs past its usual length is assumed to go on at least this long", ge=0)
    traffic_uplift_max: float = setting(3.0, "x", "cap on the featured SKU's rate uplift from an entry surge", ge=1)
    reference_viewers: int = setting(10000, "viewers", "audience at which the tiers' prior rates apply", gt=0)
    watch_pending_s: float = setting(2.0, "s", "a detected surge must last this long before watch fires (the detector already confirmed it)", ge=0)
    watch_horizon_windows: float = setting(1.0, "windows", "a surge raises watch only if it would empty the SKU within this many windows", gt=0)
    lost_sales_min_cart_per_min: float = setting(2.0, "adds/min", "sold-out SKU: cart adds per minute that raise 'losing sales'", gt=0)
    lost_sales_pending_s: float = setting(30.0, "s", "'losing sales' must hold this long before it fires", ge=0)
    lost_sales_recover_s: float = setting(300.0, "s", "'losing sales' keeps firing this long after cart adds fall away", ge=0)
    feed_alert: bool = setting(True, "bool", "raise one room-level alert while the feed is stale")
    history_max: int = setting(500, "alerts", "resolved alerts kept in memory for the desk", ge=1)
    default_tier: str = setting("long_tail", "tier", "tier for a SKU whose snapshot tier is unknown")


@dataclass(frozen=True)
class TierSettings:
    """One tier's forecast window, thresholds and alert timing."""

    window_min: float = setting(30.0, "min", "forecast window: predicted sales are over this many minutes", gt=0)
    multiplier: float = setting(1.5, "x", "warning line = multiplier x predicted window sales", gt=0)
    warning_floor: float = setting(10.0, "units", "the warning line never drops below this (for a selling SKU)", ge=0)
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
    leading_indicators: bool = setting(True, "bool", "let cart adds and featured traffic raise the predicted rate")


def _tier(**kw: Any) -> TierSettings:
    return dataclasses.replace(TierSettings(), **kw)


DEFAULT_TIERS: dict[str, TierSettings] = {
    # 引流款: short window, generous multiplier, early warning, auto-freeze at safety stock.
    "traffic_driver": _tier(window_min=15.0, multiplier=2.0, warning_floor=20.0, critical_horizon_min=3.0,
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
                       rate_basis="longrun", watch=False, leading_indicators=False),
}


@dataclass(frozen=True)
class CommandSettings:
    """The command client (freeze, restock, ...)."""

    timeout_ms: int = setting(500, "ms", "a command unanswered this long is retried", gt=0)
    retries: int = setting(3, "count", "unanswered attempts on one connection before the client reconnects "
                                       "(0 counts as 1)", ge=0)
    max_attempts: int = setting(9, "count", "attempts in all (across reconnects) before a command is declared failed",
                                ge=1)


@dataclass(frozen=True)
class LogSettings:
    """The session log."""

    path: str | None = setting(None, "path", "session log file (unset: sessions/<room>-<start>.sqlite)")
    commit_interval_ms: int = setting(100, "ms", "group commit: the writer commits at least this often", gt=0)
    batch_rows: int = setting(5000, "rows", "group commit: or after this many rows", gt=0)


WEBHOOK_LEVELS = ("watch", "warning", "critical", "feed", "lost_sales")  # = alerts.ALERT_LEVELS
WEBHOOK_STATES = ("pending", "firing", "recovering", "resolved", "acked", "snoozed")  # = alerts.ALERT_STATES
WEBHOOK_DEFAULT_LEVELS = ("critical", "lost_sales", "feed")
WEBHOOK_DEFAULT_STATES = ("firing", "resolved")
_WEBHOOK_KEYS = ("url", "levels", "states", "headers")


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
    """``notify.webhooks``: a list of tables ``{url, levels, states, headers}``, normalised.

    Each entry comes out with every key: ``levels`` and ``states`` as tuples (defaults
    ``critical, lost_sales, feed`` and ``firing, resolved``), ``headers`` as a dict of strings.
    """
    if not isinstance(value, (list, tuple)):
        raise SettingsError(key, f"expected a list of tables ([[notify.webhooks]]), got {type(value).__name__}")
    out = []
    for i, hook in enumerate(value):
        k = f"{key}[{i}]"
        if not isinstance(hook, dict):
            raise SettingsError(k, f"expected a table, got {type(hook).__name__}")
        for name in hook:
            if name not in _WEBHOOK_KEYS:
                raise SettingsError(f"{k}.{name}", f"unknown key (known: {', '.join(_WEBHOOK_KEYS)})")
        url = hook.get("url")
        if type(url) is not str or not url.startswith(("http://", "https://")) or len(url) <= len("http://"):
            raise SettingsError(f"{k}.url", f"must be an http:// or https:// URL, got {url!r}")
        headers = hook.get("headers", {})
        if not isinstance(headers, dict):
            raise SettingsError(f"{k}.headers", f"expected a table of strings, got {type(headers).__name__}")
        for hk, hv in headers.items():
            if type(hv) is not str or not hk:
                raise SettingsError(f"{k}.headers.{hk}", "header names and values must be strings")
        out.append({
            "url": url,
            "levels": _str_list(f"{k}.levels", hook.get("levels", WEBHOOK_DEFAULT_LEVELS), WEBHOOK_LEVELS),
            "states": _str_list(f"{k}.states", hook.get("states", WEBHOOK_DEFAULT_STATES), WEBHOOK_STATES),
            "headers": dict(headers),
        })
    return tuple(out)


@dataclass(frozen=True)
class NotifySettings:
    """Alert notifications to the outside world (webhooks, posted from their own thread)."""

    webhooks: tuple = setting((), "list of tables",
                              "webhooks: [[notify.webhooks]] tables {url, levels, states, headers}; levels default "
                              "critical, lost_sales, feed; states default firing, resolved", check=check_webhooks)
    timeout_s: float = setting(3.0, "s", "a webhook call unanswered this long counts as failed", gt=0)
    retries: int = setting(2, "count", "retries of a failed webhook call before the notification is dropped", ge=0)


SECTIONS: dict[str, type] = {"feed": FeedSettings, "engine": EngineSettings, "commands": CommandSettings,
                             "log": LogSettings, "notify": NotifySettings}


# --- the whole ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """All settings of a session.  Treat ``tiers`` and ``sku_tiers`` as read-only."""

    feed: FeedSettings = field(default_factory=FeedSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)
    tiers: dict[str, TierSettings] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    sku_tiers: dict[str, str] = field(default_factory=dict)
    commands: CommandSettings = field(default_factory=CommandSettings)
    log: LogSettings = field(default_factory=LogSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)

    def tier_of(self, sku: str, snapshot_tier: str | None = None) -> str:
        """The tier a SKU uses: settings override, else the snapshot's, else the default tier."""
        t = self.sku_tiers.get(sku) or snapshot_tier
        if t in self.tiers:
            return t
        return self.engine.default_tier if self.engine.default_tier in self.tiers else next(iter(self.tiers))

    def tier_settings(self, sku: str, snapshot_tier: str | None = None) -> TierSettings:
        """The :class:`TierSettings` a SKU uses."""
        return self.tiers[self.tier_of(sku, snapshot_tier)]

    def to_dict(self) -> dict:
        """Every setting (defaults included) as plain JSON-able data."""
        out: dict[str, Any] = {}
        for name in ("feed", "engine"):
            out[name] = dataclasses.asdict(getattr(self, name))
        out["tiers"] = {k: dataclasses.asdict(v) for k, v in self.tiers.items()}
        out["sku_tiers"] = dict(self.sku_tiers)
        for name in ("commands", "log"):
            out[name] = dataclasses.asdict(getattr(self, name))
        n = self.notify
        out["notify"] = {"webhooks": [{"url": h["url"], "levels": list(h["levels"]), "states": list(h["states"]),
                                       "headers": dict(h["headers"])} for h in n.webhooks],
                         "timeout_s": n.timeout_s, "retries": n.retries}
        return out

    def with_changes(self, overrides: dict | None = None, /, **kw: Any) -> "Settings":
        """A new Settings with ``overrides`` applied (dotted keys or nested dicts), checked.

        String values for non-string fields are read as TOML values (``"1.8"``, ``"true"``),
        so command-line ``KEY=VALUE`` pairs can be passed as they are.
        """
        changes = dict(overrides or {})
        changes.update(kw)
        return _apply(self, _nest(changes), parse_strings=True)

    @staticmethod
    def describe() -> list[tuple[str, Any, str, str]]:
        """``(key, default, unit, description)`` for every setting, in documentation order."""
        rows: list[tuple[str, Any, str, str]] = []
        for sec in ("feed", "engine"):
            rows += _describe_section(sec, SECTIONS[sec]())
        for tname, tier in DEFAULT_TIERS.items():
            rows += _describe_section(f"tiers.{tname}", tier)
        rows.append(("sku_tiers.<sku>", None, "tier", "per-SKU tier override (beats the snapshot's tier)"))
        for sec in ("commands", "log", "notify"):
            rows += _describe_section(sec, SECTIONS[sec]())
        return rows


def _describe_section(prefix: str, obj: Any) -> list[tuple[str, Any, str, str]]:
    return [(f"{prefix}.{f.name}", getattr(obj, f.name), f.metadata["unit"], f.metadata["doc"])
            for f in dataclasses.fields(obj)]


# --- checking ---------------------------------------------------------------------------------

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    h = _HINTS.get(cls)
    if h is None:
        h = _HINTS[cls] = typing.get_type_hints(cls)
    return h


def _parse_text(key: str, text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        raise SettingsError(key, f"cannot read {text!r} as a value") from None


def _check(key: str, f: dataclasses.Field, typ: Any, value: Any, parse_strings: bool = False) -> Any:
    """Return ``value`` converted to the field's type, or raise SettingsError.

    ``parse_strings`` (command-line overrides): a string for a non-string field is read
    as a TOML value first (``"1.8"`` -> 1.8).  In a TOML file it is a type error.
    """
    optional = typing.get_origin(typ) in (typing.Union, types.UnionType) and type(None) in typing.get_args(typ)
    base = next((a for a in typing.get_args(typ) if a is not type(None)), typ) if optional else typ
    if value is None:
        if optional:
            return None
        raise SettingsError(key, "must be set (no null)")
    m = f.metadata
    if m.get("check") is not None:
        if parse_strings and isinstance(value, str):
            value = _parse_text(key, value)
        return m["check"](key, value)
    if parse_strings and isinstance(value, str) and base is not str:
        value = _parse_text(key, value)
    if base is bool:
        if type(value) is not bool:
            raise SettingsError(key, f"expected true or false, got {type(value).__name__}")
    elif base is int:
        if type(value) is not int:
            raise SettingsError(key, f"expected an integer, got {type(value).__name__}")
    elif base is float:
        if type(value) not in (int, float):
            raise SettingsError(key, f"expected a number, got {type(value).__name__}")
        value = float(value)
        if not math.isfinite(value):
            raise SettingsError(key, "must be a finite number")
    elif base is str:
        if type(value) is not str:
            raise SettingsError(key, f"expected a string, got {type(value).__name__}")
    if m.get("choices") and value not in m["choices"]:
        raise SettingsError(key, f"must be one of {', '.join(map(str, m['choices']))}, got {value!r}")
    if m.get("ge") is not None and value < m["ge"]:
        raise SettingsError(key, f"out of range: must be >= {m['ge']}, got {value}")
    if m.get("gt") is not None and value <= m["gt"]:
        raise SettingsError(key, f"out of range: must be > {m['gt']}, got {value}")
    if m.get("le") is not None and value > m["le"]:
        raise SettingsError(key, f"out of range: must be <= {m['le']}, got {value}")
    return value


def _apply_section(prefix: str, obj: Any, data: Any, parse_strings: bool = False) -> Any:
    if not isinstance(data, dict):
        raise SettingsError(prefix, f"expected a table, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(obj)}
    hints = _hints(type(obj))
    changes = {}
    for k, v in data.items():
        key = f"{prefix}.{k}"
        f = fields.get(k)
        if f is None:
            raise SettingsError(key, "unknown key")
        changes[k] = _check(key, f, hints[k], v, parse_strings)
    return dataclasses.replace(obj, **changes) if changes else obj


def _apply(base: Settings, data: dict, parse_strings: bool = False) -> Settings:
    """``base`` with the nested ``data`` applied and checked."""
    if not isinstance(data, dict):
        raise SettingsError("<settings>", "expected a table")
    new: dict[str, Any] = {}
    for k, v in data.items():
        if k in SECTIONS:
            new[k] = _apply_section(k, getattr(base, k), v, parse_strings)
        elif k == "tiers":
            if not isinstance(v, dict):
                raise SettingsError("tiers", f"expected a table, got {type(v).__name__}")
            tiers = dict(base.tiers)
            for tname, tdata in v.items():
                start = tiers.get(tname) or DEFAULT_TIERS.get(tname) or TierSettings()
                tiers[tname] = _apply_section(f"tiers.{tname}", start, tdata, parse_strings)
            new["tiers"] = tiers
        elif k == "sku_tiers":
            if not isinstance(v, dict):
                raise SettingsError("sku_tiers", f"expected a table, got {type(v).__name__}")
            st = dict(base.sku_tiers)
            for sku, t in v.items():
                if t is None:
                    st.pop(sku, None)
                elif type(t) is not str:
                    raise SettingsError(f"sku_tiers.{sku}", f"expected a tier name, got {type(t).__name__}")
                else:
                    st[sku] = t
            new["sku_tiers"] = st
        else:
            raise SettingsError(k, "unknown key")
    out = dataclasses.replace(base, **new) if new else base
    tiers = out.tiers
    if not tiers:
        raise SettingsError("tiers", "at least one tier is needed")
    for sku, t in out.sku_tiers.items():
        if t not in tiers:
            raise SettingsError(f"sku_tiers.{sku}", f"unknown tier {t!r} (known: {', '.join(tiers)})")
    if out.engine.default_tier not in tiers:
        raise SettingsError("engine.default_tier", f"unknown tier {out.engine.default_tier!r}")
    e = out.engine
    if not e.instant_scale_s <= e.fast_scale_s <= e.mid_scale_s <= e.slow_scale_s <= e.longrun_scale_s:
        raise SettingsError("engine.fast_scale_s", "rate scales must satisfy instant <= fast <= mid <= slow <= longrun")
    return out


def _nest(flat: dict) -> dict:
    """``{"tiers.profit.multiplier": 1.8}`` -> ``{"tiers": {"profit": {"multiplier": 1.8}}}``."""
    out: dict[str, Any] = {}
    for k, v in flat.items():
        if not isinstance(k, str) or not k:
            raise SettingsError(str(k), "keys must be non-empty strings")
        if "." not in k:
            if isinstance(v, dict) and isinstance(out.get(k), dict):
                _merge(out[k], v)
            else:
                out[k] = v
            continue
        head, rest = k.split(".", 1)
        if head == "sku_tiers":
            parts = [head, rest]
        elif head == "tiers":
            if "." not in rest:
                parts = [head, rest]
            else:
                tname, fname = rest.rsplit(".", 1)
                parts = [head, tname, fname]
        else:
            parts = k.split(".")
        node = out
        for p in parts[:-1]:
            nxt = node.setdefault(p, {})
            if not isinstance(nxt, dict):
                raise SettingsError(k, "conflicts with another override")
            node = nxt
        if isinstance(v, dict) and isinstance(node.get(parts[-1]), dict):
            _merge(node[parts[-1]], v)
        else:
            node[parts[-1]] = v
    return out


def _merge(dst: dict, src: dict) -> None:
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            _merge(dst[k], v)
        else:
            dst[k] = v


def load_settings(path: str | None = None, overrides: dict | None = None) -> Settings:
    """Defaults, then the TOML file at ``path`` (if any), then ``overrides``; all checked.

    Raises :class:`SettingsError` naming the key and the reason.
    """
    s = Settings()
    if path is not None:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise SettingsError(str(path), "file not found") from None
        except OSError as e:
            raise SettingsError(str(path), f"cannot read: {e.strerror or e}") from None
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(str(path), f"not valid TOML: {e}") from None
        except UnicodeDecodeError:
            raise SettingsError(str(path), "not UTF-8 text") from None
        s = _apply(s, data)
    if overrides:
        s = s.with_changes(overrides)
    return s


def settings_from_dict(data: dict) -> Settings:
    """Rebuild Settings from :meth:`Settings.to_dict` output (e.g. a session log's copy)."""
    data = dict(data)
    if "tiers" in data:
        # A saved copy lists every tier in full: start from exactly those tiers.
        base = dataclasses.replace(Settings(), tiers={k: DEFAULT_TIERS.get(k, TierSettings()) for k in data["tiers"]})
    else:
        base = Settings()
    return _apply(base, data)


# --- documentation ----------------------------------------------------------------------------

def _fmt(v: Any) -> str:
    if v is None:
        return "unset"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, (tuple, list)) and not v:
        return "[]"
    return repr(v)


def settings_markdown() -> str:
    """The text of ``docs/settings.md``, generated from :meth:`Settings.describe`."""
    lines = [
        "# Settings",
        "",
        "<!-- generated by `python -m controlroom.settings > docs/settings.md`; do not edit by hand -->",
        "",
        "Settings are read from a TOML file (`--config FILE`) and can be overridden per session",
        "with dotted keys (`tiers.profit.multiplier = 1.8`).  Every key is checked on load: an",
        "unknown key, a wrong type or an out-of-range value stops loading with an error naming",
        "the key and the reason.  The engine's clock is the shop clock (event `ts`), so every",
        "duration below is shop time except `feed.stale_after_s` (wall clock).",
        "",
        "Example:",
        "",
        "```toml",
        "[engine]",
        'policy = "engine"',
        "",
        "[tiers.profit]",
        "multiplier = 1.8",
        'auto_freeze = "auto"',
        "",
        "[sku_tiers]",
        'PF03 = "traffic_driver"',
        "",
        "[[notify.webhooks]]",
        'url = "https://chat.example.com/hooks/stock-desk"',
        'levels = ["critical", "lost_sales"]',
        'states = ["firing"]',
        'headers = { Authorization = "Bearer ..." }',
        "```",
        "",
    ]
    section = None
    for key, default, unit, doc in Settings.describe():
        sec = key.rsplit(".", 1)[0] if not key.startswith("sku_tiers") else "sku_tiers"
        if sec != section:
            section = sec
            lines += ["", f"## `[{sec}]`", "", "| key | default | unit | description |", "|---|---|---|---|"]
        name = key.rsplit(".", 1)[1] if sec != "sku_tiers" else "<sku>"
        lines.append(f"| `{name}` | `{_fmt(default)}` | {unit} | {doc} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(settings_markdown())
