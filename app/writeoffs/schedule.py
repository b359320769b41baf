"""The write-off schedule for committee: an Excel workbook exactly as the formats page
describes (`Schedule`: one row per write-off, amounts as £ numbers, a total row, the header
frozen, an auto-filter; `Summary`: count and total per reason and per financial year),
and the same rows as a CSV twin beside it.

Councils publish these schedules with personal data removed: `public` leaves the name and
the property address empty. Rows are streamed from the database in chunks and written with
openpyxl's write-only mode, so memory stays flat however many there are. Every cell goes
through the one safe writer (`app.adapters.csv_export`). Both files are written under
temporary names and renamed at the end: a failure leaves nothing half-written, and an
existing file is replaced only with `force`.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.adapters.csv_export import SafeCsvWriter, SafeXlsxSheet
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView
from app.enums import WriteOffStatus
from app.errors import ValidationError
from app.models import Account, WriteOff
from app.rules.apportionment import year_label
from app.writeoffs.views import parse_status

COLUMNS = ("Account ref", "Name", "Property address", "Financial year", "Amount (£)", "Reason", "Proposed by",
           "Proposed on", "Approved by", "Approved on")
MONEY = ("Amount (£)",)
DATES = ("Proposed on", "Approved on")
WIDTHS = (12, 28, 44, 14, 14, 34, 14, 12, 14, 12)
SUMMARY_COLUMNS = ("Group", "Count", "Total (£)")
CHUNK = 5000
# The date a write-off of each status is placed in a period by (--from/--to).
STEP_DATE = {
    WriteOffStatus.PROPOSED: WriteOff.proposed_on, WriteOffStatus.APPROVED: WriteOff.approved_on,
    WriteOffStatus.REJECTED: WriteOff.rejected_on, WriteOffStatus.WRITTEN_BACK: WriteOff.written_back_on,
}


@dataclass(frozen=True)
class ScheduleResult(JsonView):
    rows: int
    total_pence: int
    file: str
    csv_file: str
    public: bool


def csv_twin(path: Path) -> Path:
    return path.with_suffix(".csv")


def check_out_path(out: str | os.PathLike[str], *, force: bool) -> Path:
    """The workbook's path: an .xlsx file in an existing folder, not already there (nor its
    CSV twin) unless `force`. ValidationError (field `out`) otherwise."""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(f"The schedule is an Excel workbook: give a file name ending .xlsx, not {path.name}.",
                              field="out")
    if not path.parent.is_dir():
        raise ValidationError(f"The folder {path.parent} does not exist.", field="out")
    for target in (path, csv_twin(path)):
        if target.is_dir():
            raise ValidationError(f"{target} is a folder.", field="out")
        if target.exists() and not force:
            raise ValidationError(f"{target} already exists: choose another name, or replace it with --force.",
                                  field="out")
    return path


def write_schedule(
    uow: UnitOfWork, settings: AuthoritySettings, *, out: str | os.PathLike[str], from_: date | None = None,
    to: date | None = None, status: str = WriteOffStatus.APPROVED, public: bool = False, force: bool = False,
) -> ScheduleResult:
    """Write the schedule of write-offs of `status` (approved by default: what committee is
    told was written off) whose step of that status falls from `from_` to `to`."""
    from openpyxl import Workbook

    wanted = parse_status(status)
    if from_ and to and to < from_:
        raise ValidationError(f"The period ends ({to:%d/%m/%Y}) before it starts ({from_:%d/%m/%Y}).", field="to")
    path = check_out_path(out, force=force)
    twin = csv_twin(path)
    part, twin_part = path.with_name(path.name + ".part"), twin.with_name(twin.name + ".part")
    labels = {code: reason.label for code, reason in settings.writeoffs.reasons.items()}
    by_reason: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    count = total = 0
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Schedule")
        sheet.freeze_panes = "A2"
        schedule = SafeXlsxSheet(sheet, COLUMNS, money=MONEY, dates=DATES, widths=WIDTHS)
        with open(twin_part, "w", encoding="utf-8-sig", newline="") as handle:
            csv_rows = SafeCsvWriter(handle, COLUMNS, money=MONEY, dates=DATES)
            for row in _rows(uow, wanted, from_, to):
                ref, name, address, year, amount, reason, proposed_by, proposed_on, approved_by, approved_on = row
                if public:
                    name = address = ""
                label = labels.get(reason, reason)
                values = (ref, name, address, year_label(year), amount, label, proposed_by, proposed_on,
                          approved_by, approved_on)
                schedule.writerow(values)
                csv_rows.writerow(values)
                count, total = count + 1, total + amount
                for group in (by_reason[label], by_year[year]):
                    group[0] += 1
                    group[1] += amount
        sheet.auto_filter.ref = f"A1:J{count + 1}"  # the rows, not the total below them
        schedule.writerow(("Total", None, None, None, total, f"{count} write-off{'s' if count != 1 else ''}",
                           None, None, None, None), bold=True)
        summary = SafeXlsxSheet(book.create_sheet("Summary"), SUMMARY_COLUMNS, money=("Total (£)",),
                                counts=("Count",), widths=(40, 10, 16))
        _summary_block(summary, "By reason", sorted(by_reason.items()))
        summary.writerow((None, None, None))
        _summary_block(summary, "By financial year", [(year_label(y), v) for y, v in sorted(by_year.items())])
        summary.writerow(("Total", count, total), bold=True)
        book.save(part)
        os.replace(part, path)
        os.replace(twin_part, twin)
    finally:
        for leftover in (part, twin_part):
            leftover.unlink(missing_ok=True)
    return ScheduleResult(rows=count, total_pence=total, file=str(path), csv_file=str(twin), public=public)


def _summary_block(sheet: SafeXlsxSheet, title: str, groups: list[tuple[str, list[int]]]) -> None:
    sheet.writerow((title, None, None), bold=True)
    for name, (count, total) in groups:
        sheet.writerow((name, count, total))


def _rows(uow: UnitOfWork, status: WriteOffStatus, from_: date | None, to: date | None) -> Iterator[Any]:
    """The schedule's rows, oldest step first, streamed in chunks (flat memory)."""
    step = STEP_DATE[status]
    query = (
        select(Account.account_ref, Account.result_name,
               (Account.result_address + ", " + Account.result_postcode).label("address"), WriteOff.financial_year,
               WriteOff.amount_pence, WriteOff.reason, WriteOff.proposed_by, WriteOff.proposed_on,
               WriteOff.approved_by, WriteOff.approved_on)
        .join(Account, Account.id == WriteOff.account_id)
        .where(WriteOff.status == status)
        .order_by(step, WriteOff.created_at)
    )
    if from_ is not None:
        query = query.where(step >= from_)
    if to is not None:
        query = query.where(step <= to)
    yield from uow.session.execute(query.execution_options(yield_per=CHUNK))
