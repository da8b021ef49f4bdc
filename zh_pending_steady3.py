"""Chinese for the new strings of branch steady3 (the lead folds them in with python -m ui.i18n --import-dict)."""
ZH = {
    'a rise of another cause than a feature (order or cart change detector) lifts the warning line only once it has lasted this long without a break (noise that fires the detector for a few seconds does not); 0: at once': '非主推原因的上升（订单或加购变化检测器）须不间断持续此时长后才抬高预警线（检测器因噪声触发几秒不会抬高）；0：立即抬高',
    "the long tail's warning line (not its forecast or band) reads its long-run rates with a prior that fades like prior_fade_orders (0: the full prior, as its forecast)": '长尾款的预警线（而非其预测或区间）读取长期速率时使用按 prior_fade_orders 方式减弱的先验（0：与其预测相同，使用完整先验）',
}
