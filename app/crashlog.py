"""Where the details of a failure go: a log file in the user's data folder.

A person is told one sentence; the traceback behind it belongs in a file IT can ask for,
not on a console (the windowed build has none, and a traceback on a terminal is noise to an
officer). The file is `revenues-desk.log` in the user's data folder (see docs/deploying.md),
kept to a few hundred kilobytes by rotation. When that folder cannot be written, the details
go to the temporary folder's copy instead, and the sentence says which.
"""

from __future__ import annotations

import logging
import logging.handlers
import tempfile
from pathlib import Path
from types import TracebackType

LOG_NAME = "revenues-desk.log"
LOG_BYTES = 512 * 1024
LOG_BACKUPS = 2
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_handler: logging.Handler | None = None
_path: Path | None = None


class NoWritableFolder(Exception):
    """Neither the user's data folder nor the temporary folder takes a file."""


def data_folder() -> Path:
    """The user's data folder, created if need be (app.config.user_data_dir), or OSError."""
    from app.config import user_data_dir

    return user_data_dir()


def log_path() -> Path:
    """Where the log is (or would be) written: the data folder, else the temporary folder."""
    from app.config import DataFolderUnavailable

    try:
        return data_folder() / LOG_NAME
    except (OSError, DataFolderUnavailable):
        return Path(tempfile.gettempdir()) / LOG_NAME


def start_logging(level: int = logging.WARNING) -> Path | None:
    """Send warnings and errors (`level` and above) to the log file, once per process; the
    file's path, or None when no folder takes it (then nothing is logged, and nothing
    reaches the console either: Python's last-resort handler would print tracebacks)."""
    global _handler, _path
    if _handler is not None:
        return _path
    root = logging.getLogger()
    where = log_path()
    path: Path | None = where
    handler: logging.Handler
    try:
        handler = logging.handlers.RotatingFileHandler(where, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError:
        handler, path = logging.NullHandler(), None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    _handler, _path = handler, path
    return path


def stop_logging() -> None:
    """Detach the file (tests; a process that ends need not call it)."""
    global _handler, _path
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler, _path = None, None


def log_crash(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> Path | None:
    """Write an unexpected exception's traceback to the log; the log's path (None if none)."""
    path = start_logging()
    logging.getLogger("revenues-desk").critical("unexpected error", exc_info=(exc_type, exc, tb))
    return path


def crash_sentence(path: Path | None) -> str:
    """What a person is told after an unexpected error."""
    if path is None:
        return "Revenues Desk met an unexpected error, and no folder on this computer takes its log file."
    return f"Revenues Desk met an unexpected error; the details are in {path} (send that file to your IT team)."

