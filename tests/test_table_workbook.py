"""Any table as .xlsx (app.adapters.table_workbook): money a £-formatted number from exact
pence, dates real dates, counts whole numbers, text passed through the formula-neutralising
writer (OWASP CSV injection, app.adapters.csv_export)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.adapters.table_workbook import write_table_workbook


def test_figures_are_numbers_dates_are_dates_and_formulas_are_text(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    rows = [["70000005", "=HYPERLINK(\"http://x\",\"y\")", 123456, date(2025, 7, 15), 3],
            ["70000002", "Smith", -1250, None, 0]]
    written = write_table_workbook(path, "Hearing 15/07/2025: list", ["Account", "Name", "Balance", "Hearing", "Letters"],
                                   ["text", "text", "money", "date", "count"], rows)
    assert written == 2
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None and sheet.title == "Hearing 15 07 2025  list"  # Excel forbids / and : in a sheet name
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Account", "Name", "Balance", "Hearing", "Letters")
    assert values[1][1] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert Decimal(str(values[1][2])) == Decimal("1234.56") and Decimal(str(values[2][2])) == Decimal("-12.50")
    assert values[1][3] == datetime(2025, 7, 15) and values[2][3] is None
    assert values[1][4] == 3 and isinstance(values[1][4], int)
    assert sheet["C2"].number_format == '"£"#,##0.00;-"£"#,##0.00' and sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E3"


def test_repeated_headers_and_wrong_values_are_refused_or_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_table_workbook(path, "t", ["Amount", "Amount"], ["money", "money"], [[1, 2]])
    sheet = load_workbook(path).active
    assert sheet is not None and [c.value for c in sheet[1]] == ["Amount", "Amount (2)"]
    with pytest.raises(TypeError, match="integer pence"):
        write_table_workbook(path, "t", ["Amount"], ["money"], [["£1.00"]])  # never text in a money column
    with pytest.raises(ValueError, match="kind"):
        write_table_workbook(path, "t", ["Amount"], ["pounds"], [[1]])
