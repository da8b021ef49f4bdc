"""Lower exposure first: before an auto-freeze, the engine turns the SKU's exposure down.

Where the tier allows it (``lower_exposure_to`` below 1 and ``auto_freeze`` not ``off``),
a SKU whose stock falls to ``lower_exposure_at`` x its safety stock — still above the
safety stock, so nothing is frozen yet — has its storefront exposure lowered to
``lower_exposure_to``: fewer buyers see it, its rate falls, the safety stock sized on
that rate shrinks, and the freeze (if it still comes) holds back fewer units.  Once the
stock is back above the line by the tier's exit ratio (a restock), exposure goes back to
1.  Both go out as the tier's freeze does (``auto``: sent; ``confirm``: asked), with the
rule and figures behind them, and are logged like the freeze.
"""
from __future__ import annotations

from math import ceil

__all__ = ["step_exposure"]


def step_exposure(eng, m, available: int, safety: float, ts: float) -> None:
    """One tick of SKU ``m`` (not frozen, not delisted): lower or restore its exposure."""
    tier = m.tier
    w = tier.lower_exposure_to
    if w >= 1.0 or tier.auto_freeze == "off":
        return
    if m.exposure_line is None:
        line = safety * tier.lower_exposure_at
        if safety < available <= line:
            # The line is kept: once exposure is down the rate, the safety stock and a line drawn
            # from them fall too, and only a restock past the line as drawn brings exposure back.
            m.exposure_line = line
            m.exposure_weight = w
            eng._actions.append({
                "op": "exposure", "sku": m.sku, "weight": w, "by": "auto", "confirm": tier.auto_freeze == "confirm",
                "ts": ts, "why": "exposure_line", "available": available, "line": ceil(line),
                "reason": (f"available {available} at or below the exposure line {ceil(line)} "
                           f"({tier.lower_exposure_at:g} x safety stock {safety:.1f}): exposure lowered to {w:g} "
                           f"before a freeze"),
            })
    elif available > m.exposure_line * tier.exit_ratio:
        line, m.exposure_line = m.exposure_line, None
        m.exposure_weight = 1.0
        eng._actions.append({
            "op": "exposure", "sku": m.sku, "weight": 1.0, "by": "auto", "confirm": tier.auto_freeze == "confirm",
            "ts": ts, "why": "exposure_restore", "available": available, "line": ceil(line),
            "reason": (f"available {available} back above the exposure line {ceil(line)} x {tier.exit_ratio:g}: "
                       f"exposure restored to 1"),
        })
