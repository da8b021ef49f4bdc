"""Runs a :class:`ShopModel` live behind a :class:`ShopServer` (``controlroom simulate``).

The shop clock starts at the real time and runs ``speed`` times faster; the
loop publishes each slice's events, serves snapshots and commands, and sends
heartbeats, all from one thread.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import zmq

from controlroom.protocol import DEFAULT_EVENTS_ENDPOINT, DEFAULT_REQUESTS_ENDPOINT
from controlroom.shop.server import ShopServer
from controlroom.simulate.model import ShopModel

STEP_S = 0.1  # shop seconds per model step


class DemoShop:
    """A demo shop that plays a scenario in (accelerated) real time.

    ``run()`` blocks until the scenario ends plus ``linger_s`` (still answering
    snapshots and heartbeats), until ``duration_s`` wall seconds passed, or until
    ``stop()`` is called from another thread.  ``start()`` runs it in a thread.
    """

    def __init__(self, scenario: str = "evening-show", seed: int = 1, *, speed: float = 1.0, lag_s: float = 2.0,
                 events_endpoint: str = DEFAULT_EVENTS_ENDPOINT, requests_endpoint: str = DEFAULT_REQUESTS_ENDPOINT,
                 duration_s: float | None = None, linger_s: float = 10.0, curve: Any = None,
                 context: zmq.Context | None = None, on_second: Callable[["DemoShop"], None] | None = None,
                 model: ShopModel | None = None, show_seconds: float | None = None,
                 on_show_end: Callable[["DemoShop"], None] | None = None) -> None:
        self.model = model or ShopModel(scenario, seed, lag_s=lag_s)
        if show_seconds is not None:
            self.model.duration_s = min(self.model.duration_s, float(show_seconds))
        self.on_show_end = on_show_end
        self.speed = float(speed)
        self.duration_s = duration_s
        self.linger_s = linger_s
        self.on_second = on_second
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._hold = threading.Event()
        self._ctx = context
        self._curve = curve
        self._endpoints = (events_endpoint, requests_endpoint)
        self.server: ShopServer | None = None
        self.ready = threading.Event()
        self.finished = threading.Event()
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.published = 0

    # The server is created on the thread that runs the loop: sockets stay on one thread.
    def _bind(self) -> ShopServer:
        ev, rq = self._endpoints
        return ShopServer(self.model, self.model.stamper, events_endpoint=ev, requests_endpoint=rq,
                          context=self._ctx, curve=self._curve)

    def start(self) -> "DemoShop":
        """Run in a background thread; returns once the sockets are bound."""
        self.thread = threading.Thread(target=self._run_safely, name="demo-shop", daemon=True)
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("demo shop did not start")
        if self.error:
            raise self.error
        return self

    def _run_safely(self) -> None:
        try:
            self.run()
        except BaseException as e:  # surfaced to start() / the caller
            self.error = e
            self.ready.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the loop to end and wait for it (from another thread)."""
        self._stop.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def pause(self, paused: bool = True) -> None:
        """Stop (or resume) publishing anything, heartbeats included: the feed goes silent."""
        if paused:
            self._pause.set()
        else:
            self._pause.clear()

    def hold(self, held: bool = True) -> None:
        """Stop (or resume) the show while still serving heartbeats, snapshots and commands."""
        if held:
            self._hold.set()
        else:
            self._hold.clear()

    @property
    def endpoints(self) -> tuple[str, str]:
        """The bound endpoints (with the real port when bound to ``*``)."""
        assert self.server is not None
        return self.server.events_endpoint, self.server.requests_endpoint

    def run(self) -> None:
        """The shop loop (blocking)."""
        self.server = server = self._bind()
        self.ready.set()
        model = self.model
        wall0 = time.monotonic()
        shop0 = model.now
        ended_at = None
        next_second = wall0 + 1.0
        paused_for = 0.0
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if self.duration_s is not None and now - wall0 >= self.duration_s:
                    break
                if self._pause.is_set():
                    t0 = time.monotonic()
                    time.sleep(0.02)
                    paused_for += time.monotonic() - t0
                    continue
                if self._hold.is_set():
                    t0 = time.monotonic()
                    server.poll(timeout_ms=10)
                    paused_for += time.monotonic() - t0
                    continue
                target = shop0 + (now - wall0 - paused_for) * self.speed
                if not model.done:
                    batch = []
                    while model.now + STEP_S <= target and not model.done:
                        batch.extend(model.step(STEP_S))
                        if len(batch) > 5000:
                            server.send_stamped(batch)
                            self.published += len(batch)
                            batch = []
                    if batch:
                        server.send_stamped(batch)
                        self.published += len(batch)
                elif ended_at is None:
                    ended_at = now
                    if self.on_show_end:
                        self.on_show_end(self)
                elif now - ended_at >= self.linger_s:
                    break
                server.poll(timeout_ms=10)
                if self.on_second and now >= next_second:
                    next_second += 1.0
                    self.on_second(self)
        finally:
            server.close(linger_ms=500)
            self.finished.set()
