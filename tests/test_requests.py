"""Typed requests and the one command layer (design.md rule 5; the offline court journal
stores exactly these requests, so they must read back exactly as written)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
import uuid
from datetime import date
from enum import Enum
from typing import Any, get_args, get_origin, get_type_hints

import pytest

import app.application  # noqa: F401 - registers every use case
from app.billing.requests import MoveIn, MoveOut, NewTaxpayer
from app.errors import NotAllowed, ValidationError
from app.requests import REGISTRY, USE_CASES, Request, from_json, shallow_fields, to_json
from app.users.roles import Actor, Role

ALL = sorted(REGISTRY.values(), key=lambda cls: cls.name)


def sample(hint: Any, filled: bool, seed: int) -> Any:
    """A value of type `hint` (None for optional ones unless `filled`)."""
    options = get_args(hint) if get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    if type(None) in options and not filled:
        return None
    hint = next(o for o in options if o is not type(None))
    origin = get_origin(hint)
    if origin is tuple:
        return (sample(get_args(hint)[0], filled, seed), sample(get_args(hint)[0], filled, seed + 1))
    if origin is not None:  # Mapping[str, Any]: JSON-shaped data
        return {"income": {"earnings": {"amount_pence": 30_000 + seed, "period": "weekly"}}, "period": "monthly"}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return list(hint)[seed % len(hint)]
    if hint is bool:
        return bool(seed % 2)
    if hint is int:
        return 1_234 + seed
    if hint is str:
        return f"text {seed} — £1,234.56 \"quoted\""
    if hint is date:
        return date(2025, 4, 1 + seed % 28)
    if hint is uuid.UUID:
        return uuid.UUID(int=seed + 1)
    if dataclasses.is_dataclass(hint):
        hints = get_type_hints(hint)
        return hint(**{f.name: sample(hints[f.name], filled, seed + i) for i, f in enumerate(dataclasses.fields(hint))})
    raise AssertionError(f"no sample for {hint!r}")


def build(cls: type[Request[Any]], filled: bool) -> Request[Any]:
    hints = get_type_hints(cls)
    return cls(**{f.name: sample(hints[f.name], filled, i) for i, f in enumerate(dataclasses.fields(cls))})  # type: ignore[call-arg]


def test_every_request_has_one_use_case() -> None:
    assert len(REGISTRY) >= 50
    assert {cls for cls in REGISTRY.values()} == set(USE_CASES)


@pytest.mark.parametrize("cls", ALL, ids=lambda cls: cls.name)
@pytest.mark.parametrize("filled", [False, True], ids=["optional-empty", "all-filled"])
def test_requests_read_back_exactly_as_written(cls: type[Request[Any]], filled: bool) -> None:
    """Through JSON text, as the court journal stores them: equal, field for field, type for type."""
    original = build(cls, filled)
    stored = json.dumps(to_json(original))
    again = from_json(json.loads(stored))
    assert again == original
    assert type(again) is cls
    for f in dataclasses.fields(original):
        assert type(getattr(again, f.name)) is type(getattr(original, f.name)), f.name


def test_the_stored_form_names_the_request_and_its_version() -> None:
    request = MoveOut(period_id=uuid.UUID(int=7), end_date=date(2025, 6, 30), as_of=date(2025, 7, 1))
    assert to_json(request) == {
        "request": "billing.move_out", "version": 1,
        "fields": {"period_id": "00000000-0000-0000-0000-000000000007", "end_date": "2025-06-30", "as_of": "2025-07-01",
                   "forwarding_address": ""},
    }
    # a move out journalled before the forwarding address was asked for still reads (the field has a default)
    older = {"request": "billing.move_out", "version": 1,
             "fields": {"period_id": "00000000-0000-0000-0000-000000000007", "end_date": "2025-06-30", "as_of": "2025-07-01"}}
    assert from_json(older) == request


def _stored(**changes: Any) -> dict[str, Any]:
    data = to_json(MoveIn(uprn="1", taxpayer=NewTaxpayer(surname="Ng"), start_date=date(2025, 5, 1),
                          as_of=date(2025, 5, 2)))
    data.update({k: v for k, v in changes.items() if k != "fields"})
    data["fields"].update(changes.get("fields", {}))
    return data


@pytest.mark.parametrize(("data", "field"), [
    (_stored(request="billing.move_sideways"), "request"),
    (_stored(version=2), "version"),
    (_stored(fields={"colour": "red"}), "colour"),
    (_stored(fields={"start_date": "1 May"}), "start_date"),
    (_stored(fields={"instalment_count": "10"}), "instalment_count"),
    (_stored(fields={"instalment_count": True}), "instalment_count"),
    (_stored(fields={"taxpayer": {"forenames": "Jo"}}), "surname"),
    (_stored(fields={"uprn": None}), "uprn"),
])
def test_a_stored_request_that_cannot_be_read_back_is_refused(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        from_json(data)
    assert refused.value.field == field


def test_a_missing_field_is_refused() -> None:
    data = _stored()
    del data["fields"]["as_of"]
    with pytest.raises(ValidationError, match="lacks its 'as_of'"):
        from_json(data)


@pytest.mark.parametrize("cls", [c for c in ALL if USE_CASES[c].role > Role.OFFICER], ids=lambda cls: cls.name)
def test_a_use_case_refuses_a_user_below_its_role_before_doing_anything(cls: type[Request[Any]]) -> None:
    """The declared role is checked before the use case runs: no unit of work is even needed."""
    use = USE_CASES[cls]
    below = Actor(username="ollie", role=Role(use.role - 1))
    context = {"uow": None, "db": None, "actor": below, "settings": None}
    with pytest.raises(NotAllowed, match=f"cannot {use.action}"):
        use.function(*(context[name] for name in use.context), **shallow_fields(build(cls, True)))


# --- upcasters: a request stored by an older version --------------------------------------------

@pytest.fixture
def versioned() -> Any:
    """A request at version 3 whose version 1 stored the amount as pounds text ("12.50") and
    version 2 called the account `ref`: an upcaster for each step (removed afterwards)."""
    from app.money import parse_pounds
    from app.requests import UPCASTERS, request, upcaster

    @request("test.versioned", version=3)
    class Versioned(Request[None]):
        account_ref: str
        amount_pence: int

    @upcaster("test.versioned", 1)
    def pounds_to_pence(fields: dict[str, Any]) -> dict[str, Any]:
        return {"ref": fields["ref"], "amount_pence": parse_pounds(fields["amount"])}

    @upcaster("test.versioned", 2)
    def ref_renamed(fields: dict[str, Any]) -> dict[str, Any]:
        return {"account_ref": fields["ref"], "amount_pence": fields["amount_pence"]}

    yield Versioned
    REGISTRY.pop("test.versioned")
    UPCASTERS.pop(("test.versioned", 1))
    UPCASTERS.pop(("test.versioned", 2))


def test_an_older_request_is_upcast_step_by_step(versioned: Any) -> None:
    v1 = {"request": "test.versioned", "version": 1, "fields": {"ref": "70000001", "amount": "12.50"}}
    v2 = {"request": "test.versioned", "version": 2, "fields": {"ref": "70000001", "amount_pence": 1250}}
    expected = versioned(account_ref="70000001", amount_pence=1250)
    assert from_json(v1) == from_json(v2) == expected
    assert to_json(expected)["version"] == 3
    with pytest.raises(ValidationError, match="is version 4; this version of Revenues Desk reads version 3"):
        from_json({**v1, "version": 4})  # newer than this version: refused, never guessed
    with pytest.raises(ValidationError, match="is version 0"):
        from_json({**v1, "version": 0})


def test_an_older_version_with_no_upcaster_is_refused(versioned: Any) -> None:
    from app.requests import UPCASTERS

    step = UPCASTERS.pop(("test.versioned", 1))
    try:
        with pytest.raises(ValidationError, match=r"is version 1, and this version .* has no way to read it"):
            from_json({"request": "test.versioned", "version": 1, "fields": {"ref": "1", "amount": "1.00"}})
    finally:
        UPCASTERS[("test.versioned", 1)] = step


def test_a_stored_request_corrected_with_values_typed_as_text() -> None:
    """`court resolve --set`: each value read as the field's type (a date, text), else JSON
    (a number, null); an unknown field or a value of the wrong type is refused by name."""
    from app.payments.requests import PostPayment
    from app.requests import with_changes

    stored = to_json(PostPayment(account_ref="70000001", amount_pence=2500, received_on=date(2025, 7, 15),
                                 method="cash", reference="COURT-1", as_of=date(2025, 7, 15)))
    changed = from_json(with_changes(stored, {"amount_pence": "3000", "received_on": "2025-07-16",
                                              "reference": "1234"}))
    assert isinstance(changed, PostPayment)
    assert (changed.amount_pence, changed.received_on, changed.reference) == (3000, date(2025, 7, 16), "1234")
    assert changed.account_ref == "70000001"
    with pytest.raises(ValidationError, match="no field 'colour'"):
        with_changes(stored, {"colour": "red"})
    with pytest.raises(ValidationError) as refused:
        with_changes(stored, {"amount_pence": "lots"})
    assert refused.value.field == "amount_pence"
    with pytest.raises(ValidationError) as refused:
        with_changes(stored, {"received_on": "16/07/2025"})
    assert refused.value.field == "received_on"
