"""Chinese for the new strings of branch freeze3 (folded in by the lead with ``python -m ui.i18n --import-dict``)."""
ZH = {
    "the safety stock also covers this many standard deviations of the units ordered while a freeze is in flight (their count is random: a few orders of several units), not only rate x lag x margin (0: the margin alone)":
        "安全库存还覆盖冻结生效前下单件数的这么多个标准差（下单数是随机的：几笔多件订单），而不只是 速率 x 延迟 x 余量（0：只用余量）",
}
