"""Chinese for the new strings of branch `feed` (folded in by the lead with ``python -m ui.i18n --import-dict``)."""

ZH = {
    "most feed messages queued unread in the core (0: no bound); past it the shop's queue fills and drops, "
    "which the client sees as a gap and resyncs from a snapshot":
        "核心中最多排队的未读数据流消息数（0：不设上限）；超过后由店铺的发送队列积压并丢弃，"
        "客户端将其识别为序号缺口，并通过快照重新同步",
    "messages": "条消息",
}
