"""A test notification service on a private D-Bus session bus (run under ``dbus-run-session``).

Owns ``org.freedesktop.Notifications`` on the bus it was started with, answers
``Notify`` (ids from 1), ``CloseNotification``, ``GetCapabilities`` and
``GetServerInformation``, and writes one JSON line per event on stdout: first
``{"ready": ADDRESS}``, then ``{"call": "Notify", "id": N, "summary": ..., "body": ...,
"urgency": U, "actions": [...]}`` or ``{"call": "CloseNotification", "id": N}``.
A line ``click N`` on stdin emits ``ActionInvoked(N, "default")`` as a desktop would
when the notification is clicked; ``quit`` or end of input stops it.
"""
from __future__ import annotations

import json
import os
import select
import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import DBusAddress

PATH = "/org/freedesktop/Notifications"
IFACE = "org.freedesktop.Notifications"


def say(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main() -> int:
    conn = open_dbus_connection("SESSION")
    reply = conn.send_and_get_reply(message_bus.RequestName(IFACE, 4))  # 4: do not queue
    if reply.body[0] != 1:
        say({"error": f"could not own {IFACE}: {reply.body[0]}"})
        return 1
    say({"ready": os.environ["DBUS_SESSION_BUS_ADDRESS"]})
    emitter = DBusAddress(PATH, interface=IFACE)
    next_id = 1
    stdin_open = True
    while True:
        if stdin_open and select.select([sys.stdin], [], [], 0)[0]:
            line = sys.stdin.readline()
            if not line or line.strip() == "quit":
                return 0
            cmd, _sp, arg = line.strip().partition(" ")
            if cmd == "click":
                conn.send(new_signal(emitter, "ActionInvoked", "us", (int(arg), "default")))
                say({"clicked": int(arg)})
        try:
            msg = conn.receive(timeout=0.05)
        except TimeoutError:
            continue
        h = msg.header
        if h.message_type != MessageType.method_call or h.fields.get(HeaderFields.interface) not in (IFACE, None):
            continue
        member = h.fields.get(HeaderFields.member)
        if member == "Notify":
            app, replaces, _icon, summary, body, actions, hints, timeout = msg.body
            nid = replaces or next_id
            if not replaces:
                next_id += 1
            conn.send(new_method_return(msg, "u", (nid,)))
            say({"call": "Notify", "id": nid, "app": app, "summary": summary, "body": body, "actions": actions,
                 "urgency": hints.get("urgency", ("y", None))[1], "timeout": timeout})
        elif member == "CloseNotification":
            conn.send(new_method_return(msg))
            conn.send(new_signal(emitter, "NotificationClosed", "uu", (msg.body[0], 3)))
            say({"call": "CloseNotification", "id": msg.body[0]})
        elif member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (["actions", "body"],)))
        elif member == "GetServerInformation":
            conn.send(new_method_return(msg, "ssss", ("test", "controlroom-tests", "1", "1.2")))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),)))


if __name__ == "__main__":
    sys.exit(main())
