"""Smoke runs of the replay's measuring tools (``bench.replay_probe``, ``bench.replay_ab``) at a tiny
size, so neither can rot; no time is asserted."""
from __future__ import annotations

from bench import replay_ab, replay_probe


def test_the_probe_and_the_ab_run_on_a_small_log(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CONTROLROOM_CACHE_DIR", str(tmp_path / "cache"))
    log = tmp_path / "small.sqlite"
    assert replay_probe.main(["--events", "6000", "--rounds", "1", "--log", str(log)]) == 0
    out = capsys.readouterr().out
    assert "same decisions: True" in out
    # Which threads the probe saw is not judged: at this size the replay often ends before the watcher's
    # first look, and threads other tests of an xdist worker left alive are listed too.
    assert "threads " in out
    assert replay_ab.main([str(log), "--pairs", "2"]) == 0
    assert "same decisions in every pair" in capsys.readouterr().out
