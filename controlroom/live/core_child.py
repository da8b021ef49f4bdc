"""The desk's core process, child side: run a LiveSession that publishes the room's state stream.

Started by :func:`controlroom.live.process.spawn_core` as ``python -m controlroom.live.core_child``
(a bundled app: the hidden verb ``core-serve``), its configuration as one JSON line on stdin
(:mod:`controlroom.live.frames`).  The core thread binds the stream (per-run server key; the
only allowed client is the desk's per-run operator key, plus the room's allow-list when the
desk shares its stream) and serves it itself.  This process's main thread only watches: the
desk (stdin: ``stop`` or end of file; ``census`` asks for a count of what the core holds with the
next status line), the parent process, the core thread's health; it reports on stdout as JSON lines.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from types import SimpleNamespace
from typing import IO, Any

from controlroom.live import wiring
from controlroom.live.frames import CORE_NICE, STATUS_EVERY_S, cfg_from_json, status_to_json
from controlroom.live.lifeline import die_with_parent
from controlroom.state.server import StreamConfig

log = logging.getLogger(__name__)


def stream_config(st: dict) -> StreamConfig:
    """The child's stream from the ``stream`` block of its configuration (keys as Z85 text)."""
    clients = {st["operator_public"]: (st.get("operator") or "operator", "operator")}
    return StreamConfig(st.get("pub") or "tcp://127.0.0.1:*", st.get("router") or "tcp://127.0.0.1:*",
                        server_keys=(st["server_public"].encode("ascii"), st["server_secret"].encode("ascii")),
                        allow_file=st.get("allow_file"), clients=clients)


def serve_core(cfg: dict, control: IO[bytes], out: IO[bytes]) -> int:
    """Run the core until ``control`` says ``stop`` or ends, or the parent goes; returns the exit code.

    ``cfg`` keys: ``settings``, ``curve`` (shop CURVE or None), ``stream`` (see :func:`stream_config`),
    ``parent_pid``, and optionally ``operator``, ``log``, ``no_log`` (as the CLI's), ``log_level``, ``nice``.
    """
    logging.basicConfig(level=cfg.get("log_level", logging.WARNING),
                        format="%(asctime)s core[%(process)d] %(levelname)s %(name)s: %(message)s")
    nice = cfg.get("nice", CORE_NICE)
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:
            pass

    def say(kind: str, value: Any) -> None:
        try:
            out.write(status_to_json(kind, value))
            out.flush()
        except (BrokenPipeError, OSError, ValueError):  # the desk is gone; the watch below notices
            pass

    args = SimpleNamespace(operator=cfg.get("operator"), log=cfg.get("log"), no_log=cfg.get("no_log", True))
    session = wiring.build_session(cfg["settings"], cfg.get("curve"), args, stream=stream_config(cfg["stream"]))
    try:
        session.start()
    except BaseException as e:  # noqa: BLE001 — reported to the desk, which shows "core failed"
        say("error", f"{type(e).__name__}: {e}")
        session.stop()
        return 1
    say("endpoints", list(session.stream_endpoints))
    stop = threading.Event()
    census_wanted, trim_wanted = threading.Event(), threading.Event()
    threading.Thread(target=_read_control, args=(control, stop, census_wanted, trim_wanted), name="core-control",
                     daemon=True).start()
    parent_pid = cfg["parent_pid"]
    code = 0
    try:
        next_status = 0.0
        while not stop.wait(0.1):
            if os.getppid() != parent_pid:
                log.warning("the desk process is gone: stopping")
                break
            if session.error is not None:
                say("error", f"{type(session.error).__name__}: {session.error}")
                code = 1
                break
            now = time.monotonic()
            if now >= next_status or census_wanted.is_set():
                next_status = now + STATUS_EVERY_S
                st = _status(session)
                if census_wanted.is_set():  # the soak benchmark's: what the bounded structures hold
                    census_wanted.clear()
                    from controlroom.live.census import census

                    st["census"] = census(session, trim=trim_wanted.is_set())
                    trim_wanted.clear()
                say("status", st)
    finally:
        session.stop()
    return code


def _read_control(control: IO[bytes], stop: threading.Event, census_wanted: threading.Event | None = None,
                  trim_wanted: threading.Event | None = None) -> None:
    """The desk's control pipe: ``stop`` (or its end: the desk is gone) ends the core; ``census``
    asks for :func:`controlroom.live.census.census` in the next status line, ``census trim`` for the
    same followed by a ``malloc_trim`` (any other line is ignored)."""
    try:
        for line in control:
            cmd = line.strip()
            if cmd == b"stop":
                break
            if cmd in (b"census", b"census trim") and census_wanted is not None:
                if cmd == b"census trim" and trim_wanted is not None:
                    trim_wanted.set()
                census_wanted.set()
    except (OSError, ValueError):
        pass
    stop.set()


def _status(session) -> dict:
    st: dict[str, Any] = {"log_path": None}
    if session.session_log is not None:
        st["log_path"] = str(getattr(session.session_log, "path", "") or "") or None
        st["log_queue"] = session.session_log.stats["queue_depth"]  # batches not yet taken by the writer
    if session.stream is not None:
        p = session.stream.publisher
        sent = p.stats["deltas"] + p.stats["snapshots"]
        st.update(session.stream.counters())
        st["frames_sent"] = sent
        st["encode_ms_mean"] = p.stats["encode_ms"] / sent if sent else None
        st["bytes"] = p.stats["bytes"] - p.stats["history_bytes"]  # deltas, snapshots, heartbeats, replies
        st["history_bytes"] = p.stats["history_bytes"]
        st["encode_ms_max"] = p.stats["delta_ms_max"]
    return st


def main(argv: list[str] | None = None) -> int:
    """Child entry point: the configuration (one JSON line from :func:`spawn_core`) comes on stdin."""
    import signal

    # Ctrl-C in the desk's terminal reaches the whole process group: the desk stops us itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    control = sys.stdin.buffer
    cfg = cfg_from_json(control.readline())
    # Status lines go to the real stdout; anything else printed goes to stderr, never into them.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    die_with_parent(cfg["parent_pid"])  # a desk killed by SIGKILL takes us with it at once
    return serve_core(cfg, control, out)


if __name__ == "__main__":
    sys.exit(main())
