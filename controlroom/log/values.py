"""Values as SQLite takes them: JSON text for objects and settings, bindable scalars on the slow path."""
from __future__ import annotations

import json
from typing import Any

import orjson

from controlroom.settings import mask_settings_dict

_JSON_OPTS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def json_text(obj: Any, sort: bool = False) -> str:
    """``obj`` as compact JSON text (orjson; the stdlib encoder for what orjson refuses)."""
    opts = _JSON_OPTS | (orjson.OPT_SORT_KEYS if sort else 0)
    try:
        return orjson.dumps(obj, default=str, option=opts).decode()
    except TypeError:  # e.g. an integer beyond 64 bits: the stdlib encoder copes
        return json.dumps(obj, default=str, sort_keys=sort, skipkeys=True, separators=(",", ":"))


def settings_json(settings: Any) -> str:
    """Settings (a dict, or an object with ``to_dict``/``as_dict``) as JSON with sorted keys.

    Credentials are masked (``Settings.to_dict`` masks them; a plain dict is masked here
    too): a session log is handed round and kept for months.
    """
    if settings is None:
        return "{}"
    if not isinstance(settings, dict):
        for name in ("to_dict", "as_dict"):  # controlroom.settings.Settings has to_dict()
            if hasattr(settings, name):
                settings = getattr(settings, name)()
                break
    return json_text(mask_settings_dict(settings), sort=True)


def bindable(v: Any) -> Any:
    """A value SQLite can bind: used only on the slow path after a failed insert."""
    if v is None or type(v) in (str, float, bytes):
        return v
    if type(v) is bool:
        return int(v)
    if isinstance(v, int):
        return v if -(1 << 63) <= v < (1 << 63) else str(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, (bytearray, memoryview)):
        return bytes(v)
    try:
        return json_text(v)
    except Exception:  # pragma: no cover - last resort
        return repr(v)
