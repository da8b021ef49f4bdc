"""The desk's window-level actions: alert keys, moving around, mute, settings, help — and the help overlay's rows.

A mixin of :class:`~ui.desk.window.DeskWindow` (it uses the window's alerts,
confirm box, banner, header, sound, search box and table).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence

from ui import theme
from ui.desk.alerts import SNOOZE_CHOICES
from ui.retranslate import keep


class DeskShortcuts:
    """Window-level actions with their shortcuts (``win_actions``), for :class:`~ui.desk.window.DeskWindow`."""

    def _add(self, name: str, text, keys, slot, icon: str | None = None, checkable=False) -> QAction:
        """A window action; ``text()`` gives its words (set again after a language switch)."""
        a = QAction(self)
        if icon:
            a.setIcon(QIcon(theme.icon_path(icon)))
        keys = [keys] if isinstance(keys, str) else list(keys)
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.setCheckable(checkable)
        native = " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)

        def words() -> None:
            t = text()
            a.setText(t)
            a.setToolTip(f"{t} ({native})")
        keep(self, words)
        a.triggered.connect(slot)
        self.addAction(a)
        self.win_actions[name] = a
        return a

    def _make_actions(self) -> None:
        self.win_actions: dict[str, QAction] = {}
        self._add("ack", lambda: self.tr("Acknowledge alert"), "A", lambda: self.alerts.ack(), "ack")
        snooze_keys = {5: "S", 15: "Shift+S", 30: "Alt+S"}
        for m in SNOOZE_CHOICES:
            self._add(f"snooze_{m}", lambda m=m: self.tr("Snooze {m} min").format(m=m), snooze_keys[m],
                      lambda checked=False, m=m: self.alerts.snooze(m), "snooze")
        self._add("jump", lambda: self.tr("Jump to the alert's SKU"), "J", lambda: self.alerts.jump(), "jump")
        self._add("unfreeze_problem", lambda: self.tr("Unfreeze a SKU frozen with stock"), "Shift+U",
                  lambda: self.alerts.unfreeze(), "unfreeze")
        self._add("mute", lambda: self.tr("Mute sound"), "M", self._toggle_mute, "sound", checkable=True)
        self._add("search", lambda: self.tr("Search"), ["Ctrl+F", "/"], self._focus_search, "search")
        self._add("table", lambda: self.tr("Go to the SKU table"), "Ctrl+T", lambda: self.focus_table())
        self._add("alerts", lambda: self.tr("Go to the alerts"), "Ctrl+Shift+A", lambda: self.alerts.tabs.currentWidget().setFocus())
        self._add("accept", lambda: self.tr("Accept the first auto action"), "Y", lambda: self.confirms.answer_first(True))
        self._add("reject", lambda: self.tr("Reject the first auto action"), "N", lambda: self.confirms.answer_first(False))
        self._add("dismiss", lambda: self.tr("Dismiss the failure banner"), "Ctrl+D", self.banner.dismiss)
        self._add("banner_sku", lambda: self.tr("Show the failed command's SKU"), "Ctrl+J", self._banner_sku)
        self._add("top", lambda: self.tr("Go to the most urgent SKUs (top of the table)"), "Ctrl+Up", lambda: self._to_top())
        self._add("undo", lambda: self.tr("Undo the last action (for 10 s)"), "Ctrl+Z", self.undo_last)
        self._add("restart_core", lambda: self.tr("Restart the core (when it is hung or stopped)"), "Ctrl+Shift+R",
                  self.restart_core)
        self._add("settings", lambda: self.tr("Settings"), "Ctrl+,", self.open_settings, "settings")
        self._add("help", lambda: self.tr("Keyboard shortcuts"), "F1", lambda: self.help.toggle(), "help")
        self._add("quit", lambda: self.tr("Quit"), "Ctrl+Q", self.close)
        self.header.mute_button.setDefaultAction(self.win_actions["mute"])
        self.header.settings_button.setDefaultAction(self.win_actions["settings"])
        self.header.help_button.setDefaultAction(self.win_actions["help"])
        for m, b in self.alerts.snooze_buttons.items():
            b.setDefaultAction(self.win_actions[f"snooze_{m}"])
        self.alerts.ack_button.setDefaultAction(self.win_actions["ack"])
        self.alerts.jump_button.setDefaultAction(self.win_actions["jump"])

        def button_words() -> None:  # shorter than their actions' names (a button's text follows its action's)
            for m, b in self.alerts.snooze_buttons.items():
                b.setText(self.tr("{m} min").format(m=m))
            self.alerts.ack_button.setText(self.tr("Acknowledge"))
            self.alerts.jump_button.setText(self.tr("Jump"))
            # The button's word is the action's icon text: it stays "Unfreeze" when the action is enabled or not.
            self.win_actions["unfreeze_problem"].setIconText(self.tr("Unfreeze"))
            self._muted_changed(self.sound.muted)
        keep(self, button_words)
        self.alerts.unfreeze_button.setDefaultAction(self.win_actions["unfreeze_problem"])
        self.sound.mutedChanged.connect(self._muted_changed)

    def shortcut_sections(self, host: bool = True) -> list[tuple[str, list[tuple[str, str]]]]:
        """(section, [(keys, what)]) of every window key; ``host``: with the host prompt bar's, if it has one."""
        def rows(names):
            out = []
            for n in names:
                a = self.win_actions[n]
                keys = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts())
                out.append((keys, a.toolTip().rsplit(" (", 1)[0]))
            return out

        return [
            (self.tr("Selected SKU"), self.actions.shortcut_rows()),
            (self.tr("Alerts"), rows(["ack", "snooze_5", "snooze_15", "snooze_30", "jump", "unfreeze_problem", "mute"])
             + rows(["accept", "reject", "dismiss", "banner_sku", "undo", "restart_core"])),
            (self.tr("Moving around"), rows(["search", "table", "top", "alerts", "settings", "help", "quit"])
             + [(self.tr("Up / Down"), self.tr("Select the previous / next SKU in the table"))]),
        ] + ([(self.tr("Host prompt"), self.host_prompt_bar.shortcut_rows())]
             if host and getattr(self, "host_prompt_bar", None) is not None else [])

    def _banner_sku(self) -> None:
        sku = getattr(self.banner, "_sku", None)
        if self.banner.isVisible() and sku:
            self.jump_to_sku(sku)

    def _toggle_mute(self) -> None:
        self.sound.set_muted(not self.sound.muted)

    def _muted_changed(self, muted: bool) -> None:
        a = self.win_actions["mute"]
        a.setChecked(muted)
        a.setIcon(QIcon(theme.icon_path("mute" if muted else "sound")))
        a.setText(self.tr("Unmute sound") if muted else self.tr("Mute sound"))

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
