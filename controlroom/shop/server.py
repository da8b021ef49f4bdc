"""The shop side of protocol v1, for the demo shop and for real shop integrators.

A :class:`ShopServer` binds the events PUB socket and the requests ROUTER
socket, stamps and publishes events, sends heartbeats, answers snapshots and
applies commands exactly once per command ``id``.  It is single-threaded: the
owner calls :meth:`ShopServer.poll` from its own loop (as ZeroMQ sockets must
stay on one thread).  What the shop *is* lives in a ``book`` object:

* ``book.snapshot() -> dict`` with ``room, viewers, featured, skus`` (the
  current state, reflecting every event stamped so far);
* ``book.apply_command(req) -> dict`` returning ``{"ok": True, "sku", "available",
  "frozen"}`` or ``{"ok": False, "error"}``; it may stamp resulting ``stock``
  events and hand them out through ``book.drain()``;
* ``book.drain() -> list[(topic, stamped_event)]``.

Commands are answered by ``id``: a repeated ``id`` gets the stored reply and
changes nothing.  A command with a ``deadline`` (unix seconds) that the shop reads
after that time on its own clock is refused unapplied, and the refusal is stored.  Pass the previous server's :attr:`ShopServer.replies` to a new
server (``replies=``) to keep that promise across a restart (a real shop should
persist it with its inventory).  With ``curve=`` (a
:class:`controlroom.security.keys.ServerCurve`) both sockets are CURVE servers
that accept only authorised control-room keys, and every applied or rejected
command is recorded with the sender's authenticated key (``command_log`` /
``rejections``, field ``key``; ``None`` without CURVE).

Example (a minimal shop)::

    from controlroom.shop import ShopServer, Stamper
    stamper = Stamper(room="my-room")
    book = MyBook(stamper)            # your inventory adapter
    shop = ShopServer(book, stamper)
    shop.publish("order", {"order_id": "o1", "sku": "A1", "qty": 1,
                           "price_cents": 990, "channel": "live"})
    while running:
        shop.poll(timeout_ms=50)      # snapshots, commands, heartbeats
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict, deque
from typing import Any, Iterable

import orjson
import zmq

from controlroom.protocol import (
    DEFAULT_EVENTS_ENDPOINT,
    DEFAULT_REQUESTS_ENDPOINT,
    HEARTBEAT_INTERVAL_S,
    MAX_PAYLOAD_BYTES,
    Reject,
    error_reply,
    validate_command,
)
from controlroom.shop.stamp import Stamper

log = logging.getLogger(__name__)

EXPIRED_ERROR = "expired: the command's deadline passed before the shop read it"
REPLY_CACHE = 100_000  # command ids remembered for idempotent replays
MAX_REQUESTS_PER_POLL = 1_000  # a flood of requests cannot starve publishing and heartbeats


class ShopServer:
    """Binds PUB (events) and ROUTER (requests); single-threaded by design."""

    def __init__(
        self,
        book: Any,
        stamper: Stamper,
        *,
        events_endpoint: str = DEFAULT_EVENTS_ENDPOINT,
        requests_endpoint: str = DEFAULT_REQUESTS_ENDPOINT,
        context: zmq.Context | None = None,
        curve: Any = None,
        sndhwm: int = 1_000_000,
        replies: OrderedDict | None = None,
    ) -> None:
        self.book = book
        self.stamper = stamper
        self.ctx = context or zmq.Context.instance()
        self.curve = curve
        self.pub = self.ctx.socket(zmq.PUB)
        self.pub.setsockopt(zmq.LINGER, 0)
        self.pub.setsockopt(zmq.SNDHWM, sndhwm)
        self.router = self.ctx.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.setsockopt(zmq.ROUTER_MANDATORY, 0)
        try:
            if curve is not None:
                curve.make_server(self.pub)
                curve.make_server(self.router)
            self.pub.bind(events_endpoint)
            self.router.bind(requests_endpoint)
        except BaseException:
            # A failed bind (port taken, bad key file ...) must not leak the other socket.
            self.pub.close(0)
            self.router.close(0)
            raise
        self.events_endpoint = self.pub.getsockopt_string(zmq.LAST_ENDPOINT)
        self.requests_endpoint = self.router.getsockopt_string(zmq.LAST_ENDPOINT)
        # id -> stored reply; hand it to the next server after a restart to stay exactly-once.
        self.replies: OrderedDict[str, bytes] = replies if replies is not None else OrderedDict()
        self._replies = self.replies
        self._last_hb = 0.0
        self.heartbeats = 0  # hb events sent (each takes a seq)
        self.requests = 0  # request messages received (snapshots, commands, garbage)
        self.replays = 0  # repeated command ids answered from the stored reply
        self.commands_applied = 0
        self.commands_rejected = 0
        self.commands_expired = 0  # refused because their deadline had passed
        self.clock = time.time  # the shop's wall clock, against which a command's deadline is checked
        self.command_log: list[dict] = []  # every applied command with who sent it
        self.rejections: deque[dict] = deque(maxlen=10_000)  # refused requests with who sent them
        self.closed = False

    # --- publishing ---------------------------------------------------------------
    def publish(self, topic: str, fields: dict | None = None, ts: float | None = None) -> dict:
        """Stamp and send one event; returns the stamped event."""
        ev = self.stamper.stamp(dict(fields or {}), ts)
        self.pub.send_multipart([topic.encode(), orjson.dumps(ev)])
        return ev

    def publish_batch(self, topic: str, fields_list: Iterable[dict]) -> list[dict]:
        """Stamp several events of one topic and send them as one batch message."""
        evs = [self.stamper.stamp(dict(f)) for f in fields_list]
        if evs:
            self.pub.send_multipart([topic.encode(), orjson.dumps(evs)])
        return evs

    def send_stamped(self, events: Iterable[tuple[str, dict]]) -> int:
        """Send already-stamped events, grouping consecutive ones of a topic into batches.

        Consecutive grouping keeps ``seq`` order on the wire, which receivers rely on.
        """
        n = 0
        cur_topic = None
        cur: list[dict] = []
        send = self.pub.send_multipart
        for topic, ev in events:
            if topic != cur_topic and cur:
                send([cur_topic.encode(), orjson.dumps(cur if len(cur) > 1 else cur[0])])
                n += 1
                cur = []
            cur_topic = topic
            cur.append(ev)
        if cur:
            send([cur_topic.encode(), orjson.dumps(cur if len(cur) > 1 else cur[0])])
            n += 1
        return n

    def heartbeat(self) -> None:
        """Send a heartbeat now."""
        self._last_hb = time.monotonic()
        self.heartbeats += 1
        self.publish("hb")

    # --- serving ------------------------------------------------------------------
    def poll(self, timeout_ms: int = 0) -> int:
        """Serve pending requests (waiting up to ``timeout_ms``) and send a heartbeat if due.

        Returns the number of requests handled.
        """
        handled = 0
        if time.monotonic() - self._last_hb >= HEARTBEAT_INTERVAL_S:
            self.heartbeat()
        if self.router.poll(timeout_ms, zmq.POLLIN):
            while handled < MAX_REQUESTS_PER_POLL:
                try:
                    frames = self.router.recv_multipart(zmq.NOBLOCK, copy=False)
                except zmq.Again:
                    break
                self._handle(frames)
                handled += 1
        if handled:
            self.send_stamped(self.book.drain())
        if time.monotonic() - self._last_hb >= HEARTBEAT_INTERVAL_S:
            self.heartbeat()
        return handled

    def _handle(self, frames: list) -> None:
        self.requests += 1
        user = None
        try:
            user = frames[-1].get("User-Id")  # the CURVE key the ZAP handler authenticated
        except (zmq.ZMQError, AttributeError, KeyError):
            user = None
        if isinstance(user, bytes):
            user = user.decode("ascii", "replace")
        body = frames[-1].bytes
        reply = self._answer(body, user or None)
        # Keep the whole envelope (identity, and the empty delimiter a REQ client adds).
        self.router.send_multipart([*frames[:-1], reply])

    def _refuse(self, rid: Any, text: str, user: str | None, req: Any = None) -> bytes:
        self.commands_rejected += 1
        entry = {"id": rid if isinstance(rid, str) else None, "error": text, "key": user, "at": time.time()}
        if type(req) is dict:
            entry.update(op=str(req.get("op"))[:40], sku=str(req.get("sku"))[:64], by=str(req.get("by"))[:64])
        self.rejections.append(entry)
        return orjson.dumps(error_reply(rid, text))

    def _answer(self, body: bytes, user: str | None) -> bytes:
        if len(body) > MAX_PAYLOAD_BYTES:
            return self._refuse(None, f"request larger than {MAX_PAYLOAD_BYTES} bytes", user)
        try:
            req = orjson.loads(body)
        except orjson.JSONDecodeError:
            return self._refuse(None, "malformed JSON request", user)
        if type(req) is not dict:
            return self._refuse(None, "request must be a JSON object", user)
        rid = req.get("id")
        op = req.get("op")
        if op == "snapshot":
            try:
                snap = self.book.snapshot()
            except Exception:
                log.exception("book.snapshot() failed")
                return orjson.dumps(error_reply(rid, "shop error while taking the snapshot"))
            rep = {"id": rid, "ok": True, "epoch": self.stamper.epoch, "seq": self.stamper.seq, **snap}
            return orjson.dumps(rep)
        if op == "clock":
            # Read-only, like a snapshot: where the shop's feed is now (its clock, its last seq).  The
            # feed client asks every second; against the last event it applied, that is how far the
            # core is behind the shop, which a freeze decided now will meet (engine/lag.py).
            return orjson.dumps({"id": rid, "ok": True, "epoch": self.stamper.epoch, "seq": self.stamper.seq,
                                 "ts": self.stamper.clock()})
        if isinstance(rid, str) and rid in self._replies:
            # A retried command: same answer, no second effect.
            self.replays += 1
            return self._replies[rid]
        try:
            validate_command(req)
        except Reject as e:
            return self._refuse(rid, e.detail or e.reason, user, req)
        deadline = req.get("deadline")
        if deadline is not None and self.clock() > deadline:
            # Too late: refused, and the refusal is stored like any answer, so a retry of this id
            # can never apply it later — the sender's "not applied" stays true.
            self.commands_expired += 1
            data = self._refuse(rid, f"{EXPIRED_ERROR} (it was due by {deadline:.3f}, the shop's clock reads "
                                     f"{self.clock():.3f}); not applied", user, req)
            self._store(rid, data)
            return data
        try:
            rep = self.book.apply_command(req)
            if type(rep) is not dict or type(rep.get("ok")) is not bool:
                raise TypeError(f"book.apply_command returned {rep!r:.80}")
        except Exception:
            # Stored like any answer: a retry must not try a half-applied command again.
            log.exception("book.apply_command(%r) failed", req)
            rep = {"ok": False, "error": "shop error while applying the command"}
        rep = {**rep, "id": rid}
        if rep["ok"]:
            self.commands_applied += 1
            self.command_log.append({"id": rid, "op": op, "sku": req.get("sku"), "by": req.get("by"),
                                     "key": user, "at": time.time()})
        else:
            self._refuse(rid, str(rep.get("error")), user, req)
        data = orjson.dumps(rep)
        self._store(rid, data)
        return data

    def _store(self, rid: str, data: bytes) -> None:
        self._replies[rid] = data
        if len(self._replies) > REPLY_CACHE:
            self._replies.popitem(last=False)

    def close(self, linger_ms: int = 0) -> None:
        """Close both sockets (the context stays for its owner).

        ``linger_ms`` > 0 gives queued events that long to leave (a graceful stop).
        """
        if not self.closed:
            self.closed = True
            self.pub.close(linger_ms)
            self.router.close(linger_ms)
