"""Fixtures for desktop tests: a demo database copied per test, and the real main window
opened on it exactly as `revdesk` does (bootstrap, Application, show, start-up check).

The demo data is built once per session (300 accounts, seed 1, as of 23/11/2026) and
copied for each test, so every test starts from the same accounts and may change them.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.application import Application
from app.billing.requests import RunAnnualBilling
from app.bootstrap import AppContext, bootstrap
from app.demo.requests import GenerateDemo
from app.models import Account, AccountParty, Hold
from app.paths import DEFAULT_SETTINGS
from app.ui.main_window import MainWindow, open_main_window
from tests.sqlite_files import copy_database

AS_OF = date(2026, 11, 23)
DEMO_ACCOUNTS = 300
OFFICER = "officer1"  # made by the demo data as an officer in the Recovery team

OpenWindow = Callable[..., MainWindow]


def make_template(source: Path, path: Path, settings: Path, fill: Callable[[AppContext], Any]) -> Path:
    """Copy `source` to `path` and `fill` it as admin, once a session; the WAL is folded back
    into the one file so each test can copy it."""
    shutil.copyfile(source, path)
    ctx = bootstrap(f"sqlite:///{path}", str(settings), "admin")
    try:
        fill(ctx)
        with ctx.db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ctx.db.dispose()
    return path


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(sqlite_template, tmp_path_factory.mktemp("demo") / "demo.db", DEFAULT_SETTINGS,
                         lambda ctx: Application(ctx).execute(GenerateDemo(accounts=DEMO_ACCOUNTS, seed=1, as_of=AS_OF)))


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    return copy_database(demo_template, tmp_path, "demo.db")


@pytest.fixture
def open_window(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenWindow]:
    """Open the real main window on a database; closed (workers finished) afterwards.
    `username` acts on an embedded database; on a server the URL's login does. A start-up
    error fails the test with its sentence (offscreen, its modal box would wait forever)."""
    opened: list[MainWindow] = []

    def refuse_to_start(message: str) -> None:
        raise AssertionError(f"the window did not open: {message}")

    monkeypatch.setattr("app.ui.main_window.show_startup_error", refuse_to_start)

    def _open(url: str, username: str = OFFICER, *, settings: Path = DEFAULT_SETTINGS, today: date = AS_OF) -> MainWindow:
        acting = username if url.startswith("sqlite") else None
        window = open_main_window(url, str(settings), acting, today=lambda: today)
        assert window is not None, "the window did not open"
        opened.append(window)
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: not window.runner.busy)  # start-up check done
        return window

    yield _open
    for window in opened:
        window.close()
        window.runner.wait_for_done()
        window.app.close()


@pytest.fixture
def window(open_window: OpenWindow, demo_url: str) -> MainWindow:
    return open_window(demo_url)


def account_refs(url: str, *, held: bool = False, joint: bool = False) -> list[str]:
    """Demo accounts with a hold or a joint taxpayer, straight from the database (the UI
    has no such list yet), to open in the account view."""
    ctx = bootstrap(url, str(DEFAULT_SETTINGS), "admin", migrate=False)
    try:
        stmt = select(Account.account_ref).order_by(Account.account_ref)
        if held:
            stmt = stmt.join(Hold, Hold.account_id == Account.id).where(Hold.end_date.is_(None), Hold.start_date <= AS_OF)
        if joint:
            stmt = stmt.join(AccountParty, AccountParty.account_id == Account.id).where(AccountParty.ordinal == 1)
        with ctx.db.uow() as uow:
            return list(dict.fromkeys(uow.session.scalars(stmt)))
    finally:
        ctx.db.dispose()


# --- the shared examples (five accounts, settings for 2025/26), for billing and liability ---

EXAMPLE_ISSUE = date(2025, 3, 10)
EXAMPLE_TODAY = date(2025, 7, 1)


@pytest.fixture(scope="session")
def examples_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example properties, accounts and payments, not yet billed."""
    from tests.conftest import EXAMPLES
    from tests.services.helpers import load_examples

    return make_template(sqlite_template, tmp_path_factory.mktemp("examples") / "examples.db",
                         EXAMPLES / "settings.toml", lambda ctx: load_examples(ctx, EXAMPLES))


@pytest.fixture(scope="session")
def billed_template(examples_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples after annual billing for 2025/26 (issued 10/03/2025), as the billing tests do."""
    from tests.conftest import EXAMPLES

    return make_template(examples_template, tmp_path_factory.mktemp("billed") / "billed.db",
                         EXAMPLES / "settings.toml",
                         lambda ctx: Application(ctx).execute(RunAnnualBilling(year=2025, as_of=EXAMPLE_ISSUE)))


@pytest.fixture
def examples_url(examples_template: Path, tmp_path: Path) -> str:
    return copy_database(examples_template, tmp_path, "examples.db")


@pytest.fixture
def billed_url(billed_template: Path, tmp_path: Path) -> str:
    return copy_database(billed_template, tmp_path, "billed.db")


@pytest.fixture
def open_examples(open_window: OpenWindow) -> Callable[..., MainWindow]:
    """Open the window on an examples database with the example settings, as of 01/07/2025."""
    from tests.conftest import EXAMPLES

    def _open(url: str, username: str = "admin", today: date = EXAMPLE_TODAY) -> MainWindow:
        return open_window(url, username, settings=EXAMPLES / "settings.toml", today=today)

    return _open


@pytest.fixture(autouse=True)
def _no_key_left_held() -> Iterator[None]:
    """A test that leaves Qt believing a modifier is held (a key release sent to a widget
    its own shortcut hid) turns the next test's `selectRow` into Ctrl+click: fail it here."""
    from PySide6.QtGui import QGuiApplication

    yield
    held = QGuiApplication.keyboardModifiers()
    assert held == Qt.KeyboardModifier.NoModifier, f"the test left {held} held"


def hold_after_first_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a chunked run (`Application.execute` with progress) wait after its first chunk
    until Cancel is pressed, so a cancel-and-resume test is deterministic; `monkeypatch.undo()`
    restores it."""
    original = Application.execute

    def held(self: Application, *args: Any, progress: Any = None, cancelled: Any = None, **kwargs: Any) -> Any:
        if progress is None:
            return original(self, *args, cancelled=cancelled, **kwargs)
        chunks: list[int] = []

        def counted(done: int, total: int) -> None:
            chunks.append(done)
            progress(done, total)

        def gate() -> bool:
            deadline = time.monotonic() + 10
            while chunks and not cancelled() and time.monotonic() < deadline:
                time.sleep(0.005)
            return bool(cancelled())

        return original(self, *args, progress=counted, cancelled=gate, **kwargs)

    monkeypatch.setattr(Application, "execute", held)


def open_account(qtbot: QtBot, window: MainWindow, ref: str) -> None:
    view = window.accounts.account
    window.accounts.open_account(ref)
    qtbot.waitUntil(lambda: view.summary is not None and view.summary.account_ref == ref, timeout=5000)


# --- case work: users with roles and teams on the examples database ---

CASEWORK_USERS = (("olivia", "officer", "Recovery"), ("oscar", "officer", "Recovery"),
                  ("tom", "team_leader", "Recovery"), ("priya", "team_leader", "Recovery"))


def add_users(url: str) -> None:
    """Officers olivia and oscar, team leaders tom and priya, all in the Recovery team."""
    from app.users import directory as users
    from app.users.roles import Role
    from tests.conftest import EXAMPLES

    ctx = bootstrap(url, str(EXAMPLES / "settings.toml"), "admin", migrate=False)
    try:
        for name, role, team in CASEWORK_USERS:
            with ctx.db.uow() as uow:
                users.add_user(uow, ctx.actor, name, Role.parse(role), team=team)
    finally:
        ctx.db.dispose()


def other_application(url: str, username: str) -> Application:
    """Another person at another desk, on the same database (close it after)."""
    from tests.conftest import EXAMPLES

    return Application(bootstrap(url, str(EXAMPLES / "settings.toml"), username, migrate=False))
