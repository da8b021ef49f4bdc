"""Chinese (zh_CN) for the notification strings of the desk (channel page, channels, notification status);
``ui.i18n`` merges them under the desk's (``ui.i18n_zh``), and :func:`install` lets a process that has no
freshly compiled ``.qm`` yet (the channel-page screenshot) show them."""
NOTIFY_ZH: dict[str, str] = {
    "Channels": "通知渠道",
    "Channels per level": "各级别的通知渠道",
    "Critical: the sound repeats until the alert is acknowledged or snoozed. "
    "Desktop: a click on the notification brings the desk to the SKU.":
        "紧急：提示音会重复，直到告警被确认或暂缓。桌面通知：点击通知即跳到中控台上的该商品。",
    "DOWN": "故障",
    "Panel": "告警面板",
    "Sound": "提示音",
    "Desktop": "桌面通知",
    "Host view": "主播视图",
    "Webhooks": "Webhook 机器人",
    "No webhook targets: add [[notify.webhooks]] tables to the settings file (see docs/notifications.md).":
        "没有 Webhook 目标：在设置文件中添加 [[notify.webhooks]] 表（见 docs/notifications.md）。",
    "On-call list: a critical alert not acknowledged in time goes to the first of these targets that is up, once.":
        "值班名单：紧急告警在规定时间内未被确认时，发送给其中第一个正常的目标，只发一次。",
    "Send test message": "发送测试消息",
    "Show on the desk": "在中控台查看",
    "Targets (from the settings file)": "通知目标（来自设置文件）",
    "The host view prompts for critical low stock and sold out only.": "主播视图只提示紧急低库存和售罄。",
    "Webhooks: grouping, repeats and escalation": "Webhook：合并、重复提醒与升级",
    "accepted by the robot": "机器人已接收",
    "escalated: {text}": "已升级：{text}",
    "failed: {why}": "失败：{why}",
    "feed trouble": "数据流中断",
    "frozen with stock": "冻结但有货",
    "misconfigured": "配置错误",
    "not running": "未运行",
    "notifications: ": "通知：",
    "notifications: {n} target(s) ok": "通知：{n} 个目标正常",
    "on-call only": "仅用于值班升级",
    "sending…": "发送中…",
    "target names, in order, e.g. lead, backup": "目标名称，按顺序，例如 lead, backup",
    "the room": "直播间",
    "up · {n} sent": "正常 · 已发 {n} 条",
    "{name} ({fmt}): {state} · sent {sent} · failed {failed}{err}": "{name}（{fmt}）：{state} · 已发 {sent} · 失败 {failed}{err}",
    "{name} DOWN: {err}": "{name} 故障：{err}",
    "{name} misconfigured: {err}": "{name} 配置错误：{err}",
}


def install(app) -> object:
    """Install a translator answering from :data:`NOTIFY_ZH` (before the ``.qm`` has these strings)."""
    from PySide6.QtCore import QTranslator

    class _DictTranslator(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: D401 - Qt's signature
            return NOTIFY_ZH.get(source)  # None: not mine, the next translator answers

        def isEmpty(self) -> bool:
            return False

    t = _DictTranslator(app)
    app.installTranslator(t)
    return t
