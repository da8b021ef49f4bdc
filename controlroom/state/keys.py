"""The state stream's keys: a room's persistent server key pair, its client allow-list, and client key pairs.

A room's stream keys live in the ``room/`` folder of its key folder (``--keys DIR``,
or the per-user demo key folder)::

    DIR/room/room.key_secret   the room's server pair (secret; mode 0600)
    DIR/room/room.key          its public key: what every view needs to connect
    DIR/room/clients.toml      the allow-list: client public keys with a name and a role

:func:`ensure_room_keys` makes the pair (and an empty allow-list) on first start
and loads them; :func:`add_client` puts a client key on the allow-list (what
``controlroom keys pair`` does).  A view (host view, rooms overview, remote desk)
uses :func:`client_curve` to build the ``curve=`` tuple of
:class:`~controlroom.state.client.StateClient` from its own ``.key_secret`` file
and the room's ``room.key``.  See docs/state-protocol.md ("API for other screens").
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import zmq

from controlroom.security import keys as shop_keys
from controlroom.state.auth import ALLOW_FILE, ROLES, AllowList

log = logging.getLogger(__name__)

ROOM_DIR = "room"
ROOM_NAME = "room"


@dataclass(frozen=True)
class RoomKeys:
    """A room's stream server keys (Z85) and where its allow-list is kept."""

    public: bytes
    secret: bytes
    allow_file: Path

    def allow_list(self) -> AllowList:
        """The allow-list as it is on disk now."""
        return AllowList.load(self.allow_file)


def room_dir(keys_dir: str | os.PathLike) -> Path:
    """The ``room/`` folder of a key folder."""
    return Path(keys_dir).expanduser() / ROOM_DIR


def ensure_room_keys(keys_dir: str | os.PathLike) -> RoomKeys:
    """Load the room's stream keys from ``keys_dir/room``, creating the pair and an empty allow-list on first use."""
    d = room_dir(keys_dir)
    secret_file = d / f"{ROOM_NAME}.key_secret"
    if not secret_file.exists():
        shop_keys.generate_keys(d, ROOM_NAME)
        log.info("created the room's state-stream key pair in %s", d)
    allow = d / ALLOW_FILE
    if not allow.exists():
        AllowList().save(allow)
    public, secret = shop_keys.load_pair(secret_file)
    return RoomKeys(public, secret, allow)


def run_keys() -> tuple[bytes, bytes]:
    """A fresh (public, secret) pair held in memory only: a per-run server or client key."""
    return zmq.curve_keypair()


def add_client(keys_dir: str | os.PathLike, public_key: str, name: str, role: str) -> Path:
    """Put ``public_key`` (Z85 text, or a path to a ``.key``/``.key_secret`` file) on the room's allow-list.

    Replaces an earlier entry of the same key.  Returns the allow-list file.  A running
    engine reads the list at each handshake, so the new client can connect at once.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    rk = ensure_room_keys(keys_dir)
    key = public_key.strip()
    if len(key) != 40 or Path(key).exists():
        key = shop_keys.load_public(key).decode("ascii")
    allow = AllowList.load(rk.allow_file)
    allow.add(key, name, role)
    allow.save(rk.allow_file)
    return rk.allow_file


def client_curve(client_secret_file: str | os.PathLike,
                 room_public: str | bytes | os.PathLike) -> tuple[bytes, bytes, bytes]:
    """``curve=`` for :class:`~controlroom.state.client.StateClient`: (room public, client public, client secret).

    ``room_public`` is the room's ``room.key`` file, or its public key as Z85 text/bytes.
    """
    pub, sec = shop_keys.load_pair(client_secret_file)
    if isinstance(room_public, bytes) and len(room_public) == 40:
        server = room_public
    elif isinstance(room_public, str) and len(room_public) == 40 and not Path(room_public).exists():
        server = room_public.encode("ascii")
    else:
        server = shop_keys.load_public(room_public)
    return server, pub, sec


def remove_client(keys_dir: str | os.PathLike, public_key: str) -> bool:
    """Take a key (Z85 text or a key file) off the room's allow-list; True if it was there."""
    rk = ensure_room_keys(keys_dir)
    key = public_key.strip()
    if len(key) != 40 or Path(key).exists():
        key = shop_keys.load_public(key).decode("ascii")
    allow = AllowList.load(rk.allow_file)
    if allow.entries.pop(key, None) is None:
        return False
    allow.save(rk.allow_file)
    return True


# --- command line: controlroom keys pair | unpair | clients | room ----------------------------------------
def keys_main(argv: list[str] | None = None) -> int:
    """``controlroom keys``: the shop-link verbs (generate, show) plus the room's stream allow-list.

    ``pair DIR KEY --name NAME --role viewer|operator`` allows a view's public key (a ``.key`` file
    or its Z85 text); ``unpair DIR KEY`` removes it; ``clients DIR`` lists the allow-list; ``room DIR``
    prints the room's public key (made on first use).  DIR is the room's key folder (``--keys``).
    """
    import argparse
    import sys

    argv = list(argv or [])
    if not argv or argv[0] not in ("pair", "unpair", "clients", "room"):
        return shop_keys.keys_main(argv)
    p = argparse.ArgumentParser(prog=f"controlroom keys {argv[0]}",
                                description="the room's state-stream allow-list (docs/security.md)")
    p.add_argument("dir", metavar="DIR", help="the room's key folder (what the engine gets as --keys)")
    if argv[0] in ("pair", "unpair"):
        p.add_argument("key", metavar="KEY", help="the view's public key: its .key file or the 40-character text")
    if argv[0] == "pair":
        p.add_argument("--name", required=True, help="who this is, e.g. host-view-1 or desk-anna (recorded as the "
                                                     "operator of its commands)")
        p.add_argument("--role", required=True, choices=ROLES,
                       help="viewer: receives state only; operator: may also command")
    args = p.parse_args(argv[1:])
    try:
        if argv[0] == "pair":
            path = add_client(args.dir, args.key, args.name, args.role)
            print(f"allowed {args.name} as {args.role} in {path}")
        elif argv[0] == "unpair":
            if not remove_client(args.dir, args.key):
                print("that key is not on the allow-list", file=sys.stderr)
                return 1
            print("removed; its next connection is refused (an open one lasts until it reconnects)")
            return 0
        elif argv[0] == "clients":
            rk = ensure_room_keys(args.dir)
            for key, (name, role) in sorted(rk.allow_list().entries.items(), key=lambda kv: kv[1]):
                print(f"{role:<9} {name:<24} {key}")
            return 0
        rk = ensure_room_keys(args.dir)
        print(f"room public key  {rk.public.decode()}")
        print(f"                 {room_dir(args.dir) / (ROOM_NAME + '.key')}   (give this file to each view)")
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0
