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
    QDialog, QFrame, QHBoxLayout, QPushButton, QScrollArea, QStackedWidget, QTabWidget, QVBoxLayout, QWidget,
)

from app.services.accounts import AccountSummary
from app.services.liability import LiabilityChange
from app.services.payments import PaymentAllocation
from app.ui.context import UiContext
from app.ui.dialogs.liability_editor import CHANGE_DIALOGS, ChangeDialog
from app.ui.dialogs.payments import RequestRefundDialog, TakePaymentDialog, received_text
from app.ui.formatting import error_sentence, money, signed_money
from app.ui.panes.account_header import AccountHeader
from app.ui.panes.account_tabs import ACCOUNT_TABS, AccountTab, LiabilityTab, TransactionsTab
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
    said = Signal(str)  # a sentence for the status bar (a change saved, a payment taken)

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

        self.dialog: QDialog | None = None
        self.take_payment_button = QPushButton("Take payment…")
        self.take_payment_button.setToolTip("Take a payment on this account (Ctrl+Shift+P)")
        self.take_payment_button.clicked.connect(self.take_payment)
        self.refund_button = QPushButton("Request refund…")
        self.refund_button.setToolTip("Ask for a credit to be refunded (Ctrl+Shift+F)")
        self.refund_button.clicked.connect(self.request_refund)
        self.notice = StatusLine()
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
        liability = self.tab(LiabilityTab)
        assert isinstance(liability, LiabilityTab)
        liability.action_requested.connect(self.open_change)

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
        top.setSpacing(8)
        top.addWidget(self.back)
        top.addSpacing(16)
        top.addWidget(self.notice, 1)
        top.addWidget(self.take_payment_button)
        top.addWidget(self.refund_button)
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
        self.notice.show_info("")
        self.message.show_info(f"Opening account {account_ref}…")
        self.pages.setCurrentIndex(PAGE_MESSAGE)
        self._ui.runner.run(
            lambda _task: (desk.account(account_ref, as_of), desk.payment_allocations(account_ref)),
            on_success=lambda loaded: self._show(generation, loaded[0], loaded[1], as_of),
            on_failure=lambda exc: self._fail(generation, exc),
            owner=self,
            description=f"open account {account_ref}",
        )

    def reload(self) -> None:
        """Load the account shown again (after a change), staying on the same tab."""
        ref = self._summary.account_ref if self._summary else None
        if ref is None:
            return
        self._generation += 1
        generation = self._generation
        as_of = self._ui.today()
        desk = self._ui.desk
        self._ui.runner.run(
            lambda _task: (desk.account(ref, as_of), desk.payment_allocations(ref)),
            on_success=lambda loaded: self._show(generation, loaded[0], loaded[1], as_of, keep_focus=True),
            on_failure=lambda exc: self._fail(generation, exc),
            owner=self,
            description=f"reload account {ref}",
        )

    def _show(
        self, generation: int, summary: AccountSummary, allocations: list[PaymentAllocation], as_of: date,
        *, keep_focus: bool = False,
    ) -> None:
        if generation != self._generation:
            return  # another account was asked for since
        self._summary = summary
        self.header.show_summary(summary, as_of)
        for tab in self._tabs:
            tab.show_summary(summary, as_of)
        transactions = self.tab(TransactionsTab)
        assert isinstance(transactions, TransactionsTab)
        transactions.show_allocations(allocations)
        self.refund_button.setEnabled(summary.balance_pence < 0)
        self.refund_button.setToolTip(
            "Ask for a credit to be refunded (Ctrl+Shift+F)" if summary.balance_pence < 0
            else "The account is not in credit, so there is nothing to refund."
        )
        self.pages.setCurrentIndex(PAGE_ACCOUNT)
        if not keep_focus:
            self.tabs.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(self.dialog, ChangeDialog) and self.dialog.isVisible():
            self.dialog.set_summary(summary)
        emit(self.loaded, summary)

    # --- actions --------------------------------------------------------------------------

    def open_change(self, key: str) -> ChangeDialog | None:
        """One of the liability editor's changes, on the account shown."""
        summary = self.summary
        if summary is None or key not in CHANGE_DIALOGS:
            return None
        liability = self.tab(LiabilityTab)
        period_id = liability.selected_period_id() if isinstance(liability, LiabilityTab) else None
        dialog = CHANGE_DIALOGS[key](self._ui, summary, self, period_id=period_id)
        dialog.saved.connect(self._change_saved)
        dialog.reload_requested.connect(self.reload)
        self._open(dialog)
        return dialog

    def _change_saved(self, change: LiabilityChange) -> None:
        difference = change.difference_pence
        what = f"the charge changes by {signed_money(difference)}" if difference else "the charge is unchanged"
        self._say(f"Saved: {what}.")
        self.reload()

    def take_payment(self) -> TakePaymentDialog | None:
        summary = self.summary
        if summary is None:
            return None
        dialog = TakePaymentDialog(self._ui, summary, self)
        dialog.saved.connect(lambda result: (self._say(received_text(result)), self.reload()))
        self._open(dialog)
        return dialog

    def request_refund(self) -> RequestRefundDialog | None:
        summary = self.summary
        if summary is None:
            return None
        dialog = RequestRefundDialog(self._ui, summary, self)
        dialog.saved.connect(lambda refund: (self._say(
            f"Refund of {money(refund.amount_pence)} requested: a team leader approves it before it is paid."
        ), self.reload()))
        self._open(dialog)
        return dialog

    def _open(self, dialog: QDialog) -> None:
        previous = self.dialog
        if previous is not None:
            if previous.isVisible():
                previous.reject()
            previous.deleteLater()  # closed dialogs are not kept
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def _say(self, sentence: str) -> None:
        self.notice.show_info(sentence)
        emit(self.said, sentence)

    def _fail(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        sentence = error_sentence(exc)
        self.message.show_error(sentence)
        emit(self.failed, sentence)
