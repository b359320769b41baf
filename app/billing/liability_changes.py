"""Changing liability: move in/out, periods, joint parties, discounts, premiums, exemptions, reductions.

Every change is validated, audited and followed by a rebill in the same transaction, so
the ledger, the instalment plan and the amended demand notice always agree with the
liability. Every change can be tried first (`preview=True`): the change is made, the
account recalculated, and everything rolled back, so the officer sees exactly what saving
would do ("trial calculation") and nothing is written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from app.accounts.search_index import search_columns, search_key_for
from app.audit import audit
from app.billing.rebilling import RebillResult, decide_account, rebill_account, result_view
from app.billing.requests import (
    AddJointParty,
    EndDiscount,
    EndExemption,
    EndJointParty,
    EndReduction,
    MoveIn,
    MoveOut,
    NewTaxpayer,
    Rebill,
    SetDisabledReduction,
    SetDiscount,
    SetExemption,
    SetReduction,
    SplitPeriod,
)
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import clean_text
from app.enums import AccountPaymentMethod, AccountStatus, DiscountKind, ReductionKind, member
from app.errors import NotFound, ValidationError
from app.models import (
    Account,
    AccountParty,
    Discount,
    Exemption,
    LiabilityParty,
    LiabilityPeriod,
    Person,
    Property,
    ReductionAward,
)
from app.requests import handles
from app.rules.apportionment import periods_overlap
from app.rules.discounts import PREMIUM_KINDS, AdjustmentError, check_adjustment_kind, check_exemption_class
from app.rules.instalments import InstalmentError, check_instalment_count, check_instalment_day
from app.rules.references import make_reference
from app.users.roles import Actor, Role


@dataclass(frozen=True)
class LiabilityChange:
    """What a change did (or, previewed, would do) to each year of the account."""

    account_ref: str
    preview: bool
    results: list[RebillResult]
    warnings: list[str] = field(default_factory=list)

    @property
    def difference_pence(self) -> int:
        return sum(r.difference_pence for r in self.results)


def _span(start: date, end: date | None) -> str:
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}" if end else f"{start:%d/%m/%Y} onwards"


def _no_discount_with_premium(
    period: LiabilityPeriod, code: str, start: date, end: date | None, *, besides: Discount | None = None,
) -> None:
    """Refuse a discount and a premium on the same days: a council levying a premium
    determines that "the discount under section 11(2)(a) shall not apply" (LGFA 1992
    s11B(1), s11C(1)); entered together they would bill 1.5 times where the law gives 2."""
    premium = code in PREMIUM_KINDS
    for d in period.discounts:
        if d is besides or (d.kind in PREMIUM_KINDS) == premium:
            continue
        if periods_overlap(start, end, d.start_date, d.end_date):
            held, adding = (d.kind, code) if premium else (code, d.kind)
            raise ValidationError(
                f"A home with a premium gets no discount (LGFA 1992 s11B/s11C): {d.kind} applies "
                f"{_span(d.start_date, d.end_date)}. End the {held} before the {adding} starts.",
                field="kind" if besides is None else "end_date",
            )


def _inside(start: date, end: date | None, period: LiabilityPeriod, what: str) -> None:
    """A discount/exemption/party must fall within the liability period (effective dates)."""
    if end is not None and end < start:
        raise ValidationError(f"The {what} cannot end ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y}).", field="end_date")
    if start < period.start_date or (period.end_date is not None and start > period.end_date):
        raise ValidationError(
            f"The {what} starts on {start:%d/%m/%Y}, outside the liability period {_span(period.start_date, period.end_date)}.",
            field="start_date",
        )
    if period.end_date is not None and (end is None or end > period.end_date):
        raise ValidationError(
            f"The {what} must end by {period.end_date:%d/%m/%Y}, when the liability period ends.", field="end_date"
        )


def _period(uow: UnitOfWork, period_id: uuid.UUID) -> LiabilityPeriod:
    # The account with it: its version is then the one every check below was made against,
    # so a change someone else saves meanwhile makes this one a Conflict (see _finish).
    period = uow.session.get(LiabilityPeriod, period_id, options=[joinedload(LiabilityPeriod.account)])
    if period is None:
        raise NotFound("That liability period no longer exists: reload the account.")
    return period


def _version_read(account: Account) -> None:
    """Load the account (and so its version) before anything is checked or changed: see _period."""
    assert account.version is not None


def _account(uow: UnitOfWork, account_ref: str) -> Account:
    account = uow.session.scalars(select(Account).where(Account.account_ref == account_ref.strip())).one_or_none()
    if account is None:
        raise NotFound(f"There is no account with reference {account_ref.strip()}.")
    return account


def _check_property_free(uow: UnitOfWork, property_id: uuid.UUID, start: date, end: date | None,
                         ignore_period: uuid.UUID | None = None) -> None:
    """No two accounts liable for one property on the same day (joint taxpayers share one account)."""
    rows = uow.session.execute(
        select(LiabilityPeriod.id, LiabilityPeriod.start_date, LiabilityPeriod.end_date, Account.account_ref)
        .join(Account, Account.id == LiabilityPeriod.account_id)
        .where(LiabilityPeriod.property_id == property_id)
    ).all()
    for pid, s, e, ref in rows:
        if pid != ignore_period and periods_overlap(start, end, s, e):
            raise ValidationError(
                f"Account {ref} is already liable for this property {_span(s, e)}: end that liability first, "
                f"or add the person as a joint taxpayer on it.", field="start_date",
            )


def _flush(uow: UnitOfWork) -> None:
    """Write the change so far; a versioned row someone else saved meanwhile is a Conflict."""
    uow.flush("The account")


def _finish(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, account: Account, *, from_day: date, as_of: date,
    reason: str, preview: bool, warnings: list[str] | None = None, changes_liability: bool = True,
) -> LiabilityChange:
    """Rebill after a change; commit it, or (preview) roll everything back.

    Every change bumps the account's version, whatever rows it touched (a discount, an
    award, a joint party carry none of their own): the account is the aggregate, so a
    change saved meanwhile by someone else to any part of it makes this one a Conflict
    instead of silently winning (two overlapping discounts, an end date overwritten).
    A plain rebill changes no liability and reads the facts afresh, so it needs no version.
    """
    if changes_liability:
        flag_modified(account, "status")  # an UPDATE ... WHERE version = <as loaded>, even if nothing else changed
    _flush(uow)
    ref, account_id = account.account_ref, account.id
    warnings = (warnings or []) + _warnings(uow, account_id, as_of)
    if preview:
        results = [result_view(d) for d in decide_account(uow, settings, account_id, from_day, as_of, reason)]
        uow.rollback()
        return LiabilityChange(ref, True, results, warnings)
    results = rebill_account(uow, actor, settings, account_id, from_day=from_day, as_of=as_of, reason=reason)
    uow.commit()
    return LiabilityChange(ref, False, results, warnings)


def _warnings(uow: UnitOfWork, account_id: uuid.UUID, as_of: date) -> list[str]:
    """Things an officer should look at: a single person discount while someone else is jointly liable."""
    found: list[str] = []
    periods = uow.session.scalars(select(LiabilityPeriod).where(LiabilityPeriod.account_id == account_id)).all()
    for period in periods:
        for party in period.joint_parties:
            for d in period.discounts:
                if d.kind == DiscountKind.SPD and periods_overlap(d.start_date, d.end_date, party.start_date, party.end_date):
                    found.append(
                        f"A single person discount applies while {party.person.full_name()} is jointly liable "
                        f"(from {party.start_date:%d/%m/%Y}): check whether it should end."
                    )
    return found


# --- periods ------------------------------------------------------------------------------------



@handles(MoveIn, role=Role.OFFICER, action="record a move in")
def move_in(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, uprn: str, taxpayer: NewTaxpayer, start_date: date,
    as_of: date, payment_method: str = "cash", instalment_count: int | None = None, instalment_day: int | None = None,
    preview: bool = False,
) -> LiabilityChange:
    """A new taxpayer becomes liable for a property: a new account with a checked reference, billed."""
    policy = settings.instalment_policy()
    count = instalment_count or policy.default_count
    day = instalment_day or policy.default_day
    try:
        check_instalment_count(count)
        check_instalment_day(day)
    except InstalmentError as exc:
        raise ValidationError(str(exc), field="instalment_day" if "day" in str(exc) else "instalments") from None
    if not taxpayer.surname.strip():
        raise ValidationError("The taxpayer's surname is required.", field="surname")
    pays_by = member(AccountPaymentMethod, payment_method)
    if pays_by is None:
        raise ValidationError("The payment method is cash or dd.", field="payment_method")
    prop = uow.session.scalars(select(Property).where(Property.uprn == uprn.strip())).one_or_none()
    if prop is None:
        raise NotFound(f"There is no property with UPRN {uprn.strip()}.")
    _check_property_free(uow, prop.id, start_date, None)
    person = Person(title=taxpayer.title.strip(), forenames=taxpayer.forenames.strip(), surname=taxpayer.surname.strip(),
                    email=taxpayer.email.strip(), phone=taxpayer.phone.strip())
    account_id = uuid.uuid4()
    ref = _next_reference(uow)
    account = Account(
        id=account_id, account_ref=ref, payment_method=pays_by, instalment_count=count, instalment_day=day,
        search_key=search_key_for(account_id),
        **search_columns(ref, [person.full_name()], prop.address(), prop.postcode),
    )
    account.parties = [AccountParty(person=person, ordinal=0)]
    account.periods = [LiabilityPeriod(property=prop, start_date=start_date, end_date=None)]
    uow.session.add(account)
    uow.session.flush()
    audit(uow, actor.username, "liability.move_in", "account", account.id, account_id=account.id,
          after={"account_ref": ref, "uprn": prop.uprn, "from": start_date.isoformat(), "taxpayer": person.full_name()})
    return _finish(uow, actor, settings, account, from_day=start_date, as_of=as_of,
                   reason=f"moved in on {start_date:%d/%m/%Y}", preview=preview)


def _next_reference(uow: UnitOfWork) -> str:
    """The next free 9-digit reference with its check digit (imported references are kept as given)."""
    highest = uow.session.scalar(  # a range on the unique index: no scan of a million references
        select(func.max(Account.account_ref)).where(Account.account_ref >= "100000000", Account.account_ref <= "999999999")
    )
    serial = int(highest[:8]) + 1 if highest and highest[:8].isdigit() else 10_000_000
    return make_reference(serial)


@handles(MoveOut, role=Role.OFFICER, action="record a move out")
def move_out(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, period_id: uuid.UUID, end_date: date, as_of: date,
    forwarding_address: str = "", preview: bool = False,
) -> LiabilityChange:
    """End a liability period (liable up to and including `end_date`); discounts and parties end with it.
    A forwarding address is kept on the account, so the amended notice (and any later
    letter) reaches the taxpayer rather than the empty property."""
    forwarding = clean_text(forwarding_address, field="forwarding_address", label="the forwarding address",
                            max_length=300, required=False, multiline=True)
    period = _period(uow, period_id)
    if end_date < period.start_date:
        raise ValidationError(
            f"The move-out date {end_date:%d/%m/%Y} is before the move-in date {period.start_date:%d/%m/%Y}.",
            field="end_date",
        )
    later = [p for p in period.account.periods if p.start_date > period.start_date]
    if later and end_date >= later[0].start_date:
        raise ValidationError("The next liability period on this account starts before that date.", field="end_date")
    before: dict[str, Any] = {"to": period.end_date.isoformat() if period.end_date else None}
    after: dict[str, Any] = {"to": end_date.isoformat()}
    if forwarding and forwarding != period.account.forwarding_address:
        before["forwarding_address"], after["forwarding_address"] = period.account.forwarding_address, forwarding
        period.account.forwarding_address = forwarding
    period.end_date = end_date
    dated: tuple[Discount | Exemption | LiabilityParty, ...] = (*period.discounts, *period.exemptions, *period.joint_parties)
    for item in dated:
        if item.start_date > end_date:
            raise ValidationError(
                f"Something on this period starts after {end_date:%d/%m/%Y} (from {item.start_date:%d/%m/%Y}): remove it first.",
                field="end_date",
            )
        if item.end_date is None or item.end_date > end_date:
            item.end_date = end_date
    if not any(p.end_date is None for p in period.account.periods):
        period.account.status = AccountStatus.CLOSED
    audit(uow, actor.username, "liability.move_out", "liability_period", period.id, account_id=period.account_id,
          before=before, after=after)
    return _finish(uow, actor, settings, period.account, from_day=min(end_date, as_of), as_of=as_of,
                   reason=f"moved out on {end_date:%d/%m/%Y}", preview=preview)


@handles(SetDisabledReduction, role=Role.OFFICER, action="change a disabled band reduction")
def set_disabled_reduction(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, period_id: uuid.UUID, applies: bool, as_of: date,
    preview: bool = False,
) -> LiabilityChange:
    """Disabled band reduction for the whole period (split the period first to change it from a date)."""
    period = _period(uow, period_id)
    before = {"disabled_reduction": period.disabled_reduction}
    period.disabled_reduction = applies
    audit(uow, actor.username, "liability.disabled_reduction", "liability_period", period.id,
          account_id=period.account_id, before=before, after={"disabled_reduction": applies})
    reason = "disabled band reduction " + ("granted" if applies else "removed")
    return _finish(uow, actor, settings, period.account, from_day=period.start_date, as_of=as_of, reason=reason,
                   preview=preview)


@handles(SplitPeriod, role=Role.OFFICER, action="split a liability period")
def split_period(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, period_id: uuid.UUID, on_date: date, as_of: date,
    preview: bool = False,
) -> LiabilityChange:
    """Split a period so something (e.g. a disabled reduction) can change from `on_date`. The charge is unchanged."""
    period = _period(uow, period_id)
    if on_date <= period.start_date or (period.end_date is not None and on_date > period.end_date):
        raise ValidationError(
            f"The split date must fall after the period starts and within it ({_span(period.start_date, period.end_date)}).",
            field="on_date",
        )
    last_day = on_date - timedelta(days=1)
    second = LiabilityPeriod(
        account_id=period.account_id, property_id=period.property_id, start_date=on_date, end_date=period.end_date,
        disabled_reduction=period.disabled_reduction, liability_basis=period.liability_basis,
    )
    for d in list(period.discounts):
        if d.end_date is None or d.end_date >= on_date:
            second.discounts.append(Discount(kind=d.kind, start_date=max(d.start_date, on_date), end_date=d.end_date,
                                             empty_since=d.empty_since))
            if d.start_date >= on_date:
                period.discounts.remove(d)
            else:
                d.end_date = last_day
    for e in list(period.exemptions):
        if e.end_date is None or e.end_date >= on_date:
            second.exemptions.append(Exemption(exemption_class=e.exemption_class, start_date=max(e.start_date, on_date),
                                               end_date=e.end_date))
            if e.start_date >= on_date:
                period.exemptions.remove(e)
            else:
                e.end_date = last_day
    for p in list(period.joint_parties):
        if p.end_date is None or p.end_date >= on_date:
            second.joint_parties.append(LiabilityParty(person_id=p.person_id, start_date=max(p.start_date, on_date),
                                                       end_date=p.end_date))
            if p.start_date >= on_date:
                period.joint_parties.remove(p)
            else:
                p.end_date = last_day
    period.end_date = last_day
    uow.session.add(second)
    audit(uow, actor.username, "liability.split", "liability_period", period.id, account_id=period.account_id,
          after={"split_on": on_date.isoformat()})
    return _finish(uow, actor, settings, period.account, from_day=on_date, as_of=as_of,
                   reason=f"period split on {on_date:%d/%m/%Y}", preview=preview)


# --- joint taxpayers ----------------------------------------------------------------------------


@handles(AddJointParty, role=Role.OFFICER, action="add a joint taxpayer")
def add_joint_party(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, period_id: uuid.UUID, person: NewTaxpayer,
    start_date: date, as_of: date, preview: bool = False,
) -> LiabilityChange:
    """Name someone jointly and severally liable from `start_date` (s6(3), s9)."""
    period = _period(uow, period_id)
    if period.end_date is not None and period.end_date < as_of:
        raise ValidationError(
            f"This liability period ended on {period.end_date:%d/%m/%Y}: a joint taxpayer cannot be added to it now.",
            field="period",
        )
    if not person.surname.strip():
        raise ValidationError("The joint taxpayer's surname is required.", field="surname")
    _inside(start_date, period.end_date, period, "joint liability")
    new = Person(title=person.title.strip(), forenames=person.forenames.strip(), surname=person.surname.strip(),
                 email=person.email.strip(), phone=person.phone.strip())
    period.joint_parties.append(LiabilityParty(person=new, start_date=start_date, end_date=period.end_date))
    _refresh_search_columns(uow, period.account, extra=[new.full_name()])
    _flush(uow)  # the account's search columns: saved by someone else meanwhile, a Conflict (not a traceback)
    audit(uow, actor.username, "liability.joint_added", "liability_period", period.id, account_id=period.account_id,
          after={"name": new.full_name(), "from": start_date.isoformat()})
    return _finish(uow, actor, settings, period.account, from_day=start_date, as_of=as_of,
                   reason=f"{new.full_name()} jointly liable from {start_date:%d/%m/%Y}", preview=preview)


@handles(EndJointParty, role=Role.OFFICER, action="end a joint taxpayer's liability")
def end_joint_party(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, party_id: uuid.UUID, end_date: date, as_of: date,
    preview: bool = False,
) -> LiabilityChange:
    party = uow.session.get(LiabilityParty, party_id)
    if party is None:
        raise NotFound("That joint taxpayer is no longer on the period: reload the account.")
    _version_read(party.period.account)
    if end_date < party.start_date:
        raise ValidationError("Joint liability cannot end before it started.", field="end_date")
    before = {"to": party.end_date.isoformat() if party.end_date else None}
    party.end_date = end_date
    audit(uow, actor.username, "liability.joint_ended", "liability_party", party.id, account_id=party.period.account_id,
          before=before, after={"name": party.person.full_name(), "to": end_date.isoformat()})
    return _finish(uow, actor, settings, party.period.account, from_day=end_date, as_of=as_of,
                   reason=f"{party.person.full_name()} no longer liable after {end_date:%d/%m/%Y}", preview=preview)


def _refresh_search_columns(uow: UnitOfWork, account: Account, extra: list[str]) -> None:
    names = [p.person.full_name() for p in account.parties] + extra
    latest = account.periods[-1].property if account.periods else None
    columns = search_columns(account.account_ref, names, latest.address() if latest else "", latest.postcode if latest else "")
    for name, value in columns.items():
        setattr(account, name, value)


# --- discounts, premiums, exemptions, reductions ---------------------------------------------


@handles(SetDiscount, role=Role.OFFICER, action="change discounts")
def set_discount(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, period_id: uuid.UUID, kind: str, start_date: date,
    end_date: date | None, as_of: date, empty_since: date | None = None, preview: bool = False,
) -> LiabilityChange:
    """Add a discount (SPD, ALL_DISREGARDED) or premium (LONG_TERM_EMPTY, SECOND_HOME) from a date."""
    try:
        code = check_adjustment_kind(kind)
    except AdjustmentError as exc:
        raise ValidationError(str(exc), field="kind") from None
    period = _period(uow, period_id)
    _inside(start_date, end_date, period, "premium" if code in PREMIUM_KINDS else "discount")
    if code == DiscountKind.LONG_TERM_EMPTY and empty_since is None:
        raise ValidationError("A long-term empty premium needs the date the home was last occupied.", field="empty_since")
    if empty_since is not None and empty_since > start_date:
        raise ValidationError("The home must have been empty before the premium starts.", field="empty_since")
    for d in period.discounts:
        if d.kind == code and periods_overlap(start_date, end_date, d.start_date, d.end_date):
            raise ValidationError(
                f"A {code} already applies {_span(d.start_date, d.end_date)}: end it before adding another.",
                field="start_date",
            )
    _no_discount_with_premium(period, code, start_date, end_date)
    period.discounts.append(Discount(kind=code, start_date=start_date, end_date=end_date, empty_since=empty_since))
    audit(uow, actor.username, "liability.discount_set", "liability_period", period.id, account_id=period.account_id,
          after={"kind": code, "from": start_date.isoformat(), "to": end_date.isoformat() if end_date else None})
    return _finish(uow, actor, settings, period.account, from_day=start_date, as_of=as_of,
                   reason=f"{code} from {start_date:%d/%m/%Y}", preview=preview)


@handles(EndDiscount, role=Role.OFFICER, action="change discounts")
def end_discount(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, discount_id: uuid.UUID, end_date: date, as_of: date,
    preview: bool = False,
) -> LiabilityChange:
    """End a discount or premium on `end_date` (the last day it applies)."""
    discount = uow.session.get(Discount, discount_id)
    if discount is None:
        raise NotFound("That discount is no longer on the period: reload the account.")
    _version_read(discount.period.account)
    if end_date < discount.start_date - timedelta(days=1):
        raise ValidationError("The discount cannot end before it started.", field="end_date")
    if end_date >= discount.start_date:
        _inside(discount.start_date, end_date, discount.period, "discount")
        _no_discount_with_premium(discount.period, discount.kind, discount.start_date, end_date, besides=discount)
    before = {"kind": discount.kind, "to": discount.end_date.isoformat() if discount.end_date else None}
    period = discount.period
    if end_date < discount.start_date:  # ended before it began: it never applied
        period.discounts.remove(discount)
    else:
        discount.end_date = end_date
    audit(uow, actor.username, "liability.discount_ended", "liability_discount", discount_id, account_id=period.account_id,
          before=before, after={"kind": before["kind"], "to": end_date.isoformat()})
    return _finish(uow, actor, settings, period.account, from_day=min(end_date + timedelta(days=1), as_of), as_of=as_of,
                   reason=f"{before['kind']} ended {end_date:%d/%m/%Y}", preview=preview)


@handles(SetExemption, role=Role.OFFICER, action="change exemptions")
def set_exemption(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, period_id: uuid.UUID, exemption_class: str,
    start_date: date, end_date: date | None, as_of: date, preview: bool = False,
) -> LiabilityChange:
    """Exempt the days start..end under an SI 1992/558 class."""
    try:
        code = check_exemption_class(exemption_class, settings.country)
    except AdjustmentError as exc:
        raise ValidationError(str(exc), field="exemption_class") from None
    period = _period(uow, period_id)
    _inside(start_date, end_date, period, "exemption")
    for e in period.exemptions:
        if periods_overlap(start_date, end_date, e.start_date, e.end_date):
            raise ValidationError(
                f"Class {e.exemption_class} already applies {_span(e.start_date, e.end_date)}.", field="start_date"
            )
    period.exemptions.append(Exemption(exemption_class=code, start_date=start_date, end_date=end_date))
    audit(uow, actor.username, "liability.exemption_set", "liability_period", period.id, account_id=period.account_id,
          after={"class": code, "from": start_date.isoformat(), "to": end_date.isoformat() if end_date else None})
    return _finish(uow, actor, settings, period.account, from_day=start_date, as_of=as_of,
                   reason=f"exempt (class {code}) from {start_date:%d/%m/%Y}", preview=preview)


@handles(EndExemption, role=Role.OFFICER, action="change exemptions")
def end_exemption(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, exemption_id: uuid.UUID, end_date: date, as_of: date,
    preview: bool = False,
) -> LiabilityChange:
    exemption = uow.session.get(Exemption, exemption_id)
    if exemption is None:
        raise NotFound("That exemption is no longer on the period: reload the account.")
    _version_read(exemption.period.account)
    if end_date < exemption.start_date:
        raise ValidationError("The exemption cannot end before it started.", field="end_date")
    period = exemption.period
    _inside(exemption.start_date, end_date, period, "exemption")
    before = {"class": exemption.exemption_class, "to": exemption.end_date.isoformat() if exemption.end_date else None}
    exemption.end_date = end_date
    audit(uow, actor.username, "liability.exemption_ended", "liability_exemption", exemption.id,
          account_id=period.account_id, before=before, after={"class": exemption.exemption_class, "to": end_date.isoformat()})
    return _finish(uow, actor, settings, period.account, from_day=min(end_date + timedelta(days=1), as_of), as_of=as_of,
                   reason=f"exemption ended {end_date:%d/%m/%Y}", preview=preview)


@handles(SetReduction, role=Role.OFFICER, action="award a council tax reduction")
def set_reduction(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, kind: str, percent_bp: int,
    start_date: date, end_date: date | None, as_of: date, preview: bool = False,
) -> LiabilityChange:
    """Award council tax reduction (or a s13A reduction) as a percentage of the charge for its days."""
    award_kind = member(ReductionKind, kind)
    if award_kind is None:
        raise ValidationError("The reduction is 'ctr' (council tax reduction) or 's13a' (discretionary).", field="kind")
    if not 0 < percent_bp <= 10_000:
        raise ValidationError("The reduction is a percentage above 0 and at most 100.", field="percent")
    if end_date is not None and end_date < start_date:
        raise ValidationError("The reduction cannot end before it starts.", field="end_date")
    account = _account(uow, account_ref)
    held = uow.session.scalars(select(ReductionAward).where(ReductionAward.account_id == account.id,
                                                            ReductionAward.kind == award_kind)).all()
    for r in held:
        if periods_overlap(start_date, end_date, r.start_date, r.end_date):
            raise ValidationError(f"A {kind} award already applies {_span(r.start_date, r.end_date)}.", field="start_date")
    award = ReductionAward(account_id=account.id, kind=award_kind, percent_bp=percent_bp, start_date=start_date,
                           end_date=end_date, created_by=actor.username)
    uow.session.add(award)
    uow.session.flush()
    audit(uow, actor.username, "liability.reduction_set", "reduction_award", award.id, account_id=account.id,
          after={"kind": kind, "percent_bp": percent_bp, "from": start_date.isoformat(),
                 "to": end_date.isoformat() if end_date else None})
    return _finish(uow, actor, settings, account, from_day=start_date, as_of=as_of,
                   reason=f"council tax reduction from {start_date:%d/%m/%Y}", preview=preview)


@handles(EndReduction, role=Role.OFFICER, action="end a council tax reduction")
def end_reduction(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, award_id: uuid.UUID, end_date: date, as_of: date,
    preview: bool = False,
) -> LiabilityChange:
    award = uow.session.get(ReductionAward, award_id)
    if award is None:
        raise NotFound("That reduction award no longer exists: reload the account.")
    _version_read(uow.session.get_one(Account, award.account_id))
    if end_date < award.start_date:
        raise ValidationError("The reduction cannot end before it started.", field="end_date")
    before: dict[str, Any] = {"to": award.end_date.isoformat() if award.end_date else None}
    award.end_date = end_date
    account = uow.session.get_one(Account, award.account_id)
    audit(uow, actor.username, "liability.reduction_ended", "reduction_award", award.id, account_id=account.id,
          before=before, after={"to": end_date.isoformat()})
    return _finish(uow, actor, settings, account, from_day=min(end_date + timedelta(days=1), as_of), as_of=as_of,
                   reason=f"council tax reduction ended {end_date:%d/%m/%Y}", preview=preview)


@handles(Rebill, role=Role.OFFICER, action="rebill an account")
def rebill(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, from_day: date, as_of: date,
    preview: bool = False,
) -> LiabilityChange:
    """Recalculate an account with no change to its liability (e.g. after new Band D figures)."""
    account = _account(uow, account_ref)
    return _finish(uow, actor, settings, account, from_day=from_day, as_of=as_of, reason="recalculated", preview=preview,
                   changes_liability=False)
