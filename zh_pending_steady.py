"""Chinese for the strings branch `steady` adds (folded in by the lead with ``python -m ui.i18n --import-dict``)."""
ZH = {
    "the slow and long-run rates' prior fades as the SKU's own orders come in: worth prior_strength_s x this / (this + orders so far) (0: it never fades)":
        "慢速与长期速率的先验随该 SKU 自身订单的到来而减弱：其权重为 prior_strength_s × 此值 / (此值 + 已有订单数)（0：从不减弱）",
}
