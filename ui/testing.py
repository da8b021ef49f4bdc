"""A real desk over a real demo shop on loopback, for tests, the screenshot script and the benchmark.

``DeskHarness`` starts a :class:`~controlroom.simulate.runner.DemoShop` in a thread
(``tcp://127.0.0.1:*``, no CURVE), a :class:`~controlroom.live.session.LiveSession` on it
(settings from ``load_settings(None, {...endpoints..., **overrides})``, no session
log) — or, with ``core_process=True``, a :class:`~controlroom.live.process.RemoteSession`
running it in a child process — and the desk with its bridge, using a throwaway QSettings file and a silent
sound backend (plays are still counted).
"""
from __future__ import annotations

import os
import tempfile
import time
from typing import Any

LOOPBACK = "tcp://127.0.0.1:*"


def start_shop(scenario: str = "evening-show", seed: int = 1, speed: float = 30.0, *,
               events: str = LOOPBACK, requests: str = LOOPBACK, retry_s: float = 5.0, **kw: Any):
    """A started DemoShop; retries binding for a while (a port just released may still be busy)."""
    import zmq

    from controlroom.simulate.runner import DemoShop

    deadline = time.monotonic() + retry_s
    while True:
        shop = DemoShop(scenario, seed, speed=speed, events_endpoint=events, requests_endpoint=requests,
                        linger_s=kw.pop("linger_s", 600), **kw)
        try:
            return shop.start()
        except zmq.ZMQError as e:
            if e.errno != zmq.EADDRINUSE or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class DeskHarness:
    """Shop + core + desk; ``close()`` stops all three.  Use as a context manager."""

    def __init__(self, scenario: str = "evening-show", seed: int = 1, speed: float = 30.0, *,
                 overrides: dict | None = None, charts: bool = True, hz: float | None = None,
                 size: tuple[int, int] = (1600, 960), store_path: str | None = None,
                 core_process: bool = False, desktop=None, endpoints: tuple[str, str] | None = None) -> None:
        from PySide6.QtCore import QSettings

        from controlroom.live.session import LiveSession
        from controlroom.settings import load_settings
        from ui.app import build_desk
        from ui.sound import AlertSound

        # ``endpoints``: (events, requests) of a shop run elsewhere (e.g. its own process, to be stopped
        # with SIGSTOP); the harness then starts none and ``shop`` is None.
        self.shop = start_shop(scenario, seed, speed) if endpoints is None else None
        self.events, self.requests = self.shop.endpoints if endpoints is None else endpoints
        ov = {"feed.events_endpoint": self.events, "feed.requests_endpoint": self.requests}
        ov.update(overrides or {})
        self.settings = load_settings(None, ov)
        if core_process:  # the desk's default: the core in a child process (controlroom.live.process)
            from controlroom.live.process import RemoteSession

            self.session = RemoteSession(self.settings, curve=None, operator="tester").start()
        else:
            from controlroom.notify import notifier_from_settings

            ns = self.settings.notify  # webhooks as in a show (wiring.build_session)
            notifier = notifier_from_settings(ns).start() if ns.webhooks else None
            self.session = LiveSession(self.settings, curve=None, session_log=None, operator="tester",
                                       notifier=notifier).start()
        self._tmp = None
        if store_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="controlroom-desk-")
            store_path = os.path.join(self._tmp.name, "desk.ini")
        self.store_path = store_path
        self.store = QSettings(store_path, QSettings.Format.IniFormat)
        self.sound = AlertSound(backend="silent")
        self.bridge, self.window = build_desk(self.session, store=self.store, sound=self.sound, charts=charts, hz=hz,
                                              desktop=desktop)
        self.window.resize(*size)
        self.window.show()
        self.bridge.start()

    # --- helpers -------------------------------------------------------------------------------------
    def sku_index(self, sku: str) -> int:
        return self.shop.model.index[sku]

    def shop_frozen(self, sku: str) -> bool:
        return bool(self.shop.model.frozen[self.sku_index(sku)])

    def shop_delisted(self, sku: str) -> bool:
        return bool(self.shop.model.delisted[self.sku_index(sku)])

    def shop_available(self, sku: str) -> int:
        return int(self.shop.model.available[self.sku_index(sku)])

    def restart_shop(self, **kw: Any):
        """Stop the shop and start a new one bound to the same endpoints."""
        scenario = kw.pop("scenario", "evening-show")
        seed = kw.pop("seed", 2)
        speed = kw.pop("speed", self.shop.speed)
        self.shop.stop()
        self.shop = start_shop(scenario, seed, speed, events=self.events, requests=self.requests, **kw)
        return self.shop

    def close(self) -> None:
        try:
            self.bridge.stop()
            self.window.close()
            self.window.deleteLater()
        finally:
            self.session.stop()
            if self.shop is not None:
                self.shop.stop()
            if self._tmp is not None:
                self._tmp.cleanup()

    def __enter__(self) -> "DeskHarness":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def spin(app, seconds: float, until=None, step_s: float = 0.005) -> bool:
    """Run ``app``'s event loop for up to ``seconds`` wall seconds.

    With ``until`` (a callable), return True as soon as it holds and False if it never did; without
    it, run the whole time and return True.  One helper for the scripts that drive real windows
    (the rooms screenshot, ``bench rooms``): the sleep keeps a 2-core machine free for the processes
    being watched, and ``until`` is checked after every pass of the loop.
    """
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(step_s)
    return until is None
