"""Chinese (zh_CN) for the rooms overview's strings; ``ui.i18n`` merges them under the desk's (``ui.i18n_zh``)."""
ROOMS_ZH: dict[str, str] = {
    "Room": "直播间",
    "State": "状态",
    "Worst alert": "最严重告警",
    "Frozen with stock": "冻结但有货",
    "Lost sales so far": "至今损失销售",
    "GMV": "成交额",
    "connection lost": "连接中断",
    "none": "无",
    "no connection": "无法连接",
    "This room's engine has not answered since the overview opened: is it running, and are its endpoints and keys in the room list right?":
        "自总览打开以来该直播间的引擎没有应答：它在运行吗？直播间列表里的地址和密钥正确吗？",
    " (+{n})": "（另 {n} 条）",
    "{units} units · {money}": "{units} 件 · {money}",
    "No word from this room's engine; the figures are its last known ones (greyed).":
        "该直播间的引擎没有任何消息；显示的是最后已知的数字（灰色）。",
    "Click to open room {name} in the desk": "单击在中控台中打开直播间 {name}",
    "{n} rooms · {lost} lost · {hot} with critical alerts": "{n} 个直播间 · {lost} 个连接中断 · {hot} 个有严重告警",
    "Rooms": "直播间",
    "&Rooms": "直播间(&R)",
    "Rooms overview": "直播间总览",
    "Room {room} — live stock control room": "直播间 {room} — 直播库存中控台",
    "Reload the room list": "重新读取直播间列表",
    "Room list not reloaded: {error}": "直播间列表未重新读取：{error}",
    # the desk on a room of the list (ui/desk/header.py, ui/desk/truth.py)
    "CONNECTION LOST": "连接中断",
    "CONNECTION LOST: no word from the room's engine for {s} s · figures as of {t}":
        "连接中断：直播间引擎 {s} 秒无消息 · 数字截至 {t}",
}
