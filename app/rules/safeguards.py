"""Recovery safeguards: casework still open that holds an account back from the next
statutory step until a team leader releases it.

Why: the fair-collection guidance (domain README §8: government best-practice guidance,
August 2021, "Council Tax collection: good practice") asks councils to engage before
enforcing, to hold recovery while a debtor's circumstances are being looked into, and to
use enforcement agents as a last resort; the Taking Control of Goods regulations make
fees unrecoverable from a vulnerable debtor not given a chance to get advice (README §7).
A summons sent to an address the post says the taxpayer has left, or a referral made
while a vulnerability review is open, is what the guidance warns against.

Three kinds of open casework count (which of them apply is council policy: the
`[recovery] safeguards` setting):

- `gone_away`: an open trace (diary code TRACE): the post came back, the taxpayer is
  being traced; a summons or order would not reach them.
- `vulnerability`: an open vulnerability review (diary code VULN).
- `escalation`: an escalation to a team leader not yet decided.

They hold back only the **statutory steps** (`GUARDED_STEPS`): a summons, a liability
order application at the hearing, an enforcement agent referral, an attachment of
earnings order or a deduction from benefit. Reminders and final notices still go: they are
the engagement the guidance asks for. (A recorded *hold*, such as a vulnerability-review
hold or a breathing space, stops everything: `app.recovery.holds`.)

A team leader may **release** an account from one kind of safeguard, with a reason. A
release covers that kind's casework opened up to the moment of release; casework of the
same kind opened later holds the account back again (a new trace after a new gone-away).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.enums import SafeguardKind

GONE_AWAY = SafeguardKind.GONE_AWAY.value
VULNERABILITY = SafeguardKind.VULNERABILITY.value
ESCALATION = SafeguardKind.ESCALATION.value
SAFEGUARD_KINDS: tuple[str, ...] = tuple(k.value for k in SafeguardKind)
SAFEGUARD_LABELS: dict[str, str] = {
    GONE_AWAY: "open gone-away trace",
    VULNERABILITY: "open vulnerability review",
    ESCALATION: "open escalation to a team leader",
}
assert set(SAFEGUARD_LABELS) == set(SAFEGUARD_KINDS), "every safeguard has its label"

GUARDED_STEPS: dict[str, str] = {
    "summons": "a summons",
    "liability_order": "a liability order application",
    "enforcement_agent": "a referral to an enforcement agent",
    "attachment_of_earnings": "an attachment of earnings order",
    "benefit_deduction": "a deduction from benefit",
}


@dataclass(frozen=True)
class Safeguard:
    """One piece of open casework: its kind, when it was opened, and what it is (for the officer)."""

    kind: str
    opened_at: datetime
    detail: str = ""

    def describe(self) -> str:
        """"open gone-away trace since 03/11/2026 (Gone away: trace the taxpayer)"."""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{SAFEGUARD_LABELS.get(self.kind, self.kind.replace('_', ' '))} since {self.opened_at:%d/%m/%Y}{detail}"


@dataclass(frozen=True)
class Release:
    """A team leader's release of an account from one kind of safeguard."""

    kind: str
    released_at: datetime
    released_by: str = ""
    reason: str = ""


def holding(
    safeguards: Iterable[Safeguard], releases: Iterable[Release], enabled: Iterable[str],
) -> tuple[Safeguard, ...]:
    """The safeguards that hold the account back: of a kind the council applies, and not
    covered by a release of that kind made at or after it was opened."""
    wanted = set(enabled)
    latest: dict[str, datetime] = {}
    for release in releases:
        if release.kind not in latest or release.released_at > latest[release.kind]:
            latest[release.kind] = release.released_at
    return tuple(
        s for s in sorted(safeguards, key=lambda s: s.opened_at)
        if s.kind in wanted and not (s.kind in latest and s.opened_at <= latest[s.kind])
    )


def held_back(step: str, holding_now: Iterable[Safeguard]) -> str | None:
    """Why `step` may not be taken ("open gone-away trace since 03/11/2026 (...)"), or None
    when it may. Steps outside `GUARDED_STEPS` (reminders, final notices) are never held back."""
    found = tuple(holding_now)
    if step not in GUARDED_STEPS or not found:
        return None
    return "; ".join(s.describe() for s in found)


def refusal(step: str, account_ref: str, holding_now: Iterable[Safeguard]) -> str | None:
    """The officer's sentence when `step` is refused for the account, or None when it may be taken."""
    reasons = held_back(step, holding_now)
    if reasons is None:
        return None
    return (f"Account {account_ref} is held back from {GUARDED_STEPS[step]}: {reasons}. "
            "Close the casework, or ask a team leader to release it.")
