"""The account's Arrangement tab: the planner, and the live arrangement once agreed.

The planner takes what is owed now, a frequency, the first payment date, and either a
target end date or the amount the taxpayer offers, with an optional income and expenditure
statement (Standard Financial Statement categories, per month). As the officer types, the
plan is worked out on a worker (debounced): the schedule, when it clears, what is left over
each payment, and any warnings (not cleared by the target or the year end, more than is
left over, below the minimum). Agreeing it needs the warnings confirmed explicitly; it then
puts the account on hold from recovery, which the header shows. A live arrangement is shown
with what has been paid, and can be cancelled with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.summary import AccountSummary
from app.enums import ArrangementStatus
from app.errors import ServiceError
from app.money import to_pounds_text
from app.recovery.arrangements.requests import CreateArrangement
from app.recovery.arrangements.views import ArrangementPlan, ArrangementView
from app.rules.arrangements import FIXED_COSTS, FLEXIBLE_COSTS, FREQUENCY_LABELS, INCOME
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, humanise, money, uk_date
from app.ui.forms import date_edit, form_layout, from_qdate, money_edit, pence_or_reason, to_qdate
from app.ui.models.base import SortFilterProxy
from app.ui.models.casework import ArrangementLinesModel, PlanModel, plan_rows
from app.ui.panes.account_tabs import AccountTab, _fit_rows
from app.ui.signals import emit
from app.ui.style import set_invalid, set_role
from app.ui.widgets import label, make_table
from app.ui.workers import TaskHandle

DEBOUNCE_MS = 250
FORM_WIDTH = 400
FIRST_PAYMENT_DAYS = 7
FREQUENCY_TITLES = {"weekly": "Weekly", "fortnightly": "Fortnightly", "four-weekly": "Every four weeks",
                    "monthly": "Monthly"}
SECTION_TITLES = {"income": "Income", "fixed_costs": "Fixed costs", "flexible_costs": "Flexible costs"}
SECTIONS = {"income": INCOME, "fixed_costs": FIXED_COSTS, "flexible_costs": FLEXIBLE_COSTS}
STATUS_TITLES = {"live": "Live arrangement", "broken": "Broken arrangement", "completed": "Completed arrangement",
                 "cancelled": "Cancelled arrangement"}


def frequency_text(frequency: str) -> str:
    return FREQUENCY_LABELS.get(frequency, frequency)


def plan_headline(plan: ArrangementPlan) -> str:
    """"12 monthly payments of £102.87 (the last £102.93), clearing £1,234.50 by 01/06/2026"."""
    payments = plan.instalments
    if not payments:
        return "Nothing is owed: there is nothing to arrange."
    regular, last = payments[0].amount_pence, payments[-1].amount_pence
    tail = f" (the last {money(last)})" if len(payments) > 1 and last != regular else ""
    what = count(len(payments), "payment")
    return (f"{what} {frequency_text(plan.frequency)} of {money(regular)}{tail}, clearing {money(plan.balance_pence)} "
            f"by {uk_date(plan.clears_by)}")


def arrangement_headline(view: ArrangementView) -> str:
    regular = view.instalments[0].amount_pence if view.instalments else 0
    return (f"{money(view.total_pence)}: {count(len(view.instalments), 'payment')} {frequency_text(view.frequency)} "
            f"of {money(regular)} from {uk_date(view.start)} to {uk_date(view.end)}")


class ArrangementTab(AccountTab):
    TITLE = "Arrangement"
    saved = Signal(object)  # the ArrangementView agreed
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui: UiContext | None = None
        self._summary: AccountSummary | None = None
        self._as_of = date.min
        # What Save runs instead of `app.execute(request)` (Edit and apply: the request inside
        # the conflict's resolution); None: the ordinary save.
        self.submit: Callable[[CreateArrangement], Any] | None = None
        self._generation = 0
        self._save_handle: TaskHandle | None = None
        self.arrangement: ArrangementView | None = None
        self.plan: ArrangementPlan | None = None
        self.planning = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._plan_now)

        # --- the live (or last) arrangement ---
        self.live_card = QFrame()
        set_role(self.live_card, "card")
        live = QVBoxLayout(self.live_card)
        live.setContentsMargins(16, 12, 16, 12)
        live.setSpacing(8)
        self.live_title = label("", "section")
        self.live_text = label("", None, wrap=True)
        self.live_figures = label("", "muted", wrap=True)
        self.cancel_button = QPushButton("Cancel arrangement…")
        self.cancel_button.setToolTip("End the arrangement with a reason: recovery resumes")
        self.cancel_button.clicked.connect(lambda: emit(self.cancel_requested))
        live_top = QHBoxLayout()
        live_top.addWidget(self.live_title)
        live_top.addStretch(1)
        live_top.addWidget(self.cancel_button)
        self.lines_model = ArrangementLinesModel(self)
        self.lines_proxy = SortFilterProxy(self.lines_model, self)
        a = ArrangementLinesModel
        self.lines = make_table(self.lines_proxy, stretch=a.COL_STATUS,
                                widths={a.COL_NUMBER: 60, a.COL_DUE: 120, a.COL_AMOUNT: 130, a.COL_PAID: 130})
        live.addLayout(live_top)
        live.addWidget(self.live_text)
        live.addWidget(self.live_figures)
        live.addWidget(self.lines)

        # --- the planner's form ---
        self.owed = label("", "figure")
        self.frequency = QComboBox()
        self.frequency.setAccessibleName("Frequency")
        self.frequency.setMinimumWidth(180)
        self.start = date_edit(date.today(), accessible="First payment on")
        self.by_end = QRadioButton("Clear by")
        self.by_amount = QRadioButton("Taxpayer offers")
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.by_end)
        self.mode.addButton(self.by_amount)
        self.by_end.setChecked(True)
        self.end = date_edit(date.today(), accessible="Clear by")
        self.amount = money_edit("0.00")
        self.amount.setAccessibleName("Amount offered in pounds")
        self.amount.setFixedWidth(150)
        form = form_layout()
        form.addRow("Owed now", self.owed)
        form.addRow("Frequency", self.frequency)
        form.addRow("First payment", self.start)
        form.addRow(self.by_end, self.end)
        form.addRow(self.by_amount, self.amount)

        self.statement = QGroupBox("Income and expenditure (per month)")
        self.statement.setCheckable(True)
        self.statement.setChecked(False)
        self.statement.setToolTip("Standard Financial Statement categories; leave blank what does not apply")
        self.statement_fields: dict[tuple[str, str], QLineEdit] = {}
        grid = QGridLayout(self.statement)
        grid.setContentsMargins(12, 8, 12, 10)
        grid.setHorizontalSpacing(18)
        for column, (section, categories) in enumerate(SECTIONS.items()):
            sub = QFormLayout()
            sub.setHorizontalSpacing(8)
            sub.setVerticalSpacing(4)
            sub.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label(SECTION_TITLES[section], "section"), 0, column)
            for category in categories:
                edit = money_edit(width=84)
                edit.setAccessibleName(humanise(category))
                edit.textChanged.connect(self._changed)
                self.statement_fields[(section, category)] = edit
                sub.addRow(label(humanise(category), "caption"), edit)
            grid.addLayout(sub, 1, column, Qt.AlignmentFlag.AlignTop)

        form_card = QFrame()
        set_role(form_card, "card")
        form_box = QVBoxLayout(form_card)
        form_box.setContentsMargins(16, 12, 16, 12)
        form_box.setSpacing(10)
        form_box.addWidget(label("Plan an arrangement", "section"))
        form_box.addLayout(form)

        # --- the plan ---
        self.headline = label("", "figure", wrap=True)
        self.left_over = label("", "muted", wrap=True)
        self.warnings = label("", "banner-warning", wrap=True)
        self.warnings.setVisible(False)
        self.error = label("", "error", wrap=True)
        self.error.setVisible(False)
        self.plan_model = PlanModel(self)
        self.plan_proxy = SortFilterProxy(self.plan_model, self)
        p = PlanModel
        self.schedule = make_table(self.plan_proxy, stretch=p.COL_LEFT,
                                   widths={p.COL_NUMBER: 60, p.COL_DUE: 120, p.COL_AMOUNT: 130})
        self.confirm = QCheckBox("I have discussed the warnings with the taxpayer: agree it anyway")
        self.confirm.setVisible(False)
        self.confirm.toggled.connect(lambda _on: self._update_save())
        self.save_button = QPushButton("Agree arrangement")
        set_role(self.save_button, "primary")
        self.save_button.clicked.connect(self.save)
        self.save_status = label("", "muted", wrap=True)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_status, 1)
        save_row.addWidget(self.save_button)
        plan_box = QVBoxLayout()
        plan_box.setSpacing(8)
        plan_box.addWidget(self.headline)
        plan_box.addWidget(self.left_over)
        plan_box.addWidget(self.error)
        plan_box.addWidget(self.warnings)
        plan_box.addWidget(self.schedule)
        plan_box.addWidget(self.confirm)
        plan_box.addLayout(save_row)
        plan_box.addStretch(1)

        self.planner = QWidget()
        planner = QGridLayout(self.planner)
        planner.setContentsMargins(0, 0, 0, 0)
        planner.setHorizontalSpacing(16)
        planner.setVerticalSpacing(10)
        form_card.setFixedWidth(FORM_WIDTH)
        planner.addWidget(form_card, 0, 0, Qt.AlignmentFlag.AlignTop)
        planner.addLayout(plan_box, 0, 1)
        planner.addWidget(self.statement, 1, 0, 1, 2)
        planner.setColumnStretch(1, 1)

        self.problem = label("", "error", wrap=True)
        self.problem.setVisible(False)
        self.body.addWidget(self.problem)
        self.body.addWidget(self.live_card)
        self.body.addWidget(self.planner)
        self.body.addStretch(1)

        self.frequency.currentIndexChanged.connect(self._changed)
        self.start.dateChanged.connect(self._start_changed)
        self.end.dateChanged.connect(self._end_typed)
        self.amount.textChanged.connect(self._offer_typed)
        self.mode.buttonToggled.connect(lambda *_: self._mode_changed())
        self.statement.toggled.connect(self._changed)
        self._mode_changed()

    def attach(self, ui: UiContext) -> None:
        """The planner works out plans and saves on the desktop's workers."""
        self._ui = ui
        self.frequency.blockSignals(True)
        for frequency in ui.app.arrangement_frequencies:
            self.frequency.addItem(FREQUENCY_TITLES.get(frequency, humanise(frequency)), frequency)
        self.frequency.setCurrentIndex(max(0, self.frequency.findData("monthly")))
        self.frequency.blockSignals(False)

    # --- showing the account -------------------------------------------------------------------

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        new_account = self._summary is None or self._summary.account_ref != summary.account_ref
        self._summary = summary
        self._as_of = as_of
        self.owed.setText(money(summary.balance_pence))
        if new_account:
            for widget in (self.start, self.end):
                widget.blockSignals(True)
            self.start.setMinimumDate(to_qdate(as_of))
            self.start.setDate(to_qdate(as_of + timedelta(days=FIRST_PAYMENT_DAYS)))
            year_end = date(as_of.year + (1 if as_of.month >= 4 else 0), 3, 31)
            self.end.setDate(to_qdate(max(year_end, as_of + timedelta(days=FIRST_PAYMENT_DAYS))))
            for widget in (self.start, self.end):
                widget.blockSignals(False)
            self.amount.clear()
            for edit in self.statement_fields.values():
                edit.clear()
            self.statement.setChecked(False)
            self.confirm.setChecked(False)

    def show_arrangement(self, arrangement: ArrangementView | ServiceError | None) -> None:
        if isinstance(arrangement, ServiceError):
            self.problem.setText(f"The arrangement could not be shown: {error_sentence(arrangement)}")
            self.problem.setVisible(True)
            arrangement = None
        else:
            self.problem.setVisible(False)
        self.arrangement = arrangement
        live = arrangement is not None and arrangement.status == ArrangementStatus.LIVE
        self.live_card.setVisible(arrangement is not None)
        self.planner.setVisible(not live)
        self.cancel_button.setVisible(live)
        if arrangement is not None:
            self.live_title.setText(STATUS_TITLES.get(arrangement.status, humanise(arrangement.status)))
            reason = f" ({arrangement.status_reason})" if arrangement.status_reason and not live else ""
            self.live_text.setText(arrangement_headline(arrangement) + reason)
            next_due = f" · next payment due {uk_date(arrangement.next_due)}" if arrangement.next_due else ""
            self.live_figures.setText(f"Paid {money(arrangement.paid_pence)} · behind by "
                                      f"{money(arrangement.arrears_pence)}{next_due} · agreed by "
                                      f"{arrangement.created_by}. Recovery is on hold while it is kept.")
            self.live_figures.setVisible(live)
            self.lines_model.set_rows(arrangement.instalments)
            _fit_rows(self.lines, len(arrangement.instalments), 8)
            self.lines.setVisible(live)
        if not live:
            self._changed()

    # --- planning --------------------------------------------------------------------------------

    def _mode_changed(self) -> None:
        """Both fields stay editable: typing in one chooses it (the radio buttons say which counts)."""
        self._changed()

    def _end_typed(self, *_args: Any) -> None:
        if not self.by_end.isChecked():
            self.by_end.setChecked(True)
        self._changed()

    def _offer_typed(self, text: str) -> None:
        if text.strip() and not self.by_amount.isChecked():
            self.by_amount.setChecked(True)
        self._changed()

    def _start_changed(self, *_args: Any) -> None:
        self._changed()

    def income_expenditure(self) -> tuple[dict[str, Any] | None, dict[QLineEdit, str]]:
        """The statement typed (pence per month per category), and the fields that are not amounts."""
        if not self.statement.isChecked():
            return None, {}
        statement: dict[str, dict[str, int]] = {}
        bad: dict[QLineEdit, str] = {}
        for (section, category), edit in self.statement_fields.items():
            text = edit.text().strip()
            if not text:
                continue
            pence, reason = pence_or_reason(text, allow_zero=True)
            if pence is None:
                bad[edit] = reason or ""
                continue
            statement.setdefault(section, {})[category] = pence
        return statement, bad

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        start = from_qdate(self.start.date())
        if start < self._as_of:
            found["start"] = "The first payment cannot be in the past."
        if self.by_amount.isChecked():
            _, reason = pence_or_reason(self.amount.text())
            if reason:
                found["amount"] = reason
        elif from_qdate(self.end.date()) < start:
            found["end"] = f"The last payment cannot be before the first ({uk_date(start)})."
        return found

    def _changed(self, *_args: Any) -> None:
        if self._summary is None or (self.arrangement is not None and self.arrangement.status == ArrangementStatus.LIVE):
            return
        problems = self.problems()
        set_invalid(self.start, problems.get("start"))
        set_invalid(self.amount, problems.get("amount"))
        set_invalid(self.end, problems.get("end"))
        _, bad = self.income_expenditure()
        for edit in self.statement_fields.values():
            set_invalid(edit, bad.get(edit))
        self._generation += 1  # any plan on its way is for what was typed before
        self.plan = None
        self.save_status.setText("")
        if problems or bad:
            self.planning = False
            self._timer.stop()
            self._show_plan_error(next(iter(problems.values()), None) or next(iter(bad.values())))
        else:
            self.planning = True
            self.headline.setText(self.headline.text() or "Working out the plan…")
            self._timer.start()
        self._update_save()

    def prefill(self, request: CreateArrangement) -> None:
        """The form as `request` had it (Sync conflicts ▸ Edit and apply: the court's arrangement)."""
        self.frequency.setCurrentIndex(max(0, self.frequency.findData(request.frequency)))
        self.start.setDate(to_qdate(request.start))
        if request.amount_pence is not None:
            self.by_amount.setChecked(True)
            self.amount.setText(to_pounds_text(request.amount_pence))
        else:
            self.by_end.setChecked(True)
            if request.end is not None:
                self.end.setDate(to_qdate(request.end))
        self._changed()

    def _request(self, account_ref: str, as_of: date, *, confirm: bool = False) -> CreateArrangement:
        statement, _ = self.income_expenditure()
        offer = self.by_amount.isChecked()
        return CreateArrangement(
            account_ref=account_ref, frequency=self.frequency.currentData(), start=from_qdate(self.start.date()),
            as_of=as_of, end=None if offer else from_qdate(self.end.date()),
            amount_pence=pence_or_reason(self.amount.text())[0] if offer else None,
            income_expenditure=statement or None, confirm_warnings=confirm,
        )

    def _plan_now(self) -> None:
        if self._ui is None or self._summary is None or self.problems():
            return
        generation = self._generation
        app, request = self._ui.app, self._request(self._summary.account_ref, self._as_of)
        self._ui.runner.run(
            lambda _task: app.plan_arrangement(request),
            on_success=lambda plan: self._planned(generation, plan),
            on_failure=lambda exc: self._plan_failed(generation, exc), owner=self, description="plan arrangement",
        )

    def _planned(self, generation: int, plan: ArrangementPlan) -> None:
        if generation != self._generation:
            return
        self.planning = False
        self.plan = plan
        self.error.setVisible(False)
        self.headline.setText(plan_headline(plan))
        a = plan.affordability
        if a is None:
            self.left_over.setText("Add the income and expenditure to see what the taxpayer can afford.")
            set_role(self.left_over, "muted")
        else:
            regular = plan.instalments[0].amount_pence if plan.instalments else 0
            self.left_over.setText(
                f"Income {money(a.income_pence)} · fixed costs {money(a.fixed_costs_pence)} · flexible costs "
                f"{money(a.flexible_costs_pence)} a month. Left over: {money(a.surplus_monthly_pence)} a month, "
                f"{money(a.surplus_per_payment_pence)} per payment ({money(regular)} asked)."
            )
            set_role(self.left_over, "positive" if a.surplus_per_payment_pence >= regular else "error")
        pending = [w for w in plan.warnings]
        self.warnings.setText("\n".join(f"⚠  {w.message}" for w in pending))
        self.warnings.setVisible(bool(pending))
        self.confirm.setVisible(bool(pending))
        if not pending:
            self.confirm.setChecked(False)
        rows = plan_rows(plan.balance_pence, plan.instalments)
        self.plan_model.set_rows(rows)
        _fit_rows(self.schedule, len(rows), 8)
        self.schedule.setVisible(bool(rows))
        self._update_save()

    def _plan_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.planning = False
            self._show_plan_error(error_sentence(exc))
            self._update_save()

    def _show_plan_error(self, sentence: str | None) -> None:
        self.headline.setText("")
        self.left_over.setText("")
        self.warnings.setVisible(False)
        self.confirm.setVisible(False)
        self.plan_model.set_rows([])
        self.schedule.setVisible(False)
        self.error.setText(sentence or "")
        self.error.setVisible(bool(sentence))

    @property
    def saving(self) -> bool:
        return self._save_handle is not None and not self._save_handle.finished

    def _update_save(self) -> None:
        plan = self.plan
        ready = plan is not None and bool(plan.instalments) and not self.saving
        needs_confirm = plan is not None and bool(plan.warnings)
        self.save_button.setEnabled(ready and (not needs_confirm or self.confirm.isChecked()))
        if ready and needs_confirm and not self.confirm.isChecked():
            self.save_button.setToolTip("Confirm the warnings first")
        else:
            self.save_button.setToolTip("Agree the arrangement: recovery is put on hold and a confirmation letter made")

    def save(self) -> None:
        if not self.save_button.isEnabled() or self._ui is None or self._summary is None:
            return
        submit = self.submit or self._ui.app.execute
        request = self._request(self._summary.account_ref, self._as_of, confirm=self.confirm.isChecked())
        self.save_status.setText("Saving…")
        set_role(self.save_status, "muted")
        self._save_handle = self._ui.runner.run(
            lambda _task: submit(request),
            on_success=self._saved, on_failure=self._save_failed, on_finished=self._update_save, owner=self,
            description="agree arrangement",
        )
        self._update_save()

    def _saved(self, view: ArrangementView) -> None:
        self.save_status.setText("")
        emit(self.saved, view)

    def _save_failed(self, exc: BaseException) -> None:
        self.save_status.setText(f"Not agreed: {error_sentence(exc)}")
        set_role(self.save_status, "error")
