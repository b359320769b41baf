"""`revdesk --self-test [--db URL]`: does this installation work, on this computer?

Made for the IT team rolling Revenues Desk out, and for CI running the frozen build: each
check exercises a part that a packaging mistake would break (a SQLAlchemy dialect, psycopg,
Alembic's migration scripts, the letter templates and docxtpl, openpyxl, Qt's platform
plugins, the keyring backends), through the same code the application runs. Everything
happens in a scratch embedded database in a temporary folder, removed afterwards; the
council's server, if one is given, is only opened and read, never changed.

One line per check, `name: ok (detail)` or `name: failed: reason`; exit 0 only if all pass.
The reason is one sentence; the traceback behind it goes to the log (`app.crashlog`).
"""

from __future__ import annotations

import io
import logging
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import EXIT_FAILURE, EXIT_OK
from app.crashlog import start_logging
from app.db import first_line

if TYPE_CHECKING:
    from app.application import Application
    from app.secrets import PasswordPrompt

log = logging.getLogger(__name__)

# The keyring backend each platform's desktops use; on the others keyring has no native one.
NATIVE_KEYRINGS = {"win32": "keyring.backends.Windows", "darwin": "keyring.backends.macOS"}
LINUX_KEYRING = "keyring.backends.SecretService"
NO_USABLE_KEYRING = "no usable keyring on this computer"


class CheckFailed(Exception):
    """A check's own finding (not a crash): its message is the sentence shown."""


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{self.name}: ok ({self.detail})" if self.ok else f"{self.name}: failed: {self.detail}"


class SelfTest:
    """The checks, in order; later checks use the scratch database the first one made."""

    def __init__(self, settings_path: str | None, server_url: str | None, username: str | None,
                 prompt: PasswordPrompt | None, folder: Path) -> None:
        self.settings_path = settings_path
        self.server_url = server_url
        self.username = username
        self.prompt = prompt
        self.folder = folder
        self.scratch: Application | None = None

    def checks(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("settings", self.settings),
            ("scratch database", self.scratch_database),
            ("letter", self.letter),
            ("workbook", self.workbook),
            ("court pack encryption", self.court_pack_encryption),
            ("window", self.window),
            ("keyring", self.keyring),
            ("server driver", self.server_driver),
            ("server", self.server),
        ]

    def settings(self) -> str:
        from app.config import load_settings, settings_source

        settings = load_settings(self.settings_path)
        return f"{settings.name}, from {settings_source(self.settings_path)}"

    def scratch_database(self) -> str:
        from app.application import Application
        from app.bootstrap import bootstrap

        path = self.folder / "self-test.db"
        self.scratch = Application(bootstrap(f"sqlite:///{path}", self.settings_path, self.username))
        return f"created and migrated to revision {self.scratch.schema_revision()}, acting as {self.scratch.actor.username}"

    def _app(self) -> Application:
        if self.scratch is None:
            raise CheckFailed("needs the scratch database, which could not be made.")
        return self.scratch

    def letter(self) -> str:
        from app.letters.rendering import render
        from app.letters.specimen import specimen_notice

        content = render("demand_notice", specimen_notice())
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            body = docx.read("word/document.xml").decode("utf-8")
        if "Daniel Hughes" not in body:
            raise CheckFailed("the demand notice was made but does not carry the taxpayer's name.")
        return f"demand notice, {len(content):,} bytes"

    def workbook(self) -> str:
        from openpyxl import load_workbook

        out = self.folder / "self-test.xlsx"
        self._app().writeoff_schedule(out)
        book = load_workbook(out, read_only=True)
        try:
            sheets = book.sheetnames
        finally:
            book.close()
        if sheets != ["Schedule", "Summary"]:
            raise CheckFailed(f"the write-off schedule has the sheets {sheets}, not Schedule and Summary.")
        return f"write-off schedule, {out.stat().st_size:,} bytes"

    def court_pack_encryption(self) -> str:
        """SQLCipher (the court pack's encryption) with its OpenSSL: a scratch file encrypted with a
        random key is written, read back, and refused with another key; its bytes hold no plain text."""
        import secrets

        from sqlalchemy import text

        from app.db import make_pack_database
        from app.errors import DatabaseUnavailable

        path, key = self.folder / "self-test.pack", secrets.token_bytes(32)
        db = make_pack_database(path, key)
        try:
            with db.engine.begin() as conn:
                conn.execute(text("CREATE TABLE t (v TEXT)"))
                conn.execute(text("INSERT INTO t VALUES ('self-test marker')"))
            with db.engine.connect() as conn:
                version = conn.execute(text("PRAGMA cipher_version")).scalar()
                read = conn.execute(text("SELECT v FROM t")).scalar()
        finally:
            db.dispose()
        if read != "self-test marker" or b"self-test marker" in path.read_bytes():
            raise CheckFailed("the scratch court pack was not read back, or was not encrypted.")
        try:
            make_pack_database(path, secrets.token_bytes(32)).dispose()
        except DatabaseUnavailable:
            pass  # refused, as it must be
        else:
            raise CheckFailed("a scratch court pack opened with the wrong key.")
        return f"SQLCipher {version}: written, read back, refused with another key"

    def window(self) -> str:
        from PySide6.QtCore import qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is None:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # checked without showing anything on a desk
            qInstallMessageHandler(_qt_message_to_log)  # Qt's notes go to the log, not between the lines
        from app.ui.main_window import MainWindow, application

        qt = application()
        window = MainWindow(self._app())
        try:
            window.show()
            qt.processEvents()
            if not window.isVisible():
                raise CheckFailed("the main window did not open.")
            title = window.windowTitle()
        finally:
            window.close()
            window.deleteLater()
            qt.processEvents()
        return f"'{title}' opened and closed on Qt's {QApplication.platformName()} platform"

    def keyring(self) -> str:
        import importlib

        import keyring

        backend = keyring.get_keyring()
        if backend.priority > 0:
            return f"{type(backend).__module__}.{type(backend).__name__}"
        native = NATIVE_KEYRINGS.get(sys.platform, LINUX_KEYRING)
        try:
            importlib.import_module(native)
        except ImportError:
            raise CheckFailed(f"this installation lacks the keyring backend for this system ({native}).") from None
        raise CheckFailed(
            f"{NO_USABLE_KEYRING} (none of keyring's backends answers; on Linux the Secret Service, e.g. GNOME Keyring, "
            "must be running): server passwords are asked at each start instead of remembered."
        )

    def server_driver(self) -> str:
        """What a council server needs on every desktop, checked even when no server is given:
        SQLAlchemy's PostgreSQL dialect loads psycopg, and psycopg finds a libpq wrapper."""
        from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

        psycopg = PGDialect_psycopg.import_dbapi()  # type: ignore[no-untyped-call]
        return f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__} libpq wrapper, libpq {psycopg.pq.version()})"

    def server(self) -> str:
        if not self.server_url:
            return "none given: pass --db or configure one to check it"
        from app.application import Application
        from app.bootstrap import bootstrap
        from app.db import SCHEMA_HEAD, current_revision, describe, make_database

        db = make_database(self.server_url, prompt=self.prompt)
        try:
            revision = current_revision(db)
            where = describe(db.url)
        finally:
            db.dispose()
        if revision != SCHEMA_HEAD:
            raise CheckFailed(
                f"{where} answers, but its schema is at revision {revision or 'none (an empty database)'} and this "
                f"version needs {SCHEMA_HEAD}: the schema's owner upgrades it once with revdesk db upgrade."
            )
        app = Application(bootstrap(self.server_url, self.settings_path, self.username, migrate=False, prompt=self.prompt))
        try:
            return f"{where}, schema at {revision}, you are {app.actor.username} ({app.actor.role.label})"
        finally:
            app.close()

    def close(self) -> None:
        if self.scratch is not None:
            self.scratch.close()


def _qt_message_to_log(mode: object, context: object, message: str) -> None:
    log.info("Qt: %s", message)


def run_check(name: str, check: Callable[[], str]) -> Outcome:
    """One check's outcome; any exception is a failure in one sentence, its traceback logged."""
    try:
        return Outcome(name, True, check())
    except CheckFailed as exc:
        return Outcome(name, False, str(exc))
    except Exception as exc:  # a self-test reports every failure, whatever it is
        log.exception("self-test check %r failed", name)
        return Outcome(name, False, first_line(exc) or type(exc).__name__)


@contextmanager
def scratch_folder() -> Iterator[Path]:
    # ignore_cleanup_errors: on Windows a file a library still holds must not turn ok into a crash
    with tempfile.TemporaryDirectory(prefix="revdesk-self-test-", ignore_cleanup_errors=True) as folder:
        yield Path(folder)


def self_test(settings_path: str | None, server_url: str | None, username: str | None = None, *,
              prompt: PasswordPrompt | None = None, out: TextIO | None = None) -> int:
    """Run every check, print one line each as it finishes, then a summary; 0 only if all pass."""
    stream = out or sys.stdout
    start_logging()
    outcomes: list[Outcome] = []
    with scratch_folder() as folder:
        test = SelfTest(settings_path, server_url, username, prompt, folder)
        try:
            for name, check in test.checks():
                outcome = run_check(name, check)
                outcomes.append(outcome)
                print(outcome.line(), file=stream, flush=True)
        finally:
            test.close()
    failed = [o.name for o in outcomes if not o.ok]
    if failed:
        print(f"Self-test failed: {', '.join(failed)}.", file=stream)
        return EXIT_FAILURE
    print(f"Self-test passed: all {len(outcomes)} checks ok.", file=stream)
    return EXIT_OK
