"""How far the core is behind the shop: the feed client's clock requests (``{"op": "clock"}``).

While live, the feed client (:mod:`controlroom.feed.client`) asks the shop for its clock about once a
second on the request socket, whose answer overtakes the events still queued for it on the
subscription.  The shop's ``ts`` minus the ``ts`` of the last event the client had applied when it asked
is how far (shop seconds) the core is **behind the shop**; the shop's ``seq`` minus the client's then,
by how many events.  A shop that refuses the request is not asked again.  A reading lapses after
:data:`CLOCK_STALE_S` of wall time without an answer (wall time: at a demo's 60x one second between
answers is a shop minute).  :class:`ShopClock` keeps that state; the client owns the socket.
"""
from __future__ import annotations

import uuid

import orjson

__all__ = ["ShopClock", "CLOCK_EVERY_S", "CLOCK_STALE_S", "BEHIND_NOTED_S", "CAUGHT_UP_S"]

CLOCK_EVERY_S = 1.0  # how often (wall) a live client asks the shop for its clock (0: never)
CLOCK_STALE_S = 5.0  # no answer for this long (wall): the reading is dropped (not measured, reported as 0)
# Shop seconds behind from which the desk says so and the session log keeps a "behind" feed incident (a demo
# shop steps its clock up to a second at a time at high speed: less is its rhythm, not a backlog).
BEHIND_NOTED_S = 3.0
CAUGHT_UP_S = 1.0  # and under which the incident ends ("caught up")


class ShopClock:
    """The clock requests of one feed client and the last reading (times: the client's monotonic clock)."""

    def __init__(self, every_s: float = CLOCK_EVERY_S, timeout_s: float = 2.0) -> None:
        self.every_s = every_s
        self.timeout_s = timeout_s
        self.pending_id: str | None = None  # the request out, if any
        self.sent_at = 0.0
        self.sent_ts = 0.0  # the last applied event's ts when it went out
        self.sent_seq = 0  # and the client's seq
        self.next_at = 0.0
        self.refused: str | None = None  # the shop's answer, when it refused the request
        self.behind_s: float | None = None  # shop seconds behind the shop, at the last answer
        self.behind_events = 0
        self.answers = 0
        self.answered_at = 0.0

    def lapse(self, now: float, live: bool) -> bool:
        """Drop a reading that is no longer current (the feed left live, or no answer for CLOCK_STALE_S);
        True when one was dropped (the listener is then told 0)."""
        if self.behind_s is not None and (not live or now - self.answered_at > CLOCK_STALE_S):
            self.behind_s, self.behind_events = None, 0
            return True
        return False

    def request(self, now: float, live: bool, last_ts: float, seq: int) -> bytes | None:
        """The request to send now, if one is due (giving up first on one unanswered past the timeout)."""
        if self.pending_id is not None and now - self.sent_at > self.timeout_s:
            self.pending_id = None  # lost (a reopened socket, a busy shop): the next one is due already
        if self.pending_id is not None or not live or self.every_s <= 0 or self.refused is not None \
                or now < self.next_at:
            return None
        self.pending_id = uuid.uuid4().hex
        self.sent_at, self.sent_ts, self.sent_seq = now, last_ts, seq
        self.next_at = now + self.every_s
        return orjson.dumps({"op": "clock", "id": self.pending_id})

    def is_answer(self, rep: object) -> bool:
        """Whether a decoded reply answers the request out."""
        return type(rep) is dict and self.pending_id is not None and rep.get("id") == self.pending_id

    def take(self, rep: dict, epoch: str | None, live: bool, now: float) -> str | None:
        """Take the answer: ``"refused"`` (asked no more), ``"reading"`` (``behind_s``/``behind_events`` new),
        or None (malformed, another epoch — a resync is coming —, or nothing applied yet to measure from)."""
        self.pending_id = None
        if rep.get("ok") is not True:
            self.refused = str(rep.get("error"))[:200]
            return "refused"
        ts, seq = rep.get("ts"), rep.get("seq")
        if type(ts) not in (int, float) or type(seq) is not int or rep.get("epoch") != epoch or not live \
                or self.sent_ts <= 0.0:
            return None
        self.answers += 1
        self.answered_at = now
        # Against where the core was when it asked (the shop answers at once; a busy core may read the answer
        # seconds later, having applied more by then): how far behind it was, a reading that old at most.
        self.behind_s = max(0.0, float(ts) - self.sent_ts)
        self.behind_events = max(0, seq - self.sent_seq)
        return "reading"
