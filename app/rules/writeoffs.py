"""Write-offs: the reasons a council writes debt off, the scheme of delegation that says who
may approve how much, and the statute-barred test. Pure: no database, no settings file.

Write-offs are council practice, not statute (domain notes §9): each council's financial
rules set the reasons and the limits. The defaults here are ones a council would
recognise; a council changes them in its settings file (`[writeoffs]`):

* **Reasons** (domain notes §9, issue 17): insolvency (bankruptcy, DRO, IVA); deceased with
  no estate; gone away and untraced after tracing; uneconomical to pursue; statute barred
  (six years); other. Insolvency, deceased and gone away need evidence (the order's
  reference, the death and the search for an estate, the tracing done); "other" needs a
  note saying why.
* **Scheme of delegation** (the most one person may approve, by role): an officer may only
  propose (£0); a team leader approves up to £1,000; a manager up to £10,000; above that
  the section 151 officer (Local Government Act 1972 s151: the chief finance officer), for
  whom the `admin` role stands in here, with no limit. Councils publish limits from £1,000
  to £500,000 (issue 17); examples in domain notes §9: officer £100, manager £5,000,
  finance manager £10,000, cabinet above.
* **Statute barred**: the Council Tax (Administration and Enforcement) Regulations 1992
  (SI 1992/613) reg 34(3): no summons "after the period of six years beginning with the
  day on which the amount fell due". Debt for which no liability order was obtained in
  time can no longer be recovered: it is written off as statute barred. A liability order
  already made is enforceable, so a year with one is not statute barred.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from app.money import fmt
from app.rules.recovery_policy import out_of_time

SUMMONS_LIMIT_YEARS = 6  # SI 1992/613 reg 34(3)


@dataclass(frozen=True)
class WriteOffReason:
    """One reason on the council's list.

    `evidence` says what evidence the reason needs ("" = none); `note_required` makes the
    note compulsory; `statute_barred` makes the six-year test apply.
    """

    code: str
    label: str
    evidence: str = ""
    note_required: bool = False
    statute_barred: bool = False


DEFAULT_REASONS: Mapping[str, WriteOffReason] = MappingProxyType({r.code: r for r in (
    WriteOffReason("insolvency", "Insolvency (bankruptcy, DRO, IVA)",
                   evidence="the bankruptcy order, debt relief order or IVA reference"),
    WriteOffReason("deceased", "Deceased with no estate",
                   evidence="the date of death and how it was confirmed there is no estate"),
    WriteOffReason("gone_away", "Gone away, untraced after tracing", evidence="the tracing done (who was asked, and when)"),
    WriteOffReason("uneconomical", "Uneconomical to pursue"),
    WriteOffReason("statute_barred", "Statute barred (six years)", statute_barred=True),
    WriteOffReason("other", "Other", note_required=True),
)})

# The scheme of delegation: role name -> the most that role may approve, in pence (None:
# no limit). Role names are those of `app.users.roles.Role` (lower case). Each role may
# approve at least what the roles below it may.
UNLIMITED = None
DEFAULT_APPROVAL_LIMITS: Mapping[str, int | None] = MappingProxyType({
    "officer": 0,  # may propose only
    "team_leader": 100_000,  # £1,000
    "manager": 1_000_000,  # £10,000
    "admin": UNLIMITED,  # stands in for the section 151 officer
})


def describe_limit(limit_pence: int | None) -> str:
    """`£1,000.00`, `no limit`, or `none (may propose only)`: for messages and the desktop."""
    if limit_pence is None:
        return "no limit"
    if limit_pence <= 0:
        return "none (may propose only)"
    return fmt(limit_pence)


def within_limit(amount_pence: int, limit_pence: int | None) -> bool:
    """The amount is within an approver's limit (a limit is the most they may approve,
    inclusive: a team leader at £1,000 approves exactly £1,000)."""
    return limit_pence is None or amount_pence <= limit_pence


def limit_refusal(username: str, role: str, amount_pence: int, limit_pence: int | None) -> str | None:
    """Why `username` (with `role`) may not decide a write-off of `amount_pence`, or None if
    they may."""
    if within_limit(amount_pence, limit_pence):
        return None
    held = role.replace("_", " ")
    if limit_pence is None or limit_pence <= 0:
        return f"{username} is {_article(held)} {held} and may propose write-offs but not decide them."
    return (
        f"The write-off of {fmt(amount_pence)} is above {username}'s limit as {_article(held)} {held} "
        f"({fmt(limit_pence)}): it needs someone with a higher limit in the scheme of delegation."
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def statute_barred(last_fell_due: date, as_of: date, *, liability_order: bool,
                   limit_years: int = SUMMONS_LIMIT_YEARS) -> bool:
    """The year's debt is statute barred on `as_of`: no liability order was obtained, and
    even its latest sum (`last_fell_due`) is past the six years in which a summons may be
    issued (reg 34(3); see `recovery_policy.out_of_time`)."""
    return not liability_order and out_of_time(last_fell_due, as_of, limit_years)
