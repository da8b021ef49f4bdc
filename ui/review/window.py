"""The review window: a saved show's overview, timeline, per-SKU drill-down, what-if and comparison.

Opening (File → Open, the command line, dropping a ``.sqlite`` on the window, File → Recent)
runs in a worker thread (:class:`~ui.review.workers.LoadWorker`) with a progress bar and
Cancel while an older log's summary cache is built.  A file that cannot be reviewed shows one
line in the red banner under the tabs.  A log still being written is re-read every
:data:`FOLLOW_MS` while its last event id grows.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton, QTabWidget,
                               QVBoxLayout, QWidget)

from ui import theme
from ui.review.compare_tab import CompareTab
from ui.review.overview_tab import OverviewTab
from ui.review.sku_tab import SkuTab
from ui.review.timeline_tab import TimelineTab
from ui.review.whatif_tab import WhatIfTab
from ui.review.workers import CallWorker, LoadWorker

FOLLOW_MS = 2000
MAX_RECENT = 8


class ReviewWindow(QMainWindow):
    """``open_path(path)``; ``loaded(overview)`` when a show is on screen, ``failed(message)`` when not."""

    loaded = Signal(object)
    failed = Signal(str)
    compared = Signal(object)
    exported = Signal(str)

    def __init__(self, store: QSettings | None = None, parent=None) -> None:
        super().__init__(parent)
        self.store = store if store is not None else QSettings("controlroom", "review")
        self.setWindowTitle(self.tr("controlroom — session review"))
        self.setAcceptDrops(True)
        self.resize(1400, 860)
        self.ov = None
        self.others = []
        self.worker = None
        self._pending: list[tuple[str, bool]] = []
        self.tabs = QTabWidget()
        self.overview = OverviewTab()
        self.timeline = TimelineTab()
        self.sku = SkuTab()
        self.whatif = WhatIfTab()
        self.compare = CompareTab()
        self.tabs.addTab(self.overview, self.tr("Overview"))
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        self.tabs.addTab(self.sku, self.tr("SKU"))
        self.tabs.addTab(self.whatif, self.tr("What-if"))
        self.tabs.addTab(self.compare, self.tr("Compare"))
        self.overview.moment.connect(self.goto)
        self.sku.moment.connect(self.goto)
        self.timeline.sku_picked.connect(self.show_sku)
        self.timeline.cursor_moved.connect(self.sku.set_cursor)
        self.banner = QLabel()
        self.banner.setWordWrap(False)
        self.banner.setStyleSheet(f"background: #3a1d22; color: {theme.TEXT}; padding: 6px; border-radius: 3px;")
        self.banner.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel()
        self.cancel_btn = QPushButton(self.tr("Cancel"))
        self.cancel_btn.clicked.connect(self.cancel_load)
        self.load_row = QWidget()
        lr = QHBoxLayout(self.load_row)
        lr.setContentsMargins(0, 0, 0, 0)
        lr.addWidget(self.progress_label)
        lr.addWidget(self.progress, 1)
        lr.addWidget(self.cancel_btn)
        self.load_row.hide()
        self.empty = QLabel(self.tr("Open a session log (File → Open) or drop a .sqlite file here."))
        self.empty.setStyleSheet(f"color: {theme.MUTED}; font-size: 13pt; padding: 40px;")
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.addWidget(self.banner)
        cl.addWidget(self.load_row)
        cl.addWidget(self.empty)
        cl.addWidget(self.tabs, 1)
        self.tabs.hide()
        self.setCentralWidget(central)
        self._menus()
        self.follow = QTimer(self)
        self.follow.setInterval(FOLLOW_MS)
        self.follow.timeout.connect(self._follow)

    # ------------------------------------------------------------------ menus
    def _menus(self) -> None:
        m = self.menuBar().addMenu(self.tr("&File"))
        a = QAction(self.tr("&Open…"), self, shortcut=QKeySequence.StandardKey.Open)
        a.triggered.connect(self.open_dialog)
        m.addAction(a)
        self.recent_menu = m.addMenu(self.tr("Open &recent"))
        a = QAction(self.tr("&Compare with…"), self)
        a.triggered.connect(self.compare_dialog)
        m.addAction(a)
        m.addSeparator()
        for label, fn in ((self.tr("Export report (&HTML)…"), self.export_html_dialog),
                          (self.tr("Export tables (&CSV)…"), self.export_csv_dialog),
                          (self.tr("Export chart (&PNG)…"), self.export_png_dialog)):
            a = QAction(label, self)
            a.triggered.connect(fn)
            m.addAction(a)
        m.addSeparator()
        a = QAction(self.tr("&Quit"), self, shortcut=QKeySequence.StandardKey.Quit)
        a.triggered.connect(self.close)
        m.addAction(a)
        self._fill_recent()

    def recent(self) -> list[str]:
        v = self.store.value("recent", [])
        if isinstance(v, str):
            v = [v]
        return [str(p) for p in (v or [])]

    def _remember(self, path: str) -> None:
        p = str(Path(path).resolve())
        self.store.setValue("recent", ([p] + [r for r in self.recent() if r != p])[:MAX_RECENT])
        self.store.sync()
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.recent():
            a = self.recent_menu.addAction(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_path(p))
        self.recent_menu.setEnabled(bool(self.recent()))

    # ------------------------------------------------------------------ opening
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a session log"), "",
                                              self.tr("Session logs (*.sqlite);;All files (*)"))
        if path:
            self.open_path(path)

    def compare_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Compare with"), "",
                                                self.tr("Session logs (*.sqlite);;All files (*)"))
        for p in paths:
            self.open_path(p, compare=True)

    def open_path(self, path: str, compare: bool = False, follow: bool = False) -> None:
        """Open ``path`` (in the background); ``compare`` adds it to the Compare tab instead."""
        if self.worker is not None:
            if not follow:
                self._pending.append((str(path), compare))
            return
        w = LoadWorker(str(path), self)
        self.worker = w
        w.progress.connect(self._progress)
        w.loaded.connect(lambda ov: self._loaded(ov, compare, follow))
        w.failed.connect(lambda msg: self._failed(msg, follow))
        if not follow:
            self.progress_label.setText(self.tr("Opening {name}…").format(name=Path(path).name))
            self.progress.setRange(0, 0)
            self.load_row.show()
        w.start()

    def cancel_load(self) -> None:
        self._pending.clear()
        if self.worker is not None:
            self.worker.cancel()

    def _progress(self, done: int, total: int) -> None:
        self.progress_label.setText(self.tr("Building the summary of an older log (once): {done} of {total} events").format(
            done=f"{done:,}", total=f"{total:,}"))
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(done * 1000 / max(1, total)))

    def _end_worker(self) -> None:
        w, self.worker = self.worker, None
        if w is not None:
            w.wait()
            w.deleteLater()
        self.load_row.hide()
        if self._pending:
            p, c = self._pending.pop(0)
            QTimer.singleShot(0, lambda: self.open_path(p, compare=c))

    def _failed(self, msg: str, follow: bool) -> None:
        self._end_worker()
        if follow:
            return
        self.show_error(msg or self.tr("Opening cancelled."))
        self.failed.emit(msg)

    def show_error(self, msg: str) -> None:
        """One line in the banner (the full text in its tooltip)."""
        line = " ".join(msg.split())
        self.banner.setText(line if len(line) < 220 else line[:217] + "…")
        self.banner.setToolTip(msg)
        self.banner.show()

    def _loaded(self, ov, compare: bool, follow: bool) -> None:
        self._end_worker()
        if compare:
            self.others.append(ov)
            self.compare.set_overviews(([self.ov] if self.ov else []) + self.others)
            self.tabs.setCurrentWidget(self.compare)
            self.compared.emit(ov)
            return
        cursor = self.timeline.cursor_ts if follow else None
        old, self.ov = self.ov, ov
        self.banner.hide()
        self.empty.hide()
        self.tabs.show()
        self.setWindowTitle(self.tr("{name} — session review").format(name=Path(ov.path).name))
        self.overview.show_overview(ov)
        self.timeline.show_overview(ov)
        if not follow:
            self.sku.show_overview(ov)
            self.whatif.show_overview(ov)
        else:
            self.sku.ov = ov
        self.compare.set_overviews([ov] + self.others)
        if cursor is not None:
            self.timeline.seek(cursor)
        if old is not None and old is not ov:
            old.close()
        if not follow:
            self._remember(ov.path)
        if ov.live:
            self.follow.start()
        else:
            self.follow.stop()
        self.loaded.emit(ov)

    def _follow(self) -> None:
        """A live log: re-read it when it has grown (its summary rows are in the file)."""
        if self.ov is None or self.worker is not None:
            return
        try:
            top = self.ov.reader.conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
        except Exception:
            return
        if top != self.ov.through_id:
            self.open_path(self.ov.path, follow=True)

    # ------------------------------------------------------------------ navigation
    def goto(self, ts: float) -> None:
        self.tabs.setCurrentWidget(self.timeline)
        self.timeline.seek(ts)

    def show_sku(self, sku: str) -> None:
        self.tabs.setCurrentWidget(self.sku)
        self.sku.pick.setCurrentIndex(self.sku.pick.findData(sku))

    # ------------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, ev) -> None:  # noqa: N802 - Qt API
        if any(u.isLocalFile() for u in ev.mimeData().urls()):
            ev.acceptProposedAction()

    def dropEvent(self, ev) -> None:  # noqa: N802 - Qt API
        files = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if files:
            self.open_path(files[0])
            for p in files[1:]:
                self.open_path(p, compare=True)
            ev.acceptProposedAction()

    # ------------------------------------------------------------------ export
    def _full_review(self):
        """The report needs every sample (burn-downs): read them with a connection of its own."""
        from controlroom.review.logfile import open_for_review

        rv = self.ov.review
        with open_for_review(self.ov.path) as r:
            samples = r.samples_by_sku()
        import copy

        full = copy.copy(rv)
        full.samples = samples
        return full

    def export_html(self, path: str) -> str:
        from controlroom.review.report import write_report

        return str(write_report(self._full_review(), path))

    def export_csv(self, folder: str) -> list[str]:
        from controlroom.review.csvout import write_csv

        return [str(p) for p in write_csv(self.ov.review, folder)]

    def export_png(self, path: str) -> str:
        w = self.tabs.currentWidget()
        target = getattr(w, "plots", None) or w
        target.grab().save(path)
        return path

    def _export_bg(self, fn, *args) -> None:
        w = CallWorker(lambda: fn(*args), self)
        w.done.connect(lambda res: (self.statusBar().showMessage(self.tr("Exported {p}").format(p=args[0]), 8000),
                                    self.exported.emit(str(args[0]))))
        w.failed.connect(self.show_error)
        w.finished.connect(w.deleteLater)
        w.start()

    def export_html_dialog(self) -> None:
        if self.ov is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export report"), "review.html", "HTML (*.html)")
        if path:
            self._export_bg(self.export_html, path)

    def export_csv_dialog(self) -> None:
        if self.ov is None:
            return
        d = QFileDialog.getExistingDirectory(self, self.tr("Export tables into"))
        if d:
            self._export_bg(self.export_csv, d)

    def export_png_dialog(self) -> None:
        if self.ov is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export chart"), "chart.png", "PNG (*.png)")
        if path:
            self.export_png(path)
            self.statusBar().showMessage(self.tr("Exported {p}").format(p=path), 8000)

    def closeEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self.follow.stop()
        self.timeline.stop_indexing()
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
        wt = self.whatif.worker
        if wt is not None:
            wt.cancel()
            wt.wait()
        super().closeEvent(ev)
