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
    "lower the SKU's exposure to at most this weight: before an auto-freeze, at lower_exposure_at x safety stock; and to release a freeze whose stock left is below the reserve at full exposure (1: never; needs auto_freeze auto or confirm)":
        "把该商品的曝光最多降到这个权重：自动冻结之前，在 lower_exposure_at × 安全库存处先降；冻结后剩余库存低于全曝光所需预留时，以降低的曝光解冻（1：从不；仅在该档位自动冻结或询问运营时）",
    "the line, in safety stocks, at which exposure is lowered before a freeze (1: never before; only the release at a lower exposure)":
        "冻结之前降低曝光的库存线（以安全库存的倍数计；1：冻结前不降，只在解冻时降低曝光）",
}
