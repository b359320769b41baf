"""Recording which authority figures a financial year was charged with.

The settings file moves on every year (and may be edited mid-year); the snapshot kept
when a year is first charged lets anyone explain an old bill later. A year already
captured is never overwritten: a change of figures for a billed year is a rebilling
decision, not a silent edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from sqlalchemy import select

from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import jsonable
from app.models import AuthorityYear


def capture_year_settings(uow: UnitOfWork, settings: AuthoritySettings, years: Iterable[int]) -> list[int]:
    """Snapshot the given years' figures if not yet held; returns the years newly captured."""
    wanted = [y for y in years if y in settings.years]
    held = set(uow.session.scalars(select(AuthorityYear.year).where(AuthorityYear.year.in_(wanted))))
    captured: list[int] = []
    for year in wanted:
        if year in held:
            continue
        uow.session.add(AuthorityYear(year=year, settings={
            "authority": settings.name,
            "country": settings.country,
            "band_d_pence": dict(settings.years[year].band_d_pence),
            "precepts": dict(settings.years[year].precepts),
            "adult_social_care": dict(settings.years[year].adult_social_care),
            "costs": asdict(settings.costs),
            "recovery": jsonable(asdict(settings.recovery)),
            "source": settings.source,
        }))
        captured.append(year)
    return captured


def year_settings(uow: UnitOfWork, year: int) -> dict[str, object] | None:
    snapshot = uow.session.scalars(select(AuthorityYear).where(AuthorityYear.year == year)).one_or_none()
    return dict(snapshot.settings) if snapshot else None
