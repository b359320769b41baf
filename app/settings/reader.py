"""Reading one TOML table with checks that name the key path.

A council edits the settings file by hand, so every mistake must be found when the file
is read and reported as the file plus the key, e.g. `settings.toml: [recovery]
reminder_days must be a whole number of 0 or more, not 'seven'.`, rather than surfacing as
a Python error (or a silently ignored typo) half way through a run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")
REQUIRED: Any = object()  # default meaning "the key must be given"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class SettingsError(ValueError):
    """The authority settings file is missing, unreadable or inconsistent."""


def toml_key(key: str) -> str:
    """A key as it is written in TOML (quoted unless it is a bare key)."""
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _header(path: tuple[str, ...]) -> str:
    """A table's header as written in the file: `[diary_codes.TRACE]`, `[years.2025.band_d_pence]`."""
    return f"[{'.'.join(toml_key(p) for p in path)}]"


def _shown(value: Any) -> str:
    """A wrong value as the officer typed it, for the message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


class Table:
    """One table of the file being read.

    Each getter checks a key's type and range, and records that the key was read;
    `close()` then refuses any key nobody read, so a typo such as `reminder_dayz` is an
    error rather than a setting silently left at its default.
    """

    def __init__(self, body: Any, path: tuple[str, ...], source: str) -> None:
        self.path, self.source = path, source
        if not isinstance(body, Mapping):
            raise SettingsError(f"{source}: {self.where()} must be a table, not {_shown(body)}.")
        self.body: Mapping[str, Any] = body
        self._read: set[str] = set()

    # --- messages ---------------------------------------------------------------------

    def where(self, key: str | None = None) -> str:
        """`[recovery] reminder_days`, `[diary_codes.TRACE] default_days`, `[recovery]`."""
        header = _header(self.path) if self.path else ""
        return " ".join(part for part in (header, None if key is None else toml_key(key)) if part)

    def fail(self, key: str | None, message: str) -> NoReturn:
        raise SettingsError(f"{self.source}: {self.where(key)} {message}.")

    def _wrong(self, key: str, expected: str, value: Any) -> NoReturn:
        self.fail(key, f"must be {expected}, not {_shown(value)}")

    def _get(self, key: str, default: Any, expected: str) -> Any:
        self._read.add(key)
        if key in self.body:
            return self.body[key]
        if default is REQUIRED:
            self.fail(key, f"is required ({expected})")
        return default

    # --- values -----------------------------------------------------------------------

    def whole(self, key: str, default: int = REQUIRED, *, minimum: int = 0, maximum: int | None = None) -> int:
        """A whole number from `minimum` (to `maximum`); `true` is not a number here."""
        expected = (f"a whole number of {minimum} or more" if maximum is None
                    else f"a whole number from {minimum} to {maximum}")
        value = self._get(key, default, expected)
        if (isinstance(value, bool) or not isinstance(value, int)
                or value < minimum or (maximum is not None and value > maximum)):
            self._wrong(key, expected, value)
        return value

    def choice(self, key: str, default: T, choices: tuple[T, ...]) -> T:
        """One of a few allowed values (text is compared in lower case)."""
        expected = " or ".join(_shown(c) for c in choices)
        value = self._get(key, default, expected)
        wanted = value.strip().lower() if isinstance(value, str) else value
        if isinstance(wanted, bool) or not isinstance(wanted, type(choices[0])) or wanted not in choices:
            self._wrong(key, expected, value)
        return wanted

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default, "true or false")
        if not isinstance(value, bool):
            self._wrong(key, "true or false", value)
        return value

    def text(self, key: str, default: str = REQUIRED, *, allow_empty: bool = False) -> str:
        """Text, stripped of surrounding spaces (not empty unless `allow_empty`)."""
        value = self._get(key, default, "text")
        if not isinstance(value, str):
            self._wrong(key, "text", value)
        if not (allow_empty or value.strip()):
            self.fail(key, "must not be empty")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        """Text, or None when the key is missing or empty."""
        value = self.text(key, "", allow_empty=True)
        return value or None

    def texts(self, key: str, default: tuple[str, ...], *, at_least: int = 0) -> tuple[str, ...]:
        """A list of non-empty texts (at least `at_least` of them)."""
        value = self._get(key, default, "a list of text")
        if not isinstance(value, (list, tuple)):
            self._wrong(key, "a list of text", value)
        if len(value) < at_least:
            self.fail(key, f"must list at least {at_least}")
        if not all(isinstance(item, str) and item.strip() for item in value):
            self.fail(key, "must be a list of text, none of it empty")
        return tuple(item.strip() for item in value)

    def dates(self, key: str) -> tuple[date, ...]:
        """A list of dates (TOML dates or 'YYYY-MM-DD' text), sorted, without repeats."""
        value = self._get(key, [], "a list of dates")
        if not isinstance(value, (list, tuple)):
            self._wrong(key, "a list of dates (YYYY-MM-DD)", value)
        days: set[date] = set()
        for item in value:
            day = _date(item)
            if day is None:
                self.fail(key, f"must be dates (YYYY-MM-DD): {_shown(item)} is not a date")
            days.add(day)
        return tuple(sorted(days))

    # --- tables -----------------------------------------------------------------------

    def keys(self) -> list[str]:
        """Every key, all counted as read: for tables whose keys are data (years, parishes)."""
        self._read.update(self.body)
        return list(self.body)

    def child(self, key: str, body: Any = None) -> Table:
        """The table at `key` (empty when missing), or `body` read as if it were there."""
        self._read.add(key)
        return Table(self.body.get(key, {}) if body is None else body, (*self.path, key), self.source)

    def section(self, key: str, read: Callable[[Table], T], body: Any = None) -> T:
        """`read` the table at `key`, then refuse what it did not read."""
        table = self.child(key, body)
        value = read(table)
        table.close()
        return value

    def close(self) -> None:
        for key in self.body:
            if key not in self._read:
                value = self.body[key]
                if isinstance(value, Mapping):
                    raise SettingsError(f"{self.source}: unknown section {_header((*self.path, key))}.")
                raise SettingsError(f"{self.source}: unknown key {self.where(key)}.")


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):  # a TOML date-time is not a hearing date
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
