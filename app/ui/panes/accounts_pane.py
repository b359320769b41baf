"""The "Accounts" entry of the navigation: the search page and the account page it opens.

Search results stay as they were while an account is open, so Esc (back) returns the
officer to the same list with the same row selected. The account page is built when the
first account is opened, not at start-up: start-up time goes on what the officer sees
first, the search box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from app.ui.context import UiContext
from app.ui.panes.account import AccountView
from app.ui.panes.search import SearchPane
from app.ui.signals import emit


class AccountsPane(QStackedWidget):
    page_changed = Signal()
    account_said = Signal(str)  # the account view's sentence for the status bar

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self._account: AccountView | None = None
        self.search = SearchPane(ui)
        self.addWidget(self.search)
        self.search.account_requested.connect(self.open_account)
        self.currentChanged.connect(lambda _index: emit(self.page_changed))

    @property
    def account(self) -> AccountView:
        if self._account is None:
            self._account = AccountView(self._ui)
            self._account.back_requested.connect(self.show_search)
            self._account.said.connect(lambda text: emit(self.account_said, text))
            self.addWidget(self._account)
        return self._account

    @property
    def showing_account(self) -> bool:
        return self._account is not None and self.currentWidget() is self._account

    def open_account(self, account_ref: str, diary_id: object = None) -> None:
        """Open an account; with `diary_id`, at its Diary & notes tab with that entry highlighted."""
        self.setCurrentWidget(self.account)
        self.account.open_account(account_ref, diary_id=diary_id)

    def show_search(self) -> None:
        """Back from an account: the cursor goes to the box, text selected, so the next
        search can be typed at once; Down still reaches the unchanged results."""
        self.setCurrentWidget(self.search)
        self.search.focus_search()

    def find_account(self) -> None:
        """Ctrl+F from anywhere in the pane: back to the search box, text selected."""
        self.setCurrentWidget(self.search)
        self.search.focus_search()

    def focus_primary(self) -> None:
        """Called when the navigation switches to this pane."""
        if self._account is not None and self.showing_account:
            self._account.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.search.focus_search()
