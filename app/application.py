"""The one command layer: the desktop and the command line both ask it for everything.

* **Changes** are typed requests (`app/*/requests.py`): `execute(MoveOut(...))` opens a
  unit of work (or, for a batch run, hands over the database so the run commits in
  chunks), runs the use case that handles the request — whose declared role is checked
  first — and returns its typed result. `preview(...)` runs a liability change as a trial
  calculation: the same use case, everything rolled back.
* **Reads** are `read(query, ...)`: any read-only service function taking a unit of work
  first, run in its own unit of work; and the typed methods below for what the desktop
  shows.

Every call opens and closes its own session, so methods are safe from worker threads and
no caller ever holds a session.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from app import clock, connections

# Importing the use-case modules registers what handles each request (`@handles`).
from app.accounts import imports as _imports  # noqa: F401
from app.accounts.opened import OpenedAccount, open_account
from app.accounts.search import SearchResult, search_accounts
from app.accounts.summary import AccountSummary, account_count, account_summary, get_account_id, has_accounts
from app.accounts.timeline import TimelineEntry, account_timeline
from app.billing import liability_changes as _liability_changes  # noqa: F401
from app.billing.annual_run import BillingRunSummary, billing_runs
from app.bootstrap import AppContext
from app.bounds import check_request
from app.casework import claims as _claims  # noqa: F401
from app.casework import diary_codes, escalations, notes, worklists
from app.casework import tracing as _tracing  # noqa: F401
from app.casework.account_view import AccountCasework, account_casework
from app.casework.diary_codes import DiaryCodeView, SyncResult
from app.casework.escalations import EscalationQueue, EscalationView
from app.casework.notes import NoteView
from app.casework.worklists import WorklistPage
from app.config import AuthoritySettings
from app.connections import Connected, ConnectionTarget
from app.court import hearings, packing, sync
from app.court.at_court import NO_CONFIRMATION, AtCourt, confirmed_at_court, is_confirmed
from app.court.export import ExportResult, export_journal, is_export
from app.court.hearings import HearingList
from app.court.journal import JournalEntryView, PackInfo, PackJournal, Recorder, journal_entries, pack_info
from app.court.packing import open_pack, pack_context
from app.court.record_accounts import record_accounts
from app.court.requests import RecordOutcomes
from app.court.wiping import WipeResult, wipe_pack
from app.db import UnitOfWork, current_revision, describe, upgrade
from app.demo import generate as _demo  # noqa: F401
from app.enums import ArrangementFrequency
from app.errors import NotAllowed, NotFound, ValidationError
from app.letters import account_letters, catalogue, export, print_file
from app.letters.catalogue import TemplateInfo, TemplateProblem
from app.letters.documents import DocumentInfo, document_bytes, list_documents
from app.payments import direct_debit as _direct_debit  # noqa: F401
from app.payments import imports as _payment_imports  # noqa: F401
from app.payments import posting, refunds
from app.payments.posting import PaymentAllocation
from app.payments.refunds import RefundView
from app.recovery import holds
from app.recovery.account_view import AccountRecovery, account_recovery_view
from app.recovery.arrangements import agreements, planning
from app.recovery.arrangements import monitoring as _monitoring  # noqa: F401
from app.recovery.arrangements.requests import AmendArrangement, CreateArrangement
from app.recovery.arrangements.views import ArrangementPlan, ArrangementView
from app.recovery.enforcement import agents as _agents  # noqa: F401
from app.recovery.enforcement import attachment, benefit
from app.recovery.enforcement.attachment import AoeSchedule
from app.recovery.run import RecoveryRunSummary, recovery_runs
from app.recovery.safeguards import SafeguardRow, account_safeguards
from app.requests import USE_CASES, Cancelled, Progress, R, Request, call, shallow_fields
from app.rules.discounts import ADJUSTMENT_KINDS, EXEMPTION_CLASSES_ENGLAND, EXEMPTION_CLASSES_WALES
from app.rules.writeoffs import WriteOffReason
from app.users import directory as users
from app.users.roles import Actor
from app.writeoffs import deciding as _deciding  # noqa: F401
from app.writeoffs import proposing, schedule, views
from app.writeoffs import writing_back as _writing_back  # noqa: F401
from app.writeoffs.schedule import ScheduleResult
from app.writeoffs.views import ApprovalQueue, WriteOffView

P = ParamSpec("P")
T = TypeVar("T")

ARRANGEMENT_FREQUENCIES = tuple(f.value for f in ArrangementFrequency)
HEARINGS_LOOK_BACK_DAYS = 120  # outcomes are recorded on or after the day: recent hearings stay on offer


def _refuse_at_court(uow: UnitOfWork, request: Request[Any]) -> None:
    """AtCourt if the request changes an account that is at court (see `app.court.at_court`):
    checked in the office only (court mode and sync apply the court's own changes), on the
    request's own day (`as_of`, else today)."""
    if request.name in NO_CONFIRMATION:
        return
    given = getattr(request, "as_of", None)
    as_of = given if isinstance(given, date) else clock.today()
    if isinstance(request, RecordOutcomes) and request.account_refs is None:  # everyone on the hearing's list
        if (whole := packing.hearing_at_court(uow, request.hearing_date, as_of)) is not None:
            raise AtCourt(f"The list for the hearing on {request.hearing_date:%d/%m/%Y}", *whole)
        return
    ref = getattr(request, "account_ref", None)
    refs = [ref] if isinstance(ref, str) else []
    refs += list(getattr(request, "account_refs", None) or ())
    refs += record_accounts(uow, request)  # a decision on a hold, a write-off, a refund...
    if refs and (leased := packing.first_at_court(uow, refs, as_of)) is not None:
        raise AtCourt(f"Account {leased[0]}", leased[1], leased[2])


class Application:
    """Settings, database and acting user (`AppContext`), and everything asked of them."""

    def __init__(self, ctx: AppContext, journal: PackJournal | None = None) -> None:
        """`journal`: the database is an offline court pack, and every change made on it is
        journaled (in its own transaction) for sync to replay in the office."""
        self._ctx = ctx
        self._journal = journal

    # --- changes ------------------------------------------------------------------------

    def execute(
        self, request: Request[R], *, progress: Progress | None = None, cancelled: Cancelled | None = None,
        chunk: int | None = None, confirm_at_court: bool = False,
    ) -> R:
        """Carry out `request` as the acting user. `progress`, `cancelled` and `chunk` are for
        batch runs (those that accept them); they say how to run it, not what to do.
        `confirm_at_court`: change an account at court all the same (`app.court.at_court`)."""
        with confirmed_at_court(confirm_at_court or is_confirmed()):
            return self._run(request, {"progress": progress, "cancelled": cancelled, "chunk": chunk})

    def preview(self, request: Request[R]) -> R:
        """The trial calculation of a liability change: what saving would do; nothing is written."""
        return self._run(request, {"preview": True})

    def execute_recorded(self, request: Request[R], recorder: Recorder) -> R:
        """Carry out `request` with `recorder` given its unit of work first, so what it adds is
        committed with the change or not at all (court sync: the record that a journal entry
        was applied)."""
        return self._run(request, {}, recorder)

    def _run(self, request: Request[R], options: Mapping[str, Any], recorder: Recorder | None = None) -> R:
        use = USE_CASES.get(type(request))
        if use is None:
            raise TypeError(f"Nothing carries out {type(request).__name__} requests.")
        check_request(request, today=clock.today())  # amounts, dates and text within bounds, whoever asks
        given = {name: value for name, value in options.items() if value is not None}
        if not_supported := sorted(given.keys() - use.options):
            raise ValidationError(f"A {request.name} request cannot be run with {', '.join(not_supported)}.")
        if recorder is None and self._journal is not None and "preview" not in given:
            recorder = self._journal.recorder(request, self._ctx.actor)
        supplied = {"actor": self._ctx.actor, "settings": self._ctx.settings}
        arguments = shallow_fields(request) | given
        warn = recorder is None and "preview" not in given and self._journal is None and not is_confirmed()
        if use.batch:
            if recorder is not None:
                raise NotAllowed(f"A {request.name} request commits in chunks, so it cannot be journaled: "
                                 "in court mode record it account by account.")
            if warn:
                with self._ctx.db.uow() as uow:
                    _refuse_at_court(uow, request)
            return call(use, self._ctx.db, supplied, arguments)  # type: ignore[no-any-return]
        with self._ctx.db.uow() as uow:
            if recorder is not None:
                recorder(uow)
            if warn:
                _refuse_at_court(uow, request)
            return call(use, uow, supplied, arguments)  # type: ignore[no-any-return]

    # --- reads ------------------------------------------------------------------------

    def read(self, query: Callable[Concatenate[UnitOfWork, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a read-only service function in its own unit of work (rolled back at the end)."""
        with self._ctx.db.uow() as uow:
            return query(uow, *args, **kwargs)

    @property
    def actor(self) -> Actor:
        return self._ctx.actor

    @property
    def settings(self) -> AuthoritySettings:
        return self._ctx.settings

    @property
    def authority_name(self) -> str:
        return self._ctx.settings.name

    def search(self, text: str, limit: int = 50, *, as_of: date) -> list[SearchResult]:
        """Type-ahead search; balances, stages and holds as of `as_of` (the account header's day)."""
        return self.read(search_accounts, text, limit, as_of=as_of)

    def account(self, account_ref: str, as_of: date) -> AccountSummary:
        return self.read(account_summary, account_ref, as_of)

    def open_account(self, account_ref: str, as_of: date) -> OpenedAccount:
        """Everything the account's tabs show, from one snapshot (one transaction)."""
        return self.read(open_account, self._ctx.settings, account_ref, as_of)

    def account_timeline(self, account_ref: str, from_: date | None = None) -> list[TimelineEntry]:
        """Everything recorded on the account, oldest first (`revdesk account timeline`)."""
        return self.read(account_timeline, account_ref, from_)

    def document_file(self, document_id: uuid.UUID) -> tuple[str, bytes]:
        """(file name, .docx bytes) of a letter as it was sent, to open in Word or LibreOffice."""
        return self.read(document_bytes, document_id)

    def account_documents(self, account_ref: str) -> list[DocumentInfo]:
        """Every letter on the account (batch or single), newest first: the Documents tab."""
        return self.read(lambda uow: list_documents(uow, get_account_id(uow, account_ref)))

    def letter_templates(self) -> tuple[list[TemplateInfo], list[TemplateProblem]]:
        """The templates on offer (the council's folder over the built-in ones) and any that cannot be used."""
        return catalogue.list_templates(self._ctx.settings.letters.folder)

    def account_letter_templates(self) -> list[TemplateInfo]:
        """The templates a letter can be written from an account with ("Write a letter…")."""
        return account_letters.account_templates(self._ctx.settings.letters.folder)

    def letter_preview(
        self, account_ref: str, template: str, as_of: date, paragraph: str = "", recipient: tuple[str, ...] = (),
    ) -> tuple[TemplateInfo, dict[str, Any]]:
        """The merge fields `template` would be filled with for the account (nothing saved):
        the "Write a letter" preview. Refused, naming the file and fields, when they do not fit."""
        return self.read(account_letters.letter_preview, self._ctx.settings, self._ctx.actor, account_ref=account_ref,
                         template=template, as_of=as_of, paragraph=paragraph, recipient=recipient)

    def account_count(self) -> int:
        return self.read(account_count)

    def has_accounts(self) -> bool:
        return self.read(has_accounts)

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
        return posting.PAYMENT_METHODS

    @property
    def refund_methods(self) -> tuple[str, ...]:
        return refunds.REFUND_METHODS

    @property
    def hold_kinds(self) -> dict[str, str]:
        """Kinds of hold an officer may add, code -> label, in the order offered."""
        return dict(holds.HOLD_LABELS)

    @property
    def breathing_space_days(self) -> int:
        return self._ctx.settings.recovery.breathing_space_days

    @property
    def pay_periods(self) -> tuple[str, ...]:
        return tuple(attachment.PAY_PERIODS)

    @property
    def benefits(self) -> tuple[str, ...]:
        return benefit.BENEFITS

    @property
    def uc_categories(self) -> tuple[str, ...]:
        return benefit.UC_CATEGORIES

    @property
    def enforcement_agents(self) -> list[str]:
        """Agents named in the settings (`[enforcement] agents`), to offer in the referral form."""
        return list(self._ctx.settings.enforcement.agents)

    @property
    def escalation_reasons(self) -> tuple[str, ...]:
        return escalations.REASONS

    @property
    def arrangement_frequencies(self) -> tuple[str, ...]:
        return ARRANGEMENT_FREQUENCIES

    # --- payments, refunds, runs ------------------------------------------------------

    def payment_allocations(self, account_ref: str) -> list[PaymentAllocation]:
        with self._ctx.db.uow() as uow:
            return posting.payment_allocations(uow, get_account_id(uow, account_ref))

    def refundable_credit(self, account_ref: str) -> int:
        """Credit on the account less refunds already requested (pence, never below 0)."""
        with self._ctx.db.uow() as uow:
            return refunds.refundable_credit_pence(uow, get_account_id(uow, account_ref))

    def refunds(self, status: str | None = None, account_ref: str | None = None) -> list[RefundView]:
        return self.read(refunds.list_refunds, status=status, account_ref=account_ref)

    def export_letters(
        self, batch_run_id: uuid.UUID, out_dir: str | Path, *, progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> int:
        """Write a batch run's letters as .docx files into `out_dir` (print bureau), reading in
        short chunks of their own; returns how many were written."""
        return export.export_letters(
            self._ctx.db, batch_run_id=batch_run_id, out_dir=out_dir, progress=progress, cancelled=cancelled,
        )

    def print_letters(
        self, batch_run_id: uuid.UUID, out: str | Path, *, force: bool = False, progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> print_file.PrintFile:
        """A batch run's letters as one PDF in address order for the print bureau, with its
        manifest; the merged .docx (and a warning) where LibreOffice is not installed."""
        return print_file.print_run(self._ctx.db, batch_run_id=batch_run_id, out=out, force=force,
                                    progress=progress, cancelled=cancelled)

    def billing_runs(self, limit: int = 20) -> list[BillingRunSummary]:
        return self.read(billing_runs, limit)

    def recovery_runs(self, limit: int = 20) -> list[RecoveryRunSummary]:
        return self.read(recovery_runs, limit)

    def safeguards(self, account_ref: str) -> list[SafeguardRow]:
        """The account's open safeguarding casework and whether each holds recovery back."""
        return self.read(account_safeguards, self._ctx.settings, account_ref)

    # --- recovery -----------------------------------------------------------------------

    def account_recovery(self, account_ref: str, as_of: date) -> AccountRecovery:
        return self.read(account_recovery_view, self._ctx.settings, account_ref, as_of)

    def aoe_schedule(self, net_pence: int, pay_period: str, made_on: date) -> AoeSchedule:
        """The statutory deduction from one pay day's net earnings (pure calculation, no database)."""
        return attachment.aoe_schedule(net_pence, pay_period, self._ctx.settings.country, made_on)

    def hearing_dates(self, as_of: date) -> list[date]:
        """Hearing dates from the settings, from a few months back (outcomes are recorded after
        the day) onwards, in order."""
        return hearings.upcoming_hearings(self._ctx.settings, as_of - timedelta(days=HEARINGS_LOOK_BACK_DAYS))

    def hearing_list(self, hearing_date: date, as_of: date) -> HearingList:
        settings = self._ctx.settings
        return self.read(hearings.hearing_list, hearing_date, as_of, settings.recovery.safeguards,
                         settings.court.venue_for(hearing_date))

    # --- offline court mode ---------------------------------------------------------------

    @classmethod
    def court_mode(cls, pack: str | Path, settings: AuthoritySettings, username: str | None) -> Application:
        """The application on an offline court pack, every change journaled (`--pack FILE`,
        File ▸ Open court pack…). One sentence if the pack cannot be opened."""
        return cls(pack_context(pack, settings, username), journal=PackJournal())

    def at_court_until(self, hearing_date: date, as_of: date) -> date | None:
        """While a pack of this hearing is out (not yet synced): the day its lease runs to."""
        return self.read(packing.at_court_until, hearing_date, as_of)

    def court_pack(self) -> PackInfo:
        """The pack court mode is working on (its hearing, state, journal size)."""
        if self._journal is None:
            raise ValidationError("This is not a court pack.", field="pack")
        return self.read(pack_info)

    @property
    def in_court_mode(self) -> bool:
        """The database is an offline court pack (changes are journaled)."""
        return self._journal is not None

    def court_journal(self) -> list[JournalEntryView]:
        """The pack's journal in sequence order (court mode only)."""
        if self._journal is None:
            raise ValidationError("The journal is kept in a court pack: run this with --pack FILE.", field="pack")
        return self.read(journal_entries)

    def sync_pack(self, path: str | Path) -> sync.SyncReceipt:
        """Apply the court pack's journal to this (the office's) database: see `app.court.sync`."""
        if self._journal is not None:
            raise ValidationError("A court pack is synced against the office's database, not in court mode.", field="pack")
        pack = open_pack(path, journal_only=True)
        try:
            return sync.sync_journal(self._ctx.db, pack, self._ctx.actor, self.execute_recorded, export=is_export(pack))
        finally:
            pack.dispose()

    def export_journal(self, out: str | Path, *, force: bool = False) -> ExportResult:
        """Court mode: the pack's journal into an encrypted file a colleague can sync (`app.court.export`)."""
        if self._journal is None:
            raise ValidationError("The journal is kept in a court pack: run this with --pack FILE.", field="pack")
        return self.read(export_journal, out=str(out), exported_by=self._ctx.actor.username, at=clock.now(), force=force)

    def wipe_pack(self, path: str | Path) -> WipeResult:
        """Overwrite and delete a pack (or journal export) whose every entry is receipted (`app.court.wiping`)."""
        return wipe_pack(path)

    def sync_conflicts(self, status: str | None = "open") -> list[sync.ConflictView]:
        return self.read(sync.list_conflicts, status)

    def plan_arrangement(self, request: CreateArrangement | AmendArrangement) -> ArrangementPlan:
        """The schedule `request` would agree for what the account owes (nothing saved): the
        planner's live preview."""
        check_request(request, today=clock.today())
        return self.read(
            planning.plan_arrangement, self._ctx.settings, account_ref=request.account_ref,
            frequency=request.frequency, start=request.start, end=request.end, amount_pence=request.amount_pence,
            as_of=request.as_of, income_expenditure=request.income_expenditure,
        )

    def arrangement(self, account_ref: str, as_of: date) -> ArrangementView | None:
        """The account's current arrangement (the live one, else the latest), or None."""
        try:
            return self.read(agreements.show_arrangement, account_ref=account_ref, as_of=as_of)
        except NotFound:
            return None

    # --- case work ----------------------------------------------------------------------

    def sync_diary_codes(self) -> SyncResult:
        """Bring the diary codes in line with the settings (idempotent housekeeping: the
        desktop does it once at start-up, on a worker; the command line before case work)."""
        with self._ctx.db.uow() as uow:
            return diary_codes.sync_diary_codes(uow, self._ctx.settings, self._ctx.actor.username)

    def diary_codes(self) -> list[DiaryCodeView]:
        return self.read(diary_codes.list_codes)

    def users(self) -> list[Actor]:
        """Everyone who may be given work (team leaders reassigning)."""
        return self.read(users.list_users)

    def worklist(
        self, *, as_of: date, code: str | None = None, team: str | None = None, owner: str | None = None,
        mine: bool = False, due_only: bool = False, sort: str = "due", page: int = 1, page_size: int = 50,
    ) -> WorklistPage:
        return self.read(
            worklists.worklist, self._ctx.actor, as_of=as_of, code=code, team=team, owner=owner, mine=mine,
            due_only=due_only, sort=sort, page=page, page_size=page_size,
        )

    def account_casework(self, account_ref: str) -> AccountCasework:
        return self.read(account_casework, account_ref)

    def notes(self, account_ref: str, limit: int | None = None) -> list[NoteView]:
        return self.read(notes.list_notes, account_ref=account_ref, limit=limit)

    def escalation_queue(self, *, team: str | None = None, status: str | None = None) -> EscalationQueue:
        return self.read(escalations.escalation_queue, self._ctx.actor, team=team, status=status)

    def account_escalations(self, account_ref: str) -> list[EscalationView]:
        return self.read(escalations.account_escalations, account_ref=account_ref)

    # --- write-offs ---------------------------------------------------------------------

    @property
    def writeoff_reasons(self) -> dict[str, str]:
        """The council's write-off reasons, code -> label, in the settings' order."""
        return {code: reason.label for code, reason in self._ctx.settings.writeoffs.reasons.items()}

    def writeoff_reason(self, code: str) -> WriteOffReason | None:
        """One of the council's reasons (what evidence it needs, whether a note is required)."""
        return self._ctx.settings.writeoffs.reasons.get(code)

    def writeoffs(self, status: str | None = None, account_ref: str | None = None) -> list[WriteOffView]:
        return self.read(views.list_writeoffs, self._ctx.settings, status=status, account_ref=account_ref)

    def writeoff(self, writeoff_id: uuid.UUID) -> WriteOffView:
        return self.read(views.get_writeoff, self._ctx.settings, writeoff_id)

    def writeoff_approvals(self) -> ApprovalQueue:
        """What waits for the acting user to decide: within their limit, not their own, oldest first."""
        return self.read(views.approval_queue, self._ctx.settings, self._ctx.actor)

    def writeoff_available(self, account_ref: str, year: int, as_of: date) -> int:
        """What a year of the account has left to write off: its balance less proposals waiting (pence)."""
        return self.read(proposing.left_to_write_off, account_ref, year, as_of)

    def writeoff_schedule(
        self, out: str | Path, *, from_: date | None = None, to: date | None = None, status: str = "approved",
        public: bool = False, force: bool = False,
    ) -> ScheduleResult:
        """Write the committee's schedule workbook (and its CSV twin): streamed, in one read-only snapshot."""
        return self.read(schedule.write_schedule, self._ctx.settings, out=out, from_=from_, to=to, status=status,
                         public=public, force=force)

    # --- the database itself ---------------------------------------------------------

    @property
    def database_description(self) -> str:
        return describe(self._ctx.db.url)

    @property
    def is_embedded(self) -> bool:
        return self._ctx.db.dialect == "sqlite"

    @property
    def connection_target(self) -> ConnectionTarget:
        return ConnectionTarget.from_url(self._ctx.db.url)

    def schema_revision(self) -> str | None:
        """The Alembic revision the database's schema is at (`revdesk db status`)."""
        return current_revision(self._ctx.db)

    def upgrade_schema(self) -> bool:
        """Bring the schema to the newest revision (start-up already does) and, on a server,
        set the group roles and grants again; True if any migration was applied."""
        return upgrade(self._ctx.db, privileges=True)

    def ping(self) -> None:
        """ConnectionLost while the database does not answer (the lost-connection banner retries this)."""
        self._ctx.db.ping()

    def check_connection(self, target: ConnectionTarget, password: str | None) -> str:
        return connections.check_connection(target, password)

    def connect(self, target: ConnectionTarget, password: str | None, remember_password: bool) -> Connected:
        """Another database, same settings and user; remembered as this user's choice.
        The caller swaps to an `Application` on the new context and closes this one."""
        embedded_user = self._ctx.actor.username if self.is_embedded else None  # else: this computer's login
        return connections.connect(target, password, remember_password, self._ctx.settings, embedded_user)

    def close(self) -> None:
        self._ctx.db.dispose()

