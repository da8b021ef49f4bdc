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
from controlroom.log.shows import NEW_SHOW_AFTER_S, current_show_log
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
    if getattr(args, "room", None):
        overrides["feed.room"] = args.room
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


def stream_config(args, *, desk: bool = False) -> Any:
    """The state stream of an engine run from ``--state-endpoint``/``--state-router``/``--keys``/``--insecure``.

    None when the verb has no stream options (the desk's own core gets its stream from the desk).
    ``controlroom demo`` without ``--state-endpoint`` takes two free loopback ports; ``engine`` takes
    :data:`~controlroom.state.server.DEFAULT_STATE_ENDPOINT` and the next port.  The room's keys are in
    ``KEYS/room/`` (made on first start); the allow-list is ``KEYS/room/clients.toml``.
    """
    if not hasattr(args, "state_endpoint"):
        return None
    if not desk and getattr(args, "headless", True) is False:
        return None  # a desk's core: see controlroom.live.process.build_desk_core
    from controlroom.state import keys as room_keys
    from controlroom.state.server import DEFAULT_STATE_ENDPOINT, StreamConfig

    pub, router = args.state_endpoint, getattr(args, "state_router", None)
    if pub is None and getattr(args, "verb", None) == "demo":
        pub, router = (f"tcp://127.0.0.1:{_free_port()}" for _ in range(2))
    cfg = StreamConfig(pub or DEFAULT_STATE_ENDPOINT, router, insecure=bool(getattr(args, "insecure", False)))
    if not cfg.insecure:
        base = Path(args.keys).expanduser() if getattr(args, "keys", None) else keys.default_keys_dir()
        if not base.exists() and not getattr(args, "keys", None):
            keys.ensure_demo_keys()  # the demo folder is built in one go; the room's keys go in after
        try:
            rk = room_keys.ensure_room_keys(base)
        except (OSError, ValueError) as e:
            raise UsageError(f"state stream keys in {base}: {e}") from None
        cfg = StreamConfig(cfg.pub_endpoint, router, server_keys=(rk.public, rk.secret), allow_file=str(rk.allow_file))
    try:
        cfg.check()
        cfg.endpoints()
    except ValueError as e:
        raise UsageError(str(e)) from None
    return cfg


def stream_banner(cfg: Any, endpoints: tuple[str, str]) -> str:
    """The start-up line that says where the stream is and whether it is protected."""
    pub, router = endpoints
    if cfg.insecure:
        return (f"state stream: PUB {pub}, ROUTER {router} — INSECURE: no CURVE, anyone on this machine can "
                "read it (read-only); for loopback testing only")
    from controlroom.state.auth import AllowList

    n = len(AllowList.load(cfg.allow_file).entries) if cfg.allow_file else 0
    return (f"state stream: PUB {pub}, ROUTER {router}, CURVE on, room key {cfg.server_keys[0].decode()} "
            f"({n} client key(s) allowed in {cfg.allow_file})")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def open_session_log(args, settings, room: str) -> Any:
    """The session log for this run (None with --no-log)."""
    if getattr(args, "no_log", False):
        return None
    path = log_path_for(getattr(args, "log", None), room, getattr(args, "new_show_after", None))
    path.parent.mkdir(parents=True, exist_ok=True)
    ls = settings.log
    lg = SessionLog(path, room=room, settings=settings.to_dict(), app_version=__version__,
                    commit_interval_s=ls.commit_interval_ms / 1000.0, batch_rows=ls.batch_rows,
                    max_queue_rows=ls.max_queue_rows)
    lg.start()
    return lg


def log_path_for(log_arg: str | None, room: str, new_show_after_min: float | None = None) -> Path:
    """The file a run writes: ``--log FILE`` as given; ``--log DIR`` the room's current show in DIR.

    ``--log`` is a folder when it is one already or does not end in ``.sqlite``/``.db``; in a
    folder a restarted engine continues its show's file (:mod:`controlroom.log.shows`).
    """
    if not log_arg:
        return default_log_path(room)
    p = Path(log_arg)
    if p.is_dir() or p.suffix.lower() not in (".sqlite", ".db", ".sqlite3"):
        after = NEW_SHOW_AFTER_S if new_show_after_min is None else float(new_show_after_min) * 60.0
        return current_show_log(p, room, new_show_after_s=after)[0]
    return p


def build_session(settings, client_curve, args, *, stream: Any = None) -> Any:
    """The live session a verb runs: core thread, session log (once the room is known), webhooks, state stream.

    ``stream`` (a StreamConfig) overrides the one the CLI options describe (the desk's core process).
    """
    ns = settings.notify
    notifier = notifier_from_settings(ns).start() if ns.webhooks else None
    return LiveSession(settings, curve=client_curve, operator=getattr(args, "operator", None) or "operator",
                       log_factory=lambda room: open_session_log(args, settings, room), notifier=notifier,
                       stream=stream if stream is not None else stream_config(args))
