"""Which view each row of the SKU table shows, and in which order: pure functions over SkuViews (no Qt).

* :func:`shown_held` — a SKU the engine holds frozen is shown frozen while a pulse has the shop open.
* :func:`sort_key` — the key a column sorts by (None: the snapshot's urgency order).
"""
from __future__ import annotations

from dataclasses import replace

_INF = float("inf")


def shown_held(skus: tuple, held: frozenset[str]) -> tuple[tuple, frozenset[str]]:
    """``skus`` with each held SKU the shop has open right now shown frozen, and those SKUs."""
    open_now = [i for i, v in enumerate(skus) if v.sku in held and not v.frozen and v.available > 0]
    if not open_now:
        return skus, frozenset()
    out = list(skus)
    for i in open_now:
        out[i] = replace(out[i], frozen=True)
    return tuple(out), frozenset(skus[i].sku for i in open_now)


def sort_key(name: str, tier_of_row):
    """A key function over (SkuView, effective tier) for one column."""
    if name == "sku":
        return lambda vt: vt[0].sku
    if name == "name":
        return lambda vt: vt[0].name
    if name == "tier":
        return lambda vt: (vt[1], vt[0].sku)
    if name == "available":
        return lambda vt: vt[0].available
    if name == "sold":
        return lambda vt: vt[0].sold
    if name == "rate":
        return lambda vt: vt[0].rate_per_min
    if name == "sellout":
        return lambda vt: (vt[0].sellout_pessimistic_s if vt[0].sellout_pessimistic_s is not None else _INF)
    if name == "warning_line":
        return lambda vt: vt[0].warning_line
    if name == "safety":
        return lambda vt: vt[0].safety_stock
    if name == "status":
        return lambda vt: ((vt[0].available <= 0) * 8 + vt[0].frozen * 4 + vt[0].delisted * 2 + vt[0].featured)
    return None  # level / spark: urgency (the snapshot's order)
