"""The SKU table's effective tiers, remembered between snapshots."""
from __future__ import annotations


class TierMemo:
    """Each SKU's effective tier (a settings override, else the shop's), remembered per (SKU, shop tier)
    while the settings' ``tier_of`` stays the same: with 500 SKUs on every refresh, a lookup through the
    settings is made afresh only for a SKU that moved tier or after the settings changed."""

    def __init__(self) -> None:
        self._fn = None  # the tier_of the memo was made with (new settings: a new bound method)
        self._memo: dict[tuple[str, str], str] = {}

    def tiers(self, skus: tuple, tier_of) -> dict[str, str]:
        """sku -> effective tier for ``skus`` (``tier_of(sku, shop_tier)``; None: the shop's tier)."""
        if tier_of is None:
            return {v.sku: v.tier for v in skus}
        if tier_of != self._fn:
            self._fn, self._memo = tier_of, {}
        memo = self._memo
        out = {}
        for v in skus:
            k = (v.sku, v.tier)
            t = memo.get(k)
            if t is None:
                if len(memo) > 4 * len(skus) + 100:  # bounded: SKUs that come and go over a long show
                    memo.clear()
                t = memo[k] = tier_of(v.sku, v.tier)
            out[v.sku] = t
        return out
