"""The one writer of the CSV files the application hands to others (banks, agents, councils).

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
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Sequence
from typing import TextIO

from app.money import to_pounds_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"a money column takes integer pence, not {value!r}")
            return to_pounds_text(value)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise TypeError(f"a text column takes text, not {value!r}")
        return neutralise(value)
