"""Deductions from benefit (SI 1993/494): applying to the DWP for deductions from the debtor's
Universal Credit or legacy benefit, and the money the DWP pays over.

The amount is fixed by the benefit rules (`app.rules.benefit_deductions`) when the
application is made, so the case records it with the basis it was worked out on.
"""

from __future__ import annotations

import uuid
from datetime import date

from app.accounts.debtors import debtors
from app.adapters.conflicts import saving
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import clean_text
from app.enums import DocumentKind, EnforcementKind, PaymentMethod
from app.errors import ValidationError
from app.letters.documents import issue_letter
from app.money import fmt
from app.recovery.enforcement.attachment import OrderResult
from app.recovery.enforcement.cases import audit_case, case_view_of, letter_common, open_case
from app.recovery.enforcement.receipts import ReceiptResult, record_receipt
from app.recovery.enforcement.requests import ApplyBenefitDeduction, RecordBenefitReceipt
from app.requests import handles
from app.rules import benefit_deductions as benefit_rules
from app.rules.apportionment import financial_year_of, year_label
from app.users.roles import Actor, Role

BENEFITS = ("universal_credit", "legacy")
UC_CATEGORIES = benefit_rules.UC_CATEGORIES


@handles(RecordBenefitReceipt, role=Role.OFFICER, action="record receipts")
def record_benefit_receipt(
    uow: UnitOfWork, actor: Actor, *, case_id: uuid.UUID, amount_pence: int, received_on: date, reference: str, as_of: date,
) -> ReceiptResult:
    """Money paid over by the DWP: posted as a payment (method `benefit_deduction`). Commits."""
    return record_receipt(uow, actor, case_id=case_id, kind=EnforcementKind.BENEFIT_DEDUCTION,
                          method=PaymentMethod.BENEFIT_DEDUCTION,
                          amount_pence=amount_pence, received_on=received_on, reference=reference, as_of=as_of)


@handles(ApplyBenefitDeduction, role=Role.OFFICER, action="apply for deductions from benefit")
def apply_benefit_deduction(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, benefit: str, applied_on: date,
    as_of: date, uc_category: str | None = None, benefit_year: int | None = None, other_deductions_pence: int = 0,
    ni_number: str = "", liability_order_id: uuid.UUID | None = None, year: int | None = None,
) -> OrderResult:
    """Apply to the DWP for deductions from the debtor's benefit (SI 1993/494). Commits.

    Universal Credit: 5% of the standard allowance for `uc_category` per monthly assessment
    period (nothing if it would break the 15% cap with `other_deductions_pence`); legacy
    benefits: 5% of the single 25+ personal allowance a week. Both tables are the built-in
    years with the settings' years over them (`[benefit_deductions] uc_standard_allowance_pence`,
    `legacy_single_25_weekly_pence`), so a council adds a new April's figures itself.
    """
    if benefit not in BENEFITS:
        raise ValidationError(f"'{benefit}' is not a benefit (use {', '.join(BENEFITS)}).", field="benefit")
    rate_year = benefit_year if benefit_year is not None else financial_year_of(applied_on)
    ni = clean_text(ni_number, field="ni_number", label="the National Insurance number", max_length=13, required=False)
    try:
        if benefit == "universal_credit":
            if uc_category not in UC_CATEGORIES:
                raise ValidationError(f"'{uc_category}' is not a UC standard allowance category "
                                      f"(use {', '.join(UC_CATEGORIES)}).", field="uc_category")
            allowance = benefit_rules.uc_standard_allowance_pence(
                rate_year, uc_category, settings.benefit_deductions.uc_standard_allowance_pence)
            amount = benefit_rules.uc_deduction_pence(allowance, [other_deductions_pence])
            if amount == 0:
                raise ValidationError(
                    f"5% of the standard allowance ({fmt(benefit_rules.uc_five_percent_pence(allowance))}) with "
                    f"{fmt(other_deductions_pence)} of other deductions would go over the "
                    f"{benefit_rules.UC_OVERALL_CAP_PERCENT}% limit, so nothing can be deducted.",
                    field="other_deductions",
                )
            frequency = "monthly"
            basis = f"5% of the {year_label(rate_year)} UC standard allowance ({uc_category.replace('_', ' ')}, {fmt(allowance)})"
        else:
            allowances = settings.benefit_deductions.legacy_single_25_weekly_pence
            amount = benefit_rules.legacy_weekly_deduction_for_year(rate_year, allowances)
            frequency, basis = "weekly", f"5% of the {year_label(rate_year)} single 25+ personal allowance, rounded up to 5p"
    except benefit_rules.BenefitDeductionError as exc:
        raise ValidationError(str(exc), field="benefit_year") from None
    case, order, ref = open_case(
        uow, actor, settings, kind=EnforcementKind.BENEFIT_DEDUCTION, account_ref=account_ref,
        liability_order_id=liability_order_id,
        year=year, opened_on=applied_on, as_of=as_of, what="a deduction from benefit", details={
            "benefit": benefit, "uc_category": uc_category, "rate_year": rate_year, "amount_pence": amount,
            "frequency": frequency, "basis": basis, "ni_number": ni, "applied_on": applied_on.isoformat(),
        },
    )
    person = debtors(uow, [case.account_id], as_of)[case.account_id]
    dwp = settings.benefit_deductions.dwp_address
    document = issue_letter(uow, actor, account_id=case.account_id, kind=DocumentKind.BENEFIT_DEDUCTION_APPLICATION,
                            template="benefit_deduction_application", folder=settings.letters.folder, issued_on=applied_on,
                            financial_year=order.financial_year, data={
                                **letter_common(settings, person, case, order, applied_on),
                                "names": [dwp[0]], "address_lines": list(dwp[1:]), "postcode": "",
                                "benefit": "Universal Credit" if benefit == "universal_credit" else
                                           "income-related benefit (IS, income-based JSA, income-related ESA, Pension Credit)",
                                "ni_number": ni, "amount_pence": amount, "frequency": frequency, "basis": basis,
                            })
    case.details = {**case.details, "document_id": str(document.document_id)}
    audit_case(uow, actor, "enforcement.benefit_applied", case, ref, benefit=benefit, amount_pence=amount,
               frequency=frequency, applied_on=applied_on)
    view = case_view_of(case, ref, order)
    with saving(uow, f"The deduction from benefit on {ref}"):
        uow.commit()
    return OrderResult(case=view, schedule=None, document=document)
