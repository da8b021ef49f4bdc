"""Wiring one live session from its inputs: settings (+ overrides), CURVE keys, the session log, webhooks.

Shared by every front end that runs a core: the headless verbs, the desk's core process and the
desk's in-process core thread.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from controlroom import __version__
from controlroom.security import keys
from controlroom.live.session import LiveSession
from controlroom.log import SessionLog, default_log_path
from controlroom.notify import notifier_from_settings
from controlroom.settings import SettingsError, load_settings


class UsageError(Exception):
    """Bad command-line input: printed as one clear line, exit code 2."""


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``["a.b=1.5", "x=text"]`` → ``{"a.b": 1.5, "x": "text"}`` (values read as TOML, else text)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set wants KEY=VALUE, got {pair!r}")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        out[key.strip()] = value
    return out


def load_session_settings(args) -> Any:
    """Settings from --config and --set, with endpoints from --events/--requests."""
    overrides = parse_overrides(getattr(args, "set", []) or [])
    if getattr(args, "events", None):
        overrides["feed.events_endpoint"] = args.events
    if getattr(args, "requests", None):
        overrides["feed.requests_endpoint"] = args.requests
    try:
        from controlroom.places import settings_file

        config = getattr(args, "config", None)
        if config is None and settings_file().is_file():  # the per-user settings file, when there is one
            config = str(settings_file())
        return load_settings(config, overrides)
    except SettingsError as e:
        raise UsageError(str(e)) from None
    except FileNotFoundError as e:
        raise UsageError(f"settings file not found: {e.filename}") from None


def curves(args) -> tuple[Any, Any]:
    """(server, client) CURVE configurations for this run, or (None, None) with --insecure."""
    if getattr(args, "insecure", False):
        return None, None
    if getattr(args, "keys", None):
        try:
            return keys.curves_from_dir(args.keys)
        except (FileNotFoundError, ValueError) as e:
            raise UsageError(f"--keys {args.keys}: {e}") from None
    return keys.ensure_demo_keys()


def open_session_log(args, settings, room: str) -> Any:
    """The session log for this run (None with --no-log)."""
    if getattr(args, "no_log", False):
        return None
    path = Path(args.log) if getattr(args, "log", None) else default_log_path(room)
    path.parent.mkdir(parents=True, exist_ok=True)
    lg = SessionLog(path, room=room, settings=settings.to_dict(), app_version=__version__)
    lg.start()
    return lg


def build_session(settings, client_curve, args) -> Any:
    """The live session a verb runs: core thread, session log (once the room is known), webhooks."""
    ns = settings.notify
    notifier = notifier_from_settings(ns).start() if ns.webhooks else None
    return LiveSession(settings, curve=client_curve, operator=getattr(args, "operator", None) or "operator",
                       log_factory=lambda room: open_session_log(args, settings, room), notifier=notifier)
