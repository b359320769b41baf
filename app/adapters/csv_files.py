"""Reading council CSV files: header checks, per-row parsing and error reporting.

The contract: UTF-8 (BOM accepted), header row required, columns in any order, unknown
columns refused. Every value is bounded as a form's would be: amounts by `parse_pounds`
(plain decimals, at most £10,000,000), dates by `app.dates`' window, no control characters
in text. A file-level problem (unreadable, wrong header) is a `CsvFileError`:
nothing is imported. A row-level problem is a `RowError` naming the line and field; the
import keeps the good rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app import clock
from app.dates import out_of_range
from app.dto import control_character
from app.errors import ServiceError
from app.money import MoneyError, parse_pounds


class CsvFileError(ServiceError):
    """The whole file is unusable (exit code 2): the message names the file, line and field."""

    def __init__(self, path: str, line: int, field_name: str | None, message: str) -> None:
        where = f"{path}, line {line}" + (f", field '{field_name}'" if field_name else "")
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.field, self.reason = path, line, field_name, message


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


class RowInvalid(Exception):
    """Raised while parsing one row; becomes a RowError."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field_name, message


@dataclass
class ImportSummary:
    imported: int = 0
    skipped: int = 0
    rejected: int = 0
    suspense: int = 0
    errors: list[RowError] = field(default_factory=list)

    def reject(self, line: int, field_name: str, message: str) -> None:
        self.rejected += 1
        self.errors.append(RowError(line, field_name, message))

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported, "skipped": self.skipped, "rejected": self.rejected,
            "suspense": self.suspense, "errors": [asdict(e) for e in self.errors],
        }


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]
    too_many_values: bool = False

    def check_shape(self) -> None:
        """The row's first check, before any value is read: as many values as columns, and no
        control character (NUL, ESC, tab...) in any of them: none belongs in a reference, a
        name or an address."""
        if self.too_many_values:
            raise RowInvalid("", "the row has more values than the header has columns")
        stripped = {name: (value or "").strip() for name, value in self.values.items()}
        if control_character("".join(stripped.values())) is None:  # the usual case: one search a row
            return
        for name, value in stripped.items():
            if (bad := control_character(value)) is not None:
                raise RowInvalid(name, f"{name} contains a control character ({bad})")

    def get(self, name: str) -> str:
        return (self.values.get(name) or "").strip()

    def required(self, name: str) -> str:
        value = self.get(name)
        if not value:
            raise RowInvalid(name, f"{name} is required")
        return value

    def date(self, name: str, required: bool = True) -> date | None:
        value = self.get(name)
        if not value:
            if required:
                raise RowInvalid(name, f"{name} is required")
            return None
        parsed = parse_date(value)
        if parsed is None:
            raise RowInvalid(name, f"'{value}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        if (reason := out_of_range(parsed, today=clock.today())) is not None:  # 1 April 1993 to ten years ahead
            raise RowInvalid(name, reason)
        return parsed

    def pence(self, name: str) -> int:
        try:
            return parse_pounds(self.required(name), field="")  # the line and field are named before it
        except MoneyError as exc:
            raise RowInvalid(name, str(exc)) from None


def parse_date(text: str) -> date | None:
    value = text.strip()
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def read_rows(path: str | Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Iterator[CsvRow]:
    """Yield the rows of a CSV file after checking its header. Raises CsvFileError."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CsvFileError(name, 0, None, f"cannot be read ({exc.strerror or exc})") from None
    try:
        textdata = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError(name, line, None, "is not UTF-8 text (save it as CSV UTF-8)") from None
    reader = csv.reader(io.StringIO(textdata, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError(name, 1, None, "is empty: a header row is required") from None
    columns = [h.strip().lower() for h in header]
    known = set(required) | set(optional)
    for col in columns:
        if col and col not in known:
            raise CsvFileError(name, 1, col, f"unknown column '{col}' (expected {', '.join(required + optional)})")
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            raise CsvFileError(name, 1, col, f"column '{col}' appears twice")
        seen.add(col)
    missing = [c for c in required if c not in seen]
    if missing:
        raise CsvFileError(name, 1, missing[0], f"required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing")
    start_line = 2
    try:
        for record in reader:
            line = start_line
            start_line = reader.line_num + 1
            if not any(v.strip() for v in record):
                continue
            yield CsvRow(line, dict(zip(columns, record, strict=False)), too_many_values=len(record) > len(columns))
    except csv.Error as exc:
        raise CsvFileError(name, reader.line_num, None, f"is not valid CSV ({exc})") from None
