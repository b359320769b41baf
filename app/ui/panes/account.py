"""The account view, the hub of case work: a header over tabs, read-only at this stage.

Opening an account loads one AccountSummary on a worker thread (as of the desktop's
date) and hands it to the header and every tab. While it loads, or if it cannot be
loaded, the view shows one line saying so instead of a previous account's figures: an
officer must never read one taxpayer's balance under another's name.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QPushButton, QScrollArea, QStackedWidget, QTabWidget, QVBoxLayout, QWidget,
)

from app.services.accounts import AccountSummary
from app.ui.context import UiContext
from app.ui.formatting import error_sentence
from app.ui.panes.account_header import AccountHeader
from app.ui.panes.account_tabs import ACCOUNT_TABS, AccountTab
from app.ui.signals import emit
from app.ui.style import set_role
from app.ui.widgets import StatusLine

PAGE_MESSAGE, PAGE_ACCOUNT = 0, 1
TAB_MIN_HEIGHT = 260


def _scrollable(tab: AccountTab) -> QScrollArea:
    """A tab scrolls rather than forcing the window taller than a laptop screen."""
    area = QScrollArea()
    set_role(area, "tab-scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    tab.setMinimumHeight(TAB_MIN_HEIGHT)
    area.setWidget(tab)
    return area


class AccountView(QWidget):
    back_requested = Signal()
    loaded = Signal(object)  # AccountSummary, once header and tabs show it
    failed = Signal(str)  # the sentence shown

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self._generation = 0
        self._summary: AccountSummary | None = None

        self.back = QPushButton("←  Back to search   (Esc)")
        set_role(self.back, "link")
        self.back.setCursor(Qt.CursorShape.PointingHandCursor)
        self.back.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.back.clicked.connect(self.back_requested)

        self.message = StatusLine()
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.header = AccountHeader()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self._tabs: list[AccountTab] = []
        for tab_class in ACCOUNT_TABS:
            tab = tab_class()
            self._tabs.append(tab)
            self.tabs.addTab(_scrollable(tab), tab_class.TITLE)

        account_page = QWidget()
        account_layout = QVBoxLayout(account_page)
        account_layout.setContentsMargins(0, 0, 0, 0)
        account_layout.setSpacing(12)
        account_layout.addWidget(self.header)
        account_layout.addWidget(self.tabs, 1)

        self.pages = QStackedWidget()
        message_page = QWidget()
        message_layout = QVBoxLayout(message_page)
        message_layout.setContentsMargins(0, 8, 0, 0)
        message_layout.addWidget(self.message)
        message_layout.addStretch(1)
        self.pages.addWidget(message_page)
        self.pages.addWidget(account_page)

        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 16)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self.setFocusProxy(self.tabs)

    @property
    def summary(self) -> AccountSummary | None:
        """The account shown, or None while loading or after a failure."""
        return self._summary if self.pages.currentIndex() == PAGE_ACCOUNT else None

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def tab(self, tab_class: type[AccountTab]) -> AccountTab:
        return next(t for t in self._tabs if isinstance(t, tab_class))

    def show_tab(self, tab_class: type[AccountTab]) -> None:
        self.tabs.setCurrentIndex(next(i for i, t in enumerate(self._tabs) if isinstance(t, tab_class)))

    def open_account(self, account_ref: str) -> None:
        self._generation += 1
        generation = self._generation
        as_of = self._ui.today()
        desk = self._ui.desk
        self._summary = None
        self.message.show_info(f"Opening account {account_ref}…")
        self.pages.setCurrentIndex(PAGE_MESSAGE)
        self._ui.runner.run(
            lambda _task: desk.account(account_ref, as_of),
            on_success=lambda summary: self._show(generation, summary, as_of),
            on_failure=lambda exc: self._fail(generation, exc),
            owner=self,
            description=f"open account {account_ref}",
        )

    def _show(self, generation: int, summary: AccountSummary, as_of: date) -> None:
        if generation != self._generation:
            return  # another account was asked for since
        self._summary = summary
        self.header.show_summary(summary, as_of)
        for tab in self._tabs:
            tab.show_summary(summary, as_of)
        self.pages.setCurrentIndex(PAGE_ACCOUNT)
        self.tabs.setFocus(Qt.FocusReason.OtherFocusReason)
        emit(self.loaded, summary)

    def _fail(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        sentence = error_sentence(exc)
        self.message.show_error(sentence)
        emit(self.failed, sentence)
