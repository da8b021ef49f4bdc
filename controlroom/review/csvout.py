"""CSV export of the review numbers (``controlroom review FILE --csv DIR``).

One file per table, UTF-8, comma-separated, a header row, times as unix
seconds (shop clock) and money in cents, so spreadsheets can recompute
anything the HTML report shows.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

from controlroom.review.analysis import Review

FILES = ("summary.csv", "skus.csv", "sellouts.csv", "warning_spans.csv", "alerts_per_10min.csv",
         "lost_sales.csv", "actions.csv", "feed_incidents.csv", "rejects.csv")


def _r(v, digits: int = 3):
    return round(v, digits) if isinstance(v, float) else v


def _write(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else _r(v) for v in r])


def write_csv(rv: Review, outdir: str | os.PathLike) -> list[Path]:
    """Write every CSV of :data:`FILES` into ``outdir``; returns their paths."""
    d = Path(outdir)
    d.mkdir(parents=True, exist_ok=True)
    st, al = rv.stock, rv.alerts
    _write(d / "summary.csv", ["metric", "value"], rv.totals().items())
    _write(d / "skus.csv",
           ["sku", "name", "tier", "price_cents", "start_available", "final_available", "orders", "units_ordered",
            "units_sold", "gmv_cents", "cancelled_units", "oversold_units", "sellouts", "first_sellout_ts",
            "sold_out_s", "frozen_s", "warning_spans", "false_warnings", "misses", "first_lead_s", "peak_level",
            "lost_units_est", "lost_gmv_cents_est"],
           ([s.sku, s.name, s.tier, s.price_cents, s.start_available, s.final_available, s.orders, s.units_ordered,
             s.units_sold, s.gmv_cents, s.cancelled_units, s.oversold_units, s.sellouts, s.first_sellout_ts,
             s.sold_out_s, s.frozen_s, s.warnings, s.false_warnings, s.misses, s.first_lead_s, s.peak_level,
             s.lost_units, s.lost_cents] for s in st.skus.values()))
    _write(d / "sellouts.csv", ["sku", "sellout_ts", "back_in_stock_ts", "sold_out_s", "warned_ts", "lead_s", "missed"],
           ([s.sku, s.ts, s.ended_ts, s.duration_s, s.warned_ts, s.lead_s, int(s.missed)] for s in al.sellouts))
    _write(d / "warning_spans.csv", ["sku", "start_ts", "end_ts", "level", "alert_keys", "acked_ts", "acked_by",
                                     "outcome", "sellout_ts", "commands_during"],
           ([s.sku, s.start, s.end, s.level, " ".join(s.keys), s.acked_ts, s.acked_by, s.outcome, s.sellout_ts,
             "; ".join(s.actions)] for s in al.spans))
    levels = sorted({k for _, dd in rv.buckets for k in dd})
    _write(d / "alerts_per_10min.csv", ["bucket_start_ts", "total", *levels],
           ([t, sum(dd.values()), *[dd.get(k, 0) for k in levels]] for t, dd in rv.buckets))
    _write(d / "lost_sales.csv", ["sku", "start_ts", "end_ts", "duration_s", "sold_out", "frozen", "rate_per_min",
                                  "rate_source", "avg_rate_per_min", "lost_units_est", "lost_gmv_cents_est"],
           ([u.sku, u.start, u.end, u.duration_s, int(u.sold_out), int(u.frozen), u.rate_per_min, u.rate_source,
             u.avg_rate_per_min, u.lost_units, u.lost_cents] for u in rv.lost))
    _write(d / "actions.csv", ["ts", "sku", "op", "qty", "origin", "operator", "command_id", "sent_at", "acked_at",
                               "ok", "latency_ms", "error"],
           ([a.ts, a.sku, a.op, a.qty, a.origin, a.operator, a.command_id, a.sent_at, a.acked_at,
             None if a.ok is None else int(a.ok), a.latency_ms, a.error] for a in rv.actions))
    _write(d / "feed_incidents.csv", ["ts", "state", "duration_s", "detail"],
           ([i.ts, i.state, i.duration_s, i.detail] for i in rv.incidents))
    _write(d / "rejects.csv", ["reason", "count"], rv.rejects.items())
    return [d / f for f in FILES]
