"""Paced garbage collection for the desk process (controlroom.live.gcpace) and the core's hook for it."""
from __future__ import annotations

import gc

from controlroom.live.gcpace import NEVER, GcPacer
from controlroom.live.session import LiveSession
from controlroom.settings import load_settings


def test_pacer_keeps_automatic_collections_young_and_restores_thresholds():
    before = gc.get_threshold()
    p = GcPacer(every_s=0.0, young=3000)
    try:
        p.install()
        assert gc.get_threshold() == (3000, before[1], NEVER)
        assert gc.get_freeze_count() > 0
        assert p.due()
        junk = []
        junk.append(junk)  # a reference cycle: only the collector frees it
        del junk
        ms = p.collect()
        assert ms >= 0 and p.collections == 1 and p.max_ms == p.last_ms == ms
        assert p.stats()["collections"] == 1
    finally:
        p.uninstall()
        gc.unfreeze()
    assert gc.get_threshold() == before


def test_core_collects_right_after_a_redraw_not_during_one():
    session = LiveSession(load_settings(None, {}))
    p = GcPacer(every_s=0.0)
    p.installed = True  # counts as installed without touching this process's collector
    session.gc_pacer = p
    collected = []
    p.collect = lambda: collected.append(1)  # type: ignore[method-assign]
    session.front_busy(True)
    session._pace_gc(p.last_at + 1.0)
    assert not collected  # the desk is redrawing
    session.front_busy(False)
    import time

    session._pace_gc(time.monotonic())
    assert collected == [1]  # just after the redraw ended


def test_stand_back_is_bounded_by_its_share_of_each_second():
    import time

    import controlroom.live.session as s

    session = LiveSession(load_settings(None, {}))
    session.front_busy(True)
    session._front_busy_until = time.monotonic() + 10.0  # a front end that never says "done"
    t0 = time.monotonic()
    session._stand_back()
    took = time.monotonic() - t0
    assert s.FRONT_YIELD_SHARE - 0.01 <= took <= s.FRONT_YIELD_SHARE + 0.1
    t1 = time.monotonic()
    session._stand_back()  # the second's share is spent
    assert time.monotonic() - t1 < 0.05
