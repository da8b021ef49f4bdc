"""``controlroom review FILE --summary`` reads the writer's per-minute summary, as the window does.

The headline lines must be the very lines the full replay of every event prints; a log whose
summary does not cover every event (an older writer's) is still replayed event by event.
"""
from __future__ import annotations

import pytest

import controlroom.review.analysis as analysis
from controlroom.review.cli import report_main, summary_lines
from controlroom.review.logfile import open_for_review
from tests.test_review_demo import small_scenario, write_demo_session
from tests.test_review_summary import old_copy


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTROLROOM_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "small.sqlite"
    write_demo_session(path, scenario=small_scenario(), until_s=1200.0)
    return path


def _full_lines(path) -> list[str]:
    with open_for_review(path) as r:
        return summary_lines(analysis.build_review(r))


def _walks(monkeypatch) -> list[int]:
    """Count the replays of every event (stock_facts over the log's stream) build_review makes."""
    calls = []
    real = analysis.stock_facts

    def counted(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(analysis, "stock_facts", counted)
    return calls


def test_the_summary_prints_the_full_replays_lines_without_replaying(small, capsys, monkeypatch):
    want = _full_lines(small)
    walks = _walks(monkeypatch)
    assert report_main([str(small), "--summary"]) == 0
    got = capsys.readouterr().out.splitlines()
    assert got == want
    assert "sell-outs 0" not in got[2]  # the small show's SKUs all sell out: a real comparison
    assert walks == []


def test_a_log_without_a_complete_summary_is_replayed(small, tmp_path, capsys, monkeypatch):
    path = old_copy(small, tmp_path / "old.sqlite")
    want = _full_lines(path)
    walks = _walks(monkeypatch)
    assert report_main([str(path), "--summary"]) == 0
    assert capsys.readouterr().out.splitlines() == want
    assert walks == [1]
