"""Deterministic, realistic synthetic data for demonstrations and benchmarks.

The same `--seed` gives the same data. Bands are weighted like a typical English
district, the authority's parishes all appear, about a third of accounts have a joint
taxpayer, a third a single person discount, and payment behaviour ranges from prompt
Direct Debit to arrears years old, with the recovery steps such arrears would have
drawn. Charges are computed with the real rules (band ratios, daily apportionment).

Speed matters (a million accounts for benchmarks), so rows are generated as tuples and
written by `BulkWriter` in chunks, each chunk its own transaction.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from app.accounts.search_index import SEARCH_COLUMNS, search_columns, search_key_for
from app.adapters.bulk import BulkWriter, NativeValues
from app.audit import audit
from app.billing.settings_snapshots import capture_year_settings
from app.clock import now
from app.config import AuthoritySettings
from app.db import Database
from app.demo.casework import seed_casework
from app.demo.names import FORENAMES, HOUSE_NAMES, STREET_KINDS, STREET_NAMES, SURNAMES
from app.demo.requests import GenerateDemo
from app.enums import (
    AccountPaymentMethod,
    AccountStatus,
    DiaryStatus,
    DiscountKind,
    HoldKind,
    InstalmentPlanStatus,
    LiabilityBasis,
    MandateStatus,
    PaymentMethod,
    PaymentStatus,
    RecoveryStage,
)
from app.errors import ValidationError
from app.ledger.kinds import LedgerKind
from app.ledger.posting import LEDGER_COLUMNS, LedgerRows
from app.models import (
    Account,
    AccountParty,
    DiaryCode,
    DiaryEntry,
    DirectDebitMandate,
    Discount,
    Exemption,
    Hold,
    Instalment,
    InstalmentPlan,
    LedgerTransaction,
    LiabilityPeriod,
    Parish,
    Payment,
    Person,
    Property,
    RecoveryEvent,
    User,
)
from app.models.person import full_name
from app.models.property import one_line_address
from app.requests import Cancelled, Progress, handles
from app.rules.apportionment import apportion_pence, days_liable_in_year, financial_year_of, year_end, year_label, year_start
from app.rules.bands import annual_charge_pence, round_pence
from app.rules.instalments import add_months, schedule
from app.rules.recovery_policy import summons_hearing
from app.rules.references import make_reference
from app.users.roles import Actor, Role

CHUNK = 5000
PARALLEL_FROM = 50_000  # below this a second process costs more than it saves
BAND_WEIGHTS = {"A": 24, "B": 20, "C": 22, "D": 15, "E": 10, "F": 5, "G": 3, "H": 1}
# The enums' text (app.enums) for the rows handed to the driver, which binds a plain str
# faster than a StrEnum member (a member goes through sqlite3's adapter look-up: ~0.5 us a
# value, and a million-account demo writes tens of millions; it also pickles smaller for
# the generating process).
OPEN, CLOSED = AccountStatus.OPEN.value, AccountStatus.CLOSED.value
PAYS_BY_DD, PAYS_BY_CASH = AccountPaymentMethod.DD.value, AccountPaymentMethod.CASH.value
MANDATE_LIVE, MANDATE_ENDED = MandateStatus.ACTIVE.value, MandateStatus.CANCELLED.value
RESIDENT = LiabilityBasis.RESIDENT.value
SPD, ALL_DISREGARDED = DiscountKind.SPD.value, DiscountKind.ALL_DISREGARDED.value
PLAN_ACTIVE = InstalmentPlanStatus.ACTIVE.value
ALLOCATED = PaymentStatus.ALLOCATED.value
BY_DD, BY_BANK = PaymentMethod.DD.value, PaymentMethod.BANK.value
CASH_METHODS = tuple(m.value for m in (PaymentMethod.CARD, PaymentMethod.BANK, PaymentMethod.CASH, PaymentMethod.CHEQUE))
DIARY_OPEN = DiaryStatus.OPEN.value
# The recovery steps missed instalments have drawn: (stage, days after the first missed one).
FULL_RECOVERY = tuple((s.value, days) for s, days in (
    (RecoveryStage.REMINDER_1, 10), (RecoveryStage.FINAL_NOTICE, 24), (RecoveryStage.SUMMONS, 45),
    (RecoveryStage.LIABILITY_ORDER, 75),
))
FIRST_REMINDERS = tuple((s.value, days) for s, days in ((RecoveryStage.REMINDER_1, 10), (RecoveryStage.REMINDER_2, 40)))
SUMMONS, LIABILITY_ORDER = RecoveryStage.SUMMONS.value, RecoveryStage.LIABILITY_ORDER.value
BREATHING_SPACE = HoldKind.BREATHING_SPACE.value
DEMO_HOLDS = (BREATHING_SPACE, HoldKind.VULNERABILITY_REVIEW.value, HoldKind.DISPUTE.value)
DISCOUNT_RATES = {SPD: Fraction(25, 100), ALL_DISREGARDED: Fraction(50, 100)}
DEMO_DIARY_CODES = (
    ("ARRCHK", "Check arrangement", 14, "Recovery"),
    ("TRACE", "Trace: gone away", 28, "Recovery"),
    ("AOEEMP", "Await employer details", 14, "Enforcement"),
    ("VULN", "Vulnerable: review", 7, "Welfare"),
    ("CORR", "Correspondence to answer", 10, "Billing"),
)
DEMO_USERS = (
    ("officer1", Role.OFFICER, "Recovery"), ("officer2", Role.OFFICER, "Billing"), ("teamlead1", Role.TEAM_LEADER, "Recovery"),
)


@dataclass(frozen=True)
class DemoResult:
    accounts: int
    properties: int
    transactions: int
    years: list[int]
    elapsed_ms: int

    @property
    def seconds(self) -> str:
        return f"{self.elapsed_ms / 1000:.1f}"

    def to_json(self) -> dict[str, Any]:
        return {
            "accounts": self.accounts, "properties": self.properties, "transactions": self.transactions,
            "years": self.years, "elapsed_ms": self.elapsed_ms,
        }


@dataclass(frozen=True)
class _Place:
    town: str
    parish: str  # "" = unparished
    district: str  # postcode outward code prefix, e.g. "EX"


def _places(settings: AuthoritySettings) -> list[_Place]:
    places = [_Place("Exampleton", "", "EX")]
    for parish in settings.parishes():
        places.append(_Place(parish.removesuffix(" Parish"), parish, "EX"))
    return places


class _Generator:
    """Builds the rows of one chunk of accounts at a time from one seeded random stream."""

    def __init__(self, settings: AuthoritySettings, seed: int, as_of: date, years: list[int], actor: str, dialect: str) -> None:
        self.rng = random.Random(seed)
        self.v = NativeValues(dialect)
        self.settings = settings
        self.policy = settings.recovery_policy()
        self.as_of = as_of
        self.years = years
        self.actor = actor
        self.places = _places(settings)
        self.place_weights = [40] + [60 // max(1, len(self.places) - 1)] * (len(self.places) - 1)
        self.streets = [f"{n} {k}" for n in STREET_NAMES for k in STREET_KINDS]
        at = now()
        self.stamp = self.v.timestamp(at)
        self.ledger = LedgerRows(self.v, created_by=actor, created_at=at)
        self.no_details = self.v.json({})
        self._charges: dict[tuple[Any, ...], int] = {}
        self.bands = list(BAND_WEIGHTS)
        self.band_weights = list(BAND_WEIGHTS.values())

    def chunk(self, count: int, parish_ids: dict[str, Any], first_serial: int) -> dict[str, list[tuple[Any, ...]]]:
        rng = self.rng
        rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in TABLE_COLUMNS}
        made = 0
        serial = first_serial
        current_year = self.years[-1]
        while made < count:
            place = rng.choices(self.places, self.place_weights)[0]
            prop_id = self.v.new_id()
            band = rng.choices(self.bands, self.band_weights)[0]
            number = serial % 997 + 1
            if rng.random() < 0.06:
                line1, line2 = rng.choice(HOUSE_NAMES), rng.choice(self.streets)
            else:
                line1, line2 = f"{number} {rng.choice(self.streets)}", ""
            sector = (serial // 400) % 9 + 1
            postcode = (
                f"{place.district}{self.places.index(place) * 3 + (serial // 4000) % 3 + 1} "
                f"{sector}{chr(65 + (serial // 20) % 26)}{chr(65 + serial % 26)}"
            )
            rows["property"].append((
                prop_id, f"{100000000000 + serial}", line1, line2, place.town, postcode, band,
                parish_ids.get(place.parish), 1,
            ))
            address = one_line_address(line1, line2, place.town)
            # Most properties have one account; some had a previous occupier who moved out.
            moved = rng.random() < 0.12 and made + 1 < count
            if moved:
                move_day = year_start(self.years[0]) + timedelta(days=rng.randrange(
                    0, (min(self.as_of, year_end(current_year)) - year_start(self.years[0])).days
                ))
                moved_in = date(2012, 4, 1) + timedelta(days=rng.randrange(0, 3000))
                moved_out = move_day - timedelta(days=1)
                serial = self._account(rows, serial, prop_id, place, band, address, postcode, moved_in, moved_out)
                serial = self._account(rows, serial, prop_id, place, band, address, postcode, move_day, None)
                made += 2
            else:
                start = date(1993, 4, 1) + timedelta(days=rng.randrange(0, (year_start(self.years[0]) - date(1993, 4, 1)).days))
                serial = self._account(rows, serial, prop_id, place, band, address, postcode, start, None)
                made += 1
        return rows

    def _account(
        self, rows: dict[str, list[tuple[Any, ...]]], serial: int, prop_id: uuid.UUID, place: _Place,
        band: str, address: str, postcode: str, start: date, end: date | None,
    ) -> int:
        rng = self.rng
        account_int = self.v.next_int()
        account_id = self.v.from_int(account_int)
        ref = make_reference(serial + 10_000_000)
        lead_surname = rng.choice(SURNAMES)
        people = [("Dr" if rng.random() < 0.03 else "", rng.choice(FORENAMES), lead_surname)]
        joint = rng.random() < 0.3
        if joint:
            people.append(("", rng.choice(FORENAMES), lead_surname if rng.random() < 0.7 else rng.choice(SURNAMES)))
        names = [full_name(*person) for person in people]
        method = PAYS_BY_DD if rng.random() < 0.6 else PAYS_BY_CASH
        count = 12 if rng.random() < 0.15 else 10
        day = rng.choice((1, 1, 1, 15, 28, 10, 20)) if method == PAYS_BY_DD else 1
        rows["account"].append((
            account_id, ref, method, count, day, OPEN if end is None else CLOSED,
            *search_columns(ref, names, address, postcode).values(), search_key_for(account_int), self.stamp, 1,
        ))
        for i, (title, forenames, surname) in enumerate(people):
            person_id = self.v.new_id()
            email = (f"{forenames.lower()}.{surname.lower().replace(chr(39), '')}{serial % 100}@example.com"
                     if rng.random() < 0.4 else "")
            rows["person"].append((person_id, title, forenames, surname, email, "", 1))
            rows["account_party"].append((self.v.new_id(), account_id, person_id, i))
        if method == PAYS_BY_DD:  # a Direct Debit account has its mandate (cancelled with the move out); no rng draw
            rows["dd_mandate"].append((
                self.v.new_id(), account_id, f"CT{ref}", names[0], f"40{serial % 10000:04d}",
                f"{(serial * 7919) % 100_000_000:08d}", MANDATE_LIVE if end is None else MANDATE_ENDED,
                self.v.date(start), self.v.date(end), self.actor, self.stamp, 1,
            ))
        period_id = self.v.new_id()
        disabled = rng.random() < 0.005
        rows["liability_period"].append(
            (period_id, account_id, prop_id, self.v.date(start), self.v.date(end), self.v.flag(disabled), RESIDENT, 1)
        )
        roll = rng.random()
        discount = SPD if (roll < 0.34 and not joint) else (ALL_DISREGARDED if roll > 0.985 else "")
        if discount:
            rows["liability_discount"].append((self.v.new_id(), period_id, discount, self.v.date(start), self.v.date(end)))
        exempt = "N" if (not discount and rng.random() < 0.008) else ""
        if exempt:
            rows["liability_exemption"].append((self.v.new_id(), period_id, exempt, self.v.date(start), self.v.date(end)))

        behaviour = rng.choices(("prompt", "late", "arrears", "credit", "none"), (70, 15, 10, 3, 2))[0]
        for year in self.years:
            days = days_liable_in_year(start, end, year)
            if days <= 0:
                continue
            charge = 0 if exempt else self._charge(year, place.parish, band, disabled, days, discount)
            issued = max(year_start(year) - timedelta(days=21), start)
            self._ledger(rows, account_id, year, LedgerKind.CHARGE, charge, issued, f"BILL-{year}",
                         "Annual bill" if issued < year_start(year) else "Bill (moved in)")
            if charge <= 0:
                continue
            if year == self.years[-1]:
                self._current_year(rows, account_id, year, charge, issued, count, day, method, behaviour, end, serial)
            else:
                self._past_year(rows, account_id, year, charge, behaviour, serial)
        return serial + 1

    def _charge(self, year: int, parish: str, band: str, disabled: bool, days: int, discount: str) -> int:
        """The year's charge for the days liable, after discount (memoised: few distinct inputs)."""
        key = (year, parish, band, disabled, days, discount)
        charge = self._charges.get(key)
        if charge is None:
            annual = annual_charge_pence(self.settings.years[year].band_d_pence[parish], band, disabled)
            charge = apportion_pence(annual, days, year)
            if discount:
                charge -= round_pence(Fraction(charge) * DISCOUNT_RATES[discount])
            self._charges[key] = charge
        return charge

    def _ledger(self, rows: dict[str, list[tuple[Any, ...]]], account_id: uuid.UUID, year: int, kind: str, pence: int,
                on: date, reference: str, description: str, payment_id: uuid.UUID | None = None) -> None:
        rows["ledger_transaction"].append(
            self.ledger.row(account_id, year, kind, pence, self.v.date(on), reference, description, payment_id)
        )

    def _pay(self, rows: dict[str, list[tuple[Any, ...]]], account_id: uuid.UUID, ref: str, year: int,
             pence: int, on: date, method: str) -> None:
        payment_id = self.v.new_id()
        rows["payment"].append(
            (payment_id, ref, account_id, "", self.v.date(on), pence, method, ALLOCATED, self.actor, self.stamp)
        )
        self._ledger(rows, account_id, year, LedgerKind.PAYMENT, -pence, on, ref, f"Payment ({method})", payment_id)

    def _past_year(self, rows: dict[str, list[tuple[Any, ...]]], account_id: uuid.UUID, year: int, charge: int,
                   behaviour: str, serial: int) -> None:
        shares: dict[str, int | Fraction] = {
            "prompt": 1, "late": 1, "credit": 1, "arrears": Fraction(self.rng.randrange(0, 90), 100), "none": Fraction(1, 2),
        }
        share = shares[behaviour]
        paid = round_pence(Fraction(charge) * share)
        if paid > 0:  # the year's history as one settled sum keeps a million accounts quick to build
            self._pay(rows, account_id, f"H{year}{serial:08d}", year, paid, year_start(year) + timedelta(days=200), BY_BANK)
        if behaviour == "arrears" and paid < charge:
            lo_day = year_start(year) + timedelta(days=75)
            self._recovery(rows, account_id, year, lo_day, charge - paid, full=True)

    def _current_year(self, rows: dict[str, list[tuple[Any, ...]]], account_id: uuid.UUID, year: int, charge: int,
                      issued: date, count: int, day: int, method: str, behaviour: str, end: date | None, serial: int) -> None:
        rng = self.rng
        first = date(issued.year, issued.month, day)
        first = add_months(first, 1) if (first - issued).days < 14 else first
        months_left = (year_end(year).year - first.year) * 12 + 3 - first.month + 1
        plan = schedule(charge, max(1, min(count, months_left)), first)
        plan_id = self.v.new_id()
        rows["instalment_plan"].append((plan_id, account_id, year, PLAN_ACTIVE, self.v.date(issued), self.stamp, 1))
        for i, inst in enumerate(plan):
            rows["instalment"].append((self.v.new_id(), plan_id, i + 1, self.v.date(inst.due), inst.amount_pence))
        due = [i for i in plan if i.due <= self.as_of]
        skip = {"prompt": 0, "credit": 0, "late": rng.randint(1, 3), "arrears": rng.randint(2, 5), "none": len(due)}[behaviour]
        paid_count = max(0, len(due) - skip)
        pay_method = BY_DD if method == PAYS_BY_DD else rng.choice(CASH_METHODS)
        for i, inst in enumerate(due[:paid_count]):
            on = inst.due if method == PAYS_BY_DD else inst.due - timedelta(days=rng.randrange(0, 5))
            self._pay(rows, account_id, f"P{year}{serial:08d}{i:02d}", year, inst.amount_pence, on, pay_method)
        if behaviour == "credit" and due:  # paid the year in full, and a little more, up front
            overpaid = charge - sum(i.amount_pence for i in due) + rng.randrange(1000, 15000)
            self._pay(rows, account_id, f"P{year}{serial:08d}X", year, overpaid, due[-1].due, BY_BANK)
        missed = due[paid_count:]
        if missed:
            owed = sum(i.amount_pence for i in missed)
            self._recovery(rows, account_id, year, missed[0].due, owed, full=len(missed) >= 3)

    def _recovery(self, rows: dict[str, list[tuple[Any, ...]]], account_id: uuid.UUID, year: int, missed_on: date,
                  owed: int, full: bool) -> None:
        """The recovery steps an unpaid instalment would have drawn by `as_of`.

        A summons is listed for the first of the council's hearing dates it may be heard on
        and carries the summons costs; the liability order is made on that day, with its
        costs, once the day has passed. So the Hearings pane has cases waiting from the
        start, and the balances include the costs as they would after a real run."""
        steps = FULL_RECOVERY if full else FIRST_REMINDERS
        last_date = None
        hearing: date | None = None
        for stage, gap in steps:
            when = missed_on + timedelta(days=gap)
            costs = 0
            if stage == SUMMONS:
                hearing = summons_hearing(self.policy, when)
                if hearing is None:  # no court date to list it for: it would wait for one
                    break
                costs, reference, description = self.policy.summons_costs_pence, f"SUMMONS-{year}", "Summons costs"
            elif stage == LIABILITY_ORDER and hearing is not None:
                when = hearing
                costs, reference, description = self.policy.liability_order_costs_pence, f"LO-{year}", "Liability order costs"
            if when > self.as_of:
                break
            owed += costs
            if costs:
                self._ledger(rows, account_id, year, LedgerKind.COSTS, costs, when, reference, description)
            rows["recovery_event"].append((
                self.v.new_id(), account_id, year, stage, self.v.date(when), owed, self.v.date(hearing), self.no_details,
                self.actor, self.stamp,
            ))
            last_date = when
        rng = self.rng
        if last_date is not None and rng.random() < 0.25:
            code = rng.choice(DEMO_DIARY_CODES)
            due = self.as_of + timedelta(days=rng.randrange(-20, 15))
            rows["diary_entry"].append((
                self.v.new_id(), account_id, code[0], self.v.date(due), code[3], None, f"Follow up {code[1].lower()}",
                DIARY_OPEN, self.actor, self.stamp, 1,
            ))
        if last_date is not None and rng.random() < 0.03:
            kind = rng.choice(DEMO_HOLDS)
            start = last_date + timedelta(days=3)
            if start <= self.as_of:
                end = start + timedelta(days=60) if kind == BREATHING_SPACE else None
                rows["hold"].append((
                    self.v.new_id(), account_id, kind, "Demo hold", self.v.date(start), self.v.date(end),
                    self.actor, self.stamp, 1,
                ))


TABLE_COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "property": (Property, ("id", "uprn", "address_line1", "address_line2", "town", "postcode", "band", "parish_id", "version")),
    "account": (Account, (
        "id", "account_ref", "payment_method", "instalment_count", "instalment_day", "status", *SEARCH_COLUMNS, "search_key",
        "created_at", "version",
    )),
    "person": (Person, ("id", "title", "forenames", "surname", "email", "phone", "version")),
    "account_party": (AccountParty, ("id", "account_id", "person_id", "ordinal")),
    "dd_mandate": (DirectDebitMandate, (
        "id", "account_id", "reference", "account_holder", "sort_code", "bank_account_number", "status", "start_date",
        "end_date", "created_by", "created_at", "version",
    )),
    "liability_period": (LiabilityPeriod, (
        "id", "account_id", "property_id", "start_date", "end_date", "disabled_reduction", "liability_basis", "version",
    )),
    "liability_discount": (Discount, ("id", "period_id", "kind", "start_date", "end_date")),
    "liability_exemption": (Exemption, ("id", "period_id", "exemption_class", "start_date", "end_date")),
    "instalment_plan": (InstalmentPlan, ("id", "account_id", "financial_year", "status", "issued_on", "created_at", "version")),
    "instalment": (Instalment, ("id", "plan_id", "seq", "due_on", "amount_pence")),
    "payment": (Payment, (
        "id", "external_ref", "account_id", "account_ref_given", "received_on", "amount_pence", "method", "status", "created_by",
        "created_at",
    )),
    "ledger_transaction": (LedgerTransaction, LEDGER_COLUMNS),
    "recovery_event": (RecoveryEvent, (
        "id", "account_id", "financial_year", "stage", "event_date", "amount_pence", "hearing_date", "details", "created_by",
        "created_at",
    )),
    "diary_entry": (DiaryEntry, (
        "id", "account_id", "code", "due_on", "team", "owner", "note", "status", "created_by", "created_at", "version",
    )),
    "hold": (Hold, ("id", "account_id", "kind", "reason", "start_date", "end_date", "created_by", "created_at", "version")),
}


@dataclass(frozen=True)
class _Job:
    """Everything the generator needs, picklable so a child process can run it."""

    settings: AuthoritySettings
    seed: int
    as_of: date
    years: list[int]
    actor: str
    dialect: str
    accounts: int
    parish_ids: dict[str, Any]  # parish name -> its key as the driver takes it (NativeValues.id), not free-form data


def _chunks(job: _Job) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    gen = _Generator(job.settings, job.seed, job.as_of, job.years, job.actor, job.dialect)
    made = 0
    while made < job.accounts:
        rows = gen.chunk(min(CHUNK, job.accounts - made), job.parish_ids, made)
        made += len(rows["account"])
        yield rows


def _produce(job: _Job, queue: Any) -> None:
    """Child process: generate every chunk in order and hand it over; None marks the end."""
    for rows in _chunks(job):
        queue.put(rows)
    queue.put(None)


def _chunks_in_child(job: _Job) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """Generate in a second process while this one writes (the machine has two cores).
    The data is the same as inline: one generator, one seeded stream, in order."""
    import multiprocessing  # only a demo build uses worker processes

    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=3)
    child = context.Process(target=_produce, args=(job, queue), daemon=True)
    child.start()
    try:
        while True:
            rows = queue.get()
            if rows is None:
                break
            yield rows
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def demo_years(settings: AuthoritySettings, as_of: date) -> list[int]:
    """Up to three financial years ending with the one `as_of` falls in, as the settings allow."""
    current = financial_year_of(as_of)
    years = [y for y in sorted(settings.years) if y <= current][-3:]
    if not years or years[-1] != current:
        raise ValidationError(
            f"The settings have no Band D figures for {year_label(current)}, the year of {as_of:%d/%m/%Y}.",
            field="as_of",
        )
    return years


@handles(GenerateDemo, role=Role.OFFICER, action="load demo data")
def generate_demo(
    db: Database, actor: Actor, settings: AuthoritySettings, *, accounts: int, seed: int, as_of: date,
    progress: Progress | None = None, cancelled: Cancelled | None = None,
) -> DemoResult:
    """Fill an empty database with `accounts` demo accounts. Refuses a database that has accounts."""
    started = time.perf_counter_ns()
    if accounts < 1:
        raise ValidationError("The number of demo accounts must be at least 1.", field="accounts")
    years = demo_years(settings, as_of)
    with db.uow() as uow:
        existing = uow.session.scalar(select(func.count()).select_from(Account)) or 0
        if existing:
            raise ValidationError(f"The database already has {existing:,} accounts; demo data goes only into an empty one.")
        parish_ids = _ensure_reference_data(uow, settings)
        capture_year_settings(uow, settings, years)
        audit(uow, actor.username, "demo.generated", "database", None,
              after={"accounts": accounts, "seed": seed, "as_of": as_of.isoformat()})
        uow.commit()
    native = NativeValues(db.dialect)
    parish_native = {name: native.id(pid) for name, pid in parish_ids.items()}
    job = _Job(settings, seed, as_of, years, actor.username, db.dialect, accounts, parish_native)
    chunks = _chunks_in_child(job) if accounts >= PARALLEL_FROM else _chunks(job)
    made = properties = transactions = 0
    try:
        for rows in chunks:
            if cancelled and cancelled():
                break
            with db.engine.begin() as conn:
                _bulk_load_settings(conn, db.dialect)
                writer = BulkWriter(conn)
                for name, (model, columns) in TABLE_COLUMNS.items():
                    writer.write(model.__table__, columns, rows[name])
            made += len(rows["account"])
            properties += len(rows["property"])
            transactions += len(rows["ledger_transaction"])
            if progress:
                progress(made, accounts)
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
    with db.engine.begin() as conn:
        # Fresh planner statistics (autovacuum may be off). On a server only the tables'
        # owner may; anyone else's ANALYZE skips them with a warning, and autovacuum's
        # statistics follow. The search indexes keep no pending list (fastupdate off).
        conn.exec_driver_sql("ANALYZE")
        if db.dialect == "sqlite":
            conn.exec_driver_sql("INSERT INTO account_fts(account_fts) VALUES ('optimize')")
    if not (cancelled and cancelled()):
        seed_casework(db, actor, settings, seed=seed, as_of=as_of)
    return DemoResult(made, properties, transactions, years, (time.perf_counter_ns() - started) // 1_000_000)


def _bulk_load_settings(conn: Any, dialect: str) -> None:
    """Settings for one chunk's transaction of generated rows.

    SQLite: no fsync per chunk (a crash loses only the chunk in progress; demo data is
    regenerated, not recovered). PostgreSQL: where the role may (a superuser, as on a
    developer's or benchmark server), skip the per-row foreign-key triggers, which are two
    thirds of the load time; the generator makes every reference point at a row written in
    the same or an earlier chunk. A role without that right loads with the checks on.
    """
    if dialect == "sqlite":
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        return
    conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
    savepoint = conn.begin_nested()
    try:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        savepoint.commit()
    except DBAPIError:
        savepoint.rollback()


def _ensure_reference_data(uow: Any, settings: AuthoritySettings) -> dict[str, uuid.UUID]:
    session = uow.session
    parish_ids = dict(session.execute(select(Parish.name, Parish.id)).all())
    for name in settings.parishes():
        if name not in parish_ids:
            parish = Parish(name=name)
            session.add(parish)
            session.flush()
            parish_ids[name] = parish.id
    codes = set(session.scalars(select(DiaryCode.code)))
    for code, description, days, team in DEMO_DIARY_CODES:
        if code not in codes:
            session.add(DiaryCode(code=code, description=description, default_days=days, team=team))
    if uow.dialect != "sqlite":
        # On a server each person is a database login an admin creates (`revdesk user add`);
        # a demonstration there brings its own people.
        return parish_ids
    users = set(session.scalars(select(User.username)))
    for username, role, team in DEMO_USERS:
        if username not in users:
            session.add(User(username=username, display_name=username, role=role.label, team=team))
    return parish_ids
