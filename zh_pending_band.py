"""Chinese for the band branch's new strings (folded by the lead with ``python -m ui.i18n --import-dict``)."""
ZH = {
    # controlroom/settings/sections.py (SettingsDoc): engine.band80_gain
    "how fast the shown 80 % band's quantile level follows the band's own misses (its step per observed window) (adaptive conformal inference); 0: the plain 80th percentile of past windows":
        "显示的 80% 区间的分位水平随区间自身未覆盖情况调整的速度（每个观测窗口的步长）（自适应共形推断）；0：直接取过往窗口的第 80 百分位",
}
