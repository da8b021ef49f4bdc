"""Chinese for branch writer's new setting description (folded in by the lead with ui.i18n --import-dict)."""
ZH = {
    "rows waiting for the writer at most; at this bound the core waits for the writer (the feed's backlog stays in its socket) and nothing is dropped":
        "等待写入的行数上限；达到上限时核心线程等待写入线程（数据流的积压留在其套接字中），不丢弃任何数据",
}
