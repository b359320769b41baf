"""The one writer of outgoing CSV files (app/adapters/csv_export.py): OWASP "CSV Injection"."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from app.adapters.csv_export import DATE_FORMAT, FORMULA_STARTS, POUNDS_FORMAT, SafeCsvWriter, SafeXlsxSheet, neutralise


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


def test_workbook_cells_follow_the_same_rule(tmp_path: Path) -> None:
    """SafeXlsxSheet: formula-like text neutralised, money an exact £ number, dates real dates."""
    book = Workbook(write_only=True)
    sheet = SafeXlsxSheet(book.create_sheet("S"), ("name", "amount", "on", "count"), money=("amount",), dates=("on",),
                          counts=("count",))
    sheet.writerow(('=HYPERLINK("http://x","y")', -1250, date(2025, 7, 1), 3))
    sheet.writerow(("D Hughes", 10, None, None), bold=True)
    for bad in (("x", 1.5, None, None), ("x", None, "2025-07-01", None), (5, None, None, None), ("x", None, None, True)):
        with pytest.raises(TypeError):
            sheet.writerow(bad)  # type: ignore[arg-type]
    book.save(tmp_path / "s.xlsx")
    ws = load_workbook(tmp_path / "s.xlsx")["S"]
    assert [c.value for c in ws[2]] == ['\'=HYPERLINK("http://x","y")', -12.5, datetime(2025, 7, 1), 3]
    assert ws["B2"].number_format == POUNDS_FORMAT and ws["C2"].number_format == DATE_FORMAT
    assert [c.value for c in ws[3]] == ["D Hughes", 0.1, None, None] and ws["A3"].font.b
    assert sheet.rows == 2


def test_date_columns_are_written_iso_and_take_only_dates() -> None:
    buffer = io.StringIO(newline="")
    writer = SafeCsvWriter(buffer, ("name", "on"), dates=("on",))
    writer.writerows([("x", date(2025, 7, 1)), ("y", None)])
    with pytest.raises(TypeError, match="a date column takes dates"):
        writer.writerow(("z", "=2025-07-01"))
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [["name", "on"], ["x", "2025-07-01"], ["y", ""]]
