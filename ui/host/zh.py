"""Chinese (zh_CN) for the host view's and the desk's host-screen strings.

``ui.i18n`` folds these into the translation file like ``ui.review.zh``; until then
:class:`ui.host.app.DictTranslator` serves them at run time (asked after the .qm)."""
HOST_ZH: dict[str, str] = {
    # the host view (context HostView)
    "LEFT": "剩余",
    "Only {n} left": "仅剩 {n} 件",
    "ALMOST GONE": "库存告急",
    "SOLD OUT": "已售罄",
    "FROZEN": "已冻结",
    "orders paused · {n} in stock": "暂停下单 · 库存 {n} 件",
    "no stock left": "库存已清空",
    "sells out in ~{t}": "约 {t} 后售罄",
    "not selling out soon": "暂无售罄风险",
    "NEXT": "接下来",
    "{n} left": "剩 {n} 件",
    "NOW SELLING": "正在讲解",
    "No item is featured": "当前没有讲解中的商品",
    "LIVE": "实时",
    "CONNECTION LOST": "连接已断开",
    "These numbers are not live. Do not read them on air.": "数据不是实时的，请勿照读。",
    "no data for {s} s · reconnecting…": "已 {s} 秒无数据 · 正在重连…",
    "CONNECTING…": "正在连接…",
    "waiting for the control room's engine": "等待中控台引擎",
    "waiting for room {room} (this engine serves {other})": "等待直播间 {room}（此引擎服务 {other}）",
    "FROM {who}": "来自 {who}",
    "SAY IT NOW": "请口播",
    "Restock coming in {n} min": "{n} 分钟后补货",
    "Move on to item {n}": "请切到 {n} 号商品",
    "Push the cart now": "现在引导加购下单",
    "Only {n} left — tell them to order now!": "仅剩 {n} 件，快提醒大家下单！",
    "Sold out — thank them and move on": "已售罄，感谢大家，切下一件",
    "Sold out — thank them and move on to {name}": "已售罄，感谢大家，切到 {name}",
    "{m} min {s} s": "{m} 分 {s} 秒",
    "{s} s": "{s} 秒",
    "{h} h {m} min": "{h} 小时 {m} 分",
}
