"""Why a feed connection gets nothing: the ZeroMQ socket monitor's events, read into one line.

A CURVE client pointed at a plaintext shop, at a shop with another key, or at a port nobody listens
on sees no error from ``recv`` — it just waits.  The socket monitor does see why: the handshake
fails (mechanism mismatch, or the server drops a hello it cannot decrypt), or the connect is
retried without ever connecting.  :class:`ConnectionWatch` drains those events and, when nothing
has arrived for ``quiet_s`` seconds, :meth:`ConnectionWatch.diagnosis` names the likely cause.
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

    def __init__(self, sock: zmq.Socket, endpoint: str, *, curve: bool, quiet_s: float = 3.0):
        self.endpoint, self.curve, self.quiet_s = endpoint, curve, quiet_s
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
        """Record that data arrived (the connection works; no diagnosis needed)."""
        self.last_message = time.monotonic()

    def diagnosis(self, now: float | None = None) -> str | None:
        """One line naming the likely cause once ``quiet_s`` passed with nothing received, else None."""
        now = time.monotonic() if now is None else now
        if self.last_message is not None or now - self.started < self.quiet_s:
            return None
        self.drain()
        ep = self.endpoint
        if self.failure is not None:
            kind, value = self.failure
            if kind == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL and value == _MECHANISM_MISMATCH:
                return (f"{ep}: the handshake failed: security mismatch — we use CURVE, the other side is plaintext "
                        f"(run both with or both without --insecure)" if self.curve else
                        f"{ep}: the handshake failed: security mismatch — we are plaintext, the other side wants CURVE")
            if kind == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL:
                return f"{ep}: the handshake failed: protocol error {value:#x} (version mismatch or not a controlroom shop)"
            if kind == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                return f"{ep}: the shop refused our key (status {value}): ask for our public key to be authorised"
            return (f"{ep}: the CURVE handshake failed: key mismatch — the shop's public key we have is not the one "
                    f"it uses (check --keys)")
        if not self.connected and self.retried:
            return f"{ep}: nothing is listening there (connection refused, retrying): is the shop running, is the port right?"
        if self.connected and self.handshake_ok:
            return f"{ep}: connected, but nothing arrived for {self.quiet_s:g} s (wrong room, or the shop is idle)"
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
