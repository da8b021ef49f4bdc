"""The ``controlroom`` command line: one verb per job.

The core's CLI parses every verb and runs the headless ones
(:mod:`controlroom.cli.headless`); the desk's verbs (``desk``, ``demo`` with a
window) belong to the front end, which passes them in as ``front_verbs`` (the
installed ``controlroom`` command is :func:`ui.main.main`). Verbs import what
they need when they run, so ``controlroom --help`` is instant.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Mapping

from controlroom import __version__
from controlroom.protocol import DEFAULT_EVENTS_ENDPOINT, DEFAULT_REQUESTS_ENDPOINT


def _endpoint_args(p: argparse.ArgumentParser, defaults: str = "fixed") -> None:
    """``defaults``: ``fixed`` (the protocol's ports), ``settings`` (feed.* of the settings) or ``free``
    (the demo: two free loopback ports) — what the verb really uses when the option is left out."""
    from controlroom.places import config_dir

    if defaults == "free":
        ev = rq = "two free loopback ports, picked at start"
    elif defaults == "settings":
        ev = f"the setting feed.events_endpoint, {DEFAULT_EVENTS_ENDPOINT} unless changed"
        rq = f"the setting feed.requests_endpoint, {DEFAULT_REQUESTS_ENDPOINT} unless changed"
    else:
        ev, rq = DEFAULT_EVENTS_ENDPOINT, DEFAULT_REQUESTS_ENDPOINT
    p.add_argument("--events", default=None, help=f"events PUB endpoint (default: {ev})")
    p.add_argument("--requests", default=None, help=f"requests ROUTER endpoint (default: {rq})")
    p.add_argument("--keys", default=None, metavar="DIR",
                   help=f"CURVE key folder (default: the demo keys in {config_dir() / 'keys'}, made on first start)")
    p.add_argument("--insecure", action="store_true", help="no CURVE encryption/authentication (testing only)")


def _session_args(p: argparse.ArgumentParser, endpoints: str = "settings") -> None:
    from controlroom.places import sessions_dir, settings_file

    _endpoint_args(p, endpoints)
    p.add_argument("--config", default=None, metavar="TOML",
                   help=f"settings file (default: {settings_file()} when it exists; see docs/settings.md)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override one setting for this session, e.g. --set tiers.profit.multiplier=1.8")
    p.add_argument("--log", default=None, metavar="FILE|DIR",
                   help="session log file, or a folder for the room's logs (a restart continues the current "
                        f"show there); default: {sessions_dir()}/<room>-<start>.sqlite")
    p.add_argument("--no-log", action="store_true", help="do not write a session log")
    p.add_argument("--operator", default=None, help="operator name recorded with commands")


def _room_args(p: argparse.ArgumentParser) -> None:
    """A room run as a service (docs/deploy.md): its name and when a restart starts a new show."""
    p.add_argument("--room", default=None, help="run this room only: refuse another room's feed (sets feed.room)")
    p.add_argument("--new-show-after", type=float, default=None, metavar="MIN",
                   help="with --log DIR: continue the room's newest log if it was active less than MIN minutes "
                        "ago (default 60), else start a new show's file")


def _stream_args(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--state-endpoint", default=None, metavar="ENDPOINT",
                   help=f"publish the room's state stream on this PUB endpoint (default {default})")
    p.add_argument("--state-router", default=None, metavar="ENDPOINT",
                   help="the stream's ROUTER (snapshot/history/operator requests; default: the PUB's port + 1). "
                        "CURVE keys: KEYS/room/ (see docs/state-protocol.md)")
LANG_HELP = "UI language: zh_CN or en (default: the one chosen in Settings → Display, else the system's)"


def _core_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--core-thread", action="store_true",
                   help="run the core as a thread of the desk's process (default: its own process)")


def _host_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--connect", required=True, metavar="ENDPOINT",
                   help="the stream's PUB (tcp://HOST:PORT; its ROUTER at PORT+1) or PUB,ROUTER")
    p.add_argument("--router", default=None, metavar="ENDPOINT", help="the stream's ROUTER, if not at PORT+1")
    p.add_argument("--keys", default=None, metavar="DIR",
                   help="key folder: the room's room.key (or room/room.key) and this view's hostview.key_secret")
    p.add_argument("--key-name", default="hostview", help="this view's key pair name in --keys (default hostview)")
    p.add_argument("--insecure", action="store_true", help="no CURVE (an --insecure engine on loopback; testing)")
    p.add_argument("--screen", type=int, default=None, metavar="N", help="full screen on screen N (0 = first)")
    p.add_argument("--room", default=None, metavar="R", help="show only room R's stream")
    p.add_argument("--lang", default=None, help="zh_CN (default) or en")
    p.add_argument("--windowed", default=None, metavar="WxH", help="a window of this size instead of full screen")
    p.add_argument("--duration", type=float, default=None, help="close after this many wall seconds")
    p.add_argument("--trace", default=None, metavar="FILE", help=argparse.SUPPRESS)  # one JSON line per frame


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used to document the CLI)."""
    ap = argparse.ArgumentParser(prog="controlroom", description="Live-stream stock control room (直播库存中控台)")
    ap.add_argument("--version", action="version", version=f"controlroom {__version__}")
    sub = ap.add_subparsers(dest="verb", metavar="VERB")

    p = sub.add_parser("simulate", help="run the built-in demo shop (shop side of the protocol)")
    p.add_argument("--scenario", default="evening-show", help="evening-show (default), flash-sale or steady")
    p.add_argument("--seed", type=int, default=1, help="random seed of the scenario (default 1)")
    p.add_argument("--speed", type=float, default=1.0, help="shop-clock acceleration (default 1 = real time)")
    p.add_argument("--lag", type=float, default=2.0, help="storefront view lag in seconds (default 2)")
    p.add_argument("--duration", type=float, default=None, help="stop after this many wall seconds")
    p.add_argument("--show-seconds", type=float, default=None,
                   help="end the show after this many shop seconds (then linger)")
    p.add_argument("--linger", type=float, default=10.0,
                   help="keep serving snapshots and heartbeats this many seconds after the show ends (default 10)")
    p.add_argument("--quiet", action="store_true", help="no per-second line")
    p.add_argument("--room", default=None, help="the shop's room id (default: the scenario's)")
    _endpoint_args(p)

    p = sub.add_parser("engine", help="run the feed and engine without a window")
    p.add_argument("--headless", action="store_true", help="no Qt (the only mode of this verb)")
    p.add_argument("--duration", type=float, default=None, help="stop after this many wall seconds")
    p.add_argument("--quiet", action="store_true", help="only the final JSON summary")
    _session_args(p)
    _room_args(p)
    _stream_args(p, "tcp://127.0.0.1:7711")

    p = sub.add_parser("desk", help="open the operator desk on a live shop")
    _session_args(p)
    p.add_argument("--lang", default=None, help=LANG_HELP)
    p.add_argument("--duration", type=float, default=None, help="close the desk after this many wall seconds")
    p.add_argument("--screenshot", default=None, metavar="PNG", help="save the desk to this PNG just before --duration ends")
    _stream_args(p, "none: the desk's stream is private to it")
    _core_arg(p)

    p = sub.add_parser("demo", help="demo shop + operator desk in one go (what `make demo` runs)")
    p.add_argument("--scenario", default="evening-show", help="evening-show (default), flash-sale or steady")
    p.add_argument("--seed", type=int, default=1, help="random seed of the scenario (default 1)")
    p.add_argument("--speed", type=float, default=5.0,
                   help="shop-clock acceleration (default 5: the 3-hour evening show in 36 minutes)")
    p.add_argument("--lang", default=None, help=LANG_HELP)
    p.add_argument("--headless", action="store_true", help="no window: demo shop + headless engine summary")
    p.add_argument("--duration", type=float, default=None, help="stop after this many wall seconds")
    p.add_argument("--screenshot", default=None, metavar="PNG", help="save the desk to this PNG just before --duration ends")
    _session_args(p, endpoints="free")
    _stream_args(p, "two free loopback ports with --headless; without, the desk's stream is private to it")
    _core_arg(p)
    p.add_argument("--host", action="store_true", help="open the host view (主播屏) too")

    _host_args(sub.add_parser("host", help="the host view (主播屏): full-screen, read-only, on a state stream"))

    p = sub.add_parser("rooms", help="several rooms side by side (the room list); one click opens the desk on a room")
    p.add_argument("--rooms", default=None, metavar="TOML", help="the room list (default: rooms.toml in the settings folder)")
    p.add_argument("--open", default=None, metavar="ROOM", help="open the desk on this room at start")
    p.add_argument("--lang", default=None, help="UI language: zh_CN or en (default: system)")
    p.add_argument("--duration", type=float, default=None, help="close after this many wall seconds")
    p.add_argument("--screenshot", default=None, metavar="PNG", help="save the overview to this PNG just before --duration ends")

    sub.add_parser("evaluate", help="compare engine, naive and static on a scenario", add_help=False)
    sub.add_parser("keys", help="CURVE keys: keys generate/show (shop link), keys pair/unpair/clients/room (state stream)", add_help=False)
    sub.add_parser("review", help="report of a saved session log", add_help=False)
    sub.add_parser("backtest", help="replay a session log with other settings", add_help=False)
    sub.add_parser("tune", help="suggest settings for the next show from a session log", add_help=False)
    sub.add_parser("notify", help="notification targets: notify list | notify test TARGET", add_help=False)
    sub.add_parser("logs", help="recent session logs with their shows, and where they are kept", add_help=False)
    return ap


# Verbs whose modules own their argument parsing.
DELEGATED = {
    "evaluate": ("controlroom.review.evaluate_table", "main"),
    "keys": ("controlroom.state.keys", "keys_main"),
    "review": ("controlroom.review.cli", "report_main"),
    "backtest": ("controlroom.review.cli", "backtest_main"),
    "tune": ("controlroom.review.cli", "tune_main"),
    "notify": ("controlroom.cli.notify", "main"),
    "logs": ("controlroom.cli.logs", "main"),
    "core-serve": ("controlroom.live.core_child", "main"),  # hidden: the desk's core process in a bundled app
}


def main(argv: list[str] | None = None, front_verbs: Mapping[str, Callable] | None = None) -> int:
    """Run one verb; ``front_verbs`` maps the window verbs (``desk``, ``demo``) to the front end's runners."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        import importlib

        mod, fn = DELEGATED[argv[0]]
        extra = {}
        if argv[0] == "review" and front_verbs and "review-window" in front_verbs:
            extra["window"] = front_verbs["review-window"]  # `review FILE` with no --report opens the window
        return int(getattr(importlib.import_module(mod), fn)(argv[1:], **extra) or 0)
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.verb is None:
        ap.print_help()
        return 2
    from controlroom.cli import headless
    from controlroom.live.wiring import UsageError

    front = front_verbs or {}
    try:
        if args.verb in front:
            return int(front[args.verb](args) or 0)
        if args.verb in ("desk", "host", "rooms"):
            raise UsageError(f"the {args.verb} window is part of the Qt front end: run the installed "
                             f"`controlroom {args.verb}` (or `python -m ui {args.verb}`)")
        return int(getattr(headless, f"run_{args.verb}")(args) or 0)
    except UsageError as e:
        print(f"controlroom {args.verb}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
