"""The command benchmark runs end to end (a smoke run: timings are not asserted here, see bench/)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


def _load():
    path = Path(__file__).resolve().parents[1] / "bench" / "bench_commands.py"
    spec = importlib.util.spec_from_file_location("bench_commands_smoke", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.timeout(60)
def test_bench_commands_smoke():
    bench = _load()
    r = bench.run(quick=True, n=20, rate=5000)
    assert r["baseline"]["n"] == 20 and r["loaded"]["n"] == 20
    assert r["loaded"]["feed_events_per_s"] > 1000 and r["loaded"]["feed_seq_gaps"] == 0
    assert r["commands_applied"] == 4 * (10 + 50)  # every command of every phase, once
    assert "p99" in bench.report(r)
