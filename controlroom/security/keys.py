"""CURVE keys: generating them, applying them to sockets, and the shop-side authenticator.

ZeroMQ's CURVE mechanism encrypts a connection and authenticates both ends by
long-term key pairs (Curve25519, written as 40-character Z85 text).  Files are
the ``zmq.auth`` certificate format: ``NAME.key`` holds the public key (safe to
copy anywhere), ``NAME.key_secret`` holds both keys (keep private, mode 0600).

* The **control room** (client) uses its own key pair and the shop's public key:
  :class:`ClientCurve` ``(client_secret_file, server_public_file).apply(sock)``
  on every socket it connects to the shop (feed SUB, snapshot and command DEALERs).
* The **shop** (server) uses its key pair and a folder of the public keys of the
  control rooms it accepts: :class:`ServerCurve` ``(server_secret_file,
  authorized_clients_dir).make_server(sock)`` before ``bind``.  A pyzmq
  ``ThreadAuthenticator`` (ZAP handler) checks every connecting key against that
  folder; anyone else never completes the handshake, so no message of theirs
  reaches the shop and nothing is sent to them.  The authenticated key (Z85) is
  the ``User-Id`` of each received message, which the shop records per command.

``controlroom keys generate DIR [--name NAME]`` (:func:`keys_main`) creates pairs;
:func:`ensure_demo_keys` creates the demo's server and client pairs on first start
so the demo runs secure by default.  See ``docs/security.md``.
"""
from __future__ import annotations

import argparse
import itertools
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator

log = logging.getLogger(__name__)

SERVER_NAME = "shop"  # demo server key pair: shop.key / shop.key_secret
CLIENT_NAME = "controlroom"  # demo client key pair: controlroom.key / controlroom.key_secret


def _check_curve() -> None:
    if not zmq.has("curve"):
        raise RuntimeError("this libzmq has no CURVE support (pyzmq wheels normally do)")


def generate_keys(directory: str | os.PathLike, name: str) -> tuple[Path, Path]:
    """Create the key pair ``NAME.key`` (public) and ``NAME.key_secret`` in ``directory``.

    Refuses to overwrite an existing pair (delete it yourself to rotate keys).
    The secret file is made readable by its owner only.  Returns (public, secret) paths.
    """
    _check_curve()
    if not name or any(c in name for c in "/\\") or name.startswith("."):
        raise ValueError(f"bad key name {name!r}: use a plain file name such as 'shop' or 'controlroom'")
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    pub, sec = d / f"{name}.key", d / f"{name}.key_secret"
    if pub.exists() or sec.exists():
        raise FileExistsError(f"{pub} or {sec} already exists; remove it first to make a new pair")
    pub_s, sec_s = zmq.auth.create_certificates(str(d), name)
    try:
        os.chmod(sec_s, 0o600)
    except OSError:  # pragma: no cover - e.g. some Windows filesystems
        pass
    return Path(pub_s), Path(sec_s)


def load_public(path: str | os.PathLike) -> bytes:
    """The Z85 public key of a ``.key`` or ``.key_secret`` file."""
    public, _ = zmq.auth.load_certificate(str(path))
    if not public:
        raise ValueError(f"{path}: no public key in this file")
    return public


def load_pair(secret_path: str | os.PathLike) -> tuple[bytes, bytes]:
    """(public, secret) Z85 keys of a ``.key_secret`` file; a clear error if it has no secret."""
    p = Path(secret_path)
    if not p.is_file():
        raise FileNotFoundError(f"secret key file {p} not found")
    public, secret = zmq.auth.load_certificate(str(p))
    if not secret:
        raise ValueError(f"{p} holds no secret key (did you pass the public .key file?)")
    return public, secret


class ClientCurve:
    """The control room's side: its own key pair plus the shop's public key."""

    def __init__(self, client_secret_file: str | os.PathLike, server_public_file: str | os.PathLike) -> None:
        _check_curve()
        self.client_secret_file = Path(client_secret_file)
        self.server_public_file = Path(server_public_file)
        self.public_key, self._secret_key = load_pair(self.client_secret_file)
        self.server_key = load_public(self.server_public_file)

    @property
    def public_text(self) -> str:
        """Our public key as text (what the shop records as the sender of our commands)."""
        return self.public_key.decode("ascii")

    def apply(self, sock: zmq.Socket) -> None:
        """Make ``sock`` a CURVE client; call before ``connect``."""
        sock.curve_secretkey = self._secret_key
        sock.curve_publickey = self.public_key
        sock.curve_serverkey = self.server_key

    def __repr__(self) -> str:
        return f"ClientCurve(public={self.public_text[:8]}…, server={self.server_key.decode()[:8]}…)"


# One ZAP handler per context (libzmq allows exactly one: inproc://zeromq.zap.01).  Each
# ServerCurve gets its own ZAP domain on that handler, with its own authorised folder.
_AUTH_LOCK = threading.Lock()
_AUTHS: dict[int, list] = {}  # id(context) -> [context, authenticator, users]
_DOMAIN_NO = itertools.count(1)


def _acquire_auth(ctx: zmq.Context) -> ThreadAuthenticator:
    with _AUTH_LOCK:
        entry = _AUTHS.get(id(ctx))
        if entry is not None and entry[0] is ctx:
            entry[2] += 1
            return entry[1]
        auth = ThreadAuthenticator(ctx, log=logging.getLogger("controlroom.zap"))
        try:
            auth.start()
        except zmq.ZMQError as e:
            raise RuntimeError(
                "could not start the CURVE authenticator: another ZAP handler already runs in this "
                f"ZeroMQ context ({e}); use one ServerCurve per context or a separate context") from e
        _AUTHS[id(ctx)] = [ctx, auth, 1]
        return auth


def _release_auth(ctx: zmq.Context) -> None:
    with _AUTH_LOCK:
        entry = _AUTHS.get(id(ctx))
        if entry is None or entry[0] is not ctx:
            return
        entry[2] -= 1
        if entry[2] <= 0:
            del _AUTHS[id(ctx)]
            entry[1].stop()


class ServerCurve:
    """The shop's side: its key pair plus the folder of authorised control-room public keys.

    ``make_server(sock)`` (before ``bind``) starts the ZAP authenticator of the
    socket's context if needed (once), and makes the socket a CURVE server in its
    own ZAP domain.  Only clients whose public key file is in
    ``authorized_clients_dir`` complete the handshake.  After adding or removing
    files there, call :meth:`reload`.

    Call :meth:`close` only after the sockets it served are closed: a CURVE server
    socket whose authenticator is gone refuses every client (we set
    ``ZAP_ENFORCE_DOMAIN`` so it fails closed rather than open).
    """

    def __init__(self, server_secret_file: str | os.PathLike, authorized_clients_dir: str | os.PathLike,
                 context: zmq.Context | None = None) -> None:
        _check_curve()
        self.server_secret_file = Path(server_secret_file)
        self.authorized_clients_dir = Path(authorized_clients_dir)
        if not self.authorized_clients_dir.is_dir():
            raise FileNotFoundError(f"authorised clients folder {self.authorized_clients_dir} not found")
        self.public_key, self._secret_key = load_pair(self.server_secret_file)
        self.context = context  # default context for the authenticator; the socket's own wins
        self.domain = f"controlroom-{os.getpid()}-{next(_DOMAIN_NO)}"
        self._auths: dict[int, tuple[zmq.Context, ThreadAuthenticator]] = {}
        self._lock = threading.Lock()
        self.closed = False
        if not self.authorized_keys():
            log.warning("no authorised client keys in %s: every control room will be refused",
                        self.authorized_clients_dir)

    @property
    def public_text(self) -> str:
        return self.public_key.decode("ascii")

    def authorized_keys(self) -> list[str]:
        """The Z85 public keys currently authorised (read from the folder)."""
        return sorted(k.decode("ascii") for k in zmq.auth.load_certificates(str(self.authorized_clients_dir)))

    def _auth_for(self, ctx: zmq.Context) -> ThreadAuthenticator:
        with self._lock:
            if self.closed:
                raise RuntimeError("ServerCurve is closed")
            got = self._auths.get(id(ctx))
            if got is not None and got[0] is ctx:
                return got[1]
            auth = _acquire_auth(ctx)
            auth.configure_curve(domain=self.domain, location=str(self.authorized_clients_dir))
            self._auths[id(ctx)] = (ctx, auth)
            return auth

    def start(self) -> None:
        """Start the authenticator for ``self.context`` (or the global context) now."""
        self._auth_for(self.context or zmq.Context.instance())

    def make_server(self, sock: zmq.Socket) -> None:
        """Make ``sock`` a CURVE server checked against the authorised folder; call before ``bind``."""
        self._auth_for(sock.context)
        sock.zap_domain = self.domain.encode()
        try:
            sock.setsockopt(zmq.ZAP_ENFORCE_DOMAIN, 1)
        except (AttributeError, zmq.ZMQError):  # pragma: no cover - libzmq without the option
            pass
        sock.curve_secretkey = self._secret_key
        sock.curve_publickey = self.public_key
        sock.curve_server = True

    def reload(self) -> list[str]:
        """Re-read the authorised folder (after adding/removing keys); returns the keys now allowed."""
        with self._lock:
            for _, auth in self._auths.values():
                auth.configure_curve(domain=self.domain, location=str(self.authorized_clients_dir))
        return self.authorized_keys()

    def close(self) -> None:
        """Stop this server's use of the authenticator(s); stops a context's handler when unused."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            auths, self._auths = self._auths, {}
        for ctx, auth in auths.values():
            auth.certs.pop(self.domain, None)
            _release_auth(ctx)

    def __repr__(self) -> str:
        return f"ServerCurve(public={self.public_text[:8]}…, authorized={self.authorized_clients_dir})"


# --- demo keys --------------------------------------------------------------------------------

def default_keys_dir() -> Path:
    """Per-user folder for the demo keys: ``<config>/keys`` (:func:`controlroom.places.config_dir`:
    ``$XDG_CONFIG_HOME/controlroom/keys`` on Linux, or the OS equivalent)."""
    from controlroom.places import config_dir

    return config_dir() / "keys"


def demo_key_paths(base_dir: str | os.PathLike) -> dict[str, Path]:
    """Where :func:`ensure_demo_keys` keeps each file under ``base_dir``."""
    b = Path(base_dir)
    return {
        "server_secret": b / "server" / f"{SERVER_NAME}.key_secret",
        "server_public": b / "server" / f"{SERVER_NAME}.key",
        "client_secret": b / "client" / f"{CLIENT_NAME}.key_secret",
        "client_public": b / "client" / f"{CLIENT_NAME}.key",
        "authorized": b / "authorized_clients",
    }


def _make_demo_tree(root: Path) -> None:
    generate_keys(root / "server", SERVER_NAME)
    pub, _ = generate_keys(root / "client", CLIENT_NAME)
    (root / "authorized_clients").mkdir()
    shutil.copyfile(pub, root / "authorized_clients" / pub.name)


def ensure_demo_keys(base_dir: str | os.PathLike | None = None,
                     context: zmq.Context | None = None) -> tuple[ServerCurve, ClientCurve]:
    """Create (first start only) and load the demo's shop and control-room key pairs.

    Layout under ``base_dir`` (default :func:`default_keys_dir`)::

        server/shop.key, server/shop.key_secret              the demo shop's pair
        client/controlroom.key, client/controlroom.key_secret the control room's pair
        authorized_clients/controlroom.key                    what the shop accepts

    The tree is built in a temporary folder and renamed into place, so two
    processes starting together (shop and desk) agree on one set of keys.
    """
    base = Path(base_dir) if base_dir is not None else default_keys_dir()
    paths = demo_key_paths(base)
    if not base.exists():
        base.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".keys-new-", dir=base.parent))
        try:
            _make_demo_tree(tmp)
            try:
                os.rename(tmp, base)
                log.info("created demo CURVE keys in %s", base)
            except OSError:
                if not base.exists():
                    raise
                # Another process won the race: use its keys.
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    missing = [str(p) for k, p in paths.items() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"demo key folder {base} is incomplete (missing {', '.join(missing)}); "
                                "delete the folder to have it created again")
    server = ServerCurve(paths["server_secret"], paths["authorized"], context)
    client = ClientCurve(paths["client_secret"], paths["server_public"])
    if client.public_text not in server.authorized_keys():
        log.warning("the demo control-room key is not in %s: the demo shop will refuse it", paths["authorized"])
    return server, client


def _one(folder: Path, pattern: str) -> Path | None:
    found = sorted(folder.glob(pattern)) if folder.is_dir() else []
    if len(found) > 1:
        raise ValueError(f"{folder} holds several {pattern} files ({', '.join(p.name for p in found)}); "
                         "keep exactly one")
    return found[0] if found else None


def curves_from_dir(base_dir: str | os.PathLike,
                    context: zmq.Context | None = None) -> tuple[ServerCurve | None, ClientCurve | None]:
    """Load the CURVE set-up kept in a key folder (``--keys DIR``): (server, client), either may be None.

    The folder uses the demo layout, with any file names::

        server/NAME.key_secret + authorized_clients/   -> the shop side (on the shop machine)
        client/NAME.key_secret + server/SHOP.key        -> the control-room side (on the desk)

    A desk's folder holds only ``client/`` and the shop's public ``server/SHOP.key``; a
    shop's holds ``server/`` and ``authorized_clients/``; the demo's holds both.
    """
    b = Path(base_dir).expanduser()
    if not b.is_dir():
        raise FileNotFoundError(f"key folder {b} not found")
    server = client = None
    srv_secret = _one(b / "server", "*.key_secret")
    if srv_secret is not None:
        server = ServerCurve(srv_secret, b / "authorized_clients", context)
    cli_secret = _one(b / "client", "*.key_secret")
    if cli_secret is not None:
        srv_public = _one(b / "server", "*.key")
        if srv_public is None:
            raise FileNotFoundError(f"{b / 'server'}: no shop public key (.key file) for the control room")
        client = ClientCurve(cli_secret, srv_public)
    if server is None and client is None:
        raise FileNotFoundError(f"{b}: neither server/*.key_secret nor client/*.key_secret found "
                                "(see docs/security.md for the folder layout)")
    return server, client


# --- command line: controlroom keys ... ----------------------------------------------------

def keys_main(argv: list[str] | None = None) -> int:
    """``controlroom keys generate DIR [--name NAME]`` and ``controlroom keys show FILE``.

    ``argv`` is what follows ``keys`` on the command line.  Returns an exit code.
    """
    p = argparse.ArgumentParser(prog="controlroom keys", description="CURVE key pairs for the shop link")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="create a key pair NAME.key (public) + NAME.key_secret in DIR")
    g.add_argument("dir", metavar="DIR")
    g.add_argument("--name", default=CLIENT_NAME,
                   help="file name of the pair: e.g. 'controlroom-desk1' for a control room, 'shop' for a shop "
                        f"(default {CLIENT_NAME})")
    s = sub.add_parser("show", help="print the public key held in a .key or .key_secret file")
    s.add_argument("file", metavar="FILE")
    args = p.parse_args(argv)
    if args.cmd == "show":
        try:
            print(load_public(args.file).decode("ascii"))
        except (OSError, ValueError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        return 0
    try:
        pub, sec = generate_keys(args.dir, args.name)
    except (FileExistsError, ValueError, RuntimeError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    key = load_public(pub).decode("ascii")
    print(f"public key  {pub}\n            {key}")
    print(f"secret key  {sec}   (keep private; readable by you only)")
    print()
    print("What to copy where:")
    print(f"  * For a control room: keep {sec.name} on this desk and give {pub.name} to the shop")
    print("    integrator, who puts it in the shop's authorised clients folder and reloads.")
    print(f"  * For a shop: keep {sec.name} on the shop server; give {pub.name} to every control room")
    print("    (it is their 'server public key').")
    print("  Public .key files are safe to share; never send a .key_secret file. See docs/security.md.")
    return 0
