"""What an officer may ask of payments: post and allocate payments, refunds, Direct Debit,
and the payment file import."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.adapters.csv_files import ImportSummary  # noqa: F401
    from app.payments.direct_debit import CollectionFileResult, MandateView, ReturnsSummary  # noqa: F401
    from app.payments.posting import PaymentResult  # noqa: F401
    from app.payments.refunds import RefundView  # noqa: F401



@request("payments.post_payment")
class PostPayment(Request["PaymentResult"]):
    """A payment taken by an officer, allocated to the oldest year with a debt first.

    A payment of more than is owed now (a mistyped amount, or money towards a bill not yet
    due) is refused unless `confirm_credit` says the officer has seen what it will do."""

    account_ref: str
    amount_pence: int
    received_on: date
    method: str
    reference: str
    as_of: date
    confirm_credit: bool = False


@request("payments.allocate_suspense")
class AllocateSuspense(Request["PaymentResult"]):
    payment_ref: str
    account_ref: str
    as_of: date


@request("payments.import_payments")
class ImportPayments(Request["ImportSummary"]):
    """A council payment file (CSV); rows already imported are skipped."""

    path: str
    all_or_nothing: bool = False


@request("payments.request_refund")
class RequestRefund(Request["RefundView"]):
    account_ref: str
    amount_pence: int
    payee: str
    method: str
    reason: str
    as_of: date


@request("payments.decide_refund")
class DecideRefund(Request["RefundView"]):
    """Approve or reject a refund request (a team leader other than the requester)."""

    refund_id: uuid.UUID
    approve: bool
    note: str
    as_of: date
    expected_version: int | None = None


@request("payments.set_up_mandate")
class SetUpMandate(Request["MandateView"]):
    account_ref: str
    account_holder: str
    sort_code: str
    bank_account_number: str
    start_date: date


@request("payments.cancel_mandate")
class CancelMandate(Request["MandateView"]):
    account_ref: str
    as_of: date
    reason: str = ""


@request("payments.generate_collection_file")
class GenerateCollectionFile(Request["CollectionFileResult"]):
    collection_date: date
    out_path: str
    as_of: date


@request("payments.post_collections")
class PostCollections(Request[int]):
    """Post the submitted Direct Debit collections due by `as_of` as payments."""

    as_of: date


@request("payments.import_dd_returns")
class ImportDirectDebitReturns(Request["ReturnsSummary"]):
    path: str
    as_of: date
    all_or_nothing: bool = False

