"""What an officer may ask once a liability order is made: attachment of earnings, benefit
deductions, enforcement agents, and the receipts each brings in."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.recovery.enforcement.agents import AgentReturnsSummary, ExportResult  # noqa: F401
    from app.recovery.enforcement.attachment import OrderResult  # noqa: F401
    from app.recovery.enforcement.cases import CaseView  # noqa: F401
    from app.recovery.enforcement.receipts import ReceiptResult  # noqa: F401



@request("enforcement.make_attachment_order")
class MakeAttachmentOrder(Request["OrderResult"]):
    """An attachment of earnings order to the debtor's employer (AER 1992 reg 37)."""

    account_ref: str
    employer_name: str
    employer_address: str
    pay_period: str
    made_on: date
    as_of: date
    payroll_ref: str = ""
    net_pay_pence: int | None = None
    liability_order_id: uuid.UUID | None = None
    year: int | None = None


@request("enforcement.apply_benefit_deduction")
class ApplyBenefitDeduction(Request["OrderResult"]):
    """An application to the DWP for deductions from benefit (AER 1992 reg 29)."""

    account_ref: str
    benefit: str
    applied_on: date
    as_of: date
    uc_category: str | None = None
    benefit_year: int | None = None
    other_deductions_pence: int = 0
    ni_number: str = ""
    liability_order_id: uuid.UUID | None = None
    year: int | None = None


@request("enforcement.refer_to_agent")
class ReferToAgent(Request["CaseView"]):
    account_ref: str
    agent: str
    referred_on: date
    as_of: date
    liability_order_id: uuid.UUID | None = None
    year: int | None = None
    vulnerable_without_advice: bool = False


@request("enforcement.record_aoe_deduction")
class RecordAoeDeduction(Request["ReceiptResult"]):
    """Money an employer sent under an attachment of earnings order."""

    case_id: uuid.UUID
    amount_pence: int
    received_on: date
    reference: str
    as_of: date


@request("enforcement.record_benefit_receipt")
class RecordBenefitReceipt(Request["ReceiptResult"]):
    """Money the DWP sent under a deduction from benefit."""

    case_id: uuid.UUID
    amount_pence: int
    received_on: date
    reference: str
    as_of: date


@request("enforcement.export_referrals")
class ExportReferrals(Request["ExportResult"]):
    """The referral file for each agent (or one agent) of the cases not yet sent."""

    out_dir: str
    as_of: date
    agent: str | None = None


@request("enforcement.import_agent_returns")
class ImportAgentReturns(Request["AgentReturnsSummary"]):
    path: str
    as_of: date
    all_or_nothing: bool = False
