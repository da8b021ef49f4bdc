"""Background work for the review window: opening a log (and building its cache), scrub checkpoints, what-if runs.

Each worker is a ``QThread`` whose signals carry plain values back to the GUI thread (queued
connections); ``cancel()`` makes the next progress callback return False, which stops the core
function (:class:`~controlroom.review.cache.Cancelled`).
"""
from __future__ import annotations

from PySide6.QtCore import QThread, Signal

from controlroom.review.cache import Cancelled
from controlroom.review.logfile import ReviewOpenError


def one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


class _CancellableWorker(QThread):
    """A worker whose core function takes ``progress(done, total) -> keep going``: re-emitted as
    ``progress``, and False once :meth:`cancel` was called."""

    progress = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def _step(self, done: int, total: int) -> bool:
        self.progress.emit(int(done), int(total))
        return not self._cancel


class LoadWorker(_CancellableWorker):
    """``open_overview(path)`` off the GUI thread: ``progress(done, total)``, then ``loaded`` or ``failed``."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: str, parent=None) -> None:
        super().__init__(parent)
        self.path = path

    def run(self) -> None:
        from controlroom.review.overview import open_overview

        try:
            ov = open_overview(self.path, progress=self._step)
        except Cancelled:
            self.failed.emit("")
            return
        except ReviewOpenError as e:
            self.failed.emit(one_line(e))
            return
        except Exception as e:  # anything else still gets one line, not a traceback
            self.failed.emit(f"{self.path}: {one_line(e)}")
            return
        self.loaded.emit(ov)


class WhatIfWorker(_CancellableWorker):
    """One what-if run (:meth:`controlroom.review.whatif.WhatIf.run`) with progress and cancel."""

    finished_ok = Signal(object)
    failed = Signal(str)

    def __init__(self, whatif, settings, label: str, parent=None) -> None:
        super().__init__(parent)
        self.whatif, self.settings, self.label = whatif, settings, label

    def run(self) -> None:
        try:
            self.progress.emit(0, 0)
            res = self.whatif.run(self.settings, self.label, progress=self._step)
        except Cancelled:
            self.failed.emit("")
            return
        except Exception as e:
            self.failed.emit(one_line(e))
            return
        self.finished_ok.emit(res)


class CallWorker(QThread):
    """Any slow core call (``fn()``) off the GUI thread: ``done(result)`` or ``failed(message)``."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, fn, parent=None) -> None:
        super().__init__(parent)
        self.fn = fn

    def run(self) -> None:
        try:
            res = self.fn()
        except Exception as e:
            self.failed.emit(one_line(e))
            return
        self.done.emit(res)


class IndexWorker(_CancellableWorker):
    """Scrub checkpoints for a log without them (:func:`controlroom.review.scrub.ensure_checkpoints`), once.

    ``progress(done, total)``, then ``done(overview)`` (its ``checks`` set) or ``failed(message)``
    (empty when cancelled).
    """

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, ov, parent=None) -> None:
        super().__init__(parent)
        self.ov = ov

    def run(self) -> None:
        from controlroom.review.scrub import ensure_checkpoints

        try:
            ensure_checkpoints(self.ov, progress=self._step)
        except Cancelled:
            self.failed.emit("")
            return
        except Exception as e:  # the timeline keeps scrubbing the slower way
            self.failed.emit(one_line(e))
            return
        self.done.emit(self.ov)
