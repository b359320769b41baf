"""Any list on screen as an Excel workbook: one sheet, its columns as shown, figures as numbers.

Officers take lists (a worklist, a hearing list, a run's preview, search results) into
Excel to sort, total and share. Money is written as a number with a £ format (not text
like "£1,234.56", which Excel cannot add up), dates as dates, counts as whole numbers,
and every text cell passes the one formula-neutralising writer (`SafeXlsxSheet`).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from app.adapters.csv_export import SafeXlsxSheet

KINDS = ("text", "money", "date", "count")
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet's name
NOT_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def write_table_workbook(
    path: str | Path, title: str, headers: Sequence[str], kinds: Sequence[str], rows: Sequence[Sequence[Any]],
) -> int:
    """Write `rows` under `headers` (each column of `kinds`) to a new workbook at `path`;
    returns the number of rows written. The header row is frozen and filtered."""
    from openpyxl import Workbook

    if len(headers) != len(kinds) or any(k not in KINDS for k in kinds):
        raise ValueError(f"each column needs a kind of {', '.join(KINDS)}")
    names = _unique(headers)
    book = Workbook(write_only=True)
    sheet = book.create_sheet((title.translate(NOT_IN_SHEET_NAMES).strip() or "Sheet")[:SHEET_TITLE_MAX])
    sheet.freeze_panes = "A2"
    widths = [max(10.0, min(60.0, len(h) + 4.0)) for h in names]
    writer = SafeXlsxSheet(
        sheet, names, widths=widths,
        money=[n for n, k in zip(names, kinds, strict=True) if k == "money"],
        dates=[n for n, k in zip(names, kinds, strict=True) if k == "date"],
        counts=[n for n, k in zip(names, kinds, strict=True) if k == "count"],
    )
    try:
        for row in rows:
            writer.writerow(list(row))
    except BaseException:
        # A refused value (a non-number in a money column): close the half-written sheet's
        # stream by saving it, then leave no file behind.
        with suppress(Exception):
            book.save(str(path))
        Path(path).unlink(missing_ok=True)
        raise
    if writer.rows:
        sheet.auto_filter.ref = f"A1:{_letter(len(names))}{writer.rows + 1}"
    book.save(str(path))
    return writer.rows


def _unique(headers: Sequence[str]) -> list[str]:
    """Headers made unique ("Amount", "Amount (2)"): the writer names its columns."""
    seen: dict[str, int] = {}
    result = []
    for header in headers:
        n = seen[header] = seen.get(header, 0) + 1
        result.append(header if n == 1 else f"{header} ({n})")
    return result


def _letter(count: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(count)
