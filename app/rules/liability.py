"""A financial year's charge for an account, day by day (LGFA 1992 s2).

Liability, band, discounts, premiums and exemptions are judged at the end of each day, so
the year is cut into runs of days over which nothing changes. Each run is charged as:

    base      = annual amount for the band (after any disabled band reduction) x days / days in year
    discount  = base x the larger discount rate on those days (SPD 25%, all disregarded 50%)
    premium   = base x the premium percentage (long-term empty / second home, per settings)
    charge    = base - discount + premium, or 0 on exempt days (SI 1992/558)
    reduction = charge x council tax reduction percentage (a credit, not a payment)

each rounded to the penny, so a demand notice can show every line and the lines add up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise

from app.enums import DiscountKind
from app.rules.apportionment import days_in_year, year_end, year_label, year_start
from app.rules.bands import annual_charge_pence, band_ninths, round_pence
from app.rules.discounts import DESCRIPTIONS, DISCOUNT_RATES, PremiumPolicy, premium_percent, premium_thresholds

FULL_REDUCTION_BP = 10_000


class ChargeError(ValueError):
    pass


@dataclass(frozen=True)
class Dated:
    """A discount/premium kind, exemption class or reduction on the days start..end (end None = open)."""

    code: str
    start: date
    end: date | None
    empty_since: date | None = None  # LONG_TERM_EMPTY
    percent_bp: int = 0  # reductions

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PeriodFacts:
    start: date
    end: date | None
    band: str
    parish: str  # "" = unparished
    disabled_reduction: bool = False
    adjustments: tuple[Dated, ...] = ()  # discounts and premiums
    exemptions: tuple[Dated, ...] = ()


@dataclass(frozen=True)
class YearPolicy:
    year: int
    band_d_pence: Mapping[str, int]
    premiums: PremiumPolicy = field(default_factory=PremiumPolicy)


@dataclass(frozen=True)
class ChargeLine:
    start: date
    end: date
    days: int
    band: str
    charged_as_band: str
    parish: str
    annual_pence: int
    base_pence: int
    discount_pence: int
    premium_pence: int
    exempt_class: str
    amount_pence: int
    reduction_pence: int
    description: str


@dataclass(frozen=True)
class YearCharge:
    year: int
    lines: tuple[ChargeLine, ...]

    @property
    def charge_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)

    @property
    def reduction_pence(self) -> int:
        return sum(line.reduction_pence for line in self.lines)

    @property
    def net_pence(self) -> int:
        return self.charge_pence - self.reduction_pence

    @property
    def days(self) -> int:
        return sum(line.days for line in self.lines)


def _charged_band(band: str, disabled: bool) -> str:
    if not disabled:
        return band
    ninths = band_ninths(band, True)
    return {5: "A (5/9)", 6: "A", 7: "B", 8: "C", 9: "D", 11: "E", 13: "F", 15: "G", 18: "H"}.get(ninths, band)


def year_charge(periods: Sequence[PeriodFacts], reductions: Sequence[Dated], policy: YearPolicy) -> YearCharge:
    """Every run of days in `policy.year` the account is liable for, charged and explained."""
    first_day, last_day = year_start(policy.year), year_end(policy.year)
    runs: list[tuple[PeriodFacts, date, date]] = []
    for period in sorted(periods, key=lambda p: p.start):
        start = max(period.start, first_day)
        end = min(period.end or last_day, last_day)
        if end < start:
            continue
        if period.parish not in policy.band_d_pence:
            where = period.parish or "the unparished area"
            raise ChargeError(f"There is no Band D figure for {where} in {year_label(policy.year)}.")
        cuts = {start, end + timedelta(days=1)}
        for item in (*period.adjustments, *period.exemptions, *reductions):
            cuts.add(item.start)
            if item.end is not None:
                cuts.add(item.end + timedelta(days=1))
            if item.code == DiscountKind.LONG_TERM_EMPTY and item.empty_since is not None:
                cuts.update(premium_thresholds(policy.premiums, item.empty_since))
        bounds = sorted(c for c in cuts if start <= c <= end + timedelta(days=1))
        for seg_start, seg_next in pairwise(bounds):
            runs.append((period, seg_start, seg_next - timedelta(days=1)))
    lines: list[ChargeLine] = []
    for period, start, end in _joined(runs, reductions, policy):
        annual = annual_charge_pence(policy.band_d_pence[period.parish], period.band, period.disabled_reduction)
        lines.append(_line(period, reductions, policy, annual, start, end))
    return YearCharge(policy.year, tuple(lines))


def _facts(period: PeriodFacts, reductions: Sequence[Dated], policy: YearPolicy, day: date) -> tuple[object, ...]:
    """Everything the charge for `day` depends on (what `_line` reads for its first day)."""
    exemption = next((e.code for e in period.exemptions if e.covers(day)), None)
    active = sorted(
        (a.code, premium_percent(a.code, policy.premiums, day, a.empty_since) if a.code not in DISCOUNT_RATES else 0)
        for a in period.adjustments if a.covers(day)
    )
    bp = sum(r.percent_bp for r in reductions if r.covers(day))
    return (period.band, period.parish, period.disabled_reduction, exemption, tuple(active), bp)


def _joined(
    runs: list[tuple[PeriodFacts, date, date]], reductions: Sequence[Dated], policy: YearPolicy
) -> list[tuple[PeriodFacts, date, date]]:
    """Back-to-back runs charged on the same facts become one run (one rounding), so that
    cutting a period in two where nothing changes (a split, or a move between two periods
    of the same property on the same terms) cannot change the charge by a penny."""
    joined: list[tuple[PeriodFacts, date, date]] = []
    for period, start, end in runs:
        if joined:
            last_period, last_start, last_end = joined[-1]
            if last_end + timedelta(days=1) == start and (
                _facts(last_period, reductions, policy, last_start) == _facts(period, reductions, policy, start)
            ):
                joined[-1] = (last_period, last_start, end)
                continue
        joined.append((period, start, end))
    return joined


def _line(
    period: PeriodFacts, reductions: Sequence[Dated], policy: YearPolicy, annual: int, start: date, end: date
) -> ChargeLine:
    days = (end - start).days + 1
    base = round_pence(Fraction(annual * days, days_in_year(policy.year)))
    exemption = next((e for e in period.exemptions if e.covers(start)), None)
    active = [a for a in period.adjustments if a.covers(start)]
    discounts = [a.code for a in active if a.code in DISCOUNT_RATES]
    rate = max((DISCOUNT_RATES[d] for d in discounts), default=Fraction(0))
    premiums = [(a.code, premium_percent(a.code, policy.premiums, start, a.empty_since))
                for a in active if a.code not in DISCOUNT_RATES]
    premium_pc = sum(pc for _, pc in premiums)
    words = [f"Band {period.band}"]
    if period.disabled_reduction:
        words.append(f"disabled band reduction (charged as band {_charged_band(period.band, True)})")
    if exemption is not None:
        discount = premium = 0
        amount = 0
        words.append(f"exempt (class {exemption.code})")
    else:
        discount = round_pence(Fraction(base) * rate)
        premium = round_pence(Fraction(base * premium_pc, 100))
        amount = base - discount + premium
        if discounts:
            words.append(DESCRIPTIONS[max(discounts, key=lambda d: DISCOUNT_RATES[d])])
        words.extend(f"{DESCRIPTIONS[code]} {pc}%" for code, pc in premiums if pc)
    bp = min(FULL_REDUCTION_BP, sum(r.percent_bp for r in reductions if r.covers(start)))
    reduction = round_pence(Fraction(amount * bp, FULL_REDUCTION_BP))
    if reduction:
        percent = f"{bp // 100}%" if bp % 100 == 0 else f"{bp // 100}.{bp % 100:02d}%"
        words.append(f"council tax reduction {percent}")
    return ChargeLine(
        start=start, end=end, days=days, band=period.band, charged_as_band=_charged_band(period.band, period.disabled_reduction),
        parish=period.parish, annual_pence=annual, base_pence=base, discount_pence=discount, premium_pence=premium,
        exempt_class=exemption.code if exemption else "", amount_pence=amount, reduction_pence=reduction,
        description="; ".join(words),
    )
