"""controlroom: the live-stream stock control room core (Qt-free)."""

__version__ = "0.1.0"
