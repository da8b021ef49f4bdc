"""Grouping, intervals, rate limits, errors in a 200 body, retries, a down target, escalation —
against real HTTP servers on loopback, with a hand-moved clock for the intervals."""
from __future__ import annotations

import socket
import threading

from controlroom.notify import Notifier, TargetConfig
from controlroom.notify.limits import RateLimiter
from controlroom.notify.formats import FORMATS
from tests.conftest import wait_until
from tests.notify_gateway import Gateway, ManualClock
from tests.test_notify_formats import T0, tr


def notifier(targets, clock, **kw):
    kw.setdefault("backoff_s", 0.01)
    return Notifier(targets, room="demo", clock=clock, **kw).start(thread=False)


def json_target(gw, name="gw", **kw):
    return TargetConfig(name, "json", gw.url, **kw)


def skus(body):
    return [[e["sku"] for e in g["firing"]] for g in body["groups"]]


def test_simultaneous_episodes_go_out_in_one_message_after_the_group_wait():
    gw, clock = Gateway(), ManualClock()
    n = notifier([json_target(gw)], clock)
    try:
        n.submit([tr(sku="A"), tr(sku="B")])
        assert n.pump() == 0  # the group waits 10 s for company
        clock.advance(4)
        n.submit([tr(sku="C"), tr(sku="D", level="warning")])
        n.pump()
        clock.advance(6)
        assert n.pump() == 1
        assert n.flush(5)
        (body,) = gw.bodies()
        assert skus(body) == [["A", "B", "C"]]  # one critical group; warning is not routed to this target
    finally:
        n.close()
        gw.close()


def test_a_refiring_episode_posts_at_most_once_per_interval_and_once_resolved():
    gw, clock = Gateway(), ManualClock()
    n = notifier([json_target(gw)], clock, group_interval_s=60, repeat_interval_s=600)
    try:
        n.submit([tr()])
        clock.advance(10)
        n.pump()
        # It flaps: resolved and firing again every 5 s for two minutes (the old webhook posted each time).
        posts_at = []
        for k in range(24):
            clock.advance(5)
            n.submit([tr(state="resolved" if k % 2 == 0 else "firing", ts=T0 + 15 + 5 * k)])
            before = len(gw.received)
            n.flush(5)
            if n.pump():
                posts_at.append(clock())
            n.flush(5)
            assert len(gw.received) - before <= 1
        gaps = [b - a for a, b in zip([1010.0] + posts_at, posts_at)]
        assert all(g >= 60 for g in gaps)
        # Last state is firing again: no resolved message is owed, and nothing more went out.
        assert len(gw.received) == 1 + len(posts_at) <= 3
        n.submit([tr(state="resolved", ts=T0 + 200)])
        clock.advance(60)
        n.pump()
        assert n.flush(5)
        last = gw.bodies()[-1]
        assert last["groups"][0]["firing"] == [] and [e["sku"] for e in last["groups"][0]["resolved"]] == ["HOT1"]
        assert last["title"].startswith("✅")
        clock.advance(3600)
        assert n.pump() == 0  # resolved and told: silence
    finally:
        n.close()
        gw.close()


def test_repeat_interval_and_ack_stops_repeats():
    gw, clock = Gateway(), ManualClock()
    n = notifier([json_target(gw)], clock, repeat_interval_s=300)
    try:
        n.submit([tr()])
        clock.advance(10)
        n.pump()
        clock.advance(299)
        assert n.pump() == 0
        clock.advance(1)
        assert n.pump() == 1  # still firing, nobody acted: reminded once per repeat interval
        assert n.flush(5)
        assert gw.bodies()[-1]["groups"][0]["repeat"] is True
        n.submit([tr(state="acked", by="op")])
        clock.advance(3000)
        assert n.pump() == 0
        assert len(gw.received) == 2
    finally:
        n.close()
        gw.close()


def test_rate_limit_windows_of_each_robot():
    for name, n_per_min in (("wecom", 20), ("dingtalk", 20)):
        lim = RateLimiter(FORMATS[name].rate_windows)
        for i in range(n_per_min):
            assert lim.capacity(100.0 + i) > 0
            lim.record(100.0 + i)
        assert lim.capacity(119.5) == 0 and lim.next_free(119.5) == 160.0
    lim = RateLimiter(FORMATS["feishu"].rate_windows)
    for i in range(5):
        lim.record(10.0)
    assert lim.capacity(10.5) == 0 and lim.next_free(10.5) == 11.0  # 5 a second
    t = 11.0
    for i in range(95):
        t += 0.21
        lim.record(t)
    assert lim.capacity(t + 0.5) == 0 and lim.next_free(t + 0.5) == 70.0  # 100 a minute


def test_excess_is_merged_into_the_last_allowed_post_with_nothing_dropped():
    gw, clock = Gateway(), ManualClock()
    target = TargetConfig("w", "wecom", gw.url, levels=("critical", "warning", "watch", "feed", "lost_sales",
                                                          "frozen_with_stock"))
    n = notifier([target], clock, windows={"w": ((3, 60.0),)})  # a robot allowing 3 posts a minute
    try:
        rooms = [f"room{i}" for i in range(6)]
        for r in rooms:  # six groups due at once
            n.room = r
            n.submit([tr(sku=f"S-{r}")])
        clock.advance(10)
        assert n.pump() == 6
        assert n.flush(5) and len(gw.received) == 3  # 2 posts, then the third carries the other 4
        contents = [b["markdown"]["content"] for b in gw.bodies()]
        assert all(f"S-{r}" in "".join(contents) for r in rooms)  # every episode was told
        assert sum(c.count("直播间 room") for c in contents) == 6 and n.status()[0].merged == 1
        n.room = "room9"
        n.submit([tr(sku="LATE")])
        clock.advance(10)
        n.pump()
        assert not n.flush(0.3)  # nothing more may go out this minute
        clock.advance(50)  # the minute is over
        assert n.flush(5)
        assert "LATE" in gw.bodies()[-1]["markdown"]["content"] and len(gw.received) == 4
    finally:
        n.close()
        gw.close()


def _post_via(gw, target, clock=None, **kw):
    clock = clock or ManualClock()
    n = notifier([target], clock, **kw)
    n.submit([tr()])
    clock.advance(10)
    n.pump()
    return n, clock


def test_errors_in_a_200_body_are_failures():
    # DingTalk keyword rule broken: a configuration error, not retried.
    g = Gateway(default=(200, '{"errcode":310000,"errmsg":"keywords not in content"}'.encode(), {}))
    n, _ = _post_via(g, TargetConfig("d", "dingtalk", g.url), retries=3)
    try:
        assert n.flush(5)
        st = n.status()[0]
        assert (st.state, st.sent, st.failed, st.attempts) == ("config", 0, 1, 1)
        assert "310000" in st.last_error and "keywords" in st.last_error
        assert any(x.kind == "config" and x.target == "d" for x in n.notices)
    finally:
        n.close()
        g.close()
    # Feishu signature mismatch: configuration error too.
    g = Gateway(default=(200, b'{"code":19021,"msg":"sign match fail or timestamp is not within one hour"}', {}))
    n, _ = _post_via(g, TargetConfig("f", "feishu", g.url, secret="x"))
    try:
        assert n.flush(5)
        assert n.status()[0].state == "config" and "19021" in n.status()[0].last_error
    finally:
        n.close()
        g.close()
    # WeCom "api freq out of limit": retried later, then delivered.
    g = Gateway(replies=[(200, b'{"errcode":45009,"errmsg":"api freq out of limit"}', {})])
    n, clock = _post_via(g, TargetConfig("w", "wecom", g.url))
    try:
        assert wait_until(lambda: n.status()[0].rate_limited == 1, 5)
        assert not n.flush(0.3)  # waits for the robot's minute
        clock.advance(60)
        assert n.flush(5)
        st = n.status()[0]
        assert (st.sent, st.failed, st.state, len(g.received)) == (1, 0, "up", 2)
    finally:
        n.close()
        g.close()


def test_retry_after_500_and_after_429_retry_after():
    g = Gateway(replies=[(500, b"", {}), (503, b"", {})])
    n, _ = _post_via(g, json_target(g), retries=3)
    try:
        assert n.flush(5)
        st = n.status()[0]
        assert (st.attempts, st.sent, st.failed) == (3, 1, 0) and len(g.received) == 3
        assert g.bodies()[0] == g.bodies()[2]
    finally:
        n.close()
        g.close()
    g = Gateway(replies=[(429, b"rate_limited", {"Retry-After": "30"})], default=(200, b"ok", {}))
    n, clock = _post_via(g, TargetConfig("s", "slack", g.url))
    try:
        assert wait_until(lambda: len(g.received) == 1 and n.status()[0].rate_limited == 1, 5)
        clock.advance(29)
        assert not n.flush(0.3)  # Retry-After is respected
        clock.advance(1)
        assert n.flush(5)
        assert len(g.received) == 2 and n.status()[0].sent == 1
    finally:
        n.close()
        g.close()


def st_sent(n, name):
    return next(s.sent for s in n.status() if s.name == name)


def test_a_target_that_is_down_delays_no_other_target():
    hold = threading.Event()
    slow = Gateway(hold=hold)  # accepts the connection and never answers (until released)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/x"  # nobody listens
    good = Gateway()
    clock = ManualClock()
    n = Notifier([TargetConfig("slow", "json", slow.url), TargetConfig("dead", "json", dead),
                  TargetConfig("good", "json", good.url)], room="demo", clock=clock, timeout_s=20, retries=5,
                 backoff_s=0.01).start(thread=False)
    try:
        n.submit([tr()])
        clock.advance(10)
        n.pump()
        assert wait_until(lambda: len(good.received) == 1, 5)
        # The slow target's post reached its server (maybe after the good one: threads race) and hangs
        # there until the end of the test, while the good target was served.
        assert wait_until(slow.arrived.is_set, 5) and not hold.is_set()
        assert st_sent(n, "good") == 1
        assert wait_until(lambda: n.status()[1].state == "down", 5)
        st = {s.name: s for s in n.status()}
        assert st["good"].state == "up" and st["good"].sent == 1
        assert st["dead"].last_error and "refused" in st["dead"].last_error.lower()
        assert any(x.kind == "down" and x.target == "dead" for x in n.notices)
    finally:
        hold.set()
        n.close(timeout=1)
        slow.close()
        good.close()


def test_unacknowledged_critical_escalates_once_to_the_first_oncall_target_that_is_up():
    team, lead, backup = Gateway(), Gateway(), Gateway()
    clock = ManualClock()
    n = notifier([json_target(team, "team"), TargetConfig("lead", "dingtalk", lead.url, oncall_only=True),
                  TargetConfig("backup", "json", backup.url, oncall_only=True)], clock,
                 escalate_after_s=120, escalate_to=("lead", "backup"))
    try:
        n.submit([tr(sku="HOT1"), tr(sku="ACK1")])
        clock.advance(10)
        n.pump()
        n.submit([tr(sku="ACK1", state="acked", by="op")])
        clock.advance(109)
        n.pump()
        assert n.flush(5) and lead.received == []
        clock.advance(1)
        assert n.pump() == 1
        assert n.flush(5)
        (body,) = lead.bodies()
        text = body["markdown"]["text"]
        assert "HOT1" in text and "ACK1" not in text and "⏫ 升级 escalated: HOT1 未在 2 分钟内确认" in text
        assert "→ lead" in text and backup.received == []
        assert [x.kind for x in n.notices] == ["escalated"] and "HOT1" in n.notices[0].text
        clock.advance(3000)
        n.pump()
        assert n.flush(5) and len(lead.received) == 1  # once
    finally:
        n.close()
        for g in (team, lead, backup):
            g.close()


def test_live_session_posts_critical_alerts_to_a_webhook(tmp_path):
    """End to end: demo shop → core → engine → notifier → local HTTP gateway, settings from TOML."""
    import argparse

    from controlroom.live.wiring import build_session
    from controlroom.settings import load_settings
    from controlroom.simulate.model import ShopModel
    from controlroom.simulate.runner import DemoShop
    from tests.conftest import LOOPBACK
    from tests.test_session_live import _flash_scenario

    gw = Gateway()
    shop = DemoShop(model=ShopModel(_flash_scenario(), seed=1), speed=8, events_endpoint=LOOPBACK,
                    requests_endpoint=LOOPBACK).start()
    ev, rq = shop.endpoints
    cfg = tmp_path / "show.toml"
    cfg.write_text(f'[feed]\nevents_endpoint = "{ev}"\nrequests_endpoint = "{rq}"\n'
                   f'[notify]\ngroup_wait_s = 0.5\n'
                   f'[[notify.webhooks]]\nname = "team"\nformat = "json"\nurl = "{gw.url}"\nlevels = ["critical"]\n')
    settings = load_settings(str(cfg))
    args = argparse.Namespace(operator="test", no_log=True, log=None)
    session = build_session(settings, None, args).start()
    try:
        assert wait_until(lambda: any(g["level"] == "critical" for b in gw.bodies() for g in b["groups"]), 40)
        body = gw.bodies()[0]
        assert body["groups"][0]["room"] == "demo-flash-test" and body["groups"][0]["firing"][0]["sku"] == "HOT1"
    finally:
        session.stop()
        shop.stop()
        gw.close()


def test_wecom_20_a_minute_merges_the_excess_within_4096_bytes_and_counts_the_rest():
    """30 groups due at once on a real WeCom limit (20 a minute): 20 posts, the last carrying the rest
    merged, cut to the 4096-byte limit with "+N more" — every episode is either shown or counted."""
    gw, clock = Gateway(), ManualClock()
    n = notifier([TargetConfig("w", "wecom", gw.url)], clock)
    try:
        total = 0
        for r in range(30):
            n.room = f"room{r:02d}"
            n.submit([tr(sku=f"R{r:02d}-S{i}", reason="available 5 below safety stock 8 " + "x" * 30)
                      for i in range(4)])
            total += 4
        clock.advance(10)
        assert n.pump() == 30
        assert n.flush(10)
        contents = [b["markdown"]["content"] for b in gw.bodies()]
        assert len(contents) == 20 and n.status()[0].merged == 1
        assert all(len(c.encode()) <= 4096 for c in contents)
        shown = sum(c.count("\n> R") for c in contents)
        more = int(contents[-1].split("\n")[-2].strip("*").split("+")[1].split(" ")[0])
        assert 0 < more and shown + more == total
    finally:
        n.close()
        gw.close()


def test_channel_changes_apply_to_a_running_notifier():
    """The settings dialog's channel levels, timings and on-call list reach the running notifier."""
    from controlroom.notify import reconfigure_from_settings
    from controlroom.settings import Settings

    gw, lead, clock = Gateway(), Gateway(), ManualClock()
    target = TargetConfig("gw", "json", gw.url, levels=("critical", "warning"))
    n = notifier([target, TargetConfig("lead", "json", lead.url, oncall_only=True)], clock,
                 levels=("critical",))
    try:
        n.submit([tr(sku="W1", level="warning")])
        clock.advance(10)
        assert n.pump() == 0  # warning's channels have no webhook
        s = Settings().with_changes({"notify.warning_channels": ["panel", "webhook"], "notify.group_wait_s": 2.0,
                                     "notify.escalate_to": ["lead"], "notify.escalate_after_min": 1.0})
        reconfigure_from_settings(n, s.notify)
        n.submit([tr(sku="W2", level="warning"), tr(sku="HOT1")])
        clock.advance(2)
        assert n.pump() == 2  # the new group wait; warning now goes out
        assert n.flush(5)
        assert sorted(g["groups"][0]["firing"][0]["sku"] for g in gw.bodies()) == ["HOT1", "W2"]
        clock.advance(58)
        n.pump()
        assert n.flush(5) and "HOT1" in lead.bodies()[0]["escalation"]  # the new on-call list, after 1 min
    finally:
        n.close()
        gw.close()
        lead.close()
