"""Per-SKU stock history for charts: compact, append-only, safe to read from any thread."""
from __future__ import annotations

import threading
from typing import Iterable

import numpy as np

KEEP_EVERY_S = 10.0  # an unchanged value is still recorded this often, so charts reach "now"
# How much shop time a series keeps: the desk draws the last 30 minutes (ui.desk.chart_parts.HISTORY_S),
# plus 100 s of margin; the session log keeps the whole show.  Older samples are dropped when the
# buffer fills, so a 4-hour show holds no more than this per SKU (bounded memory, and bounded
# history frames).  At most one sample per shop-second (the core's tick), so a series that changes
# every second fits a 2,048-sample buffer (32 kB): 500 such SKUs hold 16 MB.  (An hour, with the
# buffer doubled whenever compaction would free less than a quarter, held 8,192 samples
# a SKU: 65 MB for 500.)
HORIZON_S = 1900.0
COMPACT_FREES = 16  # compact in place when that frees 1/16 of the buffer (a 32 kB move per 128 samples)


class _Series:
    __slots__ = ("ts", "val", "n", "last_ts", "last_val")

    def __init__(self, capacity: int = 256) -> None:
        self.ts = np.empty(capacity, dtype=np.float64)
        self.val = np.empty(capacity, dtype=np.float64)
        self.n = 0
        self.last_ts = -1e18
        self.last_val = None

    def add(self, ts: float, val: float) -> None:
        if val == self.last_val and ts - self.last_ts < KEEP_EVERY_S:
            return
        if self.n == len(self.ts) and not self._drop_older(ts - HORIZON_S):
            # grow by doubling (amortised O(1)) only while the horizon's samples fill the buffer
            self.ts = np.concatenate([self.ts, np.empty_like(self.ts)])
            self.val = np.concatenate([self.val, np.empty_like(self.val)])
        self.ts[self.n] = ts
        self.val[self.n] = val
        self.n += 1
        self.last_ts = ts
        self.last_val = val

    def _drop_older(self, cutoff: float) -> bool:
        """Drop the samples before ``cutoff`` (keeping the last one before it, so a chart's line
        starts at the horizon) if that frees at least 1/16 of the buffer; say whether it did."""
        k = int(np.searchsorted(self.ts[: self.n], cutoff)) - 1
        if k < len(self.ts) // COMPACT_FREES:
            return False
        keep = self.n - k
        self.ts[:keep] = self.ts[k: self.n]
        self.val[:keep] = self.val[k: self.n]
        self.n = keep
        return True


class SkuHistory:
    """(ts, available) per SKU, recorded on change (and every 10 s), in shop time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[str, _Series] = {}

    def ensure(self, skus: Iterable[str]) -> None:
        """Make room for these SKUs."""
        with self._lock:
            for s in skus:
                self._series.setdefault(s, _Series())

    def add(self, sku: str, ts: float, available: float) -> None:
        """Record one sample (core thread)."""
        s = self._series.get(sku)
        if s is None:
            with self._lock:
                s = self._series.setdefault(sku, _Series())
        if s.last_val == available and ts - s.last_ts < KEEP_EVERY_S:
            return
        with self._lock:
            s.add(ts, available)

    def get(self, sku: str) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the samples of ``sku`` (empty arrays when unknown)."""
        with self._lock:
            s = self._series.get(sku)
            if s is None or s.n == 0:
                return np.empty(0), np.empty(0)
            return s.ts[: s.n].copy(), s.val[: s.n].copy()

    def sparklines(self, now: float, span_s: float = 1800.0, points: int = 60) -> dict[str, tuple[float, ...]]:
        """Every SKU's value on a regular grid over the last ``span_s`` (step-wise)."""
        grid = np.linspace(now - span_s, now, points)
        out = {}
        with self._lock:
            for sku, s in self._series.items():
                if s.n == 0:
                    continue
                ts = s.ts[: s.n]
                idx = np.searchsorted(ts, grid, side="right") - 1
                vals = s.val[: s.n][np.clip(idx, 0, None)]
                vals = np.where(idx < 0, np.nan, vals)
                out[sku] = tuple(vals.tolist())
        return out
