"""Type-ahead search over reference, names, address and postcode on both databases."""

from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import AppContext
from app.config import AuthoritySettings
from app.services.demo import generate_demo
from app.services.search import search_accounts
from app.services.search_index import full_postcode
from tests.services.helpers import load_examples


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    return ctx


def refs(ctx: AppContext, text: str, limit: int = 20) -> list[str]:
    with ctx.db.uow() as uow:
        return [r.account_ref for r in search_accounts(uow, text, limit)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hughes", "70000001"), ("hug", "70000001"), ("dan hug", "70000001"), ("70000001", "70000001"),
        ("7000000", "70000001"), ("EX1 4QT", "70000001"), ("ex14qt", "70000001"), ("12 station", "70000001"),
        ("marcus", "70000002"), ("reid", "70000002"), ("harbour", "70000002"), ("rose cott", "70000004"),
        ("DOYLE", "70000004"), ("Dóyle", "70000004"),
    ],
)
def test_finds_by_any_field(loaded: AppContext, query: str, expected: str) -> None:
    assert expected in refs(loaded, query)


def test_exact_reference_ranks_first(loaded: AppContext) -> None:
    assert refs(loaded, "70000003")[0] == "70000003"
    assert len(refs(loaded, "7000000")) == 5


def test_words_must_all_match(loaded: AppContext) -> None:
    assert refs(loaded, "hughes bennett") == []
    assert refs(loaded, "zzz") == []


@pytest.mark.parametrize("query", ["O'Brien", '"', "AND OR NOT", "*", "-", "NEAR(", "%_", "'; drop table account; --", ""])
def test_punctuation_never_breaks_the_query(loaded: AppContext, query: str) -> None:
    refs(loaded, query)  # no exception on either database


def test_result_rows_carry_summary_fields(loaded: AppContext) -> None:
    with loaded.db.uow() as uow:
        (row,) = search_accounts(uow, "hughes", 5)
    assert row.to_json() == {
        "account_ref": "70000001", "name": "Mr Daniel Hughes", "address": "12 Station Road, Exampleton",
        "postcode": "EX1 4QT", "balance_pence": -24600,
    }


def test_limit(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=150, seed=3, as_of=date(2026, 11, 23))
    assert len(refs(ctx, "e", limit=7)) == 7


def test_o_brien_is_found(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=600, seed=5, as_of=date(2026, 11, 23))
    with ctx.db.uow() as uow:
        results = search_accounts(uow, "O'Brien", 50)
    assert results and all("O'Brien" in r.name for r in results)



@pytest.mark.parametrize(("text", "compact"), [("EX1 2LX", "ex12lx"), ("ex12lx", "ex12lx"), ("SW1A 1AA", "sw1a1aa"), (" ec1a 1bb ", "ec1a1bb")])
def test_full_postcodes_are_recognised(text: str, compact: str) -> None:
    assert full_postcode(text) == compact


@pytest.mark.parametrize("text", ["EX1", "12 station", "hughes", "EX1 2L", "1234567"])
def test_other_text_is_not_a_postcode(text: str) -> None:
    assert full_postcode(text) is None


def test_full_postcode_matches_only_that_postcode(loaded: AppContext) -> None:
    assert sorted(refs(loaded, "EX2 9LL")) == ["70000002", "70000003"]
    assert refs(loaded, "EX1 4QT") == ["70000001"]
