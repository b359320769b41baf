"""Recovery safeguards as the database holds them: open traces (TRACE), vulnerability reviews
(VULN) and undecided escalations, less a team leader's recorded releases.

The rule (which casework counts, what a release covers, which steps are held back) is
`app.rules.safeguards`; the council's choice of safeguards is `[recovery] safeguards`.
Read here for many accounts at once (the recovery run) or one (the Recovery tab, and the
court and enforcement services, which refuse a held-back step with the reason).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.adapters.sql_keys import raw_key
from app.audit import audit
from app.casework.notes import append_note
from app.casework.tracing import TRACE
from app.config import AuthoritySettings
from app.db import UnitOfWork, in_batches
from app.dto import JsonView, clean_text
from app.enums import DiaryStatus, EscalationStatus, SafeguardKind, member
from app.errors import Conflict, ValidationError
from app.models import DiaryEntry, Escalation, SafeguardRelease
from app.recovery.requests import ReleaseSafeguard
from app.requests import handles
from app.rules.safeguards import SAFEGUARD_LABELS, Release, Safeguard, holding, refusal
from app.users.roles import Actor, Role

VULN = "VULN"  # the diary code of a vulnerability review (settings `[diary_codes]`)
DIARY_SAFEGUARDS = {TRACE: SafeguardKind.GONE_AWAY.value, VULN: SafeguardKind.VULNERABILITY.value}
UNDECIDED = (EscalationStatus.OPEN, EscalationStatus.REFERRED)
MAX_REASON = 500


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC timestamps; PostgreSQL aware ones: compare them alike."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def open_safeguards(uow: UnitOfWork, raw_ids: Sequence[Any]) -> dict[Any, list[Safeguard]]:
    """Every account's open safeguarding casework (raw keys, as `app.recovery.states` uses)."""
    s = uow.session.connection()
    found: dict[Any, list[Safeguard]] = defaultdict(list)
    for ids in in_batches(list(raw_ids)):
        for account, code, at, note in s.execute(
            select(raw_key(DiaryEntry.account_id), DiaryEntry.code, DiaryEntry.created_at, DiaryEntry.note)
            .where(raw_key(DiaryEntry.account_id).in_(ids), DiaryEntry.code.in_(tuple(DIARY_SAFEGUARDS)),
                   DiaryEntry.status == DiaryStatus.OPEN)
        ).all():
            found[account].append(Safeguard(DIARY_SAFEGUARDS[code], _aware(at), (note or "")[:80]))
        for account, reason, at in s.execute(
            select(raw_key(Escalation.account_id), Escalation.reason, Escalation.created_at)
            .where(raw_key(Escalation.account_id).in_(ids), Escalation.status.in_(UNDECIDED))
        ).all():
            found[account].append(Safeguard(SafeguardKind.ESCALATION.value, _aware(at), f"{reason.replace('_', ' ')}"))
    return found


def releases_of(uow: UnitOfWork, raw_ids: Sequence[Any]) -> dict[Any, list[Release]]:
    s = uow.session.connection()
    found: dict[Any, list[Release]] = defaultdict(list)
    for ids in in_batches(list(raw_ids)):
        for account, kind, at, by, reason in s.execute(
            select(raw_key(SafeguardRelease.account_id), SafeguardRelease.kind, SafeguardRelease.released_at,
                   SafeguardRelease.released_by, SafeguardRelease.reason)
            .where(raw_key(SafeguardRelease.account_id).in_(ids))
        ).all():
            found[account].append(Release(kind, _aware(at), by, reason))
    return found


def safeguards_holding(uow: UnitOfWork, raw_ids: Sequence[Any], enabled: Sequence[str]) -> dict[Any, tuple[Safeguard, ...]]:
    """The safeguards holding each account back (only accounts held back are keys)."""
    if not enabled or not raw_ids:
        return {}
    open_now = open_safeguards(uow, raw_ids)
    if not open_now:
        return {}
    released = releases_of(uow, list(open_now))
    result = {account: holding(items, released.get(account, ()), enabled) for account, items in open_now.items()}
    return {account: found for account, found in result.items() if found}


def _raw(uow: UnitOfWork, account_id: uuid.UUID) -> Any:
    return account_id.bytes if uow.dialect == "sqlite" else account_id


def refuse_if_held_back(
    uow: UnitOfWork, settings: AuthoritySettings, account_id: uuid.UUID, account_ref: str, step: str,
) -> None:
    """Raise Conflict (the reason, for the officer) if `step` is held back on the account."""
    raw = _raw(uow, account_id)
    found = safeguards_holding(uow, [raw], settings.recovery.safeguards).get(raw, ())
    sentence = refusal(step, account_ref, found)
    if sentence is not None:
        raise Conflict(sentence)


@dataclass(frozen=True)
class SafeguardRow(JsonView):
    """One open piece of safeguarding casework on an account, and whether it holds it back."""

    kind: str
    label: str
    opened_at: datetime
    detail: str
    holding: bool  # False: released by a team leader, or a kind this council does not apply
    why_not: str  # when not holding: "released by X on 03/11/2026: reason" or "not applied by this council"


@dataclass(frozen=True)
class SafeguardReleaseView(JsonView):
    release_id: uuid.UUID
    account_ref: str
    kind: str
    reason: str
    released_on: date
    released_by: str
    released_at: datetime


def account_safeguards(uow: UnitOfWork, settings: AuthoritySettings, account_ref: str) -> list[SafeguardRow]:
    """The account's open safeguarding casework for its Recovery tab, oldest first."""
    account_id = get_account_id(uow, account_ref)
    raw = _raw(uow, account_id)
    items = open_safeguards(uow, [raw]).get(raw, [])
    releases = releases_of(uow, [raw]).get(raw, [])
    enabled = settings.recovery.safeguards
    held = set(holding(items, releases, enabled))
    rows = []
    for item in sorted(items, key=lambda s: s.opened_at):
        why = ""
        if item not in held:
            if item.kind not in enabled:
                why = "not applied by this council ([recovery] safeguards)"
            else:
                r = max((r for r in releases if r.kind == item.kind), key=lambda r: r.released_at)
                why = f"released by {r.released_by} on {r.released_at:%d/%m/%Y}: {r.reason}"
        rows.append(SafeguardRow(item.kind, SAFEGUARD_LABELS[item.kind], item.opened_at, item.detail, item in held, why))
    return rows


@handles(ReleaseSafeguard, role=Role.TEAM_LEADER, action="release an account from a recovery safeguard")
def release_safeguard(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, kind: str, reason: str, as_of: date,
) -> SafeguardReleaseView:
    """A team leader releases the account from one kind of safeguard, with a reason: the
    casework of that kind open now no longer holds back the next statutory step (casework
    opened later does). Recorded (append-only), noted on the account and audited. Commits."""
    if member(SafeguardKind, kind) is None:
        raise ValidationError(f"'{kind}' is not a safeguard (use {', '.join(k.value for k in SafeguardKind)}).",
                              field="kind")
    why = clean_text(reason, field="reason", label="the reason", max_length=MAX_REASON, multiline=True)
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    raw = _raw(uow, account_id)
    if not any(s.kind == kind for s in open_safeguards(uow, [raw]).get(raw, [])):
        raise Conflict(f"Account {ref} has no {SAFEGUARD_LABELS[kind]}: there is nothing to release.")
    row = SafeguardRelease(account_id=account_id, kind=kind, reason=why, released_on=as_of, released_by=actor.username)
    uow.session.add(row)
    uow.session.flush()
    append_note(uow, account_id, f"Released from the {SAFEGUARD_LABELS[kind]} safeguard for statutory recovery steps: {why}",
                actor.username)
    audit(uow, actor.username, "safeguard.released", "safeguard_release", row.id, account_id=account_id,
          after={"kind": kind, "reason": why, "released_on": as_of.isoformat()})
    view = SafeguardReleaseView(row.id, ref, kind, why, as_of, actor.username, _aware(row.released_at))
    uow.commit()
    return view
