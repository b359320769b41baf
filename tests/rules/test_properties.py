"""Properties of the money helpers and the pure rules, checked with Hypothesis.

The neighbouring modules check worked examples; these state what must hold for every
input, each with its source: the module's docstring, the regulation it cites, or
../shared/domain/README.md. 200 generated cases per property keep the whole file to a
few seconds.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from app.money import MAX_ITEM_PENCE, MoneyError, fmt, parse_pounds, to_pounds_text
from app.payments.posting import allocate_payment
from app.rules.allocation import allocate_oldest_first
from app.rules.apportionment import apportion_pence, days_in_year, days_liable_in_year, year_end, year_start
from app.rules.attachment_of_earnings import SCHEDULES, deduction_pence, explain
from app.rules.instalments import (
    DueInstalment,
    InstalmentPolicy,
    add_months,
    bill_schedule,
    instalments_allowed,
    reprofile,
    schedule,
    split_amounts,
)

FAST = settings(max_examples=200)
HALF = Fraction(1, 2)


# --- money: app/money.py -----------------------------------------------------------------------

PENCE = st.integers(min_value=-MAX_ITEM_PENCE, max_value=MAX_ITEM_PENCE)  # ± £10,000,000: the most one amount may be


@FAST
@given(PENCE)
def test_formatted_pence_parse_back_to_the_same_pence(pence: int) -> None:
    """app/money.py: money is an int of pence; fmt ("£1,234.56", "-£5.00") and
    to_pounds_text ("1234.56") write it and parse_pounds reads either back exactly."""
    shown = fmt(pence)
    assert re.fullmatch(r"-?£\d{1,3}(,\d{3})*\.\d\d", shown) and shown.startswith("-") == (pence < 0)
    assert parse_pounds(shown) == pence
    assert parse_pounds(to_pounds_text(pence)) == pence


@FAST
@given(st.integers(MAX_ITEM_PENCE + 1, 10**30), st.booleans())
def test_amounts_over_the_maximum_are_refused_either_way(pence: int, negative: bool) -> None:
    """app/money.py: any one amount above MAX_ITEM_PENCE (£10,000,000) is refused, with a
    sentence naming the field, so nothing beyond the database's integer columns reaches them."""
    shown = fmt(-pence if negative else pence)
    try:
        parse_pounds(shown, field="the payment's amount")
    except MoneyError as exc:
        assert str(exc).startswith("The payment's amount") and "£10,000,000.00" in str(exc)
    else:
        raise AssertionError(f"{shown} was accepted")


@st.composite
def written_amounts(draw: st.DrawFn) -> tuple[str, int]:
    """An amount as app/money.py's docstring shows people and files write it: "1,234.56",
    "£1,234.56", "-5", "(5.00)", with or without thousands commas, pence or spaces around."""
    pence = draw(st.integers(0, MAX_ITEM_PENCE))
    pounds, rem = divmod(pence, 100)
    places = draw(st.sampled_from([0, 1, 2] if rem == 0 else [1, 2] if rem % 10 == 0 else [2]))
    number = (f"{pounds:,}" if draw(st.booleans()) else str(pounds)) + {0: "", 1: f".{rem // 10}", 2: f".{rem:02d}"}[places]
    number = ("£" if draw(st.booleans()) else "") + number
    sign = draw(st.sampled_from(["", "-", "()"]))
    text = f"({number})" if sign == "()" else sign + number
    space = draw(st.sampled_from(["", " ", "  "]))
    return space + text + space, -pence if sign else pence


@FAST
@given(written_amounts())
def test_amounts_written_the_documented_ways_parse_to_their_pence(written: tuple[str, int]) -> None:
    """app/money.py parse_pounds docstring: "1,234.56", "£1,234.56", "-5", "(5.00)" -> pence."""
    text, pence = written
    assert parse_pounds(text) == pence


@FAST
@given(st.integers(1, 10**12), st.integers(3, 8))
def test_more_than_two_decimal_places_are_refused_not_rounded(units: int, places: int) -> None:
    """app/money.py: "amounts with more than two decimal places are refused rather than
    rounded, because a silently rounded payment is a wrong payment"."""
    value = Decimal(units).scaleb(-places)
    if (value * 100) == (value * 100).to_integral_value():  # e.g. 1.230: still whole pence
        units += 1
        value = Decimal(units).scaleb(-places)
    try:
        parse_pounds(f"{value:f}")
    except MoneyError as exc:
        assert "more than two decimal places" in str(exc)
    else:
        raise AssertionError(f"{value:f} was accepted")


# The documented forms, read independently of parse_pounds: an optional bracket pair
# (negative) or minus sign, an optional £, ASCII digits with commas only between thousands,
# a point and its decimals; spaces around each part; not over £10,000,000.
WRITTEN = re.compile(
    r"\s*(?P<open>\()?\s*(?P<minus>-)?\s*£?\s*(?P<whole>[0-9]*|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.(?P<frac>[0-9]*))?\s*(?P<close>\))?\s*"
)
JUNK = st.text(alphabet="0123456789.,£-+()eE_ x\u00a0\u0661\u0e51", max_size=14)  # signs, exponents, other digits


def read_by_hand(text: str) -> int | None:
    """The pence a documented form says, or None for anything else (junk)."""
    m = WRITTEN.fullmatch(text)
    if m is None or bool(m["open"]) != bool(m["close"]) or (m["open"] and m["minus"]):
        return None
    whole, frac = m["whole"].replace(",", ""), m["frac"] or ""
    if not (whole + frac) or frac.rstrip("0")[2:]:
        return None
    pence = int(whole or 0) * 100 + int((frac + "00")[:2])
    if pence > MAX_ITEM_PENCE:
        return None
    return -pence if m["open"] or m["minus"] else pence


@FAST
@given(st.one_of(st.text(max_size=20), JUNK))
def test_any_text_is_its_documented_amount_or_a_money_error(text: str) -> None:
    """app/money.py: text that is not an amount in pounds and pence raises MoneyError (which
    imports, forms and the command line report as one sentence), never another exception,
    and is never read as some other amount: no exponents ("1e3"), no other scripts' digits,
    no sign inside brackets ("(-5)")."""
    expected = read_by_hand(text)
    try:
        pence = parse_pounds(text)
    except MoneyError:
        assert expected is None, f"{text!r} is {expected} pence"
        return
    assert pence == expected, f"{text!r} read as {pence} pence"


# --- instalments: app/rules/instalments.py, AER 1992 Sch 1 Part I ----------------------------

AGGREGATES = st.integers(1, 10**8)  # 1p to £1,000,000
COUNTS = st.integers(1, 12)
DAYS = st.integers(1, 28)  # check_instalment_day: every month has the day
POLICY = InstalmentPolicy()


@FAST
@given(AGGREGATES, COUNTS)
def test_instalments_add_up_and_round_where_schedule_1_says(aggregate: int, count: int) -> None:
    """Sch 1 para 2(5)-(6): whole pounds each -> all equal; otherwise all but the first are
    A = aggregate / n to the nearest pound and the first is B = aggregate - (n - 1) x A.
    Para 2(7): a first instalment under £5 is added to the second. Para 3, only if an
    instalment is still under £5 after that: under £10 in all, one instalment; otherwise
    aggregate // £5 instalments, with para 2(5)-(7) again. (instalments.py docstring;
    domain README §2.)"""
    amounts = split_amounts(aggregate, count)
    assert sum(amounts) == aggregate
    assert all(type(a) is int and a > 0 for a in amounts)
    if aggregate < 1000:
        assert amounts == [aggregate] or (amounts == paragraph_2(aggregate, count) and min(amounts) >= 500)
        return
    assert all(a >= 500 for a in amounts)
    first_try = paragraph_2(aggregate, count)
    if min(first_try) >= 500:
        assert amounts == first_try
    else:
        assert amounts == paragraph_2(aggregate, aggregate // 500)


def paragraph_2(aggregate: int, n: int) -> list[int]:
    """Para 2(5)-(7) written out again from the statute, independently of the code."""
    if aggregate % (100 * n) == 0:
        return [aggregate // n] * n
    a = min((pounds * 100 for pounds in range(aggregate // (100 * n) - 1, aggregate // (100 * n) + 2) if pounds >= 0),
            key=lambda candidate: (abs(Fraction(aggregate, n) - candidate), -candidate))  # nearest pound, halves up
    b = aggregate - (n - 1) * a
    return [b + a] + [a] * (n - 2) if b < 500 and n > 1 else [b] + [a] * (n - 1)


def monthly_on_the_same_day(plan: list[DueInstalment]) -> bool:
    """Sch 1 para 1: consecutive months, on the same day of each month."""
    first = plan[0].due
    return all(
        (i.due.year - first.year) * 12 + i.due.month - first.month == k and i.due.day == first.day
        for k, i in enumerate(plan)
    )


@FAST
@given(AGGREGATES, COUNTS, st.dates(date(2000, 1, 1), date(2060, 12, 1)), DAYS)
def test_a_schedule_is_monthly_from_its_first_day(aggregate: int, count: int, month: date, day: int) -> None:
    """Sch 1 para 1 (instalments.py docstring): instalments are monthly, consecutive, on the same day."""
    plan = schedule(aggregate, count, month.replace(day=day))
    assert [i.amount_pence for i in plan] == split_amounts(aggregate, count)
    assert plan[0].due == month.replace(day=day) and monthly_on_the_same_day(plan)


@FAST
@given(AGGREGATES, st.integers(2015, 2040), st.integers(0, 470), st.sampled_from([10, 12]), DAYS)
def test_a_bill_schedule_falls_in_its_year_after_the_notice_period(
    aggregate: int, year: int, issued_offset: int, requested: int, day: int
) -> None:
    """AER 1992 reg 21(2): the first instalment at least 14 days after the notice and not
    before the year starts; Sch 1 para 1: monthly, within the financial year; para 2(3),
    (3A): exactly the number the statute gives (`instalments_allowed`, fewer only for small
    sums, para 2(7)/3) whenever that many months remain from the earliest lawful day — the
    first instalment moves to that day if the instalment day leaves too few, the rest stay on
    the instalment day; the plan adds up to the charge. Notices from 1 November before the
    year to 15 February in it (so 14 days on is still within the year)."""
    issued = date(year - 1, 11, 1) + timedelta(days=issued_offset)
    issued = min(issued, date(year + 1, 2, 15))
    plan = bill_schedule(aggregate, issued, year, requested, day, POLICY)
    earliest = max(issued + timedelta(days=14), year_start(year))
    assert sum(i.amount_pence for i in plan) == aggregate
    assert 1 <= len(plan) <= requested and plan[0].due >= earliest and plan[-1].due <= year_end(year)
    rest_on_the_day = plan if plan[0].due.day == day else plan[1:]
    assert not rest_on_the_day or monthly_on_the_same_day(rest_on_the_day)
    assert all(i.due.day == day for i in rest_on_the_day)
    if plan[0].due.day != day:  # moved: the earliest lawful day, then the instalment day a month on
        assert plan[0].due == earliest
        assert len(plan) == 1 or plan[1].due == add_months(date(earliest.year, earliest.month, day), 1)
    allowed = instalments_allowed(issued, year, requested, POLICY)
    months_from_earliest = (year + 1 - earliest.year) * 12 + 3 - earliest.month + 1
    if months_from_earliest >= allowed:
        assert len(plan) == len(split_amounts(aggregate, allowed))


@FAST
@given(st.integers(0, 10**7), st.integers(0, 10**7), AGGREGATES, st.integers(2015, 2040), st.integers(0, 364), DAYS)
def test_a_reprofile_keeps_what_fell_due_and_spreads_the_rest(
    net: int, paid: int, original: int, year: int, issued_offset: int, day: int
) -> None:
    """instalments.reprofile (Sch 1 para 10 as amended by SI 1995/22): instalments due
    before the amended notice takes effect (issue + 14 days) stand in full, paid or not
    (never more than the new charge); what is left after them and after payments made in
    advance falls on or after that day; the plan adds up to the charge whenever anything is
    left to pay; a credit leaves nothing further to pay."""
    previous = schedule(original, 10, date(year, 4, day))
    issued = year_start(year) + timedelta(days=issued_offset)
    plan = reprofile(net, paid, previous, issued, year, day, POLICY)
    effective = issued + timedelta(days=14)
    due_before = sum(i.amount_pence for i in previous if i.due < effective)
    standing = min(due_before, net)
    assert sum(i.amount_pence for i in plan if i.due < effective) == standing
    later = sum(i.amount_pence for i in plan if i.due >= effective)
    left_to_pay = net - max(standing, paid)
    if left_to_pay > 0:
        assert later == net - standing and sum(i.amount_pence for i in plan) == net
    else:
        assert later == 0
    assert all(i.amount_pence > 0 for i in plan)


# --- allocation: app/rules/allocation.py, app/services/payments.allocate_payment ----------------

YEARS = st.integers(2015, 2030)
OUTSTANDING = st.dictionaries(YEARS, st.integers(-10**6, 10**6), max_size=6)  # negative: a year in credit
PAYMENTS = st.integers(1, 10**7)


@FAST
@given(OUTSTANDING, PAYMENTS, YEARS)
def test_a_payment_pays_the_oldest_debt_first_and_only_the_rest_is_credit(
    outstanding: dict[int, int], amount: int, fallback: int
) -> None:
    """allocation.py docstring (council practice, oldest debt first): the parts add up to the
    payment; each year gets at most what it owes, and only after every older year owing
    anything is paid in full; an overpayment sits in `fallback_year` as a credit."""
    parts = allocate_oldest_first(dict(outstanding), amount, fallback)
    got = dict(parts)
    assert len(got) == len(parts) and all(p > 0 for p in got.values())
    assert sum(got.values()) == amount
    owed = {y: max(0, o) for y, o in outstanding.items()}
    credit = max(0, amount - sum(owed.values()))
    for year, pence in got.items():
        assert pence <= owed.get(year, 0) + (credit if year == fallback else 0)
        assert all(got.get(older, 0) >= debt for older, debt in owed.items() if older < year)


@FAST
@given(OUTSTANDING, st.lists(PAYMENTS, min_size=1, max_size=4), st.dates(date(2015, 4, 1), date(2031, 3, 31)))
def test_payments_in_one_batch_allocate_as_their_total_would(
    outstanding: dict[int, int], amounts: list[int], received: date
) -> None:
    """payments.allocate_payment docstring: `years` is updated in place so the next payment
    to the same account in a batch sees what this one paid; so several payments received in
    one year end up exactly where one payment of their total would, and the balances fall
    by what was allocated. The credit year is the year of receipt."""
    years = dict(outstanding)
    totals: Counter[int] = Counter()
    for amount in amounts:
        for year, pence in allocate_payment(years, amount, received):
            totals[year] += pence
    at_once = dict(outstanding)
    assert dict(totals) == dict(allocate_payment(at_once, sum(amounts), received))
    assert years == at_once
    assert all(years[y] == outstanding.get(y, 0) - totals[y] for y in totals)
    received_year = received.year if received.month >= 4 else received.year - 1
    assert all(pence <= max(0, outstanding.get(y, 0)) for y, pence in totals.items() if y != received_year)


# --- apportionment: app/rules/apportionment.py, LGFA 1992 s2 ---------------------------------

ANNUAL = st.integers(0, 10**7)
FINANCIAL_YEARS = st.integers(1993, 2060)


@FAST
@given(ANNUAL, FINANCIAL_YEARS, st.lists(st.integers(1, 365), max_size=12))
def test_the_parts_of_a_year_add_up_to_the_year_within_half_a_penny_each(
    annual: int, year: int, cuts: list[int]
) -> None:
    """apportionment.py (LGFA 1992 s2): a part-year charge is annual x days / days in the
    year, to the nearest penny; so the parts of a year, each within half a penny of its
    exact share, add up to the whole year to within half a penny per part; the whole year
    is the annual amount and no days cost nothing. Days of consecutive parts add up to
    the year's 365 or 366."""
    n = days_in_year(year)
    assert n == (366 if calendar.isleap(year + 1) else 365)
    first = year_start(year)
    bounds = [first, *sorted({first + timedelta(days=c) for c in cuts if c < n}), year_end(year) + timedelta(days=1)]
    days = [days_liable_in_year(a, b - timedelta(days=1), year) for a, b in pairwise(bounds)]
    assert sum(days) == n
    parts = [apportion_pence(annual, d, year) for d in days]
    assert all(abs(p - Fraction(annual * d, n)) <= HALF for p, d in zip(parts, days, strict=True))
    assert abs(sum(parts) - annual) <= HALF * len(parts)
    assert apportion_pence(annual, n, year) == annual and apportion_pence(annual, 0, year) == 0


# --- attachment of earnings: app/rules/attachment_of_earnings.py, AER 1992 reg 38, Sch 4 -------

ORDERS = st.sampled_from([(s.country, s.made_from) for s in SCHEDULES])
PERIOD = st.sampled_from(["weekly", "monthly", "daily"])
EDGES = sorted({b.above_pence for s in SCHEDULES for t in s.tables.values() for b in t})
NEAR_EDGES = st.builds(lambda edge, k, d: max(0, edge * k + d), st.sampled_from(EDGES), st.integers(1, 4), st.integers(-2, 2))


def held_to(country: str, made: date, period: str) -> int | None:
    """Notional earnings the table held covers (Wales 2022 daily: first band only)."""
    table = next(s for s in SCHEDULES if (s.country, s.made_from) == (country, made)).tables[period]
    return table[-1].up_to_pence


@FAST
@given(ORDERS, PERIOD, st.integers(1, 4), st.one_of(NEAR_EDGES, st.integers(0, 10**6)),
       st.one_of(st.integers(0, 3), st.integers(0, 10**6)))
def test_a_deduction_never_falls_as_earnings_rise_nor_exceeds_them(
    order: tuple[str, date], period: str, periods: int, net: int, rise: int
) -> None:
    """AER 1992 Sch 4 (attachment_of_earnings.py docstring): each band takes a higher
    percentage of the whole net earnings and the top band 17% of its floor plus 50% of the
    rest, so more net earnings never give a smaller deduction, and no deduction is more than
    the net earnings. Checked for every table held, each pay period, 1-4 periods, and
    earnings either side of every band edge."""
    country, made = order
    cap = held_to(country, made, period)
    if cap is not None:  # a partly held table: stay within it
        net = min(net, cap * periods)
        rise = min(rise, cap * periods - net)
    lower = deduction_pence(net, period, country=country, order_made=made, periods=periods)
    higher = deduction_pence(net + rise, period, country=country, order_made=made, periods=periods)
    assert 0 <= lower <= higher
    assert lower <= net and higher <= net + rise


@FAST
@given(ORDERS, PERIOD, st.integers(1, 4), st.one_of(NEAR_EDGES, st.integers(0, 10**6)))
def test_a_deduction_is_rounded_once_to_the_nearest_penny_half_down(
    order: tuple[str, date], period: str, periods: int, net: int
) -> None:
    """attachment_of_earnings.py docstring: periods x table(net / periods), exact, rounded
    once at the end to the nearest penny, an exact half penny down (in the debtor's favour)."""
    country, made = order
    cap = held_to(country, made, period)
    net = net if cap is None else min(net, cap * periods)
    found = explain(net, period, country=country, order_made=made, periods=periods)
    exact = found.band.deduction(Fraction(net, periods)) * periods
    assert -HALF < exact - found.deduction_pence <= HALF
