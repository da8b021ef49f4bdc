"""Chinese for the new strings of branch surge3 (the lead folds it in with python -m ui.i18n --import-dict)."""
ZH = {
    "a warning that only a burst's part of the line makes (a feature's or a surge's: without it the SKU would not be warned) must hold this long before it fires, instead of the tier's pending_s; a line at a burst's onset is at its highest and falls within seconds (0: the tier's pending_s)":
        "仅由预警线中突发部分（讲解或流量激增带来的部分：没有它该商品不会预警）造成的预警，须持续这么久才触发，代替档位的待定时长；突发刚开始时预警线最高，几秒内就会回落（0：用档位的待定时长）",
}
