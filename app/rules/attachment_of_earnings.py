"""Council tax attachment of earnings deductions: AER 1992 (SI 1992/613) reg 38 and Schedule 4.

The employer deducts, each pay-day, a percentage of the debtor's **net earnings** (after
income tax, primary Class 1 NI and superannuation: reg 32(1)) found from the Schedule 4
table for the pay period:

- Table A (weekly), Table B (monthly), Table C (daily).
- A band "exceeding £75 but not exceeding £135" means net > £75.00 and net <= £135.00.
- The percentage applies to the WHOLE net earnings in that band (it is not marginal);
  only the top band is split: "17 in respect of the first £505 and 50 in respect of the
  remainder".

Pay periods (reg 38, read with the same scheme in the Community Charges regulations
(SI 1989/438 reg 33) and the DETR employers' guidance as published by councils, e.g.
Exeter City Council's "Deductions from earnings paid at regular intervals"):

- paid every N weeks (or N months): the notional weekly (monthly) earnings are
  net / N; the table is applied to that and the result multiplied by N;
- paid at other regular intervals, or irregularly: the notional daily earnings are net
  divided by the number of days in the interval (or since the last pay-day); Table C is
  applied to that and the result multiplied by the number of days.

Here that is one exact calculation, `periods x table(net / periods)`, in `Fraction`s, so
dividing and multiplying back never loses a penny. (A daily deduction of 30p x 9 days
= £2.70 comes out the same as Exeter's worked example.)

Rounding: the Schedule does not say how to round, and nothing in the guidance we could
find does either. We round **once**, at the end, to the nearest penny, an exact half
penny rounded **down** (in the debtor's favour). The Scottish earnings arrestment tables
(e.g. SSI 2021/409 Schedule, footnote) state this same rule expressly; we borrow it.

Tables are DATA keyed by country and the date the order was made (`SCHEDULES`):

- England, orders made from 1 April 2007: SI 2006/3395 reg 5(2) (with reg 1(3): not for
  orders made before 1 April 2007). NB the "as made" text of reg 5(2)(a)(v) reads
  "£335" for the weekly 12%/17% boundary, but legislation.gov.uk's revised Schedule 4
  for England, SI 2007/582 (Wales, same figures) and council publications all read
  **£355**; £355 is used here *(check: SI 2007/501 reg 3(3) may be the correction)*.
- Wales, orders made from 1 April 2007: SI 2007/582 (W.54) (same figures as England).
- Wales, orders made from 1 April 2022: WSI 2022/107 (W.38). Tables A and B are held in
  full; of Table C only the first band (not exceeding £16: 0%) was verified, so a Welsh
  daily calculation above £16 a day is refused with `AttachmentError` until the rest of
  the table is entered from the Regulations *(check)*. The order-date key follows the
  domain notes and Welsh council guidance ("orders issued on or after 1 April 2022").
- England and Wales, orders made before 1 April 2007: SI 1998/295 reg 5 and Schedule
  (weekly 55/100/135/165/260/370, monthly 220/400/540/660/1,040/1,480, daily
  8/15/20/24/38/53), verified from the "as made" text. Held from 1 April 1998 *(check the
  start date)*; orders made before that are refused.

Other Part VI rules the service layer enforces (helpers here): not more than two of the
authority's attachment of earnings orders in force at once for one debtor
(`MAX_ORDERS_IN_FORCE`, reg 37 as amended by SI 1998/295 reg 4), and the employer may
deduct £1 more per deduction towards administrative costs (`EMPLOYER_ADMIN_FEE_PENCE`;
reg 39 *(check the paragraph)*; councils' guidance to employers says the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

Period = Literal["weekly", "monthly", "daily"]
PERIODS: tuple[Period, ...] = ("weekly", "monthly", "daily")
COUNTRIES = ("england", "wales")

MAX_ORDERS_IN_FORCE = 2
EMPLOYER_ADMIN_FEE_PENCE = 100

_TABLE_NAMES = {
    "weekly": "Table A (weekly earnings)", "monthly": "Table B (monthly earnings)", "daily": "Table C (daily earnings)",
}


class AttachmentError(ValueError):
    """A deduction that cannot be worked out from the tables held (a message for an officer)."""


@dataclass(frozen=True)
class Band:
    """Net earnings > `above_pence` and <= `up_to_pence` (None: no upper limit, the top band).

    The deduction is `percent` of the whole net earnings; in the top band it is
    `first_percent` of `above_pence` plus `percent` of the remainder.
    """

    above_pence: int
    up_to_pence: int | None
    percent: int
    first_percent: int = 0

    def contains(self, net: Fraction) -> bool:
        return net > self.above_pence and (self.up_to_pence is None or net <= self.up_to_pence)

    def deduction(self, net: Fraction) -> Fraction:
        if self.up_to_pence is None and self.first_percent:
            return Fraction(self.first_percent * self.above_pence, 100) + Fraction(self.percent, 100) * (net - self.above_pence)
        return Fraction(self.percent, 100) * net

    def describe(self) -> str:
        def pounds(p: int) -> str:
            return f"£{p // 100:,}" + (f".{p % 100:02d}" if p % 100 else "")

        if self.up_to_pence is None:
            return (f"over {pounds(self.above_pence)}: {self.first_percent}% of the first {pounds(self.above_pence)} "
                    f"and {self.percent}% of the rest")
        if self.above_pence == 0:
            return f"not over {pounds(self.up_to_pence)}: {self.percent}%"
        return f"over {pounds(self.above_pence)} and not over {pounds(self.up_to_pence)}: {self.percent}% of the whole"


def _table(edges_pounds: tuple[int, ...], rates: tuple[int, ...], top: tuple[int, int] | None = (17, 50)) -> tuple[Band, ...]:
    """Bands from their upper edges: 0..e1 at rates[0], e1..e2 at rates[1], ...; then the top band."""
    bands: list[Band] = []
    below = 0
    for edge, rate in zip(edges_pounds, rates, strict=True):
        bands.append(Band(below, edge * 100, rate))
        below = edge * 100
    if top is not None:
        bands.append(Band(below, None, top[1], top[0]))
    return tuple(bands)


@dataclass(frozen=True)
class Schedule4:
    """One version of Schedule 4: which country, for orders made from when, its tables."""

    country: str
    made_from: date
    source: str
    tables: Mapping[str, tuple[Band, ...]]


_RATES = (0, 3, 5, 7, 12, 17)

_1998 = {
    "weekly": _table((55, 100, 135, 165, 260, 370), _RATES),
    "monthly": _table((220, 400, 540, 660, 1040, 1480), _RATES),
    "daily": _table((8, 15, 20, 24, 38, 53), _RATES),
}
_2007 = {
    "weekly": _table((75, 135, 185, 225, 355, 505), _RATES),
    "monthly": _table((300, 550, 740, 900, 1420, 2020), _RATES),
    "daily": _table((11, 20, 27, 33, 52, 72), _RATES),
}
_WALES_2022 = {
    "weekly": _table((105, 190, 260, 320, 505, 715), _RATES),
    "monthly": _table((430, 780, 1050, 1280, 2010, 2860), _RATES),
    # Table C: only the first band is verified (see module docstring); the rest: check.
    "daily": _table((16,), (0,), top=None),
}

SCHEDULES: tuple[Schedule4, ...] = (
    Schedule4("england", date(1998, 4, 1), "SI 1998/295 Schedule", _1998),
    Schedule4("england", date(2007, 4, 1), "SI 2006/3395 reg 5(2)", _2007),
    Schedule4("wales", date(1998, 4, 1), "SI 1998/295 Schedule", _1998),
    Schedule4("wales", date(2007, 4, 1), "SI 2007/582 (W.54) Schedule", _2007),
    Schedule4("wales", date(2022, 4, 1), "WSI 2022/107 (W.38) Schedule", _WALES_2022),
)


def schedule_for(country: str, order_made: date) -> Schedule4:
    """The Schedule 4 in force for an order made on `order_made` in `country`."""
    key = country.strip().lower()
    if key not in COUNTRIES:
        raise AttachmentError(f"The country must be England or Wales, not '{country}'.")
    held = [s for s in SCHEDULES if s.country == key and s.made_from <= order_made]
    if not held:
        raise AttachmentError(f"No deduction table is held for an order made on {order_made:%d/%m/%Y} in {key.title()}.")
    return max(held, key=lambda s: s.made_from)


@dataclass(frozen=True)
class Deduction:
    """A deduction and how it was found, for letters and the screen."""

    deduction_pence: int
    net_pence: int
    period: str
    periods: int
    country: str
    source: str
    table: str
    band: Band

    @property
    def band_description(self) -> str:
        return self.band.describe()

    def explanation(self) -> str:
        per = {"weekly": "week", "monthly": "month", "daily": "day"}[self.period]
        scope = (f"net earnings per {per}" if self.periods == 1
                 else f"net earnings per {per} (÷ {self.periods}, then × {self.periods})")
        return f"{self.source}, {self.table}: {scope} {self.band_description}"


def _round_half_down(value: Fraction) -> int:
    """Nearest penny, an exact half penny rounded down (never negative here)."""
    whole, rem = divmod(value.numerator, value.denominator)
    return whole + 1 if 2 * rem > value.denominator else whole


def explain(
    net_pence: int, period: str, *, country: str = "england", order_made: date = date(2007, 4, 1), periods: int = 1
) -> Deduction:
    """The deduction for one pay-day and the band it came from (see the module docstring).

    `periods` is the length of the pay period in units of `period`: 2 for fortnightly pay
    with `period="weekly"`, 10 for a 10-day interval with `period="daily"`.
    """
    if net_pence < 0:
        raise AttachmentError("Net earnings cannot be negative.")
    if period not in PERIODS:
        raise AttachmentError(f"The pay period must be weekly, monthly or daily, not '{period}'.")
    if periods < 1:
        raise AttachmentError("The pay period must be at least one week, month or day.")
    schedule = schedule_for(country, order_made)
    notional = Fraction(net_pence, periods)
    band = next((b for b in schedule.tables[period] if b.contains(notional) or (notional == 0 and b.above_pence == 0)), None)
    if band is None:
        held_to = schedule.tables[period][-1].up_to_pence or 0
        raise AttachmentError(
            f"{_TABLE_NAMES[period]} of {schedule.source} above £{held_to // 100:,} is not held yet; "
            "enter it from the Regulations."
        )
    pence = _round_half_down(band.deduction(notional) * periods)
    return Deduction(pence, net_pence, period, periods, schedule.country, schedule.source, _TABLE_NAMES[period], band)


def deduction_pence(
    net_pence: int, period: str, *, country: str = "england", order_made: date = date(2007, 4, 1), periods: int = 1
) -> int:
    """AER 1992 reg 38 / Sch 4: the sum the employer deducts from `net_pence` on a pay-day."""
    return explain(net_pence, period, country=country, order_made=order_made, periods=periods).deduction_pence


def total_with_admin_fee_pence(deduction: int) -> int:
    """What leaves the debtor's pay: the deduction plus the employer's £1 towards costs, if a deduction is made."""
    return deduction + EMPLOYER_ADMIN_FEE_PENCE if deduction > 0 else 0


def may_make_another_order(orders_in_force: int) -> bool:
    """Not more than two of the authority's orders may be in force for one debtor at once."""
    return orders_in_force < MAX_ORDERS_IN_FORCE
