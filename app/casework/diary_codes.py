"""Diary codes: what kinds of brought-forward work there are, which team each goes to and
how many days ahead it is diaried by default.

Diary codes are settings data: `[diary_codes]` in the authority settings (code =
{description, default_days, team, active}) over the built-in defaults, synced into the
`diary_code` table by `sync_diary_codes` (idempotent; codes no longer configured are
deactivated, never deleted, because entries refer to them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from app.adapters.locks import lock_named
from app.audit import audit
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView
from app.errors import Conflict, ValidationError
from app.models import DiaryCode
from app.settings import DEFAULT_DIARY_CODES, DiaryCodeSettings


@dataclass(frozen=True)
class DiaryCodeView(JsonView):
    code: str
    description: str
    default_days: int
    team: str
    active: bool


@dataclass(frozen=True)
class SyncResult(JsonView):
    added: list[str]
    updated: list[str]
    deactivated: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deactivated)


def configured_codes(settings: AuthoritySettings | None) -> Mapping[str, DiaryCodeSettings]:
    """The settings' diary codes (the built-in ones overlaid with `[diary_codes]`, checked
    when the file was read); the built-in ones alone without settings."""
    return settings.diary_codes if settings is not None else DEFAULT_DIARY_CODES


SYNC_LOCK = "revdesk:diary_codes"
SYNC_ATTEMPTS = 3


def sync_diary_codes(uow: UnitOfWork, settings: AuthoritySettings | None, username: str = "system") -> SyncResult:
    """Bring the `diary_code` table in line with the settings; commits only when something
    changed (so it is cheap to call at start-up and before every case-work command).
    Codes in the table but no longer configured are deactivated, never deleted (entries
    refer to them).

    Two desktops starting at the same moment after a settings change both find work to do:
    the changes are made under a lock (`lock_named`) after reading the table again, so the
    second finds the first's rows and has nothing left to do. Should it still lose a race
    (a desktop of an earlier version, which takes no lock), the whole sync is rolled back and
    done again from a fresh read; neither start fails.
    """
    wanted = configured_codes(settings)
    if not _changes(uow, wanted, apply=False).changed:
        return SyncResult([], [], [])
    for attempt in range(1, SYNC_ATTEMPTS + 1):
        try:
            lock_named(uow, SYNC_LOCK)
            result = _changes(uow, wanted, apply=True)
            if result.changed:
                uow.flush("The diary codes")
                audit(uow, username, "diary_codes.synced", "diary_code", None, after=result.to_json())
                uow.commit("The diary codes")
            else:
                uow.rollback()  # someone else synced them a moment ago
            return result
        except Conflict:
            uow.rollback()
            if attempt == SYNC_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _changes(uow: UnitOfWork, wanted: Mapping[str, DiaryCodeSettings], *, apply: bool) -> SyncResult:
    """What syncing would add, update and deactivate, read afresh; made in the session if `apply`."""
    have = {c.code: c for c in uow.session.scalars(select(DiaryCode).execution_options(populate_existing=True))}
    added: list[str] = []
    updated: list[str] = []
    deactivated: list[str] = []
    for code, spec in wanted.items():
        description, days, team, active = spec.description, spec.default_days, spec.team, spec.active
        row = have.get(code)
        if row is None:
            if apply:
                uow.session.add(DiaryCode(code=code, description=description, default_days=days, team=team, active=active))
            added.append(code)
        elif (row.description, row.default_days, row.team, row.active) != (description, days, team, active):
            if apply:
                row.description, row.default_days, row.team, row.active = description, days, team, active
            updated.append(code)
    for code, row in have.items():
        if code not in wanted and row.active:
            if apply:
                row.active = False
            deactivated.append(code)
    return SyncResult(sorted(added), sorted(updated), sorted(deactivated))


def list_codes(uow: UnitOfWork, *, include_inactive: bool = False) -> list[DiaryCodeView]:
    query = select(DiaryCode).order_by(DiaryCode.code)
    if not include_inactive:
        query = query.where(DiaryCode.active.is_(True))
    return [DiaryCodeView(c.code, c.description, c.default_days, c.team, c.active) for c in uow.session.scalars(query)]


def active_code(uow: UnitOfWork, code: str) -> DiaryCode:
    row = uow.session.get(DiaryCode, code.strip().upper())
    if row is None:
        active = select(DiaryCode.code).where(DiaryCode.active.is_(True)).order_by(DiaryCode.code)
        known = ", ".join(c for c in uow.session.scalars(active))
        raise ValidationError(f"'{code}' is not a diary code (use one of {known or 'none configured'}).", field="code")
    if not row.active:
        raise ValidationError(f"Diary code {row.code} is no longer in use.", field="code")
    return row
