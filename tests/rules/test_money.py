"""Money parsing at the edges: integer pence, never floats (design rule 1)."""

import pytest

from app.money import MAX_ITEM_PENCE, MoneyError, fmt, parse_pounds, to_pounds_text


@pytest.mark.parametrize(
    ("text", "pence"),
    [("1234.56", 123456), ("£1,234.56", 123456), ("5", 500), ("0.1", 10), ("-5.00", -500), ("(12.34)", -1234), (" 7.5 ", 750)],
)
def test_parse_pounds(text: str, pence: int) -> None:
    assert parse_pounds(text) == pence


@pytest.mark.parametrize(
    "text", ["", "abc", "1.234", "£", "1e3x", "NaN", "--5", "inf", "1e3", "1e999999", "1_000", "(-5)", "\u0661\u0662", "1.2,5",
             "12,34", "1,2345", ",123", "1,,234", "99999999999", "10000000.01", "-10,000,000.01", "9" * 5000, "1E3", "0x10"]
)
def test_parse_pounds_refuses(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_pounds(text)


def test_formatting() -> None:
    assert fmt(123456) == "£1,234.56"
    assert fmt(-500) == "-£5.00"
    assert fmt(7) == "£0.07"
    assert to_pounds_text(-1234) == "-12.34"


@pytest.mark.parametrize(("text", "pence"), [("10000000", 1_000_000_000), ("£10,000,000.00", 1_000_000_000),
                                             ("-10000000", -1_000_000_000), ("1,234,567.89", 123456789)])
def test_up_to_the_maximum_is_accepted(text: str, pence: int) -> None:
    assert parse_pounds(text) == pence == max(min(pence, MAX_ITEM_PENCE), -MAX_ITEM_PENCE)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("1e3", "the amount", "The amount '1e3' is not an amount in pounds: write plain figures, such as 1234.56 or £1,234.56."),
        ("99999999999", "the refund", "The refund '99999999999' is over £10,000,000.00, the most one amount may be."),
        ("1.234", "", "'1.234' has more than two decimal places."),
        ("", "the amount", "The amount is required: enter an amount in pounds, such as 1234.56."),
    ],
)
def test_refusals_are_one_sentence_naming_the_field(text: str, field: str, message: str) -> None:
    with pytest.raises(MoneyError) as err:
        parse_pounds(text, field=field)
    assert str(err.value) == message


def test_a_caller_may_ask_for_a_lower_maximum() -> None:
    assert parse_pounds("100", max_pence=10_000) == 10_000
    with pytest.raises(MoneyError, match=r"over £100\.00"):
        parse_pounds("100.01", max_pence=10_000)


@pytest.mark.parametrize("text", ["12,50", "£12,50", "1,2", "1,23", "1,2345", "1.234,56", "12,50.00", "1,234,5", ",50", "12,"])
def test_a_comma_not_between_thousands_is_refused_saying_so(text: str) -> None:
    """Issue 16: `12,50` had been read as £1,250.00 in the desktop; a decimal comma is
    never guessed at."""
    with pytest.raises(MoneyError) as err:
        parse_pounds(text)
    assert "comma may only separate thousands" in str(err.value) or "write plain figures" in str(err.value)


@pytest.mark.parametrize(("text", "pence"), [("1234.56", 123456), ("1,234.56", 123456), ("£1,234.56", 123456),
                                             ("12,500", 1250000), ("12.50", 1250), ("£0.50", 50)])
def test_commas_at_thousands_are_accepted(text: str, pence: int) -> None:
    assert parse_pounds(text) == pence
