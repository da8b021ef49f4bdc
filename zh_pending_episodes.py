"""Chinese for the new strings of branch ``episodes`` (issue 16); the lead folds it in with
``python -m ui.i18n --import-dict`` and deletes this file."""
ZH = {
    # ui/desk/episode_model.py (EpisodeModel): the room's surge row with one or two SKUs, or none now
    "Surges (advisory)": "需求激增（提示）",
    "surging: {skus}": "激增中：{skus}",
    "no SKU surging now": "当前无商品激增",
    # controlroom/settings/sections.py (SettingsDoc): engine.episode_group_min_skus, new description
    "this many SKUs with a watch alone (each for episode_pending_s) open the room's surge episode, the one row that lists every SKU with a watch and nothing worse until the surges have been over for episode_quiet_s (1: every watch is shown there, never as a row of its own; 0: never group)":
        "有这么多商品仅处于关注（各持续 episode_pending_s）时，打开直播间的激增事件：这一行列出所有仅处于关注、没有更高级别的商品，直到激增结束满 episode_quiet_s（1：每个关注都只显示在这一行，不单独成行；0：从不合并）",
}
