"""Every liability change in app/services/liability.py, on SQLite and PostgreSQL.

For each change (and `rebill`), from the example accounts billed for 2025/26:

- its preview writes nothing (every row of every table is the same afterwards) and shows
  exactly what saving then does;
- saving posts the difference: the ledger's sum for the account moves by exactly
  `LiabilityChange.difference_pence`, year by year as in `results`, with an audit event
  for the change and an amended demand notice for each year whose charge changed;
- an officer working from a stale copy of the account gets a clear refusal, not a
  traceback (see the stale-copy tests at the end for what each change can detect).

Figures: LGFA 1992 s2 (daily basis: annual x days / 365, each run of days rounded to the
penny, halves up), s5 (band ratios), s11 (25% single person, 50% all disregarded);
Council Tax (Reductions for Disabilities) Regulations 1992 (charged as the band below);
../shared/domain/README.md §1, §6. Band D (tests/examples/settings.toml, 2025/26):
unparished £2,100.00, Abbey Parish £2,152.50, Fenby £2,124.80. So band A = 140000,
B = 163333 (163333.33), C Fenby = 188871 (188871.11), H Fenby = 424960 pence a year.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text

from app.accounts.summary import account_summary, get_account_id
from app.billing import liability_changes as liability
from app.billing.annual_run import run_annual_billing
from app.billing.liability_changes import LiabilityChange, NewTaxpayer
from app.bootstrap import AppContext
from app.config import AuthoritySettings, YearSettings
from app.db import UnitOfWork
from app.errors import Conflict, ValidationError
from app.letters.documents import unpacked
from app.models import (
    Account,
    AuditEvent,
    Discount,
    Document,
    Exemption,
    LedgerTransaction,
    LiabilityParty,
    LiabilityPeriod,
    Property,
    ReductionAward,
)
from tests.conftest import EXAMPLES
from tests.services.helpers import load_examples

ISSUE = date(2025, 3, 10)  # the 2025/26 annual bills
AS_OF = date(2025, 7, 1)  # when most changes are recorded
Fields = dict[str, Any]


# --- settings the cases need beyond the example file ------------------------------------------


def with_band_d(settings: AuthoritySettings, year: int, band_d_pence: dict[str, int]) -> AuthoritySettings:
    """`settings` with `year`'s Band D figures replaced (or the year added)."""
    years = dict(settings.years)
    years[year] = YearSettings(year=year, band_d_pence=band_d_pence)
    return replace(settings, years=years)


def next_year_too(settings: AuthoritySettings) -> AuthoritySettings:
    """2026/27 added, Band D Fenby £2,231.00 (the other figures are not used)."""
    return with_band_d(settings, 2026, {"": 220500, "Abbey Parish": 226010, "Fenby": 223100})


def new_band_d_2025(settings: AuthoritySettings) -> AuthoritySettings:
    """2025/26 unparished Band D corrected from £2,100.00 to £2,115.00 (a rebill's reason)."""
    return with_band_d(settings, 2025, {**settings.years[2025].band_d_pence, "": 211500})


def unchanged(settings: AuthoritySettings) -> AuthoritySettings:
    return settings


# --- looking things up, and making changes as another officer --------------------------------


def period_id(ctx: AppContext, ref: str) -> Any:
    with ctx.db.uow() as uow:
        return account_summary(uow, ref, AS_OF).periods[-1].period_id


def only_id(ctx: AppContext, model: type, ref: str) -> Any:
    """The id of the one discount, exemption, joint party or reduction award on account `ref`."""
    with ctx.db.uow() as uow:
        account_id = get_account_id(uow, ref)
        if model is ReductionAward:
            return uow.session.scalars(select(ReductionAward.id).where(ReductionAward.account_id == account_id)).one()
        return uow.session.scalars(
            select(model.id).join(LiabilityPeriod, LiabilityPeriod.id == model.period_id)  # type: ignore[attr-defined]
            .where(LiabilityPeriod.account_id == account_id)
        ).one()


def change(ctx: AppContext, name: str, as_of: date = AS_OF, settings: AuthoritySettings | None = None,
           preview: bool = False, uow: UnitOfWork | None = None, **fields: Any) -> LiabilityChange:
    """Make a liability change through the public service, in `uow` or a unit of work of its own."""
    action: Callable[..., LiabilityChange] = getattr(liability, name)
    with nullcontext(uow) if uow is not None else ctx.db.uow() as active:
        return action(active, ctx.actor, settings or ctx.settings, as_of=as_of, preview=preview, **fields)


# --- what the database holds -----------------------------------------------------------------


def snapshot(ctx: AppContext) -> dict[str, tuple[int, str]]:
    """Every table (including the search index's) -> (row count, digest of all its rows)."""
    tables = inspect(ctx.db.engine).get_table_names()
    result: dict[str, tuple[int, str]] = {}
    with ctx.db.engine.connect() as conn:
        for table in tables:
            rows = sorted(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"')))
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def account_id_of(uow: UnitOfWork, ref: str | None) -> uuid.UUID | None:
    """None for an account not created yet (a move in's, before it is saved)."""
    return uow.session.scalar(select(Account.id).where(Account.account_ref == ref)) if ref else None


def ledger_by_year(ctx: AppContext, ref: str | None) -> dict[int, int]:
    """The account's ledger summed per financial year."""
    with ctx.db.uow() as uow:
        if (account_id := account_id_of(uow, ref)) is None:
            return {}
        rows = uow.session.execute(
            select(LedgerTransaction.financial_year, func.sum(LedgerTransaction.amount_pence))
            .where(LedgerTransaction.account_id == account_id).group_by(LedgerTransaction.financial_year)
        ).all()
    return {year: int(total) for year, total in rows}


def audit_actions(ctx: AppContext, ref: str | None) -> Counter[str]:
    with ctx.db.uow() as uow:
        if (account_id := account_id_of(uow, ref)) is None:
            return Counter()
        return Counter(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.account_id == account_id)))


def documents(ctx: AppContext, ref: str | None) -> Counter[tuple[str, int | None]]:
    with ctx.db.uow() as uow:
        if (account_id := account_id_of(uow, ref)) is None:
            return Counter()
        rows = uow.session.execute(
            select(Document.kind, Document.financial_year).where(Document.account_id == account_id)
        ).all()
    return Counter((kind, year) for kind, year in rows)


def hold_account(uow: UnitOfWork, ref: str) -> list[object]:
    """Load the account as an officer's unit of work would hold it: the account, its people,
    periods and everything on them, and its reduction awards. Returned so they stay in the
    session's (weak) identity map while someone else changes the account."""
    account = uow.session.scalars(select(Account).where(Account.account_ref == ref)).one()
    held: list[object] = [account, *account.parties]
    for period in account.periods:
        held += [period, period.property, *period.discounts, *period.exemptions, *period.joint_parties]
    held += uow.session.scalars(select(ReductionAward).where(ReductionAward.account_id == account.id)).all()
    return held


# --- the cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One liability change from the billed examples, its worked result and a concurrent edit.

    `arrange` makes any committed set-up the change needs and returns its fields;
    `concurrent` is another officer's change to the same account or property, committed.
    """

    name: str
    account_ref: str | None  # None: the change creates the account (move_in)
    arrange: Callable[[AppContext], Fields]
    concurrent: Callable[[AppContext, Fields], object]
    difference: dict[int, int]  # year -> pence the ledger moves by
    notice: str | None  # the notice each changed year gets
    audit_action: str | None  # None: only the rebill's own audit (billing.rebilled per year)
    as_of: date = AS_OF
    settings: Callable[[AuthoritySettings], AuthoritySettings] = unchanged

    def __str__(self) -> str:
        return self.name


def _amy_hughes_jointly_liable_from_june(ctx: AppContext) -> Fields:
    change(ctx, "add_joint_party", period_id=period_id(ctx, "70000001"),
           person=NewTaxpayer(surname="Hughes", forenames="Amy"), start_date=date(2025, 6, 1))
    return {"party_id": only_id(ctx, LiabilityParty, "70000001"), "end_date": date(2025, 8, 31)}


def _exempt_fenby_from_october(ctx: AppContext) -> Fields:
    change(ctx, "set_exemption", period_id=period_id(ctx, "70000005"), exemption_class="N",
           start_date=date(2025, 10, 1), end_date=None)
    return {"exemption_id": only_id(ctx, Exemption, "70000005"), "end_date": date(2025, 12, 31)}


def _full_reduction_for_doyle(ctx: AppContext) -> Fields:
    change(ctx, "set_reduction", account_ref="70000004", kind="ctr", percent_bp=10_000, start_date=date(2025, 4, 1),
           end_date=None)
    return {"award_id": only_id(ctx, ReductionAward, "70000004"), "end_date": date(2025, 9, 30)}


CASES = [
    # The Grange (band H, Fenby, nobody liable) from 1 Feb 2026, recorded 10 Apr 2026: 2025/26
    # 424960 x 59/365 = 68692.16 -> 68692; 2026/27 a whole year of H at Fenby's £2,231.00:
    # 223100 x 18/9 = 446200. Both are first bills: a demand notice for each year.
    Case("move_in", None,
         lambda ctx: {"uprn": "200001000005", "taxpayer": NewTaxpayer(surname="Okafor", forenames="Grace"),
                      "start_date": date(2026, 2, 1)},
         lambda ctx, f: change(ctx, "move_in", as_of=date(2026, 4, 10), settings=next_year_too(ctx.settings),
                               uprn="200001000005", taxpayer=NewTaxpayer(surname="Ward"), start_date=date(2026, 1, 1)),
         {2025: 68692, 2026: 446200}, "demand_notice", "liability.move_in",
         as_of=date(2026, 4, 10), settings=next_year_too),
    # Jordan Price (band C Fenby, all disregarded) leaves after 31 Aug: 153 days,
    # 188871 x 153/365 = 79170.58 -> 79171, 50% = 39585.50 -> 39586, charge 39585;
    # the year was 188871 - 94436 = 94435: -54850.
    Case("move_out", "70000005",
         lambda ctx: {"period_id": period_id(ctx, "70000005"), "end_date": date(2025, 8, 31)},
         lambda ctx, f: change(ctx, "move_out", period_id=f["period_id"], end_date=date(2025, 9, 30)),
         {2025: -54850}, "amended_demand_notice", "liability.move_out"),
    # Daniel Hughes's period (band B, SPD) split on 1 Oct: nothing changes on that day, so
    # the two halves are charged as one run (app.rules.liability._joined): 122500 as before,
    # no ledger row, no notice. (Rounded half by half it would be 61417 + 61082 = 122499:
    # a penny off and an amended notice for nothing.)
    Case("split_period", "70000001",
         lambda ctx: {"period_id": period_id(ctx, "70000001"), "on_date": date(2025, 10, 1)},
         lambda ctx, f: change(ctx, "set_disabled_reduction", period_id=f["period_id"], applies=True),
         {2025: 0}, None, "liability.split"),
    # Band B charged as band A (140000) for the whole period, less SPD 35000 = 105000 vs 122500.
    Case("set_disabled_reduction", "70000001",
         lambda ctx: {"period_id": period_id(ctx, "70000001"), "applies": True},
         lambda ctx, f: change(ctx, "split_period", period_id=f["period_id"], on_date=date(2025, 10, 1)),
         {2025: -17500}, "amended_demand_notice", "liability.disabled_reduction"),
    # Joint liability changes who is named, not the charge (s6(3)): no ledger row, no notice.
    Case("add_joint_party", "70000001",
         lambda ctx: {"period_id": period_id(ctx, "70000001"), "person": NewTaxpayer(surname="Hughes", forenames="Amy"),
                      "start_date": date(2025, 6, 1)},
         lambda ctx, f: change(ctx, "add_joint_party", period_id=f["period_id"], start_date=date(2025, 6, 1),
                               person=NewTaxpayer(surname="Hughes", forenames="Sam")),
         {2025: 0}, None, "liability.joint_added"),
    Case("end_joint_party", "70000001", _amy_hughes_jointly_liable_from_june,
         lambda ctx, f: change(ctx, "end_joint_party", party_id=f["party_id"], end_date=date(2025, 7, 31)),
         {2025: 0}, None, "liability.joint_ended"),
    # Kwame Asante (band A from 1 Oct: 182 days, 140000 x 182/365 = 69808.22 -> 69808) gets
    # SPD from 1 Jan: 92 days 35287.67 -> 35288; 90 days 34520.55 -> 34521, SPD 8630.25 ->
    # 8630, 25891; 61179 - 69808 = -8629 (the new cut at 1 Jan rounds a penny up).
    Case("set_discount", "70000003",
         lambda ctx: {"period_id": period_id(ctx, "70000003"), "kind": "SPD", "start_date": date(2026, 1, 1),
                      "end_date": None},
         lambda ctx, f: change(ctx, "set_discount", period_id=f["period_id"], kind="SPD", start_date=date(2026, 1, 1),
                               end_date=None),
         {2025: -8629}, "amended_demand_notice", "liability.discount_set"),
    # Daniel Hughes's SPD ends 30 Sep: 61417 (as in the split) + 81443 undiscounted = 142860 vs 122500.
    Case("end_discount", "70000001",
         lambda ctx: {"discount_id": only_id(ctx, Discount, "70000001"), "end_date": date(2025, 9, 30)},
         lambda ctx, f: change(ctx, "end_discount", discount_id=f["discount_id"], end_date=date(2025, 8, 31)),
         {2025: 20360}, "amended_demand_notice", "liability.discount_ended"),
    # 4 Fen Lane exempt (class N) from 1 Oct: 183 days 188871 x 183/365 = 94694.23 -> 94694,
    # 50% 47347, charge 47347, the rest exempt at 0; vs 94435: -47088.
    Case("set_exemption", "70000005",
         lambda ctx: {"period_id": period_id(ctx, "70000005"), "exemption_class": "N", "start_date": date(2025, 10, 1),
                      "end_date": None},
         lambda ctx, f: change(ctx, "set_exemption", period_id=f["period_id"], exemption_class="N",
                               start_date=date(2025, 11, 1), end_date=None),
         {2025: -47088}, "amended_demand_notice", "liability.exemption_set"),
    # ... and the exemption ends 31 Dec: 90 days 188871 x 90/365 = 46570.93 -> 46571,
    # 50% 23285.50 -> 23286, charge 23285 back on: 47347 + 0 + 23285 = 70632 vs 47347.
    Case("end_exemption", "70000005", _exempt_fenby_from_october,
         lambda ctx, f: change(ctx, "end_exemption", exemption_id=f["exemption_id"], end_date=date(2026, 1, 31)),
         {2025: 23285}, "amended_demand_notice", "liability.exemption_ended"),
    # Chloe Bennett (band A, 1 Apr - 30 Sep, 183 days: 140000 x 183/365 = 70191.78 -> 70192)
    # awarded 50% CTR for the period: a credit of 35096.
    Case("set_reduction", "70000002",
         lambda ctx: {"account_ref": "70000002", "kind": "ctr", "percent_bp": 5_000, "start_date": date(2025, 4, 1),
                      "end_date": date(2025, 9, 30)},
         lambda ctx, f: change(ctx, "set_reduction", account_ref="70000002", kind="ctr", percent_bp=2_500,
                               start_date=date(2025, 6, 1), end_date=None),
         {2025: -35096}, "amended_demand_notice", "liability.reduction_set"),
    # Margaret Doyle (band E Abbey charged as D: 215250) 100% CTR ends 30 Sep: 183 days
    # 107919.86 -> 107920 stays reduced, 182 days 107330.14 -> 107330 is due again: +107330.
    Case("end_reduction", "70000004", _full_reduction_for_doyle,
         lambda ctx, f: change(ctx, "end_reduction", award_id=f["award_id"], end_date=date(2025, 12, 31)),
         {2025: 107330}, "amended_demand_notice", "liability.reduction_ended"),
    # Band D corrected to £2,115.00: band B 211500 x 7/9 = 164500, SPD 41125, 123375 vs 122500.
    Case("rebill", "70000001",
         lambda ctx: {"account_ref": "70000001", "from_day": date(2025, 4, 1)},
         lambda ctx, f: change(ctx, "set_disabled_reduction", period_id=period_id(ctx, "70000001"), applies=True),
         {2025: 875}, "amended_demand_notice", None, settings=new_band_d_2025),
]
BY_NAME = {case.name: case for case in CASES}


@pytest.fixture
def billed(ctx: AppContext) -> AppContext:
    """The example properties, accounts and payments, billed for 2025/26 on 10 March 2025."""
    load_examples(ctx, EXAMPLES)
    run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=ISSUE)
    return ctx


def test_every_liability_change_has_a_case() -> None:
    """Every liability change request (app/billing/requests.py) is covered here."""
    from app.billing.requests import LiabilityRequest
    from app.requests import REGISTRY

    changes = {name.removeprefix("billing.") for name, cls in REGISTRY.items() if issubclass(cls, LiabilityRequest)}
    assert set(BY_NAME) == changes


# --- (a) preview writes nothing, (b) save posts the difference ----------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_preview_writes_nothing_and_saving_posts_what_it_showed(billed: AppContext, case: Case) -> None:
    """Trial calculation then save (liability.py module docstring; LGFA 1992 s2, AER 1992 Sch 1):
    the preview leaves every table as it was; the save returns the same results, moves the
    ledger by exactly the difference per year (the worked figures on each case), audits the
    change and issues a notice for each year whose charge changed, rendered as a .docx."""
    fields = case.arrange(billed)
    settings = case.settings(billed.settings)
    ref = case.account_ref
    before = snapshot(billed)
    ledger_before = ledger_by_year(billed, ref)
    audits_before, documents_before = audit_actions(billed, ref), documents(billed, ref)

    trial = change(billed, case.name, case.as_of, settings, preview=True, **fields)

    assert trial.preview and snapshot(billed) == before
    saved = change(billed, case.name, case.as_of, settings, **fields)
    assert not saved.preview
    assert [replace(r, document_id=None) for r in saved.results] == trial.results
    assert saved.warnings == trial.warnings
    assert {r.year: r.difference_pence for r in saved.results} == case.difference
    assert saved.difference_pence == sum(case.difference.values())

    ref = ref or saved.account_ref
    ledger_after = ledger_by_year(billed, ref)
    moved = {year: ledger_after.get(year, 0) - ledger_before.get(year, 0) for year in case.difference}
    assert moved == case.difference
    assert sum(ledger_after.values()) - sum(ledger_before.values()) == saved.difference_pence

    changed_years = [r.year for r in saved.results if r.notice]
    assert changed_years == [year for year, pence in case.difference.items() if pence]
    assert all(r.notice == case.notice for r in saved.results if r.notice)
    assert documents(billed, ref) - documents_before == Counter((case.notice, year) for year in changed_years)
    with billed.db.uow() as uow:
        for r in saved.results:
            if r.notice:
                issued = uow.session.get_one(Document, r.document_id)
                assert (issued.kind, issued.financial_year) == (r.notice, r.year)
                assert issued.content is not None and unpacked(issued.content)[:2] == b"PK"  # the .docx as issued
            else:
                assert r.document_id is None
    billing_action = "billing.billed" if case.notice == "demand_notice" else "billing.rebilled"
    expected_audits = Counter({billing_action: len(changed_years)}) + Counter(filter(None, [case.audit_action]))
    assert audit_actions(billed, ref) - audits_before == expected_audits


# --- (c) a stale copy ---------------------------------------------------------------------------

# The first officer's unit of work loads the account (as `hold_account`); a second officer
# changes the same account and saves; then the first saves. Every liability change bumps
# the account's version (liability_changes._finish), whatever rows it touches, so the
# first is refused with "changed by someone else" — also when it only adds or ends a
# discount, exemption, joint party or award, which carry no version of their own (before,
# the stale copy won: two overlapping SPDs, an end date overwritten).
STALE = ["move_out", "split_period", "set_disabled_reduction", "add_joint_party", "end_joint_party", "set_discount",
         "end_discount", "set_exemption", "end_exemption", "end_reduction"]


@pytest.mark.parametrize("case", [BY_NAME[name] for name in STALE], ids=str)
def test_saving_a_stale_copy_is_a_conflict_and_saves_nothing(billed: AppContext, case: Case) -> None:
    """Versioned aggregates (app/models/base.py): "a stale edit fails instead of overwriting",
    and liability._finish turns StaleDataError into Conflict ("changed by someone else").
    Nothing of the stale change is written: not the change, not its audit, not a rebill."""
    fields = case.arrange(billed)
    assert case.account_ref is not None
    with billed.db.uow() as first:
        held = hold_account(first, case.account_ref)
        case.concurrent(billed, fields)
        after_second = snapshot(billed)
        with pytest.raises(Conflict, match="changed by someone else since you opened it: reload it and try again"):
            change(billed, case.name, case.as_of, case.settings(billed.settings), uow=first, **fields)
        assert held
    assert snapshot(billed) == after_second


@pytest.mark.parametrize(
    ("case", "refusal"),
    [(BY_NAME["move_in"], "already liable for this property"), (BY_NAME["set_reduction"], "A ctr award already applies")],
    ids=["move_in", "set_reduction"],
)
def test_a_concurrent_overlap_is_refused_by_the_fresh_overlap_check(billed: AppContext, case: Case, refusal: str) -> None:
    """move_in creates a new account and set_reduction a new award, so no version can be
    stale; each checks for an overlap with a fresh query (liability._check_property_free,
    set_reduction's held awards), which sees the other officer's saved change: one account
    liable per property per day (LGFA 1992 s6), one award of a kind per day. A
    ValidationError, nothing written."""
    fields = case.arrange(billed)
    settings = case.settings(billed.settings)
    with billed.db.uow() as first:
        held = hold_account(first, case.account_ref) if case.account_ref else [
            first.session.scalars(select(Property).where(Property.uprn == fields["uprn"])).one()]
        case.concurrent(billed, fields)
        after_second = snapshot(billed)
        with pytest.raises(ValidationError, match=refusal):
            change(billed, case.name, case.as_of, settings, uow=first, **fields)
        assert held
    assert snapshot(billed) == after_second


def test_a_rebill_from_a_stale_copy_recalculates_what_was_saved(billed: AppContext) -> None:
    """rebill writes no liability, only the ledger difference, and reads the facts afresh
    (billing.rebilling.decide_account), so a stale copy cannot mislead it: after the other officer's
    disabled band reduction (band B charged as A) the corrected Band D gives band A
    211500 x 6/9 = 141000, SPD 35250, 105750, against the 105000 now charged: +750."""
    case = BY_NAME["rebill"]
    fields = case.arrange(billed)
    with billed.db.uow() as first:
        held = hold_account(first, "70000001")
        case.concurrent(billed, fields)
        before = ledger_by_year(billed, "70000001")
        result = change(billed, "rebill", AS_OF, new_band_d_2025(billed.settings), uow=first, **fields)
        assert held
    assert result.difference_pence == 750
    assert ledger_by_year(billed, "70000001")[2025] - before[2025] == 750


def test_arrears_survive_a_change_of_liability(billed: AppContext) -> None:
    """AER 1992 Sch 1 para 10 as amended by SI 1995/22 (issue 15 item 2): a change adjusts
    only the *remaining* instalments; those that fell due before it stay due, paid or not,
    and recovery continues on them. Jordan Price (70000005, instalments on the 28th) has paid
    nothing on the 2025/26 bill; on 10 July his move out after 31 August is recorded. The
    April-June instalments still stand in full and a reminder issued that day still asks for
    all three (the rebill used to set them to what was paid, nothing: the arrears vanished)."""
    from app.recovery.account_recovery import account_recovery

    on = date(2025, 7, 10)
    with billed.db.uow() as uow:
        before = account_summary(uow, "70000005", on).years[0]
    fallen_due = [i.amount_pence for i in before.instalments if i.due <= on]
    assert len(fallen_due) == 3 and before.paid_pence == 0
    result = change(billed, "move_out", on, period_id=period_id(billed, "70000005"), end_date=date(2025, 8, 31))
    assert result.difference_pence == -54850
    with billed.db.uow() as uow:
        after = account_summary(uow, "70000005", on).years[0]
        view = account_recovery(uow, billed.settings, "70000005", on)
    assert [i.amount_pence for i in after.instalments if i.due <= on] == fallen_due
    assert sum(i.amount_pence for i in after.instalments) == after.charge_pence - after.reduction_pence == 39585
    (action,) = view.next_actions
    assert (action.stage, action.amount_pence) == ("reminder_1", sum(fallen_due))


def test_a_discount_and_a_premium_on_the_same_days_are_refused(billed: AppContext) -> None:
    """LGFA 1992 s11B(1)/s11C(1): where a premium is levied "the discount under section
    11(2)(a) shall not apply". Jordan Price (70000005) has the 50% all-disregarded discount
    from 1 April 2025: a second home premium on the same days is refused with a sentence and
    nothing is written; once the discount ends (31 August) the premium from 1 September is
    accepted, and extending the discount back over the premium's days is refused."""
    pid = period_id(billed, "70000005")
    before = snapshot(billed)
    with pytest.raises(ValidationError, match=r"premium gets no discount .*s11B/s11C.*ALL_DISREGARDED applies 01/04/2025"):
        change(billed, "set_discount", period_id=pid, kind="SECOND_HOME", start_date=date(2025, 7, 1), end_date=None)
    assert snapshot(billed) == before
    discount = only_id(billed, Discount, "70000005")
    change(billed, "end_discount", discount_id=discount, end_date=date(2025, 8, 31))
    change(billed, "set_discount", period_id=pid, kind="SECOND_HOME", start_date=date(2025, 9, 1), end_date=None)
    with pytest.raises(ValidationError, match="premium gets no discount"):
        change(billed, "end_discount", discount_id=discount, end_date=date(2025, 12, 31))
