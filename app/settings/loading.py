"""Reading the authority settings file once, at start, into `AuthoritySettings`.

Each section has a small reader that takes every key it knows, with the default from the
section's dataclass, checks it and builds the typed value; a key it does not know is an
error (`Table.close`). So a bad file stops the application before any work starts, with
a message naming the file and the key path.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from app.money import MAX_ITEM_PENCE
from app.paths import DEFAULT_SETTINGS
from app.rules.arrangements import ArrangementPolicy
from app.rules.benefit_deductions import UC_CATEGORIES
from app.rules.discounts import PremiumLimits, PremiumPolicy, premium_limits
from app.rules.safeguards import SAFEGUARD_KINDS
from app.rules.service import STATUTORY_HEARING_LEAD_DAYS
from app.rules.writeoffs import DEFAULT_APPROVAL_LIMITS, DEFAULT_REASONS, WriteOffReason
from app.settings.reader import REQUIRED, SettingsError, Table
from app.settings.schema import (
    COUNTRIES,
    DEFAULT_DIARY_CODES,
    Authority,
    AuthoritySettings,
    BatchSettings,
    BenefitDeductionSettings,
    Contact,
    Costs,
    CourtSettings,
    CourtVenue,
    DatabaseSettings,
    DiaryCodeSettings,
    EnforcementSettings,
    InstalmentSettings,
    LetterSettings,
    RecoveryLetters,
    RecoverySettings,
    WriteOffSettings,
    YearSettings,
)

MAX_DIARY_DAYS = 3660  # ten years: anything longer is a typo
_YEAR = re.compile(r"\d{4}")


def load_settings(path: str | os.PathLike[str] | None = None) -> AuthoritySettings:
    """Read settings from `path`, else `REVDESK_SETTINGS`, else the built-in default."""
    chosen = Path(path or os.environ.get("REVDESK_SETTINGS") or DEFAULT_SETTINGS)
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"Settings file {chosen} does not exist.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"Settings file {chosen} is not valid TOML: {exc}.") from None
    return parse_settings(raw, source=str(chosen))


def parse_settings(raw: Mapping[str, Any], source: str = "") -> AuthoritySettings:
    """Check and type a parsed TOML document; SettingsError names `source` and the key path."""
    root = Table(raw, (), source or "settings")
    authority = root.section("authority", _authority)
    recovery = root.section("recovery", _recovery)
    court = root.section("court", _court)
    venue_dates = {day for venue in court.venues.values() for day in venue.dates}
    recovery = replace(recovery, hearing_dates=tuple(sorted(set(recovery.hearing_dates) | venue_dates)))
    settings = AuthoritySettings(
        authority=authority,
        contact=root.section("contact", _contact),
        letters=root.section("letters", partial(_letters, source=source)),
        years=root.section("years", lambda t: _years(t, authority.country)),
        costs=root.section("costs", _costs),
        recovery=recovery,
        court=court,
        instalments=root.section("instalments", _instalments),
        arrangements=root.section("arrangements", _arrangements),
        diary_codes=root.section("diary_codes", _diary_codes),
        enforcement=root.section("enforcement", _enforcement),
        benefit_deductions=root.section("benefit_deductions", _benefit_deductions),
        writeoffs=root.section("writeoffs", _writeoffs),
        database=root.section("database", _database),
        batch=root.section("batch", _batch),
        source=source,
    )
    root.close()
    return settings


def _authority(t: Table) -> Authority:
    d = Authority()
    return Authority(name=t.text("name", d.name), country=t.choice("country", d.country, COUNTRIES))


_SORT_CODE = re.compile(r"\d\d-\d\d-\d\d")
_ACCOUNT_NUMBER = re.compile(r"\d{8}")


def _contact(t: Table) -> Contact:
    """The contact block; a sort code and account number are checked, since a typo there
    sends taxpayers' money to someone else's account."""
    def text(key: str) -> str:
        return t.text(key, "", allow_empty=True)

    sort_code, account_number = text("bank_sort_code"), text("bank_account_number")
    if sort_code and not _SORT_CODE.fullmatch(sort_code):
        t.fail("bank_sort_code", "must be a sort code such as \"12-34-56\"")
    if account_number and not _ACCOUNT_NUMBER.fullmatch(account_number):
        t.fail("bank_account_number", "must be the 8 digits of a bank account number")
    if bool(sort_code) != bool(account_number):
        t.fail("bank_account_number" if sort_code else "bank_sort_code",
               "is needed too: a bank transfer needs both the sort code and the account number")
    return Contact(
        address=t.texts("address", ()),
        phone=text("phone"), email=text("email"), web=text("web"), opening_hours=text("opening_hours"),
        pay_online=text("pay_online"), payment_phone=text("payment_phone"), bank_name=text("bank_name"),
        bank_sort_code=sort_code, bank_account_number=account_number, bank_account_name=text("bank_account_name"),
    )


def _years(t: Table, country: str) -> dict[int, YearSettings]:
    years: dict[int, YearSettings] = {}
    for key in t.keys():
        if not _YEAR.fullmatch(key):
            raise SettingsError(f"{t.source}: [years.{key}] is not a year such as 2025.")
        year = int(key)
        years[year] = t.section(key, partial(_year, year=year, country=country))
    return years


def _year(t: Table, year: int, country: str) -> YearSettings:
    band_d = t.child("band_d_pence")
    parishes = band_d.keys()
    if not parishes:
        t.fail("band_d_pence", 'must map parish names ("" = unparished) to pence')
    pence = {parish: band_d.whole(parish, minimum=1) for parish in parishes}
    limits = premium_limits(country, year)
    precepts_table = t.child("precepts")
    precepts = {name: precepts_table.whole(name, minimum=0) for name in precepts_table.keys()}
    care_table = t.child("adult_social_care")
    care = {name: care_table.whole(name, minimum=1) for name in care_table.keys()}
    if care and country == "wales":
        t.fail("adult_social_care", "is for English councils only (the adult social care precept does not exist in Wales)")
    for name, amount in care.items():
        if name not in precepts:
            care_table.fail(name, "must be one of the authorities in precepts (its adult social care precept is part of "
                                  "that authority's amount)")
        if amount > precepts[name]:
            care_table.fail(name, f"is more than that authority's whole amount ({precepts[name]})")
    if precepts:
        total = sum(precepts.values())
        unparished = pence.get("")
        if unparished is not None and total != unparished:
            t.fail("precepts", f"add up to {total}, not the unparished Band D charge {unparished}: each authority's "
                               "Band D amount, the billing authority's own among them, must add up to it")
        short = sorted(p for p, amount in pence.items() if amount < total)
        if short:
            t.fail("precepts", f"add up to {total}, more than the Band D charge of {short[0] or 'the unparished area'}")
    return YearSettings(year=year, band_d_pence=pence, premiums=t.section("premiums", lambda p: _premiums(p, limits)),
                        precepts=precepts, adult_social_care=care)


def _premiums(t: Table, limits: PremiumLimits) -> PremiumPolicy:
    """`premiums = { long_term_empty = { "1" = 100, "5" = 200 }, second_home = 100 }`
    (percentages), within what the law allows that year in that country (`premium_limits`)."""
    tiers = t.child("long_term_empty")
    parsed: dict[int, int] = {}
    for key in tiers.keys():
        if not key.isdigit():
            tiers.fail(key, "must be whole years empty, such as \"1\"")
        if int(key) < limits.earliest_years_empty:
            tiers.fail(key, f"is too soon: a home is long-term empty after {limits.earliest_years_empty} "
                            f"whole year{'s' if limits.earliest_years_empty > 1 else ''} that year")
        parsed[int(key)] = tiers.whole(key, maximum=limits.long_term_empty_max(int(key)))
    second = t.whole("second_home", PremiumPolicy().second_home, maximum=limits.second_home_max)
    return PremiumPolicy(long_term_empty=parsed, second_home=second)


def _costs(t: Table) -> Costs:
    d = Costs()
    return Costs(
        summons_pence=t.whole("summons_pence", d.summons_pence),
        liability_order_pence=t.whole("liability_order_pence", d.liability_order_pence),
    )


def _recovery(t: Table) -> RecoverySettings:
    """The timings, refusing what the law does not allow (AER 1992, SI 1992/613):
    a reminder only once an instalment is missed (reg 23(1): 1 day or more); at least the
    statutory 7 days to pay it (reg 23(3)); no more than 2 reminders a year (reg 23(4)); no
    summons before the whole balance is payable — 7 days after a failed reminder's 7 days,
    reg 23(3), so 14 days after the notice; no hearing until 14 whole days after service
    (reg 35(2A)); no summons for a sum over 6 years old (reg 34(3)). A council may be more
    generous than any of these, never less."""
    d = RecoverySettings()
    return RecoverySettings(
        reminder_days=t.whole("reminder_days", d.reminder_days, minimum=1),
        pay_within_days=t.whole("pay_within_days", d.pay_within_days, minimum=7),
        max_reminders=t.whole("max_reminders", d.max_reminders, maximum=2),
        summons_after_days=t.whole("summons_after_days", d.summons_after_days, minimum=14),
        hearing_lead_days=t.whole("hearing_lead_days", d.hearing_lead_days, minimum=STATUTORY_HEARING_LEAD_DAYS),
        service_days=t.whole("service_days", d.service_days, maximum=10),
        minimum_balance_pence=t.whole("minimum_balance_pence", d.minimum_balance_pence),
        summons_limit_years=t.whole("summons_limit_years", d.summons_limit_years, minimum=1, maximum=6),
        hearing_dates=t.dates("hearing_dates"),
        bank_holidays=t.dates("bank_holidays"),
        breathing_space_days=t.whole("breathing_space_days", d.breathing_space_days, minimum=1),
        safeguards=_safeguards(t, d.safeguards),
        letters=t.section("letters", _recovery_letters),
    )


def _safeguards(t: Table, default: tuple[str, ...]) -> tuple[str, ...]:
    """`safeguards`: which open casework holds an account back from the next statutory step
    (app.rules.safeguards); any of the known kinds, none repeated; an empty list applies none."""
    kinds = t.texts("safeguards", default)
    unknown = [k for k in kinds if k not in SAFEGUARD_KINDS]
    if unknown:
        t.fail("safeguards", f"must name only {', '.join(SAFEGUARD_KINDS)} ({unknown[0]!r} is not one)")
    return tuple(dict.fromkeys(kinds))


_VENUE_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _court(t: Table) -> CourtSettings:
    """`[court.venues.KEY] = { name, address, time, dates }` and `default_venue`. A hearing
    date may be held at one venue only (a summons names one court); with a single venue
    that venue is the default."""
    given = t.child("venues")
    venues: dict[str, CourtVenue] = {}
    for key in given.keys():
        if not _VENUE_KEY.fullmatch(key):
            given.fail(key, "is not a venue key (lower case letters, digits, _ and -, up to 40)")
        venues[key] = given.section(key, partial(_venue, key=key))
    seen: dict[date, str] = {}
    for venue in venues.values():
        for day in venue.dates:
            if day in seen:
                given.fail(venue.key, f"lists {day.isoformat()}, which [court.venues.{seen[day]}] lists too: "
                                      "a hearing date is held at one venue")
            seen[day] = venue.key
    default = t.text("default_venue", next(iter(venues)) if len(venues) == 1 else "", allow_empty=True)
    if default and default not in venues:
        t.fail("default_venue", f"must be one of the venues ({', '.join(venues) or 'none is set up'})")
    if len(venues) > 1 and not default:
        t.fail("default_venue", "is required when there is more than one venue")
    lease = t.whole("lease_days_after_hearing", CourtSettings().lease_days_after_hearing, minimum=0)
    return CourtSettings(venues=venues, default_venue=default, lease_days_after_hearing=lease)


def _venue(t: Table, key: str) -> CourtVenue:
    time = t.text("time", CourtVenue(key, "").time)
    if not _TIME.fullmatch(time):
        t.fail("time", f"must be a 24-hour time such as \"10:00\", not \"{time}\"")
    return CourtVenue(key=key, name=t.text("name"), address=t.texts("address", ()), time=time, dates=t.dates("dates"))


def _recovery_letters(t: Table) -> RecoveryLetters:
    d = RecoveryLetters()
    return RecoveryLetters(
        reminder_1=t.text("reminder_1", d.reminder_1),
        reminder_2=t.text("reminder_2", d.reminder_2),
        final_notice=t.text("final_notice", d.final_notice),
        summons=t.text("summons", d.summons),
    )


def _instalments(t: Table) -> InstalmentSettings:
    d = InstalmentSettings()
    return InstalmentSettings(
        default_count=t.choice("default_count", d.default_count, (10, 12)),
        default_day=t.whole("default_day", d.default_day, minimum=1, maximum=28),
        notice_days=t.whole("notice_days", d.notice_days),
        single_after_december=t.flag("single_after_december", d.single_after_december),
    )


def _arrangements(t: Table) -> ArrangementPolicy:
    d = ArrangementPolicy()
    return ArrangementPolicy(
        grace_days=t.whole("grace_days", d.grace_days),
        tolerance_pence=t.whole("tolerance_pence", d.tolerance_pence),
        minimum_instalment_pence=t.whole("minimum_instalment_pence", d.minimum_instalment_pence),
        clear_by_year_end=t.flag("clear_by_year_end", d.clear_by_year_end),
        diary_code=t.text("diary_code", d.diary_code).upper(),
        letter_template=t.text("letter_template", d.letter_template),
    )


def _diary_codes(t: Table) -> dict[str, DiaryCodeSettings]:
    """`CODE = { description, default_days, team, active }` (or `CODE = "description"`) over
    the built-in codes: a built-in code takes what is not given from its default."""
    codes = dict(DEFAULT_DIARY_CODES)
    for key in t.keys():
        code = key.strip().upper()
        if not code or len(code) > 20:
            t.fail(key, "is not a diary code (1 to 20 characters)")
        spec = t.body[key]
        body = {"description": spec} if isinstance(spec, str) else spec
        codes[code] = t.section(key, partial(_diary_code, base=codes.get(code)), body)
    return codes


def _diary_code(t: Table, base: DiaryCodeSettings | None) -> DiaryCodeSettings:
    return DiaryCodeSettings(
        description=t.text("description", base.description if base else REQUIRED),
        default_days=t.whole("default_days", base.default_days if base else 14, maximum=MAX_DIARY_DAYS),
        team=t.text("team", base.team if base else "", allow_empty=True),
        active=t.flag("active", base.active if base else True),
    )


def _enforcement(t: Table) -> EnforcementSettings:
    return EnforcementSettings(agents=t.texts("agents", EnforcementSettings().agents))


def _benefit_deductions(t: Table) -> BenefitDeductionSettings:
    d = BenefitDeductionSettings()
    given = t.child("legacy_single_25_weekly_pence")
    allowances = dict(d.legacy_single_25_weekly_pence)
    for key in given.keys():
        if not _YEAR.fullmatch(key):
            given.fail(key, "must be a financial year such as \"2025\"")
        allowances[int(key)] = given.whole(key, minimum=1)
    uc_given = t.child("uc_standard_allowance_pence")
    uc: dict[int, Mapping[str, int]] = dict(d.uc_standard_allowance_pence)
    for key in uc_given.keys():
        if not _YEAR.fullmatch(key):
            uc_given.fail(key, "must be a financial year such as \"2027\"")
        uc[int(key)] = uc_given.section(key, lambda year: {kind: year.whole(kind, minimum=1) for kind in UC_CATEGORIES})
    return BenefitDeductionSettings(
        legacy_single_25_weekly_pence=allowances, uc_standard_allowance_pence=uc,
        dwp_address=t.texts("dwp_address", d.dwp_address, at_least=1),
    )


_REASON_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
UNLIMITED_TEXT = "unlimited"


def _writeoffs(t: Table) -> WriteOffSettings:
    """`reasons`: the council's list (`code = { label, evidence, note_required,
    statute_barred }`), which replaces the built-in one when given; a built-in code takes
    what is not given from its default. `approval_limits_pence`: role = pence or
    "unlimited"; roles not given keep the built-in limit, and each role must be allowed at
    least what the roles below it are (a manager may do what a team leader may)."""
    given = t.child("reasons")
    reasons: dict[str, WriteOffReason] = {}
    for key in given.keys():
        if not _REASON_CODE.fullmatch(key):
            given.fail(key, "is not a reason code (lower case letters, digits and _, up to 40)")
        base = DEFAULT_REASONS.get(key)
        reasons[key] = given.section(key, partial(_writeoff_reason, code=key, base=base))
    limits_table = t.child("approval_limits_pence")
    limits: dict[str, int | None] = dict(DEFAULT_APPROVAL_LIMITS)
    for key in limits_table.keys():
        if key not in DEFAULT_APPROVAL_LIMITS:
            limits_table.fail(key, f"is not a role (use one of {', '.join(DEFAULT_APPROVAL_LIMITS)})")
        value = limits_table.body[key]
        limits[key] = None if value == UNLIMITED_TEXT else limits_table.whole(key, maximum=MAX_ITEM_PENCE)
    below: int | None = 0  # the limit of the role below (None: no limit)
    for role, limit in limits.items():  # in role order, lowest first
        if limit is not None and (below is None or limit < below):
            limits_table.fail(role, "must be at least the limit of the roles below it")
        below = limit
    return WriteOffSettings(reasons=reasons or dict(DEFAULT_REASONS), approval_limits_pence=limits)


def _writeoff_reason(t: Table, code: str, base: WriteOffReason | None) -> WriteOffReason:
    return WriteOffReason(
        code=code,
        label=t.text("label", base.label if base else REQUIRED),
        evidence=t.text("evidence", base.evidence if base else "", allow_empty=True),
        note_required=t.flag("note_required", base.note_required if base else False),
        statute_barred=t.flag("statute_barred", base.statute_barred if base else False),
    )


def _letters(t: Table, source: str) -> LetterSettings:
    """A relative templates folder is taken from the settings file's folder, so a council's
    settings and templates can travel together."""
    folder = t.text("templates_folder", "", allow_empty=True).strip()
    if folder and source and not Path(folder).is_absolute():
        folder = str(Path(source).resolve().parent / folder)
    return LetterSettings(templates_folder=folder)


def _database(t: Table) -> DatabaseSettings:
    return DatabaseSettings(url=t.optional_text("url"))


def _batch(t: Table) -> BatchSettings:
    d = BatchSettings()
    return BatchSettings(
        billing_chunk=t.whole("billing_chunk", d.billing_chunk, minimum=1),
        recovery_chunk=t.whole("recovery_chunk", d.recovery_chunk, minimum=1),
        arrangement_chunk=t.whole("arrangement_chunk", d.arrangement_chunk, minimum=1),
    )
