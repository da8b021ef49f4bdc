"""The session log: every live session saved to one SQLite file (see docs/session-log.md).

* :class:`SessionLog` — the writer (one background thread, group commit, WAL).
* :func:`open_log` / :class:`LogReader` — reading, with ordered, fast event iteration.
* :func:`default_log_path` — where a room's log goes when ``--log`` is not given.
"""
from controlroom.log.paths import data_dir, default_log_path, sessions_dir
from controlroom.log.reader import LogReader, iter_event_batches, iter_events, open_log
from controlroom.log.schema import APPLICATION_ID, SCHEMA_VERSION, LogFormatError
from controlroom.log.writer import SessionLog

__all__ = [
    "SessionLog", "LogReader", "open_log", "iter_events", "iter_event_batches", "default_log_path",
    "data_dir", "sessions_dir", "SCHEMA_VERSION", "APPLICATION_ID", "LogFormatError",
]
