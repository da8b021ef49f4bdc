"""Chinese for branch band2's new setting descriptions (folded in by the lead with ui.i18n --import-dict)."""
ZH = {
    "the windows still open count in the shown 80 % band's level at this weight of the miss rate their band is expected to have, so the level stops climbing once the band shown is wide enough rather than a whole window later (0: only windows that ended count)":
        "尚未结束的窗口按其区间预期的未覆盖率、以此权重计入显示的 80% 区间的分位水平，使区间够宽时水平即停止上调，而不是晚一整个窗口（0：只计已结束的窗口）",
    "a tier with few windows of its own reads its 80 % band at the level of the tiers forecasting the same way (same rate basis), not only from their windows":
        "自身窗口尚少的档位，按预测方式相同（速率基准相同）的档位的分位水平取其 80% 区间，而不只借用它们的窗口",
    "the shown 80 % band also learns from each window at half its length (hears of a change sooner; off where early misses would only widen the rest of the show's band)":
        "显示的 80% 区间在每个窗口过半时也学习一次（更早察觉变化；若开场的未覆盖只会让此后整场的区间变宽，则关闭）",
}
