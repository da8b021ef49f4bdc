"""The server end of a state stream (Clone pattern): PUB for deltas/snapshots/heartbeats, ROUTER for requests.

Run by the one thread that owns the sockets (the core process's serve loop, the
headless engine's loop): call :meth:`StatePublisher.publish` with each new
ViewSnapshot and :meth:`StatePublisher.poll` to serve requests.

* A **delta** (seq + 1) carries only the SKUs whose SkuView changed since the
  last frame (their wire Structs are the only ones encoded), the removed SKUs,
  the SKU order when it changed, and the small room block.  At most
  :data:`MAX_RATE_HZ` per second; changes in between fold into the next one.
* A **snapshot** of everything (same seq) every :data:`SNAPSHOT_EVERY_S`, on PUB,
  and to any client that asks on the ROUTER; it reuses the cached wire SKUs.
* A **heartbeat** when nothing else went out for :data:`HEARTBEAT_EVERY_S`.

Requests are decoded with :func:`controlroom.state.schema.server_decoder` (bad
ones are counted and dropped); an operator request is passed to ``on_request``
only when the frame's ZAP User-Id carries the operator role, otherwise it is
refused and logged.
"""
from __future__ import annotations

import logging
import time
import uuid
from typing import Any, Callable

import msgspec
import numpy as np
import zmq

from controlroom.state import schema as s
from controlroom.state.auth import role_of
from controlroom.state.view import ViewSnapshot

log = logging.getLogger(__name__)

MAX_RATE_HZ = 20.0
SNAPSHOT_EVERY_S = 1.0
HEARTBEAT_EVERY_S = 0.25
MAX_HISTORY_SKUS = 64
ROUTER_MAXMSG = 1024 * 1024
_MONITOR_EVENTS = (zmq.EVENT_ACCEPTED | zmq.EVENT_DISCONNECTED | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
                   | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_AUTH)
SNDHWM = 10000  # frames queued per subscriber before PUB drops (the client then sees a gap and resyncs)

# on_request(kind, args, name) -> None (accepted) or an error text
RequestHandler = Callable[[str, dict, str], "str | None"]
HistoryFn = Callable[[str], "tuple[np.ndarray, np.ndarray]"]


class StatePublisher:
    """Binds the stream's two sockets and publishes ViewSnapshots as sequenced deltas and snapshots."""

    def __init__(self, pub_endpoint: str, router_endpoint: str, *, auth: Any = None, insecure: bool = False,
                 history: HistoryFn | None = None, on_request: RequestHandler | None = None,
                 ctx: zmq.Context | None = None, insecure_role: str = "operator") -> None:
        if auth is None and not insecure:
            raise ValueError("a state stream needs CURVE keys (auth=) unless insecure=True")
        self.ctx = ctx or zmq.Context.instance()
        self.auth = auth
        self.insecure = insecure
        self._insecure_role = insecure_role
        self.history = history
        self.on_request = on_request
        self.epoch = uuid.uuid4().hex[:12]
        self.pub = self.ctx.socket(zmq.PUB)
        self.router = self.ctx.socket(zmq.ROUTER)
        for sock in (self.pub, self.router):
            sock.setsockopt(zmq.LINGER, 0)
            if auth is not None:
                auth.make_server(sock)
        self.pub.setsockopt(zmq.SNDHWM, SNDHWM)
        self.router.setsockopt(zmq.ROUTER_MANDATORY, 0)
        # Frames up to ROUTER_MAXMSG reach the decoder (which counts the oversized ones); libzmq drops the
        # connection of a peer sending anything bigger before buffering it (a 100 MB frame never lands).
        self.router.setsockopt(zmq.MAXMSGSIZE, ROUTER_MAXMSG)
        self.pub.bind(pub_endpoint)
        self.router.bind(router_endpoint)
        self.pub_endpoint = self.pub.getsockopt_string(zmq.LAST_ENDPOINT)
        self.router_endpoint = self.router.getsockopt_string(zmq.LAST_ENDPOINT)
        self.decoder = s.server_decoder()
        self.seq = 0
        self._views: dict[str, Any] = {}  # sku -> SkuView last published
        self._wire: dict[str, s.Sku] = {}  # sku -> its wire Struct (cached: a snapshot re-encodes nothing else)
        self._order: tuple[str, ...] = ()
        self._room: s.Room | None = None
        self._lists: dict[str, Any] = {}  # room list name -> the view value last sent (compared, not re-encoded)
        self._wire_lists: dict[str, tuple] = {}  # ... and its wire form
        self._pending: ViewSnapshot | None = None
        self._last_delta = 0.0
        self._last_snapshot = 0.0
        self._last_sent = 0.0
        self._last_drain = 0.0
        self.refused = 0  # operator requests refused (viewer role)
        # Peers libzmq turned away before any frame reached us: a failed handshake (not ZMTP, wrong
        # mechanism, unknown key) or a dropped connection (e.g. a frame over MAXMSGSIZE).  Counted from
        # the sockets' monitors, drained by tick() on this same thread.
        self.peers = {"accepted": 0, "handshake_failed": 0, "auth_failed": 0, "disconnected": 0}
        self._monitors = [sock.get_monitor_socket(_MONITOR_EVENTS) for sock in (self.pub, self.router)]
        self.stats = {"deltas": 0, "snapshots": 0, "heartbeats": 0, "encode_ms": 0.0, "bytes": 0, "delta_ms_max": 0.0,
                      "history_bytes": 0}

    # --- publishing -----------------------------------------------------------------------------------------
    def publish(self, snap: ViewSnapshot, now: float | None = None) -> None:
        """Offer a new snapshot; a delta goes out now or at the next :meth:`tick` (rate limit)."""
        self._pending = snap
        self.tick(now)

    def tick(self, now: float | None = None) -> None:
        """Send what is due: the pending delta, the periodic snapshot, a heartbeat."""
        now = time.monotonic() if now is None else now
        if now - self._last_drain >= 0.1 or now < self._last_drain:
            self._last_drain = now
            self._drain_monitors()
        if self._pending is not None and now - self._last_delta >= 1.0 / MAX_RATE_HZ:
            snap, self._pending = self._pending, None
            self._send_delta(snap)
            self._last_delta = now
            self._last_sent = now
        if self._room is not None and now - self._last_snapshot >= SNAPSHOT_EVERY_S:
            self._send(self.pub, None, self.snapshot_frame())
            self.stats["snapshots"] += 1
            self._last_snapshot = self._last_sent = now
        elif now - self._last_sent >= HEARTBEAT_EVERY_S:
            self._send(self.pub, None, s.Heartbeat(s.VERSION, self.epoch, self.seq, time.time()))
            self.stats["heartbeats"] += 1
            self._last_sent = now

    def _drain_monitors(self) -> None:
        for mon in self._monitors:
            while True:
                try:
                    msg = mon.recv_multipart(zmq.NOBLOCK)
                except zmq.ZMQError:
                    break
                ev = int.from_bytes(msg[0][:2], "little") if msg and len(msg[0]) >= 2 else 0
                if ev & zmq.EVENT_HANDSHAKE_FAILED_AUTH:  # the ZAP handler logs these itself
                    self.peers["auth_failed"] += 1
                elif ev & (zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL):
                    n = self.peers["handshake_failed"] = self.peers["handshake_failed"] + 1
                    if n <= 10 or n % 100 == 0:  # a reconnecting stranger must not flood the log
                        log.warning("state stream: refused a peer that failed the handshake (%d so far)", n)
                elif ev & zmq.EVENT_DISCONNECTED:
                    self.peers["disconnected"] += 1
                elif ev & zmq.EVENT_ACCEPTED:
                    self.peers["accepted"] += 1

    def _send_delta(self, snap: ViewSnapshot) -> None:
        t0 = time.perf_counter()
        changed = []
        seen = set()
        views, wire = self._views, self._wire
        for v in snap.skus:
            seen.add(v.sku)
            old = views.get(v.sku)
            if old is v or (old is not None and _same(old, v)):
                continue
            views[v.sku] = v
            w = wire[v.sku] = s.sku_to_wire(v)
            # Sparklines move every 2 s, stock every event: most changes leave the 60 points out.
            changed.append(msgspec.structs.replace(w, spark=None) if old is not None and _same_points(old.spark, v.spark)
                           else w)
        removed = tuple(k for k in views if k not in seen)
        for k in removed:
            del views[k], wire[k]
        order = tuple(v.sku for v in snap.skus)
        new_order = order if order != self._order else None
        self._order = order
        head = s.head_to_wire(snap)
        lists = {}
        for name in s.ROOM_LISTS:  # a list goes out only when it changed (alerts move about once a second)
            val, old = getattr(snap, name), self._lists.get(name)
            if old is not None and (old is val or old == val):
                continue
            self._lists[name] = val
            lists[name] = self._wire_lists[name] = s.list_to_wire(name, val)
        self._room = s.Room(**head, **self._wire_lists)
        self.seq += 1
        frame = s.Delta(s.VERSION, self.epoch, self.seq, s.RoomDelta(**head, **lists), tuple(changed), removed,
                        new_order)
        self.stats["encode_ms"] += (time.perf_counter() - t0) * 1000.0
        self._send(self.pub, None, frame)
        self.stats["deltas"] += 1
        # The whole delta (diff + wire structs + encode + send): the core thread's cost per frame.
        self.stats["delta_ms_max"] = max(self.stats["delta_ms_max"], (time.perf_counter() - t0) * 1000.0)

    def snapshot_frame(self) -> s.Snapshot:
        """The whole current state (from the cached wire SKUs)."""
        return s.Snapshot(s.VERSION, self.epoch, self.seq, self._room or s.room_to_wire(ViewSnapshot()),
                          tuple(self._wire[k] for k in self._order))

    def _send(self, sock: zmq.Socket, ident: bytes | None, frame) -> None:
        t0 = time.perf_counter()
        data = s.encode(frame)
        self.stats["encode_ms"] += (time.perf_counter() - t0) * 1000.0
        self.stats["bytes"] += len(data)
        try:
            if ident is None:
                sock.send(data, zmq.NOBLOCK)
            else:
                sock.send_multipart([ident, data], zmq.NOBLOCK)
        except zmq.ZMQError:  # a gone or full peer never holds the core
            pass

    # --- requests -------------------------------------------------------------------------------------------
    def poll(self, timeout_ms: int = 0) -> int:
        """Serve the requests that arrived (waiting up to ``timeout_ms`` for the first); how many were served."""
        n = 0
        if not self.router.poll(timeout_ms):
            return 0
        while True:
            try:
                parts = self.router.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                return n
            n += 1
            if len(parts) != 2:
                self.decoder.rejects["parts"] = self.decoder.rejects.get("parts", 0) + 1
                continue
            ident, body = parts[0].bytes, parts[1]
            try:
                req = self.decoder.decode(body.bytes)
            except s.FrameRejected:
                continue
            self._serve(ident, req, body)

    def _serve(self, ident: bytes, req, body: zmq.Frame) -> None:
        if isinstance(req, s.SnapshotRequest):
            self._send(self.router, ident, self.snapshot_frame())
        elif isinstance(req, s.HistoryRequest):
            for sku in req.skus[:MAX_HISTORY_SKUS]:
                if self.history is None or sku not in self._wire:
                    continue
                ts, av = self.history(sku)
                b0 = self.stats["bytes"]
                self._send(self.router, ident, s.History(s.VERSION, sku, np.ascontiguousarray(ts, "<f8").tobytes(),
                                                         np.ascontiguousarray(av, "<f8").tobytes()))
                self.stats["history_bytes"] += self.stats["bytes"] - b0
        elif isinstance(req, s.OperatorRequest):
            if self.insecure:
                role, name = self._insecure_role, "insecure"
            else:
                role, name = role_of(_user_id(body))
            if role != "operator":
                self.refused += 1
                log.warning("state stream: refused %s request from %s (%s)", req.kind, name or "?", role)
                self._send(self.router, ident, s.Reply(s.VERSION, req.rid, False, f"refused: {role}"))
                return
            if req.kind not in s.OPERATOR_KINDS or self.on_request is None:
                self._send(self.router, ident, s.Reply(s.VERSION, req.rid, False, f"unknown request {req.kind}"))
                return
            try:
                err = self.on_request(req.kind, dict(req.args), name)
            except Exception as e:  # a bad request must not take the core down
                log.exception("state stream: %s request failed", req.kind)
                err = f"{type(e).__name__}: {e}"
            self._send(self.router, ident, s.Reply(s.VERSION, req.rid, err is None, err))

    def close(self) -> None:
        """Close both sockets (and their monitors)."""
        for sock in (self.pub, self.router):
            try:
                sock.disable_monitor()
            except zmq.ZMQError:
                pass
        for mon in self._monitors:
            mon.close(0)
        self.pub.close(0)
        self.router.close(0)


def _user_id(frame: zmq.Frame) -> str | None:
    try:
        return frame.get("User-Id")
    except (zmq.ZMQError, AttributeError):
        return None


def _same_points(a: tuple, b: tuple) -> bool:
    """Two sparklines with the same points (NaN equals NaN)."""
    return a is b or (len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b)))


def _same(a, b) -> bool:
    """SkuView equality where a spark holding NaN still equals itself (dataclass == says it does not)."""
    if a == b:
        return True
    if a.spark is b.spark or len(a.spark) != len(b.spark):
        return False
    return all(x == y or (x != x and y != y) for x, y in zip(a.spark, b.spark)) and \
        a.__class__(**{**{f: getattr(b, f) for f in b.__slots__}, "spark": a.spark}) == a
