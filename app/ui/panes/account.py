"""The account view, the hub of case work: a header over tabs, read-only at this stage.

Opening an account reads everything its tabs show in one transaction on a worker thread
(`Application.open_account`, as of the desktop's date) and hands it to the header and
every tab. While it loads, or if it cannot be
loaded, the view shows one line saying so instead of a previous account's figures: an
officer must never read one taxpayer's balance under another's name.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.accounts.opened import OpenedAccount
from app.accounts.summary import AccountSummary
from app.accounts.timeline import Opens, TimelineEntry
from app.billing.liability_changes import LiabilityChange
from app.enums import DiaryStatus
from app.payments.refunds import RefundView
from app.recovery.account_view import AccountRecovery
from app.recovery.arrangements.views import ArrangementView
from app.rules.apportionment import year_label
from app.ui.context import UiContext
from app.ui.dialogs.casework import (
    AddDiaryDialog,
    AddNoteDialog,
    CancelArrangementDialog,
    CompleteDiaryDialog,
    EscalateDialog,
    RescheduleDiaryDialog,
    TraceDialog,
)
from app.ui.dialogs.letters import WriteLetterDialog
from app.ui.dialogs.liability.change_dialog import ChangeDialog
from app.ui.dialogs.liability.registry import CHANGE_DIALOGS
from app.ui.dialogs.payments import RequestRefundDialog, TakePaymentDialog, received_text
from app.ui.dialogs.recovery import (
    AddHoldDialog,
    AgentReferralDialog,
    AttachmentOfEarningsDialog,
    BenefitDeductionDialog,
    LiftHoldDialog,
    ReleaseSafeguardDialog,
)
from app.ui.dialogs.writeoffs import ProposeWriteOffDialog
from app.ui.formatting import error_sentence, money, route_label, signed_money, uk_date
from app.ui.models.recovery import next_action_text
from app.ui.panes.account_header import AccountHeader
from app.ui.panes.account_tabs import ACCOUNT_TABS, AccountTab, LiabilityTab, RecoveryTab, TransactionsTab
from app.ui.panes.arrangement_tab import ArrangementTab
from app.ui.panes.casework_tab import DiaryNotesTab
from app.ui.panes.documents_tab import DocumentsTab
from app.ui.panes.timeline_tab import TimelineTab
from app.ui.signals import emit
from app.ui.style import set_role
from app.ui.widgets import StatusLine
from app.writeoffs.views import WriteOffView

if TYPE_CHECKING:
    from app.letters.account_letters import GeneratedLetter

PAGE_MESSAGE, PAGE_ACCOUNT = 0, 1
TabT = TypeVar("TabT", bound=AccountTab)
TAB_MIN_HEIGHT = 260
ENFORCEMENT_DIALOGS = {
    "attachment_of_earnings": AttachmentOfEarningsDialog,
    "benefit_deduction": BenefitDeductionDialog,
    "enforcement_agent": AgentReferralDialog,
}


ALL_TABS: tuple[type[AccountTab], ...] = (*ACCOUNT_TABS, ArrangementTab, DiaryNotesTab, DocumentsTab, TimelineTab)
# Where a timeline row's record is shown (a letter opens by itself: `open_letter`).
OPENS_TAB: dict[str, type[AccountTab]] = {
    Opens.TRANSACTIONS: TransactionsTab, Opens.RECOVERY: RecoveryTab, Opens.ARRANGEMENT: ArrangementTab,
    Opens.DIARY: DiaryNotesTab,
}


def open_with_desktop(path: Path) -> bool:
    """Open a file in the program the desktop gives its type (Word or LibreOffice for .docx)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))



def _scrollable(tab: AccountTab) -> QScrollArea:
    """A tab scrolls rather than forcing the window taller than a laptop screen."""
    area = QScrollArea()
    set_role(area, "tab-scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(tab)
    # At least TAB_MIN_HEIGHT, and never less than what the tab's layout needs (a fixed
    # minimum would override the layout's and squash a long tab instead of scrolling it).
    tab.setMinimumHeight(0)
    area.setMinimumHeight(TAB_MIN_HEIGHT)
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
        self.recovery: AccountRecovery | None = None

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
        self.writeoff_button = QPushButton("Propose write-off…")
        self.writeoff_button.setToolTip("Propose writing off debt this account cannot pay (Ctrl+Shift+W)")
        self.writeoff_button.clicked.connect(self.propose_writeoff)
        self.notice = StatusLine()
        self.message = StatusLine()
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.header = AccountHeader()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self._tabs: list[AccountTab] = []
        for tab_class in ALL_TABS:
            tab = tab_class()
            self._tabs.append(tab)
            self.tabs.addTab(_scrollable(tab), tab_class.TITLE)
        liability = self.tab(LiabilityTab)
        assert isinstance(liability, LiabilityTab)
        liability.action_requested.connect(self.open_change)
        recovery_tab = self.tab(RecoveryTab)
        assert isinstance(recovery_tab, RecoveryTab)
        recovery_tab.action_requested.connect(self.open_recovery_action)
        self.diary_tab = self.tab(DiaryNotesTab)
        assert isinstance(self.diary_tab, DiaryNotesTab)
        self.diary_tab.action_requested.connect(self.open_casework_action)
        self._focus_diary: object = None
        self.arrangement_tab = self.tab(ArrangementTab)
        assert isinstance(self.arrangement_tab, ArrangementTab)
        self.arrangement_tab.attach(ui)
        self.arrangement_tab.saved.connect(self._arrangement_agreed)
        self.arrangement_tab.cancel_requested.connect(self.cancel_arrangement)
        self.timeline_tab = self.tab(TimelineTab)
        assert isinstance(self.timeline_tab, TimelineTab)
        self.timeline_tab.open_requested.connect(self.open_timeline_entry)
        self.documents_tab = self.tab(DocumentsTab)
        assert isinstance(self.documents_tab, DocumentsTab)
        self.documents_tab.open_requested.connect(lambda doc: self.open_letter(doc.document_id))
        self.documents_tab.write_requested.connect(self.write_letter)
        self.open_file: Callable[[Path], bool] = open_with_desktop  # tests look instead of launching Word

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
        top.addWidget(self.writeoff_button)
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
        return [self.tabs.tabText(i).replace("&&", "&") for i in range(self.tabs.count())]

    def tab(self, tab_class: type[TabT]) -> TabT:
        return next(t for t in self._tabs if isinstance(t, tab_class))

    def show_tab(self, tab_class: type[AccountTab]) -> None:
        self.tabs.setCurrentIndex(next(i for i, t in enumerate(self._tabs) if isinstance(t, tab_class)))

    def open_account(self, account_ref: str, diary_id: object = None) -> None:
        """Load and show an account; with `diary_id`, at the Diary & notes tab with that
        entry highlighted (the worklist's Next)."""
        self._focus_diary = diary_id
        self._generation += 1
        generation = self._generation
        as_of = self._ui.today()
        app = self._ui.app
        self._summary = None
        self.notice.show_info("")
        self.message.show_info(f"Opening account {account_ref}…")
        self.pages.setCurrentIndex(PAGE_MESSAGE)
        self._ui.runner.run(
            lambda _task: app.open_account(account_ref, as_of),
            on_success=lambda opened: self._show(generation, opened, as_of),
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
        app = self._ui.app
        self._ui.runner.run(
            lambda _task: app.open_account(ref, as_of),
            on_success=lambda opened: self._show(generation, opened, as_of, keep_focus=True),
            on_failure=lambda exc: self._fail(generation, exc),
            owner=self,
            description=f"reload account {ref}",
        )

    def _show(self, generation: int, opened: OpenedAccount, as_of: date, *, keep_focus: bool = False) -> None:
        if generation != self._generation:
            return  # another account was asked for since
        summary, recovery = opened.summary, opened.recovery
        self._summary = summary
        self.header.show_summary(summary, as_of)
        for tab in self._tabs:
            tab.show_summary(summary, as_of)
        transactions = self.tab(TransactionsTab)
        assert isinstance(transactions, TransactionsTab)
        transactions.show_allocations(opened.allocations)
        recovery_tab = self.tab(RecoveryTab)
        assert isinstance(recovery_tab, RecoveryTab)
        if isinstance(recovery, AccountRecovery):
            self.recovery = recovery
            recovery_tab.show_recovery(recovery, self._ui.app.hold_kinds, as_of)
            text, due = next_action_text(recovery.view)
            self.header.show_next_action(text, due=due)
        else:
            self.recovery = None
            recovery_tab.show_failure(recovery)
            self.header.show_next_action(f"Not known: {error_sentence(recovery)}", due=False)
        self.arrangement_tab.show_arrangement(opened.arrangement)
        self.timeline_tab.show_timeline(opened.timeline)
        self.documents_tab.show_documents(opened.documents)
        highlight = self._focus_diary
        self.diary_tab.show_casework(opened.casework, highlight if isinstance(highlight, uuid.UUID) else None)
        self.refund_button.setEnabled(summary.balance_pence < 0)
        self.refund_button.setToolTip(
            "Ask for a credit to be refunded (Ctrl+Shift+F)" if summary.balance_pence < 0
            else "The account is not in credit, so there is nothing to refund."
        )
        owes = any(year.balance_pence > 0 for year in summary.years)
        self.writeoff_button.setEnabled(owes)
        self.writeoff_button.setToolTip(
            "Propose writing off debt this account cannot pay (Ctrl+Shift+W)" if owes
            else "The account owes nothing for any year, so there is nothing to write off."
        )
        self.pages.setCurrentIndex(PAGE_ACCOUNT)
        if self._focus_diary is not None and not keep_focus:
            self.show_tab(DiaryNotesTab)
            self.diary_tab.focus_diary()
        elif not keep_focus:
            self.tabs.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(self.dialog, ChangeDialog) and self.dialog.isVisible():
            self.dialog.set_summary(summary)
        emit(self.loaded, summary)

    # --- the timeline ---------------------------------------------------------------------

    def open_timeline_entry(self, entry: TimelineEntry) -> None:
        """Show what a timeline row refers to: its tab, or the letter itself."""
        if entry.opens == Opens.DOCUMENT and entry.ref_id:
            self.open_letter(uuid.UUID(entry.ref_id))
        elif entry.opens in OPENS_TAB:
            self.show_tab(OPENS_TAB[entry.opens])
            if entry.opens == Opens.DIARY and entry.ref_id:
                self.diary_tab.select_diary(uuid.UUID(entry.ref_id))  # a note or escalation: the tab is enough

    def open_letter(self, document_id: uuid.UUID) -> None:
        """The letter as it was sent (kept bytes, or rendered again from its merge data), written
        to a temporary folder and opened in Word or LibreOffice; on a worker, as rendering can take
        a moment."""
        app = self._ui.app
        self.notice.show_info("Opening the letter…")
        self._ui.runner.run(
            lambda _task: app.document_file(document_id), on_success=self._letter_ready,
            on_failure=lambda exc: self.notice.show_error(error_sentence(exc)), owner=self,
            description="open a letter",
        )

    def _letter_ready(self, letter: tuple[str, bytes]) -> None:
        file_name, content = letter
        path = Path(tempfile.mkdtemp(prefix="revdesk-letter-")) / file_name
        path.write_bytes(content)
        if self.open_file(path):
            self.notice.show_info(f"Opened {file_name}.")
        else:
            self.notice.show_error(f"No program to open {file_name} was found; it is saved at {path}.")

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
        dialog.saved.connect(self._payment_taken)
        self._open(dialog)
        return dialog

    def _payment_taken(self, result: Any) -> None:
        self._say(received_text(result))
        self.reload()

    def request_refund(self) -> RequestRefundDialog | None:
        summary = self.summary
        if summary is None:
            return None
        dialog = RequestRefundDialog(self._ui, summary, self)
        dialog.saved.connect(self._refund_requested)
        self._open(dialog)
        return dialog

    def _refund_requested(self, refund: RefundView) -> None:
        self._say(f"Refund of {money(refund.amount_pence)} requested: a team leader approves it before it is paid.")
        self.reload()

    def propose_writeoff(self) -> ProposeWriteOffDialog | None:
        summary = self.summary
        if summary is None:
            return None
        dialog = ProposeWriteOffDialog(self._ui, summary, self)
        dialog.saved.connect(self._writeoff_proposed)
        self._open(dialog)
        return dialog

    def _writeoff_proposed(self, writeoff: WriteOffView) -> None:
        self._say(f"Write-off of {money(writeoff.amount_pence)} for {year_label(writeoff.financial_year)} proposed: "
                  "someone whose limit covers it approves it before it is posted.")
        self.reload()

    def write_letter(self) -> WriteLetterDialog | None:
        """Choose a template, see it filled for this account, and make the letter (kept on the account)."""
        summary = self.summary
        if summary is None:
            return None
        dialog = WriteLetterDialog(self._ui, summary, self)
        dialog.saved.connect(self._letter_written)
        self._open(dialog)
        return dialog

    def _letter_written(self, letter: GeneratedLetter) -> None:
        self._say(f"Letter made and kept on the account: {letter.file_name}.")
        self.reload()
        self.show_tab(DocumentsTab)

    def open_recovery_action(self, key: str) -> QDialog | None:
        """A hold, or a step after the liability order, from the Recovery tab."""
        summary, recovery = self.summary, self.recovery
        if summary is None or recovery is None:
            return None
        tab = self.tab(RecoveryTab)
        assert isinstance(tab, RecoveryTab)
        dialog: QDialog
        if key == "add_hold":
            dialog = AddHoldDialog(self._ui, summary, self)
            dialog.saved.connect(lambda hold: self._recovery_saved(f"Hold added: {hold.describe()}."))
        elif key == "lift_hold":
            hold = tab.selected_hold()
            if hold is None:
                return None
            dialog = LiftHoldDialog(self._ui, summary, hold, tab.hold_label(hold.kind), self)
            dialog.saved.connect(lambda hold: self._recovery_saved(
                f"Hold lifted: {hold.label} ends on {hold.end_date:%d/%m/%Y}."))
        elif key == "release_safeguard":
            holding = [r for r in recovery.safeguards if r.holding]
            if not holding:
                return None
            dialog = ReleaseSafeguardDialog(self._ui, summary, holding, self)
            dialog.saved.connect(lambda release: self._recovery_saved(
                f"Released from the {release.kind.replace('_', ' ')} safeguard: the next statutory step may be taken."))
        elif key in ENFORCEMENT_DIALOGS:
            dialog = ENFORCEMENT_DIALOGS[key](self._ui, summary, recovery, self)
            dialog.saved.connect(lambda result: self._recovery_saved(self._case_sentence(key, result)))
        else:
            return None
        self._open(dialog)
        return dialog

    @staticmethod
    def _case_sentence(key: str, result: Any) -> str:
        case = getattr(result, "case", result)
        what = route_label(key)
        schedule = getattr(result, "schedule", None)
        deduction = f"; {money(schedule.deduction_pence)} each pay day" if schedule is not None else ""
        letter = " The letter is stored on the account." if getattr(result, "document", None) else ""
        return f"{what} started: case {case.case_ref} for {money(case.debt_pence)}{deduction}.{letter}"

    def _recovery_saved(self, sentence: str) -> None:
        self._say(sentence)
        self.reload()

    def open_casework_action(self, key: str) -> QDialog | None:
        """A form from the Diary & notes tab: note, diary entry, tracing, escalation, or
        completing / moving the selected diary entry."""
        summary = self.summary
        if summary is None:
            return None
        dialog: QDialog
        if key == "add_note":
            dialog = AddNoteDialog(self._ui, summary, self)
            dialog.saved.connect(lambda _note: self._casework_saved("Note added."))
        elif key == "add_diary":
            dialog = AddDiaryDialog(self._ui, summary, self._codes(), self)
            dialog.saved.connect(lambda entry: self._casework_saved(
                f"Diary entry {entry.code} added for {uk_date(entry.due)}."))
        elif key == "trace":
            dialog = TraceDialog(self._ui, summary, self)
            dialog.saved.connect(lambda result: self._casework_saved(
                "Traced: the new address is on the notes and a TRACED entry was made." if result.follow_up
                else "Gone away recorded: a TRACE entry is with the tracing team." if result.created
                else "Gone away recorded on the notes: the account is already being traced."))
        elif key == "escalate":
            dialog = EscalateDialog(self._ui, summary, self)
            dialog.saved.connect(lambda esc: self._casework_saved(
                f"Escalated to the {esc.team or 'team'} team leaders."))
        elif key in ("complete", "reschedule"):
            entry = self.diary_tab.selected_entry()
            if entry is None or entry.status != DiaryStatus.OPEN:
                return None
            if key == "complete":
                days = next((c.default_days for c in self._codes() if c.code == entry.code), 14)
                dialog = CompleteDiaryDialog(self._ui, entry, self, description=entry.description, default_days=days)
                dialog.saved.connect(lambda result: self._casework_saved(
                    f"{result.completed.code} completed" + (
                        f"; brought forward to {uk_date(result.follow_up.due)}." if result.follow_up else ".")))
            else:
                dialog = RescheduleDiaryDialog(self._ui, entry, self, description=entry.description)
                dialog.saved.connect(lambda view: self._casework_saved(f"{view.code} moved to {uk_date(view.due)}."))
        else:
            return None
        self._open(dialog)
        return dialog

    def _arrangement_agreed(self, view: ArrangementView) -> None:
        regular = view.instalments[0].amount_pence if view.instalments else 0
        self._say(f"Arrangement agreed: {len(view.instalments)} payments of {money(regular)} from "
                  f"{uk_date(view.start)}; recovery is on hold and the confirmation letter is on the account.")
        self.reload()

    def cancel_arrangement(self) -> CancelArrangementDialog | None:
        summary = self.summary
        if summary is None:
            return None
        dialog = CancelArrangementDialog(self._ui, summary, self)
        dialog.saved.connect(lambda _view: self._casework_saved("Arrangement cancelled: the recovery hold is lifted."))
        self._open(dialog)
        return dialog

    def _codes(self) -> list[Any]:
        casework = self.diary_tab.casework
        return list(casework.codes) if casework is not None else []

    def _casework_saved(self, sentence: str) -> None:
        self._focus_diary = None
        self._say(sentence)
        self.reload()

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
