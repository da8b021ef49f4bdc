"""What each ``controlroom`` verb runs (the CLI only parses arguments)."""
from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from controlroom.protocol import DEFAULT_EVENTS_ENDPOINT, DEFAULT_REQUESTS_ENDPOINT


class UsageError(Exception):
    """Bad command-line input: printed as one clear line, exit code 2."""


# --- shared helpers ------------------------------------------------------------------------------
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
    from controlroom.settings import SettingsError, load_settings

    overrides = parse_overrides(getattr(args, "set", []) or [])
    if getattr(args, "events", None):
        overrides["feed.events_endpoint"] = args.events
    if getattr(args, "requests", None):
        overrides["feed.requests_endpoint"] = args.requests
    try:
        return load_settings(getattr(args, "config", None), overrides)
    except SettingsError as e:
        raise UsageError(str(e)) from None
    except FileNotFoundError as e:
        raise UsageError(f"settings file not found: {e.filename}") from None


def curves(args) -> tuple[Any, Any]:
    """(server, client) CURVE configurations for this run, or (None, None) with --insecure."""
    if getattr(args, "insecure", False):
        return None, None
    from controlroom.commands import keys

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
    from controlroom import __version__
    from controlroom.log import SessionLog, default_log_path

    path = Path(args.log) if getattr(args, "log", None) else default_log_path(room)
    path.parent.mkdir(parents=True, exist_ok=True)
    lg = SessionLog(path, room=room, settings=settings.to_dict(), app_version=__version__)
    lg.start()
    return lg


def build_session(settings, client_curve, args) -> Any:
    """The live session a verb runs: core thread, session log (once the room is known), webhooks."""
    from controlroom.notify import notifier_from_settings
    from controlroom.session import LiveSession

    ns = settings.notify
    notifier = notifier_from_settings(ns).start() if ns.webhooks else None
    return LiveSession(settings, curve=client_curve, operator=getattr(args, "operator", None) or "operator",
                       log_factory=lambda room: open_session_log(args, settings, room), notifier=notifier)


def build_desk_core(settings, client_curve, args) -> Any:
    """The core a desk reads: a child process (:class:`~controlroom.coreproc.RemoteSession`) by default,
    the in-process core thread (:func:`build_session`) with ``--core-thread``.  Not started."""
    if getattr(args, "core_thread", False):
        return build_session(settings, client_curve, args)
    from controlroom.coreproc import RemoteSession

    return RemoteSession(settings, curve=client_curve, operator=getattr(args, "operator", None) or "operator",
                         log=getattr(args, "log", None), no_log=bool(getattr(args, "no_log", False)))


def fmt_money(cents: int) -> str:
    return f"¥{cents / 100:,.2f}"


# --- simulate ------------------------------------------------------------------------------------
def run_simulate(args) -> int:
    """``controlroom simulate``: the demo shop in the foreground."""
    from controlroom.simulate.runner import DemoShop
    from controlroom.simulate.scenarios import SCENARIOS

    if args.scenario not in SCENARIOS:
        raise UsageError(f"unknown scenario {args.scenario!r}; choose one of {', '.join(SCENARIOS)}")
    if args.speed <= 0:
        raise UsageError("--speed must be > 0")
    server_curve, _ = curves(args)
    last = {"seq": 0}

    def status(shop: DemoShop) -> None:
        if args.quiet:
            return
        m = shop.model
        b = m.books
        seq = m.stamper.seq
        print(f"[{m.now - m.start_ts:7.0f}s show] seq={seq} +{seq - last['seq']}/s orders={b.orders} "
              f"oversold={sum(b.oversold.values())} lost={sum(b.lost.values()):.0f} "
              f"sold-out={len(b.sellout_ts)} viewers={m.viewers} featured={m.featured or '-'}", flush=True)
        last["seq"] = seq

    printed = {"final": False}

    def final(shop: DemoShop) -> None:
        # Printed when the show ends (while the shop lingers) or at exit, whichever comes first.
        if printed["final"]:
            return
        printed["final"] = True
        m = shop.model
        print(json.dumps({"scenario": args.scenario, "seed": args.seed, "epoch": m.stamper.epoch,
                          "seq": m.stamper.seq, "books": m.books.totals(),
                          "available": {s["sku"]: s["available"] for s in m.catalog}}, ensure_ascii=False),
              flush=True)

    shop = DemoShop(args.scenario, args.seed, speed=args.speed, lag_s=args.lag,
                    events_endpoint=args.events or DEFAULT_EVENTS_ENDPOINT,
                    requests_endpoint=args.requests or DEFAULT_REQUESTS_ENDPOINT,
                    duration_s=args.duration, linger_s=args.linger, curve=server_curve, on_second=status,
                    show_seconds=args.show_seconds, on_show_end=final)
    try:
        shop.start()
    except Exception as e:  # ports taken, bad endpoint
        raise UsageError(f"cannot start the demo shop: {e}") from None
    print(f"demo shop '{args.scenario}' seed {args.seed} x{args.speed:g}: events {shop.endpoints[0]}, "
          f"requests {shop.endpoints[1]}, {'CURVE on' if server_curve else 'INSECURE'}", flush=True)
    try:
        while not shop.finished.wait(0.2):
            pass
    except KeyboardInterrupt:
        shop.stop()
    final(shop)
    return 0


# --- engine --headless ---------------------------------------------------------------------------
def run_engine(args) -> int:
    """``controlroom engine --headless``: feed + engine, a line per second, a final JSON summary."""
    if not args.headless:
        raise UsageError("this verb only runs headless; add --headless (the window is `controlroom desk`)")
    settings = load_session_settings(args)
    _, client_curve = curves(args)
    return headless_loop(settings, client_curve, args, duration=args.duration, quiet=args.quiet)


def headless_loop(settings, client_curve, args, *, duration: float | None, quiet: bool) -> int:
    session = build_session(settings, client_curve, args)
    session.start()
    t0 = time.monotonic()
    last_events = 0
    try:
        while duration is None or time.monotonic() - t0 < duration:
            time.sleep(1.0)
            if session.error:
                raise session.error
            snap = session.snapshot
            trans = session.take_transitions()
            if quiet:
                continue
            f = snap.feed
            counts = snap.firing_counts()
            print(f"[{time.monotonic() - t0:5.0f}s] {f.state:<9} seq={f.seq} +{f.events - last_events}/s "
                  f"orders={snap.orders} units={snap.units} gmv={fmt_money(snap.gmv_cents)} "
                  f"rejects={f.rejects} gaps={f.gaps} resyncs={f.resyncs} "
                  f"alerts C{counts.get('critical', 0)}/W{counts.get('warning', 0)}/w{counts.get('watch', 0)}",
                  flush=True)
            last_events = f.events
            for t in trans:
                nums = []
                if t.available is not None:
                    nums.append(f"avail {t.available}")
                if t.threshold is not None:
                    nums.append(f"line {t.threshold:.0f}")
                if t.rate_per_min is not None:
                    nums.append(f"{t.rate_per_min:.1f}/min")
                if t.predicted_sellout_s is not None:
                    nums.append(f"sell-out {t.predicted_sellout_s / 60:.1f} min")
                print(f"    alert {t.level:<10} {t.state:<10} {t.sku or '-':<6} {t.reason} ({', '.join(nums)})",
                      flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()
    feed = session.feed
    summary = feed.summary()
    summary["alerts"] = _count_transitions(session.transitions)
    summary["commands"] = [{k: v for k, v in dataclasses.asdict(r.to_view()).items() if v is not None}
                           for r in session.commands.records[-20:]] if session.commands else []
    if session.session_log is not None:
        summary["log"] = str(getattr(session.session_log, "path", ""))
    print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
    return 0


def _count_transitions(transitions) -> dict:
    out: dict[str, int] = {}
    for t in transitions:
        k = f"{t.level}:{t.state}"
        out[k] = out.get(k, 0) + 1
    return out


# --- desk and demo ---------------------------------------------------------------------------------
def display_problem() -> str | None:
    """Why a window cannot open here, or None."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). Run it on a desktop, "
                "or under a virtual one: `xvfb-run -a make demo`; for the engine alone: "
                "`.venv/bin/controlroom demo --headless`.")
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_desk(args) -> int:
    """``controlroom desk``: the operator desk on a live shop."""
    problem = display_problem()
    if problem:
        print(f"controlroom desk: {problem}", file=sys.stderr)
        return 2
    settings = load_session_settings(args)
    _, client_curve = curves(args)
    from ui.app import run_desk_app

    return run_desk_app(settings, client_curve, args)


def run_demo(args) -> int:
    """``controlroom demo``: a demo shop (its own process) and the desk (or the headless engine)."""
    problem = None if args.headless else display_problem()
    if problem:
        print(f"controlroom demo: {problem}", file=sys.stderr)
        return 2
    ev = args.events or f"tcp://127.0.0.1:{free_port()}"
    rq = args.requests or f"tcp://127.0.0.1:{free_port()}"
    args.events, args.requests = ev, rq
    cmd = [sys.executable, "-m", "controlroom.cli", "simulate", "--scenario", args.scenario, "--seed", str(args.seed),
           "--speed", str(args.speed), "--events", ev, "--requests", rq, "--quiet", "--linger", "3600"]
    if args.insecure:
        cmd.append("--insecure")
    if args.keys:
        cmd += ["--keys", args.keys]
    curves(args)  # make the demo keys before the shop starts, so both sides find them
    shop = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    try:
        settings = load_session_settings(args)
        _, client_curve = curves(args)
        if args.headless:
            return headless_loop(settings, client_curve, args, duration=args.duration, quiet=False)
        from ui.app import run_desk_app

        return run_desk_app(settings, client_curve, args)
    finally:
        shop.terminate()
        try:
            shop.wait(5)
        except subprocess.TimeoutExpired:
            shop.kill()
