"""Chinese for the strings branch `steady` adds (folded in by the lead with ``python -m ui.i18n --import-dict``)."""
ZH = {
    "the slow and long-run rates' prior fades as each rate's own data comes in (dynamic tiers): worth prior_strength_s x this / (this + units in that rate's decayed count) (0: it never fades)":
        "慢速与长期速率的先验随该速率自身数据的积累而减弱（动态档位）：其权重为 prior_strength_s × 此值 / (此值 + 该速率衰减计数中的件数)（0：从不减弱）",
}
