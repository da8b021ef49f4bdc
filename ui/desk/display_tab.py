"""The settings dialog's Display tab: theme (dark or light, applied at once) and language (next start).

Both are the operator's preferences for this desk, kept in the desk's own settings store
(``display/theme``, ``display/lang``), not in the show's settings the core logs.
"""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QLabel, QWidget

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
        self.theme.addItem(self.tr("Dark (dim control room)"), "dark")
        self.theme.addItem(self.tr("Light (bright room)"), "light")
        self.theme.setCurrentIndex(max(0, self.theme.findData(saved_theme(store))))
        self.theme.currentIndexChanged.connect(self._theme_changed)
        form.addRow(self.tr("Theme"), self.theme)
        self.lang = QComboBox()
        self.lang.setObjectName("display.lang")
        self.lang.addItem(self.tr("System language"), "")
        self.lang.addItem("中文（简体）", "zh_CN")
        self.lang.addItem("English", "en")
        self.lang.setCurrentIndex(max(0, self.lang.findData(saved_lang(store) or "")))
        self.lang.currentIndexChanged.connect(self._lang_changed)
        form.addRow(self.tr("Language"), self.lang)
        note = QLabel(self.tr("The theme changes at once; the language at the next start (or use --lang)."))
        note.setObjectName("muted")
        note.setWordWrap(True)
        form.addRow(note)

    def _theme_changed(self) -> None:
        from ui.app import apply_theme

        name = self.theme.currentData()
        self.store.setValue(THEME_KEY, name)
        self.store.sync()
        apply_theme(QApplication.instance(), name)

    def _lang_changed(self) -> None:
        self.store.setValue(LANG_KEY, self.lang.currentData())
        self.store.sync()
