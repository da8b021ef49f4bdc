"""The session log writer: tables, group commit, bounded queue, restart, bad values."""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import orjson
import pytest

from controlroom.alerts.transition import AlertTransition
from controlroom.log import LogFormatError, SessionLog, default_log_path, open_log
from controlroom.log import writer as writer_mod


def order(seq, sku="A", qty=1, ts=None, oid=None, price=1000):
    return {"v": 1, "epoch": "e1", "seq": seq, "ts": float(ts if ts is not None else 1000 + seq),
            "room": "r1", "order_id": oid or f"o{seq}", "sku": sku, "qty": qty, "price_cents": price,
            "channel": "live", "topic": "order"}


def new_log(path, **kw):
    kw.setdefault("room", "r1")
    kw.setdefault("settings", {"tiers": {"hero": {"window_min": 10}}})
    kw.setdefault("app_version", "0.1.0")
    return SessionLog(path, **kw).start()


def test_every_table_round_trips(tmp_path):
    p = tmp_path / "s.sqlite"
    log = new_log(p)
    log.skus([{"sku": "A", "name": "Alpha", "tier": "hero", "price_cents": 1000, "available": 10}])
    evs = [order(1), order(2, qty=3), {"v": 1, "epoch": "e1", "seq": 3, "ts": 1003.0, "room": "r1", "topic": "hb"}]
    log.events(evs, 1234.5)
    log.reject(1235.0, "not_json", b"{" * 2000)
    log.feed(1003.5, "stale", "3.0 s without a message")
    log.alert(AlertTransition("A:w", 1004.0, "A", "warning", "firing", "sell-out in 4 min", 6, 1.5, 240.0, 300.0))
    log.alert(AlertTransition("A:w", 1005.0, "A", "warning", "acked", "", by="ann"))
    log.action({"ts": 1006.0, "sku": "A", "op": "restock", "qty": 20, "origin": "operator", "operator": "ann",
                "command_id": "c-1", "sent_at": 1236.0, "acked_at": 1236.05, "ok": True, "error": None,
                "attempts": 2})
    log.samples([(1004.0, "A", 6, 4, 1.5, 240.0, "warning"), (1005.0, "A", 6, 4, 1.4, 250.0, "warning")])
    log.snapshot({"room": "r1", "skus": [{"sku": "A", "available": 6}]}, 1237.0)
    log.settings_changed(1007.0, {"tiers": {"hero": {"window_min": 5}}}, "ann")
    assert log.flush()
    st = log.stats
    assert st["committed"] == st["queued"] == 1 + 3 + 1 + 1 + 2 + 1 + 2 + 1 + 1
    log.close()

    c = sqlite3.connect(p)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert c.execute("SELECT epoch, seq, topic, ts, received_at, sku, qty, order_id FROM events ORDER BY id").fetchall() == [
        ("e1", 1, "order", 1001.0, 1234.5, "A", 1, "o1"), ("e1", 2, "order", 1002.0, 1234.5, "A", 3, "o2"),
        ("e1", 3, "hb", 1003.0, 1234.5, None, None, None)]
    assert orjson.loads(c.execute("SELECT raw FROM events WHERE seq = 2").fetchone()[0]) == evs[1]
    # the JSON is usable from SQL (Datasette, sqlite3 shell)
    assert c.execute("SELECT json_extract(raw, '$.price_cents') FROM events WHERE seq = 1").fetchone()[0] == 1000
    reason, raw, raw_len = c.execute("SELECT reason, raw, raw_len FROM rejects").fetchone()
    assert (reason, raw, raw_len) == ("not_json", b"{" * 512, 2000)
    assert c.execute('SELECT "key", state, "by", available, threshold FROM alerts ORDER BY id').fetchall() == [
        ("A:w", "firing", None, 6, 300.0), ("A:w", "acked", "ann", None, None)]
    row = c.execute("SELECT op, qty, origin, operator, command_id, sent_at, acked_at, ok, error, extra FROM actions").fetchone()
    assert row[:9] == ("restock", 20, "operator", "ann", "c-1", 1236.0, 1236.05, 1, None)
    assert orjson.loads(row[9]) == {"attempts": 2}
    assert c.execute("SELECT count(*) FROM samples WHERE sku='A'").fetchone()[0] == 2
    assert c.execute("SELECT sku, name, tier, price_cents, available FROM skus").fetchall() == [("A", "Alpha", "hero", 1000, 10)]
    assert c.execute("SELECT after_event_id FROM snapshots").fetchone()[0] == 3
    room, started, ended, ver, settings = c.execute("SELECT room, started_at, ended_at, app_version, settings FROM session").fetchone()
    assert room == "r1" and ver == "0.1.0" and ended >= started
    assert orjson.loads(settings) == {"tiers": {"hero": {"window_min": 10}}}

    with open_log(p) as r:
        assert r.alert_transitions()[1] == AlertTransition("A:w", 1005.0, "A", "warning", "acked", "", by="ann")
        assert r.actions()[0]["attempts"] == 2 and r.actions()[0]["ok"] is True
        assert [e["seq"] for e in r.iter_events()] == [1, 2, 3]
        assert r.settings_changes()[0]["settings"] == {"tiers": {"hero": {"window_min": 5}}}


def test_wal_mode_and_readers_see_committed_rows_while_writing(tmp_path):
    p = tmp_path / "s.sqlite"
    log = new_log(p)
    c = sqlite3.connect(p)
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    log.events([order(i) for i in range(1, 101)], 1.0)
    assert log.flush()
    with open_log(p) as r:  # a reader while the writer is still open
        assert r.count("events") == 100
        assert r.session()["ended_at"] is None
    log.close()
    with open_log(p) as r:
        assert r.session()["ended_at"] is not None


def test_group_commit_one_handoff_per_batch(tmp_path):
    log = new_log(tmp_path / "s.sqlite", commit_interval_s=0.5, batch_rows=100_000)
    for i in range(50):
        log.events([order(i * 10 + k + 1) for k in range(10)], 1.0)
    st = log.stats
    assert st["queued_items"] == 50 and st["queued"] == 500
    assert log.flush()
    st = log.stats
    assert st["committed"] == 500
    assert st["commits"] <= 3  # grouped, not one commit per call
    log.close()


def test_commit_every_interval_without_flush(tmp_path):
    p = tmp_path / "s.sqlite"
    log = new_log(p, commit_interval_s=0.05)
    log.events([order(1)], 1.0)
    deadline = time.time() + 3
    n = 0
    while time.time() < deadline:
        n = sqlite3.connect(p).execute("SELECT count(*) FROM events").fetchone()[0]
        if n:
            break
        time.sleep(0.01)
    assert n == 1
    log.close()


def test_commit_after_batch_rows(tmp_path):
    log = new_log(tmp_path / "s.sqlite", commit_interval_s=60, batch_rows=1000)
    for i in range(5):
        log.events([order(i * 1000 + k + 1) for k in range(1000)], 1.0)
    deadline = time.time() + 30  # generous: a loaded 2-core machine
    while log.stats["commits"] < 5 and time.time() < deadline:
        time.sleep(0.01)
    assert log.stats["commits"] >= 5 and log.stats["committed"] == 5000
    log.close()


def test_queue_is_bounded_and_producer_waits_without_loss(tmp_path, monkeypatch):
    orig = writer_mod.SessionLog._insert

    def slow_insert(self, kind, item, fast):
        time.sleep(0.002)
        return orig(self, kind, item, fast)

    monkeypatch.setattr(writer_mod.SessionLog, "_insert", slow_insert)
    log = new_log(tmp_path / "s.sqlite", max_queue_batches=4)
    for i in range(200):
        log.events([order(i + 1)], 1.0)
    assert log.flush(10)
    st = log.stats
    assert st["max_queue_depth"] <= 5  # bound + the item being put
    assert st["producer_waits"] > 0
    assert st["committed"] == 200 and st["dropped"] == 0
    log.close()


def test_unbindable_values_take_the_slow_path_without_loss(tmp_path):
    p = tmp_path / "s.sqlite"
    log = new_log(p)
    big = order(1, qty=2**70)
    odd = order(2)
    odd["sku"] = {"nested": [1, 2]}  # validation would refuse this; the log must still not lose it
    log.events([order(3), big, odd], 1.0)
    log.action({"ts": 1.0, "sku": "A", "op": "freeze", "command_id": "c", "ok": False, "error": "timeout",
                "weird": object()})
    assert log.flush()
    log.close()
    c = sqlite3.connect(p)
    assert c.execute("SELECT count(*) FROM events").fetchone()[0] == 3
    qty, raw = c.execute("SELECT qty, raw FROM events WHERE seq=1").fetchone()
    assert qty == pytest.approx(2.0**70)  # INTEGER affinity turns the text back into a number
    assert '"qty":1180591620717411303424' in raw  # the raw JSON keeps the exact value
    assert orjson.loads(c.execute("SELECT sku FROM events WHERE seq=2").fetchone()[0]) == {"nested": [1, 2]}
    assert c.execute("SELECT ok, error FROM actions").fetchone() == (0, "timeout")


def test_producers_on_several_threads(tmp_path):
    log = new_log(tmp_path / "s.sqlite")

    def produce(k):
        for i in range(100):
            log.events([order(k * 1000 + i * 5 + j + 1) for j in range(5)], 1.0)
            log.feed(float(i), "live", str(k))

    ts = [threading.Thread(target=produce, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert log.flush()
    assert log.stats["committed"] == log.stats["queued"] == 4 * 100 * 6
    log.close()


def test_restart_continues_the_session(tmp_path):
    p = tmp_path / "s.sqlite"
    log = new_log(p)
    log.events([order(1), order(2)], 1.0)
    log.close()
    with open_log(p) as r:
        s1 = r.session()
    time.sleep(0.05)
    log = new_log(p, settings={"tiers": {"hero": {"window_min": 7}}})
    assert log.segment == 2 and log.continued and log.gap_s >= 0.04
    with open_log(p) as r:
        assert r.session()["ended_at"] is None  # live again
    log.events([order(3)], 2.0)
    log.close()
    with open_log(p) as r:
        s = r.session()
        assert s["started_at"] == s1["started_at"]
        assert s["ended_at"] > s1["ended_at"]
        assert [g["segment"] for g in s["segments"]] == [1, 2]
        assert s["segments"][1]["previous_clean"] == 1
        assert s["segments"][1]["settings"] == {"tiers": {"hero": {"window_min": 7}}}
        assert [e["seq"] for e in r.iter_events()] == [1, 2, 3]
        feed = r.feed()
        assert feed[-1]["state"] == "restart" and "closed cleanly" in feed[-1]["detail"]
        assert r.settings_changes()[-1]["by"] == "restart"


def test_restart_keeps_starting_stock_of_known_skus(tmp_path):
    p = tmp_path / "s.sqlite"
    log = new_log(p)
    log.skus([{"sku": "A", "name": "Alpha", "tier": "hero", "price_cents": 1000, "available": 10}])
    log.close()
    log = new_log(p)
    log.skus([{"sku": "A", "name": "Alpha 2", "tier": "hero", "price_cents": 1200, "available": 3},
              {"sku": "B", "name": "Beta", "tier": "core", "price_cents": 500, "available": 7}])
    log.close()
    with open_log(p) as r:
        assert [(s["sku"], s["name"], s["price_cents"], s["available"]) for s in r.skus()] == [
            ("A", "Alpha 2", 1200, 10), ("B", "Beta", 500, 7)]


def test_restart_with_another_room_is_refused(tmp_path):
    p = tmp_path / "s.sqlite"
    new_log(p).close()
    with pytest.raises(LogFormatError):
        SessionLog(p, room="other", settings={}, app_version="x").start()


def test_foreign_and_newer_files_are_refused(tmp_path):
    p = tmp_path / "foreign.sqlite"
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE stuff (x)")
    c.commit()
    c.close()
    with pytest.raises(LogFormatError):
        new_log(p)
    with pytest.raises(LogFormatError):
        open_log(p)
    p2 = tmp_path / "newer.sqlite"
    new_log(p2).close()
    c = sqlite3.connect(p2)
    c.execute("PRAGMA user_version = 99")
    c.close()
    with pytest.raises(LogFormatError, match="newer"):
        open_log(p2)
    with pytest.raises(LogFormatError, match="newer"):
        new_log(p2)


def test_calls_after_close_raise_and_flush_reports_not_running(tmp_path):
    log = new_log(tmp_path / "s.sqlite")
    log.close()
    assert log.flush() is False
    with pytest.raises(RuntimeError):
        log.events([order(1)], 1.0)


def test_default_log_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    p = default_log_path("demo evening/1", when=0)
    assert p.parent == tmp_path / "xdg" / "controlroom" / "sessions"
    assert p.name.startswith("demo_evening_1-19") and p.suffix == ".sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_log_path("r").parent == tmp_path / "home" / ".local" / "share" / "controlroom" / "sessions"
    # macOS and Windows: platformdirs' rules (Application Support, %LOCALAPPDATA%), see controlroom.places.
    import platformdirs

    assert default_log_path("r").parent == \
        Path(platformdirs.user_data_dir("controlroom", appauthor=False)) / "sessions"


def test_one_writer_per_file(tmp_path):
    p = tmp_path / "s.sqlite"
    log = new_log(p)
    with pytest.raises(LogFormatError, match="another controlroom process"):
        new_log(p)
    with open_log(p) as r:  # readers are welcome while it is written
        assert r.count("events") == 0
    log.close()
    assert not (tmp_path / "s.sqlite.lock").exists()
    new_log(p).close()  # free again after a clean close
