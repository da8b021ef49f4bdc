"""The notifier: takes alert news from the core, routes it per target, escalates, hands posts to the workers.

The core thread calls :meth:`Notifier.submit` (a queue append, never a network
call).  The notifier's own thread (or a test calling :meth:`Notifier.pump` with a
hand-moved clock) turns the news into :class:`~controlroom.notify.item.NotifyItem`
records, routes them through each target's :class:`~controlroom.notify.routing.Router`
(group wait / group interval / repeat interval) and the
:class:`~controlroom.notify.escalation.Escalator`, and queues the due messages on
the targets' :class:`~controlroom.notify.sender.TargetWorker` threads.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from controlroom.notify.escalation import Escalator
from controlroom.notify.formats import TargetConfig
from controlroom.notify.item import NOTIFY_LEVELS, Message, NotifyItem, Section, items_from_transitions
from controlroom.notify.routing import Router
from controlroom.notify.sender import TargetStatus, TargetWorker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """Something the desk and the log should say: an escalation, a target down or back up."""

    wall: float
    kind: str  # escalated | down | config | up
    target: str
    text: str


class Notifier:
    """Routes alert news to notification targets, each posted from its own thread."""

    def __init__(self, targets: Iterable[TargetConfig], *, room: str = "", group_wait_s: float = 10.0,
                 group_interval_s: float = 60.0, repeat_interval_s: float = 600.0, escalate_after_s: float = 120.0,
                 escalate_to: Iterable[str] = (), escalate_levels: tuple[str, ...] = ("critical",),
                 levels: Iterable[str] = NOTIFY_LEVELS, timeout_s: float = 3.0, retries: int = 2,
                 backoff_s: float = 0.5, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time,
                 windows: dict[str, tuple[tuple[int, float], ...]] | None = None) -> None:
        self.targets = {t.name: t for t in targets}
        self.room = room
        self.clock = clock
        self.wall = wall
        self.levels = frozenset(levels)  # levels whose channels include webhooks
        self.notices: deque[Notice] = deque(maxlen=200)
        self.workers = {n: TargetWorker(t, timeout_s=timeout_s, retries=retries, backoff_s=backoff_s, clock=clock,
                                        wall=wall, on_event=self._on_worker_event,
                                        windows=(windows or {}).get(n))
                        for n, t in self.targets.items()}
        self.routers = {n: Router(group_wait_s, group_interval_s, repeat_interval_s)
                        for n, t in self.targets.items() if not t.oncall_only}
        unknown = [n for n in escalate_to if n not in self.targets]
        if unknown:
            raise ValueError(f"escalation target(s) {', '.join(unknown)} are not configured targets")
        self.escalate_to = tuple(escalate_to)
        self.escalator = Escalator(escalate_after_s, escalate_levels) if self.escalate_to else None
        self.items_in = 0
        self.escalations = 0
        self._q: deque = deque()
        self._lock = threading.Lock()  # pump runs on the notifier thread or a test's, one at a time
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------------------
    def start(self, *, thread: bool = True) -> "Notifier":
        """Start the target workers and (unless ``thread=False``: tests pump by hand) the routing thread."""
        for w in self.workers.values():
            w.start()
        if thread and self._thread is None and self.targets:
            self._thread = threading.Thread(target=self._run, name="controlroom-notify", daemon=True)
            self._thread.start()
        return self

    def close(self, timeout: float = 5.0) -> None:
        """Post the news still in its group wait, stop the threads (bounded by ``timeout``)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        try:
            self.pump(self.clock() + max((r.group_wait_s for r in self.routers.values()), default=0.0))
        except Exception:  # pragma: no cover - closing must not raise
            log.exception("notifier: last pump failed")
        self.flush(timeout)
        for w in self.workers.values():
            w.close(min(timeout, 2.0))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the workers posted (or gave up on) everything queued on them."""
        deadline = time.monotonic() + timeout
        return all(w.flush(max(0.0, deadline - time.monotonic())) for w in self.workers.values())

    # --- any thread -------------------------------------------------------------------------------------
    def submit(self, news: Iterable[Any]) -> None:
        """Queue alert transitions (or :class:`NotifyItem` records) — cheap, never blocks."""
        if not self.targets:
            return
        items = items_from_transitions(news, self.room)
        if items:
            at = self.clock()  # the group wait starts when the news arrived, not when it is routed
            self._q.extend((at, it) for it in items)
            self._wake.set()

    def status(self) -> list[TargetStatus]:
        """Each target's status (copies)."""
        return [replace(w.status) for w in self.workers.values()]

    def reconfigure(self, *, levels: Iterable[str] | None = None, group_wait_s: float | None = None,
                    group_interval_s: float | None = None, repeat_interval_s: float | None = None,
                    escalate_after_s: float | None = None, escalate_to: Iterable[str] | None = None) -> None:
        """Apply changed channel levels, timings and on-call list live (the targets themselves, the
        ``[[notify.webhooks]]`` tables, apply at the next start).  An on-call list naming an unknown
        target is refused (logged) and the old one kept."""
        with self._lock:
            if escalate_to is not None and tuple(escalate_to) != self.escalate_to:
                unknown = [n for n in escalate_to if n not in self.targets]
                if unknown:
                    log.warning("notify: on-call list not changed: %s not configured", ", ".join(unknown))
                else:
                    self.escalate_to = tuple(escalate_to)
                    if not self.escalate_to:
                        self.escalator = None
                    elif self.escalator is None:
                        self.escalator = Escalator(escalate_after_s or 120.0)
            if levels is not None:
                self.levels = frozenset(levels)
            for r in self.routers.values():
                r.group_wait_s = r.group_wait_s if group_wait_s is None else group_wait_s
                r.group_interval_s = r.group_interval_s if group_interval_s is None else group_interval_s
                r.repeat_interval_s = r.repeat_interval_s if repeat_interval_s is None else repeat_interval_s
            if self.escalator is not None and escalate_after_s is not None:
                self.escalator.after_s = escalate_after_s
        self._wake.set()

    def desk_view(self, notices: int = 6) -> tuple[dict, ...]:
        """What the desk shows (plain values, cheap; the snapshot carries it): one dict per target
        (``kind="target"``: name, format, state, last_error, sent, failed, queued, oncall) and the
        latest notices (``kind="notice"``: wall, what (escalated | down | config | up), target, text)."""
        out: list[dict] = [{"kind": "target", "name": st.name, "format": st.format, "state": st.state,
                            "last_error": st.last_error, "sent": st.sent, "failed": st.failed, "queued": st.queued,
                            "oncall": self.targets[st.name].oncall_only} for st in self.status()]
        out += [{"kind": "notice", "wall": n.wall, "what": n.kind, "target": n.target, "text": n.text}
                for n in list(self.notices)[-notices:]]
        return tuple(out)

    # --- routing ----------------------------------------------------------------------------------------
    def pump(self, now: float | None = None) -> int:
        """Route the queued news and queue the due posts on the workers; returns posts queued."""
        with self._lock:
            now = self.clock() if now is None else now
            while self._q:
                at, it = self._q.popleft()
                routed = it.level in self.levels
                self.items_in += routed
                for name, r in self.routers.items():
                    if routed and self.targets[name].wants(it.level, it.state):
                        r.add(it, at)
                    elif it.state == "firing":
                        r.leave(it, at)  # an episode that moved to a level this target is not routed
                if not routed:
                    continue
                if self.escalator is not None:
                    self.escalator.add(it, at)
            posts = 0
            for name, r in self.routers.items():
                for sec in r.due(now):  # one post per group, as Alertmanager; the rate limit merges excess
                    self.workers[name].put(Message([sec]))
                    posts += 1
            if self.escalator is not None:
                for it, waited in self.escalator.due(now):
                    posts += self._escalate(it, waited)
            return posts

    def next_due(self) -> float | None:
        """When :meth:`pump` next has something to post (None: nothing pending)."""
        times = [t for r in self.routers.values() if (t := r.next_due()) is not None]
        if self.escalator is not None and (t := self.escalator.next_due()) is not None:
            times.append(t)
        return min(times, default=None)

    def _escalate(self, it: NotifyItem, waited_s: float) -> int:
        # The first on-call target that is up; if all are down, the first (it may be back).
        name = next((n for n in self.escalate_to if self.workers[n].status.state == "up"), self.escalate_to[0])
        if waited_s >= 60:
            mins = f"{waited_s / 60:.0f}"
            note = f"{it.sku or it.room} 未在 {mins} 分钟内确认 not acknowledged in {mins} min → {name}"
        else:  # a short escalation time (a test, a rehearsal): seconds, not "0 min"
            note = f"{it.sku or it.room} 未在 {waited_s:.0f} 秒内确认 not acknowledged in {waited_s:.0f} s → {name}"
        self.workers[name].put(Message([Section(it.room, it.level, [it], [])], escalation=note))
        self.escalations += 1
        self._notice("escalated", name, note)
        return 1

    def _on_worker_event(self, kind: str, target: str, detail: str) -> None:
        self._notice(kind, target, detail)

    def _notice(self, kind: str, target: str, text: str) -> None:
        self.notices.append(Notice(self.wall(), kind, target, text))
        (log.info if kind in ("up", "escalated") else log.warning)("notify %s: %s", kind, text)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pump()
            except Exception:  # pragma: no cover - a routing bug must not end notifications silently
                log.exception("notifier pump failed")
            nxt = self.next_due()
            wait = 0.5 if nxt is None else min(0.5, max(0.01, nxt - self.clock()))
            self._wake.wait(wait)
            self._wake.clear()
