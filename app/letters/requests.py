"""What may be asked of letters: an officer's letter from an account."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the result, named in the request's type (imported only for type checkers: no cycle)
    from app.letters.account_letters import GeneratedLetter  # noqa: F401


@request("letters.generate")
class GenerateLetter(Request["GeneratedLetter"]):
    """Make one letter from `template` for the account, dated `as_of`, and keep it on the
    account exactly as sent. `paragraph` is the officer's own words, for a template with a
    free paragraph; `recipient` (name, then address lines) addresses a letter to someone
    other than the taxpayer (a tracing enquiry to a previous landlord or employer)."""

    account_ref: str
    template: str
    as_of: date
    paragraph: str = ""
    recipient: tuple[str, ...] = ()
