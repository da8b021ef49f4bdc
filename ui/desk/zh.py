"""Chinese (zh_CN) for the desk strings added with issue 20 (the desk under pressure); ``ui.i18n`` merges them."""
DESK_ZH: dict[str, str] = {
    "Restart core (Ctrl+Shift+R)": "重启核心 (Ctrl+Shift+R)",
}
