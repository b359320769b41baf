"""Each authority's part of the charge on a demand notice and its change from the year
before (Council Tax (Demand Notices) (England) Regulations 2011, SI 2011/3038, Schedule 1
paras 7-8, 10-11, 13 and 15), with the demo figures of resources/authority/default.toml."""

from __future__ import annotations

import pytest

from app.rules.bands import annual_charge_pence
from app.rules.precepts import PreceptLine, percent_change_tenths, precept_lines
from app.settings import load_settings

COUNTY = "Exampleshire County Council"


def test_percentage_change_to_one_decimal_place() -> None:
    # para 13: "expressed as a percentage ... rounded to one decimal place"
    assert percent_change_tenths(23750, 24630) == 37  # 3.705% -> 3.7%
    assert percent_change_tenths(1000, 1045) == 45  # exactly 4.5%
    assert percent_change_tenths(2000, 1999) == -1  # -0.05% rounds away from zero -> -0.1%
    assert percent_change_tenths(0, 500) is None  # nothing the year before: no change to state
    assert [PreceptLine("x", 0, 0, t).change_text for t in (37, -4, 0, None)] == ["+3.7%", "-0.4%", "0.0%", ""]


def test_demo_precepts_add_up_to_the_band_d_charge_every_year() -> None:
    settings = load_settings(None)
    for year, figures in settings.years.items():
        assert sum(figures.precepts.values()) == figures.band_d_pence[""], year
        assert figures.adult_social_care[COUNTY] < figures.precepts[COUNTY]


@pytest.mark.parametrize(("parish", "band", "disabled"), [("", "D", False), ("Fenby", "C", False), ("Old Quay", "H", False),
                                                          ("Abbey Parish", "A", True)])
def test_each_authoritys_part_adds_up_to_the_bands_charge(parish: str, band: str, disabled: bool) -> None:
    settings = load_settings(None)
    now, before = settings.years[2026], settings.years[2025]
    lines = precept_lines(now.precepts, now.band_d_pence, parish, band, disabled_reduction=disabled,
                          adult_social_care=now.adult_social_care, previous=before.precepts,
                          previous_band_d_by_parish=before.band_d_pence,
                          previous_adult_social_care=before.adult_social_care)
    assert sum(line.band_d_pence for line in lines) == now.band_d_pence[parish]
    assert sum(line.band_pence for line in lines) == annual_charge_pence(now.band_d_pence[parish], band, disabled)
    assert all(line.change_text for line in lines)  # every authority had an amount in 2025


def test_worked_example_band_c_in_fenby_2026() -> None:
    """District 24,630p, county 161,550p of which adult social care 24,000p, police 22,520p,
    fire 7,600p: 216,300p; Fenby's Band D 218,850p, so its parish precept is 2,550p. Band C
    is 8/9 of each: 21,893 + 122,267 + 21,333 + 20,018 + 6,756 + 2,266 (the last takes the
    rounding penny) = 194,533 = 218,850 x 8/9 rounded."""
    settings = load_settings(None)
    now, before = settings.years[2026], settings.years[2025]
    lines = precept_lines(now.precepts, now.band_d_pence, "Fenby", "C", adult_social_care=now.adult_social_care,
                          previous=before.precepts, previous_band_d_by_parish=before.band_d_pence,
                          previous_adult_social_care=before.adult_social_care)
    assert [(line.authority, line.band_d_pence, line.band_pence, line.change_text) for line in lines] == [
        ("Example District Council", 24630, 21893, "+3.7%"),  # 23,750 -> 24,630
        (COUNTY, 137550, 122267, "+1.7%"),  # 135,250 -> 137,550 (1.70%) without adult social care
        (f"{COUNTY}: adult social care", 24000, 21333, "+9.1%"),  # 22,000 -> 24,000
        ("Exampleshire Police and Crime Commissioner", 22520, 20018, "+3.3%"),
        ("Exampleshire Fire and Rescue Authority", 7600, 6756, "+5.6%"),
        ("Fenby parish council", 2550, 2266, "+2.8%"),  # 2,480 -> 2,550 (2.82%)
    ]
    assert lines[2].adult_social_care and not lines[1].adult_social_care
    assert sum(line.band_pence for line in lines) == 194533 == annual_charge_pence(218850, "C")
