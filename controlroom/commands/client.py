"""The control room's hands: commands to the shop over a DEALER, Lazy Pirate style.

:class:`CommandClient` is owned by one thread (the core thread, which owns every
socket); it is **not** thread-safe.  The owner registers :attr:`CommandClient.socket`
in its ``zmq.Poller`` and calls :meth:`~CommandClient.handle_readable` when it is
readable and :meth:`~CommandClient.service` on every loop iteration.

Every command gets a fresh ``id`` (uuid4) and is sent at once.  The shop applies
an ``id`` once and answers a repeated ``id`` with the stored reply, so the client
may resend freely:

* no reply within ``timeout_ms`` -> resend the same bytes (same ``id``);
* ``retries`` attempts without any reply (0 counts as 1) -> reconnect (drop the connection and
  whatever is still queued on it, connect afresh; the socket object stays the
  same, so the owner's poller keeps working) and resend the pending commands;
* ``max_attempts`` attempts in all (default ``3 * retries``) -> ``failed``; or, for
  a command with a deadline, ``unknown``: it goes on being resent (every
  :data:`CHECK_EVERY_S`) until the shop answers.

With ``deadline_s`` every command carries ``deadline`` (protocol v1 addition: unix
seconds, the sender's clock + ``deadline_s``); a shop reading it later refuses it
unapplied and stores that refusal.  So the shop's answer to a resend is always the
command's true fate: ``acked`` (it was applied) or ``rejected`` (it was not), and
while no answer has come the client says ``unknown``, never ``failed``.

Each :class:`CommandRecord` ends ``acked`` (with round-trip time and the shop's
new state), ``rejected`` (with the shop's reason) or ``failed`` (no answer, no
deadline): never silently lost.  A command the client can see is malformed (unknown op,
``qty < 1`` ...) is ``rejected`` at once without being sent.
"""
from __future__ import annotations

import logging
import numbers
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

import zmq
from zmq.utils.monitor import parse_monitor_message

from controlroom.protocol import COMMAND_OPS, Reject, decode_reply, encode_request, validate_command
from controlroom.state.view import CommandView

log = logging.getLogger(__name__)

STATES = ("sent", "acked", "rejected", "failed", "unknown")
CHECK_EVERY_S = 1.0  # an "unknown" command (deadline, no answer yet) is resent this often
ORIGINS = ("operator", "auto")
MAX_DRAIN = 10_000  # replies read per handle_readable() call at most (keeps the owner's loop fair)


@dataclass(eq=False)
class CommandRecord:
    """One command and its fate.  Mutated only by the owning :class:`CommandClient`."""

    id: str
    op: str
    sku: str
    qty: int | None = None
    weight: float | None = None
    by: str = "operator"
    origin: str = "operator"  # operator | auto
    state: str = "sent"  # sent | acked | rejected | failed | unknown (no answer yet; the shop decides)
    created_at: float = field(default_factory=time.time)  # wall clock, for display and the log
    sent_at: float | None = None  # client clock (monotonic) of the first send
    acked_at: float | None = None  # client clock of the reply (acked or rejected)
    rtt_ms: float | None = None  # first send -> reply, including any retries
    attempts: int = 0  # times sent
    error: str | None = None  # the shop's reason (rejected) or why it failed
    reply: dict | None = None  # the shop's reply as received
    last_sent_at: float | None = None  # client clock of the latest send (for the timeout)
    wire: bytes = field(default=b"", repr=False)  # the encoded request, resent unchanged
    deadline: float | None = None  # wall clock (unix s): the shop refuses the command after this

    @property
    def done(self) -> bool:
        return self.state not in ("sent", "unknown")

    def request(self) -> dict:
        """The request object as sent on the wire."""
        req: dict[str, Any] = {"op": self.op, "id": self.id, "sku": self.sku, "by": self.by}
        if self.qty is not None:
            req["qty"] = self.qty
        if self.weight is not None:
            req["weight"] = self.weight
        if self.deadline is not None:
            req["deadline"] = round(self.deadline, 3)
        return req

    def to_view(self) -> CommandView:
        return CommandView(id=self.id, op=self.op, sku=self.sku, qty=self.qty, origin=self.origin, by=self.by,
                           state=self.state, created_ts=self.created_at, rtt_ms=self.rtt_ms, error=self.error,
                           attempts=self.attempts, deadline=self.deadline)


class CommandClient:
    """Commands to one shop endpoint with ids, retries, reconnects and a fate per command."""

    def __init__(self, endpoint: str, *, context: zmq.Context | None = None, curve: Any = None,
                 timeout_ms: int = 500, retries: int = 3, max_attempts: int | None = None,
                 max_records: int = 500, clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time, deadline_s: float | None = None) -> None:
        if timeout_ms <= 0 or retries < 0:
            raise ValueError("timeout_ms must be > 0 and retries >= 0")
        self.endpoint = endpoint
        self.ctx = context or zmq.Context.instance()
        self.curve = curve
        self.timeout_s = timeout_ms / 1000.0
        self.retries = max(1, int(retries))  # 0 means: reconnect after every silent attempt
        self.max_attempts = int(max_attempts) if max_attempts is not None else 3 * self.retries
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        self.clock = clock
        self.wall_clock = wall_clock
        self.deadline_s = float(deadline_s) if deadline_s else None  # None/0: no deadline (the old behaviour)
        self._records: deque[CommandRecord] = deque(maxlen=max_records)
        self._pending: dict[str, CommandRecord] = {}  # id -> record, in send order
        self._updates: dict[str, CommandRecord] = {}  # id -> record changed since take_updates()
        self._sent_any = False
        self._down = False  # a command failed with no answer and nothing was heard since
        self.reconnects = 0
        self.replies = 0
        self.bad_replies = 0  # undecodable replies
        self.stray_replies = 0  # replies for unknown or finished ids (late duplicates)
        self.auth_failures = 0  # CURVE handshakes the shop refused (from the socket monitor)
        self.closed = False
        self.socket = self.ctx.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.setsockopt(zmq.SNDHWM, 10_000)
        self.socket.setsockopt(zmq.RCVHWM, 10_000)
        self._monitor = None
        if curve is not None:
            curve.apply(self.socket)
            try:
                self._monitor = self.socket.get_monitor_socket(
                    zmq.EVENT_HANDSHAKE_FAILED_AUTH | zmq.EVENT_HANDSHAKE_SUCCEEDED)
            except zmq.ZMQError:  # pragma: no cover - monitor unavailable
                self._monitor = None
        self.socket.connect(endpoint)

    # --- sending ----------------------------------------------------------------------------
    def submit(self, op: str, sku: str, *, qty: int | None = None, weight: float | None = None,
               by: str | None = None, origin: str = "operator", asked_at: float | None = None) -> CommandRecord:
        """Create a command with a fresh id and send it now; returns its record.

        ``by`` defaults to ``"auto"`` for ``origin="auto"`` and ``"operator"`` otherwise.
        A command that fails the protocol's checks is returned ``rejected`` and not sent.
        ``asked_at`` (wall clock): when the operator asked for it, if earlier than now (the desk's
        intent waited in a hung core); the deadline counts from then, and a command already past
        it is ``rejected`` without being sent.
        """
        if self.closed:
            raise RuntimeError("CommandClient is closed")
        if origin not in ORIGINS:
            raise ValueError(f"origin must be one of {ORIGINS}, not {origin!r}")
        if by is None:
            by = "auto" if origin == "auto" else "operator"
        # numpy scalars and str subclasses (from the engine) travel as plain JSON values.
        if isinstance(qty, numbers.Integral) and not isinstance(qty, bool):
            qty = int(qty)
        if isinstance(weight, numbers.Real) and not isinstance(weight, bool):
            weight = float(weight)
        if isinstance(sku, str):
            sku = str(sku)
        rec = CommandRecord(id=uuid.uuid4().hex, op=op, sku=sku, qty=qty, weight=weight, by=by, origin=origin,
                            created_at=self.wall_clock())
        if self.deadline_s is not None:
            rec.deadline = min(rec.created_at, asked_at or rec.created_at) + self.deadline_s
            if rec.deadline <= rec.created_at:
                rec.state = "rejected"
                rec.error = (f"not sent: asked for {rec.created_at - asked_at:.1f} s ago, past its deadline "
                             f"({self.deadline_s:g} s); not applied")
                self._changed(rec)
                return rec
        self._records.append(rec)
        try:
            if op not in COMMAND_OPS:
                raise Reject("bad_value", f"unknown op {str(op)[:40]!r}")
            validate_command(rec.request())
            rec.wire = encode_request(rec.request())
        except (Reject, TypeError) as e:
            detail = e.detail if isinstance(e, Reject) else str(e)
            rec.state = "rejected"
            rec.error = f"not sent: {detail or e}"
            self._changed(rec)
            return rec
        self._pending[rec.id] = rec
        self._send(rec, self.clock())
        self._changed(rec)
        return rec

    def _send(self, rec: CommandRecord, now: float) -> None:
        rec.attempts += 1
        self._sent_any = True
        if rec.sent_at is None:
            rec.sent_at = now
        rec.last_sent_at = now
        try:
            self.socket.send(rec.wire, zmq.NOBLOCK)
        except zmq.Again:
            # Queue full (shop long gone): counts as an attempt; the timeout handles it.
            log.debug("command %s not queued (send would block)", rec.id)

    # --- receiving --------------------------------------------------------------------------
    def handle_readable(self) -> int:
        """Read the replies waiting on the socket; returns how many were read."""
        n = 0
        now = self.clock()
        while n < MAX_DRAIN:
            try:
                frames = self.socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            n += 1
            self._on_reply(frames[-1], now)
        return n

    def _on_reply(self, frame: bytes, now: float) -> None:
        try:
            rep = decode_reply(frame)
        except Reject as e:
            self.bad_replies += 1
            log.warning("undecodable reply from the shop: %s", e)
            return
        self.replies += 1
        self._down = False
        rec = self._pending.pop(rep["id"], None) if isinstance(rep.get("id"), str) else None
        if rec is None:
            self.stray_replies += 1
            return
        rec.reply = rep
        rec.acked_at = now
        rec.rtt_ms = (now - rec.sent_at) * 1000.0 if rec.sent_at is not None else None
        if rep["ok"]:
            rec.state = "acked"
        else:
            rec.state = "rejected"
            err = rep.get("error")
            rec.error = err if isinstance(err, str) and err else "rejected by the shop (no reason given)"
        self._changed(rec)

    # --- timeouts, retries, reconnects ------------------------------------------------------
    def service(self) -> None:
        """Resend timed-out commands, reconnect after ``retries`` silent attempts, fail at the cap."""
        self._read_monitor()
        if not self._pending:
            return
        now = self.clock()
        due = [r for r in self._pending.values()
               if now - r.last_sent_at >= (CHECK_EVERY_S if r.state == "unknown" else self.timeout_s)]
        if not due:
            return
        for rec in due:
            if rec.attempts >= self.max_attempts and rec.state == "sent":
                self._down = True
                if rec.deadline is None:
                    del self._pending[rec.id]
                    rec.state = "failed"
                    rec.error = self._fail_reason(rec)
                else:  # the shop may still apply it until the deadline: keep asking it
                    rec.state = "unknown"
                    rec.error = self._unknown_reason(rec)
                self._changed(rec)
        due = [r for r in due if r.state in ("sent", "unknown")]
        if not due:
            return
        if any(r.attempts % self.retries == 0 for r in due):
            # `retries` attempts of some command got nothing back: start over on a fresh
            # connection and resend everything still pending there.
            self._reconnect()
            for rec in list(self._pending.values()):
                if rec.attempts < self.max_attempts or rec in due:  # one at its cap fails at its own timeout
                    self._send(rec, now)
                    self._changed(rec)
        else:
            for rec in due:
                self._send(rec, now)
                self._changed(rec)

    def _fail_reason(self, rec: CommandRecord) -> str:
        why = f"no answer from the shop after {rec.attempts} attempts"
        if self.auth_failures:
            why += " (the shop refused our CURVE key: is it in the shop's authorised folder?)"
        return why

    def _unknown_reason(self, rec: CommandRecord) -> str:
        why = (f"no answer from the shop after {rec.attempts} attempts; still asking (the shop refuses it "
               f"unapplied once its deadline has passed)")
        if self.auth_failures:
            why += " (the shop refused our CURVE key: is it in the shop's authorised folder?)"
        return why

    def _any_retrying(self) -> bool:
        return any(r.attempts > 1 for r in self._pending.values())

    def _reconnect(self) -> None:
        """Drop the connection and what is queued on it, then connect again (same socket object)."""
        self.reconnects += 1
        log.info("command channel: no reply, reconnecting to %s", self.endpoint)
        try:
            self.socket.disconnect(self.endpoint)
        except zmq.ZMQError:
            pass
        self.socket.connect(self.endpoint)

    def _read_monitor(self) -> None:
        mon = self._monitor
        if mon is None:
            return
        for _ in range(100):
            try:
                msg = mon.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            try:
                ev = parse_monitor_message(msg)["event"]
            except Exception:  # pragma: no cover - malformed monitor frame
                continue
            if ev == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                self.auth_failures += 1
                if self.auth_failures == 1:
                    log.warning("the shop at %s refused our CURVE key", self.endpoint)
            elif ev == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self.auth_failures = 0

    # --- reading state ----------------------------------------------------------------------
    def _changed(self, rec: CommandRecord) -> None:
        self._updates[rec.id] = rec

    def take_updates(self) -> list[CommandRecord]:
        """Records whose state (or attempt count) changed since the last call, oldest change first."""
        out = list(self._updates.values())
        self._updates.clear()
        return out

    @property
    def records(self) -> list[CommandRecord]:
        """The latest commands (bounded), newest last."""
        return list(self._records)

    def pending(self) -> int:
        """Commands sent and not yet answered or failed."""
        return len(self._pending)

    def get(self, command_id: str) -> CommandRecord | None:
        """A record by id (pending ones always; finished ones while still in :attr:`records`)."""
        rec = self._pending.get(command_id)
        if rec is not None:
            return rec
        for r in reversed(self._records):
            if r.id == command_id:
                return r
        return None

    @property
    def state(self) -> str:
        """``idle`` (nothing sent yet), ``ok``, ``retrying`` (a command timed out and is being
        resent) or ``down`` (a command failed with no answer and nothing was heard since)."""
        if self._down:
            return "down"
        if self._any_retrying():
            return "retrying"
        return "ok" if self._sent_any else "idle"

    def next_deadline(self) -> float | None:
        """Client-clock time of the next timeout, for an owner that wants to size its poll."""
        if not self._pending:
            return None
        return min(r.last_sent_at for r in self._pending.values()) + self.timeout_s

    def close(self) -> None:
        """Close the socket.  Pending commands are marked failed (and reported by take_updates)."""
        if self.closed:
            return
        self.closed = True
        for rec in self._pending.values():
            # With a deadline, whether the shop applied it is not known here; without, as before: failed.
            rec.state = "unknown" if rec.deadline is not None and rec.attempts else "failed"
            rec.error = "client closed before the shop answered"
            self._changed(rec)
        self._pending.clear()
        if self._monitor is not None:
            try:
                self.socket.disable_monitor()
            except zmq.ZMQError:
                pass
            self._monitor.close(0)
            self._monitor = None
        self.socket.close(0)
