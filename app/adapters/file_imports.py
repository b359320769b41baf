"""What every file import does around its rows: a run record for the file, closed with the
import's counts and audited, then the good rows committed (or nothing at all).

Properties, accounts, payments, direct debit returns and enforcement agent returns are
imported the same way, so they all start with `record_file_run` (the file's name and
SHA-256, so the file can be identified later) and end with `complete_file_import`
(`import.<kind>` audit event; `all_or_nothing` commits nothing if any row was rejected).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import TypeVar

from app.adapters.csv_files import ImportSummary
from app.audit import audit
from app.clock import now
from app.db import UnitOfWork
from app.enums import BatchRunStatus
from app.models import BatchRun
from app.users.roles import Actor

S = TypeVar("S", bound=ImportSummary)


def finish_import(uow: UnitOfWork, summary: S, all_or_nothing: bool) -> S:
    """Commit the good rows; with all-or-nothing and any row rejected, commit nothing.

    The summary keeps its own kind (returns files count more than rows), with nothing
    counted as done when nothing was kept.
    """
    if all_or_nothing and summary.rejected:
        uow.rollback()
        return type(summary)(rejected=summary.rejected, errors=summary.errors)
    uow.commit()
    return summary


def complete_file_import(uow: UnitOfWork, actor: Actor, run: BatchRun, summary: S, all_or_nothing: bool) -> S:
    """How every file import ends: the run record closed and audited (`import.<kind>`), then
    the good rows committed (or nothing, with all-or-nothing)."""
    close_file_run(run, summary)
    audit(uow, actor.username, f"import.{run.kind.removeprefix('import_')}", "batch_run", run.id, after=run.summary)
    return finish_import(uow, summary, all_or_nothing)


def _file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def record_file_run(uow: UnitOfWork, actor: Actor, kind: str, path: str | Path) -> BatchRun:
    """A run record for importing one file (with its SHA-256, so the file can be identified later)."""
    run = BatchRun(
        kind=kind, run_key=f"{kind}:{uuid.uuid4()}", parameters={"file": str(path), "sha256": _file_hash(path)},
        created_by=actor.username,
    )
    uow.session.add(run)
    uow.session.flush()
    return run


def close_file_run(run: BatchRun, summary: ImportSummary) -> None:
    """Mark a file run completed with its counts."""
    run.status = BatchRunStatus.COMPLETED
    run.done = run.total = summary.imported + summary.skipped + summary.rejected
    run.summary = {k: v for k, v in summary.to_json().items() if k != "errors"}
    run.finished_at = now()
