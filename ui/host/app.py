"""``controlroom host``: the host view on a screen, connected to an engine's state stream with a viewer key.

Qt is imported only here and below, once a window is wanted.  The Chinese comes
from the project's translation file (``resources/translations``), like the desk's.
"""
from __future__ import annotations

import sys
from typing import Any

DEFAULT_KEY_NAME = "hostview"


class HostSetupError(RuntimeError):
    """The host view cannot connect: a bad endpoint or missing keys (said in one line)."""


def endpoints(connect: str, router: str | None = None) -> tuple[str, str]:
    """(PUB, ROUTER) from ``--connect``: ``PUB,ROUTER``, or ``tcp://HOST:PORT`` with the ROUTER at PORT + 1."""
    if "," in connect:
        pub, rt = (x.strip() for x in connect.split(",", 1))
        return pub, router or rt
    if router:
        return connect, router
    head, _, port = connect.rpartition(":")
    if not head.startswith("tcp://") or not port.isdigit():
        raise HostSetupError(f"--connect {connect!r}: give tcp://HOST:PORT (the stream's PUB) or PUB,ROUTER")
    return connect, f"{head}:{int(port) + 1}"


def viewer_curve(keys_dir: str, key_name: str = DEFAULT_KEY_NAME) -> tuple[bytes, bytes, bytes]:
    """``curve=`` for the view's StateClient from its key folder.

    The folder holds the room's public key (``room/room.key`` as the engine keeps it, or
    ``room.key``) and the view's own pair ``KEY_NAME.key_secret``.  On the engine's own
    machine (the folder has the room's allow-list) a missing pair is made and allowed as a
    ``viewer``; elsewhere pair it first (docs/host.md).
    """
    from pathlib import Path

    from controlroom.security import keys as shop_keys
    from controlroom.state import keys as room_keys

    d = Path(keys_dir).expanduser()
    room_pub = next((p for p in (d / "room" / "room.key", d / "room.key") if p.exists()), None)
    if room_pub is None:
        raise HostSetupError(f"no room key in {d} (room/room.key or room.key): copy the room's public key there")
    secret = d / f"{key_name}.key_secret"
    if not secret.exists():
        if not (d / "room" / "clients.toml").exists():
            raise HostSetupError(f"no viewer key {secret}: make one with `controlroom keys generate {d} --name "
                                 f"{key_name}` and have the room's owner allow it as a viewer (docs/host.md)")
        shop_keys.generate_keys(d, key_name)
        room_keys.add_client(d, str(d / f"{key_name}.key"), key_name, "viewer")
    return room_keys.client_curve(secret, room_pub)


def place_on_screen(window, screen: int | None) -> None:
    """Show ``window`` full screen on screen ``screen`` (0-based; None or out of range: the primary screen)."""
    from PySide6.QtGui import QGuiApplication

    screens = QGuiApplication.screens()
    target = screens[screen] if screen is not None and 0 <= screen < len(screens) else QGuiApplication.primaryScreen()
    if target is not None:
        window.setScreen(target)
        window.setGeometry(target.geometry())
    window.showFullScreen()


def open_host_window(pub: str, router: str, curve: Any, *, room: str | None = None, trace=None, start: bool = True):
    """A :class:`~ui.host.window.HostWindow` on the stream at (``pub``, ``router``), not yet shown; started
    (polling) unless ``start`` is False."""
    from controlroom.state.client import StateClient
    from ui.host.window import HostWindow

    client = StateClient(pub, router, curve=curve)
    w = HostWindow(client, room=room, trace=trace)
    if start:
        w.start()
    return w


def run_host(args: Any) -> int:
    """``controlroom host --connect ENDPOINT --keys DIR [--screen N] [--room R] [--lang L]``."""
    from ui.app import make_app, resolve_lang

    try:
        lang = resolve_lang(getattr(args, "lang", None) or "zh_CN")  # Chinese unless asked otherwise
        pub, router = endpoints(args.connect, getattr(args, "router", None))
        curve = None if args.insecure else viewer_curve(args.keys or _default_keys(), args.key_name)
    except (HostSetupError, ValueError, OSError) as e:
        print(f"controlroom host: {e}", file=sys.stderr)
        return 2
    if args.insecure:
        print("controlroom host: --insecure: no CURVE (loopback testing only)", file=sys.stderr)
    app = make_app(lang)
    trace = None
    if args.trace:
        trace = sys.stdout if args.trace == "-" else open(args.trace, "a", encoding="utf-8")  # noqa: SIM115
    w = open_host_window(pub, router, curve, room=args.room, trace=trace, start=False)
    if args.windowed:
        w.resize(*(int(x) for x in args.windowed.lower().split("x")))
        w.show()
    else:
        place_on_screen(w, args.screen)
    w.start()  # once shown: every traced frame is one that was painted
    if args.duration:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(args.duration * 1000), w.close)
    app.setQuitOnLastWindowClosed(True)
    rc = app.exec()
    return int(rc or 0)


def _default_keys() -> str:
    from controlroom.security.keys import default_keys_dir

    return str(default_keys_dir())
