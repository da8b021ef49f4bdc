"""Chinese for the new strings of branch ``episodes`` (issue 16); the lead folds it in with
``python -m ui.i18n --import-dict`` and deletes this file."""
ZH = {
    # ui/desk/episode_model.py (EpisodeModel): the room's surge row with one or two SKUs, or none now
    "Surges (advisory)": "需求激增（提示）",
    "surging: {skus}": "激增中：{skus}",
    "no SKU surging now": "当前无商品激增",
    # ui/desk/episode_model.py (EpisodeModel): the room's warning wave (many SKUs below their lines at once)
    "Room-wide warnings": "全场预警",
    "no SKU below its line now": "当前无商品低于预警线",
    "{n} below their warning lines: {skus}": "{n} 个低于预警线：{skus}",
    # controlroom/settings/sections.py (SettingsDoc): engine.episode_group_min_skus, new description
    "this many SKUs with a watch alone (each for episode_pending_s) open the room's surge episode, the one row that lists every SKU with a watch and nothing worse until the surges have been over for episode_quiet_s (1: every watch is shown there, never as a row of its own; 0: never group)":
        "有这么多商品仅处于关注（各持续 episode_pending_s）时，打开直播间的激增事件：这一行列出所有仅处于关注、没有更高级别的商品，直到激增结束满 episode_quiet_s（1：每个关注都只显示在这一行，不单独成行；0：从不合并）",
    # controlroom/settings/sections.py (SettingsDoc): the warning wave's two settings
    "a SKU's warning is listed in the room's warning wave, one row, rather than a row of its own when this many SKUs were warned within episode_wave_window_s (a room-wide cause such as a traffic surge); a member that goes critical leaves it (0: never)":
        "当 episode_wave_window_s 内有这么多商品触发预警时（全场性的原因，如流量激增），商品的预警列入直播间的预警潮这一行，而不单独成行；升级为紧急的商品离开它（0：从不）",
    "warnings this close to each other are one room-wide wave: a SKU warned within this time of the wave's last new member joins it":
        "彼此间隔在此时间内的预警合为一个全场预警潮：在预警潮最近一个新成员之后这段时间内触发预警的商品加入它",
}
