"""Chinese for the new UI strings of branch ``scrub`` (the lead folds it in with ``python -m ui.i18n --import-dict``)."""
ZH = {
    "Indexing the show for scrubbing (once): {done} of {total} events": "正在为拖动时间轴建立索引（仅一次）：{done} / {total} 个事件",
}
