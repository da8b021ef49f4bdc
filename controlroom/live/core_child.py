"""The desk's core process, child side: run a LiveSession and stream its state to the desk.

Started by :func:`controlroom.live.process.spawn_core` as ``python -m controlroom.live.core_child``
(a bundled app: the hidden verb ``core-serve``), its configuration as JSON on stdin.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from types import SimpleNamespace
from typing import Any

import msgspec
import zmq

from controlroom.live import wiring
from controlroom.live.frames import (ALIVE_EVERY_S, CORE_NICE, DEFAULT_CHARTS, FIRST_CONTACT_S, PARENT_SILENT_S, PUBLISH_INTERVAL_S, _intent_decoder, cfg_from_json, encode_frame)
from controlroom.live.lifeline import die_with_parent

log = logging.getLogger(__name__)

# --- the child ---------------------------------------------------------------------------------------------
def serve_core(cfg: dict) -> None:
    """Child process: run a LiveSession and stream its state to the desk until told to stop.

    ``cfg`` keys: ``settings``, ``curve`` (client CURVE or None), ``state``/``intents`` (the desk's
    endpoints), ``parent_pid``, and optionally ``operator``, ``log``, ``no_log`` (as the CLI's),
    ``log_level``, ``nice``, ``parent_silent_s``, ``publish_interval_s``.
    """
    logging.basicConfig(level=cfg.get("log_level", logging.WARNING),
                        format="%(asctime)s core[%(process)d] %(levelname)s %(name)s: %(message)s")
    nice = cfg.get("nice", CORE_NICE)
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:
            pass
    ctx = zmq.Context()
    state = ctx.socket(zmq.PUSH)
    state.setsockopt(zmq.CONFLATE, 1)  # only the newest frame waits to be sent
    state.setsockopt(zmq.LINGER, 0)
    state.connect(cfg["state"])
    intents = ctx.socket(zmq.PULL)
    intents.setsockopt(zmq.LINGER, 0)
    intents.connect(cfg["intents"])
    parent_pid = cfg["parent_pid"]
    session = None
    info: dict[str, Any] = {"pid": os.getpid(), "error": None, "log_path": None}
    try:
        args = SimpleNamespace(operator=cfg.get("operator"), log=cfg.get("log"), no_log=cfg.get("no_log", True))
        session = wiring.build_session(cfg["settings"], cfg.get("curve"), args)
        try:
            session.start()
        except BaseException as e:  # noqa: BLE001 — reported to the desk, which shows "core failed"
            info["error"] = f"{type(e).__name__}: {e}"
            state.send(encode_frame(session.snapshot, {}, info), zmq.NOBLOCK)
            time.sleep(0.5)  # let the frame leave before the context goes
            return
        _serve_loop(session, state, intents, parent_pid, info, cfg)
    finally:
        if session is not None:
            session.stop()
        state.close(0)
        intents.close(0)
        ctx.term()


def _serve_loop(session, state, intents, parent_pid: int, info: dict, cfg: dict) -> None:
    publish_s = cfg.get("publish_interval_s", PUBLISH_INTERVAL_S)
    silent_s = cfg.get("parent_silent_s", PARENT_SILENT_S)
    want: list[str] = []
    last_version = -1
    last_frame = None
    last_sent = 0.0
    started = time.monotonic()
    last_ping = None
    sparks: dict = {}  # sku -> the spark tuple last sent (identity: the builder recomputes them every 2 s)
    info["spark_gen"] = 0
    while True:
        t_loop = time.monotonic()
        # Intents (and pings) while waiting for the next publish slot.
        deadline = t_loop + publish_s
        while True:
            timeout = max(0, int((deadline - time.monotonic()) * 1000))
            if not intents.poll(timeout):
                break
            while True:
                try:
                    kind, a = _intent_decoder.decode(intents.recv(zmq.NOBLOCK))
                except zmq.Again:
                    break
                except (msgspec.ValidationError, msgspec.DecodeError) as e:
                    log.warning("rejected an intent frame (%s)", str(e)[:200])
                    continue
                if kind == "settings":
                    from controlroom.settings import settings_from_dict

                    a = {"settings": settings_from_dict(a["settings"])}
                last_ping = time.monotonic()
                if kind == "stop":
                    return
                if kind == "charts":
                    want = list(a)
                elif kind != "ping":
                    _apply_intent(session, kind, a)
        now = time.monotonic()
        if os.getppid() != parent_pid:
            log.warning("the desk process is gone: stopping")
            return
        if (now - last_ping > silent_s) if last_ping is not None else (now - started > FIRST_CONTACT_S):
            log.warning("the desk stopped answering: stopping")
            return
        if session.error is not None and info["error"] is None:
            info["error"] = f"{type(session.error).__name__}: {session.error}"
            last_version = -1  # send it now
        snap = session.snapshot
        if info["log_path"] is None and session.session_log is not None:
            info["log_path"] = str(getattr(session.session_log, "path", "") or "") or None
        if snap.version != last_version:
            last_version = snap.version
            # A new generation of sparklines whenever the builder recomputed them: the desk then keeps
            # using one tuple object per SKU within a generation (see RemoteSession._same_sparks).
            if any(v.spark is not sparks.get(v.sku) for v in snap.skus):
                sparks = {v.sku: v.spark for v in snap.skus}
                info["spark_gen"] += 1
            skus = want or [v.sku for v in snap.skus[:DEFAULT_CHARTS]]
            t0 = time.perf_counter()
            last_frame = encode_frame(snap, {s: session.history(s) for s in skus}, info)
            # Cost of this frame (history copies + pickling), reported with the next one.
            ms = (time.perf_counter() - t0) * 1000.0
            n = info["frames_encoded"] = info.get("frames_encoded", 0) + 1
            info["encode_ms_mean"] = info.get("encode_ms_mean", 0.0) + (ms - info.get("encode_ms_mean", 0.0)) / n
            info["encode_ms_max"] = max(info.get("encode_ms_max", 0.0), ms)
        elif now - last_sent < ALIVE_EVERY_S or last_frame is None:
            continue
        try:
            # CONFLATE: replaces a frame the desk has not taken; NOBLOCK: a gone desk never holds us here.
            state.send(last_frame, zmq.NOBLOCK)
        except zmq.Again:
            pass
        info["frames_sent"] = info.get("frames_sent", 0) + 1
        last_sent = now
        if info["error"] is not None:
            time.sleep(0.5)
            return


def _apply_intent(session, kind: str, a: dict) -> None:
    try:
        if kind == "command":
            session.command(a["op"], a["sku"], qty=a.get("qty"), weight=a.get("weight"), asked_at=a.get("asked_at"))
        elif kind == "ack":
            session.ack(a["key"])
        elif kind == "snooze":
            session.snooze(a["key"], a["minutes"])
        elif kind == "confirm":
            session.confirm(a["id"], a["accept"])
        elif kind == "settings":
            session.update_settings(a["settings"])
        elif kind == "prompt":
            session.prompt(a.get("text") or "", preset=a.get("preset"), arg=a.get("arg"))
        else:
            log.warning("unknown intent %r", kind)
    except Exception:  # a bad intent must not take the core down
        log.exception("intent %s failed", kind)


def main(argv: list[str] | None = None) -> int:
    """Child entry point: the configuration (JSON, from :func:`spawn_core`) comes on stdin."""
    import signal

    # Ctrl-C in the desk's terminal reaches the whole process group: the desk stops us itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cfg = cfg_from_json(sys.stdin.buffer.read())
    die_with_parent(cfg["parent_pid"])  # a desk killed by SIGKILL takes us with it at once
    serve_core(cfg)
    return 0



if __name__ == "__main__":
    sys.exit(main())
