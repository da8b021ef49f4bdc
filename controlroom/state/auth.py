"""Who may join a room's state stream, and as what: an allow-list of client public keys, each with a role.

The allow-list is a TOML file (``clients.toml`` in the room's keys folder)::

    [[client]]
    key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"   # the client's Z85 public key
    name = "host-view-1"
    role = "viewer"                                   # viewer | operator

:class:`StreamAuth` runs ``zmq.auth``'s ZAP handler on the stream's own ZeroMQ
context.  A key that is not on the list never completes the CURVE handshake, so
it receives nothing.  For a key on the list the ZAP ``User-Id`` is
``"role:name"``; the publisher reads it from each received frame (it is set by
libzmq after the handshake, not by the client), so a viewer cannot claim the
operator role and the name in the session log is the key's.
"""
from __future__ import annotations

import logging
import os
import threading
import tomllib
from pathlib import Path

import zmq
from zmq.auth.thread import ThreadAuthenticator

log = logging.getLogger(__name__)

ROLES = ("viewer", "operator")
ALLOW_FILE = "clients.toml"
DOMAIN = "controlroom-state"


class AllowList:
    """Public key (Z85 text) -> (name, role); read from and written to a TOML file."""

    def __init__(self, entries: dict[str, tuple[str, str]] | None = None) -> None:
        self.entries: dict[str, tuple[str, str]] = dict(entries or {})
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: str | os.PathLike) -> "AllowList":
        """The allow-list in ``path`` (empty when the file does not exist); bad entries are skipped and logged."""
        p = Path(path)
        if not p.exists():
            return cls()
        data = tomllib.loads(p.read_text(encoding="utf-8"))
        out: dict[str, tuple[str, str]] = {}
        for c in data.get("client", []):
            key, name, role = c.get("key"), c.get("name", ""), c.get("role")
            if not isinstance(key, str) or len(key) != 40 or role not in ROLES or not isinstance(name, str):
                log.warning("%s: skipped a bad client entry %r", p, c)
                continue
            out[key] = (name, role)
        return cls(out)

    def add(self, key: str, name: str, role: str) -> None:
        """Allow ``key`` as ``name`` with ``role`` (replaces an earlier entry of the same key)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        if len(key) != 40:
            raise ValueError("a CURVE public key is 40 characters of Z85 text")
        with self._lock:
            self.entries[key] = (name, role)

    def get(self, key: str) -> tuple[str, str] | None:
        """(name, role) of ``key``, or None."""
        with self._lock:
            return self.entries.get(key)

    def save(self, path: str | os.PathLike) -> None:
        """Write the list as TOML (mode 0600: it says who may command the room)."""
        lines = []
        for key, (name, role) in sorted(self.entries.items(), key=lambda kv: kv[1]):
            lines += ["[[client]]", f"key = {_toml_str(key)}", f"name = {_toml_str(name)}",
                      f"role = {_toml_str(role)}", ""]
        p = Path(path)
        p.write_text("\n".join(lines), encoding="utf-8")
        os.chmod(p, 0o600)


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class FileAllowList(AllowList):
    """An allow-list file plus fixed extra entries (e.g. a per-run operator key); re-read when the file changes.

    The ZAP handler asks at every handshake, so a client paired with ``controlroom keys pair``
    while the engine runs can connect at once, and a removed one is refused from its next connection.
    """

    def __init__(self, path: str | os.PathLike | None, extra: dict[str, tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.path = Path(path) if path is not None else None
        self.extra = dict(extra or {})
        self._mtime: float | None = None
        self._reload()

    def _reload(self) -> None:
        try:
            loaded = AllowList.load(self.path).entries if self.path is not None else {}
        except (OSError, ValueError) as e:  # a half-edited file: keep the list we had (and say so)
            log.warning("%s: cannot read the allow-list (%s); keeping the previous one", self.path, e)
            return
        with self._lock:
            self.entries = {**loaded, **self.extra}

    def get(self, key: str) -> tuple[str, str] | None:
        if self.path is not None:
            try:
                mtime = self.path.stat().st_mtime_ns
            except OSError:
                mtime = None
            if mtime != self._mtime:
                self._mtime = mtime
                self._reload()
        return super().get(key)


class _Authenticator(ThreadAuthenticator):
    """ZAP handler whose User-Id is ``role:name`` from the allow-list."""

    allow: AllowList

    def curve_user_id(self, client_public_key: bytes) -> str:
        got = self.allow.get(zmq.utils.z85.encode(client_public_key).decode("ascii")) \
            if len(client_public_key) == 32 else self.allow.get(client_public_key.decode("ascii", "replace"))
        return f"{got[1]}:{got[0]}" if got else "viewer:?"


class _Provider:
    def __init__(self, allow: AllowList) -> None:
        self.allow = allow
        self.refused = 0

    def callback(self, domain: str, key: bytes) -> bool:
        text = zmq.utils.z85.encode(key).decode("ascii") if len(key) == 32 else key.decode("ascii", "replace")
        if self.allow.get(text) is None:
            self.refused += 1
            log.warning("state stream: refused an unknown client key %s…", text[:8])
            return False
        return True


class StreamAuth:
    """CURVE server side of a state stream: the room's key pair plus its allow-list.

    One per ZeroMQ context (libzmq allows one ZAP handler per context); the
    publisher makes its own context.  Call :meth:`make_server` on each socket
    before ``bind``, :meth:`stop` after the sockets are closed.
    """

    def __init__(self, ctx: zmq.Context, public_key: bytes, secret_key: bytes, allow: AllowList) -> None:
        self.public_key, self._secret_key, self.allow = public_key, secret_key, allow
        self._provider = _Provider(allow)
        self._auth = _Authenticator(ctx, log=logging.getLogger("controlroom.state.zap"))
        self._auth.allow = allow
        self._auth.start()
        self._auth.configure_curve_callback(domain=DOMAIN, credentials_provider=self._provider)

    @property
    def refused(self) -> int:
        """Handshakes refused (unknown keys)."""
        return self._provider.refused

    def make_server(self, sock: zmq.Socket) -> None:
        """Make ``sock`` a CURVE server checked against the allow-list; call before ``bind``."""
        sock.zap_domain = DOMAIN.encode()
        sock.setsockopt(zmq.ZAP_ENFORCE_DOMAIN, 1)
        sock.curve_secretkey = self._secret_key
        sock.curve_publickey = self.public_key
        sock.curve_server = True

    def stop(self) -> None:
        """Stop the ZAP handler."""
        self._auth.stop()


def client_curve(sock: zmq.Socket, server_public: bytes, public: bytes, secret: bytes) -> None:
    """Make ``sock`` a CURVE client of the stream whose server key is ``server_public``."""
    sock.curve_serverkey = server_public
    sock.curve_publickey = public
    sock.curve_secretkey = secret


def role_of(user_id: str | None) -> tuple[str, str]:
    """(role, name) from a frame's ZAP User-Id; no User-Id (an ``--insecure`` stream) is a viewer."""
    if not user_id or ":" not in user_id:
        return "viewer", user_id or ""
    role, name = user_id.split(":", 1)
    return (role if role in ROLES else "viewer"), name
