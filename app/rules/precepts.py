"""Who the council tax is for: each authority's share of a band's charge, and its change.

The Council Tax (Demand Notices) (England) Regulations 2011 (SI 2011/3038) Schedule 1
require a demand notice to state, for the dwelling's band, the amount set by the billing
authority and each major precepting authority's precept (paras 7-8), a parish or town
council's precept where one is levied (paras 10-11), the adult social care part of an
adult social care authority's amount (para 15) and the percentage change of each from the
preceding year, rounded to one decimal place (para 13). The Council Tax (Demand Notices)
(Wales) Regulations 1993 (SI 1993/255, as amended) ask the same of a Welsh notice for the
county or county borough council, the police and crime commissioner and any community
council.

The figures are the council's (settings: `[years.YYYY] precepts`, pence at Band D); the
authorities' amounts add up to the unparished Band D charge, and a parish's precept is
what its Band D charge has over that. Each authority's amount for a band is its Band D
amount times the band's ratio, rounded to the penny; the band's charge (`annual_charge_pence`)
is worked out once, from the total, so the last line takes any rounding penny.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from app.rules.bands import annual_charge_pence, band_ninths, round_pence

UNPARISHED = ""


@dataclass(frozen=True)
class PreceptLine:
    """One authority's part of the charge: Band D and this band, and the change from last year."""

    authority: str
    band_d_pence: int
    band_pence: int
    change_tenths: int | None  # percentage change x 10 (29 = 2.9%); None when last year's figure is unknown
    adult_social_care: bool = False  # the adult social care precept (part of its authority's amount)

    @property
    def change_text(self) -> str:
        """"+2.9%", "-0.4%", "0.0%", or "" when there is nothing to compare with."""
        if self.change_tenths is None:
            return ""
        sign = "+" if self.change_tenths > 0 else "-" if self.change_tenths < 0 else ""
        whole, tenth = divmod(abs(self.change_tenths), 10)
        return f"{sign}{whole}.{tenth}%"


def percent_change_tenths(before_pence: int, now_pence: int) -> int | None:
    """(now - before) / before as tenths of a per cent, halves away from zero (para 13: to one
    decimal place). None when there was no amount before to compare with."""
    if before_pence <= 0:
        return None
    return round_pence(Fraction(1000 * (now_pence - before_pence), before_pence))


def precept_lines(
    precepts: Mapping[str, int], band_d_by_parish: Mapping[str, int], parish: str, band: str,
    *, disabled_reduction: bool = False, adult_social_care: Mapping[str, int] | None = None,
    previous: Mapping[str, int] | None = None, previous_band_d_by_parish: Mapping[str, int] | None = None,
    previous_adult_social_care: Mapping[str, int] | None = None, parish_label: str = "parish council",
) -> list[PreceptLine]:
    """The lines of the notice's "where your council tax goes" table for a band and parish.

    `precepts` maps each authority (the billing authority among them) to its Band D amount;
    they add up to the unparished Band D charge (checked when the settings are read). A
    parish's line is `band_d_by_parish[parish] - band_d_by_parish[""]`, named "<parish>
    <parish_label>". `adult_social_care` maps an authority to the part of its amount that is
    the adult social care precept, shown on its own line after it. The band amounts add up to
    the band's charge: the last line takes the rounding penny.

    Worked: tests/rules/test_precepts.py (the demo's 2026 figures, Band C in Fenby).
    """
    care = adult_social_care or {}
    before = previous or {}
    before_care = previous_adult_social_care or {}
    ninths = band_ninths(band, disabled_reduction)
    rows: list[tuple[str, int, int, bool]] = []  # (authority, Band D now, Band D the year before, adult social care)
    for authority, pence in precepts.items():
        asc = care.get(authority, 0)
        rows.append((authority, pence - asc, before.get(authority, 0) - before_care.get(authority, 0), False))
        if asc:
            rows.append((f"{authority}: adult social care", asc, before_care.get(authority, 0), True))
    if parish:
        local = band_d_by_parish[parish] - band_d_by_parish[UNPARISHED]
        prior = previous_band_d_by_parish or {}
        had = prior.get(parish, 0) - prior.get(UNPARISHED, 0) if parish in prior and UNPARISHED in prior else 0
        if local:
            rows.append((f"{parish} {parish_label}", local, had, False))
    total_d = sum(pence for _, pence, _, _ in rows)
    charge = annual_charge_pence(total_d, band, disabled_reduction)
    lines: list[PreceptLine] = []
    running = 0
    for index, (authority, pence, had_pence, is_care) in enumerate(rows):
        band_pence = charge - running if index == len(rows) - 1 else round_pence(Fraction(pence * ninths, 9))
        running += band_pence
        lines.append(PreceptLine(authority, pence, band_pence, percent_change_tenths(had_pence, pence), is_care))
    return lines
