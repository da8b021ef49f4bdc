"""Chinese for the new strings of branch surge3 (the lead folds it in with python -m ui.i18n --import-dict)."""
ZH = {
    "a warning that only the buffer on a burst makes (a feature's or a surge's: the stock covers the steady sales and the burst's expected sales, not the burst times its buffer) must hold this long before it fires, instead of the tier's pending_s; such a line is at its highest at the burst's onset and falls within seconds (0: the tier's pending_s)":
        "仅由突发（讲解或流量激增）的缓冲系数造成的预警（库存够覆盖平稳销量加上突发的预期销量，但不够突发乘以缓冲系数）须持续这么久才触发，代替档位的待定时长；这种预警线在突发刚开始时最高，几秒内就会回落（0：用档位的待定时长）",
}
