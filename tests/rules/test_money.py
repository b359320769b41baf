"""Money parsing at the edges: integer pence, never floats (design rule 1)."""

import pytest

from app.money import MoneyError, fmt, parse_pounds, to_pounds_text


@pytest.mark.parametrize(
    ("text", "pence"),
    [("1234.56", 123456), ("£1,234.56", 123456), ("5", 500), ("0.1", 10), ("-5.00", -500), ("(12.34)", -1234), (" 7.5 ", 750)],
)
def test_parse_pounds(text: str, pence: int) -> None:
    assert parse_pounds(text) == pence


@pytest.mark.parametrize(
    "text", ["", "abc", "1.234", "£", "1e3x", "NaN", "--5", "inf", "1e3", "1e999999", "1_000", "(-5)", "\u0661\u0662", "1.2,5"]
)
def test_parse_pounds_refuses(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_pounds(text)


def test_formatting() -> None:
    assert fmt(123456) == "£1,234.56"
    assert fmt(-500) == "-£5.00"
    assert fmt(7) == "£0.07"
    assert to_pounds_text(-1234) == "-12.34"
