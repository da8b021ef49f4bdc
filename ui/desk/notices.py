"""What needs the operator's eye outside the actions panel: the failure banner and auto actions awaiting confirmation."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui import fmt, theme
from ui.retranslate import keep


def _html(s: str) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")



class FailureBanner(QFrame):
    """A failed or rejected command, impossible to miss, until dismissed.

    It floats over the bottom of the window (the window positions it) instead of taking a place in
    a layout: showing it must not resize the table and charts."""

    showSku = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("failBanner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 8, 6)
        icon = QLabel()
        icon.setPixmap(QIcon(theme.icon_path("bell")).pixmap(18, 18))
        lay.addWidget(icon)
        self.text = QLabel("")
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.text, 1)
        self.setAutoFillBackground(True)
        self.show_button = QPushButton()
        self.dismiss_button = QPushButton()
        keep(self, lambda: (self.show_button.setText(self.tr("Show SKU")), self.dismiss_button.setText(self.tr("Dismiss")),
                            self.dismiss_button.setToolTip(self.tr("Dismiss (Ctrl+D)"))))
        lay.addWidget(self.show_button)
        lay.addWidget(self.dismiss_button)
        self.show_button.clicked.connect(lambda: self._sku and self.showSku.emit(self._sku))
        self.dismiss_button.clicked.connect(self.dismiss)
        self._dismissed: set[str] = set()
        self._current: list = []
        self._sku: str | None = None
        self.hide()

    def update_from(self, snap) -> None:
        failed = [c for c in snap.commands if c.state in ("failed", "rejected") and c.id not in self._dismissed]
        self._current = failed
        if not failed:
            if self.isVisible():
                self.hide()
            return
        c = failed[0]
        self._sku = c.sku
        more = len(failed) - 1
        text = self.tr("{op} {sku} {state}: {error}").format(
            op=fmt.op_name(c.op) + (f" +{c.qty}" if c.qty else ""), sku=c.sku, state=fmt.command_state_name(c.state),
            error=c.error or "—")
        if c.origin == "auto":
            text += " " + self.tr("(auto action)")
        if more:
            text += " " + self.tr("· {n} more failed").format(n=more)
        if self.text.text() != text:
            self.text.setText(text)
            self.text.setToolTip(text)
        if not self.isVisible():
            self.show()
            self.raise_()

    def dismiss(self) -> None:
        self._dismissed.update(c.id for c in self._current)
        self._current = []
        self.hide()

    @property
    def failed_ids(self) -> list[str]:
        return [c.id for c in self._current]


class AutoConfirmBox(QFrame):
    """Auto actions the tier wants confirmed (e.g. freezing a profit SKU at safety stock).

    Always present at a fixed height (it says so when nothing waits): appearing and disappearing
    would resize the charts beneath it on every confirmation."""

    answer = Signal(str, bool)
    showSku = Signal(str)

    MAX_ROWS = 2

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("autoConfirm")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        self.title = QLabel("")
        self.title.setObjectName("panelTitle")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.title)
        self.rows = []
        for _ in range(self.MAX_ROWS):
            w = QWidget()
            h = QHBoxLayout(w)
            h.setContentsMargins(0, 0, 0, 0)
            lab = QLabel("")
            lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            yes = QPushButton()
            yes.setProperty("role", "armed")
            no = QPushButton()
            keep(self, lambda yes=yes, no=no: (yes.setText(self.tr("Accept")), no.setText(self.tr("Reject"))))
            h.addWidget(lab, 1)
            h.addWidget(yes)
            h.addWidget(no)
            lay.addWidget(w)
            sp = w.sizePolicy()
            sp.setRetainSizeWhenHidden(True)
            w.setSizePolicy(sp)
            self.rows.append((w, lab, yes, no))
            yes.clicked.connect(lambda checked=False, w=w: self._answer(w, True))
            no.clicked.connect(lambda checked=False, w=w: self._answer(w, False))
        self._ids: list[str | None] = [None] * self.MAX_ROWS
        self._answered: set[str] = set()
        self.pending: list[dict] = []
        keep(self, self._render, late=True)  # the title and rows in the new language (after the buttons')
        self.setFixedHeight(self.sizeHint().height())
        self._render()

    def why(self, c: dict) -> str:
        """The rule an auto action answers, in the desk's language, from the figures the engine sent
        with it; the engine's own (English) sentence where it sent none."""
        why, n, line = c.get("why"), c.get("available"), c.get("line")
        if n is None or line is None:
            return str(c.get("reason", ""))
        n, line = fmt.count(n), fmt.count(line)
        if why == "safety_stock":
            return self.tr("available {n} at or below safety stock {s}").format(n=n, s=line)
        if why == "exposure_line":
            return self.tr("available {n} at or below the exposure line {l}: exposure down to {w}").format(
                n=n, l=line, w=f"{c.get('weight', 0):g}")
        if why == "exposure_restore":
            return self.tr("available {n} back above the exposure line {l}: exposure back to 1").format(n=n, l=line)
        if why == "release":
            return self.tr("{n} left above the reserve {l}, the orders in flight have settled: sell again").format(
                n=n, l=line)
        if why == "release_exposure":
            w = c.get("weight", c.get("at_weight", 0))
            return self.tr("{n} left, enough for the orders in flight at exposure {w}: sell at that exposure").format(
                n=n, w=f"{w:g}")
        return str(c.get("reason", ""))

    def _answer(self, w, accept: bool) -> None:
        for i, row in enumerate(self.rows):
            if row[0] is w and self._ids[i]:
                self.answer_id(self._ids[i], accept)

    def answer_id(self, cid: str, accept: bool) -> None:
        self._answered.add(cid)
        self.answer.emit(cid, accept)
        self.pending = [c for c in self.pending if c["id"] != cid]
        self._render()

    def answer_first(self, accept: bool) -> str | None:
        if not self.pending:
            return None
        cid = self.pending[0]["id"]
        self.answer_id(cid, accept)
        return cid

    def update_from(self, snap) -> None:
        pending = [c for c in snap.confirmations if c.get("id") not in self._answered]
        if [c["id"] for c in pending] == [c["id"] for c in self.pending]:
            return
        self.pending = pending
        self._render()

    def _render(self) -> None:
        n = len(self.pending)
        if n:
            title = self.tr("WAITING FOR YOU: %n auto action(s) to confirm (Y accepts, N rejects the first)", "", n)
        else:
            title = self.tr("AUTO ACTIONS: none waiting for confirmation")
        if self.title.text() != title:
            self.title.setText(title)
        self.setProperty("waiting", bool(n))
        self.setObjectName("autoConfirm" if n else "autoConfirmIdle")
        self.style().unpolish(self)
        self.style().polish(self)
        for i, (w, lab, yes, no) in enumerate(self.rows):
            if i < len(self.pending):
                c = self.pending[i]
                self._ids[i] = c["id"]
                lab.setText(self.tr("{op} {sku}: {reason}").format(op=fmt.op_name(c.get("op", "")),
                                                                   sku=c.get("sku", ""), reason=self.why(c)))
                lab.setToolTip(c.get("reason", ""))  # the engine's whole rule and figures
                w.show()
            else:
                self._ids[i] = None
                w.hide()
