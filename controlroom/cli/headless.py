"""The headless verbs: what ``controlroom simulate``, ``engine --headless`` and ``demo --headless`` run.

The CLI (:mod:`controlroom.cli`) only parses arguments; the desk's verbs live in the front end
(:mod:`ui.launch`), which reuses :func:`start_demo_shop` and :func:`headless_loop` from here.
"""
from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import time

import zmq

from controlroom.live.lifeline import child_env, die_with_parent
from controlroom.live.wiring import UsageError, build_session, curves, load_session_settings, stream_banner
from controlroom.protocol import DEFAULT_EVENTS_ENDPOINT, DEFAULT_REQUESTS_ENDPOINT
from controlroom.simulate.runner import DemoShop
from controlroom.simulate.scenarios import SCENARIOS


def fmt_money(cents: int) -> str:
    return f"¥{cents / 100:,.2f}"


# --- simulate ------------------------------------------------------------------------------------
def run_simulate(args) -> int:
    """``controlroom simulate``: the demo shop in the foreground."""
    if args.scenario not in SCENARIOS:
        raise UsageError(f"unknown scenario {args.scenario!r}; choose one of {', '.join(SCENARIOS)}")
    if args.speed <= 0:
        raise UsageError("--speed must be > 0")
    server_curve, _ = curves(args)
    die_with_parent()  # started by `controlroom demo`: end with the desk, even if it is SIGKILLed
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

    model = None
    if getattr(args, "room", None):  # several demo shops on one machine, one room each
        import dataclasses as dc

        from controlroom.simulate.model import ShopModel
        from controlroom.simulate.scenarios import make_scenario

        model = ShopModel(dc.replace(make_scenario(args.scenario, args.seed), room=args.room), args.seed,
                          lag_s=args.lag)
    shop = DemoShop(args.scenario, args.seed, speed=args.speed, lag_s=args.lag, model=model,
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
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C, or SIGTERM (our parent desk is gone: see lifeline)
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
    die_with_parent()  # only when a parent named itself (controlroom.rooms.fleet, tests): never under systemd
    stop_on_sigterm()
    if not args.quiet:
        from controlroom.places import startup_line

        print(startup_line(), file=sys.stderr)
    return headless_loop(settings, client_curve, args, duration=args.duration, quiet=args.quiet)


def stop_on_sigterm() -> None:
    """SIGTERM (``systemctl stop``, ``podman stop``) ends the run as Ctrl-C does: the log is closed cleanly;
    SIGINT always does, even if the parent ignored it.

    Python's default for SIGTERM is to die on the spot, which would leave the session log
    looking like a crash.
    """
    import signal

    def _term(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, _term)
        # Ctrl-C too, even when whoever started us ignored SIGINT (Python then leaves it ignored:
        # a headless engine started by a test runner's worker ran on to its --duration)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread (an engine run inside a test): nothing to install
        pass


def headless_loop(settings, client_curve, args, *, duration: float | None, quiet: bool) -> int:
    session = build_session(settings, client_curve, args)
    try:
        session.start()
    except zmq.ZMQError as e:  # the stream's ports are taken, a bad endpoint
        session.stop()
        raise UsageError(f"cannot open the state stream: {e}") from None
    if session.stream is not None:
        print(stream_banner(session.stream_config, session.stream_endpoints), flush=True)
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
    if session.stream is not None:
        summary["stream"] = session.stream.counters()
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



# --- demo --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo_shop(args) -> subprocess.Popen:
    """Start the demo shop of ``controlroom demo`` as its own process, as a real shop would be.

    Picks free loopback endpoints unless ``--events``/``--requests`` were given and writes them back
    into ``args``; makes the demo keys first so both sides find them.
    """
    ev = args.events or f"tcp://127.0.0.1:{free_port()}"
    rq = args.requests or f"tcp://127.0.0.1:{free_port()}"
    args.events, args.requests = ev, rq
    # A bundled app (PyInstaller) has no `-m`: its own executable takes the verb.
    prog = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "controlroom.cli"]
    cmd = [*prog, "simulate", "--scenario", args.scenario, "--seed", str(args.seed),
           "--speed", str(args.speed), "--events", ev, "--requests", rq, "--quiet", "--linger", "3600"]
    if args.insecure:
        cmd.append("--insecure")
    if args.keys:
        cmd += ["--keys", args.keys]
    curves(args)  # make the demo keys before the shop starts, so both sides find them
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=child_env())  # it ends with us (lifeline)


def stop_demo_shop(shop: subprocess.Popen) -> None:
    """End the demo shop process (terminate, then kill after 5 s)."""
    shop.terminate()
    try:
        shop.wait(5)
    except subprocess.TimeoutExpired:
        shop.kill()


def run_demo(args) -> int:
    """``controlroom demo --headless``: a demo shop (its own process) and the headless engine."""
    if not args.headless:
        raise UsageError("the demo's desk is part of the Qt front end: run `controlroom demo` "
                         "(or `python -m ui demo`); `--headless` runs the engine alone")
    shop = start_demo_shop(args)
    try:
        settings = load_session_settings(args)
        _, client_curve = curves(args)
        return headless_loop(settings, client_curve, args, duration=args.duration, quiet=False)
    finally:
        stop_demo_shop(shop)
