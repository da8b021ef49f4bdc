"""The client end of a state stream: SUB for deltas/snapshots/heartbeats, DEALER for requests.

Everything runs on the calling thread: :meth:`StateClient.receive` drains what
arrived without blocking and applies it in order, so a slow view that calls it
rarely still applies every delta (nothing is conflated away) or, if the PUB
dropped some, sees the seq gap, asks for a snapshot and is correct again
within one snapshot period.

:attr:`StateClient.health` is ``connecting`` until the first snapshot,
``live`` while frames arrive, and ``lost`` after :data:`LOST_AFTER_S` without
any frame (the server sends at least a heartbeat every 0.25 s).
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

import msgspec
import numpy as np
import zmq

from controlroom.net.diagnose import ConnectionWatch
from controlroom.state import schema as s
from controlroom.state.view import ViewSnapshot

log = logging.getLogger(__name__)

LOST_AFTER_S = 1.5  # "connection lost" within 2 s of silence
RESYNC_EVERY_S = 0.5  # snapshot requests at most this often
RCVHWM = 10000
PEEK_ABOVE_BYTES = 32 * 1024  # frames this big (snapshots) are peeked at before being decoded in full


class _Head(msgspec.Struct):
    """The first fields of any frame: enough to skip a periodic snapshot we are already in step with."""

    t: str
    v: int = 0
    epoch: str = ""
    seq: int = -1


_peek = msgspec.msgpack.Decoder(_Head)


_DIGITS = re.compile(r"\d+")


class StateClient:
    """A view's connection to one state stream; :attr:`view` is the newest ViewSnapshot."""

    def __init__(self, pub_endpoint: str, router_endpoint: str, *, curve: tuple[bytes, bytes, bytes] | None = None,
                 ctx: zmq.Context | None = None) -> None:
        """``curve`` = (server public, client public, client secret); None for an ``--insecure`` stream."""
        self.ctx = ctx or zmq.Context.instance()
        self.sub = self.ctx.socket(zmq.SUB)
        self.dealer = self.ctx.socket(zmq.DEALER)
        for sock in (self.sub, self.dealer):
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.RCVHWM, RCVHWM)
            sock.setsockopt(zmq.MAXMSGSIZE, s.MAX_FRAME_BYTES)
            if curve is not None:
                sock.curve_serverkey, sock.curve_publickey, sock.curve_secretkey = curve
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        # Until the first frame is accepted, the socket monitor explains a silent stream in one line
        # (key mismatch, plaintext vs CURVE, nothing listening, version mismatch): :attr:`diagnosis`.
        self._watch: ConnectionWatch | None = ConnectionWatch(
            self.sub, pub_endpoint, curve=curve is not None, peer="state stream",
            key_hint="pair this view's key with `controlroom keys pair`, and use the room's server key")
        # Why nothing arrived, in one line, once the stream was silent from the start for 3 s; None
        # before that and from the first accepted frame on.
        self.diagnosis: str | None = None
        self.sub.connect(pub_endpoint)
        self.dealer.connect(router_endpoint)
        self.decoder = s.client_decoder()
        self.view = ViewSnapshot()
        self.epoch: str | None = None
        self.seq = -1  # -1: no snapshot yet
        self._skus: dict[str, Any] = {}  # sku -> SkuView
        self._order: tuple[str, ...] = ()
        self._room: s.Room | None = None
        self._lists: dict[str, Any] = {}  # the room's lists in view form (kept while a delta leaves them out)
        self._pend: dict[str, s.Sku] = {}  # SKUs changed since the last receive(), newest wire form
        self._pend_spark: dict[str, tuple] = {}  # ... and their newest sparkline when one came
        self._pend_lists: dict[str, tuple] = {}
        self._reset = False  # a snapshot came: SKUs it does not list are gone
        self._hist: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.replies: dict[str, s.Reply] = {}
        self._last_frame = 0.0
        self._started = time.monotonic()
        self._last_resync = 0.0
        self.gaps = 0
        self.resyncs = 0
        self.frames = 0
        self.skipped = 0  # periodic snapshots we were already in step with (peeked, not decoded)
        self.decode_ms = 0.0
        self._dirty = False
        self.request_snapshot()

    # --- health ---------------------------------------------------------------------------------------------
    @property
    def health(self) -> str:
        """connecting | live | lost."""
        now = time.monotonic()
        if self.seq < 0:
            return "lost" if self._last_frame and now - self._last_frame > LOST_AFTER_S else "connecting"
        return "live" if now - self._last_frame <= LOST_AFTER_S else "lost"

    def _check_watch(self) -> None:
        """Update :attr:`diagnosis`; a new line is said once on stderr (as the feed client does)."""
        line = self._watch.diagnosis()
        if line is not None and (self.diagnosis is None or _DIGITS.sub("", line) != _DIGITS.sub("", self.diagnosis)):
            print(f"state stream: {line}", file=sys.stderr)  # a new cause, not the same one a second older
        self.diagnosis = line

    def _stop_watch(self) -> None:
        self._watch.close()
        self._watch, self.diagnosis = None, None

    @property
    def silent_s(self) -> float:
        """Seconds since the last frame (since start when none came)."""
        return time.monotonic() - (self._last_frame or self._started)

    # --- requests -------------------------------------------------------------------------------------------
    def _request(self, frame) -> None:
        try:
            self.dealer.send(s.encode(frame), zmq.NOBLOCK)
        except zmq.Again:
            log.warning("state stream: request dropped (server not reading)")

    def request_snapshot(self) -> None:
        """Ask for a snapshot now (rate-limited)."""
        now = time.monotonic()
        if now - self._last_resync < RESYNC_EVERY_S and self._last_resync:
            return
        self._last_resync = now
        self._request(s.SnapshotRequest(s.VERSION))

    def request_history(self, skus) -> None:
        """Ask for these SKUs' chart histories (they arrive with a later :meth:`receive`)."""
        skus = tuple(skus)[:64]
        if skus:
            self._request(s.HistoryRequest(s.VERSION, skus))

    def send_request(self, kind: str, args: dict) -> str:
        """Send an operator request; its :class:`~controlroom.state.schema.Reply` lands in :attr:`replies`."""
        rid = uuid.uuid4().hex[:12]
        self._request(s.OperatorRequest(s.VERSION, rid, kind, args))
        return rid

    def history(self, sku: str) -> tuple[np.ndarray, np.ndarray]:
        """The newest (ts, available) history received for ``sku`` (empty arrays until one came)."""
        return self._hist.get(sku) or (np.empty(0), np.empty(0))

    # --- receiving ------------------------------------------------------------------------------------------
    def receive(self) -> bool:
        """Apply every frame that arrived (never blocks); True when :attr:`view` changed."""
        self._dirty = False
        for sock in (self.dealer, self.sub):
            while True:
                try:
                    data = sock.recv(zmq.NOBLOCK)
                except zmq.Again:
                    break
                t0 = time.perf_counter()
                if self.seq >= 0 and len(data) > PEEK_ABOVE_BYTES and self._in_step(data):
                    # The once-a-second snapshot at the seq we already have: nothing to apply, and
                    # decoding 500 SKUs on a desk's GUI thread costs 10-30 ms.  It still proves the
                    # stream alive.
                    self._last_frame = time.monotonic()
                    self.frames += 1
                    self.skipped += 1
                    self.decode_ms += (time.perf_counter() - t0) * 1000.0
                    continue
                try:
                    frame = self.decoder.decode(data)
                except s.FrameRejected as e:
                    if self._watch is not None and e.reason == "version":
                        self._watch.note_reject("bad_version", e.detail.removeprefix("v="))
                    continue
                if self._watch is not None:
                    self._stop_watch()
                self._last_frame = time.monotonic()
                self.frames += 1
                self._apply(frame)
                self.decode_ms += (time.perf_counter() - t0) * 1000.0
        if self._watch is not None:
            self._check_watch()
        if self._dirty:
            t0 = time.perf_counter()
            self._settle()
            self.view = s.view_from_parts(self._room, [self._skus[k] for k in self._order], self._lists)
            self.decode_ms += (time.perf_counter() - t0) * 1000.0  # building the view is part of the cost
        return self._dirty

    def _settle(self) -> None:
        """Turn the SKUs and room lists that changed since the last receive() into view objects."""
        old = self._skus
        if self._reset:
            self._skus, self._reset = {}, False
        skus, sparks = self._skus, self._pend_spark
        for k, w in self._pend.items():
            prev = old.get(k)
            sp = sparks.pop(k, None)
            v = s.sku_from_wire(w)
            if sp is None:  # the points did not change: the same tuple as before
                object.__setattr__(v, "spark", prev.spark if prev is not None else ())
            else:
                object.__setattr__(v, "spark", sp)
                v = _keep_spark(prev, v)
            skus[k] = v
        self._pend = {}
        self._pend_spark = {}
        for k, val in self._pend_lists.items():
            self._lists[k] = s.list_from_wire(k, val)
        self._pend_lists = {}

    def _in_step(self, data: bytes) -> bool:
        try:
            h = _peek.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return False  # the full decoder counts and logs it
        return h.t == "snapshot" and h.v == s.VERSION and h.epoch == self.epoch and h.seq <= self.seq

    def _apply(self, f) -> None:
        # Frames are applied in order, but SKUs and room lists stay in wire form until the end of
        # receive(): a desk that finds ten deltas queued converts each changed SKU once, not ten times.
        if isinstance(f, s.Snapshot):
            if f.epoch == self.epoch and f.seq <= self.seq:
                return  # older than what we have
            self.epoch, self.seq = f.epoch, f.seq
            self._pend = {w.sku: w for w in f.skus}
            self._pend_spark = {w.sku: w.spark for w in f.skus if w.spark is not None}
            self._reset = True
            self._order = tuple(w.sku for w in f.skus)
            self._room = f.room
            self._pend_lists = {k: getattr(f.room, k) for k in s.ROOM_LISTS}
            self._dirty = True
        elif isinstance(f, s.Delta):
            if self.seq < 0 or f.epoch != self.epoch or f.seq > self.seq + 1:
                if self.seq >= 0:
                    self.gaps += 1
                    log.info("state stream: gap (have %s, got %s of %s)", self.seq, f.seq, f.epoch)
                self._resync()
                return
            if f.seq <= self.seq:
                return  # already in the snapshot we have
            pend, sparks = self._pend, self._pend_spark
            for w in f.changed:
                pend[w.sku] = w
                if w.spark is not None:
                    sparks[w.sku] = w.spark
            if f.removed:
                for k in f.removed:
                    pend.pop(k, None)
                    sparks.pop(k, None)
                    self._skus.pop(k, None)
                gone = set(f.removed)
                self._order = tuple(k for k in self._order if k not in gone)
            if f.order is not None:
                self._order = f.order
            else:
                members = set(self._order)
                new = tuple(w.sku for w in f.changed if w.sku not in members)
                if new:
                    self._order += new
            self._room = s.merge_room(self._room, f.room)
            for k in s.ROOM_LISTS:
                val = getattr(f.room, k)
                if val is not None:
                    self._pend_lists[k] = val
            self.seq = f.seq
            self._dirty = True
        elif isinstance(f, s.Heartbeat):
            if self.epoch is not None and (f.epoch != self.epoch or f.seq > self.seq):
                self._resync()
        elif isinstance(f, s.History):
            self._hist[f.sku] = (np.frombuffer(f.ts, dtype="<f8"), np.frombuffer(f.available, dtype="<f8"))
        elif isinstance(f, s.Reply):
            self.replies[f.rid] = f
            if len(self.replies) > 1000:
                self.replies.pop(next(iter(self.replies)))

    def _resync(self) -> None:
        self.resyncs += 1
        self.request_snapshot()

    def close(self) -> None:
        """Close both sockets."""
        if self._watch is not None:
            self._stop_watch()
        self.sub.close(0)
        self.dealer.close(0)


def _keep_spark(old, new):
    """``new`` with ``old``'s spark tuple when the points are the same (the desk's table compares by identity)."""
    if old is None:
        return new
    a, b = old.spark, new.spark
    if a is b or len(a) != len(b):
        return new
    if a != b:  # C-level compare; NaN (before a SKU's history starts) differs from itself here, so look again
        x, y = a[-1], b[-1]
        if x != y and (x == x or y == y):
            return new  # the newest point moved: the common case, settled without a Python loop
        if not all(x == y or (x != x and y != y) for x, y in zip(a, b)):
            return new
    object.__setattr__(new, "spark", a)
    return new
