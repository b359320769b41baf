"""The one writer of the CSV and Excel files the application hands to others (banks, agents,
councils, committees).

Files the application writes are opened by people in spreadsheet programs, which run a cell
that begins with `=`, `+`, `-` or `@` (and, in some programs, a tab or carriage return
followed by one) as a formula: a Direct Debit account holder named `=HYPERLINK("http://x","y")`
would become a live link in the bank's file. OWASP "CSV Injection"
(https://owasp.org/www-community/attacks/CSV_Injection) says to prefix such a cell with a
single quote, which spreadsheets show as text and no formula is run.

The rule, decided per column:

* **text** columns (names, addresses, references, notes, e-mail, dates): a cell beginning
  with `=`, `+`, `-`, `@`, tab or carriage return is written with a `'` in front; any other
  cell is written as it is, so files of ordinary values do not change.
* **money** columns: the value is an `int` of pence and is written as the plain number it
  is (`1234.56`, `-12.50`): a negative amount stays a number the bank or agent can read,
  and nothing but a number can ever reach such a column.

The same rule holds for Excel workbooks (`SafeXlsxSheet`, over an openpyxl write-only
worksheet): text cells are neutralised as above (a workbook cell holding text that begins
with `=` is stored as text, but is turned into a live formula the moment someone edits
and re-enters it, or saves the sheet as CSV); money cells are numbers (exact pounds, from
the pence, never through a float) shown with a £ format; date columns are real dates.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO, cast

from app.money import to_pounds_text

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
POUNDS_FORMAT = '"£"#,##0.00;-"£"#,##0.00'  # Excel's own currency format for pounds
DATE_FORMAT = "dd/mm/yyyy"


def neutralise(text: str) -> str:
    """A text cell as it may safely be written: `'` in front of a formula-like start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeCsvWriter:
    """`csv.writer` with the header written first and every cell made safe by its column's kind.

    `money` names the columns whose values are integer pence; every other column is text.
    """

    def __init__(
        self, handle: TextIO, columns: Sequence[str], *, money: Collection[str] = (), lineterminator: str = "\r\n",
    ) -> None:
        unknown = set(money) - set(columns)
        if unknown:
            raise ValueError(f"money columns {sorted(unknown)} are not columns of the file")
        self._columns = tuple(columns)
        self._money = tuple(name in money for name in columns)
        self._writer = csv.writer(handle, lineterminator=lineterminator)
        self._writer.writerow([neutralise(name) for name in columns])

    def writerow(self, values: Sequence[str | int | None]) -> None:
        if len(values) != len(self._columns):
            raise ValueError(f"{len(values)} values for {len(self._columns)} columns")
        self._writer.writerow([self._cell(value, is_money) for value, is_money in zip(values, self._money, strict=True)])

    def writerows(self, rows: Sequence[Sequence[str | int | None]]) -> None:
        for row in rows:
            self.writerow(row)

    @staticmethod
    def _cell(value: str | int | None, is_money: bool) -> str:
        if is_money:
            return to_pounds_text(_pence(value))
        return _text(value)


def _pence(value: object, *, takes: str = "a money column takes integer pence") -> int:
    """A money (or count) cell's value: an int, nothing else (not a bool, not a float)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{takes}, not {value!r}")
    return value


def _text(value: object) -> str:
    """A text cell's value, neutralised ("" for None)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"a text column takes text, not {value!r}")
    return neutralise(value)


def _kinds(columns: Sequence[str], **named: Collection[str]) -> tuple[str, ...]:
    """Each column's kind ("text" unless named), refusing names that are not columns."""
    kinds = ["text"] * len(columns)
    for kind, names in named.items():
        unknown = set(names) - set(columns)
        if unknown:
            raise ValueError(f"{kind} columns {sorted(unknown)} are not columns of the file")
        for name in names:
            kinds[columns.index(name)] = kind
    return tuple(kinds)


class SafeXlsxSheet:
    """Rows appended to an openpyxl write-only worksheet, each cell made safe by its column's
    kind: text neutralised, money (integer pence) as a £-formatted number, dates as dates,
    counts as whole numbers.

    The header row is written first in bold. `rows` counts the rows written after it.
    """

    def __init__(
        self, sheet: WriteOnlyWorksheet, columns: Sequence[str], *, money: Collection[str] = (),
        dates: Collection[str] = (), counts: Collection[str] = (), widths: Sequence[float] = (),
    ) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self._sheet: Any = cast(Any, sheet)  # the stubs lack a write-only sheet's column widths and Decimal or date cells
        self._kinds = _kinds(columns, money=money, date=dates, count=counts)
        self._cell: Any = WriteOnlyCell
        for index, width in enumerate(widths):
            self._sheet.column_dimensions[_column_letter(index)].width = width
        header = []
        for name in columns:
            cell = WriteOnlyCell(sheet, value=neutralise(name))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        self.rows = 0

    def writerow(self, values: Sequence[str | int | date | None], *, bold: bool = False) -> None:
        """Append one row (`bold`: a total row)."""
        if len(values) != len(self._kinds):
            raise ValueError(f"{len(values)} values for {len(self._kinds)} columns")
        cells: list[object] = []
        for value, kind in zip(values, self._kinds, strict=True):
            if value is None:  # an empty cell (a heading row, a column a total leaves blank)
                cell = self._cell(self._sheet, value=None)
            elif kind == "money":
                cell = self._cell(self._sheet, value=Decimal(_pence(value)) / 100)
                cell.number_format = POUNDS_FORMAT
            elif kind == "date":
                if not isinstance(value, date):
                    raise TypeError(f"a date column takes dates, not {value!r}")
                cell = self._cell(self._sheet, value=value)
                cell.number_format = DATE_FORMAT
            elif kind == "count":
                cell = self._cell(self._sheet, value=_pence(value, takes="a count column takes whole numbers"))
            else:
                cell = self._cell(self._sheet, value=_text(value))
            if bold:
                from openpyxl.styles import Font

                cell.font = Font(bold=True)
            cells.append(cell)
        self._sheet.append(cells)
        self.rows += 1


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
