"""What the engine's rule functions read from the engine: a structural type, below every engine module.

:mod:`controlroom.engine.predict` and :mod:`controlroom.engine.rules` are plain functions that take
the engine as their first argument. They name its shape here rather than importing
:class:`~controlroom.engine.core.Engine`, which itself imports them (that was an import cycle).
"""
from __future__ import annotations

from typing import Protocol

from controlroom.alerts.state import AlertBook
from controlroom.engine.band import BandCalibrator
from controlroom.engine.sku import RoomModel
from controlroom.feed.mirror import StockMirror
from controlroom.settings import EngineSettings


class EngineState(Protocol):
    """The engine's state that predictions and alert rules read (and the actions list they append to)."""

    mirror: StockMirror
    book: AlertBook
    room: RoomModel
    start_ts: float | None
    _actions: list[dict]
    band: BandCalibrator
    _band_sample: bool
    _e: EngineSettings
    _policy: str
    _scales: tuple
    _tau_d: float
    _tail: float
    _off_scales: tuple[float, float, float]
    _fade: float
    _min_rem: float
    _feat_prior: float
