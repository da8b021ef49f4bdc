"""The front end's verbs: ``controlroom desk`` and ``controlroom demo`` (with a window).

The core's CLI (:mod:`controlroom.cli`) parses every verb; the installed ``controlroom`` command
(:func:`ui.main.main`) hands it these two so the core never imports the front end. Qt is imported
only once a window is really wanted, so the headless verbs start without it.
"""
from __future__ import annotations

import os
import sys

from controlroom.cli.headless import headless_loop, start_demo_shop, stop_demo_shop
from controlroom.live.wiring import curves, load_session_settings


DEMO_WITHOUT_WINDOW = ("or under a virtual one: `xvfb-run -a make demo`; for the engine alone: "
                       "`.venv/bin/controlroom demo --headless`.")


def display_problem(instead: str = DEMO_WITHOUT_WINDOW) -> str | None:
    """Why a window cannot open here, or None (``instead``: what to do without one)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return f"no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). Run it on a desktop, {instead}"
    return None


def run_desk(args) -> int:
    """``controlroom desk``: the operator desk on a live shop."""
    problem = display_problem()
    if problem:
        print(f"controlroom desk: {problem}", file=sys.stderr)
        return 2
    settings = load_session_settings(args)
    _, client_curve = curves(args)
    from ui.app import run_desk_app  # Qt, only now that a window is wanted

    return run_desk_app(settings, client_curve, args)


def run_demo(args) -> int:
    """``controlroom demo``: a demo shop (its own process) and the desk (or the headless engine)."""
    problem = None if args.headless else display_problem()
    if problem:
        print(f"controlroom demo: {problem}", file=sys.stderr)
        return 2
    if args.headless and getattr(args, "host", False):
        print("controlroom demo: --host opens the host view beside the desk; with --headless, start it yourself: "
              "`controlroom host --connect PUB,ROUTER` with the endpoints the engine prints", file=sys.stderr)
        return 2
    shop = start_demo_shop(args)
    try:
        settings = load_session_settings(args)
        _, client_curve = curves(args)
        if args.headless:
            return headless_loop(settings, client_curve, args, duration=args.duration, quiet=False)
        from ui.app import run_desk_app

        return run_desk_app(settings, client_curve, args)
    finally:
        stop_demo_shop(shop)


def run_review_window(paths: list[str], lang: str | None) -> int:
    """``controlroom review FILE`` with no ``--report``: the managers' review window (without a display, the
    one-line reason and the verbs that need none, instead of Qt aborting the process)."""
    problem = display_problem("or read the log without a window: `controlroom review FILE --summary`, "
                              "`--report OUT.html` or `--csv DIR`.")
    if problem:
        print(f"controlroom review: {problem}", file=sys.stderr)
        return 2
    from ui.review.app import run_review_window as run  # Qt, only now

    return run(paths, lang)


def _windowed(verb: str, start) -> int:
    """``start()`` a window verb, or say in one line why there is no display for it."""
    problem = display_problem()
    if problem:
        print(f"controlroom {verb}: {problem}", file=sys.stderr)
        return 2
    return start()


def run_host(args) -> int:
    """``controlroom host``: the host view (主播屏) on an engine's state stream."""
    def start() -> int:
        from ui.host.app import run_host as run  # Qt, only now (a static import: PyInstaller sees it)

        return run(args)

    return _windowed("host", start)


def run_rooms(args) -> int:
    """``controlroom rooms``: the overview of the room list; a click opens the desk on a room."""
    def start() -> int:
        from ui.rooms.app import run_rooms_app

        return run_rooms_app(args)

    return _windowed("rooms", start)


FRONT_VERBS = {"desk": run_desk, "demo": run_demo, "rooms": run_rooms, "review-window": run_review_window,
               "host": run_host}
