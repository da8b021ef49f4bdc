"""Every benchmark runs at a tiny size, loses nothing and yields its figures in the common shape.

No time or rate is asserted here (the machine may be loaded): the figures are benchmarks,
judged by ``python -m bench``; this only keeps each benchmark from rotting.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from bench import bench_feed
from bench.contend import Contender, cpu_seconds
from bench.figures import figure, table

KEYS = {"name", "value", "target", "op", "unit", "kind", "met", "note"}


def _check_figures(mod, res) -> list[dict]:
    figs = mod.figures(res)
    assert figs, mod.__name__
    for f in figs:
        assert set(f) == KEYS, f
        assert f["kind"] in ("ratio", "absolute")
        assert f["met"] in (True, False, None)
        assert (f["met"] is None) == (f["target"] is None), f
    assert mod.report(res)
    assert "targets met" in table([(mod.__name__, f) for f in figs])
    return figs


def test_feed_benchmark_smoke_loses_nothing():
    res = bench_feed.run(quick=True, rounds=1, n=5_000)
    for case in ("batch1", "batch100"):
        for side in ("bare", "feed"):
            assert res[case][side]["lost"] == 0, res
            assert res[case][side]["events_per_s"] > 0
    figs = _check_figures(bench_feed, res)
    assert [f["target"] for f in figs] == [0.8, 0.8, 0.6, 0.6, None]  # the last: the in-process cross-check
    assert res["batch100"]["interleaved"]["ratio"] > 0


@pytest.mark.timeout(120)
def test_log_benchmark_smoke_loses_nothing():
    from bench import bench_log

    res = bench_log.run(n=5_000)
    assert res["paced_200k"]["no_loss"] and res["max"]["no_loss"], res
    assert res["paced_200k"]["events"] == 5_000 and res["reader"]["in_seq_order"]
    if res["engine_replay"]:
        assert res["engine_replay"]["same_decisions"]
        e = res["engine_replay"]  # the first replay read every whole block from the writer's stored columns
        assert e["blocks_stored"] == 5_000 // 2048 and e["blocks_from_events"] == 1, e  # the last, partial one
        c = e["cached"]  # so no block cache was needed, and a later replay decides the same
        assert c["same_decisions"] and not c["cache_written_by_first"], c
    _check_figures(bench_log, res)


@pytest.mark.timeout(120)
def test_commands_benchmark_figures():
    from bench import bench_commands

    res = bench_commands.run(quick=True, n=10, rate=2000)
    assert res["loaded"]["n"] == 10 and res["loaded"]["feed_seq_gaps"] == 0
    _check_figures(bench_commands, res)


def test_state_benchmark_smoke():
    from bench import bench_state

    res = bench_state.run(frames=10)
    assert res["after_delta"]["view_matches"] and res["after_delta"]["frames_applied"] == 10
    _check_figures(bench_state, res)


@pytest.mark.timeout(180)
def test_review_benchmark_smoke(tmp_path, monkeypatch):
    from bench import bench_review

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # its generated log goes here, not in /tmp
    monkeypatch.setenv("CONTROLROOM_CACHE_DIR", str(tmp_path / "cache"))
    res = bench_review.run(events=20_000, scrubs=3)
    assert res["events"] == 20_000 and res["units_sold"] > 0
    _check_figures(bench_review, res)


@pytest.mark.timeout(180)
def test_ui_benchmark_smoke():
    from bench import bench_ui

    res = bench_ui.run(quick=True, seconds=1.5, baseline_s=0.5, rate=2000, n_skus=50)
    assert res["loaded"]["refreshes"] > 0 and res["loaded"]["feed_gaps"] == 0
    _check_figures(bench_ui, res)


def test_figure_shape_and_table():
    assert figure("x", 0.7, 0.6)["met"] is True
    assert figure("t", 6.0, 5.0, "<=", "ms", kind="absolute")["met"] is False
    assert figure("r", 1.0)["met"] is None
    t = table([("a", figure("x", 0.7, 0.6)), ("b", figure("t", 6.0, 5.0, "<=", "ms", kind="absolute"))])
    assert "1 of 2 targets met" in t and "MISSED (uncontended)" in t and "CPUs, load average" in t


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_contender_burns_a_core_and_stops_on_exit_even_on_error():
    with pytest.raises(KeyboardInterrupt):
        with Contender() as c:
            pid = c.pid
            deadline = time.monotonic() + 30
            while (cpu_seconds(pid) or 0) < 0.2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert (cpu_seconds(pid) or 0) >= 0.2  # it really burns CPU (in its own process)
            raise KeyboardInterrupt  # what Ctrl-C raises
    assert not c.running and not _alive(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG)")
def test_contender_dies_with_a_killed_runner():
    code = ("import sys,time; sys.path.insert(0, %r); from bench.contend import Contender; "
            "c = Contender().start(); print(c.pid, flush=True); time.sleep(60)") % os.getcwd()
    runner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pid = int(runner.stdout.readline())
    assert _alive(pid)
    runner.send_signal(signal.SIGKILL)  # no finally, no atexit: only the kernel can clean up
    runner.wait(10)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


@pytest.mark.timeout(300)
def test_soak_benchmark_smoke_samples_every_ten_simulated_minutes():
    from bench import bench_soak

    res = bench_soak.run(skus=10, events=5_000)
    assert [s["sim_min"] for s in res["samples"]] == list(range(0, 241, 10))  # 4 simulated hours
    assert res["gaps"] == 0 and res["rejects"] == 0
    assert res["events"] >= 5_000 and all(s["rss_mb"] > 0 for s in res["samples"])
    last = res["samples"][-1]  # what the bounded structures hold, sampled with the RSS
    assert last["ids_core"] == last["ids_log"] > 0 and last["history_mb"] > 0
    _check_figures(bench_soak, res)


@pytest.mark.timeout(600)
def test_desk_soak_benchmark_smoke_samples_both_processes():
    """The soak with the core in its own process and the desk window in this one (offscreen)."""
    from bench import bench_soak_desk

    res = bench_soak_desk.run(skus=10, events=5_000)
    assert [s["sim_min"] for s in res["samples"]] == list(range(0, 241, 10))
    assert res["gaps"] == 0 and res["events"] >= 5_000
    assert all(s["desk_mb"] > 0 and s["core_mb"] > 0 for s in res["samples"])
    # each sample carries both censuses: the desk's own, and the core child's answer to "census"
    last = res["samples"][-1]
    assert last["desk"]["sku_rows"] == 10 and last["desk"]["frames"] > 0 and last["desk"]["py_objects"] > 0
    assert last["core"]["ids_core"] > 0 and last["core"]["history_mb"] > 0 and last["core"]["py_objects"] > 0
    assert all(s["core"].get("ids_core") is not None for s in res["samples"])
    assert "at the end:" in bench_soak_desk.report(res)
    # the last sample trims both allocators after measuring: the anonymous memory left is no more than before
    assert 0 < last["core"]["rssanon_after_trim"] <= last["core"]["rssanon"] + 1.0
    assert 0 < last["desk"]["rssanon_after_trim"] <= last["desk"]["rssanon"] + 1.0
    assert "rssanon_after_trim" not in res["samples"][-2]["core"]
    _check_figures(bench_soak_desk, res)


def test_host_benchmark_smoke_sees_every_probe():
    """A tiny run of the host-view benchmark (two processes): every probe reaches the painted frame."""
    from bench import bench_host

    res = bench_host.run(quick=True)
    assert res["missed"] == 0 and res["prompt_to_pixel"]["n"] == 5, res
    assert res["baseline_prompt_to_client"]["n"] == 5
    _check_figures(bench_host, res)


def test_rooms_benchmark_smoke_measures_every_room():
    """Two rooms, two seconds: every room is measured and stays live (no time asserted)."""
    from bench import bench_rooms

    res = bench_rooms.run(quick=True)
    assert res["many"]["rooms"] == 2 and len(res["many"]["per_room"]) == 2
    for ph in (res["baseline"], res["many"]):
        for p in ph["per_room"]:
            assert p["engine_cpu"] > 0 and p["engine_rss_mb"] > 0 and p["events_per_s"] > 0 and p["lost"] == 0
    assert res["fit_full_core"] >= res["fit_per_core"] >= 0
    assert "rooms that fit" in bench_rooms.report(res).lower()
    _check_figures(bench_rooms, res)


@pytest.mark.timeout(300)
def test_peak_benchmark_smoke_loses_nothing_and_ends_exact():
    """A tiny peak show (CURVE feed, session log, two CURVE stream views): nothing lost or resynced,
    the final stock of the core and of both views equal to the shop's books, the log's rows exact."""
    from bench import bench_peak

    res = bench_peak.run(seconds=3, orders_per_s=300, other_per_s=1500)
    assert res["events"] > 0 and res["shop_counts"]["order"] > 0 and res["shop_counts"]["cart"] > 0
    assert res["lost"] == 0 and res["gaps"] == 0 and res["rejects"] == 0 and res["orders_exact"], res
    assert res["resyncs"] == 0 and all(v["resyncs"] == 0 and v["gaps"] == 0 for v in res["views"]), res
    assert res["stock_mismatch"] == [] and all(v["match"] for v in res["views"]), res
    # per topic, so a failure says which differed: the log's rows, the core's counts when it stopped
    assert res["log_exact"], (res["log_counts"], res["core_counts_at_stop"], res["core_counts"])
    assert res["log_counts"]["order"] == res["shop_counts"]["order"], (res["log_counts"], res["shop_counts"])
    assert res["log"]["dropped"] == 0 and res["view_lag_ms"]["n"] > 0
    figs = _check_figures(bench_peak, res)
    assert [f["met"] for f in figs[1:5]] == [True, True, True, True]


def test_a_run_of_several_benchmarks_runs_each_in_a_process_of_its_own(tmp_path):
    """``python -m bench A B``: each benchmark in a fresh process (a memory figure counts that benchmark
    alone), every figure in the one table; one that fails is said and left out, the rest still count."""
    from bench.__main__ import _run_child

    class Args:
        quick, events = True, None

    rows = _run_child(Args, "state")
    assert rows and all(name == "state" for name, _f in rows)
    for _name, f in rows:
        assert set(f) == KEYS, f
    assert any(f["name"] == "state delta view matches the source" and f["met"] is True for _n, f in rows)
    assert "targets met" in table(rows)
    assert _run_child(Args, "no_such_bench") == []  # not available: no figures, no crash
