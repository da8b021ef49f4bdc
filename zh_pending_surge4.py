"""Chinese for the new strings of branch surge4 (folded by the lead with `python -m ui.i18n --import-dict`)."""
ZH = {
    "while the room's warning wave lists SKUs below their warning lines, a SKU newly warned is listed there too rather than opening a row of its own, however long after the wave's last new member (the room's warning row is on the screen; one more name in it is not a new problem); a member that goes critical still leaves it (off: only within episode_wave_window_s of the wave's last new member)":
        "当全场预警波次仍列有低于预警线的 SKU 时，新触发预警的 SKU 也列入其中，而不单独开一行，无论距波次最后一个新成员多久（全场预警行已在屏幕上，多一个名字不算新问题）；成员升为严重时仍单独成行（关闭：仅在距波次最后一个新成员 episode_wave_window_s 之内才列入）",
}
