"""What may be asked of accounts: the council's property and account files, imported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.adapters.csv_files import ImportSummary  # noqa: F401



@request("accounts.import_properties")
class ImportProperties(Request["ImportSummary"]):
    """A property file (CSV); properties already held are skipped."""

    path: str
    all_or_nothing: bool = False


@request("accounts.import_accounts")
class ImportAccounts(Request["ImportSummary"]):
    """An account file (CSV): taxpayers and their liability periods; accounts already held are skipped."""

    path: str
    all_or_nothing: bool = False
