"""The self-contained HTML review report (inline CSS and SVG; no scripts, no network)."""
from __future__ import annotations

import json
import math
import os
import time
from html import escape
from pathlib import Path
from typing import Iterable, Sequence

from controlroom.review import svg
from controlroom.settings import mask_settings_dict
from controlroom.review.analysis import (ALERT_BUCKET_S, LEVEL_RANK, OBSERVED_WINDOW_S, SURGE_HOLD_S, Review,
                                         percentile)

LEVEL_ORDER = ("critical", "warning", "watch", "lost_sales", "feed")

CSS = """
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;--accent:#2563eb;
--bad:#c81e1e;--warn:#b7791f;--good:#0f766e}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",
Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;font-variant-numeric:tabular-nums}
header.top{background:#102a43;color:#fff;padding:22px 32px 18px}
header.top h1{margin:0 0 4px;font-size:22px;font-weight:600;letter-spacing:.2px}
header.top .meta{color:#bcccdc;font-size:13px}
header.top .meta span{margin-right:18px;white-space:nowrap}
main{max-width:1240px;margin:0 auto;padding:20px 32px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px 18px;margin:0 0 18px}
h2{font-size:16px;margin:0 0 4px;font-weight:600}
p.sub{margin:0 0 12px;color:var(--muted);font-size:12.5px}
.kpis{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin:0 0 18px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.kpi .label{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.5px}
.kpi .value{font-size:24px;font-weight:600;margin:2px 0 0}
.kpi .note{color:var(--muted);font-size:12px}
.kpi.bad .value{color:var(--bad)} .kpi.warn .value{color:var(--warn)} .kpi.good .value{color:var(--good)}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.4px;
border-bottom:1px solid var(--line);padding:6px 8px;white-space:nowrap}
td{border-bottom:1px solid #f0f2f5;padding:5px 8px;vertical-align:top}
tbody tr:nth-child(even) td{background:#fafbfc}
td.n,th.n{text-align:right;white-space:nowrap}
td.t{white-space:nowrap}
td.name{max-width:210px}
td.name small{display:block;color:var(--muted);font-size:11.5px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.scroll{overflow-x:auto}
table.compact td{padding:4px 5px;font-size:12.5px}
table.compact th{padding:5px 5px;font-size:10.5px;letter-spacing:.2px}
table.compact td.name{max-width:150px}
.rel{color:var(--muted);font-size:11px;margin-left:4px}
.pill{display:inline-block;padding:0 7px;border-radius:9px;font-size:11.5px;font-weight:600;line-height:18px}
.pill.critical,.pill.miss,.pill.false,.pill.fail{background:#fde8e8;color:#9b1c1c}
.pill.warning{background:#fef3c7;color:#8a5a00}
.pill.watch{background:#e0ebff;color:#1e40af}
.pill.ok,.pill.good{background:#def7ec;color:#03543f}
.pill.feed{background:#f3e8ff;color:#6b21a8}
.pill.lost_sales{background:#ffedd5;color:#9a3412}
.pill.muted{background:#eef0f3;color:#52606d}
.grid{display:grid;grid-template-columns:repeat(4,1fr);gap:10px 14px}
.mult{border:1px solid var(--line);border-radius:6px;padding:6px 8px 2px}
.mult .h{display:flex;justify-content:space-between;align-items:baseline;gap:6px;font-size:12.5px}
.mult .h b{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.mult .h span{color:var(--muted);font-size:11.5px;white-space:nowrap}
svg.chart{display:block;width:100%;height:auto;font-size:10px}
svg .tick{fill:#7b8794;font-size:10px}
svg .val{fill:#52606d;font-size:10px}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--muted);font-size:12px;margin:6px 0 0}
.legend i{display:inline-block;width:12px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.empty{color:var(--muted);font-style:italic}
details summary{cursor:pointer;color:var(--accent)}
pre{background:#f5f7fa;border:1px solid var(--line);border-radius:6px;padding:10px;font-size:12px;overflow:auto;max-height:420px}
footer{color:var(--muted);font-size:12px;max-width:1240px;margin:0 auto;padding:0 32px 30px}
footer dt{font-weight:600;color:var(--ink);margin-top:6px}
footer dd{margin:0 0 0 0}
@media print{body{background:#fff}section,.kpi{break-inside:avoid}}
@media (max-width:1000px){.kpis{grid-template-columns:repeat(2,1fr)}.grid{grid-template-columns:repeat(2,1fr)}.two{grid-template-columns:1fr}}
"""


# ------------------------------------------------------------------------------------ formatting

def money(cents: float | None) -> str:
    if cents is None:
        return "—"
    return f"{cents / 100:,.2f}"


def num(v: float | None, digits: int = 0) -> str:
    if v is None:
        return "—"
    return f"{v:,.{digits}f}"


def dur(s: float | None) -> str:
    """Seconds as '45 s', '4 min 05 s', '1 h 02 min'."""
    if s is None or not math.isfinite(s):
        return "—"
    neg = s < 0
    s = abs(s)
    if s < 60:
        out = f"{s:.0f} s" if s >= 10 else f"{s:.1f} s"
    elif s < 3600:
        r = int(round(s))
        out = f"{r // 60} min {r % 60:02d} s"
    else:
        m = int(round(s / 60))
        out = f"{m // 60} h {m % 60:02d} min"
    return "−" + out if neg else out


def rel(ts: float | None, t0: float | None) -> str:
    if ts is None or t0 is None:
        return ""
    d = ts - t0
    sign = "+" if d >= 0 else "−"
    d = abs(d)
    return f"{sign}{int(d // 3600)}:{int(d % 3600 // 60):02d}:{int(d % 60):02d}"


def when(ts: float | None, t0: float | None = None) -> str:
    if ts is None or not math.isfinite(ts):
        return "—"
    r = rel(ts, t0)
    return f"{svg.clock(ts, True)}" + (f'<span class="rel">{r}</span>' if r else "")


def pill(text: str, cls: str) -> str:
    return f'<span class="pill {escape(cls)}">{escape(text)}</span>'


def table(head: Sequence[tuple[str, str]], rows: Iterable[Sequence[str]], empty: str = "None.",
          cls: str = "") -> str:
    """``head``: (title, css class) pairs; cells are already-escaped HTML."""
    rows = list(rows)
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'
    th = "".join(f'<th class="{c}">{escape(h)}</th>' for h, c in head)
    body = "".join("<tr>" + "".join(f'<td class="{head[i][1]}">{cell}</td>' for i, cell in enumerate(r)) + "</tr>"
                   for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def kpi(label: str, value: str, note: str = "", tone: str = "") -> str:
    return (f'<div class="kpi {tone}"><div class="label">{escape(label)}</div><div class="value">{value}</div>'
            f'<div class="note">{note}</div></div>')


# ------------------------------------------------------------------------------------ pieces

def _level_bands(samples: list[tuple]) -> list[tuple[float, float, str]]:
    bands = []
    cur, start, last = None, None, None
    for r in samples:
        ts, level = r[0], r[6]
        lv = level if level in ("watch", "warning", "critical") else None
        if lv != cur:
            if cur is not None:
                bands.append((start, ts, cur))
            cur, start = lv, ts
        last = ts
    if cur is not None and last is not None:
        bands.append((start, last, cur))
    return bands


def _burn_downs(rv: Review) -> str:
    st = rv.stock
    t0, t1 = st.t0, st.t1
    if t0 is None or t1 is None:
        return '<p class="empty">No events.</p>'
    so_by: dict[str, list[float]] = {}
    for so in rv.alerts.sellouts:
        so_by.setdefault(so.sku, []).append(so.ts)
    warn_by: dict[str, list[tuple[float, str]]] = {}
    span_bands: dict[str, list[tuple[float, float, str]]] = {}
    for sp in rv.alerts.spans:
        if sp.sku is None:
            continue
        warn_by.setdefault(sp.sku, []).append((sp.start, sp.level))
        span_bands.setdefault(sp.sku, []).append((sp.start, sp.end if sp.end is not None else t1, sp.level))
    order = sorted(st.skus.values(), key=lambda s: (-(s.sellouts > 0), -LEVEL_RANK.get(s.peak_level, 0),
                                                     -s.units_ordered, s.sku))
    cells = []
    for s in order:
        # the line is the exact stock from the events; the level bands come from the samples
        series = [(t0, s.start_available)] + st.series.get(s.sku, [])
        rows = rv.samples.get(s.sku)
        bands = _level_bands(rows) if rows else span_bands.get(s.sku, [])
        ymax = max([v for _, v in series] + [s.start_available, 1])
        chart = svg.burn_down(series, t0, t1, width=290, height=118, ymax=ymax, bands=bands,
                              frozen=st.frozen_spans.get(s.sku, []), sellouts=so_by.get(s.sku, []),
                              warnings=warn_by.get(s.sku, []), label=f"{s.sku} available stock")
        status = (pill("sold out", "critical") if s.final_available <= 0 else
                  f"{s.final_available:,} left")
        cells.append(f'<div class="mult"><div class="h"><b title="{escape(s.name)}">{escape(s.sku)} · '
                     f'{escape(s.name)}</b><span>{escape(s.tier)} · {status}</span></div>{chart}</div>')
    legend = ('<div class="legend"><span><i style="background:#2563eb"></i>available stock</span>'
              '<span><i style="background:#f0b429;opacity:.5"></i>warning</span>'
              '<span><i style="background:#e12d39;opacity:.5"></i>critical</span>'
              '<span><i style="background:#5c8ae6;opacity:.5"></i>watch</span>'
              '<span><i style="background:repeating-linear-gradient(45deg,#9aa5b1 0 2px,#fff 2px 4px)"></i>frozen</span>'
              '<span><i style="background:none;border-left:2px dashed #e12d39;width:4px"></i>sell-out</span>'
              '<span>▼ first firing of a warning span</span></div>')
    return f'<div class="grid">{"".join(cells)}</div>{legend}'


def _cum_gmv(rv: Review) -> list[tuple[float, float]]:
    st = rv.stock
    if st.t0 is None:
        return []
    acc = 0.0
    out = [(st.t0, 0.0)]
    for m in sorted(st.minute_gmv):
        acc += st.minute_gmv[m]
        out.append((st.t0 + (m + 1) * 60, acc))
    return out


def render_html(rv: Review, title: str | None = None) -> str:
    st, al = rv.stock, rv.alerts
    tot = rv.totals()
    t0, t1 = st.t0, st.t1
    title = title or f"Session review — {rv.room}"
    date = time.strftime("%a %d %b %Y", time.localtime(t0)) if t0 else "no events"
    tz = time.strftime("%Z", time.localtime(t0 or time.time()))
    restarts = len(rv.segments) - 1
    meta = [f"<span>{escape(date)}</span>",
            f"<span>{when(t0)} – {when(t1)} {escape(tz)} (shop clock)</span>",
            f"<span>{dur(rv.duration_s)} of show</span>",
            f"<span>{st.events:,} events · {len(st.skus)} SKUs</span>",
            f"<span>app {escape(str(rv.app_version or '?'))}</span>",
            f"<span>{restarts} restart{'s' if restarts != 1 else ''}</span>" if restarts else "",
            f"<span>{escape(os.path.basename(rv.path))}</span>"]

    lat = rv.latencies_ms
    n_so = len(al.sellouts)
    sold_out_skus = len({s.sku for s in al.sellouts})
    kpis = [
        kpi("GMV", money(st.gmv_cents), f"gross {money(st.gross_gmv_cents)} before cancels"),
        kpi("Units sold", num(st.units_sold), f"{st.orders:,} orders · {st.cancelled_units:,} units cancelled"),
        kpi("Sell-outs", num(n_so), f"{sold_out_skus} SKUs · {al.misses} missed",
            "bad" if al.misses else ("good" if n_so else "")),
        kpi("Median lead time", dur(al.median_lead_s),
            f"shortest {dur(min(al.lead_times))}" if al.lead_times else "no warned sell-out"),
        kpi("False warnings", num(al.false_warnings),
            f"of {len(al.spans)} warning spans" + (f" · {al.open_at_end} open at end" if al.open_at_end else ""),
            "warn" if al.false_warnings else ""),
        kpi("Problems shown / 10 min", num(tot["episodes_per_10min"], 1),
            f"{tot['episodes']} episodes (one per problem, as the desk showed them)",
            "warn" if tot["episodes_per_10min"] > 1 else ""),
        kpi("Alerts / 10 min", num(al.per_10min, 1),
            f"{len(al.fired)} fired · busiest 10 min: {tot['alerts_per_10min_max']}"),
        kpi("Oversold units", num(st.oversold_units), "cancelled by the shop as oversold",
            "bad" if st.oversold_units else "good"),
        kpi("Est. lost sales", money(tot["lost_gmv_cents_est"]),
            f"{tot['lost_units_est']:,.1f} units while sold out or frozen", "warn" if tot["lost_units_est"] else ""),
        kpi("Actions", num(len(rv.actions)),
            (f"ack p50 {percentile(lat, 50):,.0f} ms · p95 {percentile(lat, 95):,.0f} ms" if lat else "no acks")
            + (f" · {tot['actions_failed']} failed" if tot["actions_failed"] else "")),
        kpi("Feed incidents", num(len(rv.incidents)), f"{tot['rejects']:,} rejected messages",
            "warn" if rv.incidents else ""),
    ]

    # -- sales chart
    sales = ""
    if t0 is not None and t1 is not None:
        sales = svg.sales_chart(st.minute_units, _cum_gmv(rv), t0, t1,
                                sellouts=[(s.ts, s.sku) for s in al.sellouts], width=1170, height=220,
                                label="units per minute and cumulative GMV")
    sales_legend = ('<div class="legend"><span><i style="background:#60a5fa"></i>units ordered per minute (left)</span>'
                    '<span><i style="background:#0f766e"></i>cumulative gross GMV (right)</span>'
                    '<span><i style="background:none;border-left:2px dashed #e12d39;width:4px"></i>sell-out</span></div>')

    # -- sell-outs
    names = {k: s.name for k, s in st.skus.items()}
    so_rows = []
    for so in al.sellouts:
        so_rows.append([
            f'<b>{escape(so.sku)}</b><small>{escape(names.get(so.sku, ""))}</small>',
            when(so.ts, t0),
            when(so.ended_ts, t0) if so.ended_ts is not None else pill("still sold out", "muted"),
            dur(so.duration_s),
            when(so.warned_ts, t0) if so.warned_ts is not None else "—",
            (dur(so.lead_s) if so.lead_s is not None else pill("miss", "miss")),
        ])
    so_table = table([("SKU", "name"), ("sold out", "t"), ("back in stock", "t"), ("sold out for", "n"),
                      ("first warned", "t"), ("lead time", "n")], so_rows, "No SKU sold out.")

    sp_rows = []
    outcome_cls = {"sold out": "good", "acted": "ok", "false": "false", "after sell-out": "muted",
                   "open at end": "muted", "open": "muted"}
    for sp in al.spans:
        sp_rows.append([
            f"<b>{escape(str(sp.sku))}</b>",
            when(sp.start, t0),
            when(sp.end, t0) if sp.end is not None else pill("still on", "muted"),
            pill(sp.level, sp.level),
            escape(f"{sp.acked_by or '?'} at {svg.clock(sp.acked_ts, True)}") if sp.acked_ts is not None else "—",
            pill(sp.outcome, outcome_cls.get(sp.outcome, "muted"))
            + (f'<span class="rel">sold out {dur(sp.sellout_ts - sp.start)} later</span>'
               if sp.sellout_ts is not None else ""),
            escape(", ".join(sp.actions)) or "—",
        ])
    sp_table = table([("SKU", ""), ("from", "t"), ("to", "t"), ("level", ""), ("acknowledged", ""),
                      ("outcome", ""), ("commands during", "")], sp_rows, "No warning or critical alert fired.")

    # -- alerts per 10 minutes
    alerts_chart = ""
    if t0 is not None and t1 is not None:
        alerts_chart = svg.bars_over_time(rv.buckets, ALERT_BUCKET_S, t0, max(t1, t0 + ALERT_BUCKET_S),
                                          order=LEVEL_ORDER, colors=svg.LEVEL_COLORS, width=1170, height=170,
                                          label="alerts per 10 minutes")
    alerts_legend = '<div class="legend">' + "".join(
        f'<span><i style="background:{svg.LEVEL_COLORS[k]}"></i>{k.replace("_", " ")}</span>' for k in LEVEL_ORDER) + "</div>"

    # -- per-SKU summary
    sku_rows = []
    for s in sorted(st.skus.values(), key=lambda s: (-s.gmv_cents, s.sku)):
        sku_rows.append([
            f'<b>{escape(s.sku)}</b><small title="{escape(s.name)}">{escape(s.name)}</small>', escape(s.tier),
            num(s.start_available), num(s.units_sold), num(s.orders), money(s.gmv_cents),
            num(s.oversold_units) if s.oversold_units else "—",
            num(s.final_available), svg.clock(s.first_sellout_ts, True) if s.first_sellout_ts is not None else "—",
            dur(s.sold_out_s) if s.sold_out_s else "—", dur(s.frozen_s) if s.frozen_s else "—",
            (f"{s.warnings}" + (f' <span class="rel">{s.false_warnings} false</span>' if s.false_warnings else ""))
            if s.warnings else "—",
            dur(s.first_lead_s) if s.first_lead_s is not None else (pill("miss", "miss") if s.misses else "—"),
            pill(s.peak_level, s.peak_level),
            num(s.lost_units, 1) if s.lost_units else "—",
        ])
    sku_table = table([("SKU", "name"), ("tier", ""), ("start", "n"), ("sold", "n"), ("orders", "n"),
                       ("GMV", "n"), ("oversold", "n"), ("final", "n"), ("first sell-out", "t"),
                       ("sold out", "n"), ("frozen", "n"), ("warnings", "n"), ("lead", "n"),
                       ("peak", ""), ("lost units", "n")], sku_rows, "No SKUs.", cls="compact")

    # -- lost sales
    lost_rows = []
    for u in rv.lost:
        lost_rows.append([f"<b>{escape(u.sku)}</b>", escape(u.kind), when(u.start, t0), when(u.end, t0),
                          dur(u.duration_s), num(u.rate_per_min, 2),
                          {"sample": "engine rate", "observed": "observed 5 min", "none": "no data"}[u.rate_source],
                          num(u.avg_rate_per_min, 2) if u.duration_s > SURGE_HOLD_S else "—",
                          num(u.lost_units, 1), money(u.lost_cents)])
    lost_table = table([("SKU", ""), ("why", ""), ("from", "t"), ("to", "t"), ("for", "n"), ("rate before /min", "n"),
                        ("rate source", ""), ("then /min", "n"), ("lost units", "n"), ("lost GMV", "n")], lost_rows,
                       "No SKU was sold out or frozen.")

    # -- actions
    act_rows = []
    for a in rv.actions:
        okc = pill("ok", "ok") if a.ok else (pill("failed", "fail") if a.ok is False else pill("unknown", "muted"))
        act_rows.append([when(a.ts, t0), f"<b>{escape(str(a.sku))}</b>", escape(str(a.op)),
                         num(a.qty) if a.qty is not None else "—", escape(str(a.origin or "—")),
                         escape(str(a.operator or "—")), okc,
                         num(a.latency_ms, 0) if a.latency_ms is not None else "—", escape(a.error or "")])
    act_table = table([("time", "t"), ("SKU", ""), ("command", ""), ("qty", "n"), ("origin", ""), ("by", ""),
                       ("result", ""), ("ack ms", "n"), ("error", "")], act_rows, "No commands were sent.")
    lat_chart = (f'<div style="max-width:560px">{svg.latency_strip(lat, width=560, height=70, label="acknowledgement latency")}</div>'
                 if lat else "")

    # -- feed
    inc_rows = []
    for i in rv.incidents:
        inc_rows.append([when(i.ts),
                         pill(i.state, "feed" if i.state != "restart" else "warning"),
                         dur(i.duration_s) if i.duration_s is not None else "—", escape(i.detail)])
    inc_table = table([("time (wall clock)", "t"), ("state", ""), ("lasted", "n"), ("detail", "")], inc_rows,
                      "The feed stayed live the whole session.")
    rej_table = table([("reason", ""), ("messages", "n")],
                      [[escape(k), num(v)] for k, v in rv.rejects.items()], "Nothing was rejected.")

    # masked for display: a log written before credentials were masked still holds them
    settings_json = escape(json.dumps(mask_settings_dict(rv.settings), indent=2, sort_keys=True))
    changes = "".join(f"<li>{when(c['ts'])} by {escape(str(c['by']))}</li>" for c in rv.settings_changes)

    body = f"""
<header class="top"><h1>{escape(title)}</h1><div class="meta">{''.join(meta)}</div></header>
<main>
<div class="kpis">{''.join(kpis)}</div>
<section><h2>Sales</h2><p class="sub">Units ordered per minute and cumulative gross GMV over the show.</p>{sales}{sales_legend}</section>
<section><h2>Sell-outs and warning lead time</h2>
<p class="sub">Each time a SKU's available stock reached zero, and how long before that a warning or critical alert was already firing. A sell-out no warning covered is a miss.</p>{so_table}</section>
<section><h2>Warning spans</h2><p class="sub">Warning and critical alerts of a SKU, merged into spans. Sold out: the SKU sold out within twice its tier's forecast window; acted: it did not, but a freeze, restock, exposure or delist command succeeded during the span; false: neither; open at end: the show ended before twice the window had passed and the SKU had not sold out, so nothing in the log proves it right or wrong ({al.open_at_end} such span{'s' if al.open_at_end != 1 else ''}, not counted as false).</p>{sp_table}</section>
<section><h2>Alerts per 10 minutes</h2><p class="sub">Alert instances that started firing, by level: {num(al.per_10min, 1)} per 10 minutes on average for one operator, {len(al.fired)} in all.</p>{alerts_chart}{alerts_legend}</section>
<section><h2>Stock burn-down per SKU</h2><p class="sub">Available stock over the show from the events (same time axis, each SKU on its own scale), shaded by the alert level the engine sampled each second; sold-out SKUs first.</p>{_burn_downs(rv)}</section>
<section><h2>Per-SKU summary</h2><p class="sub">Sorted by GMV. Sold out and frozen: total time; lead: warning lead time of the first sell-out; lost units: the estimate below.</p><div class="scroll">{sku_table}</div></section>
<section><h2>Estimated lost sales</h2><p class="sub">While a SKU was sold out or frozen, at list price: the first {SURGE_HOLD_S / 60:.0f} minutes at the order rate just before (the engine's rate from the last sample; without samples, the units ordered in the {OBSERVED_WINDOW_S / 60:.0f} minutes before), the rest at the SKU's average rate while on sale. An estimate: buyers who switched SKU are not netted out.</p>{lost_table}</section>
<section><h2>Actions</h2><p class="sub">Commands sent to the shop, operator and automatic, with the time from first send to the shop's acknowledgement.</p>{lat_chart}{act_table}</section>
<section class="two"><div><h2>Feed incidents</h2><p class="sub">Stale feed, gaps, resyncs, stock drift, restarts of the control room.</p>{inc_table}</div>
<div><h2>Rejected messages</h2><p class="sub">Messages or events the control room refused, by reason.</p>{rej_table}</div></section>
<section><h2>Settings</h2><p class="sub">The settings the session started with{', changed live ' + str(len(rv.settings_changes)) + ' time(s)' if rv.settings_changes else ''}.</p>
{'<ul>' + changes + '</ul>' if changes else ''}<details><summary>Show all settings</summary><pre>{settings_json}</pre></details></section>
</main>
<footer><dl>
<dt>Times</dt><dd>Shop clock, local time ({escape(tz)}); +h:mm:ss is the time since the first event.</dd>
<dt>GMV</dt><dd>Orders at their price minus cancelled units at list price, as the desk counts it.</dd>
<dt>Lead time, misses, false warnings, alerts per 10 minutes</dt><dd>As defined in controlroom.review.metrics (docs/session-log.md, “Review numbers”).</dd>
<dt>Source</dt><dd>{escape(rv.path)} · schema v{rv.file_version}{' (migrated)' if rv.file_version != 1 else ''} · {st.events:,} events, {rv.counts.get('samples', 0):,} samples, {rv.transitions:,} alert transitions · generated {escape(time.strftime('%Y-%m-%d %H:%M'))} by controlroom review</dd>
</dl></footer>
"""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}</body></html>")


def write_report(rv: Review, out: str | os.PathLike, title: str | None = None) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(render_html(rv, title), encoding="utf-8")
    os.replace(tmp, out)
    return out

