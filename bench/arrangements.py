"""Arrangement monitoring at scale (SQLite, or PostgreSQL with --kind postgresql).

Why: the monitoring run checks every live arrangement against its payments each day,
before the recovery run, so broken arrangements go back into recovery the same day. It
must be quick (target: 100,000 live arrangements <= 30 s) and a second run for the same
date must change nothing.

Set-up: the demo database (default 250,000 accounts, as of 23/11/2026; built or reused by
bench._common) is copied to a scratch database, and 100,000 arrangements are written in
bulk (app.adapters.bulk) on accounts that owe money: monthly, ten payments from 1
September 2026 covering the balance, each with its arrangement hold. Payments: 90% paid
every instalment due so far on its date, 5% missed the November payment (broken by the
run), 5% paid the whole balance (completed by the run). Then `monitor_arrangements` runs
twice for 23/11/2026. Figures: seconds, counts, peak memory.

    /work/main/.venv/bin/python -m bench.arrangements --arrangements 100000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import case, func, select

from app.adapters.bulk import BulkWriter, NativeValues
from app.adapters.sql_keys import raw_key
from app.clock import now
from app.config import load_settings
from app.db import make_database
from app.ledger.kinds import CASH_KINDS, LedgerKind
from app.ledger.posting import LedgerRows
from app.models import Arrangement, ArrangementInstalment, Hold, LedgerTransaction
from app.recovery.arrangements.monitoring import monitor_arrangements
from app.rules.arrangements import schedule_to_end
from app.users.roles import Actor, Role
from bench._common import (
    AS_OF,
    DATA,
    PG_SERVER,
    _pg_admin,
    build_report,
    ensure_demo_db,
    log,
    peak_rss_mb,
    pg_name,
    sqlite_path,
)
from bench.billing import rss_anon_mb

TARGET_S = 30
START = date(2026, 9, 1)
END = date(2027, 6, 1)


def _scratch(kind: str, accounts: int) -> str:
    if kind == "sqlite":
        work = DATA / f"arrangements-work-{accounts}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        log(f"copying the {accounts:,}-account database")
        shutil.copyfile(sqlite_path(accounts), work)
        return f"sqlite:///{work}"
    name = f"{pg_name(accounts)}_arr"
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"copying {pg_name(accounts)} to {name}")
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_name(accounts)}"')
    return f"{PG_SERVER}/{name}"


def _drop(kind: str, url: str) -> None:
    if kind == "sqlite":
        work = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
    else:
        with _pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def load_arrangements(db: Any, count: int) -> dict[str, int]:
    """`count` live arrangements with instalments, holds and payments, written in bulk."""
    started = time.perf_counter()
    with db.uow() as uow:
        # accounts owing £100 or more that have paid nothing since the arrangements start, so
        # the payments written below are the only ones the run sees
        recent = func.sum(case((LedgerTransaction.kind.in_(CASH_KINDS) & (LedgerTransaction.posted_on >= START), 1),
                               else_=0))
        owing = uow.session.connection().execute(
            select(raw_key(LedgerTransaction.account_id), func.sum(LedgerTransaction.amount_pence))
            .where(LedgerTransaction.posted_on <= AS_OF)
            .group_by(LedgerTransaction.account_id)
            .having((func.sum(LedgerTransaction.amount_pence) >= 10000) & (recent == 0))
            .order_by(LedgerTransaction.account_id)
        ).fetchall()
    if len(owing) < count:
        raise SystemExit(f"only {len(owing):,} accounts owe £100 or more; use a larger --accounts")
    v = NativeValues(db.dialect)
    at = now()
    stamp = v.timestamp(at)
    arrangements: list[tuple[Any, ...]] = []
    instalments: list[tuple[Any, ...]] = []
    holds: list[tuple[Any, ...]] = []
    ledger = LedgerRows(v, created_by="bench", created_at=at)
    kinds = {"kept": 0, "missed": 0, "paid_off": 0}
    for n, (account, balance) in enumerate(owing[:count]):
        balance = int(balance)
        plan = schedule_to_end(balance, "monthly", START, END)
        arrangement = v.new_id()
        arrangements.append((arrangement, account, "monthly", v.date(START), v.date(END), balance, "live", 3, 0, None,
                             None, "", None, "bench", stamp, 1))
        instalments.extend((v.new_id(), arrangement, seq, v.date(i.due), i.amount_pence)
                           for seq, i in enumerate(plan, start=1))
        holds.append((v.new_id(), account, "arrangement", "Arrangement (bench)", v.date(START), None, "bench", None,
                      stamp, 1))
        kind = "missed" if n % 20 == 0 else "paid_off" if n % 20 == 1 else "kept"
        kinds[kind] += 1
        if kind == "paid_off":
            payments = [(START, balance)]
        else:
            payments = [(i.due, i.amount_pence) for i in plan if i.due <= AS_OF]
            if kind == "missed":
                payments = payments[:-1]
        for on, amount in payments:
            ledger.add(account, 2026, LedgerKind.PAYMENT, -amount, v.date(on), f"ARR-{n}-{on.isoformat()}",
                       "Arrangement payment")
    with db.uow() as uow:
        writer = BulkWriter(uow.session.connection())
        writer.write(Arrangement.__table__, ("id", "account_id", "frequency", "start_date", "end_date", "total_pence",
                                             "status", "grace_days", "tolerance_pence", "checked_to", "broken_on",
                                             "status_reason", "income_expenditure", "created_by", "created_at",
                                             "version"), arrangements)
        writer.write(ArrangementInstalment.__table__, ("id", "arrangement_id", "seq", "due_on", "amount_pence"),
                     instalments)
        writer.write(Hold.__table__, ("id", "account_id", "kind", "reason", "start_date", "end_date", "created_by",
                                      "lifted_by", "created_at", "version"), holds)
        ledger.write(writer)
        uow.commit()
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE arrangement; ANALYZE arrangement_instalment; ANALYZE hold;")
    log(f"{count:,} arrangements, {len(instalments):,} instalments, {len(ledger.rows):,} payments written in "
        f"{time.perf_counter() - started:.1f} s")
    return {**kinds, "instalments": len(instalments), "payments": len(ledger.rows),
            "load_seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--accounts", type=int, default=250_000, help="demo database size")
    parser.add_argument("--arrangements", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    ensure_demo_db(args.kind, args.accounts, args.seed)
    url = _scratch(args.kind, args.accounts)
    db = make_database(url)
    try:
        loaded = load_arrangements(db, args.arrangements)
        settings = load_settings(None)
        actor = Actor("bench", Role.ADMIN)
        heap = {"peak_mb": rss_anon_mb()}

        def sample(done: int, total: int) -> None:
            heap["peak_mb"] = max(heap["peak_mb"], rss_anon_mb())

        results: dict[str, Any] = {}
        for label in ("first", "second"):
            log(f"{label} monitoring run for {AS_OF:%d/%m/%Y}")
            started = time.perf_counter()
            summary = monitor_arrangements(db, actor, settings, as_of=AS_OF, progress=sample)
            seconds = time.perf_counter() - started
            log(f"{label}: {seconds:.1f} s: {summary.to_json()}")
            results[label] = {
                "seconds": round(seconds, 2), "checked": summary.checked, "kept": summary.kept,
                "broken": summary.broken, "completed": summary.completed, "diary_entries": summary.diary_entries,
                "holds_lifted": summary.holds_lifted, "target_s": TARGET_S,
                "ok": seconds <= TARGET_S if label == "first" else summary.checked == 0,
            }
    finally:
        db.dispose()
        if not args.keep:
            _drop(args.kind, url)
    print(json.dumps({
        "benchmark": "arrangements", "database": args.kind, "accounts": args.accounts,
        "arrangements": args.arrangements, "as_of": AS_OF.isoformat(), "build": build_report(args.kind, args.accounts),
        "loaded": loaded, **results, "peak_rss_mb": peak_rss_mb(), "peak_anon_mb": round(heap["peak_mb"], 1),
    }))


if __name__ == "__main__":
    main()
