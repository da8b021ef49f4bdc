"""Chinese (zh_CN) for the desk strings added with issue 20 (the desk under pressure); ``ui.i18n`` merges them."""
DESK_ZH: dict[str, str] = {
    "Restart core (Ctrl+Shift+R)": "重启核心 (Ctrl+Shift+R)",
    "Show the failed command's SKU": "查看失败指令的商品",
    "Go to the most urgent SKUs (top of the table)": "转到最紧急的商品（表格顶部）",
}
