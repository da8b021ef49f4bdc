"""Chinese for the new strings of branch ``surge`` (issue 16): the lead folds them in with
``python -m ui.i18n --import-dict`` and deletes this file."""
ZH = {
    "an open warning wave also takes a later wave of warnings (episode_wave_min_skus SKUs warned within episode_wave_window_s), whose own new rows end there, rather than leaving them rows of their own beside it; and a room row left with one SKU that escalates (the surge row's only member warned or worse, the wave's only member critical) goes on as that SKU's row in place (off: they leave it with a new row)":
        "已打开的预警潮也收纳之后的一波预警（episode_wave_window_s 内有 episode_wave_min_skus 个商品触发预警），这些商品刚单独打开的行在此结束，而不是在它旁边各占一行；只剩一个商品的直播间行在该商品升级时（激增行的唯一成员进入预警或更高级别、预警潮的唯一成员升级为紧急）原地续为该商品自己的行（关闭：它离开并另开一行）",
    "after a measured pulse's re-freeze, its orders in flight have settled once the storefront's measured lag plus this has passed since the acknowledgement and no order came for this long (0, the default: as after any freeze, no order for twice the lag and at least the lag + 2 s; 1 s measured on flash-sale, see docs/engine.md)":
        "测算脉冲结束后再次冻结时，自确认起经过已测得的店面延迟再加这段时间，且这段时间内没有新订单，即认为在途订单已落定（0，默认：与任何冻结相同，两倍延迟内无订单，且至少为延迟 + 2 秒；在 flash-sale 上测过 1 秒，见 docs/engine.md）",
}
