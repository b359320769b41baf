"""Worklists at scale: 50,000 open diary entries (SQLite and PostgreSQL).

Why: officers open their worklist and press Next all day; a team leader's queue holds
tens of thousands of open entries. Both must feel instant, and Next must stay correct
(never the same entry twice) without getting slow.

Each database is a scratch one made for this run and removed afterwards: a small demo
database (`--accounts`, generate_demo) in `bench/data/worklist-bench.db` and in the
PostgreSQL database `rd_worklist_bench` (never the shared rd_bench_* databases), then
`--entries` open diary entries bulk-inserted over its accounts (due dates from 30 days
before to 30 days after as-of, codes and teams as the settings give them, a tenth owned
by an officer), then VACUUM ANALYZE (PostgreSQL; ANALYZE on SQLite), as
autovacuum would soon do.

Figures (targets from the worklists issue):
* `list_first_page`: `worklists.worklist` (counts per code + the first page of 50 rows
  sorted by due date, with names, balances and stages) in its own unit of work:
  p50/p95 ms (target p95 <= 50 ms). Also per code, per team, "mine", and the balance and
  stage sorts (reported, no target: they order every open entry by a computed value).
* `claim_next`: `claims.claim_next` by rotating officers, each claim committed:
  p50/p95 ms (target p95 <= 20 ms); also with `--code`.

    /work/main/.venv/bin/python -m bench.worklist --db-kind both
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from app.casework import claims, diary_codes, worklists
from app.config import load_settings
from app.db import Database, make_database, upgrade
from app.demo.generate import generate_demo
from app.models import Account, DiaryEntry
from app.users.roles import Actor, Role
from bench._common import DATA, PG_SERVER, _pg_admin, log, summarise_ms

AS_OF = date(2026, 11, 23)
PG_NAME = "rd_worklist_bench"
SQLITE_FILE = DATA / "worklist-bench.db"
TARGET_LIST_P95_MS = 50
TARGET_CLAIM_P95_MS = 20


def _remove_sqlite() -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)


def _pg_drop() -> None:
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def make_scratch(kind: str, accounts: int, entries: int, seed: int) -> Database:
    settings = load_settings(None)
    if kind == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        _remove_sqlite()
        url = f"sqlite:///{SQLITE_FILE}"
    else:
        _pg_drop()
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')
        url = f"{PG_SERVER}/{PG_NAME}"
    db = make_database(url)
    upgrade(db, backup=False)
    actor = Actor("bench", Role.ADMIN)
    started = time.perf_counter()
    generate_demo(db, actor, settings, accounts=accounts, seed=seed, as_of=AS_OF)
    log(f"{kind}: demo {accounts:,} accounts in {time.perf_counter() - started:.1f} s")
    with db.uow() as uow:
        diary_codes.sync_diary_codes(uow, settings, "bench")
        codes = [(c.code, c.team) for c in diary_codes.list_codes(uow)]
        account_ids = list(uow.session.scalars(select(Account.id)))
    rng = random.Random(seed)
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for i in range(entries):
        code, team = rng.choice(codes)
        rows.append({
            "account_id": rng.choice(account_ids), "code": code, "due_on": AS_OF + timedelta(days=rng.randrange(-30, 31)),
            "team": team, "owner": "officer1" if rng.random() < 0.1 else None, "note": f"Bench item {i}",
            "status": "open", "created_by": "bench", "version": 1,
        })
    with db.uow() as uow:
        for start in range(0, len(rows), 5000):
            uow.session.execute(insert(DiaryEntry), rows[start:start + 5000])
        uow.commit()
    with db.engine.connect() as conn:  # as autovacuum would soon do (this server may run without it)
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM ANALYZE" if kind == "postgresql" else "ANALYZE")
    log(f"{kind}: {entries:,} diary entries inserted and analysed in {time.perf_counter() - started:.1f} s")
    return db


def timed(repeat: int, fn: Callable[[], Any]) -> dict[str, float | int]:
    fn()  # warm
    times: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return summarise_ms(times)


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    db = make_scratch(kind, args.accounts, args.entries, args.seed)
    try:
        officer = Actor("officer1", Role.OFFICER, team="Recovery")
        with db.uow() as uow:
            total = worklists.worklist(uow, officer, as_of=AS_OF).total

        def listing(**kw: Any) -> Callable[[], Any]:
            def call() -> Any:
                with db.uow() as uow:
                    return worklists.worklist(uow, officer, as_of=AS_OF, **kw)
            return call

        first = timed(args.repeat, listing())
        variants = {
            "code_TRACE": timed(args.repeat, listing(code="TRACE")),
            "team_Recovery": timed(args.repeat, listing(team="Recovery")),
            "mine": timed(args.repeat, listing(mine=True)),
            "sort_balance": timed(max(5, args.repeat // 5), listing(sort="balance")),
            "sort_stage": timed(max(5, args.repeat // 5), listing(sort="stage")),
        }
        officers = [Actor(f"bench-officer-{i}", Role.OFFICER) for i in range(10)]
        times: list[float] = []
        got: set[Any] = set()
        for i in range(args.claims):
            t0 = time.perf_counter()
            with db.uow() as uow:
                c = claims.claim_next(uow, officers[i % len(officers)], as_of=AS_OF)
            times.append(time.perf_counter() - t0)
            if c is not None:
                got.add(c.diary_id)
        code_times: list[float] = []
        for i in range(args.claims // 2):
            t0 = time.perf_counter()
            with db.uow() as uow:
                claims.claim_next(uow, officers[i % len(officers)], as_of=AS_OF, code="CORR")
            code_times.append(time.perf_counter() - t0)
        claim = summarise_ms(times)
        return {
            "open_entries": total,
            "list_first_page": {
                **first, "page_size": 50, "target_p95_ms": TARGET_LIST_P95_MS, "ok": first["p95_ms"] <= TARGET_LIST_P95_MS,
            },
            "list_variants": variants,
            "claim_next": {**claim, "claims": args.claims, "distinct": len(got), "target_p95_ms": TARGET_CLAIM_P95_MS,
                           "ok": claim["p95_ms"] <= TARGET_CLAIM_P95_MS and len(got) == args.claims},
            "claim_next_code_CORR": summarise_ms(code_times),
        }
    finally:
        db.dispose()
        if not args.keep:
            if kind == "sqlite":
                _remove_sqlite()
            else:
                _pg_drop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-kind", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--accounts", type=int, default=10_000, help="demo accounts the entries are spread over")
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db_kind == "both" else [args.db_kind]
    report: dict[str, Any] = {
        "benchmark": "worklist", "as_of": AS_OF.isoformat(), "accounts": args.accounts, "entries": args.entries,
    }
    for kind in kinds:
        log(f"{kind}: building the scratch database")
        report[kind] = run(kind, args)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
