"""The consumption-rate engine (Qt-free): burn rates, change detection, forecasts, tiers.

``Engine(settings, mirror)`` is the entry point; see ``docs/engine.md``.
"""
from controlroom.engine.core import Engine
from controlroom.engine.forecast import Forecast

__all__ = ["Engine", "Forecast"]
