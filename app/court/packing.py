"""Packing a hearing list for court, and opening a pack.

A pack is an SQLite file encrypted with SQLCipher (`app.db.make_pack_database`; the key
from `app.secrets.pack_key`), with the shared schema made by the same migrations, holding
every account on the hearing's list with what an officer needs at court: the people,
liability, ledger, payments, instalments, recovery history, holds, arrangements, notes,
diary and costs, plus the settings tables (years, parishes, diary codes) and the packing
officer's own user row, so that the same login is the acting user at court. Letters and
the audit trail stay in the office.

The office records the pack and a lease on each of its accounts (`court_pack`,
`court_pack_case`) so it can see them as "at court until ...".
"""

from __future__ import annotations

import os
import secrets
import socket
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, inspect, select

from app import clock
from app.audit import audit
from app.bootstrap import AppContext, context_on
from app.config import AuthoritySettings, user_data_dir
from app.court.export import is_export
from app.court.hearings import listed_account_ids
from app.court.journal import app_version, pack_meta
from app.court.pack_tables import PackBase, PackMeta
from app.court.requests import MakePack
from app.db import (
    SCHEMA_HEAD,
    Database,
    UnitOfWork,
    current_revision,
    describe,
    in_batches,
    make_database,
    make_pack_database,
    upgrade,
    write_encrypted_copy,
)
from app.dto import JsonView
from app.errors import NotAllowed, ValidationError
from app.models import Account, AuditEvent, Base, CourtPack, CourtPackCase
from app.requests import handles
from app.secrets import NoKeyringForPackKey, pack_key
from app.users.roles import Actor, Role

# Rows kept per account (every table with an account_id the officer may need at court).
BY_ACCOUNT = (
    "account_party", "liability_period", "reduction_award", "ledger_transaction", "payment", "instalment_plan",
    "recovery_event", "hold", "enforcement_case", "arrangement", "note", "diary_entry", "escalation", "dd_mandate",
    "dd_collection", "refund_request", "write_off",
)
CHILDREN = {  # table -> the copied table whose rows it belongs to
    "liability_discount": "liability_period", "liability_exemption": "liability_period", "liability_party": "liability_period",
    "arrangement_instalment": "arrangement", "instalment": "instalment_plan",
}
REFERENCED = ("person", "property", "batch_run")  # rows the copied rows refer to
WHOLE = ("authority_year", "parish", "diary_code")  # the settings' tables, whole


@dataclass(frozen=True)
class PackResult(JsonView):
    """What was packed. `key_hex` is set only when no keyring could keep the pack's key:
    then the key was made for this pack alone, is stored nowhere, and is shown this once,
    to be given as REVDESK_PACK_KEY wherever the pack is opened or synced."""

    pack_id: uuid.UUID
    accounts: int
    file: str
    hearing_date: date
    leased_until: date
    key_hex: str | None = None


def _tables() -> dict[str, Table]:
    return {t.name: t for t in Base.metadata.sorted_tables}


def _rows(uow: UnitOfWork, table: Table, column: str, ids: Iterable[Any]) -> list[dict[str, Any]]:
    values = list(dict.fromkeys(ids))
    connection = uow.session.connection()  # Core rows, not through the ORM's execution
    rows: list[dict[str, Any]] = []
    for batch in in_batches(values):
        rows += [r._asdict() for r in connection.execute(select(table).where(table.c[column].in_(batch)))]
    return rows


def _copy_rows(uow: UnitOfWork, account_ids: list[uuid.UUID], officer: str) -> dict[str, list[dict[str, Any]]]:
    """Every row the pack holds, by table: the accounts, their rows, their rows' children and
    what all of them refer to (see the module docstring)."""
    tables = _tables()
    rows: dict[str, list[dict[str, Any]]] = {"account": _rows(uow, tables["account"], "id", account_ids)}
    for name in BY_ACCOUNT:
        rows[name] = _rows(uow, tables[name], "account_id", account_ids)
    for name, parent in CHILDREN.items():
        fk = next(f for f in tables[name].foreign_keys if f.column.table.name == parent)
        rows[name] = _rows(uow, tables[name], fk.parent.name, (r["id"] for r in rows[parent]))
    for name in REFERENCED:
        wanted: set[Any] = set()
        for source, source_rows in rows.items():
            for fk in tables[source].foreign_keys:
                if fk.column.table.name == name:
                    wanted.update(r[fk.parent.name] for r in source_rows if r[fk.parent.name] is not None)
        rows[name] = _rows(uow, tables[name], "id", wanted)
    for name in WHOLE:
        rows[name] = [r._asdict() for r in uow.session.connection().execute(select(tables[name]))]
    rows["app_user"] = _rows(uow, tables["app_user"], "username", [officer])
    return rows


@handles(MakePack, role=Role.OFFICER, action="pack a hearing list for court")
def make_pack(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, hearing_date: date, out: str, as_of: date,
    force: bool = False,
) -> PackResult:
    """Write the pack for `hearing_date` to `out` and lease its accounts, for `[court]
    lease_days_after_hearing` after the hearing (sync releases them sooner). Commits.

    The pack is written beside `out` under a temporary name and renamed only after the
    office has recorded it, so `out` is either the whole pack or not there."""
    target = Path(out).expanduser().resolve()
    if target.exists() and not force:
        raise ValidationError(f"{target} already exists: give another file, or --force to replace it.", field="out")
    if not target.parent.is_dir():
        raise ValidationError(f"The folder {target.parent} does not exist.", field="out")
    try:
        key, shown_key = pack_key(create=True), None
    except NoKeyringForPackKey:  # a server or CI: a key for this pack alone, shown once, kept nowhere
        key = secrets.token_bytes(32)
        shown_key = key.hex()
    account_ids = listed_account_ids(uow, hearing_date)
    rows = _copy_rows(uow, account_ids, actor.username)
    if not rows["app_user"]:
        raise NotAllowed(f"{actor.username} is not a user of this database, so cannot be the officer of a court pack.")
    pack_id, device_id = uuid.uuid4(), uuid.uuid4()
    leased_until = hearing_date + timedelta(days=settings.court.lease_days_after_hearing)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    write_encrypted_copy(schema_template(), partial, key)
    pack = make_pack_database(partial, key)
    try:
        with pack.engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                if rows.get(table.name):
                    conn.execute(table.insert(), rows[table.name])
            conn.execute(PackMeta.__table__.insert(), [{
                "pack_id": pack_id, "hearing_date": hearing_date, "device_id": device_id, "device": socket.gethostname(),
                "officer": actor.username, "made_at": clock.now(), "schema_version": SCHEMA_HEAD,
                "app_version": app_version(), "source": describe(uow.session.get_bind().engine.url)[:300],
                "high_water": uow.session.scalar(select(func.max(AuditEvent.at))), "accounts": len(account_ids),
                "leased_until": leased_until, "state": "open",
            }])
    finally:
        pack.dispose()
    versions = {r.id: r.version for r in uow.session.execute(
        select(Account.id, Account.version).where(Account.id.in_(account_ids)))}
    uow.session.add(CourtPack(
        id=pack_id, hearing_date=hearing_date, device=socket.gethostname()[:120], device_id=device_id,
        created_by=actor.username, leased_until=leased_until, schema_version=SCHEMA_HEAD, accounts=len(account_ids),
    ))
    uow.session.flush()
    uow.session.add_all(CourtPackCase(pack_id=pack_id, account_id=a, account_version=versions[a]) for a in account_ids)
    audit(uow, actor.username, "court.pack", "court_pack", pack_id, after={
        "hearing_date": hearing_date.isoformat(), "accounts": len(account_ids), "file": str(target),
        "leased_until": leased_until.isoformat(), "as_of": as_of.isoformat(),
    })
    try:
        uow.commit()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return PackResult(pack_id=pack_id, accounts=len(account_ids), file=str(target), hearing_date=hearing_date,
                      leased_until=leased_until, key_hex=shown_key)


def schema_template() -> Path:
    """An empty plain SQLite file with this version's schema, made by the migrations (plus the
    pack's own tables), kept in the user data folder: every pack starts as an encrypted copy
    of it, since running the migrations takes seconds and copying it milliseconds. It holds
    no data, so it needs no encryption."""
    path = user_data_dir() / f"court-pack-schema-{SCHEMA_HEAD}.db"
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    making = path.with_name(f"{path.name}.{uuid.uuid4().hex}.partial")
    db = make_database(f"sqlite:///{making}")
    try:
        upgrade(db, backup=False)
        PackBase.metadata.create_all(db.engine)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    finally:
        db.dispose()
    os.replace(making, path)
    return path


# --- opening a pack ---------------------------------------------------------------------

def open_pack(path: str | Path, *, journal_only: bool = False) -> Database:
    """The pack (or journal export, `app.court.export`) at `path`, decrypted with this
    computer's key and, a pack, brought to this version's schema, unless that would upgrade
    it over journal entries not yet synced (they were recorded by the older version and must
    be applied by it). One sentence if it cannot be opened; the file is then unchanged.

    `journal_only` (sync, wipe): only the pack's own tables are used, which no migration
    changes, so the pack is never upgraded: an older version's unsynced journal is synced by
    this version, each request upcast to this version's shape (`app.requests.upcast`)."""
    file = Path(path).expanduser().resolve()
    if not file.is_file() or file.stat().st_size == 0:
        raise ValidationError(f"There is no court pack at {file}.", field="pack")
    db = make_pack_database(file, pack_key(create=False))
    try:
        if not inspect(db.engine).has_table(PackMeta.__tablename__):
            raise ValidationError(f"{file.name} is not a court pack (it has no record of a hearing).", field="pack")
        if journal_only or is_export(db):  # just the journal: no shared schema to upgrade
            with db.uow() as uow:
                pack_meta(uow)
            return db
        with db.uow() as uow:
            meta = pack_meta(uow)
            unsynced = meta.state != "receipted" and bool(uow.session.scalar(
                select(func.count()).select_from(PackBase.metadata.tables["journal_entry"])
                .where(PackBase.metadata.tables["journal_entry"].c.receipt.is_(None))
            ))
        if current_revision(db) != SCHEMA_HEAD:
            if unsynced:
                raise NotAllowed(
                    f"{file.name} was made by an older version of Revenues Desk and holds journal entries not yet "
                    "synced: sync it with that version first; it was not upgraded."
                )
            upgrade(db, backup=False)
    except BaseException:
        db.dispose()
        raise
    return db


def at_court_until(uow: UnitOfWork, hearing_date: date, as_of: date) -> date | None:
    """The day a pack for this hearing is at court until, while one is out (not yet synced)."""
    until: date | None = uow.session.scalar(select(func.max(CourtPack.leased_until)).where(
        CourtPack.hearing_date == hearing_date, CourtPack.released_at.is_(None), CourtPack.leased_until >= as_of))
    return until


def leases(uow: UnitOfWork, account_ids: list[uuid.UUID], as_of: date) -> dict[uuid.UUID, date]:
    """Accounts packed for court and not yet synced back: account -> "at court until" day."""
    found: dict[uuid.UUID, date] = defaultdict(lambda: date.min)
    for batch in in_batches(account_ids):
        for account_id, until in uow.session.execute(
            select(CourtPackCase.account_id, CourtPack.leased_until).join(CourtPack, CourtPack.id == CourtPackCase.pack_id)
            .where(CourtPackCase.account_id.in_(batch), CourtPack.released_at.is_(None), CourtPack.leased_until >= as_of)
        ):
            found[account_id] = max(found[account_id], until)
    return dict(found)


def hearing_at_court(uow: UnitOfWork, hearing_date: date, as_of: date) -> tuple[date, str] | None:
    """(at court until, who made the pack) of the latest open pack of this hearing on `as_of`."""
    row = uow.session.execute(
        select(CourtPack.leased_until, CourtPack.created_by).where(
            CourtPack.hearing_date == hearing_date, CourtPack.released_at.is_(None), CourtPack.leased_until >= as_of)
        .order_by(CourtPack.leased_until.desc()).limit(1)
    ).first()
    return None if row is None else (row.leased_until, row.created_by)


def first_at_court(uow: UnitOfWork, account_refs: Iterable[str], as_of: date) -> tuple[str, date, str] | None:
    """The first of these accounts (in the order given) that is in an open pack's lease on
    `as_of`: (reference, the latest "at court until" day, who made that pack); None if none is."""
    refs = list(dict.fromkeys(r.strip() for r in account_refs))
    found: dict[str, tuple[date, str]] = {}
    for batch in in_batches(refs):
        for ref, until, made_by in uow.session.execute(
            select(Account.account_ref, CourtPack.leased_until, CourtPack.created_by)
            .join(CourtPackCase, CourtPackCase.account_id == Account.id).join(CourtPack, CourtPack.id == CourtPackCase.pack_id)
            .where(Account.account_ref.in_(batch), CourtPack.released_at.is_(None), CourtPack.leased_until >= as_of)
        ):
            if ref not in found or until > found[ref][0]:
                found[ref] = (until, made_by)
    for ref in refs:
        if ref in found:
            return ref, *found[ref]
    return None


def pack_context(path: str | Path, settings: AuthoritySettings, username: str | None) -> AppContext:
    """Court mode's composition: the pack as the database, the acting user resolved on it as on
    any embedded file (the computer's login, which the pack carries as a user)."""
    def refuse_an_export(db: Database) -> None:
        if is_export(db):
            raise ValidationError(f"{Path(path).name} is a journal exported from a court pack, not a pack: it cannot be "
                                  "worked on, only synced (revdesk court sync).", field="pack")

    return context_on(open_pack(path), settings, username, prepare=refuse_an_export)
