"""Test harnesses for the command channel over real sockets (used by the tests and the benchmark).

* :class:`ShopThread` runs a :class:`~controlroom.shop.ShopServer` over a book
  (normally a :class:`~controlroom.simulate.model.ShopModel`) in a background
  thread that creates and owns the server's sockets.  Other threads touch the
  book only through :meth:`ShopThread.call`, which runs a function in the shop
  thread.
* :func:`paced_shop_main` is a shop process for benchmarks (feed at a set rate).
* :class:`LossyProxy` sits between a client and the shop's request socket and
  drops chosen replies, as a flaky network would.
"""
from __future__ import annotations

import queue
import threading
import time
from collections import OrderedDict
from typing import Any, Callable

import orjson
import zmq

from controlroom.shop.server import ShopServer


class ShopCrash(BaseException):
    """Raised inside the shop thread to simulate the shop process dying on the spot."""


class _CrashableServer(ShopServer):
    """A ShopServer that can die while handling a chosen command id (before or after applying it)."""

    crash_on: dict[str, str]

    def _answer(self, body: bytes, user: str | None) -> bytes:
        try:
            req = orjson.loads(body)
            rid = req.get("id") if req.get("op") not in ("snapshot", "clock") else None
        except Exception:
            rid = None
        when = None
        if isinstance(rid, str):
            when = self.crash_on.get(rid) or self.crash_on.get("*")  # "*": the next command, whatever its id
        if when == "before":
            raise ShopCrash(rid)
        out = super()._answer(body, user)
        if when == "after":
            raise ShopCrash(rid)
        return out


class ShopThread:
    """A shop server and its book, served from a background thread.

    ``step_s``: if set, the shop also advances ``book.step(step_s)`` every ``step_s``
    seconds of wall time and publishes the events (a live demo shop); by default
    it only serves requests and heartbeats.
    """

    def __init__(self, book: Any, *, curve: Any = None, events_endpoint: str = "tcp://127.0.0.1:*",
                 requests_endpoint: str = "tcp://127.0.0.1:*", replies: OrderedDict | None = None,
                 context: zmq.Context | None = None, step_s: float | None = None,
                 crash_on: dict[str, str] | None = None, bind_retry_s: float = 3.0) -> None:
        self.book = book
        self.curve = curve
        self._events_ep = events_endpoint
        self._requests_ep = requests_endpoint
        self.replies = replies if replies is not None else OrderedDict()
        self.ctx = context or zmq.Context.instance()
        self.step_s = step_s
        self.crash_on = dict(crash_on or {})
        self.bind_retry_s = bind_retry_s
        self.server: ShopServer | None = None
        self.events_endpoint = ""
        self.requests_endpoint = ""
        self.crashed = False
        self.error: BaseException | None = None
        self._calls: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shop", daemon=True)

    def start(self, timeout: float = 5.0) -> "ShopThread":
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("shop thread did not start")
        if self.error is not None:
            raise RuntimeError(f"shop failed to start: {self.error!r}") from self.error
        return self

    def _bind(self) -> ShopServer:
        deadline = time.monotonic() + self.bind_retry_s
        while True:
            try:
                srv = _CrashableServer(self.book, self.book.stamper, events_endpoint=self._events_ep,
                                       requests_endpoint=self._requests_ep, context=self.ctx, curve=self.curve,
                                       replies=self.replies)
                srv.crash_on = self.crash_on
                return srv
            except zmq.ZMQError as e:
                # A port just released by a previous server may take a moment to be free.
                if e.errno != zmq.EADDRINUSE or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _run(self) -> None:
        try:
            self.server = srv = self._bind()
        except BaseException as e:  # reported by start()
            self.error = e
            self._ready.set()
            return
        self.events_endpoint = srv.events_endpoint
        self.requests_endpoint = srv.requests_endpoint
        self._ready.set()
        next_step = time.monotonic() + (self.step_s or 0.0)
        try:
            while not self._stop.is_set():
                srv.poll(5)
                while True:
                    try:
                        fn, box, done = self._calls.get_nowait()
                    except queue.Empty:
                        break
                    try:
                        box.append(("ok", fn(srv)))
                    except BaseException as e:  # handed back to the caller
                        box.append(("err", e))
                    done.set()
                if self.step_s and time.monotonic() >= next_step:
                    next_step += self.step_s
                    srv.send_stamped(self.book.step(self.step_s))
        except ShopCrash:
            self.crashed = True
        except BaseException as e:  # pragma: no cover - surfaced through .error
            self.error = e
        finally:
            srv.close()

    def call(self, fn: Callable[[ShopServer], Any], timeout: float = 5.0) -> Any:
        """Run ``fn(server)`` in the shop thread and return its result (the book is ``server.book``)."""
        if not self._thread.is_alive():
            return fn(self.server)  # the thread is gone: nothing else touches the book
        box: list = []
        done = threading.Event()
        self._calls.put((fn, box, done))
        if not done.wait(timeout):
            if not self._thread.is_alive():
                return fn(self.server)
            raise TimeoutError("shop thread did not answer")
        kind, val = box[0]
        if kind == "err":
            raise val
        return val

    def join(self, timeout: float = 5.0) -> None:
        """Wait for the thread to end (after a crash or stop)."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError("shop thread did not stop")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving and close the sockets."""
        self._stop.set()
        if self._thread.is_alive():
            self.join(timeout)

    def __enter__(self) -> "ShopThread":
        return self.start() if not self._thread.is_alive() else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class LossyProxy:
    """A ROUTER front / DEALER back relay that drops replies chosen by ``drop(reply_dict) -> bool``.

    The default drops the first reply for every command id (so each command
    needs exactly one retry).  ``dropped`` counts the dropped replies.
    """

    def __init__(self, backend: str, *, context: zmq.Context | None = None,
                 drop: Callable[[dict], bool] | None = None) -> None:
        self.ctx = context or zmq.Context.instance()
        self.backend = backend
        self._seen: set[str] = set()
        self.drop = drop or self._first_reply_per_id
        self.dropped = 0
        self.forwarded = 0
        self.frontend = ""
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lossy-proxy", daemon=True)

    def _first_reply_per_id(self, rep: dict) -> bool:
        rid = rep.get("id")
        if rid in self._seen:
            return False
        self._seen.add(rid)
        return True

    def start(self) -> "LossyProxy":
        self._thread.start()
        if not self._ready.wait(5):
            raise TimeoutError("proxy did not start")
        return self

    def _run(self) -> None:
        front = self.ctx.socket(zmq.ROUTER)
        back = self.ctx.socket(zmq.DEALER)
        for s in (front, back):
            s.setsockopt(zmq.LINGER, 0)
        front.bind("tcp://127.0.0.1:*")
        back.connect(self.backend)
        self.frontend = front.getsockopt_string(zmq.LAST_ENDPOINT)
        self._ready.set()
        poller = zmq.Poller()
        poller.register(front, zmq.POLLIN)
        poller.register(back, zmq.POLLIN)
        try:
            while not self._stop.is_set():
                for sock, _ in poller.poll(5):
                    if sock is front:
                        back.send_multipart(front.recv_multipart())  # [client ident, body] -> back
                    else:
                        frames = back.recv_multipart()  # [client ident, reply]
                        try:
                            rep = orjson.loads(frames[-1])
                        except orjson.JSONDecodeError:
                            rep = {}
                        if type(rep) is dict and self.drop(rep):
                            self.dropped += 1
                            continue
                        self.forwarded += 1
                        front.send_multipart(frames)
        finally:
            front.close(0)
            back.close(0)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def drive(client: Any, until: Callable[[], bool], timeout: float = 5.0, step_ms: int = 5) -> bool:
    """Run a CommandClient's owner loop (poll, handle_readable, service) until ``until()`` or timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if until():
            return True
        if time.monotonic() >= deadline:
            return False
        if client.socket.poll(step_ms, zmq.POLLIN):
            client.handle_readable()
        client.service()


def raw_request(endpoint: str, body: bytes | dict, *, context: zmq.Context | None = None, curve: Any = None,
                timeout: float = 1.0, socket_type: int = zmq.DEALER) -> dict | None:
    """Send one request frame on a fresh socket; return the decoded reply, or None if none came in time."""
    ctx = context or zmq.Context.instance()
    s = ctx.socket(socket_type)
    s.setsockopt(zmq.LINGER, 0)
    try:
        if curve is not None:
            curve.apply(s)
        s.connect(endpoint)
        s.send(orjson.dumps(body) if isinstance(body, dict) else body)
        if not s.poll(int(timeout * 1000), zmq.POLLIN):
            return None
        return orjson.loads(s.recv_multipart()[-1])
    finally:
        s.close(0)


def paced_shop_main(conn: Any, keys_dir: str | None, quiet_sku: str = "PF01") -> None:
    """A shop process for benchmarks: serve commands, publish orders at the rate the parent asks for.

    Protocol on ``conn`` (a multiprocessing pipe end): it first sends ``(events_ep, requests_ep)``;
    then ``("rate", events_per_s)`` (answered ``("rate", r)``) sets the feed rate, one ``order``
    event per message, paced in ~1 ms slices; ``("stop",)`` is answered with
    ``{"sent", "applied"}`` and ends it.  ``keys_dir``: demo key folder for CURVE, or None.
    Orders never name ``quiet_sku`` (the SKU the benchmark freezes).
    """
    from controlroom.security.keys import ensure_demo_keys
    from controlroom.simulate.model import ShopModel

    ctx = zmq.Context()
    curve = None
    if keys_dir:
        curve, _ = ensure_demo_keys(keys_dir, context=ctx)
    model = ShopModel("flash-sale", seed=1)
    shop = ShopServer(model, model.stamper, context=ctx, curve=curve,
                      events_endpoint="tcp://127.0.0.1:*", requests_endpoint="tcp://127.0.0.1:*")
    conn.send((shop.events_endpoint, shop.requests_endpoint))
    skus = [s["sku"] for s in model.catalog if s["sku"] != quiet_sku]
    rate = 0.0
    t0 = time.perf_counter()
    sent_at_t0 = 0
    sent = 0
    order_no = 0
    next_ctl = 0.0
    publish = shop.publish
    try:
        while True:
            now = time.perf_counter()
            if now >= next_ctl:
                next_ctl = now + 0.01
                if conn.poll():
                    msg = conn.recv()
                    if msg[0] == "stop":
                        conn.send({"sent": sent, "applied": shop.commands_applied})
                        return
                    if msg[0] == "rate":
                        rate = float(msg[1])
                        t0, sent_at_t0 = now, sent
                        conn.send(("rate", rate))
            if rate > 0:
                due = int((now - t0) * rate) - (sent - sent_at_t0)
                for _ in range(min(due, 2_000)):  # a slice never blocks the request socket for long
                    order_no += 1
                    publish("order", {"order_id": f"b{order_no}", "sku": skus[order_no % len(skus)], "qty": 1,
                                      "price_cents": 1990, "channel": "live"})
                    sent += 1
            # Requests wake this poll at once; otherwise it paces the feed in ~1 ms slices.
            shop.poll(timeout_ms=1)
    finally:
        shop.close()
        if curve is not None:
            curve.close()
        ctx.destroy(0)
