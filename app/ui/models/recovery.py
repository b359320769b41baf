"""Recovery lists: where each year stands, the history, holds, enforcement cases, the
hearing list and recovery runs. Rows are the services' DTOs (or small rows built from
them here), never live ORM objects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from app.court.hearings import HearingEntry
from app.enums import RecoveryStage
from app.recovery.account_recovery import HoldRow, RecoveryView
from app.recovery.enforcement.cases import CaseView
from app.recovery.run import RecoveryRunSummary
from app.ui.formatting import date_range, financial_year, humanise, money, route_label, run_status_label, sentence, stage_label
from app.ui.models.base import Column, DtoTableModel, count_column, date_column, money_column, text_column
from app.ui.models.runs import started_column

HoldLabels = Callable[[str], str]


@dataclass(frozen=True)
class YearRow:
    """One financial year: the stage reached, what happens next, and (when due now) why."""

    year: int
    stage: str
    stage_date: date | None
    next_step: str
    due_now: bool
    amount_pence: int  # what the year owes now (with a step due: what its notice asks for)
    hearing_date: date | None
    why: str

    @property
    def next_text(self) -> str:
        """"Send reminder 1: £141.92 unpaid 7 days after falling due (reg 23(1))." """
        if not self.why:
            return self.next_step
        return f"{self.next_step.rstrip('.')}: {self.why[:1].lower()}{self.why[1:]}"


def year_rows(view: RecoveryView) -> list[YearRow]:
    actions = {a.year: a for a in view.next_actions}
    rows = []
    for y in view.years:
        action = actions.get(y.year)
        rows.append(YearRow(
            year=y.year, stage=y.stage, stage_date=y.stage_date, next_step=sentence(y.next_step),
            due_now=action is not None, amount_pence=action.amount_pence if action else y.due_pence,
            hearing_date=action.hearing_date if action else None,
            why=sentence(action.why) if action else "",
        ))
    return rows


class RecoveryYearsModel(DtoTableModel):
    COL_YEAR = 0
    COL_STAGE = 1
    COL_SINCE = 2
    COL_NEXT = 3
    COL_AMOUNT = 4

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("Year", lambda r: financial_year(r.year), lambda r: r.year),
        text_column("Stage reached", lambda r: stage_label(r.stage)),
        date_column("Since", lambda r: r.stage_date),
        text_column("Next step and why", lambda r: r.next_text, tooltip=True),
        money_column("Amount due now", lambda r: r.amount_pence),
    )


class RecoveryHistoryModel(DtoTableModel):
    COL_DATE = 0
    COL_YEAR = 1
    COL_STAGE = 2
    COL_AMOUNT = 3
    COL_HEARING = 4
    COL_BY = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Date", lambda r: r.date),
        Column("Year", lambda r: financial_year(r.year), lambda r: r.year),
        text_column("Step", lambda r: stage_label(r.stage)),
        money_column("Amount", lambda r: r.amount_pence or 0),
        date_column("Hearing", lambda r: r.hearing_date),
        text_column("By", lambda r: r.by or ""),
    )


class HoldsModel(DtoTableModel):
    COL_KIND = 0
    COL_REASON = 1
    COL_FROM = 2
    COL_TO = 3
    COL_STATE = 4

    COLUMNS: ClassVar[Sequence[Column]] = (
        text_column("Hold", lambda r: r.label),
        text_column("Reason", lambda r: r.hold.reason or "", tooltip=True),
        date_column("From", lambda r: r.hold.from_),
        date_column("To", lambda r: r.hold.to, empty="Until lifted"),
        text_column("Status", lambda r: r.state),
    )

    def row(self, source_row: int) -> HoldListRow:
        row: HoldListRow = self._rows[source_row]
        return row


@dataclass(frozen=True)
class HoldListRow:
    """A row of the Recovery tab's holds table: the hold, its label and whether it is in force."""

    hold: HoldRow
    label: str
    state: str  # In force | Starts later | Ended


def hold_state(hold: HoldRow, as_of: date) -> str:
    if hold.in_force:
        return "In force"
    return "Starts later" if hold.from_ > as_of else "Ended"


def hold_rows(view: RecoveryView, labels: dict[str, str], as_of: date) -> list[HoldListRow]:
    return [HoldListRow(h, labels.get(h.kind) or humanise(h.kind), hold_state(h, as_of)) for h in view.holds]


class CasesModel(DtoTableModel):
    COL_REF = 0
    COL_KIND = 1
    COL_YEAR = 2
    COL_OPENED = 3
    COL_DEBT = 4
    COL_COLLECTED = 5
    COL_STATUS = 6

    COLUMNS: ClassVar[Sequence[Column]] = (
        text_column("Case", lambda r: r.case_ref),
        text_column("Method", lambda r: route_label(r.kind)),
        Column("Year", lambda r: financial_year(r.year) if r.year else "", lambda r: r.year or 0),
        date_column("Opened", lambda r: r.opened_on),
        money_column("Debt", lambda r: r.debt_pence),
        money_column("Collected", lambda r: r.collected_pence),
        text_column("Status", lambda r: humanise(r.status)),
    )

    def row(self, source_row: int) -> CaseView:
        case: CaseView = self._rows[source_row]
        return case


def hold_text(entry: HearingEntry) -> str:
    """The holds in force, then the open casework holding the liability order back."""
    return "; ".join([*(f"{h.label} {date_range(h.start_date, h.end_date)}" for h in entry.holds),
                      *(f"Held back: {reason}" for reason in entry.held_back)])


class HearingModel(DtoTableModel):
    COL_ACCOUNT = 0
    COL_NAME = 1
    COL_ADDRESS = 2
    COL_YEAR = 3
    COL_SUMMONSED = 4
    COL_BALANCE = 5
    COL_HOLD = 6

    COLUMNS: ClassVar[Sequence[Column]] = (
        text_column("Account", lambda r: r.account_ref),
        text_column("Name", lambda r: r.name + (f" and {len(r.joint_names)} other" if r.joint_names else ""),
                    tooltip=True),
        text_column("Address", lambda r: ", ".join(p for p in (r.address, r.postcode) if p), tooltip=True),
        Column("Year", lambda r: financial_year(r.year), lambda r: r.year),
        money_column("Summonsed", lambda r: r.summons_amount_pence),
        money_column("Balance now", lambda r: r.balance_pence),
        text_column("Hold", lambda r: hold_text(r) or ("Adjourned from " + f"{r.adjourned_from:%d/%m/%Y}"
                                                       if r.adjourned_from else ""), tooltip=True),
    )

    def row(self, source_row: int) -> HearingEntry:
        entry: HearingEntry = self._rows[source_row]
        return entry


class RecoveryRunsModel(DtoTableModel):
    """Past recovery runs (and this window's previews), newest first, with their figures."""

    COL_STARTED = 0
    COL_AS_OF = 1
    COL_BY = 2
    COL_STATUS = 3
    COL_EXAMINED = 4
    COL_REMINDERS = 5
    COL_FINAL = 6
    COL_SUMMONS = 7
    COL_HOLD = 8
    COL_HELD_BACK = 9
    COL_COSTS = 10

    COLUMNS: ClassVar[Sequence[Column]] = (
        started_column(),
        date_column("As of", lambda r: r.as_of),
        text_column("By", lambda r: r.created_by),
        text_column("Status", lambda r: "Preview (nothing written)" if r.dry_run else run_status_label(r.status)),
        count_column("Accounts", lambda r: r.accounts_examined),
        count_column("Reminders", lambda r: r.actions.get("reminder_1", 0) + r.actions.get("reminder_2", 0)),
        count_column("Final notices", lambda r: r.actions.get("final_notice", 0)),
        count_column("Summonses", lambda r: r.actions.get("summons", 0)),
        count_column("On hold", lambda r: r.skipped_on_hold),
        count_column("Held back", lambda r: r.held_back),
        money_column("Costs", lambda r: r.costs_pence),
    )

    def row(self, source_row: int) -> RecoveryRunSummary:
        run: RecoveryRunSummary = self._rows[source_row]
        return run


ACTION_VERBS = {"reminder_1": "Send the first reminder", "reminder_2": "Send the second reminder",
                "final_notice": "Send the final notice", "summons": "Issue a summons"}
SETTLED_STEPS = ("up to date", "paid")


def next_action_text(view: RecoveryView) -> tuple[str, bool]:
    """The header's "next action due, and why" for an account, and whether it is due now."""
    if view.next_actions:
        a = view.next_actions[0]
        verb = ACTION_VERBS.get(a.stage) or humanise(a.stage)
        hearing = f" for the hearing on {a.hearing_date:%d/%m/%Y}" if a.hearing_date and a.stage != RecoveryStage.SUMMONS else ""
        more = len(view.next_actions) - 1
        extra = f" (and {more} more year{'s' if more > 1 else ''})" if more else ""
        return f"{verb} for {financial_year(a.year)} ({money(a.amount_pence)}){hearing}{extra}: " \
               f"{sentence(a.why)}", True
    open_years = [y for y in view.years if y.next_step not in SETTLED_STEPS]
    if view.on_hold:
        held = next((y for y in view.years if "on hold" in y.next_step), None)
        if held is not None:
            return f"{financial_year(held.year)}: {sentence(held.next_step)}", False
        then = f" {financial_year(open_years[0].year)}: {sentence(open_years[0].next_step)}" if open_years else ""
        return f"On hold ({humanise(view.on_hold).lower()}): no recovery step is taken while it is in force.{then}", False
    if open_years:
        y = open_years[0]
        return f"{financial_year(y.year)}: {sentence(y.next_step)}", False
    return "Nothing due: no year is in arrears.", False
