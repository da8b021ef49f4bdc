"""Opening a room's state stream: endpoints, keys and the publisher, as one object the core thread owns.

An engine (the headless engine, the desk's core process) describes its stream
with a :class:`StreamConfig` and calls :func:`open_stream` **on the thread that
will use the sockets** (the core thread).  The stream gets its own ZeroMQ
context, so its ZAP handler (the allow-list) never collides with the shop
link's authenticator in the same process.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import zmq

from controlroom.state.auth import FileAllowList, StreamAuth
from controlroom.state.publisher import HistoryFn, RequestHandler, StatePublisher

log = logging.getLogger(__name__)

DEFAULT_STATE_ENDPOINT = "tcp://127.0.0.1:7711"  # PUB; the ROUTER defaults to the next port (7712)
_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def router_endpoint_for(pub_endpoint: str) -> str:
    """The ROUTER endpoint that goes with a PUB endpoint: the next TCP port (``*`` stays ``*``)."""
    m = re.fullmatch(r"(tcp://.+):(\d+|\*)", pub_endpoint)
    if m is None:
        if pub_endpoint.startswith(("ipc://", "inproc://")):
            return pub_endpoint + "-router"
        raise ValueError(f"cannot derive a ROUTER endpoint from {pub_endpoint!r}; give it explicitly")
    host, port = m.groups()
    return f"{host}:{'*' if port == '*' else int(port) + 1}"


def is_loopback(endpoint: str) -> bool:
    """True for an endpoint only this machine can reach (loopback TCP, ipc, inproc)."""
    if endpoint.startswith(("ipc://", "inproc://")):
        return True
    m = re.fullmatch(r"tcp://(.+):(\d+|\*)", endpoint)
    return m is not None and m.group(1) in _LOOPBACK


@dataclass(frozen=True)
class StreamConfig:
    """Where and how a room publishes its state stream.

    ``server_keys`` = (public, secret) Z85 of the room (persistent, or per run);
    ``allow_file`` = the room's ``clients.toml`` (re-read when it changes);
    ``clients`` = extra allowed keys ``{public Z85: (name, role)}`` (e.g. the desk's per-run
    operator key).  ``insecure`` = no CURVE: loopback endpoints only, and nobody may command.
    """

    pub_endpoint: str = DEFAULT_STATE_ENDPOINT
    router_endpoint: str | None = None  # None: the PUB's port + 1
    server_keys: tuple[bytes, bytes] | None = None
    allow_file: str | None = None
    clients: dict[str, tuple[str, str]] = field(default_factory=dict)
    insecure: bool = False

    def endpoints(self) -> tuple[str, str]:
        """(PUB, ROUTER) endpoints."""
        return self.pub_endpoint, self.router_endpoint or router_endpoint_for(self.pub_endpoint)

    def check(self) -> None:
        """Raise ValueError for a configuration that must not run (insecure off loopback, no keys)."""
        pub, router = self.endpoints()
        if self.insecure:
            for ep in (pub, router):
                if not is_loopback(ep):
                    raise ValueError(f"--insecure streams bind loopback endpoints only, not {ep}")
        elif self.server_keys is None:
            raise ValueError("a state stream needs the room's key pair (or --insecure for loopback tests)")


class StreamServer:
    """A bound state stream: :attr:`publisher` plus the context and ZAP handler it owns."""

    def __init__(self, cfg: StreamConfig, *, history: HistoryFn | None = None,
                 on_request: RequestHandler | None = None) -> None:
        cfg.check()
        self.cfg = cfg
        self.ctx = zmq.Context()
        self.auth: StreamAuth | None = None
        self._refused_keys = 0
        try:
            if not cfg.insecure:
                pub_key, sec_key = cfg.server_keys
                self.auth = StreamAuth(self.ctx, pub_key, sec_key, FileAllowList(cfg.allow_file, cfg.clients))
            pub_ep, router_ep = cfg.endpoints()
            # An insecure stream is read-only: without CURVE there is no authenticated operator.
            self.publisher = StatePublisher(pub_ep, router_ep, auth=self.auth, insecure=cfg.insecure,
                                            insecure_role="viewer", history=history, on_request=on_request,
                                            ctx=self.ctx)
        except BaseException:
            self._close_auth()
            raise

    @property
    def endpoints(self) -> tuple[str, str]:
        """The bound (PUB, ROUTER) endpoints (real ports when ``*`` was asked)."""
        return self.publisher.pub_endpoint, self.publisher.router_endpoint

    def counters(self) -> dict[str, Any]:
        """What the stream refused and sent so far (for logs and the headless summary)."""
        p = self.publisher
        return {"seq": p.seq, "rejected": dict(p.decoder.rejects), "refused_ops": p.refused, "peers": dict(p.peers),
                "refused_keys": self.auth.refused if self.auth else self._refused_keys, **{k: p.stats[k] for k in
                                                                         ("deltas", "snapshots", "heartbeats")}}

    def _close_auth(self) -> None:
        if self.auth is not None:
            self._refused_keys = self.auth.refused  # still reported after close (the run's summary)
            self.auth.stop()
            self.auth = None
        self.ctx.destroy(linger=0)

    def close(self) -> None:
        """Close the sockets, stop the ZAP handler, end the context."""
        self.publisher.close()
        self._close_auth()


def open_stream(cfg: StreamConfig, *, history: HistoryFn | None = None,
                on_request: RequestHandler | None = None) -> StreamServer:
    """Bind the stream described by ``cfg`` (call on the thread that will publish)."""
    return StreamServer(cfg, history=history, on_request=on_request)
