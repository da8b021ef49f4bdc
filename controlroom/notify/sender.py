"""One HTTP worker thread per target: rate limits, retries with back-off and jitter, up/down status.

A :class:`TargetWorker` owns its queue, its :class:`~controlroom.notify.limits.RateLimiter`
and its thread, so a target that hangs or keeps failing delays nobody else: not the
core (which only appends to the notifier's queue), not the desk, not another target.

Per post: a 2xx whose body carries an error code (DingTalk/WeCom ``errcode``, Feishu
``code``) is a failure like an HTTP error (:meth:`~controlroom.notify.formats.Format.check`).
Network errors, 5xx and "busy" codes are retried with exponential back-off and jitter;
a 429 or a rate-limit code pauses the target (``Retry-After`` if given) and keeps the
message, which then carries whatever queued meanwhile (merged, "+N more").  A
signature, keyword or address error is a configuration error: not retried, shown as such.
A message given up on is counted, logged, and its episodes are announced as "+N more"
in the target's next post — never dropped silently.
"""
from __future__ import annotations

import logging
import random
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, replace
from typing import Callable

import orjson

from controlroom.notify.formats import Outcome, TargetConfig, get_format
from controlroom.notify.item import Message, merge
from controlroom.notify.limits import RateLimiter

log = logging.getLogger(__name__)

DOWN_AFTER_FAILURES = 3  # consecutive failed attempts that mark a target down before it gives up


@dataclass
class TargetStatus:
    """How one target is doing (the desk and ``notify test`` show it)."""

    name: str
    format: str
    state: str = "up"  # up | down | config (a configuration error: signature, keyword, address)
    last_error: str | None = None
    sent: int = 0  # posts accepted
    failed: int = 0  # messages given up on
    attempts: int = 0
    rate_limited: int = 0  # replies that said "too many"
    merged: int = 0  # posts that carried more than one queued message
    queued: int = 0


def http_post(url: str, body: bytes, headers: dict, timeout_s: float) -> tuple[int, bytes, str | None]:
    """POST and return (status, body, Retry-After); HTTP errors are returned, network errors raised."""
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            return resp.status, resp.read(65536), resp.headers.get("Retry-After")
    except urllib.error.HTTPError as e:
        try:
            data = e.read(65536)
        except OSError:
            data = b""
        return e.code, data, e.headers.get("Retry-After") if e.headers else None


class TargetWorker:
    """Posts one target's messages from its own thread."""

    def __init__(self, target: TargetConfig, *, timeout_s: float = 3.0, retries: int = 2, backoff_s: float = 0.5,
                 backoff_max_s: float = 30.0, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time, on_event: Callable[[str, str, str], None] | None = None,
                 windows: tuple[tuple[int, float], ...] | None = None, seed: int | None = None) -> None:
        self.target = target
        self.fmt = get_format(target.format)
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.clock = clock
        self.wall = wall
        self.on_event = on_event
        self.limiter = RateLimiter(self.fmt.rate_windows if windows is None else windows)
        self.status = TargetStatus(target.name, target.format)
        self._rng = random.Random(seed)
        self._q: deque[Message] = deque()
        self._head: Message | None = None  # a message waiting for a retry or the rate limit
        self._head_attempts = 0
        self._retry_at = 0.0
        self._carry = 0  # episodes of messages given up on: "+N more" in the next post
        self._fails_in_row = 0
        self._cv = threading.Condition()
        self._stop = False
        self._busy = False
        self._thread: threading.Thread | None = None

    # --- any thread ------------------------------------------------------------------------------
    def start(self) -> "TargetWorker":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"controlroom-notify-{self.target.name}",
                                            daemon=True)
            self._thread.start()
        return self

    def put(self, msg: Message) -> None:
        """Queue one message (never blocks on the network)."""
        with self._cv:
            self._q.append(msg)
            self.status.queued = len(self._q)
            self._cv.notify_all()

    def idle(self) -> bool:
        with self._cv:
            return not self._q and self._head is None and not self._busy

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued was posted or given up on (False on timeout)."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while self._q or self._head is not None or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cv.wait(min(left, 0.05))
        return True

    def close(self, timeout: float = 2.0) -> None:
        """Stop the thread (a post in flight ends within the HTTP timeout)."""
        with self._cv:
            self._stop = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    # --- the worker thread ------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cv:
                if self._stop:
                    return
                if not self._q and self._head is None:
                    self._cv.wait(0.5)
                    continue
                # Back-off is real time (the network's); rate windows are on the injectable clock.
                backoff_left = self._retry_at - time.monotonic() if self._head is not None else 0.0
                now = self.clock()
                wait = max(self.limiter.next_free(now) - now, backoff_left)
                if wait > 0:
                    self._cv.wait(min(wait, 0.5))
                    continue
                msg = self._take(self.limiter.capacity(now))
                self._busy = True
            try:
                self._post(msg)
            finally:
                with self._cv:
                    self._busy = False
                    self.status.queued = len(self._q)
                    self._cv.notify_all()

    def _take(self, capacity: int) -> Message:
        """The next post: one message, or everything queued when this is the last post the limit allows
        (or a kept message is going out again)."""
        if self._head is not None:
            parts = [self._head, *self._q]
            self._q.clear()
        elif capacity <= 1 and len(self._q) > 1:  # the last post the limit allows carries the rest
            parts = list(self._q)
            self._q.clear()
        else:
            parts = [self._q.popleft()]
        if len(parts) > 1:
            self.status.merged += 1
        self._head = None
        msg = merge(parts)
        if self._carry:
            msg = replace(msg, more=msg.more + self._carry)
            self._carry = 0
        return msg

    def _post(self, msg: Message) -> None:
        t = self.target
        try:
            url, body = self.fmt.build(msg, t, self.wall())
            data = orjson.dumps(body)
        except Exception as e:  # a bug in a format must not kill the thread
            self._give_up(msg, Outcome("fail", f"cannot build the payload: {e}"))
            return
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "controlroom-notify/2",
                   **dict(t.headers)}
        self.status.attempts += 1
        try:
            status, reply, retry_after = http_post(url, data, headers, self.timeout_s)
            out = self.fmt.check(status, reply, retry_after)
        except (urllib.error.URLError, OSError, ValueError) as e:
            out = Outcome("retry", str(getattr(e, "reason", e))[:200] or type(e).__name__)
        now = self.clock()
        if out.ok:
            self.limiter.record(now)
            self.status.sent += 1
            self._fails_in_row = 0
            self._head_attempts = 0
            if self.status.state != "up":
                self._event("up", f"{t.name}: posting again")
            self.status.state = "up"
            return
        if out.kind == "rate":
            self.status.rate_limited += 1
            self.limiter.block(now, out.retry_after_s if out.retry_after_s is not None else self.fmt.limited_retry_s)
            self._keep(msg, 0.0)  # the same message goes out once the robot allows, with what queued meanwhile
            self.status.last_error = f"rate limited: {out.detail}"
            return
        self._fails_in_row += 1
        self.status.last_error = out.detail
        if out.kind == "retry" and self._head_attempts < self.retries:
            self._head_attempts += 1
            delay = min(self.backoff_max_s, self.backoff_s * 2 ** (self._head_attempts - 1))
            delay *= 0.5 + self._rng.random()  # jitter: targets failing together do not retry together
            self._keep(msg, time.monotonic() + delay)
            if self._fails_in_row >= DOWN_AFTER_FAILURES:
                self._mark("down", out.detail)
            return
        self._give_up(msg, out)

    def _keep(self, msg: Message, retry_at: float) -> None:
        """Keep ``msg`` to go out again (merged with what queues meanwhile) after ``retry_at`` (monotonic)."""
        with self._cv:
            self._head = msg
            self._retry_at = retry_at

    def _give_up(self, msg: Message, out: Outcome) -> None:
        self._head_attempts = 0
        self.status.failed += 1
        self._carry += msg.count()
        self._mark("config" if out.kind == "config" else "down", out.detail)
        log.warning("notification target %s (%s): message not delivered: %s", self.target.name, self.target.format,
                    out.detail)

    def _mark(self, state: str, detail: str) -> None:
        self.status.last_error = detail
        if self.status.state != state:
            self.status.state = state
            self._event(state, f"{self.target.name}: {detail}")

    def _event(self, kind: str, detail: str) -> None:
        if self.on_event is not None:
            try:
                self.on_event(kind, self.target.name, detail)
            except Exception:  # pragma: no cover - a listener's bug must not stop the worker
                log.exception("notify event listener failed")
