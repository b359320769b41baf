"""The billing decision, without the database: the rules' charge for a year compared with
what the ledger and the instalment plan already hold.

`decide` says what must change for one account's year (a first bill, an adjustment, a
re-profiled plan, which notice) and nothing is written, so a trial calculation is `decide`
alone, and annual billing and rebilling reach the same answer from the same facts. `Memo`
keeps a run from working out the same charge or schedule twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.billing.facts import AccountFacts, PlanFacts
from app.config import AuthoritySettings
from app.enums import DocumentKind
from app.errors import ValidationError
from app.letters.addressing import postal_address
from app.rules.apportionment import year_end, year_label, year_start
from app.rules.instalments import DueInstalment, InstalmentPolicy, bill_schedule, reprofile
from app.rules.liability import ChargeError, Dated, PeriodFacts, YearCharge, YearPolicy, year_charge
from app.rules.precepts import PreceptLine, percent_change_tenths, precept_lines


@dataclass(frozen=True)
class BillingDecision:
    """What billing one account's year would change. `notice` is None when nothing changes."""

    account_id: uuid.UUID
    account_ref: str
    year: int
    charge: YearCharge
    charged_before_pence: int
    reduced_before_pence: int
    paid_pence: int
    charge_delta_pence: int
    reduction_delta_pence: int
    plan: tuple[DueInstalment, ...] | None  # the new plan, or None to keep the current one
    superseded_plan: PlanFacts | None
    notice: str | None  # demand_notice | amended_demand_notice | None
    # The notice's merge data, stored with the letter as it is and rendered again from it
    # (letters/rendering): free-form by design, it is what the template's fields read.
    notice_data: dict[str, Any] | None

    @property
    def net_pence(self) -> int:
        return self.charge.net_pence

    @property
    def balance_pence(self) -> int:
        return self.charge.net_pence - self.paid_pence

    @property
    def changed(self) -> bool:
        return self.notice is not None


def year_policy(settings: AuthoritySettings, year: int) -> YearPolicy:
    if year not in settings.years:
        raise ValidationError(
            f"The settings have no Band D figures for {year_label(year)}: add [years.{year}] first.", field="year"
        )
    ys = settings.years[year]
    return YearPolicy(year, ys.band_d_pence, ys.premiums)


@dataclass(frozen=True)
class PreceptTable:
    """A year's precepts and the year before's, for the notice's "where your council tax goes"
    table (`app.rules.precepts`); `parish_label` is "parish council" in England, "community
    council" in Wales."""

    precepts: Mapping[str, int]
    adult_social_care: Mapping[str, int]
    band_d_pence: Mapping[str, int]
    previous: Mapping[str, int]
    previous_adult_social_care: Mapping[str, int]
    previous_band_d_pence: Mapping[str, int]
    parish_label: str

    def total_change(self, parish: str) -> str:
        """The change in the parish's whole Band D charge from the year before ("+3.0%"; "" when unknown)."""
        before, now = self.previous_band_d_pence.get(parish, 0), self.band_d_pence.get(parish, 0)
        return PreceptLine("", now, 0, percent_change_tenths(before, now)).change_text

    def lines(self, parish: str, band: str, disabled_reduction: bool) -> list[dict[str, Any]]:
        return [
            {"authority": line.authority, "band_d_pence": line.band_d_pence, "band_pence": line.band_pence,
             "change": line.change_text, "adult_social_care": line.adult_social_care}
            for line in precept_lines(
                self.precepts, self.band_d_pence, parish, band, disabled_reduction=disabled_reduction,
                adult_social_care=self.adult_social_care, previous=self.previous,
                previous_band_d_by_parish=self.previous_band_d_pence,
                previous_adult_social_care=self.previous_adult_social_care, parish_label=self.parish_label,
            )
        ]


def precept_table(settings: AuthoritySettings, year: int) -> PreceptTable | None:
    """The year's precepts from `[years.YYYY] precepts` (None when the council has not set them)."""
    this = settings.years.get(year)
    if this is None or not this.precepts:
        return None
    before = settings.years.get(year - 1)
    return PreceptTable(
        precepts=this.precepts, adult_social_care=this.adult_social_care, band_d_pence=this.band_d_pence,
        previous=before.precepts if before else {}, previous_adult_social_care=before.adult_social_care if before else {},
        previous_band_d_pence=before.band_d_pence if before else {},
        parish_label="community council" if settings.country == "wales" else "parish council",
    )


class InstalmentsNotLoaded(Exception):
    """`decide` must re-profile a plan whose instalments were not loaded (load the account fully)."""


class Memo:
    """Results of the pure rules for one run's fixed policy: most accounts share a handful of
    (band, parish, discount, dates) combinations, so a run computes each only once."""

    def __init__(self) -> None:
        self.charges: dict[tuple[Any, ...], YearCharge] = {}
        self.schedules: dict[tuple[Any, ...], tuple[DueInstalment, ...]] = {}
        self.lines: dict[YearCharge, list[dict[str, Any]]] = {}
        self.instalments: dict[tuple[DueInstalment, ...], list[dict[str, Any]]] = {}
        self.precepts: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}


def decide(
    facts: AccountFacts, year: int, policy: YearPolicy, instalments: InstalmentPolicy, issued_on: date,
    letterhead: Mapping[str, Any], reason: str = "", memo: Memo | None = None, precepts: PreceptTable | None = None,
) -> BillingDecision:
    """Compare the rules' charge for `year` with the ledger and plan, and say what must change.

    `letterhead` is the council's block for the notice (`app.letters.council.council_fields`)."""
    key = (_clipped_periods(facts.periods, year), _clipped(facts.reductions, year))
    charge = memo.charges.get(key) if memo is not None else None
    if charge is None:
        try:
            charge = year_charge(facts.periods, facts.reductions, policy)
        except ChargeError as exc:
            raise ValidationError(f"Account {facts.account_ref}: {exc}", field="parish") from None
        if memo is not None:
            memo.charges[key] = charge
    charged = facts.charged_pence.get(year, 0)
    reduced = facts.reduced_pence.get(year, 0)
    paid = facts.paid_pence.get(year, 0)
    current = facts.plans.get(year)
    charge_delta = charge.charge_pence - charged
    reduction_delta = charge.reduction_pence - reduced
    plan: tuple[DueInstalment, ...] | None = None
    notice: str | None = None
    first_bill = year not in facts.billed_years and bool(charge.lines)
    if current is None and (first_bill or charge_delta or reduction_delta):
        # Liability starting after both the issue date and the start of the year (a move in
        # recorded ahead of time) is scheduled from its first day: nothing falls due earlier.
        liable_from = min((line.start for line in charge.lines), default=issued_on)
        schedule_from = liable_from if liable_from > max(issued_on, year_start(year)) else issued_on
        if first_bill:  # the whole charge in instalments; anything paid already counts towards the first
            plan_key = (charge.net_pence, schedule_from, facts.instalment_count, facts.instalment_day)
            plan = memo.schedules.get(plan_key) if memo is not None else None
            if plan is None:
                plan = tuple(bill_schedule(charge.net_pence, schedule_from, year, facts.instalment_count,
                                           facts.instalment_day, instalments))
                if memo is not None:
                    memo.schedules[plan_key] = plan
        else:
            plan = tuple(reprofile(charge.net_pence, paid, [], schedule_from, year, facts.instalment_day,
                                   instalments, requested=facts.instalment_count))
        notice = "demand_notice" if first_bill else "amended_demand_notice"
    elif current is not None and (charge_delta or reduction_delta):
        if current.instalments is None:
            raise InstalmentsNotLoaded(facts.account_id)
        plan = tuple(reprofile(charge.net_pence, paid, list(current.instalments), issued_on, year,
                               facts.instalment_day, instalments, requested=facts.instalment_count))
        notice = "amended_demand_notice"
    data = None
    if notice is not None and plan is not None:
        data = notice_data(facts, charge, policy, paid, plan, issued_on, letterhead, amended=notice != DocumentKind.DEMAND_NOTICE,
                           reason=reason, memo=memo, precepts=precepts)
    return BillingDecision(
        account_id=facts.account_id, account_ref=facts.account_ref, year=year, charge=charge,
        charged_before_pence=charged, reduced_before_pence=reduced, paid_pence=paid,
        charge_delta_pence=charge_delta, reduction_delta_pence=reduction_delta, plan=plan,
        superseded_plan=current if plan is not None else None, notice=notice, notice_data=data,
    )


def _clipped(items: tuple[Dated, ...], year: int) -> tuple[Dated, ...]:
    """Items cut to the year: the charge for a year depends only on these days, so accounts
    liable since different dates share one memo entry."""
    first, last = year_start(year), year_end(year)
    return tuple(
        Dated(i.code, max(i.start, first), None if i.end is None or i.end > last else i.end, i.empty_since, i.percent_bp)
        for i in items if i.start <= last and (i.end is None or i.end >= first)
    )


def _clipped_periods(periods: tuple[PeriodFacts, ...], year: int) -> tuple[PeriodFacts, ...]:
    first, last = year_start(year), year_end(year)
    return tuple(
        PeriodFacts(max(p.start, first), None if p.end is None or p.end > last else p.end, p.band, p.parish,
                    p.disabled_reduction, _clipped(p.adjustments, year), _clipped(p.exemptions, year))
        for p in periods if p.start <= last and (p.end is None or p.end >= first)
    )


def notice_data(
    facts: AccountFacts, charge: YearCharge, policy: YearPolicy, paid: int, plan: Sequence[DueInstalment],
    issued_on: date, letterhead: Mapping[str, Any], *, amended: bool, reason: str, memo: Memo | None = None,
    precepts: PreceptTable | None = None,
) -> dict[str, Any]:
    """The merge data of a demand notice (the letters service's template fields).

    With a memo, accounts with the same charge lines or instalments share one (read-only) list,
    which `apply` then encodes once.
    """
    lines = memo.lines.get(charge) if memo is not None else None
    if lines is None:
        lines = [
            {"from": line.start.isoformat(), "to": line.end.isoformat(), "days": line.days,
             "description": line.description, "amount_pence": line.amount_pence}
            for line in charge.lines
        ]
        if memo is not None:
            memo.lines[charge] = lines
    key = tuple(plan)
    due = memo.instalments.get(key) if memo is not None else None
    if due is None:
        due = [{"due": i.due.isoformat(), "amount_pence": i.amount_pence} for i in plan]
        if memo is not None:
            memo.instalments[key] = due
    in_year = [i for i, p in enumerate(facts.periods)
               if p.start <= year_end(charge.year) and (p.end is None or p.end >= year_start(charge.year))]
    latest = in_year[-1] if in_year else (len(facts.periods) - 1)
    period = facts.periods[latest] if facts.periods else None
    address, postcode = facts.addresses[latest] if facts.addresses else ("", "")
    moved_out = bool(facts.periods) and facts.periods[-1].end is not None
    shares: list[dict[str, Any]] = []
    if precepts is not None and period is not None:
        share_key = (period.parish, period.band, period.disabled_reduction)
        cached = memo.precepts.get(share_key) if memo is not None else None
        shares = cached if cached is not None else precepts.lines(*share_key)
        if memo is not None:
            memo.precepts[share_key] = shares
    post_to, post_code = postal_address(address, postcode, facts.forwarding_address, moved_out)
    return {
        **letterhead,
        "issued_on": issued_on.isoformat(),
        "account_ref": facts.account_ref,
        "names": list(facts.names),
        "address_lines": post_to,
        "postcode": post_code,
        "property_address": f"{address}, {postcode}" if postcode else address,
        "band": period.band if period else "",
        "parish": period.parish if period else "",
        "year": charge.year,
        "year_label": year_label(charge.year),
        "band_d_pence": policy.band_d_pence.get(period.parish if period else "", 0),
        "annual_charge_pence": charge.lines[-1].annual_pence if charge.lines else 0,
        "lines": lines,
        "charge_pence": charge.charge_pence,
        "reduction_pence": charge.reduction_pence,
        "net_charge_pence": charge.net_pence,
        "paid_pence": paid,
        "balance_pence": charge.net_pence - paid,
        "instalments": due,
        "payment_method": facts.payment_method,
        # "We will collect..." only under a live mandate: payment_method alone may be "dd" with none (issue 16)
        "direct_debit": facts.direct_debit,
        "amended": amended,
        "reason": reason,
        "moved_out": moved_out,
        # SI 2011/3038 Sch 1 paras 7-8, 10-11, 13, 15: each authority's part of the band's charge and its change
        "precepts": shares,
        "band_d_change": precepts.total_change(period.parish) if precepts is not None and period is not None else "",
    }
