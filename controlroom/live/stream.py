"""The live session's state stream: operator requests from the stream become the core's intents.

The core thread opens the stream (:class:`~controlroom.state.server.StreamServer`) in
:meth:`LiveSession._run <controlroom.live.session.LiveSession>`, publishes each snapshot it
builds and serves the ROUTER in the same loop — no hand-off to another thread.  An ``op``
request reaches :func:`intent_from_request` only after the publisher checked the
operator role of its ZAP User-Id; ``name`` (the key's name on the allow-list) is what
the session log records as the operator, never a field the client sent.
"""
from __future__ import annotations

from typing import Any

_NUM = (int, float)


def _need(args: dict, key: str, types, *, optional: bool = False):
    v = args.get(key)
    if v is None and optional:
        return None
    if isinstance(v, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise ValueError(f"{key}: wrong type")
    if not isinstance(v, types):
        raise ValueError(f"{key}: missing or of the wrong type")
    return v


def intent_from_request(kind: str, args: dict, name: str) -> tuple[str, dict[str, Any]]:
    """The core intent ``(kind, payload)`` of an ``op`` request from operator ``name``; ValueError if malformed.

    Payloads are the ones :meth:`LiveSession._drain_intents` applies; ``by`` is always ``name``.
    """
    if kind == "command":
        qty = _need(args, "qty", int, optional=True)
        return "command", dict(op=_need(args, "op", str), sku=_need(args, "sku", str), qty=qty,
                               weight=_need(args, "weight", _NUM, optional=True), by=name,
                               asked_at=_need(args, "asked_at", _NUM, optional=True))
    if kind == "ack":
        return "ack", dict(key=_need(args, "key", str), by=name)
    if kind == "snooze":
        return "snooze", dict(key=_need(args, "key", str), minutes=float(_need(args, "minutes", _NUM)), by=name)
    if kind == "confirm":
        return "confirm", dict(id=_need(args, "id", str), accept=_need(args, "accept", bool), by=name)
    if kind == "settings":
        from controlroom.settings import SettingsError, settings_from_dict

        try:
            settings = settings_from_dict(_need(args, "settings", dict))
        except (SettingsError, TypeError, KeyError) as e:
            raise ValueError(f"settings: {e}") from None
        return "settings", dict(settings=settings, by=name)
    raise ValueError(f"unknown request {kind!r}")
