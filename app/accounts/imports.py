"""CSV imports of properties and accounts (with their liability periods).

Every row is checked before anything is written; good rows are written in one
transaction (or none at all with `all_or_nothing`). Re-importing a file adds nothing:
existing properties and periods are counted as skipped.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

from sqlalchemy import select

from app.accounts.requests import ImportAccounts, ImportProperties
from app.accounts.search_index import search_columns, search_key_for
from app.adapters.csv_files import CsvRow, ImportSummary, RowInvalid, read_rows
from app.adapters.file_imports import complete_file_import, record_file_run
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.enums import AccountPaymentMethod
from app.models import Account, AccountParty, Discount, Exemption, LiabilityPeriod, Parish, Person, Property
from app.requests import handles
from app.rules.apportionment import periods_overlap
from app.rules.bands import BandError, check_band
from app.users.roles import Actor, Role

PROPERTY_COLUMNS = ("uprn", "address_line1", "postcode", "band")
PROPERTY_OPTIONAL = ("address_line2", "town", "parish")
ACCOUNT_COLUMNS = ("account_ref", "uprn", "surname", "liable_from")
ACCOUNT_OPTIONAL = (
    "title", "forenames", "joint_names", "email", "phone", "liable_to", "discount", "exemption_class",
    "disabled_band_reduction", "payment_method", "instalments", "instalment_day",
)
DISCOUNTS = {"SPD": "SPD", "ALL_DISREGARDED": "ALL_DISREGARDED"}
# SI 1992/558 classes; A and C were abolished in England from April 2013 (still in Wales).
EXEMPTION_CLASSES_ENGLAND = tuple("BDEFGHIJKLMNOPQRSTUVW")
EXEMPTION_CLASSES_WALES = tuple("ABCDEFGHIJKLMNOPQRSTUVW")


@handles(ImportProperties, role=Role.OFFICER, action="import properties")
def import_properties(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, path: str | Path, *, all_or_nothing: bool = False
) -> ImportSummary:
    rows = list(read_rows(path, PROPERTY_COLUMNS, PROPERTY_OPTIONAL))
    summary = ImportSummary()
    session = uow.session
    parishes = set(settings.parishes())
    uprns = [u for u in (r.get("uprn") for r in rows) if u.isdigit()]  # a row that is not is rejected below
    existing = {
        p.uprn: p for p in session.scalars(select(Property).where(Property.uprn.in_(uprns)))
    } if uprns else {}
    parish_ids = dict(session.execute(select(Parish.name, Parish.id)).all())
    first_line: dict[str, int] = {}
    run = record_file_run(uow, actor, "import_properties", path)
    for row in rows:
        try:
            row.check_shape()
            uprn = row.required("uprn")
            if not uprn.isdigit() or len(uprn) > 12:
                raise RowInvalid("uprn", f"'{uprn}' is not a UPRN (up to 12 digits)")
            if uprn in first_line:
                raise RowInvalid("uprn", f"UPRN {uprn} appears twice (first on line {first_line[uprn]})")
            first_line[uprn] = row.line
            try:
                band = check_band(row.required("band"), settings.country)
            except BandError as exc:
                raise RowInvalid("band", str(exc)) from None
            parish = row.get("parish")
            if parish and parish not in parishes:
                raise RowInvalid("parish", f"parish '{parish}' is not in the authority settings")
            values = {
                "address_line1": row.required("address_line1"), "address_line2": row.get("address_line2"),
                "town": row.get("town"), "postcode": normalise_postcode(row.required("postcode")), "band": band,
            }
        except RowInvalid as exc:
            summary.reject(row.line, exc.field, exc.message)
            continue
        current = existing.get(uprn)
        if current is not None:
            same = all(getattr(current, k) == v for k, v in values.items()) and (
                (current.parish.name if current.parish else "") == parish
            )
            if same:
                summary.skipped += 1
            else:
                summary.reject(row.line, "uprn",
                               f"UPRN {uprn} already exists with different details; change it in the application")
            continue
        if parish and parish not in parish_ids:
            new_parish = Parish(name=parish)
            session.add(new_parish)
            session.flush()
            parish_ids[parish] = new_parish.id
        session.add(Property(uprn=uprn, parish_id=parish_ids.get(parish) if parish else None, **values))
        summary.imported += 1
    return complete_file_import(uow, actor, run, summary, all_or_nothing)


def normalise_postcode(text: str) -> str:
    """'ex14qt' -> 'EX1 4QT' (the inward code is always the last three characters)."""
    compact = "".join(text.split()).upper()
    if len(compact) < 5:
        raise RowInvalid("postcode", f"'{text}' is not a postcode")
    return f"{compact[:-3]} {compact[-3:]}"


@dataclass
class _AccountRow:
    row: CsvRow
    account_ref: str
    uprn: str
    title: str
    forenames: str
    surname: str
    joint_names: list[str]
    email: str
    phone: str
    liable_from: date
    liable_to: date | None
    discount: str
    exemption_class: str
    disabled: bool
    payment_method: str
    instalments: int
    instalment_day: int


def _parse_account_row(row: CsvRow, country: str) -> _AccountRow:
    row.check_shape()
    liable_from = row.date("liable_from")
    liable_to = row.date("liable_to", required=False)
    assert liable_from is not None
    if liable_to is not None and liable_to < liable_from:
        raise RowInvalid("liable_to", f"liable_to {liable_to:%d/%m/%Y} is before liable_from {liable_from:%d/%m/%Y}")
    discount = row.get("discount").upper()
    if discount and discount not in DISCOUNTS:
        raise RowInvalid("discount", f"'{row.get('discount')}' is not a discount (empty, SPD or ALL_DISREGARDED)")
    exemption = row.get("exemption_class").upper()
    classes = EXEMPTION_CLASSES_WALES if country == "wales" else EXEMPTION_CLASSES_ENGLAND
    if exemption and exemption not in classes:
        raise RowInvalid("exemption_class", f"'{row.get('exemption_class')}' is not an exemption class in {country.title()}")
    disabled_text = row.get("disabled_band_reduction").upper() or "N"
    if disabled_text not in ("Y", "N"):
        raise RowInvalid("disabled_band_reduction", f"'{row.get('disabled_band_reduction')}' must be Y or N")
    method = row.get("payment_method").lower() or "cash"
    if method not in (AccountPaymentMethod.CASH, AccountPaymentMethod.DD):
        raise RowInvalid("payment_method", f"'{row.get('payment_method')}' must be cash or dd")
    count_text = row.get("instalments") or "10"
    if count_text not in ("10", "12"):
        raise RowInvalid("instalments", f"'{count_text}' must be 10 or 12")
    day_text = row.get("instalment_day") or "1"
    if not day_text.isdigit() or not 1 <= int(day_text) <= 28:
        raise RowInvalid("instalment_day", f"'{day_text}' must be a day from 1 to 28")
    email = row.get("email")
    if email and ("@" not in email or " " in email):
        raise RowInvalid("email", f"'{email}' is not an email address")
    return _AccountRow(
        row=row, account_ref=row.required("account_ref"), uprn=row.required("uprn"), title=row.get("title"),
        forenames=row.get("forenames"), surname=row.required("surname"),
        joint_names=[n.strip() for n in row.get("joint_names").split(";") if n.strip()],
        email=email, phone=row.get("phone"), liable_from=liable_from, liable_to=liable_to,
        discount=discount, exemption_class=exemption, disabled=disabled_text == "Y",
        payment_method=method, instalments=int(count_text), instalment_day=int(day_text),
    )


def _span(start: date, end: date | None) -> str:
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}" if end else f"from {start:%d/%m/%Y}"


def split_name(full: str) -> tuple[str, str]:
    """'Marcus Reid' -> ('Marcus', 'Reid'); a single word is a surname."""
    parts = full.split()
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", full.strip())


@handles(ImportAccounts, role=Role.OFFICER, action="import accounts")
def import_accounts(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, path: str | Path, *, all_or_nothing: bool = False
) -> ImportSummary:
    rows = list(read_rows(path, ACCOUNT_COLUMNS, ACCOUNT_OPTIONAL))
    summary = ImportSummary()
    session = uow.session
    parsed: list[_AccountRow] = []
    for row in rows:
        try:
            parsed.append(_parse_account_row(row, settings.country))
        except RowInvalid as exc:
            summary.reject(row.line, exc.field, exc.message)
    properties = {
        p.uprn: p for p in session.scalars(select(Property).where(Property.uprn.in_({r.uprn for r in parsed})))
    } if parsed else {}
    existing_accounts = {
        a.account_ref: a
        for a in session.scalars(select(Account).where(Account.account_ref.in_({r.account_ref for r in parsed})))
    } if parsed else {}
    # Periods already held for the properties in the file: (from, to, account_ref).
    held: dict[str, list[tuple[date, date | None, str]]] = defaultdict(list)
    if properties:
        for uprn, start, end, ref in session.execute(
            select(Property.uprn, LiabilityPeriod.start_date, LiabilityPeriod.end_date, Account.account_ref)
            .join(LiabilityPeriod, LiabilityPeriod.property_id == Property.id)
            .join(Account, Account.id == LiabilityPeriod.account_id)
            .where(Property.id.in_([p.id for p in properties.values()]))
        ):
            held[uprn].append((start, end, ref))

    groups: dict[str, list[_AccountRow]] = defaultdict(list)
    for r in parsed:
        groups[r.account_ref].append(r)
    run = record_file_run(uow, actor, "import_accounts", path)
    for ref, group in groups.items():
        group.sort(key=lambda r: r.liable_from)
        failure = _check_account_group(ref, group, properties, existing_accounts, held)
        if failure is not None:
            bad_line, field_name, message = failure
            for r in group:
                if r.row.line == bad_line:
                    summary.reject(r.row.line, field_name, message)
                else:
                    summary.reject(r.row.line, "account_ref", f"not imported: line {bad_line} of account {ref} was rejected")
            continue
        if ref in existing_accounts:
            summary.skipped += len(group)
            continue
        _create_account(uow, group, properties)
        for r in group:
            held[r.uprn].append((r.liable_from, r.liable_to, ref))
        summary.imported += len(group)
    summary.errors.sort(key=lambda e: e.line)
    return complete_file_import(uow, actor, run, summary, all_or_nothing)


def _check_account_group(
    ref: str,
    group: list[_AccountRow],
    properties: dict[str, Property],
    existing_accounts: dict[str, Account],
    held: dict[str, list[tuple[date, date | None, str]]],
) -> tuple[int, str, str] | None:
    """The first problem with one account's rows, as (line, field, message), or None."""
    for r in group:
        if r.uprn not in properties:
            return (r.row.line, "uprn", f"UPRN {r.uprn} is not a known property (import properties first)")
    for prev, nxt in pairwise(group):
        if nxt.uprn != prev.uprn:
            return (nxt.row.line, "uprn",
                    f"account {ref} appears again for a different property (UPRN {prev.uprn} on line {prev.row.line})")
        if prev.liable_to is None or nxt.liable_from != prev.liable_to + timedelta(days=1):
            return (nxt.row.line, "liable_from",
                    f"account {ref} appears again but its periods are not consecutive (see line {prev.row.line})")
    if ref in existing_accounts:
        account_periods = {(s, e) for s, e, owner in held[group[0].uprn] if owner == ref}
        for r in group:
            if (r.liable_from, r.liable_to) not in account_periods:
                return (r.row.line, "account_ref", f"account {ref} already exists with different liability periods")
        return None
    for r in group:
        for start, end, owner in held[r.uprn]:
            if periods_overlap(r.liable_from, r.liable_to, start, end):
                return (
                    r.row.line, "liable_from",
                    f"liability {_span(r.liable_from, r.liable_to)} overlaps account {owner} ({_span(start, end)}) "
                    f"at UPRN {r.uprn}; name joint taxpayers in joint_names",
                )
    return None


def _create_account(uow: UnitOfWork, group: list[_AccountRow], properties: dict[str, Property]) -> Account:
    lead = group[0]
    people = [Person(title=lead.title, forenames=lead.forenames, surname=lead.surname, email=lead.email, phone=lead.phone)]
    for name in dict.fromkeys(n for r in group for n in r.joint_names):
        forenames, surname = split_name(name)
        people.append(Person(forenames=forenames, surname=surname))
    account_id = uuid.uuid4()
    prop = properties[group[-1].uprn]
    account = Account(
        id=account_id, account_ref=lead.account_ref, payment_method=group[-1].payment_method,
        instalment_count=group[-1].instalments, instalment_day=group[-1].instalment_day,
        search_key=search_key_for(account_id),
        **search_columns(lead.account_ref, [p.full_name() for p in people], prop.address(), prop.postcode),
    )
    account.parties = [AccountParty(person=p, ordinal=i) for i, p in enumerate(people)]
    for r in group:
        period = LiabilityPeriod(
            property=properties[r.uprn], start_date=r.liable_from, end_date=r.liable_to, disabled_reduction=r.disabled
        )
        if r.discount:
            period.discounts = [Discount(kind=r.discount, start_date=r.liable_from, end_date=r.liable_to)]
        if r.exemption_class:
            period.exemptions = [Exemption(exemption_class=r.exemption_class, start_date=r.liable_from, end_date=r.liable_to)]
        account.periods.append(period)
    uow.session.add(account)
    return account
