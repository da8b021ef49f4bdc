"""What-if tab: change a tier's settings, replay the show in the background, compare the scorecards.

The numbers are ``controlroom backtest``'s (:mod:`controlroom.review.whatif`).  Replay changes
when the desk would have warned or frozen, not what buyers did; lost and oversold units of
freezes that did not happen in the real show are estimates with a range (see the note in the
tab and ``docs/review.md``).
"""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QProgressBar, QPushButton, QSplitter, QTableView, QVBoxLayout,
                               QWidget)
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt

from controlroom.review.backtest import ROWS, _cell, settings_of
from controlroom.settings import AUTO_FREEZE
from ui import fmt, theme
from ui.review.models import RowsModel
from ui.review.workers import CallWorker, WhatIfWorker

# Texts translated at run time (lupdate cannot see a variable): backtest's row labels, choices, cases,
# and the note (its source is NOTE, marked where the tab is built).
NOTE = ("Replay changes when the desk would have warned or frozen, not what buyers did. For a freeze earlier "
        "than the real show stopped selling, the units the real show sold in between count as lost (range: "
        "the 90% Poisson interval of that many orders). For a real freeze the what-if makes later or not at "
        "all, the sales it would have made come from the engine's rate just before the real freeze, capped by "
        "the stock left (range 0.6x-1.4x, the spread the lost-sales estimate showed against the demo shop's "
        "books); demand beyond that stock within the freeze lag counts as oversell risk.")


_TEXTS = [
    QT_TRANSLATE_NOOP("WhatIfTab", "Replay changes when the desk would have warned or frozen, not what buyers did. For a freeze earlier "
                      "than the real show stopped selling, the units the real show sold in between count as lost (range: "
                      "the 90% Poisson interval of that many orders). For a real freeze the what-if makes later or not at "
                      "all, the sales it would have made come from the engine's rate just before the real freeze, capped by "
                      "the stock left (range 0.6x-1.4x, the spread the lost-sales estimate showed against the demo shop's "
                      "books); demand beyond that stock within the freeze lag counts as oversell risk."),
    QT_TRANSLATE_NOOP("WhatIfTab", "sell-outs"), QT_TRANSLATE_NOOP("WhatIfTab", "warned"),
    QT_TRANSLATE_NOOP("WhatIfTab", "missed (no warning)"), QT_TRANSLATE_NOOP("WhatIfTab", "median warning lead time"),
    QT_TRANSLATE_NOOP("WhatIfTab", "shortest lead time"), QT_TRANSLATE_NOOP("WhatIfTab", "warning spans"),
    QT_TRANSLATE_NOOP("WhatIfTab", "false warnings"), QT_TRANSLATE_NOOP("WhatIfTab", "alerts fired"),
    QT_TRANSLATE_NOOP("WhatIfTab", "alerts per 10 min (1 operator)"), QT_TRANSLATE_NOOP("WhatIfTab", "freeze requests"),
    QT_TRANSLATE_NOOP("WhatIfTab", "oversold units (the show's)"),
    QT_TRANSLATE_NOOP("WhatIfTab", "with no freeze request in time"),
    QT_TRANSLATE_NOOP("WhatIfTab", "auto"), QT_TRANSLATE_NOOP("WhatIfTab", "confirm"), QT_TRANSLATE_NOOP("WhatIfTab", "off"),
    QT_TRANSLATE_NOOP("WhatIfTab", "earlier freeze"), QT_TRANSLATE_NOOP("WhatIfTab", "later freeze"),
    QT_TRANSLATE_NOOP("WhatIfTab", "no freeze"),
]


class WhatIfTab(QWidget):
    """Tier settings on the left, the side-by-side scorecard and the estimates on the right."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ov = None
        self.whatif = None
        self.base = None  # the session's settings
        self.current = None  # settings being edited (all tiers)
        self.worker = None
        self.last = None
        self.tier = QComboBox()
        self.tier.currentIndexChanged.connect(self._tier_changed)
        self.window = QDoubleSpinBox()
        self.window.setRange(1, 240)
        self.window.setSuffix(" min")
        self.mult = QDoubleSpinBox()
        self.mult.setRange(0.1, 10)
        self.mult.setSingleStep(0.1)
        self.margin = QDoubleSpinBox()
        self.margin.setRange(1, 10)
        self.margin.setSingleStep(0.1)
        self.freeze = QComboBox()
        for c in AUTO_FREEZE:
            self.freeze.addItem(self.tr(c), c)
        for w in (self.window, self.mult, self.margin):
            w.valueChanged.connect(self._edited)
        self.freeze.currentIndexChanged.connect(self._edited)
        form = QFormLayout()
        form.addRow(self.tr("Tier"), self.tier)
        form.addRow(self.tr("Forecast window"), self.window)
        form.addRow(self.tr("Warning multiplier"), self.mult)
        form.addRow(self.tr("Safety margin"), self.margin)
        form.addRow(self.tr("At safety stock"), self.freeze)
        self.run_btn = QPushButton(self.tr("Re-run the show"))
        self.run_btn.clicked.connect(self.run)
        self.cancel_btn = QPushButton(self.tr("Cancel"))
        self.cancel_btn.clicked.connect(self.cancel)
        self.cancel_btn.setEnabled(False)
        self.tune_btn = QPushButton(self.tr("Apply tune's suggestion"))
        self.tune_btn.clicked.connect(self.apply_tune)
        self.save_btn = QPushButton(self.tr("Save as settings file…"))
        self.save_btn.clicked.connect(self.save_dialog)
        self.reset_btn = QPushButton(self.tr("Back to the session's settings"))
        self.reset_btn.clicked.connect(self.reset_settings)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {theme.MUTED};")
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addLayout(form)
        for w in (self.run_btn, self.cancel_btn, self.progress, self.tune_btn, self.save_btn, self.reset_btn,
                  self.status):
            lv.addWidget(w)
        lv.addStretch(1)
        self.model = RowsModel([self.tr("Figure"), self.tr("Logged"), self.tr("Replay, session settings"),
                                self.tr("Replay, what-if")], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.est_model = RowsModel([self.tr("SKU"), self.tr("Case"), self.tr("Lost units"), self.tr("Range"),
                                    self.tr("Oversold units"), self.tr("Range"), self.tr("How")], self)
        self.est = QTableView()
        self.est.setModel(self.est_model)
        self.est.verticalHeader().hide()
        self.est.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.est.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel(self.tr(NOTE))  # NOTE is marked below for lupdate
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {theme.MUTED};")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.table)
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        self.est_title = QLabel(self.tr("Estimates: what the other freezes would have changed"))
        self.est_title.setStyleSheet(f"color: {theme.TEXT}; font-weight: 600;")
        bl.addWidget(self.est_title)
        bl.addWidget(self.est, 1)
        bl.addWidget(self.note)
        right.addWidget(box)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        QHBoxLayout(self).addWidget(split)
        self._loading = False

    # ------------------------------------------------------------------ settings
    def show_overview(self, ov) -> None:
        from controlroom.review.whatif import WhatIf

        self.ov = ov
        self.whatif = WhatIf(ov.path)  # its own read-only connection, used by the worker thread
        self.base = None
        self.model.set_rows([])
        self.est_model.set_rows([])
        self.status.setText(self.tr("Change a tier's settings and re-run the show."))

    def _ensure_settings(self) -> None:
        if self.base is not None:
            return
        from controlroom.settings import Settings, settings_from_dict

        rv = self.ov.review
        try:
            self.base = settings_from_dict(rv.settings) if rv.settings else Settings()
        except Exception:
            self.base = Settings()
        self.current = self.base
        present = sorted({self.base.tier_of(s.sku, s.tier) for s in rv.stock.skus.values()})
        self._loading = True
        self.tier.clear()
        for t in present:
            self.tier.addItem(fmt.tier_name(t), t)
        self._loading = False
        self._tier_changed()

    def showEvent(self, ev) -> None:  # noqa: N802 - Qt API
        if self.ov is not None:
            self._ensure_settings()
        super().showEvent(ev)

    def _tier_changed(self, *_a) -> None:
        t = self.tier.currentData()
        if not t or self.current is None:
            return
        ts = self.current.tiers[t]
        self._loading = True
        self.window.setValue(ts.window_min)
        self.mult.setValue(ts.multiplier)
        self.margin.setValue(ts.safety_margin)
        self.freeze.setCurrentIndex(max(0, self.freeze.findData(ts.auto_freeze)))
        self._loading = False

    def _edited(self, *_a) -> None:
        if self._loading or self.current is None:
            return
        t = self.tier.currentData()
        self.current = self.current.with_changes({
            f"tiers.{t}.window_min": self.window.value(), f"tiers.{t}.multiplier": self.mult.value(),
            f"tiers.{t}.safety_margin": self.margin.value(), f"tiers.{t}.auto_freeze": self.freeze.currentData()})

    def set_tier_values(self, tier: str, **values) -> None:
        """Set a tier's fields (what the form does; tests and tune's suggestion use it)."""
        self._ensure_settings()
        self.current = self.current.with_changes({f"tiers.{tier}.{k}": v for k, v in values.items()})
        if self.tier.currentData() == tier:
            self._tier_changed()

    def reset_settings(self) -> None:
        self._ensure_settings()
        self.current = self.base
        self._tier_changed()

    # ------------------------------------------------------------------ runs
    def run(self) -> None:
        self._ensure_settings()
        if self.worker is not None:
            return
        self.worker = WhatIfWorker(self.whatif, self.current, "what-if", self)
        self.worker.progress.connect(self._progress)
        self.worker.finished_ok.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.run_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.status.setText(self.tr("Reading the show…"))
        self.worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.progress.setRange(0, 0)
            return
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(done * 1000 / total))
        self.status.setText(self.tr("Replaying: {done} of {total} events").format(done=f"{done:,}",
                                                                                  total=f"{total:,}"))

    def _finish(self) -> None:
        w, self.worker = self.worker, None
        if w is not None:
            w.wait()
            w.deleteLater()
        self.run_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        self.progress.setRange(0, 1000)

    def _failed(self, msg: str) -> None:
        self._finish()
        self.progress.setValue(0)
        self.status.setText(self.tr("Cancelled.") if not msg else self.tr("What-if failed: {m}").format(m=msg))

    def _done(self, res) -> None:
        self._finish()
        self.last = res
        self.progress.setValue(1000)
        cols = res.columns
        rows = []
        for label, key, f in ROWS:
            rows.append([self.tr(label.strip())] + [_cell(getattr(c, key), f) for c in cols])
        tot = res.totals()
        rows.append([self.tr("lost units vs the real show (estimate)"), "", "",
                     f"{tot['lost_units']:+,.0f} ({tot['lost_low']:+,.0f} … {tot['lost_high']:+,.0f})"])
        rows.append([self.tr("oversold units vs the real show (estimate)"), "", "",
                     f"{tot['oversold_units']:+,.0f} ({tot['oversold_low']:+,.0f} … {tot['oversold_high']:+,.0f})"])
        colors = []
        for r in rows:
            c = [None, None, None, None]
            if r[2] != r[3]:
                c[3] = theme.ACCENT
            colors.append(c)
        self.model.set_rows(rows, colors)
        self.est_model.set_rows([(e.sku, self.tr(e.case), f"{e.lost_units:+,.0f}",
                                  f"{e.lost_range[0]:+,.0f} … {e.lost_range[1]:+,.0f}", f"{e.oversold_units:+,.1f}",
                                  f"{e.oversold_range[0]:+,.1f} … {e.oversold_range[1]:+,.1f}", e.how)
                                 for e in res.estimates])
        self.status.setText(self.tr("Done: %Ln event(s) replayed in {s:.1f} s.", "", self.whatif.data.n_events).format(
            s=(cols[2].replay_s or 0.0)))

    # ------------------------------------------------------------------ tune and save
    def apply_tune(self) -> None:
        self._ensure_settings()
        if self.worker is not None:
            return
        from controlroom.review.tune import tune

        wi = self.whatif

        def work():
            return tune(wi.load())

        self.worker = CallWorker(work, self)
        self.worker.done.connect(self._tuned)
        self.worker.failed.connect(self._failed)
        self.run_btn.setEnabled(False)
        self.progress.setRange(0, 0)
        self.status.setText(self.tr("Tuning: a few dozen replays of the show…"))
        self.worker.start()

    def _tuned(self, result) -> None:
        self._finish()
        self.current = result.settings
        self._tier_changed()
        changes = [f"{t.tier}.{k} {t.current[k]:g}→{t.suggested[k]:g}" for t in result.tiers for k in t.current
                   if abs(t.current[k] - t.suggested[k]) > 1e-9]
        self.status.setText(self.tr("Tune's suggestion applied: {c}. Re-run to see its scorecard, then save it.").format(
            c=", ".join(changes) or self.tr("no change")))

    def save(self, path: str) -> str:
        """Write the edited settings as a settings TOML (the session's, with the changes)."""
        from controlroom.review.tune import to_toml

        self._ensure_settings()
        header = [f"Settings from the review of {self.ov.path}", "The session's settings with the what-if changes."]
        with open(path, "w", encoding="utf-8") as f:
            f.write(to_toml(self.current.to_dict(), header))
        return path

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save settings"), "next-show.toml",
                                              self.tr("Settings (*.toml)"))
        if path:
            self.save(path)
            self.status.setText(self.tr("Saved {p}").format(p=path))


__all__ = ["WhatIfTab", "settings_of"]
