"""Offline court mode: packing a hearing list, opening the pack, journaling at court, syncing.

Why: the pack is made the afternoon before a hearing, opened on a laptop in a court corridor
and synced back while people wait; targets from the court mode issue: pack 500 accounts
<= 3 s, open the pack and its hearing list <= 1 s, sync 500 journal entries <= 5 s on
PostgreSQL.

Each database is a scratch one made for this run and removed afterwards: a demo database
(`--accounts`, generate_demo) in `bench/data/court-bench.db` or the PostgreSQL database
`rd_court_bench`, with every account summonsed for one hearing. The pack key is a random
REVDESK_PACK_KEY for the run (no keyring is needed), and the user data folder (where the
pack's schema template is kept) is `bench/data/court-bench-data`.

Figures:
* `pack_first_s`: `court pack` on a computer that has never made one (runs the migrations
  once for the schema template); `pack_s`: every later pack (the target).
  `pack_floor_s`: the raw floor: the encrypted copy of the schema plus inserting exactly the
  rows the pack holds, read beforehand (no hearing list, no lease, no audit).
* `open_s`: opening the pack (key, integrity check, user) and reading its hearing list.
* `journal_ms`: each change made at court with its journal entry (p50/p95).
* `sync_s`: `court sync` of `--entries` entries (half payments, half adjournments);
  `sync_floor_s`: the same requests run straight through the command layer on a copy of the
  office database (no journal to read, no applied records, no receipts, no preconditions).

    .venv/bin/python -m bench.court_pack --db-kind both
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATA = Path(__file__).resolve().parent / "data"
os.environ.setdefault("REVDESK_PACK_KEY", secrets.token_hex(32))
os.environ["REVDESK_DATA_DIR"] = str(DATA / "court-bench-data")

from sqlalchemy import func, insert, select  # noqa: E402

from app.application import Application  # noqa: E402
from app.bootstrap import AppContext  # noqa: E402
from app.config import load_settings  # noqa: E402
from app.court.journal import PackJournal  # noqa: E402
from app.court.pack_tables import JournalEntry  # noqa: E402
from app.court.packing import _copy_rows, pack_context, schema_template  # noqa: E402
from app.court.requests import MakePack, RecordOutcome  # noqa: E402
from app.db import Database, make_database, make_pack_database, upgrade, write_encrypted_copy  # noqa: E402
from app.demo.generate import generate_demo  # noqa: E402
from app.models import Account, Base, RecoveryEvent, User  # noqa: E402
from app.payments.requests import PostPayment  # noqa: E402
from app.requests import from_json  # noqa: E402
from app.secrets import pack_key  # noqa: E402
from app.users.roles import Actor, Role  # noqa: E402
from bench._common import PG_SERVER, _pg_admin, log, summarise_ms  # noqa: E402

AS_OF = date(2026, 11, 23)
HEARING = date(2026, 12, 15)
PG_NAME, PG_FLOOR = "rd_court_bench", "rd_court_bench_floor"
SQLITE_FILE, SQLITE_FLOOR = DATA / "court-bench.db", DATA / "court-bench-floor.db"
PACK = DATA / "court-bench.pack"
ACTOR = Actor("bench", Role.ADMIN)
TARGETS = {"pack_s": 3.0, "open_s": 1.0, "sync_s": 5.0}


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _pg_drop(name: str) -> None:
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_scratch(kind: str, accounts: int, seed: int) -> str:
    """A demo database with every account summonsed for HEARING; its URL."""
    if kind == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        _remove(SQLITE_FILE)
        url = f"sqlite:///{SQLITE_FILE}"
    else:
        _pg_drop(PG_NAME)
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')
        url = f"{PG_SERVER}/{PG_NAME}"
    db = make_database(url)
    try:
        upgrade(db, backup=False)
        generate_demo(db, ACTOR, load_settings(None), accounts=accounts, seed=seed, as_of=AS_OF)
        with db.uow() as uow:
            uow.session.add(User(username=ACTOR.username, display_name="Bench", role="admin"))
            account_ids = list(uow.session.scalars(select(Account.id)))
            uow.session.execute(insert(RecoveryEvent), [
                {"account_id": a, "financial_year": 2026, "stage": "summons", "event_date": AS_OF, "amount_pence": 10000,
                 "hearing_date": HEARING, "details": {}, "created_by": "bench"} for a in account_ids
            ])
            uow.commit()
    finally:
        db.dispose()
    return url


def clone(kind: str, url: str) -> str:
    """A copy of the office database, for the sync floor."""
    if kind == "sqlite":
        _remove(SQLITE_FLOOR)
        shutil.copyfile(SQLITE_FILE, SQLITE_FLOOR)
        return f"sqlite:///{SQLITE_FLOOR}"
    _pg_drop(PG_FLOOR)
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{PG_FLOOR}" TEMPLATE "{PG_NAME}"')
    return f"{PG_SERVER}/{PG_FLOOR}"


def office(url: str) -> Application:
    return Application(AppContext(settings=load_settings(None), db=make_database(url), actor=ACTOR))


def pack_floor(app: Application, account_ids: list[Any]) -> float:
    """Encrypted schema copy + the pack's rows inserted, nothing else (rows read beforehand)."""
    rows = app.read(_copy_rows, account_ids, ACTOR.username)
    floor = DATA / "court-bench-floor.pack"
    _remove(floor)
    started = time.perf_counter()
    write_encrypted_copy(schema_template(), floor, pack_key(create=False))
    pack: Database = make_pack_database(floor, pack_key(create=False))
    with pack.engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if rows.get(table.name):
                conn.execute(table.insert(), rows[table.name])
    pack.dispose()
    seconds = time.perf_counter() - started
    _remove(floor)
    return seconds


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    url = make_scratch(kind, args.accounts, args.seed)
    app = office(url)
    shutil.rmtree(DATA / "court-bench-data", ignore_errors=True)
    try:
        listed = app.hearing_list(HEARING, AS_OF)
        refs = sorted({e.account_ref for e in listed.entries})
        started = time.perf_counter()
        app.execute(MakePack(hearing_date=HEARING, out=str(PACK), as_of=AS_OF, force=True))
        pack_first = time.perf_counter() - started
        started = time.perf_counter()
        made = app.execute(MakePack(hearing_date=HEARING, out=str(PACK), as_of=AS_OF, force=True))
        pack_s = time.perf_counter() - started
        log(f"{kind}: packed {made.accounts} accounts in {pack_s:.2f} s (first {pack_first:.2f} s)")
        account_ids = [e.account_id for e in listed.entries]
        floor_s = pack_floor(app, sorted(set(account_ids), key=str))

        started = time.perf_counter()
        court = Application(pack_context(PACK, app.settings, ACTOR.username), journal=PackJournal())
        court.hearing_list(HEARING, AS_OF)
        open_s = time.perf_counter() - started
        journal_times: list[float] = []
        for i in range(args.entries):
            ref = refs[(i // 2) % len(refs)]
            request: Any = (
                PostPayment(account_ref=ref, amount_pence=100 + i, received_on=HEARING, method="cash",
                            reference=f"COURT-{i}", as_of=HEARING, confirm_credit=True)
                if i % 2 == 0 else
                RecordOutcome(account_ref=ref, hearing_date=HEARING, outcome="adjourned",
                              adjourned_to=HEARING + timedelta(days=28), as_of=HEARING)
            )
            started = time.perf_counter()
            court.execute(request)
            journal_times.append(time.perf_counter() - started)
        requests = court.read(lambda uow: [from_json(r) for r in uow.session.scalars(
            select(JournalEntry.request).order_by(JournalEntry.seq))])
        court.close()

        app.close()  # its idle connections would stop PostgreSQL copying the database
        floor_app = office(clone(kind, url))
        started = time.perf_counter()
        for request in requests:
            floor_app.execute(request, confirm_at_court=True)  # the leased cases, as sync applies them
        sync_floor = time.perf_counter() - started
        floor_app.close()

        started = time.perf_counter()
        receipt = app.sync_pack(PACK)
        sync_s = time.perf_counter() - started
        applied = app.read(lambda uow: uow.session.scalar(select(func.count()).select_from(RecoveryEvent).where(
            RecoveryEvent.stage == "adjourned")))
        log(f"{kind}: synced {receipt.sent} entries in {sync_s:.2f} s (floor {sync_floor:.2f} s)")
        result = {
            "accounts": made.accounts, "pack_first_s": round(pack_first, 3), "pack_s": round(pack_s, 3),
            "pack_floor_s": round(floor_s, 3), "pack_mb": round(PACK.stat().st_size / 1e6, 2), "open_s": round(open_s, 3),
            "journal_ms": summarise_ms(sorted(journal_times)), "entries": receipt.sent, "sync_s": round(sync_s, 3),
            "sync_floor_s": round(sync_floor, 3), "receipt": receipt.to_json() | {"conflict_ids": len(receipt.conflict_ids)},
            "adjournments_in_office": applied,
        }
        result["targets_met"] = {k: result[k] <= v for k, v in TARGETS.items()}
        return result
    finally:
        app.close()
        _remove(PACK)
        if kind == "sqlite":
            _remove(SQLITE_FILE)
            _remove(SQLITE_FLOOR)
        else:
            _pg_drop(PG_NAME)
            _pg_drop(PG_FLOOR)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-kind", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.db_kind == "both" else (args.db_kind,)
    print(json.dumps({"bench": "court_pack", **{kind: run(kind, args) for kind in kinds}}))


if __name__ == "__main__":
    main()
