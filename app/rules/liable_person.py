"""Who is liable: the hierarchy of LGFA 1992 s6(2), joint liability s6(3) and s9.

The first rank that applies among residents (18 or over, sole or main residence):
(a) freeholder; (b) leaseholder; (c) statutory, secure or introductory tenant;
(d) contractual licensee; (e) any other resident; (f) the owner when nobody is resident.
Everyone at the liable rank is jointly and severally liable (s6(3)), and so is a resident
spouse, civil partner or partner of a liable person (s9) - except people disregarded as
students or severely mentally impaired (s9(2)).
Owners are liable instead of residents for the classes in SI 1992/551 (care homes, HMOs,
religious communities ...): the caller says so with `owner_liable_class`.
"""

from __future__ import annotations

from dataclasses import dataclass

RANKS = ("freeholder", "leaseholder", "tenant", "licensee", "resident", "owner")


@dataclass(frozen=True)
class Occupant:
    name: str
    interest: str  # one of RANKS; "resident" for someone with no interest
    resident: bool = True
    age: int = 18
    partner_of: str | None = None  # name of a resident this person is the spouse/civil partner/partner of
    disregarded: bool = False  # student or severely mentally impaired


class LiabilityRuleError(ValueError):
    pass


@dataclass(frozen=True)
class LiableDecision:
    rank: str
    liable: tuple[str, ...]
    reason: str


def liable_persons(people: list[Occupant], owner_liable_class: bool = False) -> LiableDecision:
    """The liable rank and the names of everyone jointly and severally liable."""
    for p in people:
        if p.interest not in RANKS:
            raise LiabilityRuleError(f"'{p.interest}' is not an interest (use one of {', '.join(RANKS)}).")
    owners = [p for p in people if p.interest in ("owner", "freeholder")]
    residents = [p for p in people if p.resident and p.age >= 18]
    if owner_liable_class or not residents:
        if not owners:
            raise LiabilityRuleError("Nobody is resident and no owner is recorded: the owner must be found.")
        why = "owner liable instead of residents (SI 1992/551)" if owner_liable_class else "no resident: the owner is liable (s6(2)(f))"
        return LiableDecision("owner", tuple(p.name for p in owners), why)
    for rank in RANKS[:5]:
        at_rank = [p for p in residents if _rank_of(p) == rank]
        if at_rank:
            liable = [p.name for p in at_rank]
            names = set(liable)
            for p in residents:
                if p.partner_of in names and p.name not in names and not p.disregarded:
                    liable.append(p.name)
            letter = "abcde"[RANKS.index(rank)]
            return LiableDecision(rank, tuple(liable), f"resident {rank} (s6(2)({letter})); partners jointly liable (s9)")
    raise LiabilityRuleError("No liable person could be found.")  # pragma: no cover - residents always rank


def _rank_of(person: Occupant) -> str:
    return "freeholder" if person.interest == "owner" else person.interest
