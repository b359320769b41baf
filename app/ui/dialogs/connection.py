"""File ▸ Connect to database…: switch between the embedded database and a shared server.

The officer picks the embedded file on this computer or a PostgreSQL server (host, port,
database, user, password). "Test connection" connects once and lets go; "Connect" opens
the database on a worker (upgrading its schema, as start-up does) and only then is the
choice remembered, with the password in the OS keyring if there is one. Where there is
no usable keyring the password is used for this session only and the next start asks for
it: it is never written to a file. On success the window swaps to the new database.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton, QWidget

from app.config import default_database_url
from app.connections import DEFAULT_PORT, ConnectionTarget, Kind
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import FormDialog
from app.ui.formatting import error_sentence
from app.ui.forms import line_edit
from app.ui.widgets import label
from app.ui.workers import TaskHandle

KINDS: tuple[tuple[Kind, str], ...] = (
    ("embedded", "Embedded database on this computer"),
    ("server", "Shared PostgreSQL server"),
)


class ConnectionDialog(FormDialog):
    """Choose the database; `saved` carries the `Connected` result for the window to adopt."""

    TITLE = "Connect to a database"
    SAVE_TEXT = "Connect"
    BUSY_TEXT = "Connecting…"
    DONE_TEXT = "Connected."
    FAILED_TEXT = "Still on the database you had."

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        app = ui.app
        super().__init__(ui, f"Now: {app.database_description}", parent)
        current = app.connection_target
        self._options = current.options  # e.g. sslmode from the URL in use: not shown, kept
        self._test: TaskHandle | None = None
        self.kind = QComboBox()
        for _kind, caption in KINDS:
            self.kind.addItem(caption)
        self.kind.setCurrentIndex(0 if current.kind == "embedded" else 1)
        embedded_file = default_database_url().removeprefix("sqlite:///")
        self.embedded_path = label(embedded_file, "muted", selectable=True)
        self.embedded_path.setToolTip(embedded_file)
        self.host = line_edit("e.g. revenues-db.council.local", text=current.host or "localhost", max_length=253)
        self.port = line_edit(text=str(current.port or DEFAULT_PORT), max_length=5, width=90)
        self.database = line_edit("e.g. revenues", text=current.database, max_length=63)
        self.username = line_edit("your user name on the server", text=current.username, max_length=63)
        self.password = line_edit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Remember the password in the keyring")
        self.remember.setToolTip("Kept by this computer's keyring, never in a file")
        self.remember.setChecked(True)
        self.add_row("Database", self.kind, "kind")
        self.form.addRow("File", self.embedded_path)
        self.add_row("Server", self.host, "host")
        self.add_row("Port", self.port, "port")
        self.add_row("Database name", self.database, "database")
        self.add_row("User", self.username, "username")
        self.add_row("Password", self.password, "password")
        self.form.addRow("", self.remember)
        if os.environ.get("REVDESK_DATABASE_URL"):
            self.form.addRow("", label(
                "REVDESK_DATABASE_URL is set on this computer, so Revenues Desk starts on that database; "
                "this choice lasts until you close it.", "caption", wrap=True,
            ))
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.tested = label("", "banner-info", wrap=True)
        self.tested.setVisible(False)
        self.page.insertWidget(self.page.indexOf(self.error), self.tested)
        self.buttons.insertWidget(1, self.test_button)  # after the status text, before Cancel
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        for edit in (self.host, self.port, self.database, self.username):
            edit.editingFinished.connect(self._look_up_password)
        self._kind_changed()

    # --- reading the form ---------------------------------------------------------------

    def target(self) -> ConnectionTarget:
        kind = KINDS[self.kind.currentIndex()][0]
        port_text = self.port.text().strip()
        port = int(port_text) if port_text.isdigit() else 0
        return ConnectionTarget(kind, self.host.text().strip(), port, self.database.text().strip(),
                                self.username.text().strip(), self._options)

    def _typed_password(self) -> str | None:
        return self.password.text() or None

    def _kind_changed(self) -> None:
        server = self.target().kind == "server"
        for widget in (self.host, self.port, self.database, self.username, self.password, self.remember):
            widget.setEnabled(server)
        self.embedded_path.setEnabled(not server)
        self._look_up_password()
        self._changed()

    def _look_up_password(self) -> None:
        """Say in the password field whether the keyring holds one for this login; on a
        worker, since a keyring service may be slow or ask the desktop to unlock it."""
        target = self.target()
        self.password.setPlaceholderText("")
        if target.kind != "server" or target.problems():
            return
        self._ui.runner.run(
            lambda _task: target.has_stored_password(),
            on_success=lambda kept: self.password.setPlaceholderText(
                "kept in the keyring; type to change" if kept and self.target() == target else ""
            ),
            owner=self, description="look up a kept password",
        )

    def _changed(self, *args: Any) -> None:
        self.tested.setVisible(False)
        super()._changed(*args)
        self.test_button.setEnabled(not self.problems() and not self.saving and not self._testing())

    def problems(self) -> dict[str, str]:
        return self.target().problems()

    # --- testing and connecting -------------------------------------------------------

    def _testing(self) -> bool:
        return self._test is not None and not self._test.finished

    def test_connection(self) -> None:
        if self.problems() or self._testing():
            return
        app, target, password = self._ui.app, self.target(), self._typed_password()
        self.error.setVisible(False)
        self.tested.setVisible(False)
        self.status.setText("Testing…")
        self.test_button.setEnabled(False)
        self._test = self._ui.runner.run(
            lambda _task: app.check_connection(target, password),
            on_success=self._test_passed, on_failure=self._test_failed,
            on_finished=lambda: self.test_button.setEnabled(not self.problems()), owner=self,
            description="test a database connection",
        )

    def _test_passed(self, description: str) -> None:
        self.status.setText("")
        self.show_banner(self.tested, f"Connected to {description}. Press Connect to work on it.")

    def _test_failed(self, exc: BaseException) -> None:
        self.status.setText("")
        self.show_banner(self.error, error_sentence(exc))

    def work(self) -> Callable[[], Any]:
        app, target, password, remember = self._ui.app, self.target(), self._typed_password(), self.remember.isChecked()
        return lambda: app.connect(target, password, remember)

    def save_description(self) -> str:
        return "connect to a database"
