"""Authority settings: the council's TOML file, checked once at start into frozen values.

`load_settings()` reads the file (`--settings`, else `REVDESK_SETTINGS`, else the built-in
`resources/authority/default.toml`); `AuthoritySettings` holds one typed section per
table of the file (`app.settings.schema`); a bad file raises `SettingsError` naming the
file and the key path.
"""

from app.settings.loading import load_settings, parse_settings
from app.settings.reader import SettingsError
from app.settings.schema import (
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
    RecoveryLetters,
    RecoverySettings,
    WriteOffSettings,
    YearSettings,
)

__all__ = [
    "DEFAULT_DIARY_CODES", "Authority", "AuthoritySettings", "BatchSettings", "BenefitDeductionSettings", "Contact", "Costs",
    "CourtSettings", "CourtVenue",
    "DatabaseSettings", "DiaryCodeSettings", "EnforcementSettings", "InstalmentSettings", "RecoveryLetters",
    "RecoverySettings", "SettingsError", "WriteOffSettings", "YearSettings", "load_settings", "parse_settings",
]
