"""Commands sent to the shop, as the review counts them: one per command id."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


# Rows of the actions table that are no command to the shop: the host prompt (docs/host.md).
NOT_COMMANDS = ("prompt", "prompt_clear")


@dataclass
class Action:
    """One command sent to the shop and its fate (the last row logged for its command id)."""

    ts: float | None
    sku: str | None
    op: str | None
    qty: int | None
    origin: str | None
    operator: str | None
    command_id: str | None
    sent_at: float | None
    acked_at: float | None
    ok: bool | None
    error: str | None

    @property
    def latency_ms(self) -> float | None:
        if self.sent_at is None or self.acked_at is None:
            return None
        return (self.acked_at - self.sent_at) * 1000.0


def actions_from_rows(rows: list[dict]) -> list[Action]:
    """Actions, one per command id (the last row logged for it), in time order."""
    last: dict[Any, dict] = {}
    order: list[Any] = []
    for i, r in enumerate(rows):
        if r.get("op") in NOT_COMMANDS:
            continue
        k = r.get("command_id") or ("row", i)
        if k not in last:
            order.append(k)
        last[k] = r
    out = []
    for k in order:
        r = last[k]
        ok = r.get("ok")
        out.append(Action(r.get("ts"), r.get("sku"), r.get("op"), r.get("qty"), r.get("origin"),
                          r.get("operator"), r.get("command_id"), r.get("sent_at"), r.get("acked_at"),
                          None if ok is None else bool(ok), r.get("error")))
    out.sort(key=lambda a: (a.ts if a.ts is not None else math.inf))
    return out
