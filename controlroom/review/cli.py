"""Entry points of the review verbs (``controlroom review / backtest / tune``), headless.

``controlroom.cli`` dispatches ``review``, ``backtest`` and ``tune`` to
:func:`report_main`, :func:`backtest_main` and :func:`tune_main` with the
arguments after the verb; each returns a process exit code.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from controlroom.log.schema import LogFormatError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def summary_lines(rv) -> list[str]:
    """The headline numbers as plain text (printed by ``controlroom review``)."""
    from controlroom.review.report import dur, money

    t = rv.totals()
    al = rv.alerts
    p50 = "—" if t["ack_latency_p50_ms"] is None else f"{t['ack_latency_p50_ms']:.0f} ms"
    return [
        f"room {rv.room}: {dur(rv.duration_s)} of show, {t['events']:,} events, {t['skus']} SKUs",
        f"GMV {money(t['gmv_cents'])} (gross {money(t['gross_gmv_cents'])}), {t['units_sold']:,} units sold, "
        f"{t['orders']:,} orders",
        f"sell-outs {t['sellouts']}, misses {t['misses']}, median lead time {dur(al.median_lead_s)}",
        f"warning spans {t['warning_spans']}, false warnings {t['false_warnings']}, "
        f"open at end {t['open_at_end']}, "
        f"problems shown per 10 min {t['episodes_per_10min']:.1f} ({t['episodes']} episodes), "
        f"alerts per 10 min {t['alerts_per_10min']:.1f} ({t['alerts_fired']} fired)",
        f"oversold units {t['oversold_units']}, estimated lost sales {t['lost_units_est']:,.1f} units "
        f"= {money(t['lost_gmv_cents_est'])}",
        f"actions {t['actions']} ({t['actions_failed']} failed), ack latency p50 {p50}",
        f"feed incidents {t['feed_incidents']}, rejects {t['rejects']}, segments {t['segments']}",
    ]


def report_main(argv: Sequence[str] | None = None,
                window: Callable[[list[str], str | None], int] | None = None) -> int:
    """``controlroom review FILE [--report out.html] [--csv DIR]``; with neither, the review window.

    The log is opened read-only and never changed (:mod:`controlroom.review.logfile`); a file
    that is no readable session log gets one line on stderr and exit code 1.
    """
    ap = argparse.ArgumentParser(prog="controlroom review",
                                 description="Review a session log: headline numbers, HTML report, CSV export.")
    ap.add_argument("file", help="session log (.sqlite)")
    ap.add_argument("--report", metavar="OUT.html", help="write a self-contained HTML report")
    ap.add_argument("--csv", metavar="DIR", help="write the report's tables as CSV files into DIR")
    ap.add_argument("--title", help="report title (default: 'Session review — <room>')")
    ap.add_argument("-q", "--quiet", action="store_true", help="do not print the summary")
    ap.add_argument("--summary", action="store_true", help="print the headline numbers only (no window)")
    ap.add_argument("--lang", default=None, help="window language: zh_CN or en (default: system)")
    args = ap.parse_args(argv)
    if window is not None and not (args.report or args.csv or args.summary or args.quiet):
        return window([args.file], args.lang)  # the front end's review window (the core has no Qt)
    import sqlite3

    from controlroom.review.analysis import build_review
    from controlroom.review.csvout import write_csv
    from controlroom.review.logfile import open_for_review
    from controlroom.review.report import write_report

    try:
        rv = _from_summary(args.file) if not (args.report or args.csv) else None
        if rv is None:
            with open_for_review(args.file) as reader:
                rv = build_review(reader)
    except (FileNotFoundError, LogFormatError) as e:
        print(f"controlroom review: {_one_line(e)}", file=sys.stderr)
        return EXIT_ERROR
    except sqlite3.DatabaseError as e:
        print(f"controlroom review: {args.file}: corrupt log ({_one_line(e)})", file=sys.stderr)
        return EXIT_ERROR
    if not args.quiet:
        print("\n".join(summary_lines(rv)))
    if args.report:
        p = write_report(rv, args.report, args.title)
        if not args.quiet:
            print(f"report: {p}")
    if args.csv:
        files = write_csv(rv, args.csv)
        if not args.quiet:
            print(f"csv: {len(files)} files in {args.csv}")
    return EXIT_OK


def _from_summary(path: str):
    """The review from the writer's per-minute summary, as the review window opens it, or None
    when the log's summary does not cover every event (then every event is replayed).

    The headline numbers are the same either way (``tests/test_review_summary.py``); reading the
    summary grows with the show's minutes, replaying grows with its events (~9 µs of CPU an
    event: ``docs/benchmarks.md``, "Replay under contention; loading a log for review").  The HTML
    report and the CSV files still replay every event: their per-SKU stock curves and order
    logs are exact to the event, the summary's to the minute."""
    from controlroom.log.summary import summary_complete
    from controlroom.review.logfile import open_for_review
    from controlroom.review.overview import open_overview

    with open_for_review(path) as reader:
        if not summary_complete(reader.conn):
            return None
    ov = open_overview(path)
    try:
        return ov.review
    finally:
        ov.close()


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())


def backtest_main(argv: Sequence[str] | None = None) -> int:
    """``controlroom backtest FILE --config other.toml``."""
    from controlroom.review.backtest import main

    return main(argv)


def tune_main(argv: Sequence[str] | None = None) -> int:
    """``controlroom tune FILE``."""
    from controlroom.review.tune import main

    return main(argv)
