"""The desk ↔ core-process link: its timings, the child's JSON configuration and its status lines.

Shared by the child (:mod:`controlroom.live.core_child`) and the desk side
(:class:`controlroom.live.process.RemoteSession`).  The state itself goes over the room's
state stream (docs/state-protocol.md); what is here is process control only, as JSON:

* **stdin** (desk -> child): one line, the configuration (:func:`cfg_to_json`) — settings as
  their dict, the shop CURVE key *files*, and the stream's per-run keys; then ``stop`` lines.
  End of file means the desk is gone: the child stops.
* **stdout** (child -> desk): one JSON object per line (:func:`status_from_json`): first
  ``{"endpoints": [pub, router]}`` or ``{"error": text}``, then ``{"status": {...}}`` about once a
  second (session log path, stream counters, encode cost) and ``{"error": text}`` if the core dies.
"""
from __future__ import annotations

import json
from typing import Any

STATUS_EVERY_S = 1.0  # the child's status line
HISTORY_EVERY_S = 0.5  # the desk asks for its charted SKUs' histories this often
CHILD_SILENT_S = 10.0  # the desk reports "core failed" when no frame came for this long
HUNG_AFTER_S = 1.2  # ... and "hung" (health) after this long: several heartbeats missed, within 2 s
WANT_FORGET_S = 5.0  # a charted SKU the desk stopped asking for leaves the set after this long
START_TIMEOUT_S = 30.0
MAX_STATUS_LINE = 64 * 1024  # a longer line from the child is refused (counted), never parsed
# CPU priority offset of the core process (os.nice).  A lower priority for the core should let the
# OS hand a contended CPU to the GUI thread first; measured (docs/benchmarks.md, "## ui") it made no
# difference on a 2-CPU machine, so by default the core runs at the desk's priority.
CORE_NICE = 0


def cfg_to_json(cfg: dict) -> bytes:
    """The child's configuration as one JSON line (settings as their dict, the shop CURVE keys as file paths)."""
    out = dict(cfg)
    out["settings"] = cfg["settings"].to_dict()
    c = cfg.get("curve")
    out["curve"] = None if c is None else {"client_secret_file": str(c.client_secret_file),
                                           "server_public_file": str(c.server_public_file)}
    return json.dumps(out).encode("utf-8") + b"\n"


def cfg_from_json(data: bytes) -> dict:
    """The configuration :func:`cfg_to_json` wrote (data only: nothing in it is executed)."""
    from controlroom.security.keys import ClientCurve
    from controlroom.settings import settings_from_dict

    cfg = json.loads(data.decode("utf-8"))
    if not isinstance(cfg, dict) or not isinstance(cfg.get("stream"), dict):
        raise ValueError("core configuration must be a JSON object with a stream")
    cfg["settings"] = settings_from_dict(cfg["settings"])
    c = cfg.get("curve")
    cfg["curve"] = None if c is None else ClientCurve(c["client_secret_file"], c["server_public_file"])
    return cfg


def status_to_json(kind: str, value: Any) -> bytes:
    """One status line of the child."""
    return json.dumps({kind: value}, default=str).encode("utf-8") + b"\n"


def status_from_json(line: bytes) -> tuple[str, Any]:
    """(kind, value) of a status line; ValueError for anything that is not one."""
    if len(line) > MAX_STATUS_LINE:
        raise ValueError("status line too long")
    msg = json.loads(line.decode("utf-8"))
    if not isinstance(msg, dict) or len(msg) != 1:
        raise ValueError("a status line is a JSON object with one key")
    kind, value = next(iter(msg.items()))
    if kind not in ("endpoints", "error", "status"):
        raise ValueError(f"unknown status {kind!r}")
    return kind, value
