"""Per-robot rate limits: sliding windows of (posts, seconds), plus a server-imposed pause.

WeCom and DingTalk accept 20 messages a minute per robot, Feishu 100 a minute and
5 a second; Slack says so with a 429 and ``Retry-After``.  The sender asks
:meth:`RateLimiter.capacity` before each post: with room for fewer posts than are
queued, the last allowed post carries the rest merged ("+N more", see
:func:`~controlroom.notify.item.merge`), so nothing is dropped silently.
"""
from __future__ import annotations

from collections import deque


class RateLimiter:
    """Sliding-window limits; the caller passes the (monotonic) time, so tests need no sleeping."""

    def __init__(self, windows: tuple[tuple[int, float], ...] = ()) -> None:
        self.windows = tuple((int(n), float(s)) for n, s in windows)
        span = max((s for _n, s in self.windows), default=0.0)
        self._span = span
        self._sent: deque[float] = deque()
        self.blocked_until = 0.0  # set by a 429 / rate-limit reply

    def _trim(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self._span:
            self._sent.popleft()

    def capacity(self, now: float) -> int:
        """How many posts may go out now (a large number when unlimited)."""
        if now < self.blocked_until:
            return 0
        self._trim(now)
        cap = 1 << 30
        for n, s in self.windows:
            used = sum(1 for t in self._sent if t > now - s)
            cap = min(cap, max(0, n - used))
        return cap

    def next_free(self, now: float) -> float:
        """The earliest time a post may go out (``now`` if one may go now)."""
        if self.capacity(now) > 0:
            return now
        t = max(now, self.blocked_until)
        for n, s in self.windows:
            inside = [x for x in self._sent if x > now - s]
            if len(inside) >= n:
                t = max(t, inside[len(inside) - n] + s)  # when the oldest of the last n leaves the window
        return t

    def record(self, now: float) -> None:
        """A post went out at ``now``."""
        self._sent.append(now)

    def block(self, now: float, seconds: float) -> None:
        """The robot said "too many": nothing goes out for ``seconds``."""
        self.blocked_until = max(self.blocked_until, now + seconds)
