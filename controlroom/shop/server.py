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
from collections import OrderedDict
from typing import Any, Iterable

import orjson
import zmq

from controlroom.protocol import (
    DEFAULT_EVENTS_ENDPOINT,
    DEFAULT_REQUESTS_ENDPOINT,
    HEARTBEAT_INTERVAL_S,
    Reject,
    error_reply,
    validate_command,
)
from controlroom.shop.stamp import Stamper

log = logging.getLogger(__name__)

REPLY_CACHE = 100_000  # command ids remembered for idempotent replays


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
        if curve is not None:
            curve.make_server(self.pub)
            curve.make_server(self.router)
        self.pub.bind(events_endpoint)
        self.router.bind(requests_endpoint)
        self.events_endpoint = self.pub.getsockopt_string(zmq.LAST_ENDPOINT)
        self.requests_endpoint = self.router.getsockopt_string(zmq.LAST_ENDPOINT)
        self._replies: OrderedDict[str, bytes] = OrderedDict()
        self._last_hb = 0.0
        self.commands_applied = 0
        self.command_log: list[dict] = []  # every applied command with who sent it
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
            while True:
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
        ident = frames[0].bytes
        user = None
        try:
            user = frames[-1].get("User-Id")
        except (zmq.ZMQError, AttributeError, KeyError):
            user = None
        body = frames[-1].bytes
        reply = self._answer(body, user)
        self.router.send_multipart([ident, reply])

    def _answer(self, body: bytes, user: str | None) -> bytes:
        try:
            req = orjson.loads(body)
        except orjson.JSONDecodeError:
            return orjson.dumps(error_reply(None, "malformed JSON request"))
        if type(req) is not dict:
            return orjson.dumps(error_reply(None, "request must be a JSON object"))
        rid = req.get("id")
        op = req.get("op")
        if op == "snapshot":
            snap = self.book.snapshot()
            rep = {"id": rid, "ok": True, "epoch": self.stamper.epoch, "seq": self.stamper.seq, **snap}
            return orjson.dumps(rep)
        if isinstance(rid, str) and rid in self._replies:
            # A retried command: same answer, no second effect.
            return self._replies[rid]
        try:
            validate_command(req)
        except Reject as e:
            return orjson.dumps(error_reply(rid, e.detail or e.reason))
        rep = self.book.apply_command(req)
        rep = {"id": rid, **rep}
        if rep.get("ok"):
            self.commands_applied += 1
            self.command_log.append({"id": rid, "op": op, "sku": req.get("sku"), "by": req.get("by"),
                                     "key": user, "at": time.time()})
        data = orjson.dumps(rep)
        self._replies[rid] = data
        if len(self._replies) > REPLY_CACHE:
            self._replies.popitem(last=False)
        return data

    def close(self) -> None:
        """Close both sockets (the context stays for its owner)."""
        if not self.closed:
            self.closed = True
            self.pub.close(0)
            self.router.close(0)
