"""Batch runs: what a `batch_run` row may say."""

from __future__ import annotations

from enum import StrEnum


class BatchRunKind(StrEnum):
    """`batch_run.kind`: the run (or file import) the record is for."""

    BILLING = "billing"
    RECOVERY = "recovery"
    ARRANGEMENT_MONITOR = "arrangement_monitor"
    DD_COLLECTION = "dd_collection"  # a Direct Debit collection file written
    DD_POST = "dd_post"  # collections due posted as payments
    DD_RETURNS = "dd_returns"  # a bank's returns (ARUDD) file imported
    IMPORT_PROPERTIES = "import_properties"
    IMPORT_ACCOUNTS = "import_accounts"
    IMPORT_PAYMENTS = "import_payments"
    EA_RETURNS = "ea_returns"  # an enforcement agent's returns file imported


class BatchRunStatus(StrEnum):
    """`batch_run.status`: a run left `running` by a crash, or `cancelled`, is resumed by the
    next run with the same key."""

    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
