"""The settings dialog's Display tab: theme and language (dark or light, Chinese or English), both applied at once.

Both are the operator's preferences for this desk, kept in the desk's own settings store
(``display/theme``, ``display/lang``), not in the show's settings the core logs.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QLabel, QTabWidget, QWidget

from ui.retranslate import keep

THEME_KEY = "display/theme"
LANG_KEY = "display/lang"


def saved_theme(store: QSettings) -> str:
    value = str(store.value(THEME_KEY, "dark") or "dark")
    return value if value in ("dark", "light") else "dark"


def saved_lang(store: QSettings) -> str | None:
    """``zh_CN``, ``en``, or None (follow the system: Chinese systems get Chinese)."""
    value = str(store.value(LANG_KEY, "") or "")
    return value if value in ("zh_CN", "en") else None


class DisplayTab(QWidget):
    """Theme and language pickers; a theme change restyles every window at once."""

    def __init__(self, store: QSettings, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        form = QFormLayout(self)
        self.theme = QComboBox()
        self.theme.setObjectName("display.theme")
        self.theme.addItem("", "dark")
        self.theme.addItem("", "light")
        self.theme.setCurrentIndex(max(0, self.theme.findData(saved_theme(store))))
        self.theme.currentIndexChanged.connect(self._theme_changed)
        theme_label = QLabel()
        form.addRow(theme_label, self.theme)
        self.lang = QComboBox()
        self.lang.setObjectName("display.lang")
        self.lang.addItem("", "")
        self.lang.addItem("中文（简体）", "zh_CN")
        self.lang.addItem("English", "en")
        self.lang.setCurrentIndex(max(0, self.lang.findData(saved_lang(store) or "")))
        self.lang.currentIndexChanged.connect(self._lang_changed)
        lang_label = QLabel()
        form.addRow(lang_label, self.lang)
        note = QLabel()
        note.setObjectName("muted")
        note.setWordWrap(True)
        form.addRow(note)

        def words() -> None:  # again after a language switch (ui/retranslate.py)
            self.theme.setItemText(0, self.tr("Dark (dim control room)"))
            self.theme.setItemText(1, self.tr("Light (bright room)"))
            theme_label.setText(self.tr("Theme"))
            self.lang.setItemText(0, self.tr("System language"))
            lang_label.setText(self.tr("Language"))
            tabs = self.parentWidget()
            while tabs is not None and not isinstance(tabs, QTabWidget):
                tabs = tabs.parentWidget()
            if tabs is not None and tabs.indexOf(self) >= 0:  # its tab's title (the desk window named it)
                tabs.setTabText(tabs.indexOf(self), QCoreApplication.translate("DeskWindow", "Display"))
            note.setText(self.tr("Theme and language change at once. The desk's windows switch language as they "
                                 "are; this dialog's fields show it when the dialog is opened again."))
        keep(self, words)

    def _theme_changed(self) -> None:
        from ui.app import apply_theme

        name = self.theme.currentData()
        self.store.setValue(THEME_KEY, name)
        self.store.sync()
        apply_theme(QApplication.instance(), name)

    def _lang_changed(self) -> None:
        from ui.app import switch_language

        self.store.setValue(LANG_KEY, self.lang.currentData())
        self.store.sync()
        switch_language(QApplication.instance(), self.lang.currentData() or None)
