"""Chinese for the new strings of branch ``lead`` (issue 16): the lead folds them in with
``python -m ui.i18n --import-dict`` and deletes this file."""
ZH = {
    "the warning line's steady part covers at least this many minutes of the steady rate, whatever the tier's multiplier x window (45: the rule of thumb's 1.5 x 30 min, so a short-window tier is not warned later than the naive rule on the same demand); 0: multiplier x window alone":
        "预警线的稳定部分至少覆盖按稳定速率计算的这么多分钟的销量，不论该层级的倍数 × 窗口是多少（45：经验法则的 1.5 × 30 分钟，使短窗口层级在同样的需求下不会比简单规则更晚预警）；0：仅用倍数 × 窗口",
}
