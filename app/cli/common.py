"""What every command module shares: exit codes, argument types and JSON output.

Exit codes are the public contract: 0 success; 1 runtime failure; 2 bad usage or bad
input. `--json` prints exactly one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

from app import clock
from app.dates import out_of_range
from app.money import MoneyError, parse_pounds

if TYPE_CHECKING:
    from app.application import Application

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2

# A command: given the application (the one layer that opens units of work, checks roles and
# runs use cases) and the parsed arguments, it prints and returns the exit code.
Handler = Callable[["Application", argparse.Namespace], int]


class UsageError(Exception):
    """A bad option value found after parsing (exit 2)."""


class Parser(argparse.ArgumentParser):
    """argparse, with a bad option value reported as one line: `revdesk: --date: <sentence>`.

    Other usage errors (a missing option, an unknown command) still show the usage first.
    Sub-commands' parsers are of this class too (argparse makes them of their parent's).
    """

    def error(self, message: str) -> NoReturn:
        if message.startswith("argument "):
            option, _, reason = message.removeprefix("argument ").partition(": ")
            self.exit(EXIT_BAD_INPUT, f"revdesk: {option.split('/')[-1]}: {reason}\n")
        super().error(message)


def date_arg(text: str) -> date:
    """YYYY-MM-DD (also DD/MM/YYYY, as officers type it), within `app.dates`' window
    (1 April 1993 to ten years after today)."""
    value = _date(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (use YYYY-MM-DD)")
    reason = out_of_range(value, today=clock.today())
    if reason is not None:
        raise argparse.ArgumentTypeError(reason)
    return value


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            pass
    return None


INT_MAX = 2**31 - 1  # the database's `integer`: no count, page or year typed may go beyond it


def int_arg(text: str) -> int:
    """A whole number as typed, within the database's integer range."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number.") from None
    if abs(value) > INT_MAX:
        raise argparse.ArgumentTypeError(f"'{text}' is too large a number.")
    return value


def pounds_arg(text: str) -> int:
    """Pounds as typed (`1234.56`, `£1,234.56`) to integer pence; at most £10,000,000."""
    try:
        return parse_pounds(text, field="")  # argparse names the option before the sentence
    except MoneyError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, default=str))

def progress_printer(quiet: bool) -> Callable[[int, int], None] | None:
    if quiet or not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        print(f"\r{done:,} / {total:,}", end="", file=sys.stderr, flush=True)

    return report


def as_of_and_json(parser: argparse.ArgumentParser) -> None:
    """The options every action on a record takes: the day it is done, and JSON output."""
    parser.add_argument("--as-of", type=date_arg, default=None, help="today's date for the action (default: today)")
    parser.add_argument("--json", action="store_true")


def record_id(text: str, what: str, hint: str | None = None) -> uuid.UUID:
    """A record's id as typed, or UsageError naming what it should have been (and where to find one)."""
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        where = f" (see `{hint}`)" if hint else ""
        raise UsageError(f"'{text}' is not a {what} id{where}") from None
