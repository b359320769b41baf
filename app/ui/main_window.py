"""The desktop's entry point and main window.

`run_gui` is what `revdesk` (and `revdesk gui`) call: it bootstraps the same way as the
CLI, asking for a server password if the keyring has none, explains in one sentence why
it cannot start when the database or the settings are wrong, and otherwise shows the
window and runs the event loop.

Start-up is kept to what is needed to draw a usable window: no counting, no listing.
The only query after the window appears is `has_accounts()` (one indexed row), run on
a worker, which decides whether to offer demo data on an empty embedded database.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar, cast

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__, clock
from app.application import Application
from app.bootstrap import bootstrap
from app.config import (
    DataFolderUnavailable,
    SettingsError,
    default_database_url,
    desktop_database_url,
    load_settings,
    machine_database_url,
    saved_connection_url,
)
from app.connections import Connected
from app.crashlog import crash_sentence, log_crash, start_logging
from app.errors import DatabaseUnavailable, ServiceError
from app.ui import startup_probe
from app.ui.connection_banner import ConnectionBanner
from app.ui.context import UiContext
from app.ui.dialogs.connection import ConnectionDialog
from app.ui.dialogs.demo_data import DemoDataDialog
from app.ui.dialogs.liability.move_in import MoveInDialog
from app.ui.dialogs.password import ask_password
from app.ui.formatting import count, error_sentence, humanise, money, uk_date
from app.ui.navigation import NAVIGATION, Pane
from app.ui.panes.account_tabs import LIABILITY_ACTIONS
from app.ui.panes.accounts_pane import AccountsPane
from app.ui.style import apply_style
from app.ui.widgets import PageScroll, label
from app.ui.workers import TaskRunner

if TYPE_CHECKING:
    from app.court.sync import SyncReceipt
    from app.demo.generate import DemoResult

log = logging.getLogger(__name__)
D = TypeVar("D", bound=QDialog)

APP_NAME = "Revenues Desk"
WINDOW_SIZE = (1280, 800)
BUSY_DELAY_MS = 300  # a search that answers at once should not flash a busy indicator
CLOSE_WAIT_MS = 60_000
NAV_ITEM_HEIGHT = 38


def database_label(app: Application) -> str:
    """Short text for the status bar; the full (password-free) URL goes in the tooltip."""
    description = app.database_description
    if app.in_court_mode:
        return f"Court pack: {description.replace(chr(92), '/').rsplit('/', 1)[-1]}"
    if app.is_embedded:
        name = description.replace("\\", "/").rsplit("/", 1)[-1] or description
        return f"Embedded database: {name}"
    return f"Server database: {description.split('://', 1)[-1]}"


def user_label(app: Application) -> str:
    actor = app.actor
    return f"{actor.display_name or actor.username} · {humanise(actor.role.label)}"


class MainWindow(QMainWindow):
    """Navigation on the left, the chosen pane on the right, menus with their shortcuts,
    and a status bar saying which database and which user (with role) this is: officers
    with access to training and live databases must always see which one they are in."""

    def __init__(self, app: Application, *, today: Callable[[], date] = clock.today) -> None:
        super().__init__()
        self.app = app
        self.today = today
        self.runner = TaskRunner(self)
        self.ui = UiContext(app, self.runner, today)
        self.demo_dialog: DemoDataDialog | None = None
        self.move_in_dialog: MoveInDialog | None = None
        self.connection_dialog: ConnectionDialog | None = None
        self.account_actions: dict[str, QAction] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("NavList")
        self.nav.setAccessibleName("Navigation")
        self.stack = QStackedWidget()
        self.panes: dict[str, QWidget] = {}
        self.connection_banner = ConnectionBanner(self.runner, lambda: self.app.ping())
        self.connection_banner.restored.connect(
            lambda: self.statusBar().showMessage("The connection to the database is back.", 15_000)
        )
        self.runner.connection_lost.connect(self.connection_banner.lost)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.connection_banner)
        self.court_banner = label("", "banner-warning", wrap=True)
        self.court_banner.setAccessibleName("Court mode")
        self.court_banner.setVisible(False)
        outer.addWidget(self.court_banner)
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._nav_panel())
        layout.addWidget(self.stack, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)

        self._build_panes()
        self._build_menus()
        self._build_status_bar()
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.nav.setCurrentRow(0)
        self.resize(*WINDOW_SIZE)

    # --- building -------------------------------------------------------------------

    def _build_panes(self) -> None:
        """One pane per navigation entry, on `self.ui` (built again after a database switch)."""
        for entry in NAVIGATION:
            pane = entry.build(self.ui)
            self.panes[entry.key] = pane
            self.stack.addWidget(PageScroll(pane))  # a pane wider than the screen scrolls, never widens the window
            item = QListWidgetItem(entry.title)
            item.setSizeHint(QSize(0, NAV_ITEM_HEIGHT))  # the stylesheet's padding is not in Qt's own size
            item.setToolTip(f"{entry.title} ({entry.shortcut})")
            self.nav.addItem(item)
        self.accounts = cast(AccountsPane, self.panes["accounts"])
        for pane in self.panes.values():
            requested = getattr(pane, "account_requested", None)
            if requested is not None:
                requested.connect(self.show_account)
            diary = getattr(pane, "diary_requested", None)
            if diary is not None:
                diary.connect(self.show_account_diary)
        self.accounts.page_changed.connect(self._update_actions)
        self.accounts.account_said.connect(lambda text: self.statusBar().showMessage(text, 15_000))

    def _nav_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("NavPanel")
        panel.setFixedWidth(210)
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 18, 0, 12)
        box.setSpacing(2)
        brand = label(APP_NAME, "nav-title")
        authority = label(self.app.authority_name, "caption", wrap=True)
        for widget in (brand, authority):
            widget.setContentsMargins(18, 0, 12, 0)
            box.addWidget(widget)
        box.addSpacing(14)
        box.addWidget(self.nav, 1)
        return panel

    def _action(self, text: str, shortcut: str | None, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: slot())  # menu slots take no "checked" argument
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.demo_action = self._action("Load &demo data…", None, self.offer_demo_data)
        self.demo_action.setEnabled(False)  # until start() finds the embedded database empty
        file_menu.addAction(self.demo_action)
        self.connect_action = self._action("&Connect to database…", None, self.choose_database)
        file_menu.addAction(self.connect_action)
        self.open_pack_action = self._action("Open court &pack…", None, self.choose_court_pack)
        file_menu.addAction(self.open_pack_action)
        self.sync_pack_action = self._action("&Sync court pack…", None, self.choose_pack_to_sync)
        self.sync_pack_action.setToolTip("Apply a court pack's journal to this database, each entry once")
        file_menu.addAction(self.sync_pack_action)
        self.wipe_pack_action = self._action("&Wipe court pack…", None, self.choose_pack_to_wipe)
        self.wipe_pack_action.setToolTip("Overwrite and delete a court pack whose journal is all synced")
        file_menu.addAction(self.wipe_pack_action)
        self.wipe_box: QMessageBox | None = None  # File ▸ Wipe court pack…'s question, while it is asked
        file_menu.addSeparator()
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        file_menu.addAction(self.quit_action)

        go_menu = bar.addMenu("&Go")
        self.find_action = self._action("&Find account", "Ctrl+F", self.find_account)
        self.back_action = self._action("&Back to search", "Esc", self.back_to_search)
        go_menu.addAction(self.find_action)
        go_menu.addAction(self.back_action)
        go_menu.addSeparator()
        for row, entry in enumerate(NAVIGATION):
            go_menu.addAction(self._action(entry.title, entry.shortcut, partial(self.nav.setCurrentRow, row)))

        account_menu = bar.addMenu("&Account")
        self.move_in_action = self._action("Move &in (new taxpayer)…", "Ctrl+Shift+N", self.move_in)
        account_menu.addAction(self.move_in_action)
        account_menu.addSeparator()
        for key, text, shortcut in LIABILITY_ACTIONS:
            action = self._action(text, shortcut, partial(self._account_change, key))
            self.account_actions[key] = action
            account_menu.addAction(action)
        account_menu.addSeparator()
        for key, text, shortcut, slot in (
            ("take_payment", "Take &payment…", "Ctrl+Shift+P", lambda: self.accounts.account.take_payment()),
            ("request_refund", "Request &refund…", "Ctrl+Shift+F", lambda: self.accounts.account.request_refund()),
            ("propose_writeoff", "Propose &write-off…", "Ctrl+Shift+W", lambda: self.accounts.account.propose_writeoff()),
            ("write_letter", "Write a &letter…", "Ctrl+Shift+L", lambda: self.accounts.account.write_letter()),
        ):
            action = self._action(text, shortcut, slot)
            self.account_actions[key] = action
            account_menu.addAction(action)

        help_menu = bar.addMenu("&Help")
        self.about_action = self._action("&About Revenues Desk", None, self.show_about)
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedSize(90, 12)
        self.busy_bar.setTextVisible(False)
        self.busy_label = QLabel("Working…")
        self.db_label = QLabel()
        self.user_label = QLabel()
        self.user_label.setToolTip("Signed in as this user; actions are recorded under this name.")
        self._show_database()
        for widget in (self.busy_bar, self.busy_label):
            widget.setVisible(False)
            status.addWidget(widget)
        status.addPermanentWidget(self.db_label)
        status.addPermanentWidget(self.user_label)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self._show_busy(True))
        self.runner.busy_changed.connect(self._busy_changed)

    def _show_database(self) -> None:
        """The authority in the title, the database and the user in the status bar."""
        self.setWindowTitle(f"{APP_NAME} — {self.app.authority_name}")
        self.db_label.setText(database_label(self.app))
        self.db_label.setToolTip(self.app.database_description)
        self.user_label.setText(user_label(self.app))
        self.show_court_banner()

    def show_court_banner(self) -> None:
        """In court mode, a banner saying so, the hearing, and that what is recorded is journaled."""
        self.sync_pack_action.setEnabled(not self.app.in_court_mode)  # a pack is synced from the office's database
        self.wipe_pack_action.setEnabled(not self.app.in_court_mode)  # never the pack being worked on
        if not self.app.in_court_mode:
            self.court_banner.setVisible(False)
            return
        try:
            info = self.app.court_pack()
        except ServiceError as exc:
            self.court_banner.setText(f"Court mode: {error_sentence(exc)}")
        else:
            if info.state == "open":
                text = (f"Court mode — hearing on {uk_date(info.hearing_date)}: {count(info.accounts, 'account')} packed "
                        f"by {info.officer}. What you record is kept in this pack's journal "
                        f"({count(info.entries, 'entry', 'entries')} so far) until it is synced at the office.")
            else:
                text = (f"Court mode — hearing on {uk_date(info.hearing_date)}: this pack has been synced at the office "
                        f"and is read-only ({count(info.unreceipted, 'entry', 'entries')} not yet receipted).")
            self.court_banner.setText(text)
        self.court_banner.setContentsMargins(12, 8, 12, 8)
        self.court_banner.setVisible(True)

    def _open_modal(self, current: D | None, build: Callable[[], D]) -> D:
        """The dialog already open, or a new window-modal one from `build` (which connects
        its signals), so a menu item or shortcut pressed twice never opens a second copy."""
        if current is not None and current.isVisible():
            return current
        dialog = build()
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()
        return dialog

    # --- behaviour ------------------------------------------------------------------

    def start(self) -> None:
        """After the window is shown: find out (cheaply, on a worker) whether there is
        anything to search, and offer demo data on an empty embedded database."""
        app = self.app
        self.runner.run(
            lambda _task: app.has_accounts(),
            on_success=self._accounts_checked,
            on_failure=lambda exc: self.statusBar().showMessage(error_sentence(exc)),
            owner=self,
            description="check for accounts",
        )
        self.runner.run(
            lambda _task: app.sync_diary_codes(),
            on_failure=lambda exc: self.statusBar().showMessage(f"Diary codes not loaded: {error_sentence(exc)}"),
            owner=self,
            description="sync diary codes",
        )
        self.accounts.focus_primary()

    def _accounts_checked(self, has_accounts: bool) -> None:
        self.demo_action.setEnabled(self.app.is_embedded and not has_accounts)
        if has_accounts:
            return
        if self.app.is_embedded:
            self.offer_demo_data()
        else:
            self.statusBar().showMessage("The database has no accounts yet.")

    def offer_demo_data(self) -> DemoDataDialog:
        def build() -> DemoDataDialog:
            dialog = DemoDataDialog(self.ui, self)
            dialog.loaded.connect(self._demo_loaded)
            dialog.finished.connect(lambda _code: self.find_account())
            return dialog

        self.demo_dialog = self._open_modal(self.demo_dialog, build)
        return self.demo_dialog

    def _demo_loaded(self, result: DemoResult) -> None:
        self.demo_action.setEnabled(False)
        self.statusBar().showMessage(f"Demo data loaded: {count(result.accounts, 'account')}.", 15_000)

    def choose_database(self) -> ConnectionDialog:
        """The connection dialog; on success the window moves to the new database."""
        def build() -> ConnectionDialog:
            dialog = ConnectionDialog(self.ui, self)
            dialog.saved.connect(self._connected)
            return dialog

        self.connection_dialog = self._open_modal(self.connection_dialog, build)
        return self.connection_dialog

    def choose_court_pack(self) -> None:
        """File ▸ Open court pack…: pick the file, then work on it in court mode."""
        path, _ = QFileDialog.getOpenFileName(self, "Open court pack", "", "Court packs (*.pack);;All files (*)")
        if path:
            self.open_court_pack(path)

    def open_court_pack(self, path: str) -> bool:
        """Move the window to the court pack at `path` (court mode), or say in one sentence why not."""
        try:
            court = Application.court_mode(path, self.app.settings, self.app.actor.username)
        except ServiceError as exc:
            QMessageBox.warning(self, "Open court pack", error_sentence(exc))
            return False
        self._switch(court, f"Court mode: {path}.")
        self.show_pane("hearings")
        return True

    def choose_pack_to_sync(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Sync court pack", "", "Court packs (*.pack);;All files (*)")
        if path:
            self.sync_court_pack(path)

    def choose_pack_to_wipe(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Wipe court pack", "", "Court packs (*.pack *.export);;All files (*)")
        if path:
            self.wipe_court_pack(path)

    def wipe_court_pack(self, path: str) -> QMessageBox:
        """File ▸ Wipe court pack…: asked first (it cannot be undone), then on a worker; refused
        in one sentence while any journal entry is not synced."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Wipe court pack",
                          f"Overwrite and delete {path}? This cannot be undone; it is refused if anything in its "
                          "journal has not been synced.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        yes = box.button(QMessageBox.StandardButton.Yes)
        assert yes is not None
        yes.setText("Wipe")
        app = self.app
        box.accepted.connect(lambda: self.runner.run(
            lambda _task: app.wipe_pack(path),
            on_success=lambda done: self.statusBar().showMessage(
                f"Court pack wiped: {done.file} ({done.entries} journal entries, all synced) overwritten and deleted."),
            on_failure=lambda exc: self.statusBar().showMessage(f"Not wiped: {error_sentence(exc)}"),
            owner=self, description="wipe court pack",
        ))
        self.wipe_box = box
        box.open()
        return box

    def sync_court_pack(self, path: str) -> None:
        """File ▸ Sync court pack…: on a worker; the receipt (or why not) in the status bar."""
        app = self.app
        self.statusBar().showMessage(f"Syncing {path}…")
        self.runner.run(
            lambda _task: app.sync_pack(path), on_success=self._synced,
            on_failure=lambda exc: self.statusBar().showMessage(f"Not synced: {error_sentence(exc)}"),
            owner=self, description="sync court pack",
        )

    def _synced(self, receipt: SyncReceipt) -> None:
        from app.court.sync import EXPORT_SYNCED

        conflicts = (f" {count(receipt.conflicts, 'entry', 'entries')} could not be applied as they stood: see Sync "
                     "conflicts." if receipt.conflicts else "")
        self.statusBar().showMessage(
            f"Court pack synced: {count(receipt.sent, 'entry', 'entries')} sent, {receipt.applied} applied, "
            f"{receipt.already_applied} already applied, {receipt.conflicts} to the conflicts queue; payments "
            f"{money(receipt.payments_pence)} at court, {money(receipt.office_payments_pence)} in the office.{conflicts}"
            + (f" {EXPORT_SYNCED}" if receipt.export else ""))

    def _connected(self, connected: Connected) -> None:
        app = Application(connected.context)
        kept = " The password was used for this session only." if connected.session_only else ""
        self._switch(app, f"Connected. {database_label(app)}.{kept}")

    def _switch(self, app: Application, message: str) -> None:
        """Work on the new database: rebuild every pane on a app for it, so no pane keeps
        the old one. Work still running on the old database is asked to stop and its
        answers are dropped with the panes that asked (the window does not wait for it: the
        old server may be the one not answering); closing the old engine lets connections
        still in use finish first."""
        self.runner.cancel_all()
        old = self.app
        self.app = app
        self.ui = UiContext(self.app, self.runner, self.today)
        self.nav.blockSignals(True)
        self.nav.clear()
        while (frame := self.stack.widget(0)) is not None:
            self.stack.removeWidget(frame)
            frame.deleteLater()  # and the pane inside it
        self.panes.clear()
        self._build_panes()
        self.nav.blockSignals(False)
        self.nav.setCurrentRow(0)
        old.close()
        self._show_database()
        self.connection_banner.setVisible(False)
        self.connection_banner.timer.stop()
        self.demo_action.setEnabled(False)  # until start() finds this database empty and embedded
        self.statusBar().showMessage(message, 15_000)
        self.start()

    def current_pane(self) -> QWidget | None:
        frame = self.stack.currentWidget()
        return frame.widget() if isinstance(frame, PageScroll) else frame

    def find_account(self) -> None:
        self.nav.setCurrentRow(0)
        self.accounts.find_account()

    def show_account(self, account_ref: str) -> None:
        """Open an account from another pane (a hearing list's row)."""
        self.nav.setCurrentRow(0)
        self.accounts.open_account(account_ref)

    def show_account_diary(self, account_ref: str, diary_id: object) -> None:
        """Open an account at its Diary & notes tab with one diary entry highlighted (Next)."""
        self.nav.setCurrentRow(0)
        self.accounts.open_account(account_ref, diary_id=diary_id)

    def show_pane(self, key: str) -> QWidget:
        """Switch the navigation to a pane by its key ("worklist", "runs", ...)."""
        row = next(n for n, entry in enumerate(NAVIGATION) if entry.key == key)
        self.nav.setCurrentRow(row)
        return self.panes[key]

    def back_to_search(self) -> None:
        if self.accounts.showing_account:
            self.accounts.show_search()

    def about_text(self) -> str:
        """What Help > About says: the version (app.__version__), the council, the database and the user."""
        return (
            f"<h3>{APP_NAME} {__version__}</h3>"
            f"<p>Council tax case work for {self.app.authority_name}.</p>"
            f"<p>Database: {self.app.database_description}<br>User: {user_label(self.app)}</p>"
            "<p>Free software under the GNU Affero General Public License, version 3 or later.</p>"
        )

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", self.about_text())

    def _nav_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        pane = self.current_pane()
        if hasattr(pane, "focus_primary"):
            cast(Pane, pane).focus_primary()
        self._update_actions()

    def _update_actions(self) -> None:
        # Esc belongs to "back" only while an account is open; otherwise widgets keep it.
        showing = self.current_pane() is self.accounts and self.accounts.showing_account
        self.back_action.setEnabled(showing)
        for action in self.account_actions.values():
            action.setEnabled(showing)

    def _account_change(self, key: str) -> None:
        if self.accounts.showing_account:
            self.accounts.account.open_change(key)

    def move_in(self) -> MoveInDialog:
        """A new taxpayer at a property: a new account, opened once it is saved."""
        def build() -> MoveInDialog:
            dialog = MoveInDialog(self.ui, None, self)
            dialog.saved.connect(self._moved_in)
            return dialog

        self.move_in_dialog = self._open_modal(self.move_in_dialog, build)
        return self.move_in_dialog

    def _moved_in(self, change: object) -> None:
        ref = getattr(change, "account_ref", "")
        self.statusBar().showMessage(f"Account {ref} opened for the new taxpayer.", 15_000)
        self.nav.setCurrentRow(0)
        self.accounts.open_account(ref)

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self._show_busy(False)

    def _show_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop background work cleanly: a demo load stops after its current batch."""
        self.runner.cancel_all()
        if self.runner.busy:
            self.statusBar().showMessage("Finishing background work…")
        self.runner.wait_for_done(CLOSE_WAIT_MS)
        if self.demo_dialog is not None and self.demo_dialog.isVisible():
            self.demo_dialog.done(0)  # its work has stopped; don't leave it open on its own
        super().closeEvent(event)


# --- start-up -------------------------------------------------------------------------

def show_startup_error(message: str) -> None:
    QMessageBox.critical(None, f"{APP_NAME} cannot start", message)


def offer_embedded(reason: str) -> bool:
    """Whether to open the embedded database instead of the remembered server that failed."""
    answer = QMessageBox.question(
        None, f"{APP_NAME}: cannot open your database",
        f"{reason}\n\nOpen the embedded database on this computer instead? The server stays your "
        "choice: File ▸ Connect to database… tries it again, and so does the next start.",
    )
    return answer == QMessageBox.StandardButton.Yes


def fallback_database_url() -> str | None:
    """The embedded database to offer instead of a server, or None without a data folder."""
    try:
        return default_database_url()
    except DataFolderUnavailable:
        return None


def no_display_reason() -> str | None:
    """On Linux without a display Qt would abort the process; say why instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return "There is no display for the desktop; use the command line instead (revdesk --help)."


def application() -> QApplication:
    """The QApplication, created and styled once."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("revenues-desk")
    apply_style(app)
    return app


def open_main_window(
    db_url: str | None = None,
    settings_path: str | None = None,
    username: str | None = None,
    *,
    today: Callable[[], date] = clock.today,
    pack: str | None = None,
) -> MainWindow | None:
    """Bootstrap and show the window, or explain in one sentence why not (None). `pack`:
    start in court mode on that court pack."""
    application()
    if pack is not None:
        try:
            court = Application.court_mode(pack, load_settings(settings_path), username)
        except (ServiceError, SettingsError) as exc:
            show_startup_error(str(exc))
            return None
        return _show(MainWindow(court, today=today))
    try:
        url = desktop_database_url(db_url)
        ctx = bootstrap(url, settings_path, username, prompt=ask_password)
    except DatabaseUnavailable as exc:
        # A server chosen earlier in the connection dialog, or set for this computer by IT, that
        # does not answer today must not lock the officer out: offer the embedded database.
        chosen = url is not None and not db_url and url in (saved_connection_url(), machine_database_url())
        embedded = fallback_database_url()
        if not chosen or embedded is None or url == embedded or not offer_embedded(str(exc)):
            show_startup_error(str(exc))
            return None
        try:
            ctx = bootstrap(embedded, settings_path, username)
        except (ServiceError, SettingsError) as again:
            show_startup_error(str(again))
            return None
    except (ServiceError, SettingsError) as exc:  # a disabled user, bad settings or machine configuration, no data folder
        show_startup_error(str(exc))
        return None
    return _show(MainWindow(Application(ctx), today=today))


def _show(window: MainWindow) -> MainWindow:
    window.show()
    window.start()
    if window.app.in_court_mode:
        window.show_pane("hearings")
    return window


def run_gui(
    db_url: str | None = None, settings_path: str | None = None, username: str | None = None, pack: str | None = None,
) -> int:
    """The desktop application: 0 when the officer quits, 1 if it could not start. An
    unexpected error is one sentence naming the log file its details went to, never a
    traceback on a console (the windowed build has none). `pack`: court mode on that pack."""
    start_logging(logging.WARNING)
    if reason := no_display_reason():
        print(f"revdesk: {reason}", file=sys.stderr)
        return 1
    app = application()
    previous_hook = sys.excepthook
    sys.excepthook = report_unexpected  # an error in a slot: Qt would print it and carry on
    try:
        window = open_main_window(db_url, settings_path, username, pack=pack)
        if window is None:
            return 1
        startup_probe.watch(window)
        try:
            return app.exec()
        finally:
            window.app.close()
    except Exception:
        show_startup_error(crash_sentence(log_crash(*sys.exc_info())))
        return 1
    finally:
        sys.excepthook = previous_hook


def report_unexpected(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """While the window is open: log an unexpected error's details and tell the person in
    one sentence where they are (what they were doing did not finish; the window stays)."""
    show_unexpected_error(crash_sentence(log_crash(exc_type, exc, tb)))


def show_unexpected_error(message: str) -> None:
    QMessageBox.critical(None, f"{APP_NAME}: something went wrong", message)
