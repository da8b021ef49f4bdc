"""Notifications go out per episode (one problem), not per alert transition (issue 16).

The episode book is fed hand-written alert transitions (every timing known); its changes
go through :class:`~controlroom.notify.episodes.EpisodeNews` into a real notifier posting
to a local HTTP gateway, with a hand-moved clock.
"""
from __future__ import annotations

from controlroom.alerts.episodes import EpisodeBook
from controlroom.alerts.transition import AlertTransition
from controlroom.notify import Notifier, TargetConfig
from controlroom.notify.episodes import EpisodeNews
from controlroom.settings import Settings
from tests.notify_gateway import Gateway, ManualClock

T0 = 1_700_000_000.0


def tr(key, t, level, state, sku="A1"):
    return AlertTransition(key=key, ts=T0 + t, sku=sku, level=level, state=state, reason=f"{level} {state} at {t}",
                           available=20, rate_per_min=10.0, predicted_sellout_s=120.0, threshold=30.0)


class Room:
    """An episode book, its news, and a notifier to a local gateway, stepped second by second."""

    def __init__(self, levels=("warning", "critical"), **kw):
        self.book = EpisodeBook(Settings().engine)
        self.news = EpisodeNews()
        self.gw, self.clock = Gateway(), ManualClock()
        self.n = Notifier([TargetConfig("gw", "json", self.gw.url, levels=levels)], room="demo", clock=self.clock,
                          backoff_s=0.01, **kw).start(thread=False)
        self.t = 0

    def run(self, script: dict, until: int) -> None:
        while self.t <= until:
            self.book.update(script.get(self.t, []), T0 + self.t)
            self.n.submit(self.news.items(self.book.take_changes(), "demo"))
            self.clock.advance(1.0)
            self.n.pump()
            self.t += 1
        assert self.n.flush(5)

    def groups(self):
        return [(g["level"], [e["sku"] for e in g["firing"]], [e["sku"] for e in g["resolved"]])
                for b in self.gw.bodies() for g in b["groups"]]

    def close(self):
        self.n.close()
        self.gw.close()


def test_a_flapping_warning_is_one_notification_not_one_per_transition():
    r = Room()
    try:
        # The warning flips firing/recovering/resolved/firing again 12 times in 10 minutes:
        # 24 transitions, each of which the old notifier took as news.
        s = {}
        for k in range(12):
            s[k * 50] = [tr(f"A1:warning:{k}", k * 50, "warning", "firing")]
            s[k * 50 + 20] = [tr(f"A1:warning:{k}", k * 50 + 20, "warning", "resolved")]
        r.run(s, 600)
        assert r.book.count_shown() == 1
        assert r.groups() == [("warning", ["A1"], [])]  # one post: the episode's firing, nothing else
    finally:
        r.close()


def test_a_step_up_is_news_a_step_down_is_not_and_the_end_is_told_once():
    r = Room(group_interval_s=30.0)
    try:
        s = {0: [tr("A1:warning:1", 0, "warning", "firing")],
             60: [tr("A1:critical:2", 60, "critical", "firing")],
             # the critical clears: the episode steps down to the warning still firing (after its hold)
             120: [tr("A1:critical:2", 120, "critical", "resolved")],
             1500: [tr("A1:warning:1", 1500, "warning", "resolved")]}
        r.run(s, 2500)
        g = r.groups()
        assert g[0] == ("warning", ["A1"], [])
        assert g[1] == ("critical", ["A1"], [])  # escalated: news at the new level
        # stepping down to warning sent nothing; the end came once, at the level it was last told
        assert g[2:] == [("warning", [], ["A1"])], g
        assert not r.book.open_episodes()
    finally:
        r.close()


def test_an_episode_that_leaves_a_targets_levels_is_resolved_there():
    r = Room(levels=("critical",), group_interval_s=30.0)
    try:
        s = {0: [tr("A1:critical:1", 0, "critical", "firing")],
             30: [tr("A1:warning:2", 30, "warning", "firing")],
             40: [tr("A1:critical:1", 40, "critical", "resolved")]}
        r.run(s, 1200)  # the warning fires on: the episode steps down after its hold
        assert [e.level for e in r.book.open_episodes()] == ["warning"]
        assert r.groups() == [("critical", ["A1"], []), ("critical", [], ["A1"])]
    finally:
        r.close()


def test_acknowledging_the_alert_behind_an_episode_stops_its_reminders():
    r = Room(repeat_interval_s=120.0)
    try:
        r.run({0: [tr("A1:critical:1", 0, "critical", "firing")]}, 20)
        assert len(r.gw.received) == 1
        ack = AlertTransition(key="A1:critical:1", ts=T0 + 21, sku="A1", level="critical", state="acked",
                              reason="acked", by="ann")
        r.run({21: [ack]}, 1000)
        assert len(r.gw.received) == 1  # no reminder every 120 s once acknowledged
        assert r.book.open_episodes()[0].acked
    finally:
        r.close()


def test_a_sku_joining_a_told_wave_is_news_even_after_an_ack():
    # A1 warns alone (told); B1 60 s later turns A1's row into the room's wave (news: now room-wide);
    # the operator acknowledges it; C1 joins 5 minutes later: a new SKU below its line is news again,
    # posted once at the next group interval, not every tick.  The wave ending is told once.
    r = Room(group_interval_s=30.0)
    try:
        def w(sku, n, t, st="firing"):
            # A1 sells out soonest: the wave shows (and is acknowledged by) A1's alert
            return AlertTransition(key=f"{sku}:warning:{n}", ts=T0 + t, sku=sku, level="warning", state=st,
                                   reason=f"warning {st} at {t}", available=20, rate_per_min=10.0,
                                   predicted_sellout_s=60.0 if sku == "A1" else 120.0 + n, threshold=30.0)
        ack = AlertTransition(key="A1:warning:1", ts=T0 + 150, sku="A1", level="warning", state="acked",
                              reason="acknowledged by op", by="op")
        s = {0: [w("A1", 1, 0)], 60: [w("B1", 2, 60)], 150: [ack], 300: [w("C1", 3, 300)],
             1000: [w("A1", 1, 1000, "resolved"), w("B1", 2, 1000, "resolved"), w("C1", 3, 1000, "resolved")]}
        r.run(s, 3000)
        firing = [e["reason"] for b in r.gw.bodies() for g in b["groups"] for e in g["firing"]]
        resolved = [e for b in r.gw.bodies() for g in b["groups"] for e in g["resolved"]]
        # A1 alone, the wave of A1+B1, then the wave with C1: acknowledged, the wave had no reminders,
        # so only the join's news names C1.  (A slow sender may merge posts; each names an episode once,
        # so count what was told, not posts.)
        assert firing[0] == "warning firing at 0" and any(f.startswith("room-wide: 2 SKUs") for f in firing), firing
        assert any(f.startswith("room-wide: 3 SKUs") and "C1" in f for f in firing), firing
        assert len(resolved) == 1
    finally:
        r.close()
