"""The write-off schedule workbook at 100,000 rows, against a bare openpyxl loop (SQLite).

Why: committee schedules of a year's small-balance write-offs run to tens of thousands of
rows; issue 17's target is the schedule of 100,000 rows within 1.2x of a bare openpyxl
write-only loop writing the same cells, memory flat.

A scratch database (`bench/data/writeoff-bench.db`, removed afterwards) gets a small
demo data set and `--rows` approved write-offs bulk-inserted over its accounts. Then:

* `schedule_seconds`: `Application.writeoff_schedule` (read in chunks, every cell through
  the safe writer, the Summary sheet and the CSV twin written too), best of `--repeat`;
* `bare_seconds`: the same rows read into a list first (not timed), then written with a
  bare write-only loop: the same Schedule cells (a £ format on each amount, a date format
  on each date), the total row, no CSV twin, no Summary; best of `--repeat`;
* `ratio`: schedule / bare (target <= 1.2); `schedule_peak_mb` / `bare_peak_mb`: the
  Python heap's peak (tracemalloc) during each, which stays flat as rows grow.

    .venv/bin/python -m bench.writeoff_schedule --rows 100000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from app.application import Application
from app.bootstrap import bootstrap
from app.demo.requests import GenerateDemo
from app.models import Account, WriteOff
from app.models.base import new_id
from bench._common import DATA, log

AS_OF = date(2026, 11, 23)
REASONS = ("uneconomical", "gone_away", "deceased", "insolvency", "statute_barred")


def measure(work: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall time in seconds over `repeat` runs, then the heap's peak MB in one more run
    (tracemalloc slows Python down several times over: never timed with it on)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return best, peak


def bare_loop(rows: list[tuple[Any, ...]], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Schedule")
    sheet.freeze_panes = "A2"
    sheet.append(["Account ref", "Name", "Property address", "Financial year", "Amount (£)", "Reason", "Proposed by",
                  "Proposed on", "Approved by", "Approved on"])
    total = 0
    for ref, name, address, year, amount, reason, by, on, approver, approved in rows:
        money = WriteOnlyCell(sheet, value=Decimal(amount) / 100)
        money.number_format = '"£"#,##0.00;-"£"#,##0.00'
        proposed = WriteOnlyCell(sheet, value=on)
        proposed.number_format = "dd/mm/yyyy"
        decided = WriteOnlyCell(sheet, value=approved)
        decided.number_format = "dd/mm/yyyy"
        sheet.append([ref, name, address, f"{year}/{(year + 1) % 100:02d}", money, reason, by, proposed, approver,
                      decided])
        total += amount
    sheet.auto_filter.ref = f"A1:J{len(rows) + 1}"
    sheet.append(["Total", None, None, None, Decimal(total) / 100])
    book.save(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    path = DATA / "writeoff-bench.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    ctx = bootstrap(url, None, "bench")
    try:
        log(f"demo data: {args.accounts} accounts")
        Application(ctx).execute(GenerateDemo(accounts=args.accounts, seed=1, as_of=AS_OF))
        with ctx.db.uow() as uow:
            accounts = list(uow.session.scalars(select(Account.id)))
            log(f"{args.rows:,} approved write-offs")
            uow.session.execute(insert(WriteOff), [
                {"id": new_id(), "account_id": accounts[i % len(accounts)], "financial_year": 2019 + i % 6,
                 "amount_pence": 500 + (i * 7919) % 95_000, "reason": REASONS[i % len(REASONS)], "note": "",
                 "evidence": "", "status": "approved", "proposed_by": "officer1", "proposed_on": date(2026, 4, 1),
                 "approved_by": "teamlead1", "approved_on": date(2026, 4, 2 + i % 28), "decision_note": "",
                 "writeback_reason": "", "version": 1}
                for i in range(args.rows)
            ])
            uow.commit()
        app = Application(ctx)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "schedule.xlsx"
            schedule_s, schedule_mb = measure(lambda: app.writeoff_schedule(out, force=True), args.repeat)
            from app.writeoffs import schedule

            with ctx.db.uow() as uow:
                rows = [tuple(r) for r in schedule._rows(uow, schedule.WriteOffStatus.APPROVED, None, None)]
            bare_s, bare_mb = measure(lambda: bare_loop(rows, Path(tmp) / "bare.xlsx"), args.repeat)
    finally:
        ctx.db.dispose()
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
    print(json.dumps({
        "benchmark": "writeoff_schedule", "rows": args.rows, "schedule_seconds": round(schedule_s, 2),
        "bare_seconds": round(bare_s, 2), "ratio": round(schedule_s / bare_s, 2), "target_ratio": 1.2,
        "schedule_peak_mb": round(schedule_mb, 1), "bare_peak_mb": round(bare_mb, 1),
        "bare_rows_in_memory_mb_excluded": True,
    }))


if __name__ == "__main__":
    main()
