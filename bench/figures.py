"""The common shape of every benchmark's figures, and the one table ``make bench`` ends with.

Each ``bench/bench_<name>.py`` module has ``figures(res) -> list[dict]`` that turns the
result of its ``run()`` into rows made by :func:`figure`; ``python -m bench`` collects
them and prints :func:`table`.  A figure with no target is reported, not judged.
"""
from __future__ import annotations

import operator
import os
import time

_OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq}


def figure(name: str, value, target=None, op: str = ">=", unit: str = "", *, kind: str = "ratio",
           met: bool | None = None, note: str = "") -> dict:
    """One figure: its value, its target (``value <op> target`` meets it) and whether it is met.

    ``kind`` is ``"ratio"`` (against a baseline of the same run: holds on any machine) or
    ``"absolute"`` (a time or a rate: the issue counts it only in ``--contended`` mode).
    ``met`` may be given when the target is more than a comparison (e.g. "and nothing lost")."""
    if met is None and target is not None and value is not None:
        met = bool(_OPS[op](value, target))
    return {"name": name, "value": value, "target": target, "op": op, "unit": unit, "kind": kind,
            "met": met, "note": note}


def _fmt(v, unit: str) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        s = f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    else:
        s = f"{v:,}" if isinstance(v, int) else str(v)
    return f"{s} {unit}".rstrip()


def machine_line(contended: bool) -> str:
    """Cores, load average and date: what the table's figures depend on."""
    try:
        la = "/".join(f"{x:.1f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # pragma: no cover - Windows
        la = "n/a"
    return (f"{os.cpu_count()} CPUs, load average {la} (1/5/15 min), "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
            + (", contended (one core kept busy by a separate process)" if contended else ""))


def table(rows: list[tuple[str, dict]], contended: bool = False) -> str:
    """Every figure as one plain-text table: bench, figure, value, target, met or missed."""
    head = ("bench", "figure", "value", "target", "result")
    body = []
    for bench, f in rows:
        tgt = "-" if f["target"] is None else f"{f['op']} {_fmt(f['target'], f['unit'])}"
        res = "-" if f["met"] is None else ("met" if f["met"] else "MISSED")
        if f["met"] is not None and f["kind"] == "absolute" and not contended:
            res += " (uncontended)"
        body.append((bench, f["name"] + (f" ({f['note']})" if f["note"] else ""), _fmt(f["value"], f["unit"]), tgt, res))
    w = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip()  # noqa: E731
    out = [machine_line(contended), line(head), line(tuple("-" * x for x in w))]
    out += [line(r) for r in body]
    met = sum(1 for _, f in rows if f["met"])
    judged = sum(1 for _, f in rows if f["met"] is not None)
    out.append(f"{met} of {judged} targets met")
    return "\n".join(out)
