"""The one way a app dialog saves: a form on a card, Cancel and Save below it, the save
on a worker, and the service's refusal as one sentence in a banner.

Every editor (a payment, a diary entry, a liability change…) is built on `SavingDialog`,
so they all behave alike when the service is slow or says no: "Saving…", "Saved." or
"Nothing was saved." beside the buttons, Save disabled while anything is wrong, and a
dialog that cannot be closed while its save is still running.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.summary import AccountSummary
from app.court.at_court import AtCourt, run_confirmed
from app.errors import ValidationError
from app.ui.at_court import ask_change_anyway
from app.ui.context import UiContext
from app.ui.formatting import error_sentence, money
from app.ui.forms import OptionalDate, form_layout
from app.ui.signals import emit
from app.ui.style import set_invalid, set_role
from app.ui.widgets import PageScroll, label
from app.ui.workers import TaskHandle


def account_subtitle(summary: AccountSummary) -> str:
    """The line under a dialog's title that says which account it changes."""
    return f"Account {summary.account_ref} · {summary.name} · owed now {money(summary.balance_pence)}"


class SavingDialog(QDialog):
    """The parts every saving dialog shares; a subclass lays them out and says what is wrong
    (`problems`), what Save runs (`work`) and how a refusal is shown (`show_error`)."""

    saved = Signal(object)  # the service's result, after it was saved

    TITLE: ClassVar[str] = ""
    SAVE_TEXT: ClassVar[str] = "Save"
    MIN_WIDTH: ClassVar[int] = 560
    # Beside the buttons while the work runs, after it succeeded, after it failed.
    BUSY_TEXT: ClassVar[str] = "Saving…"
    DONE_TEXT: ClassVar[str] = "Saved."
    FAILED_TEXT: ClassVar[str] = "Nothing was saved."

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self.as_of = ui.today()
        self._handle: TaskHandle | None = None
        self._server_problem: Any = None  # what the service refused for the values as typed
        self.fields: dict[str, QWidget] = {}  # service field name -> the widget that turns red
        self.result: Any = None
        self.at_court_box: QMessageBox | None = None  # "Change anyway?" for a case at court
        self._confirm_at_court = False  # the next save is the officer's "Change anyway"
        self.setWindowTitle(self.TITLE)
        self.setMinimumWidth(self.MIN_WIDTH)

        self.form = form_layout()
        self.error = label("", "banner-error", wrap=True)
        self.error.setVisible(False)
        self.status = label("", "muted")
        self.save_button = QPushButton(self.SAVE_TEXT)
        set_role(self.save_button, "primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)

    # --- layout pieces ----------------------------------------------------------------

    def show_banner(self, banner: QLabel, text: str) -> None:
        """Show a message banner and make room for it.

        A dialog does not grow by itself when a wrapped banner appears: its layout squeezed
        the form's fields instead (the Connect dialog's, after a failed test). So the dialog
        grows by what the banner needs, never beyond the screen, and never shrinks."""
        banner.setText(text)
        banner.setVisible(True)
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else self.sizeHint().height()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        limit = screen.height() - 40 if screen is not None else needed
        if needed > self.height():
            self.resize(self.width(), min(needed, max(limit, self.height())))

    def form_card(self) -> QFrame:
        """The form on a card, with the same margins in every dialog."""
        card = QFrame()
        set_role(card, "card")
        card_box = QVBoxLayout(card)
        card_box.setContentsMargins(18, 14, 18, 14)
        card_box.addLayout(self.form)
        return card

    def button_row(self) -> QHBoxLayout:
        """The status text taking the spare room, then Cancel and Save."""
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        return buttons

    def page_layout(self) -> QVBoxLayout:
        """The dialog's page layout, with the app's dialog margins, on a `PageScroll`: the
        dialog opens at its natural size, and where that is taller than the screen (Move out
        with its trial calculation on a 768-pixel screen) it is capped and the page scrolls,
        instead of running off the bottom."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        page = QWidget()
        page.setObjectName("Page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        outer.addWidget(PageScroll(page))
        return layout

    def showEvent(self, event: QShowEvent) -> None:
        """Never taller or wider than the screen it opens on (the page scrolls instead)."""
        super().showEvent(event)
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(self.width(), room.width() - 20), min(self.height(), room.height() - 40)
            if (width, height) != (self.width(), self.height()):
                self.resize(width, height)
                self.move(max(room.left(), self.x()), max(room.top(), min(self.y(), room.bottom() - height - 30)))

    # --- what a subclass provides -----------------------------------------------------

    def problems(self) -> dict[str, str]:
        """What is wrong before asking the service: field -> reason (one sentence)."""
        raise NotImplementedError

    def work(self) -> Callable[[], Any]:
        """What Save runs on the worker, with the values read on the GUI thread."""
        raise NotImplementedError

    def show_error(self, exc: BaseException) -> None:
        raise NotImplementedError

    def save_description(self) -> str:
        """The worker task's name (shown while it runs and in the log)."""
        return self.TITLE

    # --- behaviour --------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def is_valid(self) -> bool:
        return not self.problems() and self._server_problem is None

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self.is_valid() and not self.saving)

    def save(self) -> None:
        if not self.is_valid() or self.saving:
            return
        work = self.work()
        if self._confirm_at_court:  # this one save only: each change at court is confirmed by itself
            self._confirm_at_court, asked = False, work
            work = lambda: run_confirmed(asked)  # noqa: E731
        self.status.setText(self.BUSY_TEXT)
        self.error.setVisible(False)
        self._handle = self._ui.runner.run(
            lambda _task: work(), on_success=self._saved, on_failure=self._failed,
            on_finished=self._update_buttons, owner=self, description=self.save_description(),
        )
        self._update_buttons()

    def _saved(self, result: Any) -> None:
        self.result = result
        self.status.setText(self.DONE_TEXT)
        emit(self.saved, result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.FAILED_TEXT)
        self.show_error(exc)
        if isinstance(exc, AtCourt):
            self.at_court_box = ask_change_anyway(self, exc, self._change_anyway)

    def _change_anyway(self) -> None:
        self._confirm_at_court = True
        self._server_problem = None
        self.save()

    def reject(self) -> None:
        if self.saving:
            return  # the save finishes (or fails) first; never leave it unseen
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving:
            event.ignore()
            return
        super().closeEvent(event)


class FormDialog(SavingDialog):
    """A small form: title, a line of context, the form, the error banner, the buttons.
    Validation as the officer types; the service's refusal in the banner (with its field in
    red); nothing typed is lost on failure."""

    def __init__(self, ui: UiContext, subtitle: str, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.page = self.page_layout()
        self.page.addWidget(label(self.TITLE, "page-title"))
        self.page.addWidget(label(subtitle, "muted", wrap=True))
        self.page.addWidget(self.form_card())
        self.page.addWidget(self.error)
        self.page.addStretch(1)
        self.buttons = self.button_row()
        self.page.addLayout(self.buttons)

    def add_row(self, caption: str, widget: QWidget, field: str) -> None:
        """A form row whose widget is re-checked whenever it changes."""
        self.form.addRow(caption, widget)
        self.fields[field] = widget
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            widget.textChanged.connect(self._changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._changed)
        elif isinstance(widget, OptionalDate):
            widget.changed.connect(self._changed)
        elif hasattr(widget, "dateChanged"):
            widget.dateChanged.connect(self._changed)

    def _changed(self, *_args: Any) -> None:
        self._server_problem = None
        self.error.setVisible(False)
        problems = self.problems()
        for field, widget in self.fields.items():
            set_invalid(widget, problems.get(field))
        self._update_buttons()

    def show_error(self, exc: BaseException) -> None:
        """One sentence in the banner; the field it is about turns red until it changes."""
        sentence = error_sentence(exc)
        self.show_banner(self.error, sentence)
        self._server_problem = sentence
        if isinstance(exc, ValidationError) and exc.field in self.fields:
            set_invalid(self.fields[exc.field], sentence)
        self._update_buttons()


class AccountFormDialog(FormDialog):
    """A small form about one account (its reference, name and balance under the title);
    the account view reloads after it is saved. The payment and recovery forms were laid out
    at this narrower width."""

    MIN_WIDTH = 520

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(ui, account_subtitle(summary), parent)
        self.summary = summary
