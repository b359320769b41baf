"""The example authority with hearing venues (`[court]`): the shared example settings file is
the CLI contract's and has none, so tests of the summons's court details add them here."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.config import AuthoritySettings
from app.settings import CourtSettings, CourtVenue

EXAMPLETON = CourtVenue("exampleton", "Exampleton Magistrates' Court",
                        ("The Court House", "Castle Street", "Exampleton", "EX1 2BB"), "10:00")
FENBY = CourtVenue("fenby", "Fenby Magistrates' Court", ("Fenby Law Courts", "Bridge Road", "Fenby", "EX7 4DD"), "14:00",
                   (date(2025, 9, 23),))
COURT_TOML = """
[court]
default_venue = "exampleton"

[court.venues.exampleton]
name = "Exampleton Magistrates' Court"
address = ["The Court House", "Castle Street", "Exampleton", "EX1 2BB"]
time = "10:00"

[court.venues.fenby]
name = "Fenby Magistrates' Court"
address = ["Fenby Law Courts", "Bridge Road", "Fenby", "EX7 4DD"]
time = "14:00"
dates = ["2025-09-23"]
"""


def with_venues(settings: AuthoritySettings) -> AuthoritySettings:
    """`settings` with the two example venues (Exampleton the default; Fenby on 23/09/2025)."""
    return replace(settings, court=CourtSettings(venues={"exampleton": EXAMPLETON, "fenby": FENBY},
                                                 default_venue="exampleton"))
