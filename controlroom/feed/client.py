"""The feed client: the ZeroMQ Guide's Clone pattern over protocol v1.

Subscribe first, then ask for a snapshot; events that arrive meanwhile are
buffered, those already reflected in the snapshot (``seq`` ≤ its ``seq``) are
dropped and the rest applied.  A gap in ``seq``, a new ``epoch`` or 3 s with no
message (wall clock) starts a resync with capped backoff.  The client never
applies an event it cannot place exactly: anything it cannot apply does not
advance ``seq``, so the next good event shows a gap and a snapshot restores the
truth.

While live it also asks the shop for its clock about once a second: how far the core is **behind
the shop** (:mod:`controlroom.feed.shop_clock`; :attr:`FeedClient.behind_s`, told to the listener's
``on_clock``).

The client is run by one thread, which owns its sockets (``poll`` or, inside a
bigger loop, ``register`` + ``handle`` + ``service``).  What it accepts goes to a
``listener`` one batch at a time (see :class:`FeedListener`).
"""
from __future__ import annotations

import logging
import sys
import time
import uuid
from collections import Counter, deque
from typing import Any, Callable

import msgspec
import orjson
import zmq

from controlroom.net.diagnose import ConnectionWatch
from controlroom.feed.batch import EventBatch, decode_batch, session_decoders
from controlroom.feed.listener import FeedListener
from controlroom.feed.mirror import StockMirror
from controlroom.feed.shop_clock import CLOCK_EVERY_S, ShopClock
from controlroom.feed.validate import columns
from controlroom.protocol import (
    DEFAULT_EVENTS_ENDPOINT,
    DEFAULT_REQUESTS_ENDPOINT,
    Reject,
    decode_payload,
    decode_topic,
    decode_valid,
    validate_event,
)

log = logging.getLogger(__name__)

RAW_KEEP = 512  # bytes of a rejected message kept for review
# Feed messages queued unread in this process at most (setting feed.receive_queue_messages). Past it
# the SUB socket stops reading, TCP pushes back, and the shop's PUB queue fills and drops: the next
# message that does arrive (a heartbeat at the latest) shows a seq gap and a snapshot restores the
# truth.  At the peak's 100-event batches (~19 KB) 5,000 messages are ~95 MB, ~9 s of 55k ev/s.
RCVHWM = 5_000
MAX_MSGS_PER_HANDLE = 200  # bound one handle() call so commands and timers get their turn


class FeedClient:
    """Receives the shop's feed exactly: no event lost, none counted twice."""

    def __init__(
        self,
        events_endpoint: str = DEFAULT_EVENTS_ENDPOINT,
        requests_endpoint: str = DEFAULT_REQUESTS_ENDPOINT,
        *,
        room: str | None = None,
        listener: FeedListener | None = None,
        context: zmq.Context | None = None,
        curve: Any = None,
        stale_after_s: float = 3.0,
        snapshot_timeout_s: float = 2.0,
        backoff_max_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        rcvhwm: int = RCVHWM,
        clock_every_s: float = CLOCK_EVERY_S,
    ) -> None:
        self.events_endpoint = events_endpoint
        self.requests_endpoint = requests_endpoint
        self.room = room
        self.listener = listener or FeedListener()
        self.ctx = context or zmq.Context.instance()
        self.curve = curve
        self.stale_after_s = stale_after_s
        self.snapshot_timeout_s = snapshot_timeout_s
        self.backoff_max_s = backoff_max_s
        self.clock = clock
        self.wall = wall
        self.rcvhwm = rcvhwm
        self.mirror = StockMirror()
        self.state = "connecting"
        self.epoch: str | None = None
        self.seq = 0
        self.counts: Counter = Counter()  # events accepted by topic
        self.rejects: Counter = Counter()  # by reason
        self.reject_samples: deque = deque(maxlen=200)
        self.gaps = 0
        self.resyncs = 0
        self.snapshots = 0
        self.skipped = 0  # events already reflected in a snapshot or seen before
        self.last_gap: str | None = None
        self.last_drift: str | None = None
        self.incidents: deque = deque(maxlen=500)  # (wall, kind, detail)
        self._buffer: list[dict] = []
        # The batch decoders of the adopted session (epoch, room, catalogue as literals), if any.
        self._decoders: dict | None = None
        self._pending_id: str | None = None
        self._pending_since = 0.0
        self._next_try = 0.0
        self._backoff = 0.5
        self._drifts_seen = 0
        self.shop_clock = ShopClock(clock_every_s, snapshot_timeout_s)  # how far behind the shop we are
        self.last_message = self.clock()
        self.watch: ConnectionWatch | None = None
        self.diagnosis: str | None = None  # why nothing arrived (socket monitor), once 3 s passed
        self.sub = self._new_sub()
        self.dealer = self._new_dealer()
        self._poller: zmq.Poller | None = None
        # Slow joiner: ask for the snapshot once the subscription delivers its first message
        # (so no event can fall between the snapshot and the stream), or after 1 s at the latest.
        self._next_try = self.clock() + 1.0

    # --- sockets --------------------------------------------------------------------------
    def _new_sub(self) -> zmq.Socket:
        s = self.ctx.socket(zmq.SUB)
        s.setsockopt(zmq.LINGER, 0)
        # Bounded (0: not): a core that falls behind holds at most this many messages; what the
        # shop then drops shows as a gap here and is resynced, never lost silently.
        s.setsockopt(zmq.RCVHWM, self.rcvhwm)
        if self.curve is not None:
            self.curve.apply(s)
        s.setsockopt(zmq.SUBSCRIBE, b"")
        if not getattr(self, "_watched", False):  # the first connect only: watch it until data flows
            self._watched = True
            self.watch = ConnectionWatch(s, self.events_endpoint, curve=self.curve is not None)
        s.connect(self.events_endpoint)
        return s

    def _new_dealer(self) -> zmq.Socket:
        s = self.ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        if self.curve is not None:
            self.curve.apply(s)
        s.connect(self.requests_endpoint)
        return s

    def register(self, poller: zmq.Poller) -> None:
        """Add this client's sockets to the owner's poller."""
        self._poller = poller
        poller.register(self.sub, zmq.POLLIN)
        poller.register(self.dealer, zmq.POLLIN)

    def close(self) -> None:
        """Close both sockets."""
        self._end_watch()
        for s in (self.sub, self.dealer):
            if self._poller is not None:
                try:
                    self._poller.unregister(s)
                except KeyError:
                    pass
            s.close(0)

    # --- the loop -------------------------------------------------------------------------
    def poll(self, timeout_ms: int = 100) -> None:
        """Standalone use: wait up to ``timeout_ms`` for input, handle it, service timers."""
        if self._poller is None:
            self.register(zmq.Poller())
        ready = dict(self._poller.poll(timeout_ms))
        self.handle(ready)
        self.service()

    def handle(self, ready: dict) -> None:
        """Handle whichever of our sockets ``ready`` (from Poller.poll) marks readable."""
        if ready.get(self.dealer):
            self._handle_replies()
        if ready.get(self.sub):
            self._handle_events()

    def service(self) -> None:
        """Timers: staleness, snapshot timeouts and retries with backoff."""
        now = self.clock()
        if self.watch is not None and self.diagnosis is None:
            line = self.watch.diagnosis()
            if line:  # said once, in one line: on stderr and as a feed incident the desk shows
                self.diagnosis = line
                print(f"feed: {line}", file=sys.stderr)
                self._note("diagnosis", line)
        if self.state != "stale" and now - self.last_message > self.stale_after_s:
            self._set_state("stale", f"no message for {now - self.last_message:.1f}s")
            self._start_resync(now)
        if self._pending_id is not None and now - self._pending_since > self.snapshot_timeout_s:
            # Lazy Pirate: the reply is not coming; reopen the socket and try again later.
            self._pending_id = None
            self.dealer_reopen()
            self._next_try = now + self._backoff
            self._backoff = min(self.backoff_max_s, self._backoff * 2)
        if self._pending_id is None and self.state in ("connecting", "resyncing", "stale") and now >= self._next_try:
            self._request_snapshot()
        sc, live = self.shop_clock, self.state == "live"
        if sc.lapse(now, live):
            self.listener.on_clock(0.0, 0, self.wall())
        if sc.pending_id is not None:
            # Read the answer now if it is in: a busy feed keeps one handle() at the subscription for as long
            # as the timeout, and the poll that starts the next finds the subscription ready before the
            # answer lands, so every answer was given up on before it was read (seen: a core 4.5 s behind
            # whose readings stopped as its backlog began).
            self._handle_replies()
        req = sc.request(now, live, self.mirror.last_ts, self.seq)
        if req is not None:
            self.dealer.send(req)

    def dealer_reopen(self) -> None:
        """Replace the request socket (drops any half-done exchange)."""
        if self._poller is not None:
            self._poller.unregister(self.dealer)
        self.dealer.close(0)
        self.dealer = self._new_dealer()
        if self._poller is not None:
            self._poller.register(self.dealer, zmq.POLLIN)

    # --- snapshot -------------------------------------------------------------------------
    def _request_snapshot(self) -> None:
        self._pending_id = uuid.uuid4().hex
        self._pending_since = self.clock()
        self.dealer.send(orjson.dumps({"op": "snapshot", "id": self._pending_id}))

    def _start_resync(self, now: float) -> None:
        self.resyncs += 1
        self._buffer = []
        self._pending_id = None
        self._next_try = now  # first try at once, later ones back off
        if self.state != "stale":
            self._set_state("resyncing", self.last_gap or "")

    def _handle_replies(self) -> None:
        while True:
            try:
                frames = self.dealer.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            try:
                rep = orjson.loads(frames[-1])
            except orjson.JSONDecodeError:
                self._reject(self.wall(), "not_json", frames[-1])
                continue
            if self.shop_clock.is_answer(rep):
                self._on_clock(rep)
                continue
            if type(rep) is not dict or rep.get("id") != self._pending_id:
                continue  # a late answer to a request we gave up on
            self._pending_id = None
            if not rep.get("ok"):
                self._note("snapshot_error", str(rep.get("error"))[:200])
                self._next_try = self.clock() + self._backoff
                continue
            if self.room is not None and "room" in rep and rep["room"] != self.room and self.watch is not None:
                self.watch.note_reject("other_room", repr(rep["room"])[:40])
            try:
                self._adopt(rep)
            except (KeyError, TypeError, ValueError) as e:
                self._reject(self.wall(), "bad_type", frames[-1])
                self._note("snapshot_error", f"malformed snapshot: {e}"[:200])
                self._next_try = self.clock() + self._backoff

    def _on_clock(self, rep: dict) -> None:
        """The shop's clock: how far behind it the events applied so far are."""
        sc = self.shop_clock
        took = sc.take(rep, self.epoch, self.state == "live", self.clock())
        if took == "refused":  # an older shop (or one that keeps its clock to itself): said once
            self._note("clock_refused", f"the shop does not tell its clock ({sc.refused}); "
                                        "how far the core is behind it is not measured")
        elif took == "reading":
            self.listener.on_clock(sc.behind_s, sc.behind_events, self.wall())

    # The reading, as the client's own (the live session, the snapshot builder and the tests read these).
    behind_s = property(lambda self: self.shop_clock.behind_s)
    behind_events = property(lambda self: self.shop_clock.behind_events)
    clock_answers = property(lambda self: self.shop_clock.answers)
    clock_refused = property(lambda self: self.shop_clock.refused)

    def _adopt(self, snap: dict) -> None:
        epoch, seq, room = snap["epoch"], int(snap["seq"]), snap["room"]
        if self.room is not None and room != self.room:
            raise ValueError(f"snapshot is for room {room!r}, expected {self.room!r}")
        skus = snap["skus"]
        if type(skus) is not list:
            raise TypeError("skus must be a list")
        now_wall = self.wall()
        self.mirror.reset(snap)
        self.room = room
        self.epoch = epoch
        self.seq = seq
        self._decoders = session_decoders(epoch, room, self.mirror.skus.keys())
        self.snapshots += 1
        self._drifts_seen = self.mirror.drift_count
        self.listener.on_reset(snap, now_wall)
        buffered, self._buffer = self._buffer, []
        self._set_state("live", f"snapshot epoch {epoch} seq {seq}")
        self._backoff = 0.5
        # Events that queued while we waited: drop what the snapshot already holds.
        rest = [ev for ev in buffered if ev["epoch"] == epoch and ev["seq"] > seq and ev["room"] == room]
        self.skipped += len(buffered) - len(rest)
        if rest:
            self._apply_events(rest, now_wall)

    # --- events ---------------------------------------------------------------------------
    def _handle_events(self) -> None:
        sub = self.sub
        now_wall = self.wall()
        got = 0
        rejected = sum(self.rejects.values())
        for _ in range(MAX_MSGS_PER_HANDLE):
            try:
                frames = sub.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            got += 1
            self._on_message(frames, now_wall)
        if got:
            self.last_message = self.clock()
            # Watched until something is accepted: messages all refused (another protocol version,
            # another room) are a diagnosis of their own.
            if self.watch is not None and sum(self.rejects.values()) - rejected < got:
                self._end_watch()
            if self.state == "stale":
                self._set_state("resyncing", "messages again")
            if self.state == "connecting" and self._pending_id is None:
                self._request_snapshot()

    def _on_message(self, frames: list[bytes], now_wall: float) -> None:
        if len(frames) != 2:
            self._reject(now_wall, "bad_frames", b"|".join(frames)[:RAW_KEEP])
            return
        try:
            topic = decode_topic(frames[0])
        except Reject as e:
            self._reject(now_wall, e.reason, frames[0] + b" " + frames[1][:RAW_KEEP], e.detail)
            return
        payload = frames[1]
        evs = None
        tried = False
        if self.state == "live" and payload[:1] == b"[":
            # The peak's shape, arrays of orders or cart changes: Structs, columns, one hand-off.
            # The session's decoders refuse another epoch, room or an unknown SKU while decoding:
            # such a batch goes the per-event way below, which names what is wrong.
            sess = self._decoders
            items = decode_batch(topic, payload, sess)
            if items is not None:
                if len(items) > 4 and self._take_batch(topic, items, now_wall, sess is not None):
                    return
                evs = msgspec.to_builtins(items)  # valid, but not in step: the per-event way below
                tried = True
        if evs is None:
            # Compiled validation while decoding (protocol.decode_valid); any bad part: the careful way.
            evs = decode_valid(topic, payload)
            if evs is None:
                self._on_message_slow(topic, frames, now_wall)
                return
        if self.state == "live" and len(evs) > 4 and not tried:
            cols = columns(topic, evs, self.epoch, self.room, self.seq + 1)
            if cols is not None and self.mirror.apply_columns(topic, cols):
                for ev in evs:
                    ev["topic"] = topic
                self.seq += len(evs)
                self.counts[topic] += len(evs)
                self.listener.on_events(evs, now_wall)
                return
        room = self.room
        good = []
        for ev in evs:
            ev["topic"] = topic
            if room is not None and ev["room"] != room:
                self._reject(now_wall, "other_room", orjson.dumps(ev)[:RAW_KEEP], repr(ev["room"])[:40])
                continue
            good.append(ev)
        self._take(good, now_wall)

    def _take_batch(self, topic: str, items: list, now_wall: float, in_session: bool = False) -> bool:
        """Apply a decoded batch at once if it is exactly the next events of this epoch and room
        and the mirror can take it whole (no duplicate, no unknown SKU); else change nothing.
        ``in_session``: decoded by this session's decoders, which checked epoch and room already."""
        batch = EventBatch(topic, items)
        cols = batch.cols
        n = len(items)
        if cols[2] != tuple(range(self.seq + 1, self.seq + 1 + n)):
            return False
        # Compared by value: a wrong epoch or room shows as a second member of the set.
        if not in_session and (set(cols[1]) != {self.epoch} or set(cols[4]) != {self.room}):
            return False
        if not self.mirror.apply_columns(topic, cols, typed=True):
            return False
        if topic == "order":  # counted once: the log's summary takes the mirror's sums
            batch.sums = self.mirror.order_sums
        self.seq += n
        self.counts[topic] += n
        self.listener.on_batch(batch, now_wall)
        return True

    def _on_message_slow(self, topic: str, frames: list[bytes], now_wall: float) -> None:
        """A message with something wrong in it: each event checked alone, each bad one
        refused with its reason (``validate_event``), the good ones taken."""
        try:
            evs = decode_payload(frames[1])
        except Reject as e:
            self._reject(now_wall, e.reason, frames[0] + b" " + frames[1][:RAW_KEEP])
            return
        good = []
        for ev in evs:
            try:
                validate_event(topic, ev)
            except Reject as e:
                self._reject(now_wall, e.reason, orjson.dumps(ev)[:RAW_KEEP] if _dumpable(ev) else frames[1][:RAW_KEEP],
                             e.detail)
                continue
            if self.room is not None and ev["room"] != self.room:
                self._reject(now_wall, "other_room", orjson.dumps(ev)[:RAW_KEEP], repr(ev["room"])[:40])
                continue
            good.append(ev)
        self._take(good, now_wall)

    def _take(self, good: list[dict], now_wall: float) -> None:
        """Valid events of this room: applied when live, else buffered for the snapshot."""
        if not good:
            return
        if self.state == "live":
            self._apply_events(good, now_wall)
        else:
            self._buffer.extend(good)
            if len(self._buffer) > 2_000_000:
                # The snapshot is not coming and memory is not infinite: start over.
                self._buffer = []

    def _apply_events(self, evs: list[dict], now_wall: float) -> None:
        """Apply validated events in order; any gap or new epoch starts a resync."""
        accepted = []
        mirror = self.mirror
        for i, ev in enumerate(evs):
            if ev["epoch"] != self.epoch:
                self.last_gap = f"new epoch {ev['epoch']} (was {self.epoch})"
                self._incident(now_wall, "epoch", self.last_gap)
                self._resync_from(evs[i:], now_wall, accepted)
                return
            seq = ev["seq"]
            if seq <= self.seq:
                # Already reflected (queued before a snapshot) or delivered twice: not bad input.
                self.skipped += 1
                continue
            if seq != self.seq + 1:
                self.gaps += 1
                self.last_gap = f"expected seq {self.seq + 1}, got {seq}"
                self._incident(now_wall, "gap", self.last_gap)
                self._resync_from(evs[i:], now_wall, accepted)
                return
            try:
                fresh = mirror.apply(ev)
            except Reject as e:
                # Cannot place it (e.g. a SKU we do not know yet): leave seq alone so the
                # next event shows a gap and a snapshot brings the catalogue up to date.
                self._reject(now_wall, e.reason, orjson.dumps(ev)[:RAW_KEEP])
                continue
            self.seq = seq
            if not fresh:
                self._reject(now_wall, "duplicate", orjson.dumps(ev)[:RAW_KEEP])
                continue
            accepted.append(ev)
            self.counts[ev["topic"]] += 1
            if ev["topic"] == "stock" and mirror.drift_count > self._drifts_seen:
                self._drifts_seen = mirror.drift_count
                ts, sku, had, shop = mirror.drifts[-1]
                self.last_drift = f"{sku}: mirror {had}, shop {shop} ({shop - had:+d})"
                self._incident(now_wall, "drift", self.last_drift)
        if accepted:
            self.listener.on_events(accepted, now_wall)

    def _resync_from(self, rest: list[dict], now_wall: float, accepted: list[dict]) -> None:
        if accepted:
            self.listener.on_events(accepted, now_wall)
        self._start_resync(self.clock())
        self._buffer = list(rest)

    # --- bookkeeping ----------------------------------------------------------------------
    def _reject(self, now_wall: float, reason: str, raw: bytes, detail: str = "") -> None:
        self.rejects[reason] += 1
        if self.watch is not None:
            self.watch.note_reject(reason, detail)
        raw = bytes(raw[:RAW_KEEP])
        self.reject_samples.append((now_wall, reason, raw))
        self.listener.on_reject(now_wall, reason, raw)

    def _end_watch(self) -> None:
        if self.watch is not None:
            self.watch.close()
            self.watch = None

    def _set_state(self, state: str, detail: str) -> None:
        if state != self.state:
            self.state = state
            self._incident(self.wall(), state, detail)

    def _incident(self, now_wall: float, kind: str, detail: str) -> None:
        self.incidents.append((now_wall, kind, detail))
        self.listener.on_feed_state(kind, detail, now_wall)

    def _note(self, kind: str, detail: str) -> None:
        self._incident(self.wall(), kind, detail)

    def summary(self) -> dict:
        """Counters for the headless summary and tests."""
        return {
            "state": self.state, "room": self.room, "epoch": self.epoch, "seq": self.seq,
            "events": dict(self.counts), "rejects": dict(self.rejects), "gaps": self.gaps,
            "resyncs": self.resyncs, "snapshots": self.snapshots, "skipped": self.skipped, "drifts": self.mirror.drift_count,
            "available": self.mirror.available(), "behind_s": self.behind_s, "behind_events": self.behind_events,
        }


def _dumpable(ev: Any) -> bool:
    try:
        orjson.dumps(ev)
        return True
    except TypeError:
        return False
