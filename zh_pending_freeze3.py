"""Chinese for the new strings of branch freeze3 (folded in by the lead with ``python -m ui.i18n --import-dict``)."""
ZH = {
    "the safety stock also covers this many standard deviations of the units ordered while a freeze is in flight (their count is random: a few orders of several units), not only rate x lag x margin (0: the margin alone)":
        "安全库存还覆盖冻结生效前下单件数的这么多个标准差（下单数是随机的：几笔多件订单），而不只是 速率 x 延迟 x 余量（0：只用余量）",
    "the learned storefront lag never goes below this share of the tier's safety_lag_s (1: a faster storefront never shrinks the reserve; below 1 lets it, which oversold rising flash sales in testing)":
        "学习到的店铺延迟不低于该档位 safety_lag_s 的这个比例（1：更快的店铺从不缩小预留；低于 1 则允许缩小，测试中在不断上升的闪购里超卖）",
}
