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
from collections.abc import Callable, Collection, Sequence
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

    `money` names the columns whose values are integer pence, `dates` those holding dates
    (written `YYYY-MM-DD`), `counts` those holding whole numbers (empty for None); every
    other column is text.
    """

    def __init__(
        self, handle: TextIO, columns: Sequence[str], *, money: Collection[str] = (), dates: Collection[str] = (),
        counts: Collection[str] = (), lineterminator: str = "\r\n",
    ) -> None:
        self._cells = tuple(_CSV_CELLS[kind] for kind in _kinds(columns, money=money, date=dates, count=counts))
        self._writer = csv.writer(handle, lineterminator=lineterminator)
        self._writer.writerow([neutralise(name) for name in columns])

    def writerow(self, values: Sequence[str | int | date | None]) -> None:
        if len(values) != len(self._cells):
            raise ValueError(f"{len(values)} values for {len(self._cells)} columns")
        self._writer.writerow([cell(value) for cell, value in zip(self._cells, values, strict=True)])

    def writerows(self, rows: Sequence[Sequence[str | int | date | None]]) -> None:
        for row in rows:
            self.writerow(row)


def _pence(value: object, *, takes: str = "a money column takes integer pence") -> int:
    """A money (or count) cell's value: an int, nothing else (not a bool, not a float)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{takes}, not {value!r}")
    return value


def _count(value: object) -> int | None:
    return None if value is None else _pence(value, takes="a count column takes whole numbers")


def _text(value: object) -> str:
    """A text cell's value, neutralised ("" for None)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"a text column takes text, not {value!r}")
    return neutralise(value)


def _date(value: object) -> date | None:
    if value is not None and not isinstance(value, date):
        raise TypeError(f"a date column takes dates, not {value!r}")
    return value


def _csv_date(value: object) -> str:
    day = _date(value)
    return day.isoformat() if day else ""


_CSV_CELLS: dict[str, Callable[[Any], str]] = {
    "text": _text, "money": lambda value: to_pounds_text(_pence(value)), "date": _csv_date,
    "count": lambda value: "" if (n := _count(value)) is None else str(n),
}


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

        self._sheet: Any = cast(Any, sheet)  # the stubs lack a write-only sheet's column widths and Decimal or date cells
        self._new_cell: Any = WriteOnlyCell
        # Plain values where no format is needed: openpyxl makes their cells itself (a cell
        # object per text value cost a third of the time of a 100,000-row schedule).
        xlsx_cells: dict[str, Callable[[Any], Any]] = {
            "text": lambda value: None if value is None else _text(value), "count": _count,
            "money": lambda value: None if value is None else self._formatted(Decimal(_pence(value)) / 100, POUNDS_FORMAT),
            "date": lambda value: None if value is None else self._formatted(_date(value), DATE_FORMAT),
        }
        self._cells = tuple(xlsx_cells[kind] for kind in _kinds(columns, money=money, date=dates, count=counts))
        for index, width in enumerate(widths):
            self._sheet.column_dimensions[_column_letter(index)].width = width
        self._sheet.append([self._bold(neutralise(name)) for name in columns])
        self.rows = 0

    def writerow(self, values: Sequence[str | int | date | None], *, bold: bool = False) -> None:
        """Append one row (`bold`: a total row). Nothing is appended if a value is refused."""
        if len(values) != len(self._cells):
            raise ValueError(f"{len(values)} values for {len(self._cells)} columns")
        cells = [cell(value) for cell, value in zip(self._cells, values, strict=True)]
        self._sheet.append([self._bold(c) for c in cells] if bold else cells)
        self.rows += 1

    def _formatted(self, value: Any, number_format: str) -> Any:
        cell = self._new_cell(self._sheet, value=value)
        cell.number_format = number_format
        return cell

    def _bold(self, cell: Any) -> Any:
        from openpyxl.styles import Font

        if cell is None:
            return None
        if not hasattr(cell, "font"):
            cell = self._new_cell(self._sheet, value=cell)
        cell.font = Font(bold=True)
        return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
