"""Bounds on every request (app/bounds.py) and the shared text validator (app/dto.py)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.billing.requests import MoveIn, NewTaxpayer
from app.bounds import check_request
from app.casework.requests import AddNote
from app.dto import clean_text, control_character
from app.errors import ValidationError
from app.payments.requests import PostPayment
from app.recovery.arrangements.requests import CreateArrangement
from app.recovery.requests import RunRecovery

TODAY = date(2026, 12, 3)


def payment(**change: object) -> PostPayment:
    values: dict[str, object] = {
        "account_ref": "70000003", "amount_pence": 2550, "received_on": date(2025, 6, 1), "method": "cash",
        "reference": "CASH-1", "as_of": date(2025, 6, 30),
    }
    return PostPayment(**(values | change))  # type: ignore[arg-type]


def refusal(request: object) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        check_request(request, today=TODAY)
    return err.value


def test_ordinary_requests_pass() -> None:
    check_request(payment(), today=TODAY)
    check_request(payment(amount_pence=1_000_000_000), today=TODAY)
    check_request(AddNote(account_ref="70000003", text="Called.\nWill pay Friday."), today=TODAY)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount_pence": 99_999_999_999}, "amount_pence",
         "The amount £999,999,999.99 is over £10,000,000.00, the most one amount may be."),
        ({"amount_pence": -1_000_000_001}, "amount_pence",
         "The amount -£10,000,000.01 is over £10,000,000.00, the most one amount may be."),
        ({"received_on": date(1, 1, 1)}, "received_on",
         "The date received 01/01/0001 is before 1 April 1993, when council tax began."),
        ({"as_of": date(9999, 12, 31)}, "as_of",
         "The as-of date 31/12/9999 is more than 10 years ahead: the latest date accepted is 03/12/2036."),
        ({"reference": "R-1\x1b[31m"}, "reference",
         "The reference contains a control character (ESC): type it again without it."),
        ({"account_ref": "7000\x00"}, "account_ref",
         "The account reference contains a control character (NUL): type it again without it."),
    ],
)
def test_out_of_bounds_fields_are_named(change: dict[str, object], field: str, message: str) -> None:
    err = refusal(payment(**change))
    assert (err.field, str(err)) == (field, message)


def test_nested_people_statements_and_runs_are_checked() -> None:
    person = NewTaxpayer(surname="Smith\u009b", forenames="Ann")
    err = refusal(MoveIn(uprn="1", taxpayer=person, start_date=date(2025, 4, 1), as_of=date(2025, 4, 1),
                         payment_method="cash", instalment_count=None, instalment_day=None))
    assert err.field == "surname" and "U+009B" in str(err)
    err = refusal(CreateArrangement(account_ref="70000003", frequency="monthly", start=date(2025, 7, 1),
                                    as_of=date(2025, 6, 30), amount_pence=2000,
                                    income_expenditure={"income": {"wages": 10**15}}))
    assert err.field == "income_expenditure"
    assert refusal(RunRecovery(as_of=date(9999, 12, 31), dry_run=True)).field == "as_of"


def test_clean_text_refuses_control_characters_naming_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        clean_text("D\x1b[31mHughes", field="account_holder", label="the bank account holder's name", max_length=120)
    assert err.value.field == "account_holder"
    assert str(err.value) == "The bank account holder's name contains a control character (ESC): type it again without it."
    assert clean_text(" Line one\nline two ", field="note", label="the note", max_length=99, multiline=True) == (
        "Line one\nline two")
    with pytest.raises(ValidationError):
        clean_text("Line one\nline two", field="payee", label="the payee", max_length=99)
    with pytest.raises(ValidationError):
        clean_text("a\x00b", field="note", label="the note", max_length=99, multiline=True)


@given(st.text())
def test_control_character_finds_exactly_the_cc_characters(text: str) -> None:
    found = control_character(text)
    has = any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)
    assert (found is not None) == has
    assert control_character(text.replace("\x00", "")) is None or has
    assert control_character("plain text, with spaces £ é") is None
