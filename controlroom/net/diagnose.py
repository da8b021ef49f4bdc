"""Why a connection gets nothing: the ZeroMQ socket monitor's events, read into one line.

A CURVE client pointed at a plaintext shop, at a shop with another key, or at a port nobody listens
on sees no error from ``recv`` — it just waits.  The socket monitor does see why: the handshake
fails (mechanism mismatch, or the server drops a hello it cannot decrypt), or the connect is
retried without ever connecting.  :class:`ConnectionWatch` drains those events and, when nothing
has arrived for ``quiet_s`` seconds, :meth:`ConnectionWatch.diagnosis` names the likely cause.

Reusable by any client (the feed, the state stream): give it the socket *before* ``connect``, name
the other side (``peer``) and where its key comes from (``key_hint``); call :meth:`got_message`
when a message was *accepted*, and :meth:`note_reject` with ``"bad_version"`` / ``"other_room"``
when one arrived but was refused for speaking another protocol version or for another room —
those are the "version mismatch" and "wrong room" diagnoses (the monitor cannot see them).
"""
from __future__ import annotations

import itertools
import time

import zmq
from zmq.utils.monitor import recv_monitor_message

_ids = itertools.count()
_MECHANISM_MISMATCH = getattr(zmq, "PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH", 0x11000002)


class ConnectionWatch:
    """Monitors one connecting socket and explains, in one line, why it has received nothing."""

    def __init__(self, sock: zmq.Socket, endpoint: str, *, curve: bool, quiet_s: float = 3.0,
                 peer: str = "shop", key_hint: str = "check --keys"):
        self.endpoint, self.curve, self.quiet_s = endpoint, curve, quiet_s
        self.peer, self.key_hint = peer, key_hint
        self.rejects: dict[str, str] = {}  # reason -> the last detail (what the peer sent)
        # a unique inproc address: pyzmq's default (by fd) collides once an fd is reused
        self._sock = sock
        self._mon = sock.get_monitor_socket(addr=f"inproc://controlroom-monitor-{next(_ids)}")
        self.started = time.monotonic()
        self.last_message: float | None = None
        self.connected = self.retried = False
        self.failure: tuple[int, int] | None = None  # (event, value) of the last failed handshake
        self.handshake_ok = False

    def drain(self) -> None:
        """Read the monitor's pending events (non-blocking)."""
        while self._mon.poll(0):
            ev = recv_monitor_message(self._mon)
            kind, value = int(ev["event"]), int(ev["value"])
            if kind == zmq.EVENT_CONNECTED:
                self.connected = True
            elif kind == zmq.EVENT_CONNECT_RETRIED:
                self.retried = True
            elif kind == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self.handshake_ok, self.failure = True, None
            elif kind in (zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL, zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL,
                          zmq.EVENT_HANDSHAKE_FAILED_AUTH):
                self.failure = (kind, value)

    def got_message(self) -> None:
        """Record that data arrived and was accepted (the connection works; no diagnosis needed)."""
        self.last_message = time.monotonic()

    def note_reject(self, reason: str, detail: str = "") -> None:
        """A message arrived but was refused: ``bad_version`` (``detail``: the version it spoke) or
        ``other_room`` (``detail``: its room); other reasons are kept but not diagnosed."""
        self.rejects[reason] = detail

    def diagnosis(self, now: float | None = None) -> str | None:
        """One line naming the likely cause once ``quiet_s`` passed with nothing received, else None."""
        now = time.monotonic() if now is None else now
        if self.last_message is not None or now - self.started < self.quiet_s:
            return None
        self.drain()
        ep, peer = self.endpoint, self.peer
        if "bad_version" in self.rejects:
            return (f"{ep}: version mismatch — the {peer} speaks protocol version {self.rejects['bad_version']}, "
                    f"which this version of controlroom does not (update one side)")
        if "other_room" in self.rejects:
            return f"{ep}: wrong room — the {peer} sends room {self.rejects['other_room']}, not the one we want"
        if self.failure is not None:
            kind, value = self.failure
            if kind == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL and value == _MECHANISM_MISMATCH:
                return (f"{ep}: the handshake failed: security mismatch — we use CURVE, the {peer} is plaintext "
                        f"(run both with or both without --insecure)" if self.curve else
                        f"{ep}: the handshake failed: security mismatch — we are plaintext, the {peer} wants CURVE")
            if kind == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL:
                return f"{ep}: the handshake failed: protocol error {value:#x} (version mismatch or not a controlroom {peer})"
            if kind == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                return f"{ep}: the {peer} refused our key (status {value}): ask for our public key to be authorised"
            return (f"{ep}: the CURVE handshake failed: key mismatch — the {peer}'s public key we have is not the one "
                    f"it uses ({self.key_hint})")
        if not self.connected and self.retried:
            return (f"{ep}: nothing is listening there (connection refused, retrying): is the {peer} running, "
                    f"is the port right?")
        if self.connected and self.handshake_ok:
            return f"{ep}: connected, but nothing arrived for {self.quiet_s:g} s (wrong room, or the {peer} is idle)"
        return f"{ep}: no answer yet (connecting for {now - self.started:.0f} s)"

    def close(self) -> None:
        """Stop monitoring, then close the monitor socket (the socket itself stays as it is).

        Closing the reading end while libzmq still monitors leaves the socket's monitor writing
        into a closed pipe; after a peer restart that stalled the feed's reconnect.
        """
        try:
            if not self._sock.closed:
                self._sock.disable_monitor()
        except zmq.ZMQError:
            pass
        self._mon.close(0)
