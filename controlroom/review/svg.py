"""Small inline-SVG chart helpers for the review report (no JS, no network).

Every function returns an ``<svg>`` string sized in CSS pixels, with a
``viewBox`` so it scales with the page.  Long series are reduced to at most a
few points per horizontal pixel with a min/max envelope, so the shape (and
every sharp drop) survives while the file stays small.
"""
from __future__ import annotations

import math
import time
from html import escape
from typing import Iterable, Sequence

PALETTE = {
    "ink": "#1f2933", "muted": "#7b8794", "grid": "#e4e7eb", "axis": "#9aa5b1",
    "line": "#2563eb", "fill": "#dbeafe", "ok": "#3ebd93", "watch": "#5c8ae6",
    "warning": "#f0b429", "critical": "#e12d39", "feed": "#8e44ad", "lost_sales": "#b44d12",
    "frozen": "#9aa5b1", "soldout": "#e12d39", "gmv": "#0f766e", "bar": "#60a5fa",
}
LEVEL_COLORS = {k: PALETTE[k] for k in ("watch", "warning", "critical", "feed", "lost_sales")}


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if math.isfinite(x) else "0"


def nice_step(span: float, target: int = 5) -> float:
    """A 1/2/5 x 10^k step that cuts ``span`` into about ``target`` pieces."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(1, target)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def time_step(span_s: float, target: int = 6) -> float:
    """A step for a time axis in seconds: 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6 h."""
    for s in (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600):
        if span_s / s <= target:
            return float(s)
    return 43200.0


def clock(ts: float, seconds: bool = False) -> str:
    return time.strftime("%H:%M:%S" if seconds else "%H:%M", time.localtime(ts))


def reduce_series(points: Sequence[tuple[float, float]], x0: float, x1: float, buckets: int) -> list[tuple[float, float]]:
    """At most ~2 points per bucket (first min and max in time order), keeping the last point."""
    if len(points) <= buckets * 2 or x1 <= x0:
        return list(points)
    out: list[tuple[float, float]] = []
    width = (x1 - x0) / buckets
    cur = None
    lo = hi = None
    for p in points:
        b = int((p[0] - x0) / width)
        if b != cur:
            if lo is not None:
                out.extend(sorted({lo, hi}, key=lambda q: q[0]))
            cur, lo, hi = b, p, p
        else:
            if p[1] < lo[1]:
                lo = p
            if p[1] > hi[1]:
                hi = p
    if lo is not None:
        out.extend(sorted({lo, hi}, key=lambda q: q[0]))
    if out[-1] != points[-1]:
        out.append(points[-1])
    return out


class Frame:
    """A plot area inside an SVG with linear x/y scales."""

    def __init__(self, width: float, height: float, x0: float, x1: float, y0: float, y1: float,
                 left: float = 44, right: float = 10, top: float = 10, bottom: float = 22) -> None:
        self.w, self.h = width, height
        self.l, self.r, self.t, self.b = left, right, top, bottom
        self.x0, self.x1 = x0, (x1 if x1 > x0 else x0 + 1)
        self.y0, self.y1 = y0, (y1 if y1 > y0 else y0 + 1)

    def x(self, v: float) -> float:
        return self.l + (v - self.x0) / (self.x1 - self.x0) * (self.w - self.l - self.r)

    def y(self, v: float) -> float:
        return self.h - self.b - (v - self.y0) / (self.y1 - self.y0) * (self.h - self.t - self.b)

    @property
    def plot_w(self) -> float:
        return self.w - self.l - self.r

    def open(self, label: str) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_f(self.w)} {_f(self.h)}" '
                f'width="{_f(self.w)}" height="{_f(self.h)}" role="img" aria-label="{escape(label)}">')

    def grid_y(self, step: float | None = None, fmt=None, ticks: bool = True) -> str:
        step = step or nice_step(self.y1 - self.y0, 4)
        out = []
        v = math.ceil(self.y0 / step) * step
        while v <= self.y1 + 1e-9:
            y = self.y(v)
            out.append(f'<line x1="{_f(self.l)}" x2="{_f(self.w - self.r)}" y1="{_f(y)}" y2="{_f(y)}" '
                       f'stroke="{PALETTE["grid"]}" stroke-width="1"/>')
            if ticks:
                out.append(f'<text x="{_f(self.l - 5)}" y="{_f(y + 3.5)}" text-anchor="end" class="tick">'
                           f'{escape(fmt(v) if fmt else _f(v))}</text>')
            v += step
        return "".join(out)

    def axis_time(self, ticks: bool = True, seconds: bool = False) -> str:
        step = time_step(self.x1 - self.x0, max(2, int(self.plot_w // 70)))
        out = [f'<line x1="{_f(self.l)}" x2="{_f(self.w - self.r)}" y1="{_f(self.h - self.b)}" '
               f'y2="{_f(self.h - self.b)}" stroke="{PALETTE["axis"]}" stroke-width="1"/>']
        if not ticks:
            return "".join(out)
        # ticks on wall-clock multiples of the step (local time)
        off = time.localtime(self.x0).tm_gmtoff
        v = math.ceil((self.x0 + off) / step) * step - off
        while v <= self.x1 + 1e-9:
            x = self.x(v)
            out.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(self.h - self.b)}" y2="{_f(self.h - self.b + 3)}" '
                       f'stroke="{PALETTE["axis"]}"/>')
            out.append(f'<text x="{_f(x)}" y="{_f(self.h - self.b + 14)}" text-anchor="middle" class="tick">'
                       f'{clock(v, seconds)}</text>')
            v += step
        return "".join(out)


def step_path(f: Frame, pts: Iterable[tuple[float, float]], end_x: float | None = None) -> str:
    """An SVG path ``d`` for a step function (value holds until the next point)."""
    d = []
    last_y = None
    for i, (t, v) in enumerate(pts):
        x, y = f.x(t), f.y(v)
        if i == 0:
            d.append(f"M{_f(x)},{_f(y)}")
        else:
            d.append(f"H{_f(x)}V{_f(y)}")
        last_y = y
    if last_y is not None and end_x is not None:
        d.append(f"H{_f(f.x(end_x))}")
    return "".join(d)


def line_path(f: Frame, pts: Iterable[tuple[float, float]]) -> str:
    d = []
    for i, (t, v) in enumerate(pts):
        d.append(("M" if i == 0 else "L") + f"{_f(f.x(t))},{_f(f.y(v))}")
    return "".join(d)


def burn_down(series: Sequence[tuple[float, float]], t0: float, t1: float, *, width: float = 300,
              height: float = 120, ymax: float | None = None, bands: Sequence[tuple[float, float, str]] = (),
              frozen: Sequence[tuple[float, float]] = (), sellouts: Sequence[float] = (),
              warnings: Sequence[tuple[float, str]] = (), label: str = "") -> str:
    """One SKU's available stock over the session, as a small multiple.

    ``bands``: (start, end, level) shaded behind the line; ``frozen``: hatched spans;
    ``sellouts``: red ticks; ``warnings``: (ts, level) triangles at the first firing.
    """
    top = max([v for _, v in series] + [1]) if ymax is None else ymax
    f = Frame(width, height, t0, t1, min(0, min((v for _, v in series), default=0)), top * 1.08,
              left=34, right=6, top=6, bottom=18)
    out = [f.open(label)]
    uid = abs(hash((label, len(series)))) % 10**8
    out.append(f'<defs><pattern id="hz{uid}" width="5" height="5" patternUnits="userSpaceOnUse" '
               f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="5" stroke="{PALETTE["frozen"]}" '
               f'stroke-width="2"/></pattern></defs>')
    ph = f.h - f.t - f.b
    for a, b, level in bands:
        x, x2 = f.x(max(a, t0)), f.x(min(b, t1))
        if x2 > x:
            out.append(f'<rect x="{_f(x)}" y="{_f(f.t)}" width="{_f(x2 - x)}" height="{_f(ph)}" '
                       f'fill="{LEVEL_COLORS.get(level, PALETTE["grid"])}" fill-opacity="0.16"/>')
    for a, b in frozen:
        x, x2 = f.x(max(a, t0)), f.x(min(b, t1))
        if x2 > x:
            out.append(f'<rect x="{_f(x)}" y="{_f(f.t)}" width="{_f(max(x2 - x, 1))}" height="{_f(ph)}" '
                       f'fill="url(#hz{uid})" fill-opacity="0.55"/>')
    out.append(f.grid_y(nice_step(f.y1 - f.y0, 3)))
    out.append(f.axis_time())
    pts = reduce_series(series, t0, t1, int(f.plot_w))
    if pts:
        d = step_path(f, pts, end_x=t1)
        area = d + f"V{_f(f.y(max(0, f.y0)))}H{_f(f.x(pts[0][0]))}Z"
        out.append(f'<path d="{area}" fill="{PALETTE["fill"]}" fill-opacity="0.55" stroke="none"/>')
        out.append(f'<path d="{d}" fill="none" stroke="{PALETTE["line"]}" stroke-width="1.6" '
                   f'stroke-linejoin="round"/>')
    for ts in sellouts:
        x = f.x(ts)
        out.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(f.t)}" y2="{_f(f.h - f.b)}" '
                   f'stroke="{PALETTE["soldout"]}" stroke-width="1.4" stroke-dasharray="3 2"/>')
    for ts, level in warnings:
        x = f.x(ts)
        y = f.t + 1
        out.append(f'<path d="M{_f(x - 4)},{_f(y)}L{_f(x + 4)},{_f(y)}L{_f(x)},{_f(y + 7)}Z" '
                   f'fill="{LEVEL_COLORS.get(level, PALETTE["warning"])}" stroke="#fff" stroke-width="0.6"/>')
    out.append("</svg>")
    return "".join(out)


def bars_over_time(buckets: Sequence[tuple[float, dict[str, float]]], bucket_s: float, t0: float, t1: float, *,
                   order: Sequence[str], colors: dict[str, str], width: float = 900, height: float = 180,
                   label: str = "", yfmt=None) -> str:
    """Stacked bars per time bucket (e.g. alerts per 10 minutes by level)."""
    top = max([sum(d.values()) for _, d in buckets] + [1])
    f = Frame(width, height, t0, max(t1, t0 + bucket_s), 0, top * 1.1)
    out = [f.open(label), f.grid_y(fmt=yfmt), f.axis_time()]
    for start, d in buckets:
        x, x2 = f.x(start), f.x(min(start + bucket_s, f.x1))
        bw = max(1.0, (x2 - x) * 0.82)
        bx = x + (x2 - x - bw) / 2
        acc = 0.0
        for k in order:
            v = d.get(k, 0)
            if not v:
                continue
            y_top, y_bot = f.y(acc + v), f.y(acc)
            out.append(f'<rect x="{_f(bx)}" y="{_f(y_top)}" width="{_f(bw)}" height="{_f(max(0.5, y_bot - y_top))}" '
                       f'fill="{colors.get(k, PALETTE["bar"])}"><title>{escape(k)}: {_f(v)}</title></rect>')
            acc += v
        if acc and bw > 14:
            out.append(f'<text x="{_f(bx + bw / 2)}" y="{_f(f.y(acc) - 3)}" text-anchor="middle" class="val">'
                       f'{_f(acc)}</text>')
    out.append("</svg>")
    return "".join(out)


def sales_chart(minute_units: dict[int, int], cum_gmv: Sequence[tuple[float, float]], t0: float, t1: float, *,
                sellouts: Sequence[tuple[float, str]] = (), width: float = 900, height: float = 220,
                viewers: Sequence[tuple[float, float]] = (), label: str = "") -> str:
    """Units ordered per minute (bars) with cumulative GMV (line, right axis) and sell-out ticks."""
    top = max(list(minute_units.values()) + [1])
    f = Frame(width, height, t0, max(t1, t0 + 60), 0, top * 1.12, left=44, right=62)
    out = [f.open(label), f.grid_y(), f.axis_time()]
    bw = max(1.0, (f.x(t0 + 60) - f.x(t0)) * 0.8)
    for m, u in sorted(minute_units.items()):
        x = f.x(t0 + m * 60)
        y = f.y(u)
        out.append(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(bw)}" height="{_f(f.y(0) - y)}" '
                   f'fill="{PALETTE["bar"]}" fill-opacity="0.8"/>')
    if cum_gmv:
        gtop = max(v for _, v in cum_gmv) or 1
        g = Frame(width, height, f.x0, f.x1, 0, gtop * 1.05, left=44, right=62)
        pts = reduce_series(cum_gmv, f.x0, f.x1, int(f.plot_w))
        out.append(f'<path d="{line_path(g, pts)}" fill="none" stroke="{PALETTE["gmv"]}" stroke-width="2"/>')
        step = nice_step(gtop, 4)
        v = 0.0
        while v <= gtop * 1.05:
            out.append(f'<text x="{_f(g.w - g.r + 5)}" y="{_f(g.y(v) + 3.5)}" class="tick" '
                       f'fill="{PALETTE["gmv"]}">{escape(money_short(v))}</text>')
            v += step
    for ts, sku in sellouts:
        x = f.x(ts)
        out.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(f.t)}" y2="{_f(f.h - f.b)}" '
                   f'stroke="{PALETTE["soldout"]}" stroke-width="1" stroke-dasharray="3 2">'
                   f'<title>{escape(sku)} sold out {clock(ts, True)}</title></line>')
    out.append("</svg>")
    return "".join(out)


def money_short(cents: float) -> str:
    v = cents / 100.0
    if abs(v) >= 1e6:
        return f"{v / 1e6:.1f}M"
    if abs(v) >= 1e4:
        return f"{v / 1e3:.0f}k"
    if abs(v) >= 1e3:
        return f"{v / 1e3:.1f}k"
    return f"{v:.0f}"


def latency_strip(values_ms: Sequence[float], *, width: float = 420, height: float = 70, label: str = "") -> str:
    """Acknowledgement latencies as a dot strip on a ms axis, with the median marked."""
    if not values_ms:
        return ""
    top = max(values_ms)
    f = Frame(width, height, 0, top * 1.08 if top > 0 else 1, 0, 1, left=10, right=14, top=8, bottom=22)
    out = [f.open(label)]
    step = nice_step(f.x1, 5)
    v = 0.0
    while v <= f.x1 + 1e-9:
        x = f.x(v)
        out.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(f.t)}" y2="{_f(f.h - f.b)}" stroke="{PALETTE["grid"]}"/>'
                   f'<text x="{_f(x)}" y="{_f(f.h - 8)}" text-anchor="middle" class="tick">{_f(v)} ms</text>')
        v += step
    for i, ms in enumerate(values_ms):
        y = f.t + 6 + (i * 7.0) % max(1.0, (f.h - f.t - f.b - 12))
        out.append(f'<circle cx="{_f(f.x(ms))}" cy="{_f(y)}" r="3" fill="{PALETTE["line"]}" fill-opacity="0.7"/>')
    med = sorted(values_ms)[len(values_ms) // 2]
    out.append(f'<line x1="{_f(f.x(med))}" x2="{_f(f.x(med))}" y1="{_f(f.t - 2)}" y2="{_f(f.h - f.b)}" '
               f'stroke="{PALETTE["ink"]}" stroke-width="1.5"/>')
    out.append("</svg>")
    return "".join(out)
