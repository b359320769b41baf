"""The models and the migrations describe the same schema, on both databases (design rule 11)."""

import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import column, delete, func, insert, select, table, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.bootstrap import AppContext
from app.config import AuthoritySettings
from app.db import IN_LIST_SIZE, SCHEMA_HEAD, alembic_config, current_revision, head_revision, in_batches, include_object
from app.demo.generate import generate_demo
from app.errors import Conflict
from app.models import Account, Arrangement, AuditEvent, Base, LedgerTransaction, Note, WriteOff
from tests.services.helpers import load_examples


def test_models_and_migrations_agree(ctx: AppContext) -> None:
    assert current_revision(ctx.db) == head_revision(ctx.db) == SCHEMA_HEAD  # start-up's shortcut is the head
    with ctx.db.engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(mc, Base.metadata)
    assert diff == []


def test_search_index_exists(ctx: AppContext) -> None:
    with ctx.db.engine.connect() as conn:
        if ctx.db.dialect == "sqlite":
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            assert {"account_fts", "account_fts_ai", "account_fts_ad", "account_fts_au"} <= names
        else:
            names = {r[0] for r in conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'account'")}
            assert {"ix_account_search_trgm", "ix_account_search_pairs"} <= names


def test_result_columns_are_filled_in_by_the_upgrade_as_the_services_fill_them(
    owner_ctx: AppContext, examples: Path, demo_settings: AuthoritySettings,
) -> None:
    """Migration 0009 computes every existing account's result columns in SQL; they must
    equal what search_columns() gives new accounts (joint names, empty lines, latest period)."""
    generate_demo(owner_ctx.db, owner_ctx.actor, demo_settings, accounts=200, seed=4, as_of=date(2026, 11, 23))
    load_examples(owner_ctx, examples)
    columns = (Account.account_ref, Account.result_name, Account.result_address, Account.result_postcode)
    with owner_ctx.db.uow() as uow:
        before = set(uow.session.execute(select(*columns)).all())
        # the demo's write-off proposals: migration 0014 refuses to go back over write-offs (tested on its own)
        uow.session.execute(delete(WriteOff))
        uow.commit()
    config = alembic_config(owner_ctx.db)
    command.downgrade(config, "0008")
    command.upgrade(config, "head")
    with owner_ctx.db.uow() as uow:
        after = set(uow.session.execute(select(*columns)).all())
    assert len(before) == 205 and all(row[1] and row[2] and row[3] for row in before)
    assert after == before



def test_ledger_audit_and_notes_are_append_only(owner_ctx: AppContext, examples: Path) -> None:
    load_examples(owner_ctx, examples)  # payments: ledger rows and audit events
    with owner_ctx.db.uow() as uow:
        account_id = uow.session.scalars(select(Account.id)).first()
        uow.session.add(Note(account_id=account_id, text="Called, promised to pay", created_by="admin"))
        uow.commit()
    for model in (AuditEvent, LedgerTransaction, Note):
        with owner_ctx.db.uow() as uow:
            assert uow.session.scalar(select(func.count()).select_from(model))
        who = {"username": "mallory"} if model is AuditEvent else {"created_by": "mallory"}
        change = update(model).values(**who)
        for stmt in (change, delete(model)):
            with owner_ctx.db.uow() as uow, pytest.raises(DBAPIError, match="append-only"):
                uow.session.execute(stmt)


def test_in_batches_cover_every_value_once_in_lists_either_database_binds(ctx: AppContext) -> None:
    """The one slicing every set-based query uses: each value once, in order, no slice
    over the size, and a full slice binds as one IN (...) list on SQLite and PostgreSQL."""
    refs = [f"NOPE{i:05d}" for i in range(2 * IN_LIST_SIZE + 7)]
    batches = list(in_batches(refs))
    assert [len(b) for b in batches] == [IN_LIST_SIZE, IN_LIST_SIZE, 7]
    assert [r for b in batches for r in b] == refs
    assert list(in_batches([])) == []
    with ctx.db.uow() as uow:
        for batch in batches:
            assert uow.session.scalar(select(func.count()).select_from(Account).where(Account.account_ref.in_(batch))) == 0


def test_the_upgrade_to_one_live_arrangement_refuses_an_account_with_two_naming_it(owner_ctx: AppContext) -> None:
    """Migration 0013's partial unique index: from the previous head, an account holding two
    live arrangements is refused before anything changes, naming it; put right, it upgrades,
    and the database then refuses a second live arrangement however it is written."""
    config = alembic_config(owner_ctx.db)
    command.downgrade(config, "0012")
    account_id = uuid.uuid4()
    live = {"frequency": "monthly", "start_date": date(2025, 6, 1), "end_date": date(2026, 3, 1), "total_pence": 100,
            "status": "live", "created_by": "t", "version": 1, "account_id": account_id}
    with owner_ctx.db.uow() as uow:
        old = ("id", "account_ref", "search_key", "version", "payment_method", "instalment_count", "instalment_day", "status",
               "search_text", "result_name", "result_address", "result_postcode", "created_at")
        # only the columns 0012 has (the model's later columns would be written with their defaults)
        old_account = table("account", *(column(name, Account.__table__.c[name].type) for name in old))
        uow.session.execute(insert(old_account).values(
            id=account_id, account_ref="79000013", search_key=79000013, version=1, payment_method="cash", instalment_count=10,
            instalment_day=1, status="open", search_text="", result_name="", result_address="", result_postcode="",
            created_at=datetime(2025, 1, 1)))
        first, second = uuid.uuid4(), uuid.uuid4()
        uow.session.execute(insert(Arrangement).values(id=first, **live))
        uow.session.execute(insert(Arrangement).values(id=second, **live))
        uow.commit()
    with pytest.raises(RuntimeError, match=r"1 account\(s\) have more than one live arrangement.*: 79000013 \(2\)\. Cancel"):
        command.upgrade(config, "head")
    assert current_revision(owner_ctx.db) == "0012"
    with owner_ctx.db.uow() as uow:
        uow.session.execute(update(Arrangement).where(Arrangement.id == second).values(status="cancelled"))
        uow.commit()
    command.upgrade(config, "head")
    assert current_revision(owner_ctx.db) == SCHEMA_HEAD
    with owner_ctx.db.uow() as uow, pytest.raises(IntegrityError):
        uow.session.execute(insert(Arrangement).values(id=uuid.uuid4(), **live))
    with pytest.raises(Conflict, match="An arrangement was agreed on this account by someone else a moment ago"), \
            owner_ctx.db.uow() as uow:
        uow.session.add(Arrangement(**{**live, "id": uuid.uuid4()}))
        uow.commit()
    with owner_ctx.db.uow() as uow:  # any number that are not live
        uow.session.execute(insert(Arrangement).values(id=uuid.uuid4(), **{**live, "status": "broken"}))
        uow.commit()
