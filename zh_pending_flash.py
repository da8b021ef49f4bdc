"""Chinese for the new strings of branch ``flash`` (the lead folds them in with ``python -m ui.i18n --import-dict``)."""
ZH = {
    "a freeze the engine sent (auto tiers) whose stock left is below the reserve is released in measured pulses: the storefront is opened for as long as that stock covers at the rate the freeze turned away (x safety_margin, + safety_z sd), then frozen again, each time the orders in flight have settled with stock left (the storefront's lag delays the release and the re-freeze alike; off: frozen until the reserve allows a whole release)":
        "引擎发出的冻结(自动冻结的层级)若剩余库存低于预留量,则按测算的脉冲解冻:按冻结时被拒的需求速率(× safety_margin,再加 safety_z 个标准差)计算剩余库存能支撑多久,店面就开放多久,随后再次冻结;每当在途订单落定且仍有库存时重复一次(店面延迟对解冻和再冻结的影响相同;关闭:保持冻结,直到预留量允许整体解冻)",
}
