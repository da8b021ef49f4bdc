"""The core in its own process: :func:`serve_core` (child) and :class:`RemoteSession` (desk side).

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
from types import SimpleNamespace
from typing import Any

from typing import Union

import msgspec
import numpy as np
import zmq

from controlroom.state import schema as _schema

from controlroom.live import wiring
from controlroom.live.lifeline import die_with_parent
from controlroom.live.snapshot import SnapshotBuilder

log = logging.getLogger(__name__)

PUBLISH_INTERVAL_S = 0.05  # newest snapshot at most 20 times a second (the core makes ~10)
ALIVE_EVERY_S = 0.25  # the child re-sends its last frame this often when nothing changed (see HUNG_AFTER_S)
PING_EVERY_S = 0.5  # the desk pings the child at most this often (from its snapshot reads)
PARENT_SILENT_S = 15.0  # the child gives up on a desk that has not pinged this long (after its first ping)
FIRST_CONTACT_S = 120.0  # ... or that never pinged at all
CHILD_SILENT_S = 10.0  # the desk reports "core failed" when no frame came for this long
HUNG_AFTER_S = 1.2  # ... and "hung" (health) after this long: several heartbeats missed, within 2 s
DEFAULT_CHARTS = 9  # histories sent when the desk has not said which SKUs it charts (snapshot order = urgency)
WANT_FORGET_S = 5.0  # a charted SKU the desk stopped asking for leaves the set after this long
START_TIMEOUT_S = 30.0
# CPU priority offset of the core process (os.nice).  A lower priority for the core should let the
# OS hand a contended CPU to the GUI thread first; measured (docs/benchmarks.md, "## ui") it made no
# difference on a 2-CPU machine, so by default the core runs at the desk's priority.
CORE_NICE = 0


# --- frames ----------------------------------------------------------------------------------------------
class CoreFrame(msgspec.Struct, frozen=True):
    """The child's state frame: a stream snapshot, the charted SKUs' histories (float64 bytes) and status info."""

    v: int
    snapshot: _schema.Snapshot
    hist: dict[str, tuple[bytes, bytes]]
    info: dict[str, Union[str, int, float, bool, None]]


_frame_decoder = msgspec.msgpack.Decoder(CoreFrame)
_intent_decoder = msgspec.msgpack.Decoder(tuple[str, Union[dict, list, None]])


def encode_frame(snapshot: Any, histories: dict[str, tuple[np.ndarray, np.ndarray]], info: dict) -> bytes:
    """One state frame (msgpack of :class:`CoreFrame`; no pickle)."""
    hist = {sku: (np.ascontiguousarray(ts, dtype="<f8").tobytes(),
                  np.ascontiguousarray(av, dtype="<f8").tobytes()) for sku, (ts, av) in histories.items()}
    snap = _schema.Snapshot(_schema.VERSION, "core", snapshot.version, _schema.room_to_wire(snapshot),
                            tuple(_schema.sku_to_wire(v) for v in snapshot.skus))
    return _schema.encode(CoreFrame(_schema.VERSION, snap, hist, dict(info)))


def decode_frame(frame: bytes) -> tuple[int, Any, dict[str, tuple[np.ndarray, np.ndarray]], dict]:
    """(version, snapshot, histories, info) of a frame from :func:`encode_frame`; raises FrameRejected on anything else."""
    if len(frame) > _schema.MAX_FRAME_BYTES:
        raise _schema.FrameRejected("oversized")
    try:
        f = _frame_decoder.decode(frame)
    except (msgspec.ValidationError, msgspec.DecodeError) as e:
        raise _schema.FrameRejected(str(e)) from e
    if f.v != _schema.VERSION:
        raise _schema.FrameRejected("version")
    snap = _schema.view_from_wire(f.snapshot.room, [_schema.sku_from_wire(w) for w in f.snapshot.skus])
    return snap.version, snap, {sku: (np.frombuffer(t, dtype="<f8"), np.frombuffer(a, dtype="<f8"))
                                for sku, (t, a) in f.hist.items()}, dict(f.info)


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
        else:
            log.warning("unknown intent %r", kind)
    except Exception:  # a bad intent must not take the core down
        log.exception("intent %s failed", kind)


def spawn_core(cfg: dict) -> subprocess.Popen:
    """Start :func:`serve_core` in a fresh interpreter (``python -m controlroom.live.process``), ``cfg`` on its stdin.

    A plain subprocess rather than multiprocessing: the child never re-imports the desk's
    ``__main__`` (scripts, the bench, tests), and it imports the same ``controlroom`` as this
    process (its folder goes first on PYTHONPATH).
    """
    import controlroom

    if getattr(sys, "frozen", False):  # a bundled app: its own executable has the hidden verb
        cmd = [sys.executable, "core-serve"]
    else:
        cmd = [sys.executable, "-m", "controlroom.live.process"]
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(controlroom.__file__)))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, env=env, close_fds=True)
    proc.stdin.write(cfg_to_json(cfg))
    proc.stdin.close()
    return proc


def cfg_to_json(cfg: dict) -> bytes:
    """The child's configuration as JSON (settings as their dict, the shop CURVE keys as file paths)."""
    import json

    out = dict(cfg)
    out["settings"] = cfg["settings"].to_dict()
    c = cfg.get("curve")
    out["curve"] = None if c is None else {"client_secret_file": str(c.client_secret_file),
                                           "server_public_file": str(c.server_public_file)}
    return json.dumps(out).encode("utf-8")


def cfg_from_json(data: bytes) -> dict:
    """The configuration :func:`cfg_to_json` wrote (data only: nothing in it is executed)."""
    import json

    from controlroom.security.keys import ClientCurve
    from controlroom.settings import settings_from_dict

    cfg = json.loads(data.decode("utf-8"))
    if not isinstance(cfg, dict):
        raise ValueError("core configuration must be a JSON object")
    cfg["settings"] = settings_from_dict(cfg["settings"])
    c = cfg.get("curve")
    cfg["curve"] = None if c is None else ClientCurve(c["client_secret_file"], c["server_public_file"])
    return cfg


def main(argv: list[str] | None = None) -> int:
    """Child entry point: the configuration (JSON, from :func:`spawn_core`) comes on stdin."""
    import signal

    # Ctrl-C in the desk's terminal reaches the whole process group: the desk stops us itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cfg = cfg_from_json(sys.stdin.buffer.read())
    die_with_parent(cfg["parent_pid"])  # a desk killed by SIGKILL takes us with it at once
    serve_core(cfg)
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
