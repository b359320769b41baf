"""Write-off rules: the scheme of delegation's limits and the statute-barred test, against
worked examples (SI 1992/613 reg 34(3): six years beginning with the day the sum fell due)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from app.rules.writeoffs import (
    DEFAULT_APPROVAL_LIMITS,
    DEFAULT_REASONS,
    WriteOffReason,
    describe_limit,
    limit_refusal,
    statute_barred,
    within_limit,
)
from app.settings import AuthoritySettings, SettingsError, load_settings, parse_settings
from app.users.roles import Role


def test_the_default_scheme_names_every_role_and_rises_with_it() -> None:
    assert list(DEFAULT_APPROVAL_LIMITS) == [r.label for r in Role]
    assert DEFAULT_APPROVAL_LIMITS["officer"] == 0
    assert DEFAULT_APPROVAL_LIMITS["team_leader"] == 100_000 and DEFAULT_APPROVAL_LIMITS["manager"] == 1_000_000
    assert DEFAULT_APPROVAL_LIMITS["admin"] is None


def test_the_default_reasons_are_the_ones_the_issue_names() -> None:
    assert list(DEFAULT_REASONS) == ["insolvency", "deceased", "gone_away", "uneconomical", "statute_barred", "other"]
    assert DEFAULT_REASONS["other"].note_required and not DEFAULT_REASONS["uneconomical"].note_required
    assert DEFAULT_REASONS["insolvency"].evidence and not DEFAULT_REASONS["uneconomical"].evidence
    assert DEFAULT_REASONS["statute_barred"].statute_barred


@pytest.mark.parametrize(("amount", "limit", "ok"), [
    (100_000, 100_000, True),  # a limit is inclusive: £1,000 approves exactly £1,000
    (100_001, 100_000, False),
    (1, 0, False),  # an officer may only propose
    (50_000_000, None, True),  # no limit
])
def test_within_limit(amount: int, limit: int | None, ok: bool) -> None:
    assert within_limit(amount, limit) is ok
    assert (limit_refusal("tom", "team_leader", amount, limit) is None) is ok


def test_refusals_say_why_in_one_sentence() -> None:
    assert limit_refusal("tom", "team_leader", 150_000, 100_000) == (
        "The write-off of £1,500.00 is above tom's limit as a team leader (£1,000.00): it needs someone with a "
        "higher limit in the scheme of delegation."
    )
    assert limit_refusal("olivia", "officer", 100, 0) == "olivia is an officer and may propose write-offs but not decide them."
    assert describe_limit(None) == "no limit" and describe_limit(0) == "none (may propose only)"
    assert describe_limit(100_000) == "£1,000.00"


@pytest.mark.parametrize(("fell_due", "as_of", "barred"), [
    # 2018/19's last instalment fell due on 31 March 2019: the six years beginning with that
    # day end on 30 March 2025, so a summons could still be issued that day, not the next.
    (date(2019, 3, 31), date(2025, 3, 30), False),
    (date(2019, 3, 31), date(2025, 3, 31), True),
    # A sum due 1 May 2019: last day for a summons 30 April 2025.
    (date(2019, 5, 1), date(2025, 4, 30), False),
    (date(2019, 5, 1), date(2025, 5, 1), True),
    # 29 February: the sixth anniversary falls on 28 February (add_months clamps the day).
    (date(2020, 2, 29), date(2026, 2, 27), False),
    (date(2020, 2, 29), date(2026, 2, 28), True),
])
def test_six_years_beginning_with_the_day_the_sum_fell_due(fell_due: date, as_of: date, barred: bool) -> None:
    assert statute_barred(fell_due, as_of, liability_order=False) is barred


def test_a_liability_order_means_the_debt_is_not_statute_barred() -> None:
    assert not statute_barred(date(2015, 3, 31), date(2026, 12, 1), liability_order=True)


# --- the settings file's [writeoffs] section -------------------------------------------------


def parse(text: str) -> AuthoritySettings:
    return parse_settings(tomllib.loads(text), "s.toml")


def test_the_built_in_file_states_the_defaults() -> None:
    built_in = load_settings(None).writeoffs
    assert built_in == parse("").writeoffs
    assert dict(built_in.reasons) == dict(DEFAULT_REASONS)
    assert dict(built_in.approval_limits_pence) == dict(DEFAULT_APPROVAL_LIMITS)
    assert built_in.limit_for("manager") == 1_000_000 and built_in.limit_for("nobody") == 0


def test_a_council_sets_its_own_reasons_and_limits() -> None:
    s = parse("""
[writeoffs]
approval_limits_pence = { officer = 10000, manager = 50000000 }
[writeoffs.reasons]
insolvency = { evidence = "the Insolvency Service case number" }
remitted = { label = "Remitted by the court", note_required = true }
""").writeoffs
    assert list(s.reasons) == ["insolvency", "remitted"]  # the council's list replaces the built-in one
    assert s.reasons["insolvency"].label == DEFAULT_REASONS["insolvency"].label  # missing keys from the default
    assert s.reasons["insolvency"].evidence == "the Insolvency Service case number"
    assert s.reasons["remitted"] == WriteOffReason("remitted", "Remitted by the court", note_required=True)
    assert dict(s.approval_limits_pence) == {"officer": 10000, "team_leader": 100_000, "manager": 50_000_000,
                                             "admin": None}


@pytest.mark.parametrize(("text", "message"), [
    ("[writeoffs]\napproval_limits_pence = { clerk = 5 }",
     "[writeoffs.approval_limits_pence] clerk is not a role (use one of officer, team_leader, manager, admin)."),
    ("[writeoffs]\napproval_limits_pence = { manager = 5000 }",
     "[writeoffs.approval_limits_pence] manager must be at least the limit of the roles below it."),
    ('[writeoffs]\napproval_limits_pence = { team_leader = "unlimited" }',
     "[writeoffs.approval_limits_pence] manager must be at least the limit of the roles below it."),
    ('[writeoffs]\napproval_limits_pence = { team_leader = "lots" }',
     "[writeoffs.approval_limits_pence] team_leader must be a whole number from 0 to 1000000000, not 'lots'."),
    ('[writeoffs.reasons]\n"Bad Code" = { label = "x" }',
     '[writeoffs.reasons] "Bad Code" is not a reason code (lower case letters, digits and _, up to 40).'),
    ("[writeoffs.reasons]\nremitted = { note_required = true }", "[writeoffs.reasons.remitted] label is required (text)."),
    ('[writeoffs.reasons]\nother = { label = "Other", notes = true }', "unknown key [writeoffs.reasons.other] notes."),
])
def test_a_bad_writeoffs_section_names_the_key(text: str, message: str) -> None:
    with pytest.raises(SettingsError) as err:
        parse(text)
    assert str(err.value) == f"s.toml: {message}"
