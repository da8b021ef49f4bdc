"""One live session: the core thread that owns the sockets and wires the core together.

The core thread runs feed → mirror → engine → alert rules → auto actions →
commands with no hand-off on the hot path.  Out of it go: batches to the log
writer thread, and an immutable :class:`~controlroom.state.view.ViewSnapshot` swapped
in ~10 times a second for front ends.  Into it come intents (commands, acks,
snoozes, settings) through one thread-safe queue.  Nothing here imports Qt.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections import deque
from typing import Any

import numpy as np
import zmq

from controlroom.feed.client import FeedClient, FeedListener
from controlroom.live.backlog import BacklogRows
from controlroom.live.history import SkuHistory
from controlroom.live.resume import resume_show
from controlroom.live.snapshot import SnapshotBuilder
from controlroom.notify import reconfigure_from_settings
from controlroom.notify.episodes import EpisodeNews

log = logging.getLogger(__name__)

LOOP_POLL_MS = 5  # longest an intent waits for the core thread when the feed is idle
SNAPSHOT_INTERVAL_S = 0.1  # 10 Hz view snapshots
FRONT_YIELD_MAX_S = 0.1  # longest one stand-back lasts while a front end redraws (see front_busy)
FRONT_YIELD_SHARE = 0.4  # and at most this share of each second: the core keeps up with the feed
FRONT_YIELD_SLEEP_S = 0.002
PROMPT_MAX_CHARS = 200  # a host reads a prompt at a glance: longer text is cut
GC_AFTER_REDRAW_S = 0.02  # a paced full collection runs this soon after a redraw ended (see gc_pacer)


class LiveSession(FeedListener):
    """The control room's core for one live show.

    Thread-safe from any thread: :attr:`snapshot`, :meth:`history`, and the
    intent methods (:meth:`command`, :meth:`ack`, :meth:`snooze`,
    :meth:`confirm`, :meth:`update_settings`).  Everything else belongs to the
    core thread started by :meth:`start`.
    """

    def __init__(self, settings: Any, *, curve: Any = None, session_log: Any = None, log_factory: Any = None,
                 operator: str = "operator", context: zmq.Context | None = None, engine_factory: Any = None,
                 notifier: Any = None, stream: Any = None) -> None:
        self.settings = settings
        # controlroom.state.server.StreamConfig: the room's state stream, opened and served by the core thread.
        self.stream_config = stream
        self.stream = None  # the StreamServer, once the core thread bound it
        self.stream_endpoints: tuple[str, str] | None = None
        self.curve = curve
        self.session_log = session_log
        self._log_factory = log_factory  # room -> SessionLog, called once the first snapshot names the room
        self.operator = operator
        self.ctx = context or zmq.Context.instance()
        self._engine_factory = engine_factory
        self.notifier = notifier  # controlroom.notify.Notifier: webhooks on their own thread
        self._episode_news = EpisodeNews()  # what the notifier was told of each open episode
        self.snapshot = SnapshotBuilder.empty()
        self.history_store = SkuHistory()
        self._intents: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.started = threading.Event()
        self.error: BaseException | None = None
        # Owned by the core thread once started:
        self.feed: FeedClient | None = None
        self.engine = None
        self.commands = None
        self.builder: SnapshotBuilder | None = None
        self.transitions: deque = deque(maxlen=5000)  # recent alert transitions (headless output, tests)
        self._transition_queue: queue.SimpleQueue = queue.SimpleQueue()
        self._next_tick_ts = 0.0
        self._front_busy_until = 0.0  # monotonic deadline set by front_busy (any thread)
        self._front_done_at = 0.0  # when a front end last said its redraw was done
        self._yield_window_at = 0.0
        self._yield_spent = 0.0
        self.loop_iterations = 0
        self.front_yields = 0
        self.front_yield_s = 0.0
        # controlroom.live.gcpace.GcPacer: full collections run on the core thread right after a redraw.
        self.gc_pacer = None
        self._resumed = False  # the totals were taken from a continued log (once, at the first snapshot)
        self._backlog = BacklogRows()  # the session log's "behind" incidents

    # --- life cycle -----------------------------------------------------------------------
    def start(self) -> "LiveSession":
        """Start the core thread; returns when its sockets exist."""
        self.thread = threading.Thread(target=self._run_safely, name="controlroom-core", daemon=True)
        self.thread.start()
        self.started.wait(10)
        if self.error:
            raise self.error
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the core thread and close the session log."""
        self._stop.set()
        if self.thread is not None:
            self.thread.join(timeout)
        if self.session_log is not None:
            self.session_log.close()
        if self.notifier is not None:
            self.notifier.close()

    def _run_safely(self) -> None:
        try:
            self._run()
        except BaseException as e:
            if self.started.is_set() or not isinstance(e, zmq.ZMQError):
                log.exception("core thread died")
            else:  # a socket that cannot be bound at start-up: start() raises it, the caller says it in one line
                log.info("core thread could not start: %s", e)
            self.error = e
            self.started.set()

    # --- intents (any thread) -----------------------------------------------------------------
    def command(self, op: str, sku: str, *, qty: int | None = None, weight: float | None = None,
                by: str | None = None, asked_at: float | None = None) -> None:
        """Ask the core to send a command to the shop (operator origin); ``asked_at``: see CommandClient.submit."""
        self._intents.put(("command", dict(op=op, sku=sku, qty=qty, weight=weight, by=by or self.operator,
                                           asked_at=asked_at)))

    def ack(self, key: str, by: str | None = None) -> None:
        """Acknowledge an alert."""
        self._intents.put(("ack", dict(key=key, by=by or self.operator)))

    def snooze(self, key: str, minutes: float, by: str | None = None) -> None:
        """Silence an alert for ``minutes`` of shop time."""
        self._intents.put(("snooze", dict(key=key, minutes=minutes, by=by or self.operator)))

    def confirm(self, confirmation_id: str, accept: bool, by: str | None = None) -> None:
        """Answer an auto action that its tier wants confirmed (e.g. freezing a profit SKU)."""
        self._intents.put(("confirm", dict(id=confirmation_id, accept=accept, by=by or self.operator)))

    def update_settings(self, settings: Any, by: str | None = None) -> None:
        """Apply new settings live (logged)."""
        self._intents.put(("settings", dict(settings=settings, by=by or self.operator)))

    def prompt(self, text: str = "", *, preset: str | None = None, arg: int | None = None,
               by: str | None = None) -> None:
        """Show a prompt on the host views (text, or a preset worded by each view); empty clears it (logged)."""
        self._intents.put(("prompt", dict(text=text or "", preset=preset or None, arg=arg, by=by or self.operator)))

    def front_busy(self, busy: bool) -> None:
        """A front end (the desk's GUI thread) starts or ends a redraw.

        Both threads share one GIL: while the core thread runs Python, every GIL
        release the GUI makes during a redraw (Qt calls, painting) costs it a wait
        for the core (up to the switch interval each, longer when the OS has
        preempted the core while it holds the GIL), which stretched a ~25 ms
        redraw past 100 ms under a busy feed.  While busy, the core thread sleeps
        — between loop iterations and between event batches (sockets keep
        buffering) — for at most FRONT_YIELD_MAX_S per call and FRONT_YIELD_SHARE
        of each second, so a front end that never says "done" cannot starve the
        core.
        """
        now = time.monotonic()
        if busy:
            self._front_busy_until = now + FRONT_YIELD_MAX_S
        else:
            self._front_busy_until = 0.0
            self._front_done_at = now

    def _stand_back(self) -> None:
        """Sleep while a front end redraws (core thread), within the bounds of :meth:`front_busy`."""
        until = self._front_busy_until
        if not until:
            return
        now = time.monotonic()
        if now >= until:
            return
        if now - self._yield_window_at >= 1.0:
            self._yield_window_at = now
            self._yield_spent = 0.0
        end = min(until, now + FRONT_YIELD_SHARE - self._yield_spent)
        while now < end and not self._stop.is_set():
            self.front_yields += 1
            time.sleep(FRONT_YIELD_SLEEP_S)  # releases the GIL to the redrawing GUI thread
            t = time.monotonic()
            self._yield_spent += t - now
            self.front_yield_s += t - now
            now = t
            until = self._front_busy_until
            if not until:  # released early
                return
            end = min(end, until)

    def _pace_gc(self, now: float) -> None:
        """A paced full collection when one is due, right after a front end finished a redraw."""
        p = self.gc_pacer
        if p is None or not p.due(now) or self._front_busy_until:
            return
        # With a front end, wait for the moment after a redraw; without one (or if it stopped
        # saying so), collect anyway once it is well overdue.
        if now - self._front_done_at <= GC_AFTER_REDRAW_S or now - p.last_at >= 3 * p.every_s:
            p.collect()

    def history(self, sku: str) -> tuple[np.ndarray, np.ndarray]:
        """(ts, available) samples of one SKU: copies, safe to keep."""
        return self.history_store.get(sku)

    # --- the core thread ------------------------------------------------------------------------
    def _make_engine(self, mirror):
        if self._engine_factory is not None:
            return self._engine_factory(self.settings, mirror)
        from controlroom.engine import Engine

        return Engine(self.settings, mirror)

    def _run(self) -> None:
        s = self.settings
        fs = s.feed
        self.feed = FeedClient(fs.events_endpoint, fs.requests_endpoint, room=fs.room, listener=self,
                               context=self.ctx, curve=self.curve, stale_after_s=fs.stale_after_s,
                               backoff_max_s=fs.resync_backoff_max_s, rcvhwm=fs.receive_queue_messages)
        self.engine = self._make_engine(self.feed.mirror)
        from controlroom.commands import CommandClient

        cs = s.commands
        self.commands = CommandClient(fs.requests_endpoint, context=self.ctx, curve=self.curve,
                                      timeout_ms=cs.timeout_ms, retries=cs.retries, max_attempts=cs.max_attempts,
                                      deadline_s=cs.deadline_s)
        self.builder = SnapshotBuilder(self)
        poller = zmq.Poller()
        self.feed.register(poller)
        cmd_sock = self.commands.socket
        poller.register(cmd_sock, zmq.POLLIN)
        router = self._open_stream(poller)
        self.started.set()
        next_snapshot = 0.0
        feed, engine, commands = self.feed, self.engine, self.commands
        last_state = feed.state
        try:
            while not self._stop.is_set():
                self._stand_back()
                ready = dict(poller.poll(LOOP_POLL_MS))
                self.loop_iterations += 1
                # Command replies first: a burst of feed must never delay an acknowledgement.
                if ready.get(cmd_sock):
                    commands.handle_readable()
                if router is not None and ready.get(router):
                    self.stream.publisher.poll(0)
                feed.handle(ready)
                commands.service()
                feed.service()
                if feed.state != last_state:
                    last_state = feed.state
                    self._emit(engine.set_feed_state(feed.state, feed.mirror.last_ts))
                self._drain_intents()
                self._tick_engine()
                self._run_actions()
                self._log_command_updates()
                now = time.monotonic()
                if now >= next_snapshot:
                    next_snapshot = now + SNAPSHOT_INTERVAL_S
                    self.snapshot = self.builder.build()
                    if router is not None:
                        self.stream.publisher.publish(self.snapshot, now)
                elif router is not None:
                    self.stream.publisher.tick(now)
                self._pace_gc(now)
            # The last word: after stop() the snapshot holds everything the engine took in (and the log
            # wrote), not what it was up to a snapshot interval earlier.
            self.snapshot = self.builder.build()
        finally:
            feed.close()
            commands.close()
            if self.stream is not None:
                self.stream.close()

    def _open_stream(self, poller: zmq.Poller):
        """Bind the state stream (core thread); its ROUTER joins the loop's poller.  None without a stream."""
        if self.stream_config is None:
            return None
        from controlroom.state.server import open_stream

        self.stream = open_stream(self.stream_config, history=self.history_store.get,
                                  on_request=self._stream_request)
        self.stream_endpoints = self.stream.endpoints
        poller.register(self.stream.publisher.router, zmq.POLLIN)
        return self.stream.publisher.router

    def _stream_request(self, kind: str, args: dict, name: str) -> str | None:
        """An operator's ``op`` request (role already checked): queued as an intent by ``name``."""
        from controlroom.live.stream import intent_from_request

        try:
            self._intents.put(intent_from_request(kind, args, name))
        except ValueError as e:
            return str(e)
        return None

    # FeedListener: called on the core thread by the feed client.
    def on_events(self, events: list[dict], received_at: float) -> None:
        # A busy feed hands over many batches per loop iteration: stand back between them too,
        # or a redraw that starts meanwhile waits for all of them.
        if self._front_busy_until:
            self._stand_back()
        # One call per batch: the engine aggregates per SKU (see Engine.on_events).
        self.engine.on_events(events)
        self._after_events(events, received_at)

    def on_batch(self, batch, received_at: float) -> None:
        # The hot path: orders or cart changes as columns, to the engine and the log alike.
        if self._front_busy_until:
            self._stand_back()
        self.engine.on_batch(batch)
        self._after_events(batch, received_at)

    def _after_events(self, events, received_at: float) -> None:
        if self.session_log is not None:
            self.session_log.events(events, received_at)
        # A shop-second that ended inside this loop iteration ticks now, not after every batch the
        # iteration drains: under a fast feed that can be several shop-seconds late (the lost-sales meter
        # then dates a sell-out seconds early, the samples thin out).
        self._tick_engine()
        # Critical-at-safety-stock is decided inside on_event; act on it before the next batch.
        self._run_actions()
        if self.stream is not None:
            # A busy feed can keep one loop iteration going for a long time on a loaded machine: the
            # stream's heartbeat (and any due delta or snapshot) still goes out between batches.
            self.stream.publisher.tick()

    def on_reset(self, snapshot: dict, received_at: float) -> None:
        if self.notifier is not None:
            self.notifier.room = snapshot["room"]
        if self.session_log is None and self._log_factory is not None:
            self.session_log = self._log_factory(snapshot["room"])
            self._log_factory = None
        if not self._resumed and self.session_log is not None:
            # The first snapshot of a run that continues its show's log: the totals go on from the log.
            self._resumed = True
            resume_show(self, getattr(self.session_log, "resume", None))
        self.engine.on_reset(self.feed.mirror.last_ts)
        self.history_store.ensure(self.feed.mirror.skus.keys())
        if self.session_log is not None:
            self.session_log.skus([{k: s.get(k) for k in ("sku", "name", "tier", "price_cents", "available")}
                                   for s in snapshot["skus"]])
            self.session_log.snapshot(snapshot, received_at)
            self.session_log.feed(received_at, "resync", f"snapshot epoch {snapshot['epoch']} seq {snapshot['seq']}")

    def on_reject(self, received_at: float, reason: str, raw: bytes) -> None:
        if self.session_log is not None:
            self.session_log.reject(received_at, reason, raw)

    def on_clock(self, behind_s: float, behind_events: int, received_at: float) -> None:
        # How far behind the shop the events applied so far are: an auto-freeze decided now meets that
        # time's orders too (engine/lag.py); the desk shows it in the feed status (live/snapshot.py).
        note = getattr(self.engine, "note_behind", None)
        if note is not None:
            note(behind_s)
        row = self._backlog.reading(behind_s, behind_events)  # the manager's review: one incident per backlog
        if row is not None and self.session_log is not None:
            self.session_log.feed(received_at, *row)

    def on_feed_state(self, state: str, detail: str, received_at: float) -> None:
        if self.session_log is not None:
            self.session_log.feed(received_at, state, detail)

    # --- per loop work --------------------------------------------------------------------------
    def _emit(self, transitions) -> None:
        # One notification per episode (one problem), not per alert transition (controlroom.notify.episodes);
        # an episode can change with no transition (its pending time or quiet time ran out).
        take = getattr(self.engine, "take_episode_changes", None)
        changes = take() if take is not None else None
        if self.notifier is not None:
            if changes is None:
                if transitions:
                    self.notifier.submit(transitions)
            elif changes:
                self.notifier.submit(self._episode_news.items(changes, self.notifier.room))
        if not transitions:
            return
        self.transitions.extend(transitions)
        self._transition_queue.put(transitions)
        if self.session_log is not None:
            for t in transitions:
                self.session_log.alert(t)

    def take_transitions(self) -> list:
        """Alert transitions since the last call (any thread; one consumer)."""
        out = []
        while True:
            try:
                out.extend(self._transition_queue.get_nowait())
            except queue.Empty:
                return out

    def _tick_engine(self) -> None:
        ts = self.feed.mirror.last_ts
        if ts <= 0 or ts < self._next_tick_ts:
            return
        # One tick per shop-second, however many seconds a batch jumped over.
        self._next_tick_ts = float(int(ts)) + 1.0
        self._emit(self.engine.tick(ts))
        self._sample(ts)

    def _sample(self, ts: float) -> None:
        rows = []
        eng = self.engine
        # The lost-sales meter takes "the rate just before" from these per-second samples, as the log
        # keeps them: a show resumed from its log (or reviewed) then values a sell-out as it was valued live.
        note_rate = self.builder.lost.note_rate
        for sku, st in self.feed.mirror.skus.items():
            f = eng.forecast(sku)
            rows.append((ts, sku, st.available, st.sold, f.rate_per_min, f.sellout_s, f.level))
            self.history_store.add(sku, ts, st.available)
            note_rate(sku, f.rate_per_min, st.available > 0 and not st.frozen and not st.delisted)
        self.builder.on_second(ts)
        if self.session_log is not None:
            self.session_log.samples(rows)

    def _run_actions(self) -> None:
        actions = self.engine.take_actions()
        for a in actions:
            if a.get("confirm"):
                self.builder.add_confirmation(a)
            else:
                # The engine's freeze, release and re-freeze are logged with the rule and figures behind them.
                self._send(a["op"], a["sku"], qty=a.get("qty"), weight=a.get("weight"), by="auto", origin="auto",
                           reason=a.get("reason"))

    def _send(self, op, sku, *, qty=None, weight=None, by, origin, asked_at=None, reason=None):
        rec = self.commands.submit(op, sku, qty=qty, weight=weight, by=by, origin=origin, asked_at=asked_at)
        self._log_command(rec, reason)
        return rec

    def _log_command_updates(self) -> None:
        for rec in self.commands.take_updates():
            self._log_command(rec)

    def _log_command(self, rec, reason: str | None = None) -> None:
        if self.session_log is None:
            return
        extra = {"reason": reason} if reason else {}
        self.session_log.action({**extra,
            "ts": self.feed.mirror.last_ts, "sku": rec.sku, "op": rec.op, "qty": rec.qty, "origin": rec.origin,
            "operator": rec.by, "command_id": rec.id, "sent_at": rec.sent_at, "acked_at": rec.acked_at,
            "ok": None if rec.state in ("sent", "queued", "unknown") else rec.state == "acked", "error": rec.error,
            "state": rec.state,
        })

    def _set_prompt(self, a: dict, ts: float) -> None:
        """Put up (or clear) the host prompt and log who sent it (core thread)."""
        from controlroom.state.view import PromptView

        text = str(a.get("text") or "")[:PROMPT_MAX_CHARS]
        preset = a.get("preset") or None
        if not text and not preset:
            self.builder.prompt = None
        else:
            arg = a.get("arg")
            self.builder.prompt = PromptView(id=uuid.uuid4().hex[:12], text=text, by=a["by"], ts=ts, preset=preset,
                                             arg=int(arg) if arg is not None else None)
        if self.session_log is not None:
            p = self.builder.prompt
            self.session_log.action({"ts": ts, "sku": self.feed.mirror.featured or "",
                                     "op": "prompt" if p else "prompt_clear", "origin": "operator",
                                     "operator": a["by"], "command_id": p.id if p else None, "ok": True,
                                     "text": text, "preset": preset, "arg": a.get("arg")})

    def _drain_intents(self) -> None:
        ts = self.feed.mirror.last_ts
        while True:
            try:
                kind, a = self._intents.get_nowait()
            except queue.Empty:
                return
            try:
                if kind == "command":
                    self._send(a["op"], a["sku"], qty=a["qty"], weight=a["weight"], by=a["by"], origin="operator",
                               asked_at=a.get("asked_at"))
                elif kind == "ack":
                    self._emit([t for t in [self.engine.ack(a["key"], a["by"], ts)] if t])
                elif kind == "snooze":
                    self._emit([t for t in [self.engine.snooze(a["key"], a["minutes"], a["by"], ts)] if t])
                elif kind == "confirm":
                    act = self.builder.pop_confirmation(a["id"])
                    if act is not None and a["accept"]:
                        self._send(act["op"], act["sku"], qty=act.get("qty"), weight=act.get("weight"),
                                   by=a["by"], origin="operator", reason=act.get("reason"))
                elif kind == "prompt":
                    self._set_prompt(a, ts)
                elif kind == "settings":
                    self.settings = a["settings"]
                    self.engine.update_settings(a["settings"])
                    if self.notifier is not None:  # channel levels and timings apply at once
                        reconfigure_from_settings(self.notifier, a["settings"].notify)
                    self.builder.settings_version += 1
                    if self.session_log is not None and hasattr(self.session_log, "settings_changed"):
                        self.session_log.settings_changed(ts, a["settings"].to_dict(), a["by"])
            except Exception:  # a bad intent must not take the core down
                log.exception("intent %s failed", kind)
