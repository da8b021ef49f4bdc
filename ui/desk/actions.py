"""One-click actions on the selected SKU and their fates inline.

The panel decides nothing about stock: it turns clicks and keys into intents
(``commandRequested``), shows what the core reports about each command
(``snapshot.commands``: pending → acknowledged, or rejected/failed with the
reason); the failure banner and the auto actions awaiting confirmation are in
:mod:`ui.desk.notices`.  Dangerous actions on the profit tier (freeze,
delist, lower exposure) take a second keystroke or click: the first arms an
inline confirm bar, the same key again (or Enter) sends, Esc cancels.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSpinBox, \
    QStackedWidget, QToolButton, QVBoxLayout, QWidget

from ui import fmt, theme
from ui.desk.fit import IconsWhenRoom
from ui.retranslate import keep

RESTOCK_PRESETS = (50, 100, 200, 500)
LOWER_EXPOSURE_WEIGHT = 0.3
DANGEROUS = ("freeze", "delist", "exposure_down")  # ask twice on the profit tier
CONFIRM_TIERS = ("profit",)
ARM_TIMEOUT_MS = 6000
STATUS_ROWS = 3
CORE_SILENT_S = 1.5  # an asked-for command the core has not reported this long shows as such


class ActionsPanel(QWidget):
    """Buttons, shortcuts and inline command fates for the selected SKU."""

    commandRequested = Signal(str, str, object, object)  # op, sku, qty, weight

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.sku: str | None = None
        self.view = None
        self.tier: str | None = None
        self.armed: tuple[str, str] | None = None  # (action name, sku)
        self._arm_timer = QTimer(self)
        self._arm_timer.setSingleShot(True)
        self._arm_timer.setInterval(ARM_TIMEOUT_MS)
        self._arm_timer.timeout.connect(self.cancel)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(5)
        top = QHBoxLayout()
        top.setSpacing(10)
        title = QLabel()
        title.setObjectName("panelTitle")
        keep(self, lambda: title.setText(self.tr("ACTIONS")))
        top.addWidget(title)
        self.sku_label = QLabel(self.tr("Select a SKU in the table"))
        self.sku_label.setObjectName("skuTitle")
        top.addWidget(self.sku_label)
        self.sku_detail = QLabel("")
        self.sku_detail.setObjectName("muted")
        # Ignored width: a long name or number never widens the panel (and re-lays the window out).
        self.sku_detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.sku_detail.setWordWrap(True)  # a narrow panel (1280 wide) takes the figures on two lines, not cut
        top.addWidget(self.sku_detail, 1)
        lay.addLayout(top)

        # --- actions (owned here, shortcuts active anywhere in the window) ---
        self.act = {}
        self._action("freeze", lambda: self.tr("Freeze"), "F", "freeze", lambda: self.tr("Stop selling the selected SKU now"))
        self._action("unfreeze", lambda: self.tr("Unfreeze"), "U", "unfreeze", lambda: self.tr("Resume selling the selected SKU"))
        for i, q in enumerate(RESTOCK_PRESETS):
            self._action(f"restock_{q}", f"+{q}", f"Ctrl+{i + 1}", "restock",
                         lambda q=q: self.tr("Restock the selected SKU by %Ln unit(s)", "", q))
        self._action("restock_custom", lambda: self.tr("Restock"), None, "restock",
                     lambda: self.tr("Restock by the custom amount"))
        self._action("restock_amount", lambda: self.tr("Custom amount"), "R", None,
                     lambda: self.tr("Type a custom restock amount (Enter sends it)"))
        self._action("exposure_down", lambda: self.tr("Lower exposure"), "E", "exposure",
                     lambda: self.tr("Show the selected SKU less in the live room (weight {w:g})").format(
                         w=LOWER_EXPOSURE_WEIGHT))
        self._action("exposure_up", lambda: self.tr("Full exposure"), "Shift+E", "exposure-up",
                     lambda: self.tr("Restore the selected SKU's exposure (weight 1)"))
        # Short button labels (the action's full name shows in tooltips and the help overlay).
        keep(self, lambda: (self.act["exposure_down"].setIconText(self.tr("Exposure −")),
                            self.act["exposure_up"].setIconText(self.tr("Exposure +"))))
        self._action("delist", lambda: self.tr("Delist"), "D", "delist", lambda: self.tr("Take the selected SKU off the shop"))
        self._action("relist", lambda: self.tr("Relist"), "L", "relist", lambda: self.tr("Put the selected SKU back on the shop"))
        self._action("confirm", lambda: self.tr("Confirm"), "Return", None, lambda: self.tr("Confirm the armed action"),
                     extra_keys=("Enter",))
        self._action("cancel", lambda: self.tr("Cancel"), "Esc", None, lambda: self.tr("Cancel the armed action"))
        self.act["confirm"].setEnabled(False)
        self.act["cancel"].setEnabled(False)

        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        self.buttons = {}
        for c, name in enumerate(("freeze", "unfreeze", "exposure_down", "exposure_up", "delist", "relist")):
            grid.addWidget(self._button(name, "danger" if name in DANGEROUS else None), 0, c)
        for c, q in enumerate(RESTOCK_PRESETS):
            grid.addWidget(self._button(f"restock_{q}", "primary", icon=False), 1, c)
        self.custom_qty = QSpinBox()
        self.custom_qty.setRange(1, 1_000_000)
        self.custom_qty.setValue(300)
        self.custom_qty.setSingleStep(50)
        keep(self, lambda: self.custom_qty.setToolTip(self.tr("Custom restock amount (R jumps here, Enter sends)")))
        self.custom_qty.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.custom_qty.setMinimumHeight(28)
        self.custom_qty.installEventFilter(self)
        self.custom_qty.lineEdit().installEventFilter(self)
        grid.addWidget(self.custom_qty, 1, 4)
        grid.addWidget(self._button("restock_custom", "primary"), 1, 5)
        for c in range(6):
            grid.setColumnStretch(c, 1)
        lay.addLayout(grid)
        # Icons only where there is room: at 1280 px the words alone must fit (ui/desk/fit.py).
        self._icons = IconsWhenRoom(self, [[self.buttons[n] for n in ("freeze", "unfreeze", "exposure_down",
                                                                    "exposure_up", "delist", "relist")]],
                                    spacing=6)

        # --- the inline confirm bar (profit tier) ---
        self.confirm_bar = QFrame()
        self.confirm_bar.setObjectName("confirmBar")
        cb = QHBoxLayout(self.confirm_bar)
        cb.setContentsMargins(8, 6, 8, 6)
        self.confirm_text = QLabel("")
        self.confirm_text.setWordWrap(True)
        cb.addWidget(self.confirm_text, 1)
        self.confirm_button = QPushButton()
        self.confirm_button.setProperty("role", "armed")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button = QPushButton()
        keep(self, lambda: (self.confirm_button.setText(self.tr("Confirm")), self.cancel_button.setText(self.tr("Cancel"))))
        self.cancel_button.clicked.connect(self.cancel)
        cb.addWidget(self.confirm_button)
        cb.addWidget(self.cancel_button)

        # --- inline fates of this SKU's commands ---
        fates = QWidget()
        fl = QVBoxLayout(fates)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.setSpacing(2)
        self.status_rows = []
        for _ in range(STATUS_ROWS):
            lab = QLabel("")
            lab.setTextFormat(Qt.TextFormat.RichText)
            lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            fl.addWidget(lab)
            self.status_rows.append(lab)
        fl.addStretch(1)
        # The confirm bar takes the place of the fates while armed: one fixed-height slot, so arming
        # never changes the panel's height (which would resize the charts beneath).
        self.lower = QStackedWidget()
        self.lower.addWidget(fates)
        self.lower.addWidget(self.confirm_bar)
        self.lower.setFixedHeight(max(fates.sizeHint().height(), self.confirm_bar.sizeHint().height() + 12))
        lay.addWidget(self.lower)
        self._set_enabled(False)

    def eventFilter(self, obj, ev) -> bool:
        # Enter in the custom amount sends the restock (the spin box itself would only "finish editing").
        if ev.type() == QEvent.Type.KeyPress and ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and obj in (self.custom_qty, self.custom_qty.lineEdit()) and self.armed is None:
            self.custom_qty.interpretText()
            self.trigger("restock_custom")
            return True
        return super().eventFilter(obj, ev)

    # --- construction helpers -----------------------------------------------------------------------
    def _action(self, name: str, text, key: str | None, icon: str | None, tip, extra_keys=()) -> QAction:
        """An action; ``text`` and ``tip`` are a string or a function giving it (again after a language switch)."""
        a = QAction(self)
        if icon:
            a.setIcon(QIcon(theme.icon_path(icon)))
        if key:
            a.setShortcuts([QKeySequence(key)] + [QKeySequence(k) for k in extra_keys])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) if key else None

        def words() -> None:
            t = tip() if callable(tip) else tip
            a.setText(text() if callable(text) else text)
            a.setToolTip(f"{t} ({native})" if native else t)
        keep(self, words)
        a.setData(name)
        a.triggered.connect(lambda checked=False, n=name: self.trigger(n))
        self.addAction(a)
        self.act[name] = a
        return a

    def _button(self, name: str, role: str | None = None, icon: bool = True) -> QToolButton:
        b = QToolButton()
        b.setDefaultAction(self.act[name])
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon if icon
                             else Qt.ToolButtonStyle.ToolButtonTextOnly)
        b.setIconSize(QSize(16, 16))
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        b.setMinimumHeight(28)
        if role:
            b.setProperty("role", role)
        self.buttons[name] = b
        return b

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what) for the help overlay."""
        rows = []
        for name in ("freeze", "unfreeze", *[f"restock_{q}" for q in RESTOCK_PRESETS], "restock_amount",
                     "exposure_down", "exposure_up", "delist", "relist", "confirm", "cancel"):
            a = self.act[name]
            keys = " / ".join(dict.fromkeys(k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts()))
            rows.append((keys, a.toolTip().rsplit(" (", 1)[0]))
        return rows

    def _set_enabled(self, on: bool) -> None:
        for name, a in self.act.items():
            if name not in ("confirm", "cancel"):
                a.setEnabled(on)
        self.custom_qty.setEnabled(on)

    # --- selection ------------------------------------------------------------------------------
    def set_sku(self, view, tier: str | None) -> None:
        changed = (view.sku if view else None) != self.sku
        if not changed and view is self.view:
            return
        self.view = view
        self.sku = view.sku if view else None
        self.tier = tier
        if changed and self.armed:
            self.cancel()
        if changed or view is None:
            self._set_enabled(view is not None)
        if view is None:
            self.sku_label.setText(self.tr("Select a SKU in the table"))
            self.sku_detail.setText("")
            return
        color = theme.level_text(view.level) if view.level != "ok" else theme.TEXT
        title = f'<span style="color:{color}">{view.sku}</span> {_html(view.name)}'
        if self.sku_label.text() != title:
            self.sku_label.setText(title)
        state = []
        if view.frozen:
            state.append(self.tr("frozen"))
        if view.delisted:
            state.append(self.tr("delisted"))
        if view.available <= 0:
            state.append(self.tr("sold out"))
        detail = self.tr("{tier} · {level} · available {n} · {rate}/min{state}").format(
            tier=fmt.tier_name(tier or view.tier), level=fmt.level_name(view.level), n=fmt.count(view.available),
            rate=fmt.rate(view.rate_per_min), state=(" · " + " · ".join(state)) if state else "")
        if self.sku_detail.text() != detail:
            self.sku_detail.setText(detail)

    # --- intents -----------------------------------------------------------------------------------
    def trigger(self, name: str) -> bool:
        """Run an action by name (buttons and shortcuts land here).  Returns True if a command was sent."""
        if name == "confirm":
            return self.confirm()
        if name == "cancel":
            self.cancel()
            return False
        if self.sku is None:
            return False
        if name == "restock_amount":
            # R puts the cursor in the amount; Enter there sends.
            self.custom_qty.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.custom_qty.selectAll()
            return False
        if name in DANGEROUS and self.tier in CONFIRM_TIERS:
            if self.armed == (name, self.sku):
                return self.confirm()
            self._arm(name)
            return False
        return self._send(name)

    def _arm(self, name: str) -> None:
        self.armed = (name, self.sku)
        key = self.act[name].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        avail = fmt.count(self.view.available) if self.view is not None else "—"
        self.confirm_text.setText(self.tr("{what} {sku} ({tier} tier, {n} available now)? Press {key} again or "
                                          "Enter to confirm, Esc to cancel.").format(
            what=self.act[name].text(), sku=self.sku, tier=fmt.tier_name(self.tier or ""), key=key, n=avail))
        self.lower.setCurrentWidget(self.confirm_bar)
        self.buttons[name].setProperty("role", "armed")
        self._restyle(self.buttons[name])
        self.act["confirm"].setEnabled(True)
        self.act["cancel"].setEnabled(True)
        self._arm_timer.start()

    def confirm(self) -> bool:
        if self.armed is None:
            return False
        name, sku = self.armed
        self._disarm()
        if sku != self.sku:
            return False
        return self._send(name)

    def cancel(self) -> None:
        self._disarm()

    def _disarm(self) -> None:
        if self.armed is not None:
            b = self.buttons.get(self.armed[0])
            if b is not None:
                b.setProperty("role", "danger")
                self._restyle(b)
        self.armed = None
        self._arm_timer.stop()
        self.lower.setCurrentIndex(0)
        self.act["confirm"].setEnabled(False)
        self.act["cancel"].setEnabled(False)

    @staticmethod
    def _restyle(w) -> None:
        w.style().unpolish(w)
        w.style().polish(w)

    def _send(self, name: str) -> bool:
        sku = self.sku
        if name == "freeze":
            self.commandRequested.emit("freeze", sku, None, None)
        elif name == "unfreeze":
            self.commandRequested.emit("unfreeze", sku, None, None)
        elif name.startswith("restock_"):
            qty = self.custom_qty.value() if name == "restock_custom" else int(name.split("_")[1])
            self.commandRequested.emit("restock", sku, int(qty), None)
        elif name == "exposure_down":
            self.commandRequested.emit("exposure", sku, None, LOWER_EXPOSURE_WEIGHT)
        elif name == "exposure_up":
            self.commandRequested.emit("exposure", sku, None, 1.0)
        elif name == "delist":
            self.commandRequested.emit("delist", sku, None, None)
        elif name == "relist":
            self.commandRequested.emit("relist", sku, None, None)
        else:
            return False
        return True

    # --- per snapshot ---------------------------------------------------------------------------------
    def update_commands(self, snap, local_pending: list) -> None:
        """Inline fates of the selected SKU's latest commands."""
        rows = []
        if self.sku is not None:
            now = time.time()
            for lc in local_pending:
                if lc.sku == self.sku:
                    # Not reported by the core within a second or two: say so (a hung core), not "sending…".
                    state = "queued" if now - lc.asked_wall < CORE_SILENT_S else "core_silent"
                    rows.append(self._row(lc.op, lc.qty, lc.weight, state, None, None, "operator", ""))
            for c in snap.commands:
                if c.sku == self.sku:
                    # A command still unanswered after its first timeout says so ("no answer yet,
                    # retrying") rather than a bare "pending": its fate is visible within a second.
                    state = "retrying" if c.state == "sent" and c.attempts > 1 else c.state
                    rows.append(self._row(c.op, c.qty, None, state, c.rtt_ms, c.error, c.origin,
                                          fmt.shop_time(c.created_ts), c.attempts))
                    if len(rows) >= STATUS_ROWS:
                        break
        if self.sku is not None and not rows:
            none_yet = self.tr("No commands for this SKU yet")
            rows.append(f'<span style="color:{theme.MUTED}">{_html(none_yet)}</span>')
        for lab, text in zip(self.status_rows, rows + [""] * (STATUS_ROWS - len(rows))):
            if lab.text() != text:
                lab.setText(text)

    def _row(self, op, qty, weight, state, rtt, error, origin, when, attempts=0) -> str:
        what = fmt.op_name(op)
        if qty:
            what += f" +{qty}"
        color = theme.COMMAND_COLORS.get(state, theme.MUTED)
        status = fmt.command_state_name(state)
        if state == "acked" and rtt is not None:
            status += " " + self.tr("{ms} ms").format(ms=f"{rtt:.0f}")
        if error and state in ("rejected", "failed"):
            status += f": {_html(error)}"
        elif state == "retrying":
            status += " " + self.tr("(%n attempt(s))", "", attempts)
        elif state == "unknown":
            status += " " + self.tr("(the shop's answer will settle it; do not repeat it)")
        if weight is not None:
            what += f" {weight:g}"
        return (f'<span style="color:{theme.MUTED}">{when}</span> <b>{_html(what)}</b> '
                f'<span style="color:{color}; font-weight:600">{status}</span> '
                f'<span style="color:{theme.MUTED}">· {fmt.origin_name(origin)}</span>')


def _html(s: str) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
