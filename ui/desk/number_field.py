"""A number field for the settings dialog that never changes what the operator typed behind their back.

``QSpinBox`` / ``QDoubleSpinBox`` clamp or revert a value outside their range
("-5" became 5, 0.5 went back to 1.15 on Tab).  :class:`NumberField` keeps the
text as typed and says, next to the field, why it is refused and what the
allowed range is; :meth:`NumberField.unusual` tells the dialog when a value is
allowed but far outside the usual (more than :data:`UNUSUAL_FACTOR` times the
default, or less than its 1/:data:`UNUSUAL_FACTOR`), so it can ask first.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit

UNUSUAL_FACTOR = 10.0
ERROR_STYLE = "border: 2px solid #ff4d55;"


def _num(x: float, kind: type) -> str:
    return f"{int(x):,}" if kind is int else f"{x:g}"


class NumberField(QLineEdit):
    """An int or float field with the settings field's bounds (``ge``/``gt``/``le``) and its default."""

    validityChanged = Signal(bool)

    def __init__(self, kind: type, value, *, ge=None, gt=None, le=None, default=None, message: QLabel | None = None):
        super().__init__()
        self.kind = kind
        self.ge, self.gt, self.le = ge, gt, le
        self.default = default
        self.message = message
        self.setValue(value)
        self.editingFinished.connect(self.check)
        self.textEdited.connect(lambda _t: self.check())

    # --- the spin box API the dialog (and its tests) use --------------------------------------------
    def setValue(self, value) -> None:
        self.setText(_num(value, self.kind).replace(",", "") if value is not None else "")
        self.check()

    def value(self):
        """The parsed value; raises ValueError with the reason when the text is not allowed."""
        v, err = self.parse()
        if err:
            raise ValueError(err)
        return v

    def decimals(self) -> int:
        return 9

    # --- checking ------------------------------------------------------------------------------------
    def range_text(self) -> str:
        k = self.kind
        lo = (f"≥ {_num(self.ge, k)}" if self.ge is not None else f"> {_num(self.gt, k)}" if self.gt is not None
              else None)
        hi = f"≤ {_num(self.le, k)}" if self.le is not None else None
        parts = [p for p in (lo, hi) if p]
        what = self.tr("a whole number") if k is int else self.tr("a number")
        sep = " " + self.tr("and") + " "
        return what + (" " + sep.join(parts) if parts else "")

    def parse(self):
        """(value, None) or (None, the reason with the allowed range)."""
        text = self.text().strip().replace(",", "")
        try:
            v = int(text) if self.kind is int else float(text)
        except ValueError:
            return None, self.tr("Refused: {t!r} is not {r}").format(t=self.text(), r=self.range_text())
        if isinstance(v, float) and not math.isfinite(v):
            return None, self.tr("Refused: allowed is {r}").format(r=self.range_text())
        if ((self.ge is not None and v < self.ge) or (self.gt is not None and v <= self.gt)
                or (self.le is not None and v > self.le)):
            return None, self.tr("Refused: {v} is out of range; allowed is {r}").format(
                v=_num(v, self.kind), r=self.range_text())
        return v, None

    def check(self) -> bool:
        """Show the verdict at the field; True if the value is allowed."""
        _v, err = self.parse()
        ok = err is None
        self.setStyleSheet("" if ok else ERROR_STYLE)
        if self.message is not None:
            self.message.setText(err or "")
            self.message.setVisible(not ok)
        self.validityChanged.emit(ok)
        return ok

    def unusual(self) -> str | None:
        """Why an allowed value is far outside the usual (None if it is not)."""
        v, err = self.parse()
        d = self.default
        if err or d is None or isinstance(d, bool) or d <= 0:
            return None
        lo, hi = d / UNUSUAL_FACTOR, d * UNUSUAL_FACTOR
        if lo <= v <= hi:
            return None
        return self.tr("{v} is far outside the usual range {lo} – {hi}").format(
            v=_num(v, self.kind), lo=_num(lo, float), hi=_num(hi, float))
