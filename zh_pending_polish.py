"""Chinese for the new strings of branch ``polish`` (folded into the .ts by ``python -m ui.i18n --import-dict``)."""
ZH = {
    "Theme and language change at once. The desk's windows switch language as they are; this dialog's fields "
    "show it when the dialog is opened again.":
        "主题和语言立即切换。中控台各窗口原样切换语言；本对话框中的各项设置在下次打开时显示新语言。",
}
