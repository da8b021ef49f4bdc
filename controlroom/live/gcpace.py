"""Garbage collection paced around a front end's redraws (Qt-free).

CPython's cyclic collector holds the GIL for the whole collection, so a
collection on the core thread stalls the desk's GUI thread just as much as one
on the GUI thread.  Left automatic, a full (generation-2) collection walks every
tracked object in the process — modules, Qt wrappers, the desk, the engine — and
it comes at whatever moment the allocation counters say: in the desk's
benchmark, up to ~30 ms in the middle of a redraw.

:class:`GcPacer` keeps the collector's work small and puts the full collection
at a moment of our choosing:

* :meth:`GcPacer.install` collects once and freezes everything alive
  (``gc.freeze``): objects that live for the whole session are never walked
  again;
* automatic collections stay in the young generations (generation 2's
  threshold is out of reach), and generation 0 runs less often;
* :meth:`GcPacer.collect` — called by the core thread when a front end has just
  finished a redraw (and the next is tens of milliseconds away), at most every
  :attr:`GcPacer.every_s` — runs the full collection and freezes again, so each
  one walks only what survived since the previous one.

The price: an object that was alive at a freeze and later becomes part of
unreachable cyclic garbage is not reclaimed (objects freed by reference
counting — nearly all of them — are).  The desk benchmark reports the resident
memory over its run to keep that honest.
"""
from __future__ import annotations

import gc
import time

YOUNG_THRESHOLD = 5_000  # generation 0 (CPython's default is 700)
MIDDLE_THRESHOLD = 10  # generation-0 collections per generation-1 collection (the default)
NEVER = 1_000_000_000  # generation 2: never automatic
FULL_EVERY_S = 2.0


class GcPacer:
    """The collector's settings for a desk process, and the full collections it runs itself."""

    def __init__(self, every_s: float = FULL_EVERY_S, young: int = YOUNG_THRESHOLD) -> None:
        self.every_s = every_s
        self.young = young
        self.installed = False
        self.collections = 0
        self.last_ms = 0.0
        self.max_ms = 0.0
        self.total_ms = 0.0
        self.last_at = time.monotonic()
        self._saved: tuple | None = None

    def install(self) -> "GcPacer":
        """Collect and freeze what is alive now; keep automatic collections young.  Idempotent."""
        if not self.installed:
            self._saved = gc.get_threshold()
            gc.set_threshold(self.young, MIDDLE_THRESHOLD, NEVER)
            self.installed = True
        gc.collect()
        gc.freeze()
        self.last_at = time.monotonic()
        return self

    def uninstall(self) -> None:
        """Back to the thresholds in force before :meth:`install` (frozen objects stay frozen)."""
        if self.installed and self._saved is not None:
            gc.set_threshold(*self._saved)
        self.installed = False

    def due(self, now: float | None = None) -> bool:
        return self.installed and (time.monotonic() if now is None else now) - self.last_at >= self.every_s

    def collect(self) -> float:
        """A full collection now, then freeze the survivors; returns its duration in ms."""
        t0 = time.perf_counter()
        gc.collect()
        gc.freeze()
        ms = (time.perf_counter() - t0) * 1000.0
        self.last_at = time.monotonic()
        self.collections += 1
        self.last_ms = ms
        self.total_ms += ms
        self.max_ms = max(self.max_ms, ms)
        return ms

    def stats(self) -> dict:
        return {"collections": self.collections, "last_ms": round(self.last_ms, 2), "max_ms": round(self.max_ms, 2),
                "total_ms": round(self.total_ms, 1),
                "thresholds": gc.get_threshold()}
