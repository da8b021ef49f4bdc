"""Desktop notifications through the freedesktop notification service (``org.freedesktop.Notifications``).

The desk shows an alert as a desktop notification (summary: level and SKU; body:
the one-line reason) and, when the operator clicks it (the service's
``ActionInvoked`` signal with the ``default`` action), calls ``on_action(key)`` so
the desk can bring that SKU up.  An acknowledged, snoozed or resolved alert's
notification is withdrawn (``CloseNotification``).

Everything D-Bus happens on this class's own thread (jeepney, pure Python, no
Qt): :meth:`notify` and :meth:`close` only queue, so a missing or hung
notification service never blocks the desk.  ``on_action`` is called on that
thread; the desk hands it to its GUI thread with a queued signal.
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
URGENCY = {"low": 0, "normal": 1, "critical": 2}


class DesktopNotifier:
    """Sends desktop notifications and reports clicks; one thread, one D-Bus connection.

    ``bus`` is ``"SESSION"`` (the user's session bus) or a D-Bus address (tests use a
    private bus).  ``state`` is ``starting``, ``up`` or ``off`` with ``error`` saying why.
    """

    def __init__(self, *, bus: str = "SESSION", app_name: str = "controlroom",
                 on_action: Callable[[str], None] | None = None, timeout_s: float = 3.0) -> None:
        self.bus = bus
        self.app_name = app_name
        self.on_action = on_action
        self.timeout_s = timeout_s
        self.state = "starting"
        self.error: str | None = None
        self.sent = 0
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._ids: dict[str, int] = {}  # alert key -> the service's notification id
        self._keys: dict[int, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- any thread -------------------------------------------------------------------------------------
    def start(self) -> "DesktopNotifier":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="controlroom-desktop-notify", daemon=True)
            self._thread.start()
        return self

    def notify(self, key: str, summary: str, body: str, *, urgency: str = "critical",
               action_label: str = "Show") -> None:
        """Queue one notification for alert ``key`` (a second one for the same key replaces it)."""
        self._q.put(("notify", key, summary, body, URGENCY.get(urgency, 1), action_label))

    def close(self, key: str) -> None:
        """Withdraw alert ``key``'s notification (acknowledged, snoozed or resolved)."""
        self._q.put(("close", key))

    def shown(self) -> set[str]:
        """Alert keys with a notification on screen (as far as this side knows)."""
        with self._lock:
            return set(self._ids)

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._q.put(("stop",))
        if self._thread is not None:
            self._thread.join(timeout)

    # --- the D-Bus thread -----------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            from jeepney import DBusAddress, MatchRule, new_method_call
            from jeepney.bus_messages import message_bus
            from jeepney.io.threading import open_dbus_router
        except ImportError as e:  # jeepney is Linux-only in the dependencies
            self._off(f"jeepney not installed: {e}")
            return
        addr = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
        try:
            with open_dbus_router(self.bus) as router:
                rule = MatchRule(type="signal", interface=INTERFACE, path=OBJECT_PATH)
                router.send_and_get_reply(message_bus.AddMatch(rule), timeout=self.timeout_s)
                self.state = "up"
                with router.filter(rule, bufsize=64) as signals:
                    listener = threading.Thread(target=self._listen, args=(signals,), daemon=True,
                                                name="controlroom-desktop-notify-signals")
                    listener.start()
                    self._serve(router, addr, new_method_call)
                    listener.join(1.0)
        except Exception as e:  # no session bus, refused, closed: the desk says "desktop: off"
            self._off(f"{type(e).__name__}: {e}")

    def _off(self, why: str) -> None:
        self.state, self.error = "off", why
        log.warning("desktop notifications off: %s", why)

    def _serve(self, router, addr, new_method_call) -> None:
        while not self._stop.is_set():
            job = self._q.get()
            if job[0] == "stop":
                return
            try:
                if job[0] == "notify":
                    _op, key, summary, body, urgency, label = job
                    with self._lock:
                        replaces = self._ids.get(key, 0)
                    msg = new_method_call(addr, "Notify", "susssasa{sv}i", (
                        self.app_name, replaces, "dialog-warning", summary, body, ["default", label],
                        {"urgency": ("y", urgency), "category": ("s", "controlroom.alert"),
                         "x-controlroom-key": ("s", key)},
                        0 if urgency == 2 else -1))  # critical: stays until dismissed
                    reply = router.send_and_get_reply(msg, timeout=self.timeout_s)
                    if reply.header.message_type.name == "error":  # e.g. no notification service on the bus
                        raise RuntimeError(f"{reply.header.fields.get(_error_field(), '')}: {reply.body}")
                    nid = int(reply.body[0])
                    with self._lock:
                        self._ids[key] = nid
                        self._keys[nid] = key
                    self.sent += 1
                elif job[0] == "close":
                    with self._lock:
                        nid = self._ids.pop(job[1], None)
                        self._keys.pop(nid, None)
                    if nid is not None:
                        router.send_and_get_reply(new_method_call(addr, "CloseNotification", "u", (nid,)),
                                                  timeout=self.timeout_s)
                self.error = None
            except Exception as e:  # the service went away or timed out: say so, keep serving
                self.error = f"{type(e).__name__}: {e}"
                log.warning("desktop notification failed: %s", self.error)

    def _listen(self, signals) -> None:
        while not self._stop.is_set():
            try:
                msg = signals.get(timeout=0.3)
            except queue.Empty:
                continue
            member = msg.header.fields.get(_member_field())
            if member == "ActionInvoked":
                nid, action = msg.body
                with self._lock:
                    key = self._keys.get(int(nid))
                if key is not None and action == "default" and self.on_action is not None:
                    try:
                        self.on_action(key)
                    except Exception:  # pragma: no cover - a listener's bug must not end the thread
                        log.exception("desktop notification click handler failed")
            elif member == "NotificationClosed":
                with self._lock:
                    key = self._keys.pop(int(msg.body[0]), None)
                    if key is not None and self._ids.get(key) == int(msg.body[0]):
                        del self._ids[key]


def _error_field():
    from jeepney.low_level import HeaderFields

    return HeaderFields.error_name


def _member_field():
    from jeepney.low_level import HeaderFields

    return HeaderFields.member
