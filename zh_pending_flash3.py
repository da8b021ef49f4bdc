"""Chinese for the new strings of branch flash3 (folded by the lead with `python -m ui.i18n --import-dict`)."""
ZH = {
    "a measured pulse too short for one step of the feed at full exposure (a flash lot's last units) is opened for one step at the lowered exposure that what is left covers (x safety_margin, + safety_z sd), when the rate the pulse is sized on is at least this (a flash: thousands of orders a minute); the rate that pulse measures judges the next release (0: off, such a lot stays frozen until the reserve allows a release)":
        "测算脉冲若在全曝光下撑不满数据流的一个步长（秒杀批次的最后几件），且脉冲所依据的速率不低于此值（秒杀：每分钟数千单），则以剩余库存能覆盖的较低曝光开放一个步长（× safety_margin，再加 safety_z 个标准差）；该脉冲测得的速率用于判断下一次解冻（0：关闭，这样的批次保持冻结，直到预留量允许解冻）",
    "pulse_settle_s for a pulse sized on a flash's rate (at least pulse_thin_rate_pm): its re-freeze's orders in flight have settled once the storefront's measured lag plus this has passed since the acknowledgement and no order came for this long (thousands of orders a minute leave no such gap while the storefront is open); other pulses keep pulse_settle_s (0: flash pulses keep it too)":
        "按秒杀速率（不低于 pulse_thin_rate_pm）测算的脉冲所用的 pulse_settle_s：再次冻结后，自确认起经过已测得的店面延迟再加这段时间，且这段时间内没有新订单，即认为在途订单已落定（店面开放时，每分钟数千单不会留下这样的空档）；其他脉冲仍用 pulse_settle_s（0：秒杀脉冲也用它）",
}
