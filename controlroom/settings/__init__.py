"""Typed settings: every field has a default, a unit and a one-line description.

Settings come from defaults, then a TOML file (``--config``), then per-session
overrides (``{"tiers.profit.multiplier": 1.8}``).  Every value is checked on
the way in; a bad value raises :class:`SettingsError` naming the key and the
reason (unknown key, wrong type, out of range).

Sections are frozen dataclasses.  A field is declared with :func:`setting`,
which records its unit, description and allowed range in the field metadata;
:meth:`Settings.describe` reads that metadata to generate ``docs/settings.md``
(``python -m controlroom.settings > docs/settings.md``).

The sections live in :mod:`controlroom.settings.sections`, the docs generator in
:mod:`controlroom.settings.markdown`; this module is the whole and its loading.
To add a field to a section, add one ``setting(...)`` line; loading, checking,
``to_dict`` and the docs pick it up.
"""
from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from controlroom.settings.secrets import MASK, is_masked
from controlroom.settings.sections import (AUTO_FREEZE, DEFAULT_TIERS, POLICIES, SECTIONS, CommandSettings,
                                           EngineSettings, FeedSettings, LogSettings, NotifySettings,
                                           SettingsError, TierSettings, check_webhooks, setting)

__all__ = [
    "Settings", "FeedSettings", "EngineSettings", "TierSettings", "CommandSettings", "LogSettings",
    "NotifySettings", "SettingsError", "load_settings", "settings_from_dict", "DEFAULT_TIERS",
    "POLICIES", "AUTO_FREEZE", "check_webhooks", "setting", "mask_settings_dict", "secret_keys", "MASK",
]

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

    def to_dict(self, *, reveal: bool = False) -> dict:
        """Every setting (defaults included) as plain JSON-able data, credentials masked.

        Settings declared ``secret`` (webhook URLs and headers...) come out masked
        (:mod:`controlroom.settings.secrets`): this is what goes into the session log, into
        ``tune``'s written settings and onto screens.  ``reveal=True`` gives the real values,
        for code that must hand them on; this object itself always keeps them.
        """
        out: dict[str, Any] = {}
        for name in ("feed", "engine"):
            out[name] = dataclasses.asdict(getattr(self, name))
        out["tiers"] = {k: dataclasses.asdict(v) for k, v in self.tiers.items()}
        out["sku_tiers"] = dict(self.sku_tiers)
        for name in ("commands", "log"):
            out[name] = dataclasses.asdict(getattr(self, name))
        n = self.notify
        out["notify"] = {"webhooks": [{**h, "levels": list(h["levels"]), "states": list(h["states"]),
                                       "headers": dict(h["headers"])} for h in n.webhooks],
                         **{f.name: (list(v) if isinstance(v := getattr(n, f.name), tuple) else v)
                            for f in dataclasses.fields(n) if f.name != "webhooks"}}
        return out if reveal else mask_settings_dict(out)

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


def _parse_text(key: str, text: str, secret: Any = None) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        shown = MASK if secret is not None else text  # a secret's text is not echoed back
        raise SettingsError(key, f"cannot read {shown!r} as a value") from None


def _secret_fields() -> list[tuple[str, str, Any]]:
    """``(section, field, masker)`` of every field declared secret."""
    return [(sec, f.name, f.metadata["secret"]) for sec, cls in SECTIONS.items() for f in dataclasses.fields(cls)
            if f.metadata.get("secret") is not None]


def secret_keys() -> list[str]:
    """Dotted keys of the settings that hold credentials (``notify.webhooks``...)."""
    return [f"{sec}.{name}" for sec, name, _m in _secret_fields()]


def mask_settings_dict(data: Any) -> Any:
    """A copy of a :meth:`Settings.to_dict`-shaped dict with every secret setting masked.

    For dicts that did not come from ``to_dict`` (an old session log's copy shown in a
    report, a caller's own dict handed to the log); anything else is returned as it is.
    """
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for sec, name, masker in _secret_fields():
        table = out.get(sec)
        if isinstance(table, dict) and name in table:
            out[sec] = table = dict(table)
            table[name] = masker(table[name])
    return out


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
            value = _parse_text(key, value, m.get("secret"))
        return m["check"](key, value)
    if parse_strings and isinstance(value, str) and base is not str:
        value = _parse_text(key, value, m.get("secret"))
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
    """Rebuild Settings from :meth:`Settings.to_dict` output (e.g. a session log's copy).

    A secret setting saved masked cannot be used: it is left out (its default applies), so
    a replay of a log never posts to a masked webhook URL.
    """
    data = dict(data)
    for sec, name, _m in _secret_fields():
        table = data.get(sec)
        if isinstance(table, dict) and name in table and is_masked(table[name]):
            data[sec] = {k: v for k, v in table.items() if k != name}
    if "tiers" in data:
        # A saved copy lists every tier in full: start from exactly those tiers.
        base = dataclasses.replace(Settings(), tiers={k: DEFAULT_TIERS.get(k, TierSettings()) for k in data["tiers"]})
    else:
        base = Settings()
    return _apply(base, data)
