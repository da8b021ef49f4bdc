"""Alert state machines (pending -> firing -> recovering -> resolved), unit level."""
from __future__ import annotations

from controlroom.alerts import ALERT_LEVELS, ALERT_STATES, AlertBook, AlertTransition, to_view
from controlroom.state.view import AlertView


def step(book, ts, enter, clear, out, pending=10.0, recover=60.0, sku="A1", level="warning"):
    return book.step(sku, level, ts, enter, clear, pending, recover, "why", out, (5, 1.0, 60.0, 10.0))


def states(out):
    return [(t.ts, t.state) for t in out]


def test_pending_then_firing_after_the_pending_period():
    book, out = AlertBook(), []
    step(book, 0, True, False, out)
    step(book, 5, True, False, out)
    assert states(out) == [(0, "pending")]
    step(book, 10, True, False, out)
    assert states(out) == [(0, "pending"), (10, "firing")]
    assert book.fired == 1
    a = book.get("A1", "warning")
    assert a.since_ts == 10 and a.started_ts == 0
    assert all(t.key == a.key for t in out)


def test_zero_pending_fires_at_once():
    book, out = AlertBook(), []
    step(book, 0, True, False, out, pending=0)
    assert states(out) == [(0, "firing")]


def test_pending_that_clears_never_fires():
    book, out = AlertBook(), []
    step(book, 0, True, False, out)
    step(book, 3, False, True, out)
    assert states(out) == [(0, "pending"), (3, "resolved")]
    assert book.fired == 0 and book.active == {} and book.history == []


def test_pending_holds_in_the_hysteresis_band():
    book, out = AlertBook(), []
    step(book, 0, True, False, out)
    step(book, 4, False, False, out)  # between the lines: neither entered nor cleared
    step(book, 10, True, False, out)
    assert states(out)[-1] == (10, "firing")


def test_recovering_then_resolved_after_recover_period():
    book, out = AlertBook(), []
    step(book, 0, True, False, out, pending=0)
    step(book, 10, False, True, out)
    step(book, 69, False, True, out)
    assert states(out) == [(0, "firing"), (10, "recovering")]
    step(book, 70, False, True, out)
    assert states(out)[-1] == (70, "resolved")
    assert len(book.history) == 1
    h = book.history[0]
    assert isinstance(h, AlertView) and h.state == "resolved" and h.ended_ts == 70


def test_reentering_while_recovering_keeps_the_same_alert():
    book, out = AlertBook(), []
    step(book, 0, True, False, out, pending=0)
    key = out[0].key
    step(book, 10, False, True, out)
    step(book, 20, True, False, out)
    step(book, 30, False, True, out)
    step(book, 89, False, True, out)
    assert [s for _, s in states(out)] == ["firing", "recovering", "firing", "recovering"]
    assert {t.key for t in out} == {key}
    assert book.fired == 1
    step(book, 90, False, True, out)
    assert out[-1].state == "resolved"
    # a later condition is a new alert
    step(book, 200, True, False, out, pending=0)
    assert out[-1].key != key and book.fired == 2


def test_band_during_recovery_neither_refires_nor_resolves():
    book, out = AlertBook(), []
    step(book, 0, True, False, out, pending=0)
    step(book, 10, False, True, out)
    step(book, 100, False, False, out)
    assert out[-1].state == "recovering"
    step(book, 101, False, True, out)
    assert out[-1].state == "resolved"


def test_fire_now_skips_pending_and_reports_newness():
    book, out = AlertBook(), []
    a, new = book.fire_now("A1", "critical", 5, "at safety stock", out, (3, 2.0, 10.0, 5.0))
    assert new and a.state == "firing" and states(out) == [(5, "firing")]
    a2, new2 = book.fire_now("A1", "critical", 6, "again", out)
    assert a2 is a and not new2 and len(out) == 1
    t = out[0]
    assert (t.available, t.threshold, t.rate_per_min, t.predicted_sellout_s) == (3, 5.0, 2.0, 10.0)


def test_levels_are_independent_per_sku():
    book, out = AlertBook(), []
    step(book, 0, True, False, out, pending=0, sku="A1", level="warning")
    step(book, 0, True, False, out, pending=0, sku="A1", level="watch")
    step(book, 0, True, False, out, pending=0, sku="B2", level="warning")
    assert len({t.key for t in out}) == 3
    assert book.level_of("A1") == "warning" and book.level_of("B2") == "warning" and book.level_of("C3") == "ok"
    book.resolve_sku("A1", 1, out, "frozen")
    assert book.level_of("A1") == "ok" and book.level_of("B2") == "warning"
    assert [t.reason for t in out if t.state == "resolved"] == ["frozen", "frozen"]


def test_sorted_active_most_severe_first():
    book, out = AlertBook(), []
    step(book, 0, True, False, out, pending=0, sku="A1", level="watch")
    step(book, 1, True, False, out, pending=0, sku="B2", level="warning")
    book.fire_now(None, "feed", 2, "stale", out)
    book.fire_now("C3", "critical", 3, "x", out)
    assert [a.level for a in book.sorted_active()] == ["feed", "critical", "warning", "watch"]


def test_ack_and_snooze_transitions():
    book, out = AlertBook(), []
    step(book, 0, True, False, out, pending=0)
    key = out[0].key
    t = book.ack(key, "lin", 5)
    assert isinstance(t, AlertTransition) and (t.state, t.by) == ("acked", "lin")
    assert book.ack(key, "lin", 6) is None
    t = book.snooze(key, 10, "lin", 7)
    assert (t.state, t.until, t.by) == ("snoozed", 607, "lin")
    assert book.snooze(key, 0, "lin", 7) is None
    exp = []
    book.expire_silences(606, exp)
    assert exp == []
    book.expire_silences(607, exp)
    assert len(exp) == 1 and exp[0].reason == "snooze expired" and exp[0].state == "firing"
    v = to_view(book.get("A1", "warning"))
    assert v.acked and v.snoozed_until is None


def test_history_is_bounded_and_skips_never_fired():
    book, out = AlertBook(history_max=3), []
    for i in range(6):
        step(book, i * 10, True, False, out, pending=0, sku=f"S{i}")
        book.resolve_level(f"S{i}", "warning", i * 10 + 1, out, "done")
    step(book, 100, True, False, out, sku="P")
    book.resolve_level("P", "warning", 101, out, "done")  # never fired
    assert [h.sku for h in book.history] == ["S3", "S4", "S5"]


def test_transition_rows_carry_the_log_columns():
    book, out = AlertBook(), []
    step(book, 0, True, False, out, pending=0)
    row = out[0].as_row()
    assert set(row) == {"key", "ts", "sku", "level", "state", "reason", "available", "rate_per_min",
                        "predicted_sellout_s", "threshold", "by", "until"}
    assert row["level"] in ALERT_LEVELS and row["state"] in ALERT_STATES


def test_pending_that_fires_in_the_band_says_so_with_the_entry_numbers():
    # The firing reason must agree with its numbers: a pending alert whose values are only in
    # the hysteresis band when its pending period is over reports what started it (with those
    # numbers) and what holds now, not "available X below line Y" with numbers that are not.
    book, out = AlertBook(), []
    book.step("A1", "warning", 0, True, False, 10, 60, "available 950 below warning line 960", out,
              (950, 1.0, 60.0, 960.0), band_reason="x")
    book.step("A1", "warning", 12, False, False, 10, 60, "available 1013 below warning line 960", out,
              (1013, 1.0, 60.0, 960.0), band_reason="available 1013 under the exit line 1104")
    t = out[-1]
    assert t.state == "firing" and t.available == 1013
    assert t.reason.startswith("available 950 below warning line 960 (12 s ago, not cleared since:")
    assert "available 1013 under the exit line 1104" in t.reason
    assert "1013 below" not in t.reason


def test_recovering_and_cleared_transitions_say_why_it_cleared():
    book, out = AlertBook(), []
    book.step("A1", "warning", 0, True, False, 0, 60, "available 5 below line 10", out, (5, 1.0, 60.0, 10.0),
              clear_reason="available 12 back above 11.5")
    book.step("A1", "warning", 5, False, True, 0, 60, "available 12 below line 10", out, (12, 1.0, 60.0, 10.0),
              clear_reason="available 12 back above 11.5")
    assert out[-1].state == "recovering" and out[-1].reason == "recovering: available 12 back above 11.5"
    assert "below" not in out[-1].reason
