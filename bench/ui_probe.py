"""The UI benchmark's measuring aids: process CPU and memory from /proc, and ``--trace``'s
attribution of long GUI gaps (what ran while the GUI thread did not tick)."""
from __future__ import annotations

import gc
import os
import time


def pct(xs: list[float], q: float) -> float:
    """The q-th percentile of xs (nearest rank; NaN for none)."""
    s = sorted(xs)
    if not s:
        return float("nan")
    return s[min(len(s) - 1, max(0, int(round(q / 100.0 * (len(s) - 1)))))]



def rss_mb() -> float:
    """Resident set size of this process now (MB), from /proc (0 where there is none)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def cpu_now(shop_pid: int) -> tuple[float, float, float]:
    """CPU seconds so far: this process, the shop process, the whole machine (all but idle), from /proc."""
    clk = os.sysconf("SC_CLK_TCK")
    mine = sum(os.times()[:2])
    try:
        with open(f"/proc/{shop_pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        shop = (int(parts[11]) + int(parts[12])) / clk
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        machine = (sum(v) - v[3] - v[4]) / clk
    except (OSError, ValueError, IndexError):
        shop = machine = float("nan")
    return mine, shop, machine


def proc_cpu(pid: int | None) -> float:
    """CPU seconds so far of another process (0 where unknown)."""
    if not pid:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def proc_rss_mb(pid: int | None) -> float:
    if not pid:
        return 0.0
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


class Trace:
    """Where the long GUI gaps come from (``--trace``): what ran while the GUI thread did not tick.

    Per probe tick: wall time, CPU time of the GUI thread, of the core thread, of the shop process and of
    the whole machine (so time taken by other processes shows); garbage collections (thread, generation,
    duration); the phases of each refresh (tick, table+panels applied, charts applied, paints done).
    """

    def __init__(self, core_ident: int | None, shop_pid: int, core_pid: int | None = None) -> None:
        import threading

        self.gui_ident = threading.get_ident()
        # The core thread's CPU clock, or (core in its own process) that process's CPU from /proc.
        self.core_clock = time.pthread_getcpuclockid(core_ident) if core_ident is not None else None
        self.core_pid = core_pid
        self.shop_pid = shop_pid
        self.ticks: list[tuple] = []
        self.gcs: list[tuple] = []  # (start, end, generation, on GUI thread, collected)
        self.phases: list[tuple] = []  # (name, t)
        self._gc_start: dict[int, float] = {}
        self._clk = os.sysconf("SC_CLK_TCK")
        gc.callbacks.append(self._on_gc)

    def watch_paints(self, window) -> None:
        """Time the paint events of the desk's big widgets (GUI thread CPU per paint)."""
        self.paints: dict[str, list] = {}
        widgets = {"sku table": window.table, "alerts": window.alerts.table}
        if window.charts is not None:
            widgets.update({"sku charts": window.charts.grid_view, "room charts": window.charts.room_view})
        for name, w in widgets.items():
            self._wrap_paint(name, w)

    def _wrap_paint(self, name: str, w) -> None:
        orig = w.paintEvent  # bound: the class's own (C++ or pyqtgraph) paint
        log = self.paints.setdefault(name, [])

        def paint(ev):
            c0 = time.thread_time()
            orig(ev)
            log.append((time.thread_time() - c0) * 1000.0)

        w.paintEvent = paint

    def close(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        import threading

        ident = threading.get_ident()
        now = time.perf_counter()
        if phase == "start":
            self._gc_start[ident] = now
        else:
            t0 = self._gc_start.pop(ident, now)
            self.gcs.append((t0, now, info.get("generation"), ident == self.gui_ident, info.get("collected")))

    def _shop_cpu(self) -> float:
        try:
            with open(f"/proc/{self.shop_pid}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            return (int(parts[11]) + int(parts[12])) / self._clk
        except (OSError, ValueError, IndexError):
            return 0.0

    def _machine_busy(self) -> float:
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
            return (sum(v) - v[3] - v[4]) / self._clk  # all but idle and iowait
        except (OSError, ValueError, IndexError):
            return 0.0

    def tick(self, now: float) -> None:
        core = time.clock_gettime(self.core_clock) if self.core_clock is not None else proc_cpu(self.core_pid)
        self.ticks.append((now, time.thread_time(), core, self._shop_cpu(),
                           self._machine_busy(), sum(os.times()[:2])))

    def phase(self, name: str) -> None:
        self.phases.append((name, time.perf_counter(), time.thread_time()))

    def report(self, over_ms: float = 35.0, top: int = 25) -> str:
        """The longest gaps with what ran during each, and a summary of every gap over ``over_ms``."""
        rows = []
        for a, b in zip(self.ticks, self.ticks[1:]):
            gap = (b[0] - a[0]) * 1000.0
            if gap <= over_ms:
                continue
            gcs = [g for g in self.gcs if g[1] > a[0] and g[0] < b[0]]
            ph = [p[:2] for p in self.phases if a[0] - 0.2 < p[1] < b[0]]
            open_phase = None
            for name, t in ph:
                if t <= b[0]:
                    open_phase = name
            inside = [n for n, t in ph if a[0] <= t <= b[0]]
            rows.append({"t": a[0], "gap": gap, "gui": (b[1] - a[1]) * 1000, "core": (b[2] - a[2]) * 1000,
                         "shop": (b[3] - a[3]) * 1000, "machine": (b[4] - a[4]) * 1000,
                         "proc": (b[5] - a[5]) * 1000,
                         "gc": [(round((g[1] - g[0]) * 1000, 1), g[2], "gui" if g[3] else "core") for g in gcs],
                         "phase_before": open_phase if not inside else None, "phases_inside": inside})
        t0 = self.ticks[0][0] if self.ticks else 0.0
        lines = [f"  trace: {len(rows)} gaps > {over_ms:g} ms; gc: "
                 + ", ".join(f"gen{g}: {n} (max {mx:.1f} ms)" for g, n, mx in self._gc_summary())]
        if len(self.ticks) > 1:
            a, b = self.ticks[0], self.ticks[-1]
            w = b[0] - a[0]
            mine = (b[5] - a[5]) + (b[3] - a[3])
            lines.append(f"  CPU over the phase (share of one CPU): GUI thread {(b[1] - a[1]) / w:.0%}, core thread "
                         f"{(b[2] - a[2]) / w:.0%}, whole desk process {(b[5] - a[5]) / w:.0%}, shop process "
                         f"{(b[3] - a[3]) / w:.0%}, other processes {max(0.0, (b[4] - a[4]) - mine) / w:.0%} "
                         f"(of {os.cpu_count()} CPUs)")
        lines.append("    at s    gap   gui-cpu core-cpu  shop  machine(10ms ticks)  gc(ms,gen,thread)  refresh phase")
        for r in sorted(rows, key=lambda r: -r["gap"])[:top]:
            where = ("in " + r["phase_before"]) if r["phase_before"] else ("->".join(r["phases_inside"]) or "-")
            lines.append(f"  {r['t'] - t0:6.2f} {r['gap']:6.1f} {r['gui']:8.1f} {r['core']:8.1f} {r['shop']:5.0f} "
                         f"{r['machine']:8.0f}            {str(r['gc']):<18} {where}")
        # GUI thread CPU and wall time per refresh step (tick -> table+panels -> charts -> paint).
        steps: dict[str, list] = {}
        prev = None
        for name, t, cpu in self.phases:
            if prev is not None and prev[0] != "paint" and name != "tick":
                steps.setdefault(name, []).append(((cpu - prev[2]) * 1000, (t - prev[1]) * 1000))
            prev = (name, t, cpu)
        for name, xs in steps.items():
            cpu = sorted(x[0] for x in xs)
            wall = sorted(x[1] for x in xs)
            lines.append(f"    step {name:<13} GUI CPU median {cpu[len(cpu) // 2]:5.1f} ms, p95 {pct(cpu, 95):5.1f}, "
                         f"max {cpu[-1]:5.1f}; wall median {wall[len(wall) // 2]:5.1f}, max {wall[-1]:5.1f}")
        for name, xs in getattr(self, "paints", {}).items():
            if xs:
                v = sorted(xs)
                lines.append(f"    paint {name:<12} {len(v):5d} paints, GUI CPU median {v[len(v) // 2]:5.1f} ms, "
                             f"p95 {pct(v, 95):5.1f}, max {v[-1]:5.1f}")
        if rows:
            n = len(rows)
            lines.append(f"    mean over those gaps: gap {sum(r['gap'] for r in rows) / n:.1f} ms, GUI thread CPU "
                         f"{sum(r['gui'] for r in rows) / n:.1f}, core thread CPU {sum(r['core'] for r in rows) / n:.1f},"
                         f" with a GC {sum(1 for r in rows if r['gc'])} of {n}")
        return "\n".join(lines)

    def _gc_summary(self):
        out = []
        for g in (0, 1, 2):
            d = [(e - s) * 1000 for s, e, gen, _gui, _c in self.gcs if gen == g]
            out.append((g, len(d), max(d) if d else 0.0))
        return out
