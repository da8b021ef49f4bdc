"""The desk ↔ core-process link's timings and frame codec (msgpack of schema'd structs, JSON config).

Shared by the child (:mod:`controlroom.live.core_child`) and the desk side
(:class:`controlroom.live.process.RemoteSession`); see :mod:`controlroom.live.process` for the wire.
"""
from __future__ import annotations

import json
from typing import Any, Union

import msgspec
import numpy as np

from controlroom.state import schema as _schema

PUBLISH_INTERVAL_S = 0.05  # newest snapshot at most 20 times a second (the core makes ~10)
ALIVE_EVERY_S = 0.25  # the child re-sends its last frame this often when nothing changed (see HUNG_AFTER_S)
PING_EVERY_S = 0.5  # the desk pings the child at most this often (from its snapshot reads)
PARENT_SILENT_S = 15.0  # the child gives up on a desk that has not pinged this long (after its first ping)
FIRST_CONTACT_S = 120.0  # ... or that never pinged at all
CHILD_SILENT_S = 10.0  # the desk reports "core failed" when no frame came for this long
HUNG_AFTER_S = 1.2  # ... and "hung" (health) after this long: several heartbeats missed, within 2 s
DEFAULT_CHARTS = 9  # histories sent when the desk has not said which SKUs it charts (snapshot order = urgency)
WANT_FORGET_S = 5.0  # a charted SKU the desk stopped asking for leaves the set after this long
START_TIMEOUT_S = 30.0
# CPU priority offset of the core process (os.nice).  A lower priority for the core should let the
# OS hand a contended CPU to the GUI thread first; measured (docs/benchmarks.md, "## ui") it made no
# difference on a 2-CPU machine, so by default the core runs at the desk's priority.
CORE_NICE = 0


# --- frames ----------------------------------------------------------------------------------------------
class CoreFrame(msgspec.Struct, frozen=True):
    """The child's state frame: a stream snapshot, the charted SKUs' histories (float64 bytes) and status info."""

    v: int
    snapshot: _schema.Snapshot
    hist: dict[str, tuple[bytes, bytes]]
    info: dict[str, Union[str, int, float, bool, None]]


_frame_decoder = msgspec.msgpack.Decoder(CoreFrame)
_intent_decoder = msgspec.msgpack.Decoder(tuple[str, Union[dict, list, None]])


def encode_frame(snapshot: Any, histories: dict[str, tuple[np.ndarray, np.ndarray]], info: dict) -> bytes:
    """One state frame (msgpack of :class:`CoreFrame`; no pickle)."""
    hist = {sku: (np.ascontiguousarray(ts, dtype="<f8").tobytes(),
                  np.ascontiguousarray(av, dtype="<f8").tobytes()) for sku, (ts, av) in histories.items()}
    snap = _schema.Snapshot(_schema.VERSION, "core", snapshot.version, _schema.room_to_wire(snapshot),
                            tuple(_schema.sku_to_wire(v) for v in snapshot.skus))
    return _schema.encode(CoreFrame(_schema.VERSION, snap, hist, dict(info)))


def decode_frame(frame: bytes) -> tuple[int, Any, dict[str, tuple[np.ndarray, np.ndarray]], dict]:
    """(version, snapshot, histories, info) of a frame from :func:`encode_frame`; raises FrameRejected on anything else."""
    if len(frame) > _schema.MAX_FRAME_BYTES:
        raise _schema.FrameRejected("oversized")
    try:
        f = _frame_decoder.decode(frame)
    except (msgspec.ValidationError, msgspec.DecodeError) as e:
        raise _schema.FrameRejected(str(e)) from e
    if f.v != _schema.VERSION:
        raise _schema.FrameRejected("version")
    snap = _schema.view_from_wire(f.snapshot.room, [_schema.sku_from_wire(w) for w in f.snapshot.skus])
    return snap.version, snap, {sku: (np.frombuffer(t, dtype="<f8"), np.frombuffer(a, dtype="<f8"))
                                for sku, (t, a) in f.hist.items()}, dict(f.info)


def cfg_to_json(cfg: dict) -> bytes:
    """The child's configuration as JSON (settings as their dict, the shop CURVE keys as file paths)."""
    out = dict(cfg)
    out["settings"] = cfg["settings"].to_dict()
    c = cfg.get("curve")
    out["curve"] = None if c is None else {"client_secret_file": str(c.client_secret_file),
                                           "server_public_file": str(c.server_public_file)}
    return json.dumps(out).encode("utf-8")


def cfg_from_json(data: bytes) -> dict:
    """The configuration :func:`cfg_to_json` wrote (data only: nothing in it is executed)."""
    from controlroom.security.keys import ClientCurve
    from controlroom.settings import settings_from_dict

    cfg = json.loads(data.decode("utf-8"))
    if not isinstance(cfg, dict):
        raise ValueError("core configuration must be a JSON object")
    cfg["settings"] = settings_from_dict(cfg["settings"])
    c = cfg.get("curve")
    cfg["curve"] = None if c is None else ClientCurve(c["client_secret_file"], c["server_public_file"])
    return cfg


