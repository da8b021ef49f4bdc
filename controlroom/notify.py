"""Alert notifications to the outside world: webhooks, on their own thread.

The core thread hands each alert transition over with :meth:`Notifier.submit`
(a queue append, never a network call); one notifier thread posts JSON to the
webhooks whose levels and states match, with a timeout and a few retries.  A
webhook that is down costs the live desk nothing: when the queue is full, the
oldest notifications are dropped and counted, never the core's time.
"""
from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable

import orjson

log = logging.getLogger(__name__)

DEFAULT_LEVELS = ("critical", "lost_sales", "feed")
DEFAULT_STATES = ("firing", "resolved")


@dataclass(frozen=True)
class Webhook:
    """One HTTP endpoint and which alert transitions it wants."""

    url: str
    levels: tuple[str, ...] = DEFAULT_LEVELS
    states: tuple[str, ...] = DEFAULT_STATES
    headers: tuple[tuple[str, str], ...] = ()

    def wants(self, level: str, state: str) -> bool:
        return level in self.levels and state in self.states

    @staticmethod
    def from_dict(d: dict) -> "Webhook":
        """Build from settings (``{"url": ..., "levels": [...], "states": [...], "headers": {...}}``)."""
        url = d.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook url must start with http:// or https://, got {url!r}")
        return Webhook(url=url, levels=tuple(d.get("levels", DEFAULT_LEVELS)),
                       states=tuple(d.get("states", DEFAULT_STATES)),
                       headers=tuple(sorted((d.get("headers") or {}).items())))


@dataclass
class NotifierStats:
    """What happened to notifications so far."""

    queued: int = 0
    sent: int = 0
    failed: int = 0  # gave up after the retries
    dropped: int = 0  # queue full: the oldest went unsent
    attempts: int = 0
    last_error: str | None = None
    failures: deque = field(default_factory=lambda: deque(maxlen=50))  # (wall, url, error)


def payload(transition: Any, room: str) -> dict:
    """The JSON body of one notification."""
    row = transition.as_row() if hasattr(transition, "as_row") else dict(transition)
    row["room"] = room
    row["source"] = "controlroom"
    return row


class Notifier:
    """Posts alert transitions to webhooks from its own thread."""

    def __init__(self, webhooks: Iterable[Webhook], *, room: str = "", timeout_s: float = 3.0, retries: int = 2,
                 backoff_s: float = 0.5, queue_max: int = 10_000) -> None:
        self.webhooks = tuple(webhooks)
        self.room = room
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.stats = NotifierStats()
        self._q: deque = deque()
        self._queue_max = queue_max
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    def start(self) -> "Notifier":
        """Start the notifier thread (no-op without webhooks)."""
        if self.webhooks and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="controlroom-notify", daemon=True)
            self._thread.start()
        return self

    def submit(self, transitions: Iterable[Any]) -> None:
        """Queue transitions for the webhooks that want them (cheap; any thread)."""
        if not self.webhooks:
            return
        for t in transitions:
            for hook in self.webhooks:
                if hook.wants(t.level, t.state):
                    if len(self._q) >= self._queue_max:
                        self._q.popleft()
                        self.stats.dropped += 1
                    self._q.append((hook, payload(t, self.room)))
                    self.stats.queued += 1
                    self._idle.clear()
        self._wake.set()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far was sent or given up on."""
        if not self._q:
            return True
        return self._idle.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread after a last flush (bounded by ``timeout``)."""
        self.flush(timeout)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                hook, body = self._q.popleft()
            except IndexError:
                self._idle.set()
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            self._deliver(hook, body)
        self._idle.set()

    def _deliver(self, hook: Webhook, body: dict) -> None:
        data = orjson.dumps(body)
        headers = {"Content-Type": "application/json", "User-Agent": "controlroom-notify/1", **dict(hook.headers)}
        for attempt in range(self.retries + 1):
            self.stats.attempts += 1
            try:
                req = urllib.request.Request(hook.url, data=data, headers=headers, method="POST")
                with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                    if 200 <= resp.status < 300:
                        self.stats.sent += 1
                        return
                    err = f"HTTP {resp.status}"
            except urllib.error.HTTPError as e:
                err = f"HTTP {e.code}"
                if 400 <= e.code < 500 and e.code != 429:
                    break  # the receiver will not change its mind: do not hammer it
            except (urllib.error.URLError, OSError, ValueError) as e:
                err = str(getattr(e, "reason", e))[:200]
            if self._stop.is_set():
                break
            time.sleep(self.backoff_s * (2 ** attempt))
        self.stats.failed += 1
        self.stats.last_error = f"{hook.url}: {err}"
        self.stats.failures.append((time.time(), hook.url, err))
        log.warning("webhook %s failed: %s", hook.url, err)


def notifier_from_config(hooks: list[dict] | None, *, room: str = "", timeout_s: float = 3.0,
                         retries: int = 2) -> Notifier:
    """A notifier from the settings' list of webhook tables."""
    return Notifier([Webhook.from_dict(h) for h in (hooks or [])], room=room, timeout_s=timeout_s, retries=retries)

