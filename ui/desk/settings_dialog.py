"""Settings dialog: the tiers' windows, multipliers, floors, horizons, margins and auto-freeze policy,
the engine's shared rules, and per-SKU tier overrides.  Changes apply live (``session.update_settings``;
the core logs them).

Units and descriptions come from :meth:`controlroom.settings.Settings.describe`; allowed ranges and
choices from the settings fields, so the dialog never offers a value the core would refuse.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, \
    QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPushButton, QScrollArea, \
    QTabWidget, QVBoxLayout, QWidget

from controlroom.settings import EngineSettings, Settings, SettingsError, TierSettings
from ui import fmt
from ui.desk.number_field import NumberField
from ui.retranslate import keep

# Tier fields shown first (the ones an operator tunes during a show); the rest follow.
TIER_ORDER = ("window_min", "multiplier", "warning_floor", "critical_horizon_min", "safety_margin", "safety_floor",
              "safety_lag_s", "auto_freeze", "pending_s", "recover_s", "exit_ratio")


def _doc(text: str) -> str:
    return QCoreApplication.translate("SettingsDoc", text)


class SettingsDialog(QDialog):
    """Edit a copy of the settings; Apply sends the whole new Settings to the core."""

    applied = Signal(object)  # the new Settings

    def __init__(self, settings: Settings, skus: list[tuple[str, str, str]], parent=None,
                 notify_status: tuple = ()) -> None:
        """``skus``: (sku, name, shop tier) for the per-SKU override tab; ``notify_status``: the snapshot's
        ``notify`` block (the targets' state on the channel page)."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.resize(860, 640)
        self.settings = settings
        self.skus = skus
        self._editors: dict[str, tuple[QWidget, object]] = {}  # dotted key -> (editor, original value)
        self._docs = {key: (unit, doc) for key, _default, unit, doc in Settings.describe()}
        lay = QVBoxLayout(self)
        intro = QLabel()
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        for tname in settings.tiers:
            self.tabs.addTab(self._tier_tab(tname), "")
        self.tabs.addTab(self._engine_tab(), "")
        self.tabs.addTab(self._sku_tab(), "")
        from ui.desk.channel_page import ChannelPage

        self.channel_page = ChannelPage(settings, self._row, notify_status)
        self.tabs.addTab(self._scroll(self.channel_page), "")
        self.error = QLabel("")
        self.error.setStyleSheet("color: #ff6b72; font-weight: 600;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel)

        def words() -> None:  # the dialog's frame again after a language switch (its fields: when opened again)
            self.setWindowTitle(self.tr("Settings"))
            intro.setText(self.tr("Changes apply to the running show at once and are written to the session log. "
                                  "Hover a field for its full description."))
            tabs = [fmt.tier_name(t) for t in settings.tiers] + [self.tr("Engine"), self.tr("Per-SKU tier"),
                                                                 self.tr("Channels")]
            for i, text in enumerate(tabs):
                self.tabs.setTabText(i, text)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Apply and close"))
            self.buttons.button(QDialogButtonBox.StandardButton.Apply).setText(self.tr("Apply"))
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))
        keep(self, words)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        lay.addWidget(self.buttons)

    # --- tabs ------------------------------------------------------------------------------------------
    def _scroll(self, inner: QWidget) -> QScrollArea:
        sa = QScrollArea()
        sa.setWidgetResizable(True)
        sa.setWidget(inner)
        return sa

    def _form(self) -> tuple[QWidget, QFormLayout]:
        w = QWidget()
        form = QFormLayout(w)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        return w, form

    def _tier_tab(self, tname: str) -> QWidget:
        w, form = self._form()
        tier = self.settings.tiers[tname]
        fields = {f.name: f for f in dataclasses.fields(TierSettings)}
        names = [n for n in TIER_ORDER if n in fields] + [n for n in fields if n not in TIER_ORDER]
        for name in names:
            key = f"tiers.{tname}.{name}"
            doc_key = next((k for k in self._docs if k.endswith(f".{name}") and k.startswith("tiers.")), key)
            self._row(form, key, fields[name], getattr(tier, name), self._docs.get(doc_key, ("", "")))
        return self._scroll(w)

    def _engine_tab(self) -> QWidget:
        w, form = self._form()
        eng = self.settings.engine
        for f in dataclasses.fields(EngineSettings):
            key = f"engine.{f.name}"
            choices = tuple(self.settings.tiers) if f.name == "default_tier" else None
            self._row(form, key, f, getattr(eng, f.name), self._docs.get(key, ("", "")), choices=choices)
        return self._scroll(w)

    def _row(self, form: QFormLayout, key: str, f, value, unit_doc, choices=None) -> None:
        unit, doc = unit_doc
        meta = f.metadata
        choices = choices or meta.get("choices")
        typ = type(f.default) if f.default is not None else str
        if choices:
            ed = QComboBox()
            for c in choices:
                ed.addItem(fmt.tier_name(c) if c in self.settings.tiers else _doc(str(c)), c)
            ed.setCurrentIndex(max(0, ed.findData(value)))
        elif typ is bool:
            ed = QCheckBox()
            ed.setChecked(bool(value))
        elif typ in (int, float):
            # Typed text stays as typed: a refused value is shown at the field with the allowed range.
            message = QLabel("")
            message.setStyleSheet("color: #ff6b72; font-weight: 600;")
            message.hide()
            ed = NumberField(typ, value, ge=meta.get("ge"), gt=meta.get("gt"), le=meta.get("le"),
                             default=f.default, message=message)
        else:
            ed = QLineEdit("" if value is None else str(value))
        ed.setObjectName(key)
        tip = f"{key}\n{_doc(doc)}" + (f"\n[{_doc(unit)}]" if unit else "")
        ed.setToolTip(tip)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        ed.setMinimumWidth(140)
        h.addWidget(ed)
        u = QLabel(_doc(unit))
        u.setObjectName("muted")
        u.setMinimumWidth(70)
        h.addWidget(u)
        d = QLabel(_doc(doc))
        d.setObjectName("muted")
        d.setWordWrap(True)
        h.addWidget(d, 1)
        label = QLabel(key.rsplit(".", 1)[1])
        label.setToolTip(tip)
        if isinstance(ed, NumberField):
            box = QWidget()
            bv = QVBoxLayout(box)
            bv.setContentsMargins(0, 0, 0, 0)
            bv.setSpacing(2)
            bv.addWidget(row)
            bv.addWidget(ed.message)
            row = box
        form.addRow(label, row)
        self._editors[key] = (ed, value)

    def _sku_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        expl = QLabel(self.tr("A per-SKU tier beats the tier the shop sends. Pick a SKU and a tier, then Set."))
        expl.setObjectName("muted")
        expl.setWordWrap(True)
        v.addWidget(expl)
        row = QHBoxLayout()
        self.sku_combo = QComboBox()
        self.sku_combo.setEditable(True)
        self.sku_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for sku, name, shop_tier in self.skus:
            self.sku_combo.addItem(f"{sku}  {name}  ({fmt.tier_name(shop_tier)})", sku)
        self.tier_combo = QComboBox()
        for t in self.settings.tiers:
            self.tier_combo.addItem(fmt.tier_name(t), t)
        self.set_override_button = QPushButton(self.tr("Set override"))
        self.set_override_button.clicked.connect(self._set_override)
        row.addWidget(self.sku_combo, 2)
        row.addWidget(self.tier_combo, 1)
        row.addWidget(self.set_override_button)
        v.addLayout(row)
        v.addWidget(QLabel(self.tr("Current overrides")))
        self.override_list = QListWidget()
        v.addWidget(self.override_list, 1)
        self.remove_override_button = QPushButton(self.tr("Remove selected override"))
        self.remove_override_button.clicked.connect(self._remove_override)
        v.addWidget(self.remove_override_button)
        self.overrides: dict[str, str | None] = dict(self.settings.sku_tiers)
        self._render_overrides()
        return w

    def _render_overrides(self) -> None:
        self.override_list.clear()
        for sku, t in sorted(self.overrides.items()):
            if t is None:
                continue
            it = QListWidgetItem(f"{sku} → {fmt.tier_name(t)}")
            it.setData(Qt.ItemDataRole.UserRole, sku)
            self.override_list.addItem(it)

    def set_override(self, sku: str, tier: str | None) -> None:
        self.overrides[sku] = tier
        self._render_overrides()

    def _set_override(self) -> None:
        sku = self.sku_combo.currentData()
        if sku is None:
            text = self.sku_combo.currentText().split()[0] if self.sku_combo.currentText().strip() else ""
            sku = text or None
        if sku:
            self.set_override(sku, self.tier_combo.currentData())

    def _remove_override(self) -> None:
        it = self.override_list.currentItem()
        if it is not None:
            self.set_override(it.data(Qt.ItemDataRole.UserRole), None)

    # --- values -------------------------------------------------------------------------------------------
    def editor(self, key: str) -> QWidget:
        return self._editors[key][0]

    @staticmethod
    def _value(ed: QWidget):
        if isinstance(ed, QComboBox):
            return ed.currentData()
        if isinstance(ed, QCheckBox):
            return ed.isChecked()
        if isinstance(ed, NumberField):
            return ed.value()
        return ed.text() or None

    def refused(self) -> list[tuple[str, str]]:
        """(key, reason) of every field whose text is not allowed."""
        return [(key, ed.parse()[1]) for key, (ed, _o) in self._editors.items()
                if isinstance(ed, NumberField) and ed.parse()[1]]

    def unusual(self) -> list[tuple[str, str]]:
        """(key, why) of changed values far outside the usual range: the dialog asks before applying them."""
        ch = self.changes()
        return [(key, why) for key, (ed, _o) in self._editors.items()
                if key in ch and isinstance(ed, NumberField) and (why := ed.unusual())]

    #: Answers "apply anyway?" for far-out values; a test may replace it (the default asks in a message box).
    def confirm_unusual(self, items: list[tuple[str, str]]) -> bool:
        text = "\n".join(f"{k}: {why}" for k, why in items)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Unusual values"),
                          self.tr("Apply these values anyway?\n\n{items}").format(items=text),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def changes(self) -> dict:
        """Dotted overrides for the values the operator changed (fields whose text is refused are left out)."""
        out = {}
        for key, (ed, orig) in self._editors.items():
            if isinstance(ed, NumberField) and ed.parse()[1]:
                continue
            val = self._value(ed)
            if isinstance(orig, float) and isinstance(val, float):
                if abs(val - orig) < 1e-9 * max(1.0, abs(orig)) or round(orig, ed.decimals()) == val:
                    continue
            elif val == orig:
                continue
            out[key] = val
        for sku, t in self.overrides.items():
            if self.settings.sku_tiers.get(sku) != t:
                out[f"sku_tiers.{sku}"] = t
        out.update(self.channel_page.changes())
        return out

    def apply(self) -> bool:
        bad = self.refused()
        if bad:
            self.error.setText(self.tr("Not applied: %n field(s) refused — see the red fields ({keys}).", "", len(bad)).format(
                keys=", ".join(k for k, _ in bad)))
            ed = self._editors[bad[0][0]][0]
            self.tabs.setCurrentIndex(next(i for i in range(self.tabs.count())
                                           if self.tabs.widget(i).isAncestorOf(ed)))
            ed.setFocus()
            return False
        odd = self.unusual()
        if odd and not self.confirm_unusual(odd):
            self.error.setText(self.tr("Not applied: unusual values not confirmed ({keys}).").format(
                keys=", ".join(k for k, _ in odd)))
            return False
        ch = self.changes()
        if not ch:
            self.error.setText("")
            return True
        try:
            new = self.settings.with_changes(ch)
        except SettingsError as e:
            self.error.setText(self.tr("Not applied: {err}").format(err=str(e)))
            return False
        self.error.setText("")
        self.settings = new
        self.channel_page.applied(new)
        for key, (ed, _orig) in list(self._editors.items()):
            self._editors[key] = (ed, self._value(ed))
        self.applied.emit(new)
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()
