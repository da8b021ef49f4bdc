"""Chinese for the new strings of branch ``lead`` (issue 16): the lead folds them in with
``python -m ui.i18n --import-dict`` and deletes this file."""
ZH = {
    "the warning line's steady part covers at least this many minutes of the steady rate, above multiplier x window (traffic drivers: 45, the rule of thumb's 1.5 x 30 min, where their 2 x 15 min warned later than the naive rule on the same demand); 0: multiplier x window alone":
        "预警线的稳定部分至少覆盖按稳定速率计算的这么多分钟的销量，高于倍数 × 窗口时以此为准（引流款：45，即经验法则的 1.5 × 30 分钟；其 2 × 15 分钟在同样的需求下比简单规则预警得晚）；0：仅用倍数 × 窗口",
}
