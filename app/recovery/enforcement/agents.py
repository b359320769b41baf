"""Enforcement agents: referring a liability order to an agent, the referral file each agent
is sent, the agent's returns file (payments, fee stages, returned cases), and reconciling
what the agent collected and kept against the ledger and the fees allowed.

Enforcement agent fees (Taking Control of Goods (Fees) Regulations 2014, computed by
`app.rules.enforcement_fees`) are owed to the agent by the debtor: they are kept in the
case's details and reconciled against the agent's invoices, never posted to the
council's ledger.

Several liability orders against one debtor (SI 2014/1 reg 11). Where the agent holds more
than one instruction against the same debtor and the powers "can reasonably be exercised
at the same time", "the enforcement agent may recover the compliance stage fee in respect
of each enforcement power" (reg 11(3)), but "the fixed fee for each stage may be recovered
only once regardless of the number of enforcement powers" and the percentage fee is
calculated on "the total amount of the sums to be recovered under all enforcement powers"
(reg 11(4)(a), (b)). Here:

- referral: each case is its own instruction, so it carries its own £75 compliance fee
  (reg 11(3)); nothing is shared at that stage;
- a fee stage returned by the agent: the agent's cases against the same account that
  reached that stage on the same day were acted on together (one attendance), so they are
  priced together by `enforcement_fees.joint_allowances`: one fixed fee for the stage and
  one £1,500 threshold on the total of their debts. Every case of the agent on the account
  is re-priced (open or closed: the dates are history), and each case whose allowance
  changes gets an `enforcement.ea_fees_shared` audit event;
- how a group's allowance is shown per case (the case's `fees`/`fees_pence` details and
  `CaseFees.fees_allowed_pence`): each case carries its own compliance fee; a shared
  stage's whole fee (fixed + percentage) is carried by the first case of those that reached
  it together, by case reference; the others carry 0 for that stage (their `fees` line
  names the case that carries it). `fee_group` in the details lists every case priced with
  it. The allowances of a group's cases add up to what the group may recover;
- reconciliation compares what the agent kept against the allowance **per group**: an
  agent that keeps £235 on each of two orders it acted on together over-claims, even if
  each case on its own looks right; the `differences` sentence names the group's cases.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.accounts.debtors import debtors
from app.adapters.conflicts import saving
from app.adapters.csv_export import SafeCsvWriter
from app.adapters.csv_files import ImportSummary, RowInvalid, read_rows
from app.adapters.file_imports import complete_file_import, record_file_run
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.enums import EnforcementKind, EnforcementStatus, PaymentStatus
from app.errors import ValidationError
from app.ledger.balances import year_costs_pence
from app.models import Account, EnforcementCase, Payment, RecoveryEvent
from app.money import fmt
from app.recovery.enforcement.cases import CaseView, audit_case, case_view_of, open_case
from app.recovery.enforcement.receipts import add_receipt, post_case_payment
from app.recovery.enforcement.requests import ExportReferrals, ImportAgentReturns, ReferToAgent
from app.requests import handles
from app.rules import enforcement_fees as fee_rules
from app.rules.apportionment import year_label
from app.users.roles import Actor, Role

RETURN_TYPES = ("payment", "fee_stage", "return")
RETURN_REASONS = ("nulla_bona", "paid", "gone_away", "vulnerable", "other")
EXPORT_COLUMNS = (
    "case_ref", "account_ref", "liability_order_date", "financial_year", "debtor_name", "joint_names",
    "address_line1", "address_line2", "town", "postcode", "email", "phone", "debt", "costs", "referred_on",
)
RETURN_COLUMNS = ("case_ref", "date", "type")
RETURN_OPTIONAL = ("amount", "fees", "stage", "reason", "reference", "invoice_ref", "note")


@dataclass(frozen=True)
class ExportFile(JsonView):
    agent: str
    path: str
    cases: int
    debt_pence: int


@dataclass(frozen=True)
class ExportResult(JsonView):
    as_of: date
    cases: int
    files: list[ExportFile]


@dataclass
class AgentReturnsSummary(ImportSummary):
    """An import summary plus what the rows did."""

    payments_pence: int = 0  # posted to the council's ledger
    fees_claimed_pence: int = 0
    stages_advanced: int = 0
    cases_closed: int = 0

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data.pop("suspense")
        return {**data, "payments_pence": self.payments_pence, "fees_claimed_pence": self.fees_claimed_pence,
                "stages_advanced": self.stages_advanced, "cases_closed": self.cases_closed}


@dataclass(frozen=True)
class InvoiceSummary(JsonView):
    invoice_ref: str
    receipts: int
    collected_pence: int
    fees_claimed_pence: int
    net_due_pence: int  # collected less fees: what the agent owes the council
    posted_pence: int  # what is in the council's ledger for those receipts now


@dataclass(frozen=True)
class CaseFees(JsonView):
    """One case's share of the fees allowed (SI 2014/1 reg 11: a stage shared by several cases is
    carried whole by the first of them by reference; see the module docstring) and what was kept on it."""

    case_ref: str
    account_ref: str
    fee_stage: str
    fees_allowed_pence: int  # SI 2014/1 fees to the stage reached (this case's share, reg 11)
    fees_claimed_pence: int  # fees the agent has kept, to the end of the period
    difference_pence: int  # claimed - allowed (positive = over-claimed)


@dataclass(frozen=True)
class AgentReconciliation(JsonView):
    agent: str
    from_date: date
    to_date: date
    collected_pence: int
    fees_claimed_pence: int
    net_due_pence: int
    posted_pence: int
    fees_allowed_pence: int
    over_claimed_pence: int
    invoices: list[InvoiceSummary]
    cases: list[CaseFees]
    differences: list[str]


def _instruction(case: EnforcementCase) -> fee_rules.Instruction:
    """The case as the fee rules see it: its debt and the day each stage was reached."""
    stages: dict[str, date] = {}
    for step in case.details.get("stage_history", []):
        stages.setdefault(str(step["stage"]), date.fromisoformat(step["date"]))
    stages.setdefault("compliance", case.opened_on)
    return fee_rules.Instruction(case.reference, case.debt_pence, stages, bool(case.details.get("vulnerable_without_advice")))


def _allowances(cases: list[EnforcementCase]) -> dict[str, fee_rules.InstructionAllowance]:
    """Reg 11 allowances for enforcement agent cases, priced together per agent and account."""
    together: dict[tuple[str, uuid.UUID], list[EnforcementCase]] = defaultdict(list)
    for case in cases:
        together[(str(case.details.get("agent", "")), case.account_id)].append(case)
    return {a.key: a for group in together.values() for a in fee_rules.joint_allowances([_instruction(c) for c in group])}


def _fee_details(allowance: fee_rules.InstructionAllowance) -> dict[str, Any]:
    carriers = {s.stage: s.carried_by for s in allowance.shared}
    return {
        "fee_stage": allowance.fee_stage,
        "fees": [{"stage": l.stage, "fee_pence": l.total_pence,
                  **({"carried_by": carriers[l.stage]} if carriers.get(l.stage, allowance.key) != allowance.key else {})}
                 for l in allowance.lines],
        "fees_pence": allowance.fees_pence,
        "fee_group": list(allowance.group) if len(allowance.group) > 1 else [],
    }


def _reprice(uow: UnitOfWork, actor: Actor, case: EnforcementCase, account_ref: str) -> None:
    """Price the agent's cases on the case's account together (reg 11) and store each one's share."""
    agent = case.details.get("agent")
    cases = [c for c in uow.session.scalars(
        select(EnforcementCase).where(EnforcementCase.kind == "enforcement_agent", EnforcementCase.account_id == case.account_id)
        .order_by(EnforcementCase.reference)
    ) if c.details.get("agent") == agent]
    for ref, allowance in _allowances(cases).items():
        other = next(c for c in cases if c.reference == ref)
        fees = _fee_details(allowance)
        if all(other.details.get(k) == v for k, v in fees.items()):
            continue
        other.details = {**other.details, **fees}
        if other is not case:
            audit_case(uow, actor, "enforcement.ea_fees_shared", other, account_ref, fee_stage=fees["fee_stage"],
                       fees_pence=fees["fees_pence"], fee_group=fees["fee_group"], because=case.reference)


@handles(ReferToAgent, role=Role.OFFICER, action="refer cases to enforcement agents")
def refer_to_agent(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, agent: str, referred_on: date,
    as_of: date,
    liability_order_id: uuid.UUID | None = None, year: int | None = None, vulnerable_without_advice: bool = False,
) -> CaseView:
    """Pass a liability order to an enforcement agent (compliance stage; fees per SI 2014/1). Commits.

    The case is its own instruction: its £75 compliance fee is due whatever else the agent
    holds against the debtor (SI 2014/1 reg 11(3)); later stages are shared when the agent
    returns them (see the module docstring).
    """
    name = clean_text(agent, field="agent", label="the agent's name", max_length=60)
    case, order, ref = open_case(
        uow, actor, settings, kind=EnforcementKind.ENFORCEMENT_AGENT, account_ref=account_ref,
        liability_order_id=liability_order_id,
        year=year, opened_on=referred_on, as_of=as_of, what="a referral to an enforcement agent", details={
            "agent": name, "referred_on": referred_on.isoformat(), "exported_on": None, "export_file": None,
            "vulnerable_without_advice": vulnerable_without_advice, "stage_history": [],
        },
    )
    case.details = {**case.details,
                    "stage_history": [{"stage": "compliance", "date": referred_on.isoformat(), "invoice_ref": ""}]}
    case.details = {**case.details, **_fee_details(fee_rules.joint_allowances([_instruction(case)])[0])}
    audit_case(uow, actor, "enforcement.ea_referred", case, ref, agent=name, referred_on=referred_on)
    view = case_view_of(case, ref, order)
    with saving(uow, f"The referral of {ref}"):
        uow.commit()
    return view


def _and(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "agent"


@handles(ExportReferrals, role=Role.OFFICER, action="export referrals to enforcement agents")
def export_referrals(
    uow: UnitOfWork, actor: Actor, *, agent: str | None = None, out_dir: str | Path, as_of: date,
) -> ExportResult:
    """Write one CSV per agent of the open cases not yet sent to it, and mark them sent. Commits.

    Running it again writes nothing (every case is already marked); an existing file is never
    overwritten (a second file the same day gets `-2`, `-3`...).
    """
    folder = Path(out_dir)
    if not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder.", field="out_dir")
    cases = [
        c for c in uow.session.scalars(
            select(EnforcementCase)
            .where(EnforcementCase.kind == EnforcementKind.ENFORCEMENT_AGENT, EnforcementCase.status == EnforcementStatus.OPEN)
            .order_by(EnforcementCase.reference)
        )
        if not c.details.get("exported_on") and (agent is None or c.details.get("agent") == agent.strip())
    ]
    by_agent: dict[str, list[EnforcementCase]] = defaultdict(list)
    for case in cases:
        by_agent[str(case.details.get("agent", ""))].append(case)
    people = debtors(uow, [c.account_id for c in cases], as_of)
    orders = {
        e.id: e
        for e in uow.session.scalars(select(RecoveryEvent).where(RecoveryEvent.id.in_({c.liability_order_id for c in cases})))
    } if cases else {}
    files: list[ExportFile] = []
    written: list[Path] = []
    try:
        for name in sorted(by_agent):
            rows = by_agent[name]
            path = _free_path(folder, f"ea-referrals-{_slug(name)}-{as_of.isoformat()}")
            buffer = io.StringIO(newline="")
            writer = SafeCsvWriter(buffer, EXPORT_COLUMNS, money=("debt", "costs"))
            for case in rows:
                person = people[case.account_id]
                assert case.liability_order_id is not None  # an agent is referred a case under a liability order
                order = orders[case.liability_order_id]
                writer.writerow((
                    case.reference, person.account_ref, order.event_date.isoformat(), year_label(order.financial_year),
                    person.name, "; ".join(person.joint_names), person.address_line1, person.address_line2, person.town,
                    person.postcode, person.email, person.phone, case.debt_pence,
                    year_costs_pence(uow, case.account_id, order.financial_year, as_of),
                    case.opened_on.isoformat(),
                ))
                case.details = {**case.details, "exported_on": as_of.isoformat(), "export_file": path.name}
                audit_case(uow, actor, "enforcement.ea_exported", case, person.account_ref, agent=name, file=path.name)
            temp = path.with_name(path.name + ".part")
            temp.write_text(buffer.getvalue(), encoding="utf-8")
            os.replace(temp, path)
            written.append(path)
            files.append(ExportFile(agent=name, path=str(path), cases=len(rows), debt_pence=sum(c.debt_pence for c in rows)))
        with saving(uow, "The enforcement agent referrals"):
            uow.commit()
    except BaseException:
        for path in written:  # nothing marked as sent, so no file may claim it was
            path.unlink(missing_ok=True)
        raise
    return ExportResult(as_of=as_of, cases=len(cases), files=files)


def _free_path(folder: Path, stem: str) -> Path:
    path = folder / f"{stem}.csv"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.csv"
        n += 1
    return path


@dataclass(frozen=True)
class _ReturnRow:
    line: int
    case_ref: str
    on: date
    type: str
    amount_pence: int
    fees_pence: int
    stage: str
    reason: str
    reference: str
    invoice_ref: str
    note: str


def _parse_return_row(row: Any, as_of: date) -> _ReturnRow:
    row.check_shape()
    case_ref = row.required("case_ref")
    on = row.date("date")
    if on > as_of:
        raise RowInvalid("date", f"{on:%d/%m/%Y} is in the future")
    kind = row.required("type").lower()
    if kind not in RETURN_TYPES:
        raise RowInvalid("type", f"'{kind}' is not a row type (use {', '.join(RETURN_TYPES)})")
    amount = fees = 0
    stage = reason = reference = ""
    if kind == "payment":
        amount = row.pence("amount")
        if amount <= 0:
            raise RowInvalid("amount", "the amount must be more than 0.00")
        fees = row.pence("fees") if row.get("fees") else 0
        if not 0 <= fees <= amount:
            raise RowInvalid("fees", "the fees kept must be from 0.00 to the amount collected")
        reference = row.required("reference")
        if len(f"{case_ref}/{reference}") > 60:
            raise RowInvalid("reference", "case_ref and reference together are longer than 59 characters")
    elif kind == "fee_stage":
        stage = row.required("stage").lower()
        if stage not in ("enforcement", "sale"):
            raise RowInvalid("stage", f"'{stage}' is not a later fee stage (use enforcement or sale)")
    else:
        reason = row.required("reason").lower()
        if reason not in RETURN_REASONS:
            raise RowInvalid("reason", f"'{reason}' is not a return reason (use {', '.join(RETURN_REASONS)})")
    return _ReturnRow(row.line, case_ref, on, kind, amount, fees, stage, reason, reference,
                      row.get("invoice_ref")[:60], row.get("note")[:200])


@handles(ImportAgentReturns, role=Role.OFFICER, action="import enforcement agent returns")
def import_agent_returns(
    uow: UnitOfWork, actor: Actor, path: str | Path, *, as_of: date, all_or_nothing: bool = False,
) -> AgentReturnsSummary:
    """Apply an agent's returns file (see README): payments, fee stages, returned cases. Commits.

    A payment already recorded (same case and reference), a stage already reached and a case
    already returned are `skipped`, so importing a file again changes nothing.
    """
    summary = AgentReturnsSummary()
    parsed: list[_ReturnRow] = []
    for row in read_rows(path, RETURN_COLUMNS, RETURN_OPTIONAL):
        try:
            parsed.append(_parse_return_row(row, as_of))
        except RowInvalid as exc:
            summary.reject(row.line, exc.field, exc.message)
    cases = {
        c.reference: c for c in uow.session.scalars(
            select(EnforcementCase).where(EnforcementCase.reference.in_({r.case_ref for r in parsed}))
        )
    } if parsed else {}
    run = record_file_run(uow, actor, "ea_returns", path)
    for r in parsed:
        try:
            _apply_agent_row(uow, actor, r, cases.get(r.case_ref), run.id, summary)
        except RowInvalid as exc:
            summary.reject(r.line, exc.field, exc.message)
    summary.errors.sort(key=lambda e: e.line)
    with saving(uow, "The enforcement agent returns"):
        return complete_file_import(uow, actor, run, summary, all_or_nothing)


def _apply_agent_row(
    uow: UnitOfWork, actor: Actor, r: _ReturnRow, case: EnforcementCase | None, run_id: uuid.UUID,
    summary: AgentReturnsSummary,
) -> None:
    if case is None or case.kind != EnforcementKind.ENFORCEMENT_AGENT:
        raise RowInvalid("case_ref", f"there is no enforcement agent case {r.case_ref}")
    if r.on < case.opened_on:
        raise RowInvalid("date", f"{r.on:%d/%m/%Y} is before the case was referred ({case.opened_on:%d/%m/%Y})")
    account_ref = uow.session.scalar(select(Account.account_ref).where(Account.id == case.account_id)) or ""
    order = uow.session.get(RecoveryEvent, case.liability_order_id) if case.liability_order_id else None
    if r.type == "payment":
        if any(x.get("reference") == r.reference for x in case.details.get("receipts", [])):
            summary.skipped += 1
            return
        payment_ref = f"{case.reference}/{r.reference}"
        posted = r.amount_pence - r.fees_pence
        if posted > 0:
            if uow.session.scalar(select(Payment.id).where(Payment.external_ref == payment_ref)) is not None:
                raise RowInvalid("reference", f"payment reference {payment_ref} is already used")
            post_case_payment(uow, actor, case, order, account_ref, posted, r.on, "ea", payment_ref, run_id)
        closed = add_receipt(uow, case, order, {
            "date": r.on.isoformat(), "amount_pence": r.amount_pence, "fees_pence": r.fees_pence, "reference": r.reference,
            "payment_ref": payment_ref if posted > 0 else "", "invoice_ref": r.invoice_ref,
        }, r.on)
        summary.imported += 1
        summary.payments_pence += posted
        summary.fees_claimed_pence += r.fees_pence
        summary.cases_closed += closed
        audit_case(uow, actor, "enforcement.ea_payment", case, account_ref, amount_pence=r.amount_pence,
                   fees_pence=r.fees_pence, reference=r.reference, invoice_ref=r.invoice_ref, received_on=r.on, closed=closed)
        return
    if r.type == "fee_stage":
        current = str(case.details.get("fee_stage", "compliance"))
        if fee_rules.STAGES.index(r.stage) <= fee_rules.STAGES.index(current):
            summary.skipped += 1
            return
        if case.status != EnforcementStatus.OPEN:
            raise RowInvalid("case_ref", f"case {case.reference} was closed on {case.closed_on:%d/%m/%Y}")
        case.details = {**case.details, "stage_history": [
            *case.details.get("stage_history", []), {"stage": r.stage, "date": r.on.isoformat(), "invoice_ref": r.invoice_ref},
        ]}
        _reprice(uow, actor, case, account_ref)  # reg 11: shares the stage with the agent's cases reaching it the same day
        summary.imported += 1
        summary.stages_advanced += 1
        audit_case(uow, actor, "enforcement.ea_fee_stage", case, account_ref, fee_stage=r.stage, on=r.on,
                   fees_pence=case.details["fees_pence"], fee_group=case.details["fee_group"])
        return
    if case.status != EnforcementStatus.OPEN:
        summary.skipped += 1
        return
    case.status = EnforcementStatus.CLOSED
    case.closed_on = r.on
    case.details = {**case.details, "closed_reason": "returned", "return_reason": r.reason, "returned_on": r.on.isoformat(),
                    "nulla_bona": r.reason == "nulla_bona", "return_note": r.note}
    summary.imported += 1
    summary.cases_closed += 1
    audit_case(uow, actor, "enforcement.ea_returned", case, account_ref, reason=r.reason, on=r.on, note=r.note)


def agent_reconciliation(uow: UnitOfWork, *, agent: str, from_date: date, to_date: date) -> AgentReconciliation:
    """The agent's receipts in the period by invoice, against what is in the ledger and the fees SI 2014/1 allows.

    A case is reported when it had a receipt or reached a fee stage in the period, together
    with every case priced with it under reg 11 (its `fee_group`). `cases` shows each case's
    share of the allowance (see the module docstring: a shared stage's fee on the first case
    of those that reached it together) against what the agent kept on that case to the end
    of the period. Over-claims are judged per group, since an agent may book a shared fee on
    any of the group's cases: `over_claimed_pence` is the sum, over groups (a case alone is
    a group of one), of what was kept above what the group is allowed, and each group that
    kept too much gets a sentence in `differences` naming its cases.
    """
    if to_date < from_date:
        raise ValidationError(f"The period ends ({to_date:%d/%m/%Y}) before it starts ({from_date:%d/%m/%Y}).",
                              field="to_date")
    name = agent.strip()
    found = uow.session.execute(
        select(EnforcementCase, Account.account_ref).join(Account, Account.id == EnforcementCase.account_id)
        .where(EnforcementCase.kind == EnforcementKind.ENFORCEMENT_AGENT).order_by(EnforcementCase.reference)
    ).all()
    rows = [(c, ref) for c, ref in found if c.details.get("agent") == name]
    allowances = _allowances([c for c, _ in rows])
    start, end = from_date.isoformat(), to_date.isoformat()
    active = {
        c.reference for c, _ in rows
        if any(start <= x["date"] <= end for x in c.details.get("receipts", []))
        or any(start <= s.get("date", "") <= end for s in c.details.get("stage_history", []))
    }
    reported = {k for key in active for k in allowances[key].group}
    payment_refs = {x["payment_ref"] for c, _ in rows for x in c.details.get("receipts", []) if x.get("payment_ref")}
    status = dict(uow.session.execute(
        select(Payment.external_ref, Payment.status).where(Payment.external_ref.in_(payment_refs))
    ).all()) if payment_refs else {}
    invoices: dict[str, dict[str, int]] = {}
    case_fees: list[CaseFees] = []
    differences: list[str] = []
    account_of: dict[str, str] = {}
    for case, ref in rows:
        if case.reference not in reported:
            continue
        receipts = case.details.get("receipts", [])
        in_period = [x for x in receipts if start <= x["date"] <= end]
        to_end = [x for x in receipts if x["date"] <= end]
        for x in in_period:
            bucket = invoices.setdefault(x.get("invoice_ref") or "", {"receipts": 0, "collected": 0, "fees": 0, "posted": 0})
            bucket["receipts"] += 1
            bucket["collected"] += x["amount_pence"]
            bucket["fees"] += x["fees_pence"]
            if x.get("payment_ref") and status.get(x["payment_ref"]) == PaymentStatus.ALLOCATED:
                bucket["posted"] += x["amount_pence"] - x["fees_pence"]
        allowance = allowances[case.reference]
        claimed = sum(int(x["fees_pence"]) for x in to_end)
        case_fees.append(CaseFees(case.reference, ref, allowance.fee_stage, allowance.fees_pence, claimed,
                                  claimed - allowance.fees_pence))
        account_of[case.reference] = ref
    by_ref = {c.case_ref: c for c in case_fees}
    over_claimed = 0
    for group in dict.fromkeys(allowances[c.case_ref].group for c in case_fees):
        allowed = sum(by_ref[k].fees_allowed_pence for k in group)
        claimed = sum(by_ref[k].fees_claimed_pence for k in group)
        if claimed <= allowed:
            continue
        over_claimed += claimed - allowed
        if len(group) == 1:
            differences.append(
                f"Case {group[0]}: fees kept {fmt(claimed)} are {fmt(claimed - allowed)} more than the "
                f"{fmt(allowed)} allowed to the {by_ref[group[0]].fee_stage} stage."
            )
            continue
        together = "; ".join(
            f"{s.stage} stage reached by {_and(s.keys)} on {s.on:%d/%m/%Y}"
            for s in dict.fromkeys(s for k in group for s in allowances[k].shared if len(s.keys) > 1)
        )
        differences.append(
            f"Cases {_and(group)} (account {account_of[group[0]]}), acted on together ({together}): fees kept "
            f"{fmt(claimed)} are {fmt(claimed - allowed)} more than the {fmt(allowed)} allowed for them together "
            "(a compliance fee for each, each later stage's fixed fee once and its percentage on their total above "
            "one £1,500 threshold: SI 2014/1 reg 11)."
        )
    lines = [
        InvoiceSummary(inv, b["receipts"], b["collected"], b["fees"], b["collected"] - b["fees"], b["posted"])
        for inv, b in sorted(invoices.items())
    ]
    for line in lines:
        if line.posted_pence != line.net_due_pence:
            differences.append(
                f"Invoice {line.invoice_ref or '(none)'}: net due {fmt(line.net_due_pence)} but {fmt(line.posted_pence)} "
                "is in the ledger (a payment was reversed or not posted)."
            )
    collected = sum(i.collected_pence for i in lines)
    fees = sum(i.fees_claimed_pence for i in lines)
    return AgentReconciliation(
        agent=name, from_date=from_date, to_date=to_date, collected_pence=collected, fees_claimed_pence=fees,
        net_due_pence=collected - fees, posted_pence=sum(i.posted_pence for i in lines),
        fees_allowed_pence=sum(c.fees_allowed_pence for c in case_fees),
        over_claimed_pence=over_claimed,
        invoices=lines, cases=case_fees, differences=differences,
    )
