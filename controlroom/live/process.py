"""The core in its own process: the desk side (:class:`RemoteSession`, :func:`spawn_core`); the child is
:mod:`controlroom.live.core_child`, the process-control codec and timings :mod:`controlroom.live.frames`.

Why a process: in one process the desk's GUI thread and the core thread share
one GIL.  On a small machine under a busy feed the OS preempts the core thread
while it holds the GIL, and the GUI thread then waits 40-70 ms for it — no
switch interval fixes that (docs/benchmarks.md, "## ui").  With the core in a
child process the desk process runs no busy Python thread at all: its GUI
thread only applies the stream's frames on its own timer.

The desk is a client of the room's **state stream** (docs/state-protocol.md), like
any host view: the child's core thread binds PUB + ROUTER on loopback with a
server key made for this run, and the only key allowed is the desk's per-run
operator key — no other local process can read or command it.  The desk applies
every delta in order (:class:`~controlroom.state.client.StateClient`: nothing is
conflated away), asks for its charted SKUs' histories on the ROUTER, and sends
intents as ``op`` requests.  Start-up, stop and status go over the child's
stdin/stdout as JSON lines (:mod:`controlroom.live.frames`).
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Any

import numpy as np
import zmq

from controlroom.live import wiring
from controlroom.live.frames import (CHILD_SILENT_S, CORE_NICE, HISTORY_EVERY_S, HUNG_AFTER_S, START_TIMEOUT_S,
                                     WANT_FORGET_S, cfg_to_json, status_from_json)
from controlroom.live.snapshot import SnapshotBuilder
from controlroom.state.client import StateClient

log = logging.getLogger(__name__)


def spawn_core(cfg: dict) -> subprocess.Popen:
    """Start :func:`~controlroom.live.core_child.serve_core` in a fresh interpreter, ``cfg`` as a JSON line on its stdin.

    A plain subprocess rather than multiprocessing: the child never re-imports the desk's
    ``__main__`` (scripts, the bench, tests), and it imports the same ``controlroom`` as this
    process (its folder goes first on PYTHONPATH).  stdin stays open: ``stop`` or its end stops the child.
    """
    import controlroom

    if getattr(sys, "frozen", False):  # a bundled app: its own executable has the hidden verb
        cmd = [sys.executable, "core-serve"]
    else:
        cmd = [sys.executable, "-m", "controlroom.live.core_child"]
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(controlroom.__file__)))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
    proc.stdin.write(cfg_to_json(cfg))
    proc.stdin.flush()
    return proc


class _StatusReader:
    """The child's status lines, read by a thread that sleeps on the pipe (about one line a second)."""

    def __init__(self, pipe) -> None:
        self.lines: deque = deque(maxlen=100)
        self.rejected = 0
        self._t = threading.Thread(target=self._run, args=(pipe,), name="core-status", daemon=True)
        self._t.start()

    def _run(self, pipe) -> None:
        try:
            for line in pipe:
                try:
                    self.lines.append(status_from_json(line))
                except ValueError as e:  # not ours: counted, never acted on
                    self.rejected += 1
                    log.warning("core process: refused a status line (%s)", str(e)[:100])
        except (OSError, ValueError):
            pass

    def take(self) -> list:
        out = []
        while self.lines:
            out.append(self.lines.popleft())
        return out


# --- the desk side ------------------------------------------------------------------------------------------
class RemoteSession:
    """The desk's view of a core running in a child process (same interface the desk uses of LiveSession).

    Everything runs on the calling thread (the GUI thread): :attr:`snapshot` applies the stream's
    frames that arrived, without blocking; the intent methods send without blocking.  The only
    thread started here sleeps on the child's status pipe.
    """

    def __init__(self, settings: Any, *, curve: Any = None, operator: str = "operator", log: str | None = None,
                 no_log: bool = True, child_silent_s: float = CHILD_SILENT_S, nice: int = CORE_NICE,
                 share: Any = None) -> None:
        """``share``: a :class:`~controlroom.state.server.StreamConfig` (endpoints, the room's keys and
        allow-list) to publish the desk's stream for host views too; default: loopback, this desk only."""
        self.settings = settings
        self.curve = curve
        self.operator = operator
        self._log = log
        self._no_log = no_log
        self._child_silent_s = child_silent_s
        self._nice = nice
        self.share = share
        self._snapshot = SnapshotBuilder.empty()
        self._want: dict[str, float] = {}  # charted SKU -> last asked (monotonic)
        self._last_hist_req = 0.0
        self.error: BaseException | None = None
        self.info: dict = {}
        self.session_log = None  # the log lives in the child; see log_path
        self.gc_pacer = None  # controlroom.live.gcpace.GcPacer, collected after redraws (see front_busy)
        self.proc: Any = None
        self.ctx: zmq.Context | None = None
        self.client: StateClient | None = None
        self.endpoints: tuple[str, str] | None = None
        self.stream_curve: tuple[bytes, bytes, bytes] | None = None
        self._status: _StatusReader | None = None
        self._pending: dict[str, str] = {}  # request id -> kind, until its reply
        self.refused: list[tuple[str, str]] = []  # (kind, error) of requests the core refused

    # --- life cycle -------------------------------------------------------------------------------------
    def _stream_cfg(self, server: tuple[bytes, bytes], op_public: bytes) -> dict:
        sh = self.share
        st = {"server_public": server[0].decode(), "server_secret": server[1].decode(),
              "operator_public": op_public.decode(), "operator": self.operator}
        if sh is not None:
            pub, router = sh.endpoints()
            st.update(pub=pub, router=router, allow_file=sh.allow_file)
        return st

    def start(self, timeout: float = START_TIMEOUT_S) -> "RemoteSession":
        """Start the child and wait for its first snapshot (raises what the child reported, if anything)."""
        if self.share is not None and self.share.server_keys is not None:
            server = self.share.server_keys  # the room's key: host views know it
        else:
            server = zmq.curve_keypair()  # this run only
        op_public, op_secret = zmq.curve_keypair()
        cfg = {"settings": self.settings, "curve": self.curve, "stream": self._stream_cfg(server, op_public),
               "parent_pid": os.getpid(), "operator": self.operator, "log": self._log, "no_log": self._no_log,
               "nice": self._nice, "log_level": logging.getLogger().getEffectiveLevel()}
        self.proc = spawn_core(cfg)
        self._status = _StatusReader(self.proc.stdout)
        deadline = time.monotonic() + timeout
        while self.endpoints is None and self.error is None:
            if time.monotonic() > deadline:
                self.stop(1.0)
                raise TimeoutError("the core process did not start")
            time.sleep(0.02)
            self._take_status()
            self._check_child(time.monotonic())
        if self.error is None:
            self.ctx = zmq.Context()
            self.stream_curve = (server[0], op_public, op_secret)  # this run's keys: the desk's own
            self.client = StateClient(*self.endpoints, curve=self.stream_curve, ctx=self.ctx)
            while self._snapshot.version == 0 and self.error is None:
                if time.monotonic() > deadline:
                    self.stop(1.0)
                    raise TimeoutError("the core process sent no state")
                if self.receive():
                    break
                time.sleep(0.02)
        if self.error is not None:
            err = self.error
            self.stop(1.0)
            raise err
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the child to stop, wait for it, kill it if it does not; close the sockets."""
        if self.proc is not None:
            try:
                self.proc.stdin.write(b"stop\n")
                self.proc.stdin.close()
            except (OSError, ValueError):
                pass
            for wait, then in ((timeout, self.proc.terminate), (2.0, self.proc.kill), (2.0, None)):
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    if then is not None:
                        then()
            if self.proc.stdout is not None:
                self.proc.stdout.close()
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.ctx is not None:
            self.ctx.term()
            self.ctx = None

    @property
    def log_path(self) -> str | None:
        """The child's session log file (once it knows the room)."""
        return self.info.get("log_path")

    def ask_census(self, trim: bool = False) -> None:
        """Ask the child to count what the core holds (:func:`controlroom.live.census.census`): the
        answer comes as ``info["census"]`` with its next status line (the soak benchmark's census);
        ``trim``: the child then also gives its allocator's free memory back and says how much."""
        try:
            self.proc.stdin.write(b"census trim\n" if trim else b"census\n")
            self.proc.stdin.flush()
        except (AttributeError, OSError, ValueError):  # no child, or it is gone: no census
            pass

    # --- state (calling thread) ---------------------------------------------------------------------------
    @property
    def snapshot(self):
        """The newest snapshot of the stream (applies what arrived, never blocks)."""
        self.receive()
        return self._snapshot

    def receive(self) -> bool:
        """Apply every stream frame that arrived, in order; True if the snapshot changed.

        The desk's bridge calls this on its timer tick and applies the snapshot in the next
        event-loop task, so decoding and applying never make one long task on the GUI thread.
        """
        now = time.monotonic()
        self._take_status()
        self._check_child(now)
        c = self.client
        if c is None:
            return False
        changed = c.receive()
        if changed:
            self._snapshot = c.view
        if self._pending and c.replies:
            self._take_replies(c)
        if self._want and now - self._last_hist_req >= HISTORY_EVERY_S:
            self._last_hist_req = now
            for sku in [s for s, t in self._want.items() if now - t > WANT_FORGET_S]:
                del self._want[sku]
            c.request_history(sorted(self._want))
        return changed

    def _take_replies(self, c: StateClient) -> None:
        for rid in [r for r in self._pending if r in c.replies]:
            kind = self._pending.pop(rid)
            rep = c.replies.pop(rid)
            if not rep.ok:
                self.refused.append((kind, rep.error or ""))
                log.warning("core refused %s: %s", kind, rep.error)
        if len(self._pending) > 1000:  # replies that never came (a restarted core): forget the oldest
            for rid in list(self._pending)[:500]:
                del self._pending[rid]

    def _take_status(self) -> None:
        if self._status is None:
            return
        for kind, value in self._status.take():
            if kind == "endpoints" and isinstance(value, list) and len(value) == 2:
                self.endpoints = (str(value[0]), str(value[1]))
            elif kind == "status" and isinstance(value, dict):
                self.info = value
            elif kind == "error" and self.error is None:
                self.error = RuntimeError(f"core process: {value}")

    # Counters the benchmark and the security tests read.
    @property
    def frames(self) -> int:
        """Stream frames applied."""
        return self.client.frames if self.client else 0

    @property
    def decode_ms(self) -> float:
        """Time spent decoding and applying them."""
        return self.client.decode_ms if self.client else 0.0

    @property
    def rejected_frames(self) -> int:
        """Stream frames refused (not ours: counted, never executed)."""
        return self.client.decoder.rejected if self.client else 0

    @property
    def silent_s(self) -> float:
        """Seconds since the stream's last frame (0 before the first)."""
        c = self.client
        return c.silent_s if c is not None and c.frames else 0.0

    @property
    def health(self) -> str:
        """``ok``; ``hung`` (alive but no frame for :data:`HUNG_AFTER_S`: stopped, or stuck); ``stopped``."""
        if self.error is not None or self.proc is None or self.proc.poll() is not None:
            return "stopped"
        return "hung" if self.silent_s > HUNG_AFTER_S else "ok"

    def restart(self, timeout: float = START_TIMEOUT_S) -> "RemoteSession":
        """Kill the child (SIGKILL reaches a stopped one too) and start a fresh one on the same settings.

        The new child continues the old one's session log, so the show's totals (GMV, units, lost
        sales) go on from the log rather than from zero (controlroom.live.resume)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        self._take_status()  # the last status line names the log file, if it had one by then
        if self.log_path and not self._no_log:
            self._log = self.log_path
        self.stop(1.0)
        self._snapshot = SnapshotBuilder.empty()
        self.error = None
        self.endpoints = None
        self._pending.clear()
        return self.start(timeout)

    def _check_child(self, now: float) -> None:
        if self.error is not None or self.proc is None:
            return
        code = self.proc.poll()
        if code is not None:
            self._take_status()  # what it said before it went
            if self.error is None:
                self.error = RuntimeError(f"core process exited (code {code})")
        elif self.client is not None and self.client.frames and self.client.silent_s > self._child_silent_s:
            self.error = TimeoutError(f"core process silent for {self.client.silent_s:.0f} s")

    def history(self, sku: str) -> tuple[np.ndarray, np.ndarray]:
        """(ts, available) of ``sku`` as last served (empty until it came); asking keeps it coming."""
        if sku not in self._want:
            self._last_hist_req = 0.0  # a newly charted SKU: ask with the next receive
        self._want[sku] = time.monotonic()
        return self.client.history(sku) if self.client is not None else (np.empty(0), np.empty(0))

    def front_busy(self, busy: bool) -> None:
        """The desk starts (True) or ended (False) a redraw: a paced full collection runs right after one.

        There is no core thread here to stand back; the GUI thread itself collects, in the
        quiet moment after a redraw, when :attr:`gc_pacer` says one is due.
        """
        p = self.gc_pacer
        if not busy and p is not None and p.due():
            p.collect()

    # --- intents: op requests on the stream's ROUTER (operator key) -----------------------------------------
    def _send(self, kind: str, args: dict) -> None:
        if self.client is None:
            return
        self._pending[self.client.send_request(kind, args)] = kind

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
    # --state-endpoint: the desk's stream is also published there with the room's keys, for paired host views.
    share = wiring.stream_config(args, desk=True) if getattr(args, "state_endpoint", None) else None
    if getattr(args, "core_thread", False):
        return wiring.build_session(settings, client_curve, args, stream=share)
    return RemoteSession(settings, curve=client_curve, operator=getattr(args, "operator", None) or "operator",
                         log=getattr(args, "log", None), no_log=bool(getattr(args, "no_log", False)), share=share)
