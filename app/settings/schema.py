"""The authority settings as typed, frozen values: one dataclass per TOML section.

Every key the application reads is a field here with its default, so a section left out
of a council's file (or a key left out of a section) behaves exactly as the built-in
policy, and the file is checked once, when it is read (`app.settings.loading`), rather
than half way through a run. Nothing downstream reaches into a mapping of raw TOML.

Defaults that are statutory or belong to a pure rule (recovery timings, instalment
counts, arrangement policy, legacy benefit allowances) are taken from `app.rules` so the
figure lives in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from app.rules.arrangements import ArrangementPolicy
from app.rules.benefit_deductions import LEGACY_SINGLE_25_WEEKLY_PENCE, UC_STANDARD_ALLOWANCE_PENCE
from app.rules.discounts import PremiumPolicy
from app.rules.instalments import InstalmentPolicy
from app.rules.recovery_policy import RecoveryPolicy
from app.rules.writeoffs import DEFAULT_APPROVAL_LIMITS, DEFAULT_REASONS, WriteOffReason

Country = Literal["england", "wales"]
COUNTRIES: tuple[Country, ...] = ("england", "wales")

_RECOVERY = RecoveryPolicy()
_INSTALMENTS = InstalmentPolicy()


@dataclass(frozen=True)
class Authority:
    """`[authority]`: who the council is; the country decides bands (I in Wales) and
    which recovery routes exist (no committal in Wales)."""

    name: str = "Unnamed authority"
    country: Country = "england"


@dataclass(frozen=True)
class Contact:
    """`[contact]`: how a taxpayer reaches and pays the council, printed on every letter.

    Settings rather than template text so that a council sets its phone numbers, web
    address, opening hours and bank details once, not in every template; a letter keeps
    the values it was issued with (they are part of its merge data). Empty = not printed."""

    address: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    web: str = ""
    opening_hours: str = ""
    pay_online: str = ""  # where to pay by card online
    payment_phone: str = ""  # automated card payment line
    bank_name: str = ""
    bank_sort_code: str = ""  # 12-34-56
    bank_account_number: str = ""  # 8 digits
    bank_account_name: str = ""


@dataclass(frozen=True)
class LetterSettings:
    """`[letters]`: the council's own letter templates.

    `templates_folder` holds .docx templates that take precedence over the built-in ones
    (`resources/letters/`) of the same name, and may add templates of the council's own.
    A relative folder is read from the settings file's folder; empty = built-in only. Every
    version used is still kept in the database, so a letter made from a council template
    re-renders as sent after the file is edited or removed."""

    templates_folder: str = ""

    @property
    def folder(self) -> Path | None:
        return Path(self.templates_folder) if self.templates_folder else None


@dataclass(frozen=True)
class YearSettings:
    """`[years.YYYY]`: one financial year's figures. `year` 2025 means 2025/26."""

    year: int
    band_d_pence: Mapping[str, int]  # parish name ("" = unparished) -> Band D charge
    premiums: PremiumPolicy = field(default_factory=PremiumPolicy)
    # Who the Band D charge is for (SI 2011/3038 Sch 1 paras 7-8, 13, 15): each authority's
    # Band D amount, the billing authority's own among them, adding up to the unparished
    # Band D charge (a parish's precept is what its Band D charge has over that); and the part
    # of an adult social care authority's amount that is its adult social care precept.
    precepts: Mapping[str, int] = field(default_factory=dict)
    adult_social_care: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Costs:
    """`[costs]`: court costs posted to the account (pence; none unless the council sets them)."""

    summons_pence: int = 0
    liability_order_pence: int = 0


@dataclass(frozen=True)
class RecoveryLetters:
    """`[recovery.letters]`: the template (resources/letters/NAME.docx) for each recovery step."""

    reminder_1: str = "reminder"
    reminder_2: str = "reminder"
    final_notice: str = "final_notice"
    summons: str = "summons"

    def template_for(self, stage: str) -> str:
        """The template for `stage`; any other stage uses the template named after it
        (reminders share "reminder")."""
        if stage in {f.name for f in fields(self)}:
            return str(getattr(self, stage))
        return "reminder" if stage.startswith("reminder") else stage


@dataclass(frozen=True)
class RecoverySettings:
    """`[recovery]`: timings (calendar days, except `service_days`: business days),
    thresholds and hearing dates. The law on them is changing, which is why they are settings
    and not code; values the present law forbids are refused when the file is read."""

    reminder_days: int = _RECOVERY.reminder_days
    pay_within_days: int = _RECOVERY.pay_within_days
    max_reminders: int = _RECOVERY.max_reminders
    summons_after_days: int = _RECOVERY.summons_after_days
    hearing_lead_days: int = _RECOVERY.hearing_lead_days
    service_days: int = _RECOVERY.service_days
    minimum_balance_pence: int = _RECOVERY.minimum_balance_pence
    summons_limit_years: int = _RECOVERY.summons_limit_years
    hearing_dates: tuple[date, ...] = ()  # sorted, no repeats
    bank_holidays: tuple[date, ...] = ()  # England and Wales, with Christmas Day and Good Friday
    breathing_space_days: int = 60  # Debt Respite Scheme: a standard breathing space lasts 60 days
    safeguards: tuple[str, ...] = _RECOVERY.safeguards  # open casework that holds back a statutory step
    letters: RecoveryLetters = field(default_factory=RecoveryLetters)


@dataclass(frozen=True)
class CourtVenue:
    """`[court.venues.KEY]`: a magistrates' court where the council's summonses are heard.

    The summons must say where and when to attend, so the venue's name, address and the
    hearing time are printed on it; `dates` are the hearing dates held there (they join
    `[recovery] hearing_dates`; a date listed under no venue is held at the default venue)."""

    key: str
    name: str
    address: tuple[str, ...] = ()
    time: str = "10:00"  # 24-hour HH:MM, printed as "10:00am"
    dates: tuple[date, ...] = ()

    @property
    def time_text(self) -> str:
        """"10:00" -> "10:00am", "14:30" -> "2:30pm": how a letter gives the time."""
        hours, minutes = (int(part) for part in self.time.split(":"))
        return f"{(hours - 1) % 12 + 1}:{minutes:02d}{'am' if hours < 12 else 'pm'}"


@dataclass(frozen=True)
class CourtSettings:
    """`[court]`: the hearing venues and which one a hearing date without its own venue uses
    (`default_venue`, or the only venue); and how long the office sees a case packed for an
    offline court as "at court" (and is warned before changing it) when the pack is not
    synced sooner (council practice, not law)."""

    venues: Mapping[str, CourtVenue] = field(default_factory=dict)
    default_venue: str = ""
    lease_days_after_hearing: int = 7

    def venue_for(self, hearing_date: date | None) -> CourtVenue | None:
        """The venue holding the hearing on `hearing_date`: the one listing that date, else the
        default venue; None when the council has set up no venue."""
        if hearing_date is None:
            return None
        for venue in self.venues.values():
            if hearing_date in venue.dates:
                return venue
        return self.venues.get(self.default_venue)


@dataclass(frozen=True)
class InstalmentSettings:
    """`[instalments]`: 10 a year by default (the law may make it 12: keep it a setting)."""

    default_count: int = _INSTALMENTS.default_count  # 10 or 12
    default_day: int = _INSTALMENTS.default_day  # 1 to 28
    notice_days: int = _INSTALMENTS.notice_days
    single_after_december: bool = _INSTALMENTS.single_after_december


@dataclass(frozen=True)
class DiaryCodeSettings:
    """One diary code: what it means, how far ahead an entry is due and whose work it is."""

    description: str
    default_days: int
    team: str
    active: bool = True


# Settings may change or add codes; these stay defined because the application itself
# creates entries with them (arrangement monitoring: ARRCHK; tracing: TRACE, TRACED).
DEFAULT_DIARY_CODES: Mapping[str, DiaryCodeSettings] = MappingProxyType({
    "ARRCHK": DiaryCodeSettings("Check arrangement", 14, "Recovery"),
    "TRACE": DiaryCodeSettings("Trace: gone away", 28, "Recovery"),
    "TRACED": DiaryCodeSettings("Traced: new address", 7, "Recovery"),
    "AOEEMP": DiaryCodeSettings("Await employer details", 14, "Enforcement"),
    "VULN": DiaryCodeSettings("Vulnerable — review", 7, "Welfare"),
    "CORR": DiaryCodeSettings("Correspondence to answer", 10, "Billing"),
})


@dataclass(frozen=True)
class EnforcementSettings:
    """`[enforcement]`: the enforcement agents offered in the referral form."""

    agents: tuple[str, ...] = ()


@dataclass(frozen=True)
class BenefitDeductionSettings:
    """`[benefit_deductions]`: the UC monthly standard allowances and legacy benefits'
    single 25+ personal allowance per financial year (the file's years over the built-in
    ones) and where applications are sent."""

    legacy_single_25_weekly_pence: Mapping[int, int] = field(
        default_factory=lambda: dict(LEGACY_SINGLE_25_WEEKLY_PENCE)
    )
    uc_standard_allowance_pence: Mapping[int, Mapping[str, int]] = field(
        default_factory=lambda: dict(UC_STANDARD_ALLOWANCE_PENCE)
    )
    dwp_address: tuple[str, ...] = ("Department for Work and Pensions", "Third Party Deductions")


@dataclass(frozen=True)
class WriteOffSettings:
    """`[writeoffs]`: the council's reasons for writing debt off and its scheme of delegation
    (the most each role may approve, pence; None: no limit). Council policy, not law: the
    defaults and why are in `app.rules.writeoffs`."""

    reasons: Mapping[str, WriteOffReason] = field(default_factory=lambda: dict(DEFAULT_REASONS))
    approval_limits_pence: Mapping[str, int | None] = field(default_factory=lambda: dict(DEFAULT_APPROVAL_LIMITS))

    def limit_for(self, role: str) -> int | None:
        """The most `role` (a role's name, `team_leader`) may approve; a role the scheme does
        not name may approve nothing."""
        return self.approval_limits_pence.get(role, 0)


@dataclass(frozen=True)
class DatabaseSettings:
    """`[database]`: the database to open when neither `--db` nor `REVDESK_DATABASE_URL` says."""

    url: str | None = None


@dataclass(frozen=True)
class BatchSettings:
    """`[batch]`: how much each long run commits at a time. Bigger chunks are faster; smaller
    ones lose less work to a crash and see a cancel sooner. Tuning, not policy."""

    billing_chunk: int = 5000  # accounts per committed chunk of annual billing
    recovery_chunk: int = 5000  # accounts per committed chunk of the recovery run
    arrangement_chunk: int = 5000  # arrangements per committed chunk of monitoring


@dataclass(frozen=True)
class AuthoritySettings:
    """The whole settings file, checked and typed. Built by `parse_settings`/`load_settings`."""

    authority: Authority = field(default_factory=Authority)
    contact: Contact = field(default_factory=Contact)
    letters: LetterSettings = field(default_factory=LetterSettings)
    years: Mapping[int, YearSettings] = field(default_factory=dict)
    costs: Costs = field(default_factory=Costs)
    recovery: RecoverySettings = field(default_factory=RecoverySettings)
    court: CourtSettings = field(default_factory=CourtSettings)
    instalments: InstalmentSettings = field(default_factory=InstalmentSettings)
    arrangements: ArrangementPolicy = field(default_factory=ArrangementPolicy)
    diary_codes: Mapping[str, DiaryCodeSettings] = field(default_factory=lambda: dict(DEFAULT_DIARY_CODES))
    enforcement: EnforcementSettings = field(default_factory=EnforcementSettings)
    benefit_deductions: BenefitDeductionSettings = field(default_factory=BenefitDeductionSettings)
    writeoffs: WriteOffSettings = field(default_factory=WriteOffSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    batch: BatchSettings = field(default_factory=BatchSettings)
    source: str = ""  # the file read, for messages and year snapshots

    @property
    def name(self) -> str:
        return self.authority.name

    @property
    def country(self) -> Country:
        return self.authority.country

    @property
    def database_url(self) -> str | None:
        return self.database.url

    def parishes(self) -> list[str]:
        """Every named parish any configured year knows (excluding the unparished "")."""
        names: set[str] = set()
        for year in self.years.values():
            names.update(p for p in year.band_d_pence if p)
        return sorted(names)

    def instalment_policy(self) -> InstalmentPolicy:
        """`[instalments]` as the instalment rules' policy (statutory cut-off dates as in the rules)."""
        i = self.instalments
        return InstalmentPolicy(
            default_count=i.default_count, default_day=i.default_day, notice_days=i.notice_days,
            single_after_december=i.single_after_december,
        )

    def recovery_policy(self) -> RecoveryPolicy:
        """`[recovery]` timings and `[costs]` together, as the recovery engine's policy."""
        r = self.recovery
        return RecoveryPolicy(
            reminder_days=r.reminder_days, pay_within_days=r.pay_within_days, max_reminders=r.max_reminders,
            summons_after_days=r.summons_after_days, hearing_lead_days=r.hearing_lead_days,
            minimum_balance_pence=r.minimum_balance_pence, summons_limit_years=r.summons_limit_years,
            summons_costs_pence=self.costs.summons_pence, liability_order_costs_pence=self.costs.liability_order_pence,
            hearing_dates=r.hearing_dates, service_days=r.service_days, bank_holidays=r.bank_holidays,
            safeguards=r.safeguards,
        )

    def recovery_letter_template(self, stage: str) -> str:
        """The letter template for a recovery stage (`[recovery.letters]`)."""
        return self.recovery.letters.template_for(stage)

