"""Recovery forms from the account's Recovery tab: holds (add, lift) and the steps open
after a liability order (attachment of earnings, deduction from benefit, referral to an
enforcement agent).

Each checks as the officer types and leaves the final word to the service: a refusal (the
account is on hold, another method is already in place, no liability order) is shown as one
sentence. The attachment of earnings form shows the statutory deduction for the net pay
typed, worked out by the same rules the order letter uses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QPlainTextEdit, QWidget

from app.accounts.summary import AccountSummary
from app.enums import HoldKind, RecoveryStage
from app.errors import ServiceError
from app.recovery.account_recovery import HoldRow
from app.recovery.account_view import AccountRecovery
from app.recovery.enforcement.requests import ApplyBenefitDeduction, MakeAttachmentOrder, ReferToAgent
from app.recovery.requests import AddHold, LiftHold, ReleaseSafeguard
from app.recovery.safeguards import SafeguardRow
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import AccountFormDialog
from app.ui.formatting import error_sentence, financial_year, humanise, money, uk_date
from app.ui.forms import OptionalDate, date_edit, from_qdate, line_edit, money_edit, pence_or_reason, to_qdate
from app.ui.widgets import label

FIELD_WIDTH = 300
PAY_PERIOD_LABELS = {"weekly": "Weekly", "fortnightly": "Fortnightly", "four_weekly": "Four-weekly",
                     "monthly": "Monthly", "daily": "Daily"}
UC_CATEGORY_LABELS = {"single_under_25": "Single, under 25", "single_25_plus": "Single, 25 or over",
                      "couple_under_25": "Couple, both under 25", "couple_25_plus": "Couple, one or both 25 or over"}
BENEFIT_LABELS = {"universal_credit": "Universal Credit",
                  "legacy": "Income-related benefit (IS, JSA(IB), ESA(IR), Pension Credit)"}


class AddHoldDialog(AccountFormDialog):
    """Stop recovery on the account for a reason, from a date (to a date, or until lifted).
    A standard breathing space ends after the statutory 60 days unless another end is given."""

    TITLE = "Add hold"
    SAVE_TEXT = "Add hold"

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self._end_auto = True
        self.days = ui.app.breathing_space_days
        self.kind = QComboBox()
        self.kind.setMinimumWidth(FIELD_WIDTH)
        for code, text in ui.app.hold_kinds.items():
            self.kind.addItem(text, code)
        self.reason = line_edit("e.g. StepChange referral received", max_length=500, width=FIELD_WIDTH)
        self.start = date_edit(self.as_of, accessible="Hold starts on")
        self.end = OptionalDate(self.as_of, "Ends on")
        self.hint = label("", "muted", wrap=True)
        self.add_row("Kind of hold", self.kind, "kind")
        self.add_row("Reason", self.reason, "reason")
        self.add_row("From", self.start, "start_date")
        self.add_row("To", self.end, "end_date")
        self.form.addRow("", self.hint)
        self.kind.currentIndexChanged.connect(self._default_end)
        self.start.dateChanged.connect(self._default_end)
        self.end.changed.connect(self._end_edited)
        self.reason.setFocus()
        self._default_end()

    def _breathing_space(self) -> bool:
        return bool(self.kind.currentData() == HoldKind.BREATHING_SPACE)

    def _default_end(self, *_args: Any) -> None:
        """A standard breathing space lasts `days` from its first day unless the officer says otherwise."""
        if self._end_auto:
            start = from_qdate(self.start.date())
            self.end.blockSignals(True)
            self.end.check.blockSignals(True)
            self.end.edit.blockSignals(True)
            if self._breathing_space():
                self.end.set_value(start + timedelta(days=self.days - 1))
            else:
                self.end.set_value(None)
                self.end.edit.setDate(to_qdate(start))
            self.end.edit.setEnabled(self.end.check.isChecked())
            for widget in (self.end, self.end.check, self.end.edit):
                widget.blockSignals(False)
        kind = self.kind.currentData()
        self.hint.setText({
            "breathing_space": f"A standard breathing space lasts {self.days} days: no recovery step is taken "
                               "and no enforcement is started while it is in force.",
            "breathing_space_mental_health": "A mental health crisis breathing space lasts until it is lifted "
                                             "(the crisis treatment plus 30 days).",
        }.get(kind, "Recovery stops on this account while the hold is in force."))
        self._changed()

    def _end_edited(self) -> None:
        self._end_auto = False

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.reason.text().strip():
            found["reason"] = "Give the reason for the hold."
        start, end = from_qdate(self.start.date()), self.end.value()
        if start > self.as_of + timedelta(days=366):
            found["start_date"] = "The hold cannot start more than a year ahead."
        if end is not None and end < start:
            found["end_date"] = f"The hold cannot end before it starts ({uk_date(start)})."
        return found

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        kind, reason = self.kind.currentData(), self.reason.text()
        start, end = from_qdate(self.start.date()), self.end.value()
        return lambda: app.execute(AddHold(account_ref=ref, kind=kind, reason=reason, start_date=start, end_date=end,
                                            as_of=as_of))


class LiftHoldDialog(AccountFormDialog):
    """End a hold: its last day in force and why."""

    TITLE = "Lift hold"
    SAVE_TEXT = "Lift hold"

    def __init__(self, ui: UiContext, summary: AccountSummary, hold: HoldRow, label_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.hold = hold
        until = f" to {uk_date(hold.to)}" if hold.to else " until lifted"
        self.form.addRow("Hold", label(f"{label_text} from {uk_date(hold.from_)}{until}", wrap=True))
        self.last_day = date_edit(max(self.as_of, hold.from_), accessible="Last day of the hold")
        self.reason = line_edit("e.g. breathing space ended early by the adviser", max_length=500, width=FIELD_WIDTH)
        self.add_row("Last day in force", self.last_day, "end_date")
        self.add_row("Reason for lifting", self.reason, "reason")
        self.reason.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        day = from_qdate(self.last_day.date())
        if day < self.hold.from_:
            found["end_date"] = f"The hold started on {uk_date(self.hold.from_)}; it cannot end before that."
        elif self.hold.to is not None and day > self.hold.to:
            found["end_date"] = f"The hold already ends on {uk_date(self.hold.to)}."
        if not self.reason.text().strip():
            found["reason"] = "Say why the hold is lifted."
        return found

    def work(self) -> Callable[[], Any]:
        app, as_of, hold_id = self._ui.app, self.as_of, self.hold.hold_id
        day, reason = from_qdate(self.last_day.date()), self.reason.text()
        return lambda: app.execute(LiftHold(hold_id=hold_id, end_date=day, reason=reason, as_of=as_of))


class ReleaseSafeguardDialog(AccountFormDialog):
    """A team leader releases the account from a safeguard holding back its next statutory
    step (a summons, a liability order, an agent referral, an attachment): which one, and why."""

    TITLE = "Release from a safeguard"
    SAVE_TEXT = "Release"

    def __init__(self, ui: UiContext, summary: AccountSummary, holding: list[SafeguardRow],
                 parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Safeguard")
        for row in holding:
            if self.kind.findData(row.kind) < 0:
                self.kind.addItem(f"{row.label[:1].upper()}{row.label[1:]} since {uk_date(row.opened_at.date())}", row.kind)
        self.add_row("Safeguard", self.kind, "kind")
        self.form.addRow("", label("The next statutory step may then be taken while this casework is open. "
                                   "The release is recorded on the account and cannot be undone.", "muted", wrap=True))
        self.reason = line_edit("e.g. new address confirmed by phone; adviser agrees recovery may continue",
                                max_length=500, width=FIELD_WIDTH)
        self.add_row("Reason", self.reason, "reason")
        self.reason.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.kind.currentData() is None:
            found["kind"] = "Nothing is holding this account back."
        if not self.reason.text().strip():
            found["reason"] = "Say why the account may be released."
        return found

    def work(self) -> Callable[[], Any]:
        app, as_of, kind, reason = self._ui.app, self.as_of, str(self.kind.currentData()), self.reason.text()
        ref = self.summary.account_ref
        return lambda: app.execute(ReleaseSafeguard(account_ref=ref, kind=kind, reason=reason, as_of=as_of))


class _LiabilityOrderDialog(AccountFormDialog):
    """A step enforcing a liability order: which year's order, and from when."""

    DATE_CAPTION = "Date"

    def __init__(self, ui: UiContext, summary: AccountSummary, recovery: AccountRecovery,
                 parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.recovery = recovery
        self.year = QComboBox()
        self.year.setMinimumWidth(140)
        for year in reversed(recovery.liability_order_years):
            self.year.addItem(financial_year(year), year)
        self.year.setAccessibleName("Liability order for the year")
        self.add_row("Liability order for", self.year, "year")
        self.on = date_edit(self.as_of, accessible=self.DATE_CAPTION)
        self.on.setMaximumDate(to_qdate(self.as_of))

    def order_date(self) -> date | None:
        year = self.year.currentData()
        dates = [h.date for h in self.recovery.view.history if h.stage == RecoveryStage.LIABILITY_ORDER and h.year == year]
        return max(dates) if dates else None

    def common_problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.year.currentData() is None:
            found["year"] = "The account has no liability order."
        day, made = from_qdate(self.on.date()), self.order_date()
        if day > self.as_of:
            found["date"] = "The date cannot be in the future."
        elif made is not None and day < made:
            found["date"] = f"The date is before the liability order ({uk_date(made)})."
        return found


class AttachmentOfEarningsDialog(_LiabilityOrderDialog):
    TITLE = "Attachment of earnings order"
    SAVE_TEXT = "Make order"
    DATE_CAPTION = "Order made on"

    def __init__(self, ui: UiContext, summary: AccountSummary, recovery: AccountRecovery,
                 parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, recovery, parent)
        self.setMinimumWidth(600)
        self.employer = line_edit("Employer's name", max_length=120, width=FIELD_WIDTH)
        self.address = QPlainTextEdit()
        self.address.setPlaceholderText("Payroll address, one line each")
        self.address.setFixedSize(FIELD_WIDTH, 74)
        self.address.setTabChangesFocus(True)
        self.payroll = line_edit("Works or payroll number", width=200, max_length=40)
        self.period = QComboBox()
        for code in ui.app.pay_periods:
            self.period.addItem(PAY_PERIOD_LABELS.get(code, humanise(code)), code)
        self.period.setCurrentIndex(max(0, self.period.findData("monthly")))
        self.net_pay = money_edit()
        self.net_pay.setAccessibleName("Net pay per pay day in pounds")
        self.deduction = label("Enter the net pay to see the deduction.", "muted", wrap=True)
        self.deduction.setMinimumWidth(FIELD_WIDTH)
        self.add_row("Order made on", self.on, "date")
        self.add_row("Employer", self.employer, "employer_name")
        self.add_row("Employer's address", self.address, "employer_address")
        self.add_row("Payroll reference", self.payroll, "payroll_ref")
        self.add_row("Pay period", self.period, "pay_period")
        self.add_row("Net pay per pay day (£)", self.net_pay, "net_pay")
        self.form.addRow("Deduction", self.deduction)
        self.schedule: Any = None
        self.employer.setFocus()
        self._changed()

    def _net_pence(self) -> tuple[int | None, str | None]:
        text = self.net_pay.text().strip()
        if not text:
            return None, None
        return pence_or_reason(text, allow_zero=True)

    def _show_deduction(self) -> str | None:
        """The statutory deduction for the net pay typed (or why it cannot be worked out)."""
        net, reason = self._net_pence()
        self.schedule = None
        if reason:
            self.deduction.setText("")
            return reason
        if net is None:
            self.deduction.setText("Enter the net pay to see the deduction (optional: the order carries the table).")
            return None
        try:
            schedule = self._ui.app.aoe_schedule(net, self.period.currentData(), from_qdate(self.on.date()))
        except ServiceError as exc:
            self.deduction.setText("")
            return error_sentence(exc)
        self.schedule = schedule
        fee = f" + {money(schedule.admin_fee_pence)} employer's fee = {money(schedule.total_pence)}" \
            if schedule.admin_fee_pence else ""
        self.deduction.setText(
            f"{money(schedule.deduction_pence)} each pay day{fee}\n{schedule.explanation}"
        )
        return None

    def problems(self) -> dict[str, str]:
        found = self.common_problems()
        if not self.employer.text().strip():
            found["employer_name"] = "Enter the employer's name."
        if not self.address.toPlainText().strip():
            found["employer_address"] = "Enter the employer's address."
        problem = self._show_deduction()
        if problem:
            found["net_pay"] = problem
        return found

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        year, made = self.year.currentData(), from_qdate(self.on.date())
        employer, address, payroll = self.employer.text(), self.address.toPlainText(), self.payroll.text()
        period, (net, _) = self.period.currentData(), self._net_pence()
        return lambda: app.execute(MakeAttachmentOrder(
            account_ref=ref, year=year, employer_name=employer, employer_address=address, payroll_ref=payroll, pay_period=period,
            net_pay_pence=net, made_on=made, as_of=as_of,
        ))


class BenefitDeductionDialog(_LiabilityOrderDialog):
    TITLE = "Deduction from benefit"
    SAVE_TEXT = "Apply to the DWP"
    DATE_CAPTION = "Applied on"

    def __init__(self, ui: UiContext, summary: AccountSummary, recovery: AccountRecovery,
                 parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, recovery, parent)
        self.setMinimumWidth(600)
        self.benefit = QComboBox()
        for code in ui.app.benefits:
            self.benefit.addItem(BENEFIT_LABELS.get(code, humanise(code)), code)
        self.category = QComboBox()
        for code in ui.app.uc_categories:
            self.category.addItem(UC_CATEGORY_LABELS.get(code, humanise(code)), code)
        self.category.setCurrentIndex(max(0, self.category.findData("single_25_plus")))
        self.other = money_edit()
        self.other.setAccessibleName("Other deductions from Universal Credit in pounds")
        self.ni_number = line_edit("e.g. QQ123456C", width=160, max_length=13)
        self.add_row("Applied on", self.on, "date")
        self.add_row("Benefit", self.benefit, "benefit")
        self.add_row("UC standard allowance", self.category, "uc_category")
        self.add_row("Other UC deductions (£)", self.other, "other_deductions")
        self.add_row("National Insurance number", self.ni_number, "ni_number")
        self.form.addRow("", label(
            "Universal Credit: 5% of the standard allowance a month, within the overall deductions cap. "
            "Other benefits: 5% of the single 25+ personal allowance a week.", "muted", wrap=True,
        ))
        self.benefit.currentIndexChanged.connect(self._benefit_changed)
        self._benefit_changed()

    def _uc(self) -> bool:
        return bool(self.benefit.currentData() == "universal_credit")

    def _benefit_changed(self, *_args: Any) -> None:
        self.category.setEnabled(self._uc())
        self.other.setEnabled(self._uc())
        self._changed()

    def _other_pence(self) -> tuple[int, str | None]:
        text = self.other.text().strip()
        if not text or not self._uc():
            return 0, None
        pence, reason = pence_or_reason(text, allow_zero=True)
        return pence or 0, reason

    def problems(self) -> dict[str, str]:
        found = self.common_problems()
        _, reason = self._other_pence()
        if reason:
            found["other_deductions"] = reason
        return found

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        year, applied = self.year.currentData(), from_qdate(self.on.date())
        benefit = self.benefit.currentData()
        category = self.category.currentData() if self._uc() else None
        other, _ = self._other_pence()
        ni = self.ni_number.text()
        return lambda: app.execute(ApplyBenefitDeduction(
            account_ref=ref, year=year, benefit=benefit, uc_category=category, other_deductions_pence=other, ni_number=ni,
            applied_on=applied, as_of=as_of,
        ))


class AgentReferralDialog(_LiabilityOrderDialog):
    TITLE = "Refer to enforcement agent"
    SAVE_TEXT = "Refer"
    DATE_CAPTION = "Referred on"

    def __init__(self, ui: UiContext, summary: AccountSummary, recovery: AccountRecovery,
                 parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, recovery, parent)
        self.agent = QComboBox()
        self.agent.setEditable(True)
        self.agent.setFixedWidth(FIELD_WIDTH)
        self.agent.addItems(ui.app.enforcement_agents)
        line = self.agent.lineEdit()
        assert line is not None
        line.setPlaceholderText("Enforcement agency")
        line.setMaxLength(60)
        line.textChanged.connect(self._changed)
        self.vulnerable = QCheckBox("Vulnerable, and no advice given yet (fees are not charged)")
        self.vulnerable.toggled.connect(self._changed)
        self.add_row("Referred on", self.on, "date")
        self.add_row("Agent", self.agent, "agent")
        self.form.addRow("", self.vulnerable)
        self.form.addRow("", label(
            "The case starts at the compliance stage; the agent's fees (SI 2014/1) are owed to the agent.",
            "muted", wrap=True,
        ))
        self.agent.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        found = self.common_problems()
        if not self.agent.currentText().strip():
            found["agent"] = "Name the enforcement agent."
        return found

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        year, referred = self.year.currentData(), from_qdate(self.on.date())
        agent, vulnerable = self.agent.currentText(), self.vulnerable.isChecked()
        return lambda: app.execute(ReferToAgent(account_ref=ref, year=year, agent=agent, referred_on=referred,
                                                       vulnerable_without_advice=vulnerable, as_of=as_of))
