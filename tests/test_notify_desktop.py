"""Desktop notifications on a private D-Bus session bus, and the level sounds' schedule.

The bus is ``dbus-run-session``'s own (never the user's); the notification service on it
is tests/dbus_notify_server.py, which reports every call it gets as a JSON line.  The
desk's channels (ui.desk.channels) send to it through the product's DesktopNotifier.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from controlroom.settings import Settings
from controlroom.state.view import AlertView, EpisodeView, ViewSnapshot

HERE = Path(__file__).resolve().parent


class NotifyServer:
    """tests/dbus_notify_server.py under dbus-run-session; its JSON lines arrive on ``lines``."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(["dbus-run-session", "--", sys.executable, str(HERE / "dbus_notify_server.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, env={**os.environ, "PYTHONPATH": str(HERE.parent)})
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        first = self.next(20)
        assert "ready" in first, first
        self.address = first["ready"]

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def next(self, timeout: float = 10.0) -> dict:
        return self.lines.get(timeout=timeout)

    def click(self, nid: int) -> None:
        self.proc.stdin.write(f"click {nid}\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture
def bus():
    if shutil.which("dbus-run-session") is None:
        if os.environ.get("CI"):
            pytest.fail("dbus-run-session is missing: .ci/run installs the Debian package dbus")
        pytest.skip("dbus-run-session not installed (apt-get install dbus)")
    srv = NotifyServer()
    yield srv
    srv.close()


def alert(sku, level, *, state="firing", acked=False, snoozed_until=None, available=3, reason=None):
    return AlertView(key=f"{sku}:{level}", sku=sku, level=level, state=state, since_ts=100.0,
                     reason=reason or f"{sku}: available {available}, sells out in about 40 s", available=available,
                     acked=acked, snoozed_until=snoozed_until)


def snap(version, *alerts, ts=110.0):
    """A snapshot with these alerts, each the one alert behind its own episode (id ``ep:<key>``): the
    desk's channels act on episodes."""
    eps = tuple(EpisodeView(id=f"ep:{a.key}", sku=a.sku, level=a.level, state=a.state, reason=a.reason,
                            start_ts=a.since_ts, alert_key=a.key, available=a.available, acked=a.acked)
                for a in alerts)
    return ViewSnapshot(version=version, ts=ts, room="demo", alerts=tuple(alerts), episodes=eps)


def test_a_critical_alert_sends_a_desktop_notification_and_a_warning_does_not(bus, qtbot):
    from controlroom.notify.desktop import DesktopNotifier
    from ui.desk.channels import DeskChannels
    from ui.sound import AlertSound

    settings = Settings()
    assert "desktop" in settings.notify.critical_channels and "desktop" not in settings.notify.warning_channels
    desk = DesktopNotifier(bus=bus.address).start()
    ch = DeskChannels(AlertSound(backend="silent"), desk)
    try:
        # In one snapshot: a critical, a warning, another critical.  Notifications go out in order on
        # one connection, so had the warning been sent it would be between the two.
        ch.update_from(snap(1, alert("HOT1", "critical"), alert("W1", "warning"), alert("HOT2", "critical")),
                       settings)
        got = [bus.next(), bus.next()]
        assert [g["call"] for g in got] == ["Notify", "Notify"]
        assert [g["summary"].rsplit(" · ", 1)[1] for g in got] == ["HOT1", "HOT2"]
        assert got[0]["body"] == "HOT1: available 3, sells out in about 40 s"  # the one-line reason
        assert got[0]["urgency"] == 2 and got[0]["actions"][0] == "default" and got[0]["app"] == "controlroom"
        # A warning configured with "desktop" would be sent: the channel setting decides, not a hard-wired level.
        loud = settings.with_changes({"notify.warning_channels": ["panel", "desktop"]})
        ch.update_from(snap(2, alert("HOT1", "critical"), alert("W1", "warning"), alert("W2", "warning"),
                            alert("HOT2", "critical")), loud)
        third = bus.next()
        assert third["summary"].endswith("W2")  # W1 was already seen (and not sent) under the old setting
        # Clicking a notification brings the desk to that SKU.
        with qtbot.waitSignal(ch.jumpToSku, timeout=10000) as sig:
            bus.click(got[1]["id"])
        assert sig.args == ["HOT2"]
        assert bus.next()["clicked"] == got[1]["id"]
        # Acknowledging withdraws the notification; so does the alert resolving.
        ch.update_from(snap(3, replace(alert("HOT1", "critical"), acked=True), alert("W2", "warning"),
                            alert("HOT2", "critical")), settings)
        assert bus.next() == {"call": "CloseNotification", "id": got[0]["id"]}
        ch.update_from(snap(4, replace(alert("HOT1", "critical"), acked=True), alert("W2", "warning")), settings)
        assert bus.next() == {"call": "CloseNotification", "id": got[1]["id"]}
        assert desk.state == "up" and desk.sent == 3
        with pytest.raises(queue.Empty):
            bus.next(0.5)  # nothing else was sent
    finally:
        desk.stop()


def test_desktop_notifier_without_a_bus_says_off_and_never_blocks(tmp_path):
    from controlroom.notify.desktop import DesktopNotifier

    d = DesktopNotifier(bus=f"unix:path={tmp_path}/no-such-bus").start()
    d.notify("K", "summary", "body")  # queued: returns at once
    d._thread.join(10)
    assert d.state == "off" and d.error


def test_the_critical_sound_repeats_until_acknowledged_and_warning_is_softer(qtbot):
    import ui.desk.channels as channels
    from ui.desk.channels import DeskChannels
    from ui.sound import SOUNDS, AlertSound, peak, tone_wav_bytes

    # Warning is softer than critical, and each level sounds different.
    assert peak(tone_wav_bytes("warning")) < 0.5 * peak(tone_wav_bytes("critical"))
    assert len({SOUNDS[n][0] for n in SOUNDS}) == len(SOUNDS)
    sound = AlertSound(backend="silent")  # the output is a no-op sink; the schedule is the desk's own
    ch = DeskChannels(sound)
    ch.repeat.setInterval(200)  # the product repeats every channels.CRITICAL_REPEAT_MS; faster here
    assert channels.CRITICAL_REPEAT_MS == 3000
    settings = Settings()
    ch.update_from(snap(1, alert("W1", "warning")), settings)
    assert sound.log == ["warning"]
    ch.update_from(snap(2, alert("W1", "warning"), alert("HOT1", "critical")), settings)
    assert sound.log == ["warning", "critical"]
    qtbot.waitUntil(lambda: sound.counts["critical"] >= 4, timeout=10000)  # repeats while nobody acts
    assert sound.counts["warning"] == 1  # a warning sounds once
    # Snoozed: silence; the snooze running out: it repeats again.
    ch.update_from(snap(3, alert("W1", "warning"), alert("HOT1", "critical", snoozed_until=200.0), ts=120.0),
                   settings)
    n = sound.counts["critical"]
    qtbot.wait(700)
    assert sound.counts["critical"] == n and not ch.repeat.isActive()
    ch.update_from(snap(4, alert("W1", "warning"), alert("HOT1", "critical", snoozed_until=200.0), ts=201.0),
                   settings)
    qtbot.waitUntil(lambda: sound.counts["critical"] >= n + 2, timeout=10000)
    # Acknowledged: it stops for good.
    ch.update_from(snap(5, alert("W1", "warning"), alert("HOT1", "critical", acked=True), ts=202.0), settings)
    n = sound.counts["critical"]
    qtbot.wait(700)
    assert sound.counts["critical"] == n and ch.repeating() == set()
    # A critical level configured without sound stays silent.
    quiet = settings.with_changes({"notify.critical_channels": ["panel", "webhook"]})
    ch.update_from(snap(6, alert("HOT9", "critical"), ts=203.0), quiet)
    qtbot.wait(500)
    assert sound.counts["critical"] == n


def test_host_prompt_for_critical_low_stock_and_sold_out(qtbot):
    from ui.desk.channels import DeskChannels
    from ui.sound import AlertSound

    ch = DeskChannels(AlertSound(backend="silent"))
    prompts, cleared = [], []
    ch.hostPrompt.connect(prompts.append)
    ch.hostPromptCleared.connect(cleared.append)
    settings = Settings()
    ch.update_from(snap(1, alert("HOT1", "critical"), alert("OUT", "critical", available=0),
                        alert("W1", "warning")), settings)
    assert [(p.sku, p.kind) for p in prompts] == [("HOT1", "low_stock"), ("OUT", "sold_out")]
    ch.update_from(snap(2, alert("OUT", "critical", available=0, acked=True)), settings)
    assert sorted(cleared) == ["ep:HOT1:critical", "ep:OUT:critical"]


def test_on_the_desk_a_critical_alert_notifies_and_the_click_selects_its_sku(bus, qtbot):
    """A real demo shop, core and desk: the first critical alert shows on the private bus, a click on it
    brings the desk to that SKU."""
    from controlroom.notify.desktop import DesktopNotifier
    from ui.app import make_app
    from ui.testing import DeskHarness

    make_app("en")
    fast = {f"tiers.{t}.{k}": v for t in ("traffic_driver", "profit", "long_tail")
            for k, v in (("warning_floor", 100000.0), ("pending_s", 0.0), ("critical_horizon_min", 100000.0))}
    desk = DesktopNotifier(bus=bus.address).start()
    with DeskHarness("evening-show", seed=1, speed=30.0, overrides=fast, charts=False, desktop=desk) as h:
        # The desk notifies from its refresh on this (the GUI) thread: wait with the event loop running, not in a
        # blocking get (which passed only when the harness's first refresh already held a critical; under load
        # it did not, and nothing refreshed while the get blocked).
        qtbot.waitUntil(lambda: not bus.lines.empty(), timeout=30000)
        first = bus.next(1)
        assert first["call"] == "Notify" and first["urgency"] == 2
        sku = first["summary"].rsplit(" · ", 1)[1]
        reasons = {a.reason for a in h.bridge.current.alerts if a.sku == sku and a.level == "critical"}
        assert first["body"] in reasons
        h.window.select_sku(next(v.sku for v in h.bridge.current.skus if v.sku != sku))
        assert h.window.selected_sku != sku
        bus.click(first["id"])
        qtbot.waitUntil(lambda: h.window.selected_sku == sku, timeout=10000)


def test_the_desk_sounds_once_per_episode_and_again_only_when_it_goes_up(qtbot):
    """A SKU whose alerts flap (new alert keys, firing/recovering) is one episode: one sound; its step
    up to critical sounds (and repeats), its step back down does not."""
    from ui.desk.channels import DeskChannels
    from ui.sound import AlertSound

    sound = AlertSound(backend="silent")
    ch = DeskChannels(sound)
    settings = Settings()

    def ep_snap(version, level, key, state="firing"):
        a = AlertView(key=key, sku="A1", level=level, state=state, since_ts=100.0, reason=f"{level} A1")
        e = EpisodeView(id="ep:A1:1", sku="A1", level=level, state=state, reason=a.reason, start_ts=100.0,
                        alert_key=key)
        return ViewSnapshot(version=version, ts=110.0 + version, room="demo", alerts=(a,), episodes=(e,))

    for v in range(6):  # the warning flaps: a new alert, then recovering, then another new one...
        ch.update_from(ep_snap(v, "warning", f"A1:warning:{v // 2}", "firing" if v % 2 == 0 else "recovering"),
                       settings)
    assert sound.log == ["warning"]
    ch.update_from(ep_snap(7, "critical", "A1:critical:9"), settings)
    assert sound.log == ["warning", "critical"] and ch.repeating() == {"ep:A1:1"}
    ch.update_from(ep_snap(8, "warning", "A1:warning:3"), settings)
    assert sound.log == ["warning", "critical"] and ch.repeating() == set()
    ch.update_from(ViewSnapshot(version=9, ts=130.0, room="demo"), settings)  # ended
    ch.update_from(ep_snap(10, "warning", "A1:warning:4"), settings)  # a new episode under the same id: news
    assert sound.log == ["warning", "critical", "warning"]


def test_a_sku_joining_the_rooms_warning_wave_sounds_once_though_the_panel_shows_one_row(qtbot):
    """The warning wave (controlroom.alerts.episodes) lists many SKUs' warnings in one row; each SKU
    that joins it is still a new SKU below its warning line: one warning sound per new member, none
    for a member already told, none for the row's figures moving."""
    from ui.desk.channels import DeskChannels
    from ui.sound import AlertSound

    sound = AlertSound(backend="silent")
    ch = DeskChannels(sound)
    settings = Settings()

    def wave_snap(version, sku, group):
        e = EpisodeView(id="ep:A1:1", sku=sku, level="warning", state="firing", reason="warning",
                        start_ts=100.0, group=tuple(group))
        return ViewSnapshot(version=version, ts=110.0 + version, room="demo", episodes=(e,))

    ch.update_from(wave_snap(1, "A1", ()), settings)  # A1's own row
    assert sound.log == ["warning"]
    ch.update_from(wave_snap(2, None, ("A1", "B1")), settings)  # becomes the wave in place: B1 is news
    assert sound.log == ["warning"] * 2
    ch.update_from(wave_snap(3, None, ("A1", "B1")), settings)  # nothing new
    ch.update_from(wave_snap(4, None, ("B1",)), settings)  # A1 left (recovered): no news
    assert sound.log == ["warning"] * 2
    ch.update_from(wave_snap(5, None, ("A1", "B1", "C1")), settings)  # C1 joins (A1 was told before)
    assert sound.log == ["warning"] * 3
