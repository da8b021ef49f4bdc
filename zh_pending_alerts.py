"""Chinese for the strings the alerts branch (issue 16) added; the lead folds it in with
``python -m ui.i18n --import-dict zh_pending_alerts.py`` and deletes this file."""

ZH = {
    # ui/desk/alerts.py (AlertPanel)
    "Unfreeze": "解冻",
    # ui/desk/shortcuts.py (the one-click unfreeze's action, Shift+U, listed in Help)
    "Unfreeze a SKU frozen with stock": "解冻冻结但仍有库存的商品",
    "Problems ({n})": "问题（{n}）",
    "Alerts ({n})": "告警（{n}）",
    "History ({n})": "历史（{n}）",
    "room": "直播间",
    # ui/desk/episode_model.py (EpisodeModel)
    "Room-wide surge": "全场激增",
    "frozen with {n} left · {money}/min not selling": "冻结中仍有 {n} 件 · 每分钟少卖 {money}",
    "{n} SKUs at once: {skus}": "{n} 个商品同时：{skus}",
    "avail {n}": "可售 {n}",
    "line {n}": "预警线 {n}",
    "safety {n}": "安全库存 {n}",
    "losing {r}/min": "每分钟流失 {r}",
    "{r}/min": "{r}/分钟",
    "forecast {n} in {m:g} min": "预测 {m:g} 分钟内售出 {n}",
    "carts {r}/min": "加购 {r}/分钟",
    "sell-out {t}": "{t}后售罄",
    "unsteady": "不稳定",
    "Level changed {n} times in this episode": "本次问题中级别变化了 {n} 次",
    # controlroom/settings/sections.py (SettingsDoc: the two new tier settings' units and descriptions)
    "weight": "权重",
    "x safety stock": "× 安全库存",
    "before an auto-freeze, lower the SKU's exposure to this weight once available is at or below lower_exposure_at x safety stock (1: never; needs auto_freeze auto or confirm)":
        "自动冻结之前，当可售库存降到 lower_exposure_at × 安全库存或以下时，先把该商品的曝光降到这个权重（1：从不；仅在该档位自动冻结或询问运营时）",
    "the line, in safety stocks, at which exposure is lowered before a freeze": "冻结之前降低曝光的库存线（以安全库存的倍数计）",
}
