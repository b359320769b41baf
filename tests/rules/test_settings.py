"""Authority settings: the files we ship load to the expected typed values, every section
has defaults, and a bad file fails when it is read with a message naming the file and the
key path (wrong type, out of range, unknown key, bad date, bad nested table)."""

from __future__ import annotations

import pickle
import tomllib
from datetime import date
from pathlib import Path

import pytest

from app.paths import DEFAULT_SETTINGS
from app.rules.arrangements import ArrangementPolicy
from app.rules.benefit_deductions import LEGACY_SINGLE_25_WEEKLY_PENCE
from app.rules.discounts import PremiumPolicy
from app.rules.instalments import InstalmentPolicy
from app.rules.recovery_policy import RecoveryPolicy
from app.settings import (
    DEFAULT_DIARY_CODES,
    Authority,
    AuthoritySettings,
    BatchSettings,
    Contact,
    DiaryCodeSettings,
    RecoveryLetters,
    SettingsError,
    load_settings,
    parse_settings,
)
from tests.conftest import EXAMPLES, SHARED_EXAMPLES
from tests.services.court_venues import COURT_TOML, with_venues


def parse(text: str) -> AuthoritySettings:
    return parse_settings(tomllib.loads(text), "s.toml")


def test_the_built_in_file_loads_to_typed_values() -> None:
    s = load_settings(None)
    assert (s.name, s.country, s.source) == ("Example District Council", "england", str(DEFAULT_SETTINGS))
    assert sorted(s.years) == [2023, 2024, 2025, 2026, 2027]
    assert s.years[2025].band_d_pence[""] == 210000 and s.years[2025].band_d_pence["Old Quay"] == 216020
    assert s.years[2023].premiums == PremiumPolicy(long_term_empty={2: 100, 5: 200, 10: 300}, second_home=0)
    assert s.years[2025].premiums == PremiumPolicy(long_term_empty={1: 100, 5: 200, 10: 300}, second_home=100)
    assert s.parishes() == ["Abbey Parish", "Fenby", "Marshwick", "Old Quay"]
    policy = s.recovery_policy()
    assert (policy.summons_costs_pence, policy.liability_order_costs_pence, policy.minimum_balance_pence) == (8000, 2000, 500)
    assert len(policy.hearing_dates) == 20 and policy.hearing_dates[0] == date(2025, 7, 15)
    assert policy.hearing_dates == tuple(sorted(policy.hearing_dates))
    assert s.recovery.letters == RecoveryLetters()
    assert [s.recovery_letter_template(x) for x in ("reminder_1", "reminder_2", "final_notice", "summons")] == [
        "reminder", "reminder", "final_notice", "summons"]
    assert s.instalment_policy() == InstalmentPolicy()
    assert s.arrangements == ArrangementPolicy(tolerance_pence=100)
    assert s.diary_codes == DEFAULT_DIARY_CODES
    assert (s.batch, s.database_url, s.enforcement.agents) == (BatchSettings(), None, ())


def test_the_example_files_load() -> None:
    files = [EXAMPLES / "settings.toml", *sorted(SHARED_EXAMPLES.glob("*.toml"))]
    for path in files:
        s = load_settings(path)
        assert s.name == "Example District Council" and sorted(s.years) == [2025]
        assert s.recovery_policy().hearing_dates == (date(2025, 7, 15), date(2025, 8, 19), date(2025, 9, 23))
        assert (s.costs.summons_pence, s.costs.liability_order_pence) == (8000, 2000)
        assert s.arrangements == ArrangementPolicy()  # no [arrangements]: the built-in policy


def test_every_section_has_defaults() -> None:
    s = parse('[authority]\nname = "Anytown"\n')
    assert s == AuthoritySettings(authority=Authority(name="Anytown"), source="s.toml")
    assert (s.country, s.years, s.parishes()) == ("england", {}, [])
    assert s.recovery_policy() == RecoveryPolicy()
    assert s.instalment_policy() == InstalmentPolicy()
    assert s.arrangements == ArrangementPolicy()
    assert s.diary_codes == DEFAULT_DIARY_CODES
    assert s.recovery.breathing_space_days == 60
    assert s.recovery.safeguards == ("gone_away", "vulnerability", "escalation") == s.recovery_policy().safeguards
    assert parse('[recovery]\nsafeguards = []').recovery_policy().safeguards == ()  # a council may apply none
    assert s.benefit_deductions.legacy_single_25_weekly_pence == LEGACY_SINGLE_25_WEEKLY_PENCE
    assert s.benefit_deductions.dwp_address == ("Department for Work and Pensions", "Third Party Deductions")
    assert (s.batch.billing_chunk, s.batch.recovery_chunk, s.batch.arrangement_chunk) == (5000, 5000, 5000)
    assert s.court.lease_days_after_hearing == 7
    assert parse("") == AuthoritySettings(source="s.toml")  # even [authority] may be left out
    assert parse("").name == "Unnamed authority"


def test_welsh_councils_may_levy_up_to_300_percent() -> None:
    # LGFA 1992 s12A/s12B as amended: from 1 April 2023 up to +300% for long-term empty
    # homes (after one year) and second homes; England caps a one-year-empty home at +100%
    s = parse("""
[authority]
name = "Gwynedd"
country = "wales"
[years.2025]
band_d_pence = { "" = 200000 }
premiums = { long_term_empty = { "1" = 300 }, second_home = 150 }
""")
    assert s.years[2025].premiums == PremiumPolicy({1: 300}, 150)


def test_every_key_can_be_set() -> None:
    s = parse("""
[authority]
name = "Caerdydd"
country = "Wales"
[years.2026]
band_d_pence = { "" = 200000 }
premiums = { long_term_empty = { "1" = 100 }, second_home = 100 }
[contact]
address = ["County Hall", " Cardiff "]
phone = "029 2000 0000"
email = "treth@example.gov.uk"
web = "www.example.gov.uk"
opening_hours = "9 to 5"
pay_online = "www.example.gov.uk/pay"
payment_phone = "029 2000 0001"
bank_name = "Bank"
bank_sort_code = "12-34-56"
bank_account_number = "12345678"
bank_account_name = "Collection Fund"
[costs]
summons_pence = 7000
liability_order_pence = 0
[recovery]
reminder_days = 10
pay_within_days = 8
max_reminders = 1
summons_after_days = 21
hearing_lead_days = 15
service_days = 3
minimum_balance_pence = 1000
summons_limit_years = 6
hearing_dates = [2026-09-15, "2026-07-21", "2026-07-21"]
bank_holidays = ["2026-08-31"]
breathing_space_days = 61
[recovery.letters]
reminder_2 = "second_reminder"
[instalments]
default_count = 12
default_day = 28
notice_days = 15
single_after_december = true
[arrangements]
grace_days = 5
tolerance_pence = 50
minimum_instalment_pence = 100
clear_by_year_end = false
diary_code = "arrchk"
letter_template = "my_confirmation"
[diary_codes]
corr = { default_days = 5 }
SPD = "Single person discount review"
VULN = { active = false }
[enforcement]
agents = ["Bristow & Sutor", " Marston "]
[benefit_deductions]
legacy_single_25_weekly_pence = { "2026" = 9400 }
uc_standard_allowance_pence = { "2027" = { single_under_25 = 1, single_25_plus = 2, couple_under_25 = 3, couple_25_plus = 4 } }
dwp_address = ["DWP", "Mail Handling Site A"]
[database]
url = "postgresql://server/revdesk"
[batch]
billing_chunk = 1
recovery_chunk = 2
arrangement_chunk = 3
[court]
lease_days_after_hearing = 3
""")
    assert (s.name, s.country) == ("Caerdydd", "wales")
    assert s.contact == Contact(
        ("County Hall", "Cardiff"), "029 2000 0000", "treth@example.gov.uk", "www.example.gov.uk", "9 to 5",
        "www.example.gov.uk/pay", "029 2000 0001", "Bank", "12-34-56", "12345678", "Collection Fund",
    )
    assert s.years[2026].premiums == PremiumPolicy({1: 100}, 100)
    assert s.recovery_policy() == RecoveryPolicy(
        reminder_days=10, pay_within_days=8, max_reminders=1, summons_after_days=21, hearing_lead_days=15, service_days=3,
        minimum_balance_pence=1000, summons_limit_years=6, summons_costs_pence=7000, liability_order_costs_pence=0,
        hearing_dates=(date(2026, 7, 21), date(2026, 9, 15)), bank_holidays=(date(2026, 8, 31),),
    )
    assert s.recovery.breathing_space_days == 61
    assert (s.recovery_letter_template("reminder_1"), s.recovery_letter_template("reminder_2")) == ("reminder", "second_reminder")
    assert s.instalment_policy() == InstalmentPolicy(default_count=12, default_day=28, notice_days=15, single_after_december=True)
    assert s.arrangements == ArrangementPolicy(5, 50, 100, False, "ARRCHK", "my_confirmation")
    assert s.diary_codes["CORR"] == DiaryCodeSettings("Correspondence to answer", 5, "Billing")  # the rest from the built-in code
    assert s.diary_codes["SPD"] == DiaryCodeSettings("Single person discount review", 14, "")
    assert s.diary_codes["VULN"] == DiaryCodeSettings("Vulnerable — review", 7, "Welfare", active=False)
    assert s.enforcement.agents == ("Bristow & Sutor", "Marston")
    assert s.benefit_deductions.legacy_single_25_weekly_pence == {**LEGACY_SINGLE_25_WEEKLY_PENCE, 2026: 9400}
    assert s.benefit_deductions.dwp_address == ("DWP", "Mail Handling Site A")
    assert s.benefit_deductions.uc_standard_allowance_pence[2027] == {
        "single_under_25": 1, "single_25_plus": 2, "couple_under_25": 3, "couple_25_plus": 4}
    assert s.benefit_deductions.uc_standard_allowance_pence[2026]["single_25_plus"] == 42_490  # built-in years kept
    assert s.database_url == "postgresql://server/revdesk"
    assert s.batch == BatchSettings(1, 2, 3)
    assert s.court.lease_days_after_hearing == 3


@pytest.mark.parametrize(("text", "message"), [
    # wrong type
    ('[recovery]\nreminder_days = "seven"', "[recovery] reminder_days must be a whole number of 1 or more, not 'seven'."),
    ("[recovery]\nreminder_days = 7.5", "[recovery] reminder_days must be a whole number of 1 or more, not 7.5."),
    ("[costs]\nsummons_pence = true", "[costs] summons_pence must be a whole number of 0 or more, not true."),
    ('[arrangements]\nclear_by_year_end = "yes"', "[arrangements] clear_by_year_end must be true or false, not 'yes'."),
    ('[enforcement]\nagents = "Bristow"', "[enforcement] agents must be a list of text, not 'Bristow'."),
    ('[authority]\nname = ""', "[authority] name must not be empty."),
    ('[instalments]\ndefault_count = "10"', "[instalments] default_count must be 10 or 12, not '10'."),
    # out of range
    ("[recovery]\nhearing_lead_days = -1", "[recovery] hearing_lead_days must be a whole number of 14 or more, not -1."),
    # what the law forbids (AER 1992 regs 23, 34(3), 35(2A)): a council may be more generous, never less
    ("[recovery]\nhearing_lead_days = 13", "[recovery] hearing_lead_days must be a whole number of 14 or more, not 13."),
    ("[recovery]\npay_within_days = 6", "[recovery] pay_within_days must be a whole number of 7 or more, not 6."),
    ("[recovery]\nreminder_days = 0", "[recovery] reminder_days must be a whole number of 1 or more, not 0."),
    ("[recovery]\nmax_reminders = 3", "[recovery] max_reminders must be a whole number from 0 to 2, not 3."),
    ("[recovery]\nsummons_after_days = 10", "[recovery] summons_after_days must be a whole number of 14 or more, not 10."),
    ("[recovery]\nsummons_limit_years = 7", "[recovery] summons_limit_years must be a whole number from 1 to 6, not 7."),
    ("[recovery]\nservice_days = 11", "[recovery] service_days must be a whole number from 0 to 10, not 11."),
    ('[recovery]\nbank_holidays = ["2026-02-30"]',
     "[recovery] bank_holidays must be dates (YYYY-MM-DD): '2026-02-30' is not a date."),
    ("[instalments]\ndefault_day = 31", "[instalments] default_day must be a whole number from 1 to 28, not 31."),
    ("[instalments]\ndefault_count = 11", "[instalments] default_count must be 10 or 12, not 11."),
    ("[court]\nlease_days_after_hearing = -1",
     "[court] lease_days_after_hearing must be a whole number of 0 or more, not -1."),
    ("[batch]\nbilling_chunk = 0", "[batch] billing_chunk must be a whole number of 1 or more, not 0."),
    ("[recovery]\nbreathing_space_days = 0", "[recovery] breathing_space_days must be a whole number of 1 or more, not 0."),
    ('[recovery]\nsafeguards = ["gone_away", "dispute"]',
     "[recovery] safeguards must name only gone_away, vulnerability, escalation ('dispute' is not one)."),
    ('[authority]\ncountry = "scotland"', "[authority] country must be 'england' or 'wales', not 'scotland'."),
    ("[benefit_deductions]\ndwp_address = []", "[benefit_deductions] dwp_address must list at least 1."),
    # unknown key
    ("[recovery]\nreminder_dayz = 7", "unknown key [recovery] reminder_dayz."),
    ('[recovery.letters]\nreminder_3 = "reminder"', "unknown key [recovery.letters] reminder_3."),
    ("[costs]\nwarrant_pence = 100", "unknown key [costs] warrant_pence."),
    ("[recovry]\nreminder_days = 7", "unknown section [recovry]."),
    ('title = "x"', "unknown key title."),
    ('[diary_codes]\nTRACE = { description = "Trace", dayz = 3 }', "unknown key [diary_codes.TRACE] dayz."),
    # bad date
    ('[recovery]\nhearing_dates = ["2025-02-30"]',
     "[recovery] hearing_dates must be dates (YYYY-MM-DD): '2025-02-30' is not a date."),
    ("[recovery]\nhearing_dates = [2025-07-15T10:00:00]",
     "[recovery] hearing_dates must be dates (YYYY-MM-DD): 2025-07-15 10:00:00 is not a date."),
    ('[recovery]\nhearing_dates = "2025-07-15"',
     "[recovery] hearing_dates must be a list of dates (YYYY-MM-DD), not '2025-07-15'."),
    # bad nested table
    ("[diary_codes]\nTRACE = { default_days = -1 }",
     "[diary_codes.TRACE] default_days must be a whole number from 0 to 3660, not -1."),
    ("[diary_codes]\nTRACE = 5", "[diary_codes.TRACE] must be a table, not 5."),
    ("[diary_codes]\nSPD = { default_days = 30 }", "[diary_codes.SPD] description is required (text)."),
    ('[diary_codes]\n"ABCDEFGHIJKLMNOPQRSTU" = "Too long"',
     "[diary_codes] ABCDEFGHIJKLMNOPQRSTU is not a diary code (1 to 20 characters)."),
    ('[recovery]\nletters = "reminder"', "[recovery.letters] must be a table, not 'reminder'."),
    ("recovery = 7", "[recovery] must be a table, not 7."),
    ('[years.2025]\nband_d_pence = { "" = 210000, "Abbey Parish" = 0 }',
     '[years.2025.band_d_pence] "Abbey Parish" must be a whole number of 1 or more, not 0.'),
    ("[years.2025]\nband_d_pence = {}", '[years.2025] band_d_pence must map parish names ("" = unparished) to pence.'),
    ("[years.2025]\npremiums = { second_home = 100 }",
     '[years.2025] band_d_pence must map parish names ("" = unparished) to pence.'),
    ('[years.2025]\nband_d_pence = { "" = 1 }\npremiums = { second_home = 150 }',
     "[years.2025.premiums] second_home must be a whole number from 0 to 100, not 150."),
    # premiums the law does not allow in England that year (LGFA 1992 s11B, s11C as amended)
    ('[years.2024]\nband_d_pence = { "" = 1 }\npremiums = { second_home = 100 }',
     "[years.2024.premiums] second_home must be a whole number from 0 to 0, not 100."),
    ('[years.2025]\nband_d_pence = { "" = 1 }\npremiums = { long_term_empty = { "1" = 200 } }',
     "[years.2025.premiums.long_term_empty] 1 must be a whole number from 0 to 100, not 200."),
    ('[years.2025]\nband_d_pence = { "" = 1 }\npremiums = { long_term_empty = { "9" = 300 } }',
     "[years.2025.premiums.long_term_empty] 9 must be a whole number from 0 to 200, not 300."),
    ('[years.2023]\nband_d_pence = { "" = 1 }\npremiums = { long_term_empty = { "1" = 100 } }',
     "[years.2023.premiums.long_term_empty] 1 is too soon: a home is long-term empty after 2 whole years that year."),
    ('[authority]\ncountry = "wales"\n[years.2025]\nband_d_pence = { "" = 1 }\npremiums = { second_home = 301 }',
     "[years.2025.premiums] second_home must be a whole number from 0 to 300, not 301."),
    ('[years.2025]\nband_d_pence = { "" = 1 }\npremiums = { long_term_empty = { "one" = 100 } }',
     '[years.2025.premiums.long_term_empty] one must be whole years empty, such as "1".'),
    ('[years.2025]\nband_d_pence = { "" = 1 }\nband_e_pence = 5', "unknown key [years.2025] band_e_pence."),
    ('[years.twenty]\nband_d_pence = { "" = 1 }', "[years.twenty] is not a year such as 2025."),
    # bank details a taxpayer would pay into: a typo sends money to someone else
    ('[contact]\nbank_sort_code = "123456"\nbank_account_number = "12345678"',
     '[contact] bank_sort_code must be a sort code such as "12-34-56".'),
    ('[contact]\nbank_sort_code = "12-34-56"\nbank_account_number = "1234567"',
     "[contact] bank_account_number must be the 8 digits of a bank account number."),
    ('[contact]\nbank_sort_code = "12-34-56"',
     "[contact] bank_account_number is needed too: a bank transfer needs both the sort code and the account number."),
    ('[benefit_deductions.uc_standard_allowance_pence]\n"2027" = { single_25_plus = 44000 }',
     "[benefit_deductions.uc_standard_allowance_pence.2027] single_under_25 is required (a whole number of 1 or more)."),
    # precepts: each authority's Band D amount, adding up to the Band D charge (SI 2011/3038 Sch 1)
    ('[years.2025]\nband_d_pence = { "" = 1000, "P" = 1100 }\nprecepts = { "District" = 300, "County" = 600 }',
     "[years.2025] precepts add up to 900, not the unparished Band D charge 1000: each authority's Band D amount, "
     "the billing authority's own among them, must add up to it."),
    ('[years.2025]\nband_d_pence = { "P" = 800 }\nprecepts = { "District" = 300, "County" = 600 }',
     "[years.2025] precepts add up to 900, more than the Band D charge of P."),
    ('[years.2025]\nband_d_pence = { "" = 900 }\nprecepts = { "District" = 300, "County" = 600 }\n'
     'adult_social_care = { "Police" = 10 }',
     "[years.2025.adult_social_care] Police must be one of the authorities in precepts (its adult social care "
     "precept is part of that authority's amount)."),
    ('[years.2025]\nband_d_pence = { "" = 900 }\nprecepts = { "District" = 300, "County" = 600 }\n'
     'adult_social_care = { "County" = 601 }',
     "[years.2025.adult_social_care] County is more than that authority's whole amount (600)."),
    ('[authority]\ncountry = "wales"\n[years.2025]\nband_d_pence = { "" = 900 }\nprecepts = { "County" = 900 }\n'
     'adult_social_care = { "County" = 10 }',
     "[years.2025] adult_social_care is for English councils only (the adult social care precept does not exist in Wales)."),
    # hearing venues: the summons names one court for each hearing date
    ('[court.venues.a]\nname = "A"\ntime = "9.30"', '[court.venues.a] time must be a 24-hour time such as "10:00", not "9.30".'),
    ('[court.venues.a]\naddress = ["x"]', "[court.venues.a] name is required (text)."),
    ('[court.venues.a]\nname = "A"\ndates = ["2026-07-21"]\n[court.venues.b]\nname = "B"\ndates = ["2026-07-21"]\n'
     '[court]\ndefault_venue = "a"',
     "[court.venues] b lists 2026-07-21, which [court.venues.a] lists too: a hearing date is held at one venue."),
    ('[court.venues.a]\nname = "A"\n[court.venues.b]\nname = "B"',
     "[court] default_venue is required when there is more than one venue."),
    ('[court]\ndefault_venue = "c"\n[court.venues.a]\nname = "A"', "[court] default_venue must be one of the venues (a)."),
    ('[court.venues."Main Court"]\nname = "A"',
     "[court.venues] \"Main Court\" is not a venue key (lower case letters, digits, _ and -, up to 40)."),
    ('[benefit_deductions.legacy_single_25_weekly_pence]\n"2026" = "9400"',
     "[benefit_deductions.legacy_single_25_weekly_pence] 2026 must be a whole number of 1 or more, not '9400'."),
])
def test_a_bad_file_names_the_file_and_the_key(text: str, message: str) -> None:
    with pytest.raises(SettingsError) as err:
        parse(text)
    assert str(err.value) == f"s.toml: {message}"


def test_load_settings_names_the_file_it_read(tmp_path: Path) -> None:
    path = tmp_path / "council.toml"
    path.write_text("[recovery]\nreminder_dayz = 7\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=f"^{path}: unknown key \\[recovery\\] reminder_dayz.$"):
        load_settings(path)


def test_court_venues_name_the_court_and_time_of_each_hearing() -> None:
    """A summons must say where and when to attend: each hearing date has a venue (its own,
    or the default), and a venue's dates join `[recovery] hearing_dates` for the engine."""
    s = parse((EXAMPLES / "settings.toml").read_text(encoding="utf-8") + COURT_TOML)
    assert s.recovery_policy().hearing_dates == (date(2025, 7, 15), date(2025, 8, 19), date(2025, 9, 23))
    assert s.court == with_venues(s).court  # the file and the tests' helper agree
    july, september = s.court.venue_for(date(2025, 7, 15)), s.court.venue_for(date(2025, 9, 23))
    assert july is not None and september is not None
    assert (july.name, july.address[0], july.time_text) == ("Exampleton Magistrates' Court", "The Court House", "10:00am")
    assert (september.name, september.time_text) == ("Fenby Magistrates' Court", "2:00pm")
    assert s.court.venue_for(None) is None
    only = parse('[recovery]\nhearing_dates = ["2026-07-21"]\n[court.venues.main]\nname = "Main"\ntime = "12:15"\n'
                 'dates = ["2026-08-18"]')
    assert only.court.default_venue == "main"  # the only venue is the default
    assert only.recovery.hearing_dates == (date(2026, 7, 21), date(2026, 8, 18))
    assert [only.court.venue_for(d).time_text for d in only.recovery.hearing_dates] == ["12:15pm", "12:15pm"]  # type: ignore[union-attr]
    assert parse("").court.venue_for(date(2026, 7, 21)) is None  # no venue set up: an older file still loads


def test_settings_travel_to_a_worker_process() -> None:
    """Demo data generation hands the settings to a second process."""
    settings = load_settings(None)
    assert pickle.loads(pickle.dumps(settings)) == settings
