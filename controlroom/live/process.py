"""The core in its own process: the desk side (:class:`RemoteSession`, :func:`spawn_core`); the child is
:mod:`controlroom.live.core_child`, the frame codec and timings :mod:`controlroom.live.frames`.

Why a process: in one process the desk's GUI thread and the core thread share
one GIL.  On a small machine under a busy feed the OS preempts the core thread
while it holds the GIL, and the GUI thread then waits 40-70 ms for it — no
switch interval fixes that (docs/benchmarks.md, "## ui").  With the core in a
child process the desk process runs no busy Python thread at all: its GUI
thread only decodes the newest state frame on its own timer.

Wire (loopback TCP, both sockets bound by the desk, connected by the child):

* **state**: child PUSH -> desk PULL, one single-part frame per new snapshot,
  at most every :data:`PUBLISH_INTERVAL_S`, and at least every
  :data:`ALIVE_EVERY_S` (the same frame again: a heartbeat).  Both ends set
  ``ZMQ_CONFLATE`` so a slow desk only ever finds the newest frame.  A frame is
  msgpack of :class:`CoreFrame` (a :mod:`controlroom.state.schema` snapshot, the
  charted histories as float64 bytes, status info); anything else is rejected
  and counted (``RemoteSession.rejected_frames``), never unpickled.
* **intents**: desk PUSH -> child PULL, msgpack ``[kind, payload]`` (settings as their dict):
  ``command``, ``ack``, ``snooze``, ``confirm``, ``settings``, ``charts`` (the
  SKUs whose history the desk wants), ``ping`` (heartbeat), ``stop``.

The child exits on ``stop``, when its parent process is gone, or when the desk
has not pinged for :data:`PARENT_SILENT_S` (its sockets went away).
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from typing import Any


import msgspec
import numpy as np
import zmq

from controlroom.state import schema as _schema

from controlroom.live import wiring
from controlroom.live.frames import (CHILD_SILENT_S, CORE_NICE, HUNG_AFTER_S, PARENT_SILENT_S, PING_EVERY_S, START_TIMEOUT_S, WANT_FORGET_S, cfg_to_json, decode_frame, encode_frame)  # noqa: F401 (re-exported)
from controlroom.live.snapshot import SnapshotBuilder

log = logging.getLogger(__name__)
def spawn_core(cfg: dict) -> subprocess.Popen:
    """Start :func:`serve_core` in a fresh interpreter (``python -m controlroom.live.core_child``), ``cfg`` on its stdin.

    A plain subprocess rather than multiprocessing: the child never re-imports the desk's
    ``__main__`` (scripts, the bench, tests), and it imports the same ``controlroom`` as this
    process (its folder goes first on PYTHONPATH).
    """
    import controlroom

    if getattr(sys, "frozen", False):  # a bundled app: its own executable has the hidden verb
        cmd = [sys.executable, "core-serve"]
    else:
        cmd = [sys.executable, "-m", "controlroom.live.core_child"]
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(controlroom.__file__)))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, env=env, close_fds=True)
    proc.stdin.write(cfg_to_json(cfg))
    proc.stdin.close()
    return proc


# --- the desk side ------------------------------------------------------------------------------------------
class RemoteSession:
    """The desk's view of a core running in a child process (same interface the desk uses of LiveSession).

    Everything runs on the calling thread (the GUI thread): :attr:`snapshot` takes whatever
    frames arrived without blocking and keeps the newest; the intent methods send without
    blocking.  No thread is started in this process.
    """

    def __init__(self, settings: Any, *, curve: Any = None, operator: str = "operator", log: str | None = None,
                 no_log: bool = True, parent_silent_s: float = PARENT_SILENT_S,
                 child_silent_s: float = CHILD_SILENT_S, nice: int = CORE_NICE) -> None:
        self.settings = settings
        self.curve = curve
        self.operator = operator
        self._log = log
        self._no_log = no_log
        self._parent_silent_s = parent_silent_s
        self._child_silent_s = child_silent_s
        self._nice = nice
        self._snapshot = SnapshotBuilder.empty()
        self._hist: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._want: dict[str, float] = {}  # charted SKU -> last asked (monotonic)
        self._want_sent: tuple[str, ...] = ()
        self.error: BaseException | None = None
        self.info: dict = {}
        self.session_log = None  # the log lives in the child; see log_path
        self.gc_pacer = None  # controlroom.live.gcpace.GcPacer, collected after redraws (see front_busy)
        self.proc: Any = None
        self.ctx: zmq.Context | None = None
        self._state = self._intents = None
        self._last_frame_at = 0.0
        self._last_ping = 0.0
        self.frames = 0  # frames decoded
        self.decode_ms = 0.0  # time spent decoding them
        self.last_decode_ms = 0.0
        self.last_frame_bytes = 0
        self.rejected_frames = 0  # state frames that were not ours (counted, never executed)
        self._spark_gen = None
        self._sparks: dict = {}

    # --- life cycle -------------------------------------------------------------------------------------
    def start(self, timeout: float = START_TIMEOUT_S) -> "RemoteSession":
        """Start the child and wait for its first frame (raises what the child reported, if anything)."""
        self.ctx = zmq.Context()
        self._state = self.ctx.socket(zmq.PULL)
        self._state.setsockopt(zmq.CONFLATE, 1)  # only the newest frame is kept for us
        self._state.setsockopt(zmq.LINGER, 0)
        sport = self._state.bind_to_random_port("tcp://127.0.0.1")
        self._intents = self.ctx.socket(zmq.PUSH)
        self._intents.setsockopt(zmq.LINGER, 0)
        self._intents.setsockopt(zmq.SNDHWM, 1000)
        iport = self._intents.bind_to_random_port("tcp://127.0.0.1")
        cfg = {"settings": self.settings, "curve": self.curve, "state": f"tcp://127.0.0.1:{sport}",
               "intents": f"tcp://127.0.0.1:{iport}", "parent_pid": os.getpid(), "operator": self.operator,
               "log": self._log, "no_log": self._no_log, "parent_silent_s": self._parent_silent_s,
               "nice": self._nice, "log_level": logging.getLogger().getEffectiveLevel()}
        self.proc = spawn_core(cfg)
        deadline = time.monotonic() + timeout
        while self._snapshot.version == 0 and self.error is None:
            if time.monotonic() > deadline:
                self.stop(1.0)
                raise TimeoutError("the core process did not start")
            if self._state.poll(50):
                self._take()
            self._check_child(time.monotonic())
        self._ping(force=True)
        if self.error is not None:
            err = self.error
            self.stop(1.0)
            raise err
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the child to stop, wait for it, kill it if it does not; close the sockets."""
        if self._intents is not None:
            try:
                self._intents.send(msgspec.msgpack.encode(("stop", None)), zmq.NOBLOCK)
            except zmq.ZMQError:
                pass
        if self.proc is not None:
            for wait, then in ((timeout, self.proc.terminate), (2.0, self.proc.kill), (2.0, None)):
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    if then is not None:
                        then()
        for s in (self._state, self._intents):
            if s is not None:
                s.close(0)
        self._state = self._intents = None
        if self.ctx is not None:
            self.ctx.term()
            self.ctx = None

    @property
    def log_path(self) -> str | None:
        """The child's session log file (once it knows the room)."""
        return self.info.get("log_path")

    # --- state (calling thread) ---------------------------------------------------------------------------
    @property
    def snapshot(self):
        """The newest snapshot the child sent (takes what arrived, never blocks)."""
        self.receive()
        return self._snapshot

    def receive(self) -> bool:
        """Take (and decode) the newest frame that arrived, if any; True if it holds a new snapshot.

        The desk's bridge calls this on its timer tick and applies the snapshot in the next
        event-loop task, so decoding and applying never make one long task on the GUI thread.
        """
        if self._state is None:
            return False
        version = self._snapshot.version
        self._take()
        self._check_child(time.monotonic())
        self._ping()
        return self._snapshot.version != version

    def _take(self) -> None:
        newest = None
        while True:
            try:
                newest = self._state.recv(zmq.NOBLOCK)
            except zmq.Again:
                break
        if newest is None:
            return
        self.last_frame_bytes = len(newest)
        t0 = time.perf_counter()
        try:
            _version, snap, hist, info = decode_frame(newest)
        except _schema.FrameRejected as e:
            self.rejected_frames += 1
            log.warning("core process: rejected a state frame (%s)", str(e)[:200])
            return
        self.last_decode_ms = (time.perf_counter() - t0) * 1000.0
        self.decode_ms += self.last_decode_ms
        self.frames += 1
        self._last_frame_at = time.monotonic()
        self.info = info
        self._same_sparks(snap, info.get("spark_gen"))
        self._snapshot = snap
        self._hist = hist
        if info.get("error") and self.error is None:
            self.error = RuntimeError(f"core process: {info['error']}")

    def _same_sparks(self, snap, gen) -> None:
        """Give each SKU the spark tuple it had in the previous frame while the child's sparklines are unchanged.

        In one process the builder hands the same tuple object to every snapshot for 2 s, and the
        desk's table relies on that (``pv.spark is v.spark``; a tuple holding NaN never compares
        equal to a copy of itself).  Unpickled, every frame would bring new tuples and every row
        would look changed.  The views are frozen; this fixes them up before anyone has seen them.
        """
        if gen is None or gen != self._spark_gen:
            self._spark_gen = gen
            self._sparks = {v.sku: v.spark for v in snap.skus}
            return
        cache = self._sparks
        for v in snap.skus:
            old = cache.get(v.sku)
            if old is not None and old is not v.spark:
                object.__setattr__(v, "spark", old)

    @property
    def silent_s(self) -> float:
        """Seconds since the child's last frame (0 before the first)."""
        return time.monotonic() - self._last_frame_at if self._last_frame_at else 0.0

    @property
    def health(self) -> str:
        """``ok``; ``hung`` (alive but no frame for :data:`HUNG_AFTER_S`: stopped, or stuck); ``stopped``."""
        if self.error is not None or self.proc is None or self.proc.poll() is not None:
            return "stopped"
        return "hung" if self.silent_s > HUNG_AFTER_S else "ok"

    def restart(self, timeout: float = START_TIMEOUT_S) -> "RemoteSession":
        """Kill the child (SIGKILL reaches a stopped one too) and start a fresh one on the same settings."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        self.stop(1.0)
        self._snapshot = SnapshotBuilder.empty()
        self.error = None
        self._last_frame_at = 0.0
        self._want_sent = ()
        self._spark_gen = None
        return self.start(timeout)

    def _check_child(self, now: float) -> None:
        if self.error is not None or self.proc is None:
            return
        code = self.proc.poll()
        if code is not None:
            self.error = RuntimeError(f"core process exited (code {code})")
        elif self._last_frame_at and now - self._last_frame_at > self._child_silent_s:
            self.error = TimeoutError(f"core process silent for {now - self._last_frame_at:.0f} s")

    def _ping(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_ping < PING_EVERY_S:
            return
        self._last_ping = now
        # The charted set rides on the heartbeat: SKUs not asked for lately drop out.
        for sku in [s for s, t in self._want.items() if now - t > WANT_FORGET_S]:
            del self._want[sku]
        want = tuple(sorted(self._want))
        if want != self._want_sent:
            self._want_sent = want
            self._send("charts", want)
        self._send("ping", None)

    def history(self, sku: str) -> tuple[np.ndarray, np.ndarray]:
        """(ts, available) of ``sku`` from the newest frame (empty until the child sends it)."""
        new = sku not in self._want
        self._want[sku] = time.monotonic()
        if new:
            self._want_sent = ()  # say so with the next ping...
            self._last_ping = 0.0  # ... which is the next snapshot read
        return self._hist.get(sku) or (np.empty(0), np.empty(0))

    def front_busy(self, busy: bool) -> None:
        """The desk starts (True) or ended (False) a redraw: a paced full collection runs right after one.

        There is no core thread here to stand back; the GUI thread itself collects, in the
        quiet moment after a redraw, when :attr:`gc_pacer` says one is due.
        """
        p = self.gc_pacer
        if not busy and p is not None and p.due():
            p.collect()

    # --- intents ------------------------------------------------------------------------------------------
    def _send(self, kind: str, payload: Any) -> None:
        if self._intents is None:
            return
        try:
            self._intents.send(msgspec.msgpack.encode((kind, payload)), zmq.NOBLOCK)
        except zmq.Again:  # the child is not reading: the error shows through the heartbeat
            log.warning("core process not reading intents; %s dropped", kind)

    def command(self, op: str, sku: str, *, qty: int | None = None, weight: float | None = None,
                asked_at: float | None = None) -> None:
        """Ask the core to send a command to the shop (operator origin)."""
        self._send("command", dict(op=op, sku=sku, qty=qty, weight=weight, asked_at=asked_at))

    def prompt(self, text: str = "", *, preset: str | None = None, arg: int | None = None) -> None:
        """Show (or clear, with nothing) a prompt on the host views."""
        self._send("prompt", dict(text=text, preset=preset, arg=arg))

    def ack(self, key: str) -> None:
        """Acknowledge an alert."""
        self._send("ack", dict(key=key))

    def snooze(self, key: str, minutes: float) -> None:
        """Silence an alert for ``minutes`` of shop time."""
        self._send("snooze", dict(key=key, minutes=minutes))

    def confirm(self, confirmation_id: str, accept: bool) -> None:
        """Answer an auto action that its tier wants confirmed."""
        self._send("confirm", dict(id=confirmation_id, accept=accept))

    def update_settings(self, settings: Any) -> None:
        """Apply new settings live (the child logs them)."""
        self.settings = settings
        self._send("settings", dict(settings=settings.to_dict()))



def build_desk_core(settings, client_curve, args) -> Any:
    """The core a desk reads: a child process (:class:`RemoteSession`) by default,
    the in-process core thread (:func:`~controlroom.live.wiring.build_session`) with ``--core-thread``.  Not started."""
    if getattr(args, "core_thread", False):
        return wiring.build_session(settings, client_curve, args)
    return RemoteSession(settings, curve=client_curve, operator=getattr(args, "operator", None) or "operator",
                         log=getattr(args, "log", None), no_log=bool(getattr(args, "no_log", False)))

