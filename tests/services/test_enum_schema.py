"""Statuses, kinds and stages are enums the database enforces (issue 13; migration 0012).

Each status/kind/stage/method column is mapped to a StrEnum (app.enums) and has a CHECK
constraint allowing exactly its values: a row written straight to the table (past the ORM,
as the bulk writers write) with any other text is refused by the database, on SQLite and
PostgreSQL; every value of the enum is accepted; and what the demo generator writes is
made of the enums' values.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Enum, String, insert, inspect, literal_column, select, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import DeclarativeBase

from app.bootstrap import AppContext
from app.config import AuthoritySettings
from app.db import SCHEMA_HEAD, alembic_config, current_revision
from app.demo.generate import generate_demo
from app.enums import (
    AccountPaymentMethod,
    AccountStatus,
    ArrangementFrequency,
    ArrangementStatus,
    BatchRunKind,
    BatchRunStatus,
    CollectionStatus,
    DiaryStatus,
    DiscountKind,
    DocumentKind,
    EnforcementKind,
    EnforcementStatus,
    EscalationReason,
    EscalationStatus,
    HoldKind,
    InstalmentPlanStatus,
    LiabilityBasis,
    MandateStatus,
    PaymentMethod,
    PaymentStatus,
    RecoveryStage,
    ReductionKind,
    RefundMethod,
    RefundStatus,
    SafeguardKind,
    WriteOffStatus,
)
from app.models import (
    Account,
    Arrangement,
    Base,
    BatchRun,
    DiaryCode,
    DiaryEntry,
    DirectDebitCollection,
    DirectDebitMandate,
    Discount,
    Document,
    EnforcementCase,
    Escalation,
    Hold,
    InstalmentPlan,
    LiabilityPeriod,
    Payment,
    Property,
    RecoveryEvent,
    ReductionAward,
    RefundRequest,
    SafeguardRelease,
    User,
    WriteOff,
)
from app.users.roles import Role

DAY = date(2025, 6, 1)
Row = Callable[[dict[str, Any], int], dict[str, Any]]


def _parents(ctx: AppContext) -> dict[str, Any]:
    """One property, account, period, mandate and diary code for the rows below to refer to."""
    ids = {name: uuid.uuid4() for name in ("property", "account", "period", "mandate")}
    with ctx.db.uow() as uow:
        s = uow.session
        s.execute(insert(Property).values(id=ids["property"], uprn="999000000001", address_line1="1 Check Street",
                                          postcode="EX1 1AA", band="D", version=1))
        s.execute(insert(Account).values(id=ids["account"], account_ref="79000001", search_key=79000001, version=1))
        s.execute(insert(LiabilityPeriod).values(id=ids["period"], account_id=ids["account"], property_id=ids["property"],
                                                 start_date=DAY, version=1))
        s.execute(insert(DirectDebitMandate).values(
            id=ids["mandate"], account_id=ids["account"], reference="CHECK-MANDATE", account_holder="A Payer",
            sort_code="200000", bank_account_number="55779911", start_date=DAY, created_by="t", version=1,
        ))
        s.execute(insert(DiaryCode).values(code="CHECK", description="Check", default_days=7, team=""))
        uow.commit()
    return ids


# (model, column, the values it may hold, a valid row whose `n` keeps unique columns unique)
COLUMNS: list[tuple[type[DeclarativeBase], str, Sequence[str], Row]] = [
    (Account, "status", list(AccountStatus), lambda p, n: dict(account_ref=f"7910{n:04d}", search_key=7910_0000 + n, version=1)),
    (Account, "payment_method", list(AccountPaymentMethod),
     lambda p, n: dict(account_ref=f"7920{n:04d}", search_key=7920_0000 + n, version=1)),
    (LiabilityPeriod, "liability_basis", list(LiabilityBasis),
     lambda p, n: dict(account_id=p["account"], property_id=p["property"], start_date=date(2030 + n, 4, 1), version=1)),
    (Discount, "kind", list(DiscountKind), lambda p, n: dict(period_id=p["period"], start_date=DAY)),
    (ReductionAward, "kind", list(ReductionKind),
     lambda p, n: dict(account_id=p["account"], percent_bp=2500, start_date=DAY, created_by="t")),
    (InstalmentPlan, "status", list(InstalmentPlanStatus),
     lambda p, n: dict(account_id=p["account"], financial_year=2025, issued_on=DAY, version=1)),
    (Payment, "method", list(PaymentMethod),
     lambda p, n: dict(external_ref=f"CHK-M-{n}", account_id=p["account"], received_on=DAY, amount_pence=100,
                       status="allocated", created_by="t")),
    (Payment, "status", list(PaymentStatus),
     lambda p, n: dict(external_ref=f"CHK-S-{n}", account_id=p["account"], received_on=DAY, amount_pence=100,
                       method="cash", created_by="t")),
    (RefundRequest, "method", list(RefundMethod),
     lambda p, n: dict(account_id=p["account"], amount_pence=100, payee="A Payer", requested_by="t", requested_on=DAY,
                       version=1)),
    (RefundRequest, "status", list(RefundStatus),
     lambda p, n: dict(account_id=p["account"], amount_pence=100, payee="A Payer", requested_by="t", requested_on=DAY,
                       version=1)),
    (DirectDebitMandate, "status", list(MandateStatus),
     lambda p, n: dict(account_id=p["account"], reference=f"CHK-{n}", account_holder="A Payer", sort_code="200000",
                       bank_account_number="55779911", start_date=DAY, created_by="t", version=1)),
    (DirectDebitCollection, "status", list(CollectionStatus),
     lambda p, n: dict(mandate_id=p["mandate"], account_id=p["account"], due_on=date(2025, 1 + n, 1), amount_pence=100)),
    (Arrangement, "status", list(ArrangementStatus),
     lambda p, n: dict(account_id=p["account"], frequency="monthly", start_date=DAY, end_date=DAY, total_pence=100,
                       created_by="t", version=1)),
    (Arrangement, "frequency", list(ArrangementFrequency),
     lambda p, n: dict(account_id=p["account"], start_date=DAY, end_date=DAY, total_pence=100, created_by="t", version=1,
                       status="completed")),  # one account: at most one of its arrangements may be live (0013)
    (DiaryEntry, "status", list(DiaryStatus),
     lambda p, n: dict(account_id=p["account"], code="CHECK", due_on=DAY, created_by="t", version=1)),
    (Escalation, "status", list(EscalationStatus),
     lambda p, n: dict(account_id=p["account"], reason="other", raised_by="t", version=1)),
    (Escalation, "reason", list(EscalationReason), lambda p, n: dict(account_id=p["account"], raised_by="t", version=1)),
    (RecoveryEvent, "stage", list(RecoveryStage),
     lambda p, n: dict(account_id=p["account"], financial_year=2025, event_date=DAY, created_by="t")),
    (Hold, "kind", list(HoldKind), lambda p, n: dict(account_id=p["account"], start_date=DAY, created_by="t", version=1)),
    (SafeguardRelease, "kind", list(SafeguardKind),
     lambda p, n: dict(account_id=p["account"], reason="checked", released_on=DAY, released_by="t")),
    (EnforcementCase, "kind", list(EnforcementKind),
     lambda p, n: dict(account_id=p["account"], opened_on=DAY, debt_pence=100, created_by="t", version=1)),
    (EnforcementCase, "status", list(EnforcementStatus),
     lambda p, n: dict(account_id=p["account"], kind="enforcement_agent", opened_on=DAY, debt_pence=100, created_by="t",
                       version=1)),
    (Document, "kind", list(DocumentKind),
     lambda p, n: dict(account_id=p["account"], template="t", template_version="v", file_name=f"f{n}.docx",
                       issued_on=DAY, created_by="t")),
    (WriteOff, "status", list(WriteOffStatus),
     lambda p, n: dict(account_id=p["account"], financial_year=2025, amount_pence=100, reason="other", proposed_by="t",
                       proposed_on=DAY, version=1)),
    (BatchRun, "kind", list(BatchRunKind), lambda p, n: dict(run_key=f"check:kind:{n}", created_by="t")),
    (BatchRun, "status", list(BatchRunStatus), lambda p, n: dict(kind="billing", run_key=f"check:status:{n}", created_by="t")),
    (User, "role", [r.label for r in Role], lambda p, n: dict(username=f"checker{n}", version=1)),
]
IDS = [f"{model.__tablename__}.{column}" for model, column, _, _ in COLUMNS]


@pytest.mark.parametrize(("model", "column", "values", "row"), COLUMNS, ids=IDS)
def test_the_database_refuses_text_that_is_not_one_of_the_columns_values(
    owner_ctx: AppContext, model: type[DeclarativeBase], column: str, values: Sequence[str], row: Row,
) -> None:
    """Written straight to the table (past the ORM's own check, as the bulk writers write):
    every value is accepted, any other text refused by the constraint, inserted or updated."""
    parents = _parents(owner_ctx)
    table = model.__table__  # type: ignore[attr-defined]
    name = f"ck_{table.name}_{column}"
    first = uuid.uuid4()
    with owner_ctx.db.uow() as uow:
        for n, value in enumerate(values):
            uow.session.execute(insert(table).values(id=first if n == 0 else uuid.uuid4(), **row(parents, n),
                                                     **{column: literal_column(f"'{value}'")}))
        uow.commit()
    for wrong in ("bogus", values[0].upper() if values[0].islower() else values[0].lower(), f"{values[0]} ", ""):
        with owner_ctx.db.uow() as uow, pytest.raises(IntegrityError, match=name):
            uow.session.execute(insert(table).values(**row(parents, len(values)), **{column: literal_column(f"'{wrong}'")}))
    if model not in (Document, SafeguardRelease):  # a stored letter (0011), a release (0017): never updated at all
        with owner_ctx.db.uow() as uow, pytest.raises(IntegrityError, match=name):
            uow.session.execute(update(table).where(table.c.id == first).values(**{column: literal_column("'bogus'")}))


def test_every_status_kind_and_stage_column_is_constrained() -> None:
    """Each column mapped to an enum has its constraint (and is in the test above)."""
    mapped = {
        f"{table.name}.{c.name}" for table in Base.metadata.sorted_tables for c in table.columns if isinstance(c.type, Enum)
    }
    assert mapped | {"app_user.role"} == set(IDS)
    for model, column, values, _ in COLUMNS:
        table = model.__table__  # type: ignore[attr-defined]
        column_type = table.c[column].type
        assert isinstance(column_type, String)
        if isinstance(column_type, Enum):  # read back as members; the stored text is the value
            assert column_type.enums == list(values) and issubclass(column_type.enum_class, StrEnum)
        assert max(map(len, values)) <= (column_type.length or 0)


def test_the_orm_refuses_text_that_is_not_a_value_before_the_database_sees_it(ctx: AppContext) -> None:
    parents = _parents(ctx)
    with ctx.db.uow() as uow, pytest.raises(StatementError, match="'vulnerable' is not among the defined enum values"):
        uow.session.add(Hold(account_id=parents["account"], kind="vulnerable", start_date=DAY, created_by="t"))
        uow.session.flush()
    with ctx.db.uow() as uow:
        uow.session.add(Hold(account_id=parents["account"], kind="dispute", start_date=DAY, created_by="t"))
        uow.commit()
    with ctx.db.uow() as uow:
        kind = uow.session.scalar(select(Hold.kind))
        assert kind is HoldKind.DISPUTE and kind == "dispute"


def test_the_upgrade_refuses_a_database_holding_text_the_constraints_refuse_naming_it(owner_ctx: AppContext) -> None:
    """A council's database with a value no enum holds (a hand repair, another system's
    data) is left as it was, with the rows counted and the values named; put right, it upgrades."""
    parents = _parents(owner_ctx)
    config = alembic_config(owner_ctx.db)
    command.downgrade(config, "0011")
    with owner_ctx.db.uow() as uow:
        for kind in ("vulnerable", "vulnerable", "dispute"):
            uow.session.execute(insert(Hold).values(account_id=parents["account"], kind=literal_column(f"'{kind}'"),
                                                    start_date=DAY, created_by="t", version=1))
        uow.session.execute(update(Account).values(status=literal_column("'OPEN'")))
        uow.commit()
    with pytest.raises(RuntimeError, match=r"1 account row\(s\) break ck_account_status \(account.status: 'OPEN'\); "
                                           r"2 hold row\(s\) break ck_hold_kind \(hold.kind: 'vulnerable'\)\."):
        command.upgrade(config, "head")
    assert current_revision(owner_ctx.db) == "0011"
    with owner_ctx.db.engine.connect() as conn:
        assert not [t for t in inspect(conn).get_table_names() if t.startswith("_alembic_tmp")]
    with owner_ctx.db.uow() as uow:
        uow.session.execute(update(Hold).where(Hold.kind == literal_column("'vulnerable'"))
                            .values(kind=HoldKind.VULNERABILITY_REVIEW))
        uow.session.execute(update(Account).values(status=AccountStatus.OPEN))
        uow.commit()
    command.upgrade(config, "head")
    assert current_revision(owner_ctx.db) == SCHEMA_HEAD


# The columns the demo generator writes (app.demo.generate.TABLE_COLUMNS) and the enum of each.
DEMO_COLUMNS: list[tuple[str, str, type[StrEnum] | None]] = [
    ("account", "status", AccountStatus), ("account", "payment_method", AccountPaymentMethod),
    ("liability_period", "liability_basis", LiabilityBasis), ("liability_discount", "kind", DiscountKind),
    ("instalment_plan", "status", InstalmentPlanStatus), ("payment", "method", PaymentMethod),
    ("payment", "status", PaymentStatus), ("recovery_event", "stage", RecoveryStage), ("diary_entry", "status", DiaryStatus),
    ("hold", "kind", HoldKind), ("app_user", "role", None),
]


def test_every_value_the_demo_generator_writes_is_a_member(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=600, seed=7, as_of=date(2026, 11, 23))
    with ctx.db.engine.connect() as conn:
        for table, column, enum in DEMO_COLUMNS:
            written = {v for (v,) in conn.exec_driver_sql(f"SELECT DISTINCT {column} FROM {table}")}
            allowed = {r.label for r in Role} if enum is None else {m.value for m in enum}
            assert written and written <= allowed, (table, column, written - allowed)
        # the demo's spread: both account states, and every payment method it chooses from
        assert {v for (v,) in conn.exec_driver_sql("SELECT DISTINCT status FROM account")} == set(AccountStatus)
        assert {v for (v,) in conn.exec_driver_sql("SELECT DISTINCT method FROM payment")} == {
            PaymentMethod.DD, PaymentMethod.CARD, PaymentMethod.BANK, PaymentMethod.CASH, PaymentMethod.CHEQUE,
        }
    with ctx.db.uow() as uow:  # and the ORM reads them back as members
        assert all(isinstance(s, AccountStatus) for s in uow.session.scalars(select(Account.status).limit(50)))


def test_every_value_has_its_label_where_officers_see_it() -> None:
    """A new value needs its wording too (app.ui.formatting, app.recovery.holds)."""
    from app.recovery.holds import HOLD_LABELS
    from app.ui.formatting import (
        DISCOUNT_LABELS,
        PAYMENT_CHANNEL_LABELS,
        PAYMENT_METHOD_LABELS,
        REDUCTION_LABELS,
        ROUTE_LABELS,
        STAGE_LABELS,
    )

    for labels, enum in (
        (STAGE_LABELS, RecoveryStage), (DISCOUNT_LABELS, DiscountKind), (PAYMENT_METHOD_LABELS, AccountPaymentMethod),
        (PAYMENT_CHANNEL_LABELS, PaymentMethod), (REDUCTION_LABELS, ReductionKind), (ROUTE_LABELS, EnforcementKind),
        (HOLD_LABELS, HoldKind),
    ):
        assert set(enum) <= set(labels), (enum.__name__, set(enum) - set(labels))
