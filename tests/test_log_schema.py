"""Schema version and migrations: a v0 (unversioned draft) log opens, is readable and continues."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from controlroom.log import SCHEMA_VERSION, SessionLog, open_log
from controlroom.log import schema


def make_v0_log(path: Path) -> None:
    """The draft layout before versioning (user_version 0), written by hand as old builds did."""
    c = sqlite3.connect(path)
    c.executescript("""
    CREATE TABLE session (id INTEGER PRIMARY KEY, room TEXT, started_at REAL, ended_at REAL,
                          app_version TEXT, settings TEXT);
    CREATE TABLE skus (sku TEXT PRIMARY KEY, name TEXT, tier TEXT, price_cents INTEGER, available INTEGER);
    CREATE TABLE events (id INTEGER PRIMARY KEY, epoch TEXT, seq INTEGER, topic TEXT, ts REAL,
                         received_at REAL, sku TEXT, qty INTEGER, order_id TEXT);
    CREATE TABLE rejects (id INTEGER PRIMARY KEY, received_at REAL, reason TEXT, raw BLOB);
    CREATE TABLE feed (id INTEGER PRIMARY KEY, ts REAL, state TEXT, detail TEXT);
    CREATE TABLE alerts (id INTEGER PRIMARY KEY, ts REAL, sku TEXT, level TEXT, state TEXT, reason TEXT,
                         available INTEGER, rate_per_min REAL, predicted_sellout_s REAL, threshold REAL);
    CREATE TABLE actions (id INTEGER PRIMARY KEY, ts REAL, sku TEXT, op TEXT, qty INTEGER, origin TEXT,
                          operator TEXT, command_id TEXT, sent_at REAL, acked_at REAL, ok INTEGER, error TEXT);
    CREATE TABLE samples (id INTEGER PRIMARY KEY, ts REAL, sku TEXT, available INTEGER, sold INTEGER,
                          rate_per_min REAL, predicted_sellout_s REAL, level TEXT);
    INSERT INTO session VALUES (1, 'old-room', 100.0, 200.0, '0.0.9', '{"w": 1}');
    INSERT INTO skus VALUES ('A', 'Alpha', 'hero', 1000, 5);
    INSERT INTO events VALUES (1, 'e0', 1, 'order', 110.0, 110.1, 'A', 2, 'o1');
    INSERT INTO events VALUES (2, 'e0', 2, 'hb', 111.0, 111.1, NULL, NULL, NULL);
    INSERT INTO events VALUES (3, 'e0', 3, 'cancel', 112.0, 112.1, 'A', 1, 'o1');
    INSERT INTO rejects VALUES (1, 113.0, 'not_json', x'7b7b');
    INSERT INTO feed VALUES (1, 100.0, 'connected', '');
    INSERT INTO alerts VALUES (1, 115.0, 'A', 'warning', 'firing', 'low', 3, 1.0, 180.0, 300.0);
    INSERT INTO actions VALUES (1, 116.0, 'A', 'restock', 10, 'operator', 'ann', 'c1', 116.0, 116.2, 1, NULL);
    INSERT INTO samples VALUES (1, 115.0, 'A', 3, 2, 1.0, 180.0, 'warning');
    """)
    c.commit()
    c.close()


def test_v0_fixture_is_really_old(tmp_path):
    p = tmp_path / "v0.sqlite"
    make_v0_log(p)
    c = sqlite3.connect(p)
    assert c.execute("PRAGMA user_version").fetchone()[0] == 0
    assert "raw" not in {r[1] for r in c.execute("PRAGMA table_info(events)")}


def test_v0_log_opens_for_review(tmp_path):
    p = tmp_path / "v0.sqlite"
    make_v0_log(p)
    with open_log(p) as r:
        assert r.file_version == 0 and r.schema_version == SCHEMA_VERSION
        s = r.session()
        assert s["room"] == "old-room" and s["settings"] == {"w": 1}
        assert [g["segment"] for g in s["segments"]] == [1]
        evs = list(r.iter_events())
        assert evs == [
            {"v": 1, "epoch": "e0", "seq": 1, "ts": 110.0, "topic": "order", "sku": "A", "qty": 2, "order_id": "o1"},
            {"v": 1, "epoch": "e0", "seq": 2, "ts": 111.0, "topic": "hb"},
            {"v": 1, "epoch": "e0", "seq": 3, "ts": 112.0, "topic": "cancel", "sku": "A", "qty": 1, "order_id": "o1"},
        ]
        t = r.alert_transitions()[0]
        assert (t.key, t.sku, t.level, t.state, t.threshold) == ("A:warning", "A", "warning", "firing", 300.0)
        assert r.rejects()[0]["raw_len"] == 2
        assert r.actions()[0]["acked_at"] == 116.2
    c = sqlite3.connect(p)
    assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert c.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_v0_log_continues_with_the_current_writer(tmp_path):
    p = tmp_path / "v0.sqlite"
    make_v0_log(p)
    log = SessionLog(p, room="old-room", settings={"w": 2}, app_version="0.1.0").start()
    assert log.migrated_from == 0 and log.segment == 2
    log.events([{"v": 1, "epoch": "e1", "seq": 1, "ts": 300.0, "room": "old-room", "topic": "hb"}], 300.1)
    log.close()
    with open_log(p) as r:
        assert [e["epoch"] for e in r.iter_events()] == ["e0", "e0", "e0", "e1"]
        assert r.feed()[-1]["state"] == "restart"


def test_failed_migration_leaves_the_file_untouched(tmp_path, monkeypatch):
    p = tmp_path / "v0.sqlite"
    make_v0_log(p)

    def broken(conn):
        conn.execute("ALTER TABLE events ADD COLUMN raw TEXT")
        raise RuntimeError("boom")

    monkeypatch.setitem(schema.MIGRATIONS, 0, broken)
    with pytest.raises(RuntimeError):
        open_log(p)
    c = sqlite3.connect(p)
    assert c.execute("PRAGMA user_version").fetchone()[0] == 0
    assert "raw" not in {r[1] for r in c.execute("PRAGMA table_info(events)")}


def test_every_migration_step_exists():
    assert sorted(schema.MIGRATIONS) == list(range(SCHEMA_VERSION))


def test_new_file_matches_a_migrated_v0_file(tmp_path):
    """The migrated layout has every table and column a new file has."""
    new = tmp_path / "new.sqlite"
    SessionLog(new, room="r", settings={}, app_version="x").start().close()
    old = tmp_path / "v0.sqlite"
    make_v0_log(old)
    open_log(old).close()

    def layout(path):
        c = sqlite3.connect(path)
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: {r[1] for r in c.execute(f'PRAGMA table_info("{t}")')} for t in tables}

    assert layout(old) == layout(new)


def test_every_column_is_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "session-log.md").read_text()
    for table, (cols, _) in schema.TABLES.items():
        m = re.search(rf"^### `{table}`\n(.*?)(?=^### |\Z)", doc, re.S | re.M)
        assert m, f"table {table} not documented"
        for col in cols:
            assert re.search(rf"^\| `{col}` \|", m.group(1), re.M), f"{table}.{col} not documented"
