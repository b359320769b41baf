"""`app.dto.plain`: `dataclasses.asdict` with keyword-named fields written under the keyword."""

from __future__ import annotations

import uuid
from collections import namedtuple
from dataclasses import asdict, dataclass, field
from datetime import date

from app.accounts.summary import PeriodDiscount, PeriodExemption
from app.dto import JsonView, json_key, jsonable, plain
from app.recovery.account_recovery import HoldRow

Pair = namedtuple("Pair", "a b")


@dataclass(frozen=True)
class _Inner:
    day: date
    key: uuid.UUID


@dataclass(frozen=True)
class _Outer(JsonView):
    name: str
    inner: _Inner
    items: list[_Inner]
    pair: tuple[int, ...]
    named: Pair
    counts: dict[str, int] = field(default_factory=dict)


def test_json_key_drops_the_underscore_of_a_keyword_only() -> None:
    assert [json_key(n) for n in ("from_", "class_", "to", "name_", "in_force", "_")] == [
        "from", "class", "to", "name_", "in_force", "_",
    ]


def test_plain_is_asdict_when_no_field_is_a_keyword() -> None:
    inner = _Inner(date(2025, 4, 1), uuid.uuid4())
    outer = _Outer("x", inner, [inner, inner], (1, 2), Pair(inner, 3), {"b": 1, "a": 2})
    assert plain(outer) == asdict(outer)
    assert list(plain(outer)) == list(asdict(outer))
    assert outer.to_json() == jsonable(asdict(outer))


def test_keyword_fields_keep_the_keys_the_json_has_always_had() -> None:
    key = uuid.uuid4()
    assert list(plain(PeriodDiscount(key, "SPD", date(2025, 4, 1), None, None))) == ["id", "kind", "from", "to", "empty_since"]
    assert list(plain(PeriodExemption(key, "E", date(2025, 4, 1), None))) == ["id", "class", "from", "to"]
    hold = HoldRow(key, "dispute", "says paid", date(2025, 4, 1), None, True)
    assert jsonable(plain(hold)) == {"hold_id": str(key), "kind": "dispute", "reason": "says paid", "from": "2025-04-01",
                                     "to": None, "in_force": True}
