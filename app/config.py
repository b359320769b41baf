"""Configuration: authority settings (TOML), the database URL and the user data folder.

Authority settings are data, not code: Band D figures per year and parish, costs and
recovery timings change every year and with the law, so councils edit a TOML file.
The parsed settings keep the raw mapping too, so later features can add keys without
breaking files written for earlier ones.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from app.paths import DEFAULT_SETTINGS
from app.rules.discounts import PremiumPolicy
from app.rules.instalments import InstalmentPolicy
from app.rules.recovery_policy import RecoveryPolicy

APP_NAME = "revenues-desk"
BANDS_ENGLAND = ("A", "B", "C", "D", "E", "F", "G", "H")
BANDS_WALES = BANDS_ENGLAND + ("I",)


class SettingsError(ValueError):
    """The authority settings file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class YearSettings:
    """One financial year's figures. `year` 2025 means 2025/26 (1 April to 31 March)."""

    year: int
    band_d_pence: Mapping[str, int]  # parish name ("" = unparished) -> Band D charge
    premiums: PremiumPolicy = field(default_factory=PremiumPolicy)


@dataclass(frozen=True)
class AuthoritySettings:
    name: str
    country: str
    years: Mapping[int, YearSettings]
    raw: Mapping[str, Any] = field(repr=False)
    source: str = ""

    @property
    def bands(self) -> tuple[str, ...]:
        return BANDS_WALES if self.country == "wales" else BANDS_ENGLAND

    def parishes(self) -> list[str]:
        """Every named parish any configured year knows (excluding the unparished "")."""
        names: set[str] = set()
        for year in self.years.values():
            names.update(p for p in year.band_d_pence if p)
        return sorted(names)

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.raw.get(name, {})
        return value if isinstance(value, Mapping) else {}

    def instalment_policy(self) -> InstalmentPolicy:
        """The `[instalments]` section (defaults: 10 on the 1st; statutory cut-off dates)."""
        section = self.section("instalments")
        return InstalmentPolicy(
            default_count=int(section.get("default_count", 10)),
            default_day=int(section.get("default_day", 1)),
            notice_days=int(section.get("notice_days", 14)),
            single_after_december=bool(section.get("single_after_december", False)),
        )

    def recovery_policy(self) -> RecoveryPolicy:
        """`[recovery]` timings and `[costs]` as the engine's policy (checked when the file is read)."""
        r, costs = self.section("recovery"), self.section("costs")
        defaults = RecoveryPolicy()
        return RecoveryPolicy(
            reminder_days=int(r.get("reminder_days", defaults.reminder_days)),
            pay_within_days=int(r.get("pay_within_days", defaults.pay_within_days)),
            max_reminders=int(r.get("max_reminders", defaults.max_reminders)),
            summons_after_days=int(r.get("summons_after_days", defaults.summons_after_days)),
            hearing_lead_days=int(r.get("hearing_lead_days", defaults.hearing_lead_days)),
            minimum_balance_pence=int(r.get("minimum_balance_pence", defaults.minimum_balance_pence)),
            summons_limit_years=int(r.get("summons_limit_years", defaults.summons_limit_years)),
            summons_costs_pence=int(costs.get("summons_pence", 0)),
            liability_order_costs_pence=int(costs.get("liability_order_pence", 0)),
            hearing_dates=tuple(sorted(_as_date(d) for d in r.get("hearing_dates", []))),
        )

    def recovery_letter_template(self, stage: str) -> str:
        """The letter template for a recovery stage (`[recovery.letters]`; reminders share one by default)."""
        letters = self.section("recovery").get("letters", {})
        default = "reminder" if stage.startswith("reminder") else stage
        return str(letters.get(stage, default)) if isinstance(letters, Mapping) else default

    @property
    def database_url(self) -> str | None:
        url = self.section("database").get("url")
        return str(url) if url else None


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
    authority = raw.get("authority", {})
    country = str(authority.get("country", "england")).lower()
    if country not in ("england", "wales"):
        raise SettingsError(f"{source}: [authority] country must be 'england' or 'wales', not '{country}'.")
    years: dict[int, YearSettings] = {}
    for key, body in raw.get("years", {}).items():
        try:
            year = int(key)
        except ValueError:
            raise SettingsError(f"{source}: [years.{key}] is not a year such as 2025.") from None
        band_d = body.get("band_d_pence", {})
        if not isinstance(band_d, Mapping) or not band_d:
            raise SettingsError(f"{source}: [years.{key}] band_d_pence must map parish names to pence.")
        for parish, pence in band_d.items():
            if not isinstance(pence, int) or isinstance(pence, bool) or pence <= 0:
                raise SettingsError(
                    f"{source}: [years.{key}] band_d_pence for '{parish}' must be a positive whole number of pence."
                )
        years[year] = YearSettings(year=year, band_d_pence=dict(band_d), premiums=_premiums(body.get("premiums", {}), f"{source}: [years.{key}]"))
    _check_recovery(raw, source)
    instalments = raw.get("instalments", {})
    if instalments:
        count, day = instalments.get("default_count", 10), instalments.get("default_day", 1)
        if count not in (10, 12):
            raise SettingsError(f"{source}: [instalments] default_count must be 10 or 12.")
        if not isinstance(day, int) or not 1 <= day <= 28:
            raise SettingsError(f"{source}: [instalments] default_day must be from 1 to 28.")
    return AuthoritySettings(
        name=str(authority.get("name", "Unnamed authority")),
        country=country,
        years=years,
        raw=dict(raw),
        source=source,
    )


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _check_recovery(raw: Mapping[str, Any], source: str) -> None:
    """Bad recovery settings are found when the file is read, not half way through a run."""
    section = raw.get("recovery", {})
    if not isinstance(section, Mapping):
        raise SettingsError(f"{source}: [recovery] must be a table.")
    for key in ("reminder_days", "pay_within_days", "max_reminders", "summons_after_days", "hearing_lead_days",
                "minimum_balance_pence", "summons_limit_years"):
        value = section.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SettingsError(f"{source}: [recovery] {key} must be a whole number of 0 or more.")
    for value in section.get("hearing_dates", []):
        try:
            _as_date(value)
        except ValueError:
            raise SettingsError(f"{source}: [recovery] hearing_dates: '{value}' is not a date (YYYY-MM-DD).") from None
    for key, value in raw.get("costs", {}).items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SettingsError(f"{source}: [costs] {key} must be a whole number of pence.")


def _premiums(body: Any, where: str) -> PremiumPolicy:
    """`premiums = { long_term_empty = { "1" = 100, "5" = 200 }, second_home = 100 }` (percentages)."""
    if not isinstance(body, Mapping):
        raise SettingsError(f"{where} premiums must be a table.")
    tiers = body.get("long_term_empty", {})
    second = body.get("second_home", 0)
    try:
        parsed = {int(years): int(pc) for years, pc in tiers.items()}
    except (AttributeError, TypeError, ValueError):
        raise SettingsError(f"{where} premiums.long_term_empty must map whole years empty to a percentage.") from None
    if any(pc < 0 or pc > 300 for pc in parsed.values()) or not isinstance(second, int) or not 0 <= second <= 100:
        raise SettingsError(f"{where} premiums are percentages: long-term empty at most 300, second homes at most 100.")
    return PremiumPolicy(long_term_empty=parsed, second_home=second)


def user_data_dir() -> Path:
    """The per-user folder for the embedded database (created on demand)."""
    folder = Path(os.environ.get("REVDESK_DATA_DIR") or platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_database_url() -> str:
    return f"sqlite:///{user_data_dir() / 'revdesk.db'}"


CONNECTION_FILE = "connection.json"


def saved_connection_url() -> str | None:
    """The database this user last chose in the desktop's connection dialog (a
    password-free URL: a server, or the embedded file), or None if never. A file that
    cannot be read is ignored rather than stopping the application from starting."""
    path = user_data_dir() / CONNECTION_FILE
    try:
        url = json.loads(path.read_text(encoding="utf-8")).get("url")
    except (OSError, ValueError, AttributeError):
        return None
    return url if isinstance(url, str) and url else None


def save_connection_url(url: str) -> None:
    """Remember the desktop's choice (password-free URL), replacing the file whole."""
    path = user_data_dir() / CONNECTION_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"url": url}), encoding="utf-8")
    temporary.replace(path)  # never a half-written file


def desktop_database_url(cli_url: str | None) -> str | None:
    """What the desktop opens: `--db`, else `REVDESK_DATABASE_URL`, else the choice made in
    its connection dialog; None leaves it to the settings, then the embedded file. The
    command line does not follow the dialog (a scheduled job must not move with it)."""
    return cli_url or os.environ.get("REVDESK_DATABASE_URL") or saved_connection_url()


def resolve_database_url(cli_url: str | None, settings: AuthoritySettings | None) -> str:
    """`--db`, else `REVDESK_DATABASE_URL`, else settings `[database] url`, else embedded SQLite."""
    return (
        cli_url
        or os.environ.get("REVDESK_DATABASE_URL")
        or (settings.database_url if settings else None)
        or default_database_url()
    )
