"""The one writer of outgoing CSV files (app/adapters/csv_export.py): OWASP "CSV Injection"."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.adapters.csv_export import FORMULA_STARTS, SafeCsvWriter, neutralise


def written(rows: list[tuple[str | int | None, ...]], money: tuple[str, ...] = ("amount",)) -> list[list[str]]:
    buffer = io.StringIO(newline="")
    SafeCsvWriter(buffer, ("name", "amount"), money=money).writerows(rows)
    return list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(1)", "\tx", "\rx", "=1"])
def test_formula_like_text_is_prefixed_with_a_quote(text: str) -> None:
    assert written([(text, 100)])[1] == ["'" + text, "1.00"]


@pytest.mark.parametrize("text", ["D Hughes", "O'Brien", "", "1 High Street", "2025-06-01", "a=b", "x@y.com"])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert written([(text, 100)])[1] == [text, "1.00"]


def test_negative_money_stays_a_number() -> None:
    assert written([("refund", -1250), ("nothing", 0)])[1:] == [["refund", "-12.50"], ["nothing", "0.00"]]


def test_money_columns_take_only_pence_and_text_columns_only_text() -> None:
    with pytest.raises(TypeError):
        written([("x", "=1")])
    with pytest.raises(TypeError):
        written([("x", 1.5)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        written([(5, 100)])
    with pytest.raises(ValueError, match="not columns"):
        written([], money=("debt",))
    with pytest.raises(ValueError, match="values for"):
        written([("x",)])


@given(st.text())
def test_no_written_text_cell_starts_a_formula(text: str) -> None:
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text
