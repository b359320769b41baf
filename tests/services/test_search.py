"""Type-ahead search over reference, names, address and postcode on both databases."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.search import search_accounts
from app.accounts.search_index import full_postcode, pair_key, pair_keys, words
from app.accounts.summary import account_summary
from app.bootstrap import AppContext
from app.config import AuthoritySettings
from app.demo.generate import generate_demo
from app.models import Account
from tests.services.helpers import load_examples

AS_OF = date(2026, 11, 23)


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    return ctx


def refs(ctx: AppContext, text: str, limit: int = 20) -> list[str]:
    with ctx.db.uow() as uow:
        return [r.account_ref for r in search_accounts(uow, text, limit, as_of=AS_OF)]


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
        (row,) = search_accounts(uow, "hughes", 5, as_of=AS_OF)
    assert row.to_json() == {
        "account_ref": "70000001", "name": "Mr Daniel Hughes", "address": "12 Station Road, Exampleton",
        "postcode": "EX1 4QT", "balance_pence": -24600, "recovery_stage": "none", "hold": None,
    }


def test_limit(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=150, seed=3, as_of=date(2026, 11, 23))
    assert len(refs(ctx, "e", limit=7)) == 7


def test_o_brien_is_found(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=600, seed=5, as_of=date(2026, 11, 23))
    with ctx.db.uow() as uow:
        results = search_accounts(uow, "O'Brien", 50, as_of=AS_OF)
    assert results and all("O'Brien" in r.name for r in results)



@pytest.mark.parametrize(
    ("text", "compact"), [("EX1 2LX", "ex12lx"), ("ex12lx", "ex12lx"), ("SW1A 1AA", "sw1a1aa"), (" ec1a 1bb ", "ec1a1bb")]
)
def test_full_postcodes_are_recognised(text: str, compact: str) -> None:
    assert full_postcode(text) == compact


@pytest.mark.parametrize("text", ["EX1", "12 station", "hughes", "EX1 2L", "1234567"])
def test_other_text_is_not_a_postcode(text: str) -> None:
    assert full_postcode(text) is None


def test_full_postcode_matches_only_that_postcode(loaded: AppContext) -> None:
    assert sorted(refs(loaded, "EX2 9LL")) == ["70000002", "70000003"]
    assert refs(loaded, "EX1 4QT") == ["70000001"]


def _expected(ctx: AppContext, text: str) -> set[str]:
    """Brute force: accounts whose search text has every typed word as a word prefix."""
    terms = words(text)
    with ctx.db.uow() as uow:
        rows = uow.session.execute(select(Account.account_ref, Account.search_text)).all()
    return {ref for ref, st in rows if all(f" {t}" in st for t in terms)}


@pytest.fixture
def demo300(ctx: AppContext, demo_settings: AuthoritySettings) -> AppContext:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=300, seed=11, as_of=date(2026, 11, 23))
    return ctx


def test_several_words_find_exactly_the_accounts_holding_them(demo300: AppContext) -> None:
    """Every shape of several-word query (both words long, a two- or one-character word,
    one word the prefix of the other, a reference beside a name) finds the same accounts as
    a brute-force scan, on both databases: on PostgreSQL these take different index paths."""
    with demo300.db.uow() as uow:
        texts = [st for (st,) in uow.session.execute(select(Account.search_text).limit(40))]
    queries: list[str] = []
    for st in texts:
        ref, first, *rest = st.split()
        last = rest[-3] if len(rest) >= 3 else first
        queries += [f"{first[:3]} {last[:3]}", f"{last} {first[:2]}", f"{first[:4]} {last[:1]}",
                    f"{first} {first[:2]}", f"{ref} {first[:3]}", f"{first[:3]} {last[:3]} {rest[0][:2]}"]
    checked = 0
    for query in queries:
        expected = _expected(demo300, query)
        if len(expected) <= 100:
            assert set(refs(demo300, query, limit=100)) == expected, query
            checked += 1
    assert checked > 100


def test_search_follows_a_changed_search_text(ctx: AppContext, examples: Path) -> None:
    """The word table (PostgreSQL) and FTS5 (SQLite) are kept in step by the database."""
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        account = uow.session.execute(select(Account).where(Account.account_ref == "70000001")).scalar_one()
        account.search_text = " 70000001 zebedee quixley 12 station road exampleton ex1 4qt ex14qt"
        uow.commit()
    assert refs(ctx, "hughes") == []
    assert refs(ctx, "quix") == ["70000001"]
    assert refs(ctx, "zeb qui") == ["70000001"]
    assert refs(ctx, "dan hug") == []


@pytest.mark.parametrize(
    ("terms", "keys"),
    [
        (["dan", "hug"], ["dan_hug"]),
        (["hughes", "daniel"], ["dan_hug"]),                 # byte order, whatever was typed first
        (["12", "station"], ["12_sta", *[f"12{c}_sta" for c in "0123456789abcdefghijklmnopqrstuvwxyz"]]),
        (["ab", "station"], ["ab_sta", *[f"ab{c}_sta" for c in "0123456789abcdefghijklmnopqrstuvwxyz"]]),
        (["zo", "station"], ["sta_zo", *[f"sta_zo{c}" for c in "0123456789abcdefghijklmnopqrstuvwxyz"]]),
        (["mary", "mar"], None),                             # one word may match both
        (["70000001", "hug"], None),                         # a reference is not in the pair index
        (["jo", "sm"], None),                                # no word of three characters
    ],
)
def test_pair_keys(terms: list[str], keys: list[str] | None) -> None:
    found = pair_keys(terms)
    assert (sorted(found) if found is not None else None) == (sorted(keys) if keys is not None else None)


def test_pair_keys_for_a_one_character_word_cover_every_completion() -> None:
    keys = pair_keys(["5", "high"])
    assert keys is not None and len(keys) == 1 + 36 + 36 * 36
    assert pair_key("high", "5") in keys and pair_key("high", "52a") in keys and pair_key("high", "5zz") in keys


def test_results_agree_with_the_account_header(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    """Issue 16 part 2: a result's balance, stage and hold are the account summary's (the
    header's) on the same day, so an officer can tell which Smith is at summons or on hold."""
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=150, seed=3, as_of=AS_OF)
    with ctx.db.uow() as uow:
        results = search_accounts(uow, "a", 60, as_of=AS_OF)
        summaries = {r.account_ref: account_summary(uow, r.account_ref, AS_OF) for r in results}
    assert len(results) > 20
    for r in results:
        s = summaries[r.account_ref]
        held = s.recovery.holds[0].kind if s.recovery.holds else None
        assert (r.balance_pence, r.recovery_stage, r.hold) == (s.balance_pence, s.recovery.stage, held), r.account_ref
    assert {r.recovery_stage for r in results} - {"none"}, "the demo data has accounts in recovery"
