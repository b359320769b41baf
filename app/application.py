"""One command layer for the desktop: each method opens its own unit of work, calls the
use case and returns DTOs, so widgets (and their worker threads) never hold a session.

Methods are safe to call from worker threads: every call has its own session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

from sqlalchemy import func, select

from app import connections
from app.bootstrap import AppContext
from app.connections import Connected, ConnectionTarget
from app.db import describe
from app.errors import NotFound, ValidationError
from app.models import Account
from app.rules.discounts import ADJUSTMENT_KINDS, EXEMPTION_CLASSES_ENGLAND, EXEMPTION_CLASSES_WALES
from app.recovery.arrangements import arrangements
from app.billing import billing, liability_changes as liability
from app.court import hearings as court
from app.recovery.enforcement import enforcement
from app.casework import escalations, notes, worklists
from app.recovery import holds, recovery_run as recovery
from app.payments import posting as payments, refunds
from app.users import directory as users
from app.accounts.summary import AccountSummary, account_summary, get_account_id
from app.recovery.arrangements.arrangements import ArrangementPlan, ArrangementView
from app.billing.billing import BillingRunSummary
from app.court.hearings import BulkError, BulkOutcome, HearingList, OutcomeResult
from app.demo.generate import Cancelled, DemoResult, Progress, generate_demo
from app.billing.liability_changes import LiabilityChange
from app.casework.notes import NoteView
from app.recovery.enforcement.enforcement import AoeSchedule, CaseView, OrderResult, RouteAdvice
from app.casework.escalations import EscalationQueue, EscalationView
from app.recovery.holds import HoldView
from app.payments.posting import PaymentAllocation, PaymentResult
from app.recovery.recovery_run import RecoveryRunSummary, RecoveryView
from app.payments.refunds import RefundView
from app.accounts.search import SearchResult, search_accounts
from app.users.roles import Actor
from app.casework.worklists import (
    ClaimedEntry,
    CompletionResult,
    DiaryCodeView,
    DiaryView,
    ReassignResult,
    SyncResult,
    TraceResult,
    WorklistPage,
)

# The liability changes the desktop's editor may make, by name (each takes the same
# uow/actor/settings plus keyword fields, `as_of` and `preview`).
LIABILITY_CHANGES: dict[str, Callable[..., LiabilityChange]] = {
    "move_in": liability.move_in,
    "move_out": liability.move_out,
    "split_period": liability.split_period,
    "set_disabled_reduction": liability.set_disabled_reduction,
    "add_joint_party": liability.add_joint_party,
    "end_joint_party": liability.end_joint_party,
    "set_discount": liability.set_discount,
    "end_discount": liability.end_discount,
    "set_exemption": liability.set_exemption,
    "end_exemption": liability.end_exemption,
    "set_reduction": liability.set_reduction,
    "end_reduction": liability.end_reduction,
}

ARRANGEMENT_FREQUENCIES = ("weekly", "fortnightly", "four-weekly", "monthly")
HEARINGS_LOOK_BACK_DAYS = 120  # outcomes are recorded on or after the day: recent hearings stay on offer
OUTCOME_CHUNK = 25  # accounts per committed chunk when recording outcomes in bulk (progress, cancel)


@dataclass(frozen=True)
class AccountRecovery:
    """Everything the Recovery tab and the header's "next action" show for one account."""

    view: RecoveryView
    routes: list[RouteAdvice]
    cases: list[CaseView]
    liability_order_years: list[int] = field(default_factory=list)

    def route(self, name: str) -> RouteAdvice | None:
        return next((r for r in self.routes if r.route == name), None)


@dataclass(frozen=True)
class AccountCasework:
    """What the account's Diary & notes tab shows: diary entries (open first, by due date,
    then completed, newest first), notes (newest first) and escalations (newest first)."""

    diary: list[DiaryView]
    notes: list[NoteView]
    escalations: list[EscalationView]
    codes: list[DiaryCodeView]  # the diary codes in use, for "Add diary entry"


class Desk:
    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    @property
    def actor(self) -> Actor:
        return self._ctx.actor

    @property
    def authority_name(self) -> str:
        return self._ctx.settings.name

    @property
    def database_description(self) -> str:
        return describe(self._ctx.db.url)

    @property
    def is_embedded(self) -> bool:
        return self._ctx.db.dialect == "sqlite"

    # --- the database itself ---------------------------------------------------------

    @property
    def connection_target(self) -> ConnectionTarget:
        return ConnectionTarget.from_url(self._ctx.db.url)

    def ping(self) -> None:
        """ConnectionLost while the database does not answer (the lost-connection banner retries this)."""
        self._ctx.db.ping()

    def check_connection(self, target: ConnectionTarget, password: str | None) -> str:
        return connections.check_connection(target, password)

    def connect(self, target: ConnectionTarget, password: str | None, remember_password: bool) -> Connected:
        """Another database, same settings and user; remembered as this user's choice.
        The caller swaps to a `Desk` on the new context and closes this one."""
        return connections.connect(target, password, remember_password, self._ctx.settings, self._ctx.actor.username)

    def search(self, text: str, limit: int = 50) -> list[SearchResult]:
        with self._ctx.db.uow() as uow:
            return search_accounts(uow, text, limit)

    def account(self, account_ref: str, as_of: date) -> AccountSummary:
        with self._ctx.db.uow() as uow:
            return account_summary(uow, account_ref, as_of)

    def account_count(self) -> int:
        with self._ctx.db.uow() as uow:
            return int(uow.session.scalar(select(func.count()).select_from(Account)) or 0)

    def has_accounts(self) -> bool:
        with self._ctx.db.uow() as uow:
            return uow.session.scalar(select(Account.id).limit(1)) is not None

    def generate_demo(
        self, accounts: int, seed: int, as_of: date, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> DemoResult:
        return generate_demo(
            self._ctx.db, self._ctx.actor, self._ctx.settings,
            accounts=accounts, seed=seed, as_of=as_of, progress=progress, cancelled=cancelled,
        )

    # --- settings the forms offer ------------------------------------------------------

    @property
    def billing_years(self) -> list[int]:
        """Financial years the settings hold Band D figures for, newest first."""
        return sorted(self._ctx.settings.years, reverse=True)

    @property
    def exemption_classes(self) -> tuple[str, ...]:
        return EXEMPTION_CLASSES_WALES if self._ctx.settings.country == "wales" else EXEMPTION_CLASSES_ENGLAND

    @property
    def adjustment_kinds(self) -> tuple[str, ...]:
        return ADJUSTMENT_KINDS

    @property
    def payment_methods(self) -> tuple[str, ...]:
        return payments.PAYMENT_METHODS

    @property
    def refund_methods(self) -> tuple[str, ...]:
        return refunds.REFUND_METHODS

    # --- liability ------------------------------------------------------------------------

    def change_liability(self, change: str, *, as_of: date, preview: bool = False, **fields: Any) -> LiabilityChange:
        """One liability change (or, with `preview`, its trial calculation: nothing is saved)."""
        try:
            action = LIABILITY_CHANGES[change]
        except KeyError:
            raise ValidationError(f"'{change}' is not a liability change.", field="change") from None
        with self._ctx.db.uow() as uow:
            return action(uow, self._ctx.actor, self._ctx.settings, as_of=as_of, preview=preview, **fields)

    # --- payments and refunds ---------------------------------------------------------

    def take_payment(
        self, account_ref: str, *, amount_pence: int, received_on: date, method: str, reference: str, as_of: date
    ) -> PaymentResult:
        with self._ctx.db.uow() as uow:
            return payments.post_payment(
                uow, self._ctx.actor, account_ref=account_ref, amount_pence=amount_pence, received_on=received_on,
                method=method, reference=reference, as_of=as_of,
            )

    def payment_allocations(self, account_ref: str) -> list[PaymentAllocation]:
        with self._ctx.db.uow() as uow:
            return payments.payment_allocations(uow, get_account_id(uow, account_ref))

    def refundable_credit(self, account_ref: str) -> int:
        """Credit on the account less refunds already requested (pence, never below 0)."""
        with self._ctx.db.uow() as uow:
            return refunds.refundable_credit_pence(uow, get_account_id(uow, account_ref))

    def request_refund(
        self, account_ref: str, *, amount_pence: int, payee: str, method: str, reason: str, as_of: date
    ) -> RefundView:
        with self._ctx.db.uow() as uow:
            return refunds.request_refund(
                uow, self._ctx.actor, account_ref=account_ref, amount_pence=amount_pence, payee=payee, method=method,
                reason=reason, as_of=as_of,
            )

    def refunds(self, status: str | None = None, account_ref: str | None = None) -> list[RefundView]:
        with self._ctx.db.uow() as uow:
            return refunds.list_refunds(uow, status=status, account_ref=account_ref)

    def decide_refund(
        self, refund_id: uuid.UUID, *, approve: bool, note: str, as_of: date, expected_version: int | None = None
    ) -> RefundView:
        with self._ctx.db.uow() as uow:
            return refunds.decide_refund(
                uow, self._ctx.actor, refund_id=refund_id, approve=approve, note=note, as_of=as_of,
                expected_version=expected_version,
            )

    # --- runs ---------------------------------------------------------------------------

    def run_annual_billing(
        self, year: int, as_of: date, progress: Progress | None = None, cancelled: Cancelled | None = None,
        chunk: int | None = None,
    ) -> BillingRunSummary:
        """Annual billing in committed chunks (resumable: run it again to carry on after a cancel)."""
        return billing.run_annual_billing(
            self._ctx.db, self._ctx.actor, self._ctx.settings, year=year, as_of=as_of, progress=progress,
            cancelled=cancelled, chunk=chunk,
        )

    def billing_runs(self) -> list[BillingRunSummary]:
        with self._ctx.db.uow() as uow:
            return billing.billing_runs(uow)

    # --- recovery ---------------------------------------------------------------------------

    def run_recovery(
        self, as_of: date, *, dry_run: bool = False, progress: Progress | None = None,
        cancelled: Cancelled | None = None, chunk: int | None = None,
    ) -> RecoveryRunSummary:
        """The daily recovery run (a team leader), or its dry run (any officer: nothing is written)."""
        return recovery.run_recovery(
            self._ctx.db, self._ctx.actor, self._ctx.settings, as_of=as_of, dry_run=dry_run, progress=progress,
            cancelled=cancelled, chunk=chunk,
        )

    def recovery_runs(self) -> list[RecoveryRunSummary]:
        with self._ctx.db.uow() as uow:
            return recovery.recovery_runs(uow)

    def account_recovery(self, account_ref: str, as_of: date) -> AccountRecovery:
        """Where recovery stands on one account: history, each year's next step and why, holds,
        the routes open after a liability order and the enforcement cases in place."""
        with self._ctx.db.uow() as uow:
            view = recovery.account_recovery(uow, self._ctx.settings, account_ref, as_of)
            routes = enforcement.recovery_routes(uow, self._ctx.settings, account_ref, as_of)
            cases = enforcement.list_cases(uow, account_ref=account_ref)
        years = sorted({h["year"] for h in view.history if h["stage"] == "liability_order"})
        return AccountRecovery(view=view, routes=routes, cases=cases, liability_order_years=years)

    @property
    def hold_kinds(self) -> dict[str, str]:
        """Kinds of hold an officer may add, code -> label, in the order offered."""
        return dict(holds.HOLD_LABELS)

    @property
    def breathing_space_days(self) -> int:
        return self._ctx.settings.recovery.breathing_space_days

    def add_hold(
        self, account_ref: str, *, kind: str, reason: str, start_date: date, end_date: date | None, as_of: date,
    ) -> HoldView:
        with self._ctx.db.uow() as uow:
            return holds.add_hold(
                uow, self._ctx.actor, account_ref=account_ref, kind=kind, reason=reason, start_date=start_date,
                end_date=end_date, as_of=as_of, breathing_space_days=self.breathing_space_days,
            )

    def lift_hold(self, hold_id: uuid.UUID, *, end_date: date, reason: str, as_of: date) -> HoldView:
        with self._ctx.db.uow() as uow:
            return holds.lift_hold(uow, self._ctx.actor, hold_id=hold_id, end_date=end_date, reason=reason, as_of=as_of)

    # --- after the liability order ----------------------------------------------------------

    @property
    def pay_periods(self) -> tuple[str, ...]:
        return tuple(enforcement.PAY_PERIODS)

    @property
    def benefits(self) -> tuple[str, ...]:
        return enforcement.BENEFITS

    @property
    def uc_categories(self) -> tuple[str, ...]:
        return enforcement.UC_CATEGORIES

    def aoe_schedule(self, net_pence: int, pay_period: str, made_on: date) -> AoeSchedule:
        """The statutory deduction from one pay day's net earnings (pure calculation, no database)."""
        return enforcement.aoe_schedule(net_pence, pay_period, self._ctx.settings.country, made_on)

    def make_attachment_order(
        self, account_ref: str, *, year: int | None, employer_name: str, employer_address: str, payroll_ref: str,
        pay_period: str, net_pay_pence: int | None, made_on: date, as_of: date,
    ) -> OrderResult:
        with self._ctx.db.uow() as uow:
            return enforcement.make_attachment_order(
                uow, self._ctx.actor, self._ctx.settings, account_ref=account_ref, year=year,
                employer_name=employer_name, employer_address=employer_address, payroll_ref=payroll_ref,
                pay_period=pay_period, net_pay_pence=net_pay_pence, made_on=made_on, as_of=as_of,
            )

    def apply_benefit_deduction(
        self, account_ref: str, *, year: int | None, benefit: str, uc_category: str | None,
        other_deductions_pence: int, ni_number: str, applied_on: date, as_of: date,
    ) -> OrderResult:
        with self._ctx.db.uow() as uow:
            return enforcement.apply_benefit_deduction(
                uow, self._ctx.actor, self._ctx.settings, account_ref=account_ref, year=year, benefit=benefit,
                uc_category=uc_category, other_deductions_pence=other_deductions_pence, ni_number=ni_number,
                applied_on=applied_on, as_of=as_of,
            )

    def refer_to_agent(
        self, account_ref: str, *, year: int | None, agent: str, referred_on: date, vulnerable_without_advice: bool,
        as_of: date,
    ) -> CaseView:
        with self._ctx.db.uow() as uow:
            return enforcement.refer_to_agent(
                uow, self._ctx.actor, account_ref=account_ref, year=year, agent=agent, referred_on=referred_on,
                vulnerable_without_advice=vulnerable_without_advice, as_of=as_of,
            )

    @property
    def enforcement_agents(self) -> list[str]:
        """Agents named in the settings (`[enforcement] agents`), to offer in the referral form."""
        return list(self._ctx.settings.enforcement.agents)

    # --- court --------------------------------------------------------------------------------

    def hearing_dates(self, as_of: date) -> list[date]:
        """Hearing dates from the settings, from a few months back (outcomes are recorded after
        the day) onwards, in order."""
        return court.upcoming_hearings(self._ctx.settings, as_of - timedelta(days=HEARINGS_LOOK_BACK_DAYS))

    def hearing_list(self, hearing_date: date, as_of: date) -> HearingList:
        with self._ctx.db.uow() as uow:
            return court.hearing_list(uow, hearing_date, as_of)

    def record_outcome(
        self, account_ref: str, *, hearing_date: date, outcome: str, adjourned_to: date | None = None, note: str = "",
        as_of: date,
    ) -> OutcomeResult:
        with self._ctx.db.uow() as uow:
            return court.record_outcome(
                uow, self._ctx.actor, self._ctx.settings, account_ref=account_ref, hearing_date=hearing_date,
                outcome=outcome, adjourned_to=adjourned_to, note=note, as_of=as_of,
            )

    def record_outcomes(
        self, *, hearing_date: date, outcome: str, account_refs: list[str] | None, adjourned_to: date | None = None,
        note: str = "", as_of: date, progress: Progress | None = None, cancelled: Cancelled | None = None,
    ) -> BulkOutcome:
        """One outcome for many accounts (None: everyone still listed), in committed chunks so
        the desktop can show progress and stop between chunks; what was recorded is kept."""
        if account_refs is None:
            listed = self.hearing_list(hearing_date, as_of)
            refs = list(dict.fromkeys(e.account_ref for e in listed.entries))
        else:
            refs = list(dict.fromkeys(account_refs))
        recorded = skipped = 0
        errors: list[BulkError] = []
        results: list[OutcomeResult] = []
        for start in range(0, len(refs), OUTCOME_CHUNK):
            if cancelled is not None and cancelled():
                break
            with self._ctx.db.uow() as uow:
                part = court.record_outcomes_bulk(
                    uow, self._ctx.actor, self._ctx.settings, hearing_date=hearing_date, outcome=outcome,
                    account_refs=refs[start : start + OUTCOME_CHUNK], adjourned_to=adjourned_to, note=note, as_of=as_of,
                )
            recorded, skipped = recorded + part.recorded, skipped + part.skipped
            errors.extend(part.errors)
            results.extend(part.results)
            if progress is not None:
                progress(min(start + OUTCOME_CHUNK, len(refs)), len(refs))
        return BulkOutcome(hearing_date=hearing_date, outcome=outcome, recorded=recorded, skipped=skipped, errors=errors,
                           results=results)

    # --- case work: diary, worklists, notes, tracing, escalations ----------------------------

    def sync_diary_codes(self) -> SyncResult:
        """Bring the diary codes in line with the settings (idempotent; the desktop calls it
        once at start-up, on a worker)."""
        with self._ctx.db.uow() as uow:
            return worklists.sync_diary_codes(uow, self._ctx.settings, self._ctx.actor.username)

    def diary_codes(self) -> list[DiaryCodeView]:
        with self._ctx.db.uow() as uow:
            return worklists.list_codes(uow)

    def users(self) -> list[Actor]:
        """Everyone who may be given work (team leaders reassigning)."""
        with self._ctx.db.uow() as uow:
            return users.list_users(uow)

    def worklist(
        self, *, as_of: date, code: str | None = None, team: str | None = None, owner: str | None = None,
        mine: bool = False, due_only: bool = False, sort: str = "due", page: int = 1, page_size: int = 50,
    ) -> WorklistPage:
        with self._ctx.db.uow() as uow:
            return worklists.worklist(
                uow, self._ctx.actor, as_of=as_of, code=code, team=team, owner=owner, mine=mine, due_only=due_only,
                sort=sort, page=page, page_size=page_size,
            )

    def claim_next(self, *, as_of: date, code: str | None = None, team: str | None = None) -> ClaimedEntry | None:
        with self._ctx.db.uow() as uow:
            return worklists.claim_next(uow, self._ctx.actor, as_of=as_of, code=code, team=team)

    def release_claim(self, diary_id: uuid.UUID) -> None:
        with self._ctx.db.uow() as uow:
            worklists.release_claim(uow, self._ctx.actor, diary_id=diary_id)

    def add_diary_entry(
        self, account_ref: str, *, code: str, as_of: date, due: date | None = None, owner: str | None = None,
        team: str | None = None, note: str = "",
    ) -> DiaryView:
        with self._ctx.db.uow() as uow:
            return worklists.add_entry(
                uow, self._ctx.actor, account_ref=account_ref, code=code, as_of=as_of, due=due, owner=owner, team=team,
                note=note,
            )

    def complete_diary_entry(
        self, diary_id: uuid.UUID, *, note: str, as_of: date, next_date: date | None = None,
        expected_version: int | None = None,
    ) -> CompletionResult:
        with self._ctx.db.uow() as uow:
            return worklists.complete_entry(
                uow, self._ctx.actor, diary_id=diary_id, note=note, as_of=as_of, next_date=next_date,
                expected_version=expected_version,
            )

    def reschedule_diary_entry(
        self, diary_id: uuid.UUID, *, due: date, note: str, as_of: date, expected_version: int | None = None,
    ) -> DiaryView:
        with self._ctx.db.uow() as uow:
            return worklists.reschedule_entry(
                uow, self._ctx.actor, diary_id=diary_id, due=due, note=note, as_of=as_of,
                expected_version=expected_version,
            )

    def reassign_diary_entries(
        self, diary_ids: list[uuid.UUID], *, owner: str | None = None, team: str | None = None,
    ) -> ReassignResult:
        with self._ctx.db.uow() as uow:
            return worklists.reassign_entries(uow, self._ctx.actor, diary_ids=diary_ids, owner=owner, team=team)

    def account_diary(self, account_ref: str) -> list[DiaryView]:
        with self._ctx.db.uow() as uow:
            return worklists.account_entries(uow, account_ref=account_ref)

    def account_casework(self, account_ref: str) -> AccountCasework:
        with self._ctx.db.uow() as uow:
            return AccountCasework(
                diary=worklists.account_entries(uow, account_ref=account_ref),
                notes=notes.list_notes(uow, account_ref=account_ref),
                escalations=escalations.account_escalations(uow, account_ref=account_ref),
                codes=worklists.list_codes(uow),
            )

    def add_note(self, account_ref: str, text: str) -> NoteView:
        with self._ctx.db.uow() as uow:
            return notes.add_note(uow, self._ctx.actor, account_ref=account_ref, text=text)

    def notes(self, account_ref: str, limit: int | None = None) -> list[NoteView]:
        with self._ctx.db.uow() as uow:
            return notes.list_notes(uow, account_ref=account_ref, limit=limit)

    def record_gone_away(self, account_ref: str, *, as_of: date, note: str = "") -> TraceResult:
        with self._ctx.db.uow() as uow:
            return worklists.record_gone_away(uow, self._ctx.actor, account_ref=account_ref, as_of=as_of, note=note)

    def record_traced(self, account_ref: str, *, new_address: str, as_of: date, note: str = "") -> TraceResult:
        with self._ctx.db.uow() as uow:
            return worklists.record_traced(
                uow, self._ctx.actor, account_ref=account_ref, new_address=new_address, as_of=as_of, note=note,
            )

    @property
    def escalation_reasons(self) -> tuple[str, ...]:
        return escalations.REASONS

    def raise_escalation(
        self, account_ref: str, *, reason: str, note: str, amount_pence: int | None = None,
        subject_id: uuid.UUID | None = None,
    ) -> EscalationView:
        with self._ctx.db.uow() as uow:
            return escalations.raise_escalation(
                uow, self._ctx.actor, account_ref=account_ref, reason=reason, note=note, amount_pence=amount_pence,
                subject_id=subject_id,
            )

    def escalation_queue(self, *, team: str | None = None, status: str | None = None) -> EscalationQueue:
        with self._ctx.db.uow() as uow:
            return escalations.escalation_queue(uow, self._ctx.actor, team=team, status=status)

    def decide_escalation(
        self, escalation_id: uuid.UUID, *, decision: str, note: str, as_of: date, expected_version: int | None = None,
    ) -> EscalationView:
        with self._ctx.db.uow() as uow:
            return escalations.decide_escalation(
                uow, self._ctx.actor, escalation_id=escalation_id, decision=decision, note=note, as_of=as_of,
                expected_version=expected_version,
            )

    def account_escalations(self, account_ref: str) -> list[EscalationView]:
        with self._ctx.db.uow() as uow:
            return escalations.account_escalations(uow, account_ref=account_ref)

    # --- payment arrangements ---------------------------------------------------------------

    @property
    def arrangement_frequencies(self) -> tuple[str, ...]:
        return ARRANGEMENT_FREQUENCIES

    def plan_arrangement(
        self, account_ref: str, *, frequency: str, start: date, end: date | None = None,
        amount_pence: int | None = None, as_of: date, income_expenditure: dict[str, Any] | None = None,
    ) -> ArrangementPlan:
        """The proposed schedule for what the account owes (nothing saved): the planner's live preview."""
        with self._ctx.db.uow() as uow:
            return arrangements.plan_arrangement(
                uow, self._ctx.settings, account_ref=account_ref, frequency=frequency, start=start, end=end,
                amount_pence=amount_pence, as_of=as_of, income_expenditure=income_expenditure,
            )

    def create_arrangement(
        self, account_ref: str, *, frequency: str, start: date, end: date | None = None,
        amount_pence: int | None = None, as_of: date, income_expenditure: dict[str, Any] | None = None,
        confirm_warnings: bool = False,
    ) -> ArrangementView:
        with self._ctx.db.uow() as uow:
            return arrangements.create_arrangement(
                uow, self._ctx.actor, self._ctx.settings, account_ref=account_ref, frequency=frequency, start=start,
                end=end, amount_pence=amount_pence, as_of=as_of, income_expenditure=income_expenditure,
                confirm_warnings=confirm_warnings,
            )

    def cancel_arrangement(self, account_ref: str, *, reason: str, as_of: date) -> ArrangementView:
        with self._ctx.db.uow() as uow:
            return arrangements.cancel_arrangement(uow, self._ctx.actor, account_ref=account_ref, reason=reason,
                                                   as_of=as_of)

    def arrangement(self, account_ref: str, as_of: date) -> ArrangementView | None:
        """The account's current arrangement (the live one, else the latest), or None."""
        with self._ctx.db.uow() as uow:
            try:
                return arrangements.show_arrangement(uow, account_ref=account_ref, as_of=as_of)
            except NotFound:
                return None

    def close(self) -> None:
        self._ctx.db.dispose()
