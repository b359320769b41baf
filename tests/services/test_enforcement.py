"""After the liability order (AER 1992 regs 37-52; SI 1993/494; SI 2014/1): attachment of
earnings (Schedule 4 amounts, not more than two orders, one method per order), deductions from
benefit, enforcement agents (one export file per agent, returns that never double), agent
reconciliation, candidate lists at their thresholds, and the routes open to an account."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.adapters.csv_files import RowError
from app.bootstrap import AppContext
from app.errors import Conflict, ValidationError
from app.models import AuditEvent, Document, LedgerTransaction, Payment
from app.recovery import holds
from app.recovery.enforcement.agents import (
    EXPORT_COLUMNS,
    agent_reconciliation,
    export_referrals,
    import_agent_returns,
    refer_to_agent,
)
from app.recovery.enforcement.attachment import OrderResult, aoe_schedule, make_attachment_order, record_aoe_deduction
from app.recovery.enforcement.benefit import apply_benefit_deduction, record_benefit_receipt
from app.recovery.enforcement.candidates import bankruptcy_candidates, charging_order_candidates, committal_candidates
from app.recovery.enforcement.cases import CaseView, find_case_id, list_cases
from app.recovery.enforcement.routes import recovery_routes
from tests.services.court_helpers import liability_order
from tests.services.helpers import load_examples, write_csv
from tests.services.money_helpers import OFFICER, balance, post_charge

AS_OF = date(2025, 8, 1)


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    return ctx


def aoe(ctx: AppContext, ref: str = "70000003", **kw: object) -> OrderResult:
    values: dict[str, object] = {
        "account_ref": ref, "employer_name": "Exampleton Foods Ltd", "employer_address": "Unit 4, Dock Road, Exampleton EX1 1AA",
        "payroll_ref": "P123", "pay_period": "monthly", "net_pay_pence": 100000, "made_on": date(2025, 7, 20), "as_of": AS_OF,
    }
    values.update(kw)
    with ctx.db.uow() as uow:
        return make_attachment_order(uow, OFFICER, ctx.settings, **values)  # type: ignore[arg-type]


def refer(ctx: AppContext, ref: str, agent: str = "Marston", **kw: object) -> CaseView:
    with ctx.db.uow() as uow:
        return refer_to_agent(uow, OFFICER, ctx.settings, account_ref=ref, agent=agent,  # type: ignore[arg-type]
                              referred_on=kw.pop("referred_on", date(2025, 7, 20)), as_of=AS_OF, **kw)  # type: ignore[arg-type]


def test_aoe_schedule_uses_schedule_4() -> None:
    # Domain notes worked examples: monthly £1,000 -> 12% = £120.00; weekly £600 -> 17% x 505 + 50% x 95 = £133.35.
    assert aoe_schedule(100000, "monthly", "england", date(2025, 7, 1)).deduction_pence == 12000
    weekly = aoe_schedule(60000, "weekly", "england", date(2025, 7, 1))
    assert (weekly.deduction_pence, weekly.admin_fee_pence, weekly.total_pence) == (13335, 100, 13435)
    assert aoe_schedule(120000, "fortnightly", "england", date(2025, 7, 1)).deduction_pence == 2 * 13335
    assert aoe_schedule(30000, "monthly", "england", date(2025, 7, 1)).total_pence == 0
    # Wales, orders from 1 April 2022 (WSI 2022/107): monthly £1,000 is in the 5% band.
    assert aoe_schedule(100000, "monthly", "wales", date(2025, 7, 1)).deduction_pence == 5000
    with pytest.raises(ValidationError) as err:
        aoe_schedule(1000, "yearly", "england", date(2025, 7, 1))
    assert err.value.field == "pay_period"


def test_attachment_order_issues_the_employers_letter(loaded: AppContext) -> None:
    liability_order(loaded, "70000003", 2025, 110000)
    result = aoe(loaded)
    case = result.case
    assert (case.kind, case.status, case.debt_pence, case.year, case.case_ref) == (
        "attachment_of_earnings", "open", 110000, 2025, "AOE-70000003-2025-1")
    assert result.schedule is not None and result.schedule.deduction_pence == 12000
    assert case.details["priority"] == 1 and case.details["employer_address"] == ["Unit 4", "Dock Road", "Exampleton EX1 1AA"]
    with loaded.db.uow() as uow:
        doc = uow.session.scalars(select(Document).where(Document.kind == "attachment_of_earnings_order")).one()
        assert doc.template == "attachment_of_earnings_order" and doc.data is not None
        assert doc.data["deduction_pence"] == 12000 and doc.data["names"] == ["Exampleton Foods Ltd"]
        content = uow.session.scalar(select(Document.content).where(Document.id == doc.id))
    import io

    from docx import Document as Docx

    from app.letters.documents import unpacked

    text = "\n".join(p.text for p in Docx(io.BytesIO(unpacked(content))).paragraphs)
    assert "AOE-70000003-2025-1" in text and "£120.00" in text


def test_not_more_than_two_orders_and_one_method_per_order(loaded: AppContext) -> None:
    liability_order(loaded, "70000004", 2023, 50000, made=date(2024, 1, 10))
    liability_order(loaded, "70000004", 2024, 60000)
    with pytest.raises(ValidationError) as err:
        aoe(loaded, "70000004")
    assert err.value.field == "year"  # two orders: say which
    first = aoe(loaded, "70000004", year=2023, made_on=date(2025, 7, 1)).case
    second = aoe(loaded, "70000004", year=2024, employer_name="Second Job plc").case
    assert (first.details["priority"], second.details["priority"]) == (1, 2)
    with pytest.raises(Conflict, match="not more than 2"):
        aoe(loaded, "70000004", year=2024, employer_name="Third Job")
    with pytest.raises(Conflict, match="only one method may be used at a time"):
        refer(loaded, "70000004", year=2024)
    liability_order(loaded, "70000003", 2025, 20000)
    refer(loaded, "70000003")
    with pytest.raises(Conflict, match="only one method"):
        aoe(loaded, "70000003")
    with pytest.raises(Conflict, match="only one method"):
        refer(loaded, "70000003", agent="Other Agents")


def test_deductions_post_aoe_payments_and_close_the_case(loaded: AppContext) -> None:
    liability_order(loaded, "70000003", 2025, 20000)
    case = aoe(loaded).case
    with loaded.db.uow() as uow:
        first = record_aoe_deduction(uow, OFFICER, case_id=case.case_id, amount_pence=12000,
                                     received_on=date(2025, 7, 31), reference="EMP-0725", as_of=AS_OF)
    assert (first.case.collected_pence, first.case.outstanding_pence, first.closed) == (12000, 8000, False)
    with loaded.db.uow() as uow:
        with pytest.raises(ValidationError) as err:
            record_aoe_deduction(uow, OFFICER, case_id=case.case_id, amount_pence=100, received_on=date(2025, 7, 31),
                                 reference="EMP-0725", as_of=AS_OF)
        assert err.value.field == "reference"
    with loaded.db.uow() as uow:
        last = record_aoe_deduction(uow, OFFICER, case_id=case.case_id, amount_pence=8000,
                                    received_on=date(2025, 8, 1), reference="EMP-0825", as_of=AS_OF)
        methods = uow.session.scalars(select(Payment.method).where(Payment.external_ref.in_(["EMP-0725", "EMP-0825"]))).all()
    assert last.closed and last.case.status == "closed" and last.case.closed_on == date(2025, 8, 1)
    assert set(methods) == {"aoe"} and balance(loaded, "70000003") == 0
    with loaded.db.uow() as uow, pytest.raises(Conflict, match="closed"):
        record_aoe_deduction(uow, OFFICER, case_id=case.case_id, amount_pence=100, received_on=date(2025, 8, 1),
                             reference="EMP-X", as_of=AS_OF)


def test_benefit_deductions_use_the_rules(loaded: AppContext) -> None:
    liability_order(loaded, "70000003", 2025, 40000)
    liability_order(loaded, "70000004", 2024, 40000)
    with loaded.db.uow() as uow:
        uc = apply_benefit_deduction(uow, OFFICER, loaded.settings, account_ref="70000003", benefit="universal_credit",
                                     uc_category="single_25_plus", applied_on=date(2025, 7, 20), as_of=AS_OF)
    # 5% of £400.14 = £20.007, rounded up to the next 5p (SI 2013/380 Sch 6 para 1) = £20.05 a month.
    assert (uc.case.details["amount_pence"], uc.case.details["frequency"]) == (2005, "monthly")
    with loaded.db.uow() as uow:
        legacy = apply_benefit_deduction(uow, OFFICER, loaded.settings, account_ref="70000004", benefit="legacy",
                                         applied_on=date(2025, 7, 20), as_of=AS_OF)
        assert legacy.case.details["amount_pence"] == 465  # 5% of £92.05 = £4.6025 -> £4.65 a week
        receipt = record_benefit_receipt(uow, OFFICER, case_id=legacy.case.case_id, amount_pence=1860,
                                         received_on=date(2025, 7, 31), reference="DWP-1", as_of=AS_OF)
        assert receipt.case.collected_pence == 1860
        assert uow.session.scalar(select(Payment.method).where(Payment.external_ref == "DWP-1")) == "benefit_deduction"
    with loaded.db.uow() as uow, pytest.raises(Conflict, match="only one method"):
        apply_benefit_deduction(uow, OFFICER, loaded.settings, account_ref="70000004", benefit="universal_credit",
                                uc_category="single_25_plus", applied_on=date(2025, 7, 20), as_of=AS_OF)


def test_this_years_uc_rates_are_held_and_a_later_year_comes_from_the_settings(loaded: AppContext) -> None:
    """Issue 16 part 7: 2026/27 figures ship (Universal Credit Act 2025 rates); a year beyond them is
    refused with the setting that adds it, and once the council sets it the application goes ahead."""
    liability_order(loaded, "70000003", 2025, 40000)
    with loaded.db.uow() as uow, pytest.raises(ValidationError) as err:
        apply_benefit_deduction(uow, OFFICER, loaded.settings, account_ref="70000003", benefit="universal_credit",
                                uc_category="single_25_plus", applied_on=date(2027, 5, 4), as_of=date(2027, 5, 4))
    assert "[benefit_deductions] uc_standard_allowance_pence" in str(err.value)
    later = {2027: {"single_under_25": 1, "single_25_plus": 44_000, "couple_under_25": 1, "couple_25_plus": 1}}
    benefit_settings = replace(loaded.settings.benefit_deductions, uc_standard_allowance_pence={
        **loaded.settings.benefit_deductions.uc_standard_allowance_pence, **later})
    with loaded.db.uow() as uow:
        uc = apply_benefit_deduction(uow, OFFICER, loaded.settings, account_ref="70000003", benefit="universal_credit",
                                     uc_category="single_25_plus", applied_on=date(2026, 11, 2), as_of=date(2026, 11, 2))
    assert uc.case.details["amount_pence"] == 2125  # 5% of £424.90 = £21.245 -> £21.25 (2026/27)
    liability_order(loaded, "70000004", 2024, 40000)
    with loaded.db.uow() as uow:
        uc = apply_benefit_deduction(uow, OFFICER, replace(loaded.settings, benefit_deductions=benefit_settings),
                                     account_ref="70000004", benefit="universal_credit", uc_category="single_25_plus",
                                     applied_on=date(2027, 5, 4), as_of=date(2027, 5, 4))
    assert uc.case.details["amount_pence"] == 2200  # 5% of the council's £440.00 for 2027/28


def test_uc_deduction_over_the_cap_is_refused(loaded: AppContext) -> None:
    liability_order(loaded, "70000003", 2025, 40000)
    with loaded.db.uow() as uow, pytest.raises(ValidationError) as err:
        apply_benefit_deduction(uow, OFFICER, loaded.settings, account_ref="70000003", benefit="universal_credit",
                                uc_category="single_25_plus", other_deductions_pence=5000,
                                applied_on=date(2025, 7, 20), as_of=AS_OF)
    assert err.value.field == "other_deductions"


def test_agent_export_writes_one_file_per_agent_once(loaded: AppContext, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    for ref in ("70000001", "70000003", "70000004"):
        liability_order(loaded, ref, 2024, 30000)
    refer(loaded, "70000001", "Marston")
    refer(loaded, "70000003", "Marston")
    refer(loaded, "70000004", "Bristow & Sutor")
    with loaded.db.uow() as uow:
        result = export_referrals(uow, OFFICER, out_dir=tmp_path, as_of=AS_OF)
    assert result.cases == 3 and [(f.agent, f.cases) for f in result.files] == [("Bristow & Sutor", 1), ("Marston", 2)]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["ea-referrals-bristow-sutor-2025-08-01.csv", "ea-referrals-marston-2025-08-01.csv"]
    with (tmp_path / files[1]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [(r["case_ref"], r["account_ref"], r["debt"], r["postcode"]) for r in rows] == [
        ("EA-70000001-2024-1", "70000001", "300.00", "EX1 4QT"), ("EA-70000003-2024-1", "70000003", "300.00", "EX2 9LL")]
    assert rows[0]["debtor_name"] == "Mr Daniel Hughes" and rows[0]["liability_order_date"] == "2025-07-15"
    with loaded.db.uow() as uow:
        again = export_referrals(uow, OFFICER, out_dir=tmp_path, as_of=AS_OF)
    assert (again.cases, again.files) == (0, []) and len(list(tmp_path.iterdir())) == 2


RETURNS = """
case_ref,date,type,amount,fees,stage,reason,reference,invoice_ref
EA-70000003-2024-1,2025-07-25,fee_stage,,,enforcement,,,INV-1
EA-70000003-2024-1,2025-07-28,payment,350.00,50.00,,,R-1,INV-1
EA-70000001-2024-1,2025-07-29,return,,,,nulla_bona,,INV-1
EA-99999999-2024-1,2025-07-29,payment,10.00,,,,R-2,INV-1
EA-70000003-2024-1,2025-07-29,refund,10.00,,,,R-3,INV-1
EA-70000003-2024-1,2025-07-29,payment,ten,,,,R-4,INV-1
EA-70000003-2024-1,2025-07-29,payment,10.00,20.00,,,R-5,INV-1
EA-70000003-2024-1,2030-07-29,payment,10.00,,,,R-6,INV-1
"""


def test_agent_returns_keep_good_rows_reject_bad_ones_and_never_double(loaded: AppContext, tmp_path: Path) -> None:
    liability_order(loaded, "70000001", 2024, 30000)
    liability_order(loaded, "70000003", 2024, 30000)
    refer(loaded, "70000001")
    case = refer(loaded, "70000003")
    assert (case.details["fee_stage"], case.details["fees_pence"]) == ("compliance", 7500)
    path = write_csv(tmp_path / "returns.csv", RETURNS)
    with loaded.db.uow() as uow:
        summary = import_agent_returns(uow, OFFICER, path, as_of=AS_OF)
    assert (summary.imported, summary.skipped, summary.rejected) == (3, 0, 5)
    assert summary.errors == [
        RowError(5, "case_ref", "there is no enforcement agent case EA-99999999-2024-1"),
        RowError(6, "type", "'refund' is not a row type (use payment, fee_stage, return)"),
        RowError(7, "amount", summary.errors[2].message),
        RowError(8, "fees", "the fees kept must be from 0.00 to the amount collected"),
        RowError(9, "date", "29/07/2030 is in the future"),
    ]
    counts = (summary.payments_pence, summary.fees_claimed_pence, summary.stages_advanced, summary.cases_closed)
    assert counts == (30000, 5000, 1, 2)
    assert balance(loaded, "70000003") == 0  # £350 collected, £50 fees kept by the agent, £300 to the council
    with loaded.db.uow() as uow:
        cases = {c.case_ref: c for c in list_cases(uow, kind="enforcement_agent")}
        ea_rows = uow.session.scalars(select(LedgerTransaction).where(LedgerTransaction.reference.like("EA-%"))).all()
    assert [(t.kind, t.amount_pence) for t in ea_rows] == [("payment", -30000)]  # agent fees never reach the ledger
    nulla = cases["EA-70000001-2024-1"]
    assert (nulla.status, nulla.details["return_reason"], nulla.details["nulla_bona"]) == ("closed", "nulla_bona", True)
    paid = cases["EA-70000003-2024-1"]
    # SI 2014/1: compliance £75 + enforcement £235 (debt under £1,500: no percentage).
    assert (paid.status, paid.details["fee_stage"], paid.details["fees_pence"]) == ("closed", "enforcement", 31000)
    with loaded.db.uow() as uow:
        again = import_agent_returns(uow, OFFICER, path, as_of=AS_OF)
    assert (again.imported, again.skipped, again.rejected) == (0, 3, 5)
    assert balance(loaded, "70000003") == 0


def test_agent_reconciliation_figures(loaded: AppContext, tmp_path: Path) -> None:
    liability_order(loaded, "70000003", 2024, 200000)
    liability_order(loaded, "70000004", 2024, 100000)
    refer(loaded, "70000003")
    refer(loaded, "70000004")
    path = write_csv(tmp_path / "returns.csv", """
case_ref,date,type,amount,fees,stage,reference,invoice_ref
EA-70000003-2024-1,2025-07-21,fee_stage,,,enforcement,,INV-7
EA-70000003-2024-1,2025-07-22,payment,500.00,347.50,,A1,INV-7
EA-70000004-2024-1,2025-07-23,payment,100.00,100.00,,B1,INV-7
EA-70000004-2024-1,2025-07-24,payment,200.00,0.00,,B2,INV-8
""")
    with loaded.db.uow() as uow:
        summary = import_agent_returns(uow, OFFICER, path, as_of=AS_OF)
        assert summary.rejected == 0, summary.errors
        rec = agent_reconciliation(uow, agent="Marston", from_date=date(2025, 7, 1), to_date=date(2025, 7, 31))
    assert (rec.collected_pence, rec.fees_claimed_pence, rec.net_due_pence, rec.posted_pence) == (80000, 44750, 35250, 35250)
    assert [(i.invoice_ref, i.collected_pence, i.fees_claimed_pence, i.net_due_pence) for i in rec.invoices] == [
        ("INV-7", 60000, 44750, 15250), ("INV-8", 20000, 0, 20000)]
    fees = {c.case_ref: c for c in rec.cases}
    # £2,000 at enforcement: £75 + £235 + 7.5% of £500 = £347.50 allowed and claimed; £75 allowed at compliance, £100 kept.
    assert (fees["EA-70000003-2024-1"].fees_allowed_pence, fees["EA-70000003-2024-1"].difference_pence) == (34750, 0)
    assert (fees["EA-70000004-2024-1"].fees_allowed_pence, fees["EA-70000004-2024-1"].difference_pence) == (7500, 2500)
    assert rec.over_claimed_pence == 2500 and len(rec.differences) == 1 and "EA-70000004-2024-1" in rec.differences[0]


def test_agent_fees_for_several_orders_shared_and_over_claims_reported_per_group(loaded: AppContext, tmp_path: Path) -> None:
    """SI 2014/1 reg 11 (legislation.gov.uk/uksi/2014/1/regulation/11): two orders of £1,000 against one
    debtor, both at the enforcement stage on the same day. Allowed: 2 x £75 compliance (11(3)) + £235 once
    (11(4)(a)) + 7.5% x (£2,000 - £1,500) = £37.50 (11(4)(b)) = £422.50, shown as £347.50 on the first
    case by reference and £75 on the second. The agent keeps 2 x (£75 + £235 + 7.5% x £0) = £620: £197.50
    over-claimed, though each case on its own would pass (£310 <= £310)."""
    liability_order(loaded, "70000004", 2023, 100000, made=date(2024, 2, 1))
    liability_order(loaded, "70000004", 2024, 100000)
    refer(loaded, "70000004", year=2023)
    second = refer(loaded, "70000004", year=2024)
    assert (second.details["fees_pence"], second.details["fee_group"]) == (7500, [])  # compliance: one fee per order
    path = write_csv(tmp_path / "returns.csv", """
case_ref,date,type,amount,fees,stage,reference,invoice_ref
EA-70000004-2024-1,2025-07-21,fee_stage,,,enforcement,,INV-9
EA-70000004-2023-1,2025-07-21,fee_stage,,,enforcement,,INV-9
EA-70000004-2023-1,2025-07-22,payment,310.00,310.00,,A1,INV-9
EA-70000004-2024-1,2025-07-22,payment,310.00,310.00,,B1,INV-9
""")
    with loaded.db.uow() as uow:
        summary = import_agent_returns(uow, OFFICER, path, as_of=AS_OF)
        assert summary.rejected == 0, summary.errors
        rec = agent_reconciliation(uow, agent="Marston", from_date=date(2025, 7, 1), to_date=date(2025, 7, 31))
        cases = {c.case_ref: c for c in list_cases(uow, kind="enforcement_agent")}
        shared = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "enforcement.ea_fees_shared")).all()
    first, other = cases["EA-70000004-2023-1"], cases["EA-70000004-2024-1"]
    assert (first.details["fees_pence"], other.details["fees_pence"]) == (34750, 7500)
    assert first.details["fee_group"] == other.details["fee_group"] == ["EA-70000004-2023-1", "EA-70000004-2024-1"]
    assert other.details["fees"] == [{"stage": "compliance", "fee_pence": 7500},
                                     {"stage": "enforcement", "fee_pence": 0, "carried_by": "EA-70000004-2023-1"}]
    # The 2024 case reached the stage first (alone: £310), then the 2023 case joined it: its share became £75.
    assert [e.after["fees_pence"] for e in shared] == [7500]
    assert [(c.case_ref, c.fees_allowed_pence, c.fees_claimed_pence, c.difference_pence) for c in rec.cases] == [
        ("EA-70000004-2023-1", 34750, 31000, -3750), ("EA-70000004-2024-1", 7500, 31000, 23500)]
    assert (rec.fees_allowed_pence, rec.fees_claimed_pence, rec.over_claimed_pence) == (42250, 62000, 19750)
    assert rec.differences == [
        "Cases EA-70000004-2023-1 and EA-70000004-2024-1 (account 70000004), acted on together (enforcement stage "
        "reached by EA-70000004-2023-1 and EA-70000004-2024-1 on 21/07/2025): fees kept £620.00 are £197.50 more than "
        "the £422.50 allowed for them together (a compliance fee for each, each later stage's fixed fee once and its "
        "percentage on their total above one £1,500 threshold: SI 2014/1 reg 11)."]
    # A month on, the agent reports only one of them: the group is still reported whole.
    with loaded.db.uow() as uow:
        later = agent_reconciliation(uow, agent="Marston", from_date=date(2025, 7, 22), to_date=date(2025, 7, 22))
    assert [c.case_ref for c in later.cases] == ["EA-70000004-2023-1", "EA-70000004-2024-1"] and later.over_claimed_pence == 19750


def test_agent_fees_for_orders_attended_on_different_days_are_not_shared(loaded: AppContext, tmp_path: Path) -> None:
    liability_order(loaded, "70000004", 2023, 100000, made=date(2024, 2, 1))
    liability_order(loaded, "70000004", 2024, 100000)
    refer(loaded, "70000004", year=2023)
    refer(loaded, "70000004", year=2024)
    path = write_csv(tmp_path / "returns.csv", """
case_ref,date,type,amount,fees,stage,reference,invoice_ref
EA-70000004-2023-1,2025-07-21,fee_stage,,,enforcement,,INV-9
EA-70000004-2024-1,2025-07-28,fee_stage,,,enforcement,,INV-9
EA-70000004-2023-1,2025-07-29,payment,310.00,310.00,,A1,INV-9
EA-70000004-2024-1,2025-07-29,payment,310.00,310.00,,B1,INV-9
""")
    with loaded.db.uow() as uow:
        import_agent_returns(uow, OFFICER, path, as_of=AS_OF)
        rec = agent_reconciliation(uow, agent="Marston", from_date=date(2025, 7, 1), to_date=date(2025, 7, 31))
    assert (rec.fees_allowed_pence, rec.over_claimed_pence, rec.differences) == (62000, 0, [])


def test_candidate_thresholds(loaded: AppContext) -> None:
    liability_order(loaded, "70000001", 2024, 99999)
    liability_order(loaded, "70000002", 2024, 100000)
    liability_order(loaded, "70000003", 2024, 499999)
    liability_order(loaded, "70000004", 2023, 300000, made=date(2024, 2, 1))
    liability_order(loaded, "70000004", 2024, 200000)
    with loaded.db.uow() as uow:
        charging = charging_order_candidates(uow, loaded.settings, AS_OF)
        bankruptcy = bankruptcy_candidates(uow, loaded.settings, AS_OF)
    assert [c.account_ref for c in charging.candidates] == ["70000004", "70000003", "70000002"]  # £999.99 is not enough
    assert "check ownership" in charging.candidates[0].checks[0] and "reg 50" in charging.candidates[2].reason
    assert [(c.account_ref, c.outstanding_pence, c.liability_order_years) for c in bankruptcy.candidates] == [
        ("70000004", 500000, [2023, 2024])]  # total across orders; £4,999.99 is not enough
    with loaded.db.uow() as uow:
        holds.add_hold(uow, OFFICER, loaded.settings, account_ref="70000004", kind="bankruptcy",
                       reason="Petition by another creditor", start_date=date(2025, 7, 1), as_of=AS_OF)
    with loaded.db.uow() as uow:
        assert bankruptcy_candidates(uow, loaded.settings, AS_OF).candidates == []


def test_charging_order_threshold_order_by_order(loaded: AppContext) -> None:
    """AER 1992 reg 50(1)(c) (legislation.gov.uk/uksi/1992/613/regulation/50/made): "at least £1000 of the
    amount in respect of which the liability order was made remains outstanding", measured on the orders the
    application relies on (several together: Interpretation Act 1978 s6(c)). 70000004: £700 (2023/24) and
    £500 (2024/25): neither alone, £1,200 together. 70000003: £700 and £250: £950, no combination reaches
    £1,000. 70000002: an order for £900, then the year's charge rose by £400: £1,300 owed for the year but only
    £900 under the order, so not £1,000."""
    liability_order(loaded, "70000004", 2023, 70000, made=date(2024, 2, 1))
    liability_order(loaded, "70000004", 2024, 50000)
    liability_order(loaded, "70000003", 2023, 70000, made=date(2024, 2, 1))
    liability_order(loaded, "70000003", 2024, 25000)
    liability_order(loaded, "70000002", 2024, 90000)
    post_charge(loaded, "70000002", 2024, 40000)
    with loaded.db.uow() as uow:
        charging = charging_order_candidates(uow, loaded.settings, AS_OF)
        routes = {r: {a.route: a for a in recovery_routes(uow, loaded.settings, r, AS_OF)}
                  for r in ("70000004", "70000003", "70000002")}
    assert [(c.account_ref, c.outstanding_pence, c.liability_order_years) for c in charging.candidates] == [
        ("70000004", 120000, [2023, 2024])]
    assert charging.candidates[0].reason == (
        "Outstanding under each liability order: 2023/24 (order of 01/02/2024) £700.00; 2024/25 (order of 15/07/2025) "
        "£500.00 (£1,200.00 together); no one order reaches £1,000 alone: the application must rely on orders "
        "together (AER 1992 reg 50(1)(c)).")
    assert "choose the order(s)" in charging.candidates[0].checks[1]
    assert routes["70000004"]["charging_order"].status == "available"
    assert routes["70000004"]["charging_order"].reason.endswith("Check ownership, and that the orders relied on were made "
                                                                "for the dwelling to be charged (reg 50(3)(b)).")
    assert routes["70000003"]["charging_order"].status == "not_available"
    assert routes["70000003"]["charging_order"].reason == (
        "Outstanding under each liability order: 2023/24 (order of 01/02/2024) £700.00; 2024/25 (order of 15/07/2025) "
        "£250.00. No order, and no combination of orders, reaches £1,000 (all the orders together come to £950.00): "
        "no charging order application may be made (AER 1992 reg 50(1)(c)).")
    assert routes["70000002"]["charging_order"].status == "not_available" and "£900.00" in routes["70000002"][
        "charging_order"].reason
    assert "£1,300.00" in routes["70000002"]["bankruptcy"].reason  # bankruptcy still counts all that is owed


def test_committal_only_in_england_after_nulla_bona(loaded: AppContext, tmp_path: Path) -> None:
    liability_order(loaded, "70000003", 2024, 30000)
    refer(loaded, "70000003")
    with loaded.db.uow() as uow:
        assert committal_candidates(uow, loaded.settings, AS_OF).candidates == []
    path = write_csv(tmp_path / "r.csv", "case_ref,date,type,reason\nEA-70000003-2024-1,2025-07-30,return,nulla_bona\n")
    with loaded.db.uow() as uow:
        import_agent_returns(uow, OFFICER, path, as_of=AS_OF)
    with loaded.db.uow() as uow:
        england = committal_candidates(uow, loaded.settings, AS_OF)
        welsh = replace(loaded.settings, authority=replace(loaded.settings.authority, country="wales"))
        wales = committal_candidates(uow, welsh, AS_OF)
    assert [c.account_ref for c in england.candidates] == ["70000003"] and "nulla bona" in england.candidates[0].reason
    assert (wales.available, wales.candidates) == (False, []) and "Wales" in wales.reason


def test_recovery_routes_and_holds(loaded: AppContext) -> None:
    with loaded.db.uow() as uow:
        assert {a.status for a in recovery_routes(uow, loaded.settings, "70000003", AS_OF)} == {"not_available"}
    liability_order(loaded, "70000003", 2024, 150000)
    with loaded.db.uow() as uow:
        routes = {a.route: a for a in recovery_routes(uow, loaded.settings, "70000003", AS_OF)}
    assert routes["attachment_of_earnings"].status == "available" and routes["charging_order"].status == "available"
    assert routes["bankruptcy"].status == "not_available" and routes["committal"].status == "not_available"
    aoe(loaded)
    with loaded.db.uow() as uow:
        holds.add_hold(uow, OFFICER, loaded.settings, account_ref="70000003", kind="breathing_space", reason="Adviser",
                       start_date=date(2025, 7, 25), as_of=AS_OF)
    with loaded.db.uow() as uow:
        routes = {a.route: a for a in recovery_routes(uow, loaded.settings, "70000003", AS_OF)}
        # The order in place continues; its receipts are still recorded; nothing new may start.
        case_id = find_case_id(uow, "AOE-70000003-2024-1")
        record_aoe_deduction(uow, OFFICER, case_id=case_id, amount_pence=12000, received_on=date(2025, 7, 31),
                             reference="EMP-1", as_of=AS_OF)
    assert routes["attachment_of_earnings"].status == "in_place" and routes["attachment_of_earnings"].case_refs == [
        "AOE-70000003-2024-1"]
    assert routes["enforcement_agent"].status == "not_available" and "Breathing space" in routes["enforcement_agent"].reason
    with pytest.raises(Conflict, match="on hold"):
        refer(loaded, "70000003", referred_on=date(2025, 7, 30))


def test_agent_export_writes_a_formula_like_name_as_inert_text(loaded: AppContext, tmp_path: Path) -> None:
    """OWASP CSV Injection: a debtor named `@SUM(1)` reaches the agent as text, amounts as numbers."""
    from app.models import Account, AccountParty, Person

    liability_order(loaded, "70000001", 2024, 30000)
    refer(loaded, "70000001", "Marston")
    with loaded.db.uow() as uow:
        person_id = uow.session.scalars(
            select(AccountParty.person_id).join(Account, Account.id == AccountParty.account_id)
            .where(Account.account_ref == "70000001")
        ).first()
        person = uow.session.get(Person, person_id)
        assert person is not None
        person.title, person.forenames, person.surname, person.phone = "", "", "@SUM(1)", "+44 1234 567890"
        uow.commit()
    with loaded.db.uow() as uow:
        export_referrals(uow, OFFICER, out_dir=tmp_path, as_of=AS_OF)
    [path] = list(tmp_path.glob("ea-referrals-*.csv"))
    with path.open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["debtor_name"] == "'@SUM(1)" and row["phone"] == "'+44 1234 567890"
    assert row["debt"] == "300.00" and row["case_ref"] == "EA-70000001-2024-1"
