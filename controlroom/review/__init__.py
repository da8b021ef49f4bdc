"""After the show: review report, CSV export, backtest and tuning from a session log (Qt-free)."""
from controlroom.review.analysis import Review, build_review
from controlroom.review.cli import backtest_main, report_main, tune_main

__all__ = ["Review", "build_review", "report_main", "backtest_main", "tune_main"]
