"""Opening a session log for review: read-only, never changed, with a one-line reason when it cannot be.

:func:`open_for_review` checks the file before SQLite reads it (exists, SQLite header, not
cut short), opens it with a read-only URI (``immutable=1`` when no writer can be at work:
no ``-wal`` file beside it; ``mode=ro`` otherwise, so a log still being written shows its
last commit) and checks that it is a session log of a version this program reads.  A log
of an older schema is read as it is (versions 1 and 2 hold every column the review reads)
or, for version 0, migrated in a private in-memory copy: the file is never migrated in
place.  Every refusal is a :class:`ReviewOpenError` whose message is one line.
"""
from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path

from controlroom.log import schema
from controlroom.log.reader import LogReader
from controlroom.log.schema import LogFormatError

__all__ = ["ReviewOpenError", "open_for_review", "is_live", "check_file"]

SQLITE_MAGIC = b"SQLite format 3\x00"


class ReviewOpenError(LogFormatError):
    """A log the review cannot open; ``str(e)`` is one line meant for the user."""


def check_file(path: Path) -> None:
    """Refuse, with one line, what is not a whole SQLite file."""
    if not path.exists():
        raise ReviewOpenError(f"{path.name}: no such file")
    if path.is_dir():
        raise ReviewOpenError(f"{path.name}: is a folder, not a session log")
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise ReviewOpenError(f"{path.name}: not a session log (not an SQLite database file)")
    page = struct.unpack(">H", head[16:18])[0]
    page = 65536 if page == 1 else page
    pages = struct.unpack(">I", head[28:32])[0]
    change, valid_for = struct.unpack(">I", head[24:28])[0], struct.unpack(">I", head[92:96])[0]
    wal = path.with_name(path.name + "-wal")
    # The in-header size is valid when its version stamp matches the change counter; a WAL can
    # hold pages beyond it, so only a file with no WAL beside it is judged by it.
    if pages and change == valid_for and not wal.exists() and size < page * pages:
        raise ReviewOpenError(f"{path.name}: truncated log ({size:,} of {page * pages:,} bytes); "
                              "copy it again from where it was written")


def is_live(path: Path) -> bool:
    """Whether a writer may be appending: a ``-wal`` file beside it and the writer's lock file."""
    return path.with_name(path.name + "-wal").exists() and path.with_name(path.name + ".lock").exists()


def _connect(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri()
    wal = path.with_name(path.name + "-wal").exists()
    # immutable=1: SQLite takes no locks and writes nothing beside the file; only safe when no
    # writer can change it (no WAL file: closed cleanly, or never in WAL mode).
    mode = "mode=ro" if wal else "immutable=1"
    conn = sqlite3.connect(f"{uri}?{mode}", uri=True, isolation_level=None, check_same_thread=False)
    return conn


def open_for_review(path: str | os.PathLike) -> LogReader:
    """A :class:`~controlroom.log.reader.LogReader` on the file, read-only; :class:`ReviewOpenError` if not."""
    p = Path(path)
    check_file(p)
    try:
        conn = _connect(p)
    except sqlite3.Error as e:
        raise ReviewOpenError(f"{p.name}: cannot open: {e}") from None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        version = schema.check_is_log(conn)
        conn.execute("SELECT room FROM session LIMIT 1").fetchone()
    except LogFormatError as e:
        conn.close()
        raise ReviewOpenError(f"{p.name}: {e}") from None
    except sqlite3.DatabaseError as e:
        conn.close()
        raise ReviewOpenError(f"{p.name}: not a readable session log ({e})") from None
    if version == 0:
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            conn.backup(mem)
            schema.migrate(mem)
        except sqlite3.DatabaseError as e:
            raise ReviewOpenError(f"{p.name}: corrupt log ({e})") from None
        finally:
            conn.close()
        conn = mem
    return LogReader.from_connection(p, conn, version)
