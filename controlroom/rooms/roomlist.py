"""The room list: which rooms this screen can open, where their state streams are and which keys to use.

A TOML file, by default ``rooms.toml`` in the user's settings folder
(``platformdirs.user_config_dir("controlroom")``, e.g. ``~/.config/controlroom/rooms.toml``)::

    client_key = "~/.config/controlroom/keys/desk-ana.key_secret"   # this screen's key pair (default for all rooms)

    [[room]]
    name = "room-a"                          # the room id, as its engine's --room
    title = "Room A · beauty"                # optional label on screen (default: name)
    state = "tcp://10.0.0.5:7711"            # the room's state stream PUB (engine --state-endpoint)
    router = "tcp://10.0.0.5:7712"           # optional: its ROUTER (default: the PUB's port + 1)
    server_key = "/etc/controlroom/room-a/room/room.key"   # the room's public key (KEYS/room/room.key)
    # client_key = "…"                       # optional: another key pair for this room only
    # insecure = true                        # loopback tests only: no CURVE

Every mistake is reported with the file, the room and the field, and nothing half-read is
used (:class:`RoomListError`).  Relative key paths are relative to the file's folder.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOMS_FILE = "rooms.toml"
ENDPOINT_RE = re.compile(r"^(tcp)://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+|\*):(\d{1,5})$|^(ipc|inproc)://.+$")
ROOM_KEYS = {"name", "title", "state", "router", "server_key", "client_key", "insecure"}
TOP_KEYS = {"client_key", "room"}


class RoomListError(ValueError):
    """A room list that cannot be used; the message names the file, the room and the field."""


@dataclass(frozen=True, slots=True)
class RoomSpec:
    """One room of the list: how to reach its state stream."""

    name: str
    state: str  # PUB endpoint
    router: str  # ROUTER endpoint
    title: str = ""
    server_key: Path | None = None  # the room's public key file (None only when insecure)
    client_key: Path | None = None  # this screen's .key_secret (None only when insecure)
    insecure: bool = False

    @property
    def label(self) -> str:
        """What a screen calls the room."""
        return self.title or self.name

    def curve(self) -> tuple[bytes, bytes, bytes] | None:
        """``curve=`` of a StateClient: (room public, client public, client secret); None when insecure.

        Raises :class:`RoomListError` naming the room when a key file is missing or wrong.
        """
        if self.insecure:
            return None
        from controlroom.state.keys import client_curve

        try:
            return client_curve(self.client_key, self.server_key)
        except (OSError, ValueError) as e:
            raise RoomListError(f"room {self.name!r}: {e}") from None


def default_rooms_path() -> Path:
    """``rooms.toml`` in the user's settings folder (``$CONTROLROOM_ROOMS`` overrides, for services and tests)."""
    env = os.environ.get("CONTROLROOM_ROOMS")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("controlroom", appauthor=False)) / ROOMS_FILE


def router_for(pub: str) -> str:
    """The ROUTER endpoint next to a PUB endpoint, as the engine derives it (port + 1)."""
    from controlroom.state.server import router_endpoint_for

    return router_endpoint_for(pub)


def _endpoint(value, where: str) -> str:
    if not isinstance(value, str) or not ENDPOINT_RE.match(value):
        raise RoomListError(f"{where}: not a ZeroMQ endpoint like \"tcp://host:7711\" (got {value!r})")
    m = ENDPOINT_RE.match(value)
    if m.group(3) is not None and not 0 < int(m.group(3)) < 65536:
        raise RoomListError(f"{where}: port {m.group(3)} is outside 1–65535")
    if m.group(2) == "*":
        raise RoomListError(f"{where}: \"*\" is for binding; a screen connects to a host name or address")
    return value


def _path(value, base: Path, where: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise RoomListError(f"{where}: a file path (text) is needed, got {value!r}")
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def parse_room_list(text: str, source: str = "<rooms>", base: Path | None = None) -> list[RoomSpec]:
    """The rooms of a room-list TOML text (``base``: the folder relative key paths start from)."""
    base = base or Path.cwd()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RoomListError(f"{source}: not valid TOML: {e}") from None
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise RoomListError(f"{source}: unknown key(s) {', '.join(sorted(unknown))} (allowed: client_key, [[room]])")
    default_client = _path(data["client_key"], base, f"{source}: client_key") if "client_key" in data else None
    rooms = data.get("room", [])
    if not isinstance(rooms, list) or not all(isinstance(r, dict) for r in rooms):
        raise RoomListError(f"{source}: rooms are [[room]] tables")
    out: list[RoomSpec] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(rooms, 1):
        name = r.get("name")
        where = f"{source}: room {i}" + (f" ({name!r})" if isinstance(name, str) else "")
        bad = set(r) - ROOM_KEYS
        if bad:
            raise RoomListError(f"{where}: unknown key(s) {', '.join(sorted(bad))} (allowed: {', '.join(sorted(ROOM_KEYS))})")
        if not isinstance(name, str) or not name.strip():
            raise RoomListError(f"{where}: name is missing (the room id, as its engine's --room)")
        if name in seen:
            raise RoomListError(f"{where}: the name {name!r} is already room {seen[name]}")
        seen[name] = i
        if "state" not in r:
            raise RoomListError(f"{where}: state is missing (the room's state stream, e.g. \"tcp://host:7711\")")
        state = _endpoint(r["state"], f"{where}: state")
        try:
            router = _endpoint(r["router"], f"{where}: router") if "router" in r else router_for(state)
        except ValueError as e:
            raise RoomListError(f"{where}: {e}") from None
        title = r.get("title", "")
        if not isinstance(title, str):
            raise RoomListError(f"{where}: title must be text")
        insecure = r.get("insecure", False)
        if not isinstance(insecure, bool):
            raise RoomListError(f"{where}: insecure must be true or false")
        server_key = client_key = None
        if not insecure:
            if "server_key" not in r:
                raise RoomListError(f"{where}: server_key is missing (the room's public key file, KEYS/room/room.key "
                                    "on the engine's machine)")
            server_key = _path(r["server_key"], base, f"{where}: server_key")
            client_key = _path(r["client_key"], base, f"{where}: client_key") if "client_key" in r else default_client
            if client_key is None:
                raise RoomListError(f"{where}: no client_key (this screen's .key_secret): set it for the room or at "
                                    "the top of the file")
        out.append(RoomSpec(name=name, state=state, router=router, title=title, server_key=server_key,
                            client_key=client_key, insecure=insecure))
    return out


def load_room_list(path: str | os.PathLike | None = None) -> list[RoomSpec]:
    """The rooms in ``path`` (default :func:`default_rooms_path`); a missing default file is an empty list."""
    p = Path(path).expanduser() if path is not None else default_rooms_path()
    if not p.exists():
        if path is not None:
            raise RoomListError(f"{p}: no such room list")
        return []
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RoomListError(f"{p}: cannot read: {e}") from None
    return parse_room_list(text, str(p), p.parent)


def format_room_list(rooms: list[RoomSpec], client_key: str | None = None) -> str:
    """TOML text of a room list (what :func:`parse_room_list` reads back)."""
    def q(s: str) -> str:
        return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"client_key = {q(client_key)}", ""] if client_key else []
    for r in rooms:
        lines += ["[[room]]", f"name = {q(r.name)}"]
        if r.title:
            lines.append(f"title = {q(r.title)}")
        lines += [f"state = {q(r.state)}", f"router = {q(r.router)}"]
        if r.insecure:
            lines.append("insecure = true")
        else:
            lines.append(f"server_key = {q(r.server_key)}")
            if r.client_key is not None and (client_key is None or str(r.client_key) != client_key):
                lines.append(f"client_key = {q(r.client_key)}")
        lines.append("")
    return "\n".join(lines)
