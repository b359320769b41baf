"""The database itself refuses ledger rows, payments, accounts and letters that break the
rules (design.md rule 4: "the database refuses unknown kinds and wrong signs"; rule 13:
stored letters are immutable), whoever writes them: each test writes straight to the
table, past every service, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import CheckConstraint, delete, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.bootstrap import AppContext
from app.db import alembic_config, current_revision
from app.ledger.kinds import KIND_CHECK, SIGN_CHECK
from app.models import Account, Base, Document, LedgerTransaction, Payment
from tests.conftest import as_owner
from tests.services.helpers import load_examples

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
MIGRATION = MIGRATIONS / "0011_ledger_checks_and_stored_letters.py"
MIGRATION_0012 = MIGRATIONS / "0012_status_and_kind_checks.py"
MIGRATION_0016 = MIGRATIONS / "0016_officer_letters.py"


@pytest.fixture
def account_id(ctx: AppContext, examples: Path) -> uuid.UUID:
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        found = uow.session.scalar(select(Account.id).where(Account.account_ref == "70000001"))
        assert found is not None
        return found


def _insert_ledger(ctx: AppContext, account_id: uuid.UUID, kind: str, pence: int) -> None:
    with ctx.db.uow() as uow:
        uow.session.execute(insert(LedgerTransaction).values(
            account_id=account_id, financial_year=2025, kind=kind, amount_pence=pence, posted_on=date(2025, 6, 1),
            reference="T", description="written straight to the table", created_by="mallory",
        ))
        uow.commit()


def test_a_ledger_row_of_an_unknown_kind_is_refused(ctx: AppContext, account_id: uuid.UUID) -> None:
    with pytest.raises(IntegrityError, match="ck_ledger_transaction_kind"):
        _insert_ledger(ctx, account_id, "gift", -100)


@pytest.mark.parametrize(("kind", "pence"), [
    ("payment", 100), ("payment", 0), ("refund", -100), ("charge", -1), ("write_off", 500), ("costs", 0),
    ("adjustment", 0), ("reversal", 0),
])
def test_a_ledger_row_whose_sign_contradicts_its_kind_is_refused(
    ctx: AppContext, account_id: uuid.UUID, kind: str, pence: int,
) -> None:
    with pytest.raises(IntegrityError, match="ck_ledger_transaction_sign"):
        _insert_ledger(ctx, account_id, kind, pence)


@pytest.mark.parametrize(("kind", "pence"), [
    ("charge", 0), ("charge", 120000), ("adjustment", -500), ("reduction", 300), ("reduction", -300),
    ("payment", -100), ("refund", 100), ("costs", 8000), ("costs", -8000), ("write_off", -100),
    ("transfer", 100), ("transfer", -100), ("reversal", 100), ("reversal", -100),
])
def test_every_sign_a_writer_posts_is_accepted(ctx: AppContext, account_id: uuid.UUID, kind: str, pence: int) -> None:
    _insert_ledger(ctx, account_id, kind, pence)


@pytest.mark.parametrize("pence", [0, -2500])
def test_a_payment_of_nothing_or_less_is_refused(ctx: AppContext, account_id: uuid.UUID, pence: int) -> None:
    with ctx.db.uow() as uow, pytest.raises(IntegrityError, match="ck_payment_amount_positive"):
        uow.session.execute(insert(Payment).values(
            external_ref=f"NEG{pence}", account_id=account_id, account_ref_given="70000001", received_on=date(2025, 6, 1),
            amount_pence=pence, method="cash", status="allocated", created_by="mallory",
        ))


@pytest.mark.parametrize("day", [0, 29])
def test_an_instalment_day_not_in_every_month_is_refused(ctx: AppContext, account_id: uuid.UUID, day: int) -> None:
    with ctx.db.uow() as uow, pytest.raises(IntegrityError, match="ck_account_instalment_day"):
        uow.session.execute(insert(Account).values(
            account_ref="79999990", payment_method="dd", instalment_count=10, instalment_day=day, status="open",
            search_text="", search_key=987654321, version=1,
        ))
    with ctx.db.uow() as uow, pytest.raises(IntegrityError, match="ck_account_instalment_day"):
        uow.session.execute(update(Account).where(Account.id == account_id).values(instalment_day=day))


def _letter(ctx: AppContext, account_id: uuid.UUID, content: bytes | None) -> uuid.UUID:
    document_id = uuid.uuid4()
    with ctx.db.uow() as uow:
        uow.session.execute(insert(Document).values(
            id=document_id, account_id=account_id, kind="reminder_1", template="reminder_1", template_version="abc",
            file_name="reminder_1.docx", content=content, data={"amount_pence": 1000}, financial_year=2025,
            issued_on=date(2025, 6, 1), created_by="admin",
        ))
        uow.commit()
    return document_id


@pytest.mark.parametrize("change", [
    {"content": b"forged"}, {"content": None}, {"data": {"amount_pence": 1}}, {"template_version": "def"},
    {"issued_on": date(2025, 7, 1)},
])
def test_a_stored_letter_cannot_be_changed(ctx: AppContext, account_id: uuid.UUID, change: dict[str, Any]) -> None:
    document_id = _letter(ctx, account_id, b"the letter as sent")
    with as_owner(ctx.db) as owner:  # the trigger refuses even the owner (a user's login is refused sooner)
        with owner.uow() as uow, pytest.raises(DBAPIError, match="document is immutable"):
            uow.session.execute(update(Document).where(Document.id == document_id).values(**change))
        with owner.uow() as uow, pytest.raises(DBAPIError, match="document is immutable"):
            uow.session.execute(delete(Document).where(Document.id == document_id))
    with ctx.db.uow() as uow:
        assert uow.session.scalar(select(Document.content).where(Document.id == document_id)) == b"the letter as sent"


def test_a_letter_issued_singly_has_its_bytes_filled_in_once(ctx: AppContext, account_id: uuid.UUID) -> None:
    """What billing's single notices do: the merge data first, then the rendered file."""
    document_id = _letter(ctx, account_id, None)
    with ctx.db.uow() as uow:
        uow.session.execute(update(Document).where(Document.id == document_id).values(content=b"rendered"))
        uow.commit()
    with ctx.db.uow() as uow, pytest.raises(DBAPIError, match="document is immutable"):
        uow.session.execute(update(Document).where(Document.id == document_id).values(content=b"again"))


def test_the_upgrade_refuses_a_database_holding_rows_that_break_the_constraints(
    owner_ctx: AppContext, account_id: uuid.UUID,
) -> None:
    """A council's database with a row the constraints refuse is left as it was, with a
    message that counts them (on SQLite a copy failing half-way would leave a work table)."""
    ctx = owner_ctx
    config = alembic_config(ctx.db)
    command.downgrade(config, "0010")
    _insert_ledger(ctx, account_id, "charge", -100)
    with pytest.raises(RuntimeError, match=r"1 ledger_transaction row\(s\) break ck_ledger_transaction_sign\."):
        command.upgrade(config, "head")
    assert current_revision(ctx.db) == "0010"
    with ctx.db.engine.connect() as conn:
        assert not [t for t in inspect(conn).get_table_names() if t.startswith("_alembic_tmp")]


def _model_checks() -> dict[str, dict[str, str]]:
    return {
        table.name: {str(c.name): str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)}
        for table in Base.metadata.sorted_tables
    }


def test_the_databases_check_constraints_are_the_models(ctx: AppContext) -> None:
    """Alembic's comparison (test_schema) does not look at CHECK constraints: this does."""
    with ctx.db.engine.connect() as conn:
        inspector = inspect(conn)
        in_database = {t: {c["name"] for c in inspector.get_check_constraints(t)} for t in inspector.get_table_names()}
    models = {t: set(checks) for t, checks in _model_checks().items()}
    assert {t: names for t, names in in_database.items() if names} == {t: names for t, names in models.items() if names}


def _migration(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_0011_froze_the_ledger_rules_the_models_hold() -> None:
    """A new kind or sign rule needs a new migration: this fails until there is one."""
    module = _migration(MIGRATION)
    assert (module.KIND_CHECK, module.SIGN_CHECK) == (KIND_CHECK, SIGN_CHECK)


def test_the_migrations_froze_every_check_constraint_the_models_hold() -> None:
    """Every CHECK constraint of the models, word for word, is one a migration made (0011:
    the ledger's; 0012: statuses and kinds; later migrations: their own `CHECKS`, a later one
    replacing an earlier one's constraint of the same name, as 0016 does 0012's document kinds):
    a new value or rule needs a new migration."""
    later = [p for p in sorted(MIGRATION.parent.glob("*.py")) if p.name > MIGRATION_0012.name]
    latest = {(t, name): condition for path in (MIGRATION, MIGRATION_0012, *later)
              for t, name, condition in getattr(_migration(path), "CHECKS", ())}
    made = {(t, name, condition) for (t, name), condition in latest.items()}
    models = _model_checks()
    assert made == {(t, name, condition) for t, checks in models.items() for name, condition in checks.items()}
