"""The review rebuilds the episodes the operator was shown from the logged alert transitions."""
from __future__ import annotations

import pytest

from controlroom.protocol import validate_event
from controlroom.review.episodes import shown_episodes
from controlroom.review.replay import replay
from controlroom.settings import Settings
from controlroom.simulate.model import ShopModel


def _show(scenario: str, seed: int, until_s: float):
    model = ShopModel(scenario, seed, lag_s=2.0, start_ts=1_000_000.0)
    snap = model.snapshot()
    events = []
    end = model.start_ts + min(until_s, model.duration_s)
    while model.now < end - 1e-9:
        events.extend(validate_event(t, f) for t, f in model.step(0.5))
    return snap, events, end


# A host mentioning items and moving on: watches that wait out their pending time and episodes that
# close quietly between transitions, so the rebuild must tick through the seconds in between too.
# With the default settings every watch alone is listed in the room's one surge row; with grouping
# off each mention is a watch episode of its own (more for the rebuild to get right).
@pytest.mark.parametrize("scenario,seed,group_min,least", [("mentions", 1, None, 1), ("mentions", 1, 0, 3)])
def test_episodes_rebuilt_from_transitions_match_the_engines(scenario, seed, group_min, least):
    settings = Settings()
    if group_min is not None:
        settings = settings.with_changes({"engine.episode_group_min_skus": group_min})
    snap, events, end = _show(scenario, seed, 900.0)
    res = replay(snap, events, settings, start_ts=snap.get("ts"), end_ts=end, samples=False)
    live = res.engine.episodes
    assert live.count_shown() >= least, "the show must give the book something to do"
    rebuilt = shown_episodes(res.transitions, settings.engine, end)
    assert rebuilt.count_shown() == live.count_shown()
    assert rebuilt.level_log == live.level_log  # every shown level change, at the same moment
    # From the log's dict rows (what the review reads) the same.
    rows = [{k: getattr(t, k) for k in ("key", "ts", "sku", "level", "state", "reason", "available",
                                           "rate_per_min", "predicted_sellout_s", "threshold", "by", "until")}
            for t in res.transitions]
    assert shown_episodes(rows, settings.engine, end).level_log == live.level_log


def test_episodes_are_fewer_than_alert_instances_on_a_flapping_sku():
    """One SKU's alert firing and resolving again and again is one episode for the operator."""
    from controlroom.alerts.transition import AlertTransition

    settings = Settings()
    trans = []
    for i in range(8):
        t0 = 100.0 + 60.0 * i
        trans.append(AlertTransition(key=f"A:warning:{i}", ts=t0, sku="A", level="warning", state="firing", reason="r"))
        trans.append(AlertTransition(key=f"A:warning:{i}", ts=t0 + 20.0, sku="A", level="warning", state="resolved",
                                     reason="r"))
    book = shown_episodes(trans, settings.engine, 700.0)
    assert book.count_shown() == 1
