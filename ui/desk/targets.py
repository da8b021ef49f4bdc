"""Stable targets, undo and focus: the operator's click or key always acts on the SKU they meant.

A mixin of :class:`~ui.desk.window.DeskWindow`:

* **Rows hold still under the operator**: the selected row and the row under the
  pointer keep their place when the urgency order changes (the model's ``held``
  set; the others re-sort around them).  When SKUs that outrank the selected one
  are not on screen above it, "▲ N more urgent" says so over the table (a click
  goes to the top).  The SKU a command acts on is taken at the press, from the
  row that was pressed or selected, and carried with the command.
* **Undo** from the action's toast for 10 s (Ctrl+Z): freeze ↔ unfreeze, delist ↔
  relist, exposure back to the weight it had; a restock cannot be undone in
  protocol v1, and its toast says so.
* **Focus returns to the table** after every action, dialog and overlay, and the
  selected row is kept in view.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractItemView, QPushButton

from ui import fmt
from ui.desk.sku_model import SKU_ROLE
from ui.desk.toasts import ToastStack
from ui.retranslate import keep

UNDO_OF = {"freeze": "unfreeze", "unfreeze": "freeze", "delist": "relist", "relist": "delist"}


class DeskTargets:
    """Holds, "more urgent" hint, toasts with undo and focus return for :class:`~ui.desk.window.DeskWindow`."""

    def _init_targets(self, filters_layout) -> None:
        self.hover_sku: str | None = None
        self._exposure: dict[str, float] = {}  # the weight this desk last set per SKU (the shop's start: 1)
        self.more_urgent = QPushButton("")
        self.more_urgent.setObjectName("moreUrgent")
        keep(self.more_urgent, lambda: self.more_urgent.setToolTip(self.tr(
            "SKUs more urgent than the selected one are out of sight: click to go to the top") + " (Ctrl+Up)"))
        self.more_urgent.clicked.connect(self._to_top)
        self.more_urgent.hide()
        filters_layout.insertWidget(filters_layout.count() - 1, self.more_urgent)
        self.table.setMouseTracking(True)
        self.table.viewport().installEventFilter(self)
        self.toasts = ToastStack(self.centralWidget(),
                                 lambda: self.banner.height() + 8 if self.banner.isVisible() else 0)
        self.alerts.snoozeRequested.connect(self._snoozed)
        self.alerts.ackRequested.connect(lambda _k: self.focus_table())
        self.banner.show_button.setToolTip(self.win_actions["banner_sku"].toolTip())
        # The keyboard starts at the table (else the first Tab-focusable widget, a header button, had it).
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _snoozed(self, key: str, minutes: float) -> None:
        """Say until when (shop clock): the alert row says it too."""
        a = next((a for a in self.alerts.model.alerts() if a.key == key), None)
        until = fmt.shop_time(self.bridge.current.ts + minutes * 60.0)
        what = (a.sku or "") if a is not None else key
        toast = self.toasts.show(self.tr("Snoozed {what} for {m:g} min, until {t} (shop clock)").format(
            what=what, m=minutes, t=until))
        # The engine sets the time (its clock when the intent arrives): the toast takes it from the next
        # snapshots, so the toast and the alert row never give two different times.
        self._snooze_toast = (key, what, minutes, toast)
        self.focus_table()

    def _refresh_snooze_toast(self) -> None:
        st = getattr(self, "_snooze_toast", None)
        if st is None:
            return
        key, what, minutes, toast = st
        if toast not in self.toasts.toasts:
            self._snooze_toast = None
            return
        a = next((a for a in self.bridge.current.alerts if a.key == key), None)
        if a is not None and a.snoozed_until:
            text = self.tr("Snoozed {what} for {m:g} min, until {t} (shop clock)").format(
                what=what, m=minutes, t=fmt.shop_time(a.snoozed_until))
            if toast.text != text:
                toast.label.setText(text)

    # --- holds -----------------------------------------------------------------------------------
    def eventFilter(self, obj, ev) -> bool:
        if obj is self.table.viewport():
            t = ev.type()
            if t == QEvent.Type.MouseMove:
                ix = self.table.indexAt(ev.position().toPoint())
                self._set_hover(ix.data(SKU_ROLE) if ix.isValid() else None)
            elif t == QEvent.Type.Leave:
                self._set_hover(None)
        return super().eventFilter(obj, ev)

    def _set_hover(self, sku: str | None) -> None:
        if sku != self.hover_sku:
            self.hover_sku = sku
            self._update_holds()

    def _update_holds(self) -> None:
        self.model.held = {s for s in (self.selected_sku, self.hover_sku) if s}

    def _update_more_urgent(self) -> None:
        self._refresh_snooze_toast()
        sku = self.selected_sku
        n = 0
        if sku is not None and not self.proxy.filtering:
            top = self.table.rowAt(0)
            n = self.model.more_urgent_out_of_place(sku, max(top, 0))
        if n:
            text = self.tr("▲ {n} more urgent").format(n=n)
            if self.more_urgent.text() != text:
                self.more_urgent.setText(text)
            self.more_urgent.show()
        elif self.more_urgent.isVisible():
            self.more_urgent.hide()

    def _to_top(self) -> None:
        self.table.scrollToTop()
        self.focus_table()

    def focus_table(self) -> None:
        """Give the keyboard back to the table, with the selected row in view."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.selected_sku is not None:
            row = self.model.row_of(self.selected_sku)
            if row is not None:
                pix = self.proxy.mapFromSource(self.model.index(row, 0))
                if pix.isValid():
                    self.table.scrollTo(pix, QAbstractItemView.ScrollHint.EnsureVisible)

    # --- commands, toasts, undo ---------------------------------------------------------------------
    def _what(self, op: str, qty, weight) -> str:
        what = fmt.op_name(op)
        if qty:
            what += f" +{qty}"
        if weight is not None:
            what += f" {weight:g}"
        return what

    def after_command(self, op: str, sku: str, qty, weight, *, undoing: bool = False) -> None:
        """The toast of a command just sent (with Undo where possible), then the table has the focus again."""
        what = self._what(op, qty, weight)
        if undoing:
            text = self.tr("Undo sent: {what} {sku}").format(what=what, sku=sku)
            self.toasts.show(text)
            self.status_left.setText(text)  # not still "Sent: freeze …" under a toast that says it was undone
        elif op == "restock":
            self.toasts.show(self.tr("Sent: {what} {sku}. A restock cannot be undone (protocol v1): "
                                     "to correct it, freeze and tell the warehouse.").format(what=what, sku=sku))
        else:
            if op == "exposure":
                back_w = self._exposure.get(sku, 1.0)
                undo = lambda: self._undo("exposure", sku, back_w)  # noqa: E731
            else:
                back = UNDO_OF[op]
                undo = lambda: self._undo(back, sku, None)  # noqa: E731
            self.toasts.show(self.tr("Sent: {what} {sku}").format(what=what, sku=sku), undo=undo)
        if op == "exposure" and weight is not None:
            self._exposure[sku] = float(weight)
        self.focus_table()

    def _undo(self, op: str, sku: str, weight) -> None:
        self.bridge.command(op, sku, weight=weight)
        self.after_command(op, sku, None, weight, undoing=True)
        self.actions.update_commands(self.bridge.current, self.bridge.pending_local(self.selected_sku))

    def undo_last(self) -> None:
        if not self.toasts.undo_last():
            self.status_left.setText(self.tr("Nothing to undo (Undo lasts 10 s after an action)."))
