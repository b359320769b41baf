"""The liability hierarchy: LGFA 1992 s6(2), joint liability s6(3) and s9;
../shared/domain/README.md §5."""

import pytest

from app.rules.liable_person import LiabilityRuleError, Occupant, liable_persons


def test_freeholder_before_tenant() -> None:
    decision = liable_persons([Occupant("Tenant", "tenant"), Occupant("Owner", "freeholder")])
    assert decision.liable == ("Owner",) and decision.rank == "freeholder"


def test_joint_tenants_and_partner_are_jointly_liable() -> None:
    people = [
        Occupant("A", "tenant"), Occupant("B", "tenant"), Occupant("C", "resident", partner_of="A"),
        Occupant("Lodger", "licensee"),
    ]
    assert liable_persons(people).liable == ("A", "B", "C")


def test_disregarded_partner_and_minors_are_not_liable() -> None:
    people = [Occupant("A", "tenant"), Occupant("S", "resident", partner_of="A", disregarded=True), Occupant("K", "tenant", age=16)]
    assert liable_persons(people).liable == ("A",)


def test_owner_when_nobody_is_resident_or_for_an_hmo() -> None:
    assert liable_persons([Occupant("Landlord", "owner", resident=False)]).rank == "owner"
    people = [Occupant("Landlord", "owner", resident=False), Occupant("T1", "tenant")]
    assert liable_persons(people, owner_liable_class=True).liable == ("Landlord",)
    with pytest.raises(LiabilityRuleError):
        liable_persons([Occupant("Child", "resident", age=12)])
