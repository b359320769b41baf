"""Input bounds on every request, checked where every change comes in (`Application`).

The desktop's fields, the command line's options and the files imported each read what a
person typed with the same helpers (`app.money.parse_pounds`, `app.dates`, `app.dto.
clean_text`); this is the backstop that holds for any request however it was made (a
desktop form, a command, a court journal replayed later), before a unit of work opens:

* an amount (a field ending `_pence`, or a number in a JSON-shaped statement) over
  `MAX_ITEM_PENCE` (£10,000,000) either way;
* a date outside `app.dates`' window (1 April 1993 to ten years after today);
* a year (`year`, `benefit_year`) outside the same window's years; any other whole number
  beyond the database's integer columns;
* a control character (NUL, ESC, C1...) in any text: line breaks only in notes, reasons
  and addresses typed as lines.

Each is refused with a `ValidationError` naming the field in one sentence. Pure: no
database, no Qt, no clock (the caller says what today is).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any

from app.dates import EARLIEST, latest, out_of_range
from app.dto import control_character
from app.errors import ValidationError
from app.money import MAX_ITEM_PENCE, fmt

DB_INTEGER_MAX = 2**31 - 1  # PostgreSQL `integer`
MULTILINE = frozenset({"note", "text", "reason", "new_address", "employer_address", "forwarding_address"})
YEARS = frozenset({"year", "benefit_year"})
LABELS = {
    "as_of": "the as-of date", "received_on": "the date received", "amount_pence": "the amount",
    "net_pay_pence": "the net pay", "other_deductions_pence": "the other deductions", "due": "the due date",
    "next_date": "the next diary date", "from_day": "the first day to rebill", "start": "the first payment date",
    "end": "the clear-by date", "on_date": "the date", "account_ref": "the account reference",
    "reference": "the reference", "payment_ref": "the payment reference", "account_holder": "the account holder's name",
    "surname": "the surname", "forenames": "the forenames", "new_address": "the new address",
    "forwarding_address": "the forwarding address",
    "employer_address": "the employer's address", "employer_name": "the employer's name",
    "accounts": "the number of accounts", "claim_minutes": "the claim time in minutes",
}


def label(name: str, value: object = None) -> str:
    """How a sentence names a request's field: "the amount", "the end date", "the payee"."""
    if name in LABELS:
        return LABELS[name]
    words = name.removesuffix("_pence").replace("_", " ")
    if isinstance(value, date) and "date" not in words:
        words += " date"
    return f"the {words}"


def check_request(request: object, *, today: date) -> None:
    """Raise ValidationError (naming the field) if any field of `request` is out of bounds."""
    _check_fields(request, today)


def _check_fields(obj: object, today: date) -> None:
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        _check_value(f.name, getattr(obj, f.name), today)


def _check_value(name: str, value: Any, today: date) -> None:
    if value is None or isinstance(value, (bool, Enum)):
        return
    if isinstance(value, str):
        bad = control_character(value, multiline=name in MULTILINE)
        if bad is not None:
            raise ValidationError(f"{_cap(label(name))} contains a control character ({bad}): type it again without it.",
                                  field=name)
    elif isinstance(value, date):
        reason = out_of_range(value, today=today, field=label(name, value))
        if reason is not None:
            raise ValidationError(reason, field=name)
    elif isinstance(value, int):
        _check_number(name, value, today)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _check_fields(value, today)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _check_value(name, item, today)
    elif isinstance(value, Mapping):
        _check_statement(name, value)


def _check_number(name: str, value: int, today: date) -> None:
    if name.endswith("_pence"):
        if abs(value) > MAX_ITEM_PENCE:
            raise ValidationError(f"{_cap(label(name))} {fmt(value)} is over {fmt(MAX_ITEM_PENCE)}, the most one amount "
                                  "may be.", field=name)
    elif name in YEARS:
        first, last = EARLIEST.year, latest(today).year
        if not first <= value <= last:
            raise ValidationError(f"{_cap(label(name))} {value} is not a year from {first} to {last}.", field=name)
    elif abs(value) > DB_INTEGER_MAX:
        raise ValidationError(f"{_cap(label(name))} {value} is too large a number.", field=name)


def _check_statement(name: str, value: Mapping[Any, Any]) -> None:
    """A JSON-shaped statement (income and expenditure): its numbers are pence."""
    for item in value.values():
        if isinstance(item, Mapping):
            _check_statement(name, item)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_ITEM_PENCE:
            raise ValidationError(f"{_cap(label(name))} holds {fmt(item)}, over {fmt(MAX_ITEM_PENCE)}, the most one "
                                  "amount may be.", field=name)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
