"""The core's census (controlroom.live.census) and the core child's ``census`` control line."""
from __future__ import annotations

import io
import threading

from controlroom.live.census import proc_status_mb, sqlite_mb
from controlroom.live.core_child import _read_control


def test_control_line_census_asks_and_stop_still_stops():
    stop, wanted = threading.Event(), threading.Event()
    _read_control(io.BytesIO(b"census\n"), stop, wanted)
    assert wanted.is_set()
    assert stop.is_set()  # the pipe's end stops the core, as before

    stop, wanted = threading.Event(), threading.Event()
    _read_control(io.BytesIO(b"hello\nstop\ncensus\n"), stop, wanted)
    assert stop.is_set() and not wanted.is_set()  # unknown lines ignored; nothing read after "stop"


def test_process_memory_split_and_sqlite_count():
    st = proc_status_mb()
    assert st["rssanon"] > 0 and st["rssfile"] > 0
    import sqlite3

    con = sqlite3.connect(":memory:")
    con.execute("create table t(x)")
    con.executemany("insert into t values (?)", [(b"x" * 1000,)] * 2000)
    used = sqlite_mb()
    assert used is None or used > 1.0  # 2 MB of rows held by this connection's pages
    con.close()


def test_control_line_census_trim_asks_for_both():
    stop, wanted, trim = threading.Event(), threading.Event(), threading.Event()
    _read_control(io.BytesIO(b"census trim\n"), stop, wanted, trim)
    assert wanted.is_set() and trim.is_set()
    stop, wanted, trim = threading.Event(), threading.Event(), threading.Event()
    _read_control(io.BytesIO(b"census\n"), stop, wanted, trim)
    assert wanted.is_set() and not trim.is_set()
