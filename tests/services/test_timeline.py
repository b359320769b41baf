"""Issue 16 part 3: the account timeline, one chronological list of everything recorded on
an account (bills and notices, payments with their allocation, reversals, recovery steps,
holds, diary entries, notes, letters), each naming what it opens; on both databases."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from app.accounts.timeline import Opens, TimelineKind
from app.application import Application
from app.billing.requests import RunAnnualBilling
from app.bootstrap import AppContext
from app.casework.diary_codes import sync_diary_codes
from app.casework.requests import AddDiaryEntry, AddNote
from app.errors import NotFound
from app.payments.requests import PostPayment
from app.recovery.requests import AddHold
from tests.services.helpers import load_examples

ISSUE = date(2025, 3, 10)
AS_OF = date(2025, 6, 20)


@pytest.fixture
def worked(ctx: AppContext, examples: Path) -> Application:
    """70000001 billed (with its demand notice), paid, put on hold, with a diary entry and a note."""
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        sync_diary_codes(uow, ctx.settings)
    app = Application(ctx)
    app.execute(RunAnnualBilling(year=2025, as_of=ISSUE))
    app.execute(PostPayment(account_ref="70000001", amount_pence=10000, received_on=date(2025, 6, 2), method="card",
                            reference="CARD-T1", as_of=AS_OF))
    app.execute(AddHold(account_ref="70000001", kind="dispute", reason="Disputes the band", start_date=date(2025, 6, 5),
                        as_of=AS_OF))
    app.execute(AddDiaryEntry(account_ref="70000001", code="CORR", as_of=AS_OF, note="Reply to the band letter"))
    app.execute(AddNote(account_ref="70000001", text="Rang about the band; letter to follow"))
    return app


def test_everything_on_the_account_in_date_order_each_naming_what_it_opens(worked: Application) -> None:
    entries = worked.account_timeline("70000001")
    kinds = {e.kind for e in entries}
    assert {TimelineKind.BILL, TimelineKind.LETTER, TimelineKind.PAYMENT, TimelineKind.HOLD, TimelineKind.DIARY,
            TimelineKind.NOTE} <= kinds
    assert [e.on for e in entries] == sorted(e.on for e in entries)  # chronological, oldest first
    (payment,) = [e for e in entries if e.kind == TimelineKind.PAYMENT and "CARD-T1" in e.title]
    assert (payment.on, payment.amount_pence, payment.opens) == (date(2025, 6, 2), -10000, Opens.TRANSACTIONS)
    assert payment.detail == "Allocated: 2025/26 £100.00"
    (letter,) = [e for e in entries if e.kind == TimelineKind.LETTER]
    assert letter.opens == Opens.DOCUMENT and letter.on == ISSUE and letter.title == "Demand notice 2025/26"
    assert letter.ref_id is not None
    name, content = worked.document_file(uuid.UUID(letter.ref_id))
    assert name.endswith(".docx") and content[:2] == b"PK"  # the letter opens as it was sent
    (hold,) = [e for e in entries if e.kind == TimelineKind.HOLD]
    assert (hold.title, hold.detail, hold.opens) == ("Hold: dispute", "Disputes the band", Opens.RECOVERY)
    (note,) = [e for e in entries if e.kind == TimelineKind.NOTE]
    assert note.detail == "Rang about the band; letter to follow" and note.opens == Opens.DIARY
    bill = next(e for e in entries if e.kind == TimelineKind.BILL)
    assert bill.on == ISSUE and bill.title == "Bill 2025/26" and bill.amount_pence and bill.amount_pence > 0
    assert all(e.to_json()["on"] == e.on.isoformat() for e in entries)


def test_from_keeps_what_happened_on_or_after_a_day(worked: Application) -> None:
    later = worked.account_timeline("70000001", date(2025, 6, 2))
    assert later and all(e.on >= date(2025, 6, 2) for e in later)
    assert not any(e.kind == TimelineKind.BILL for e in later)
    assert any(e.kind == TimelineKind.PAYMENT for e in later)


def test_an_unknown_account_is_one_sentence(worked: Application) -> None:
    with pytest.raises(NotFound, match=r"^There is no account with reference 99999999\.$"):
        worked.account_timeline("99999999")
