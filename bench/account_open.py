"""Opening an account (the full summary DTO) at scale, on SQLite and PostgreSQL.

Why: an officer opens dozens of accounts an hour, often straight from a search; the
account view must appear at once at 1,000,000 accounts (target p95 <= 20 ms). Two figures:

* service: `account_summary(uow, ref, as_of)` in its own unit of work, as the app calls it
  (its Core statements, ledger with running balance, years, instalments, recovery, diary);
* raw: the service's own statements (`SUMMARY_STATEMENTS`), compiled once and run on a
  bare driver cursor, rows fetched, no SQLAlchemy: the floor the service could reach. If
  raw is fast and the service slow, the time is in Python; if raw is slow, an index or a
  plan is wrong.

Refs are ~500 seeded-random real accounts (same on both databases for the same seed).
The number of SQL statements the service issues per account is reported as well: a
rising count means a lazy load (N+1) has crept in.

    /work/main/.venv/bin/python -m bench.account_open --accounts 20000 --db-kind both
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event

from app.accounts.summary import SUMMARY_STATEMENTS, account_summary
from app.db import Database, make_database
from bench._common import (
    AS_OF,
    KINDS,
    Kind,
    build_report,
    ensure_demo_db,
    log,
    peak_rss_mb,
    raw_connection,
    sample_refs,
    summarise_ms,
)

TARGET_P95_MS = 20

def _driver_statement(db: Database, stmt: Any) -> tuple[str, Callable[[dict[str, Any]], Any]]:
    """`stmt` compiled for the database's driver, and a function turning named values
    into the driver's parameters (a list for SQLite's "?", a dict for psycopg's %(name)s).
    Constants the statement binds itself (LIMIT 1, 'live') come from the compilation."""
    compiled = stmt.compile(dialect=db.engine.dialect)
    fixed = dict(compiled.params)
    order = compiled.positiontup
    if order is not None:
        return str(compiled), lambda values: [{**fixed, **values}[name] for name in order]
    return str(compiled), lambda values: {**fixed, **values}


def raw_open(db: Database) -> tuple[Callable[[str], int], Callable[[], None]]:
    """A function running the service's own statements (`SUMMARY_STATEMENTS`) for one ref
    on one held driver connection, rows fetched, no SQLAlchemy; returns the number of
    ledger rows (a sanity figure)."""
    conn, give_back = raw_connection(db)
    statements = {name: _driver_statement(db, stmt) for name, stmt in SUMMARY_STATEMENTS.items()}
    as_of: Any = AS_OF.isoformat() if db.dialect == "sqlite" else AS_OF  # SQLite holds dates as ISO text

    def run(ref: str) -> int:
        cur = conn.cursor()
        try:
            values: dict[str, Any] = {"ref": ref, "as_of": as_of}
            ledger = 0
            for name, (sql, params) in statements.items():
                cur.execute(sql, params(values))
                rows = cur.fetchall()
                if name == "header":
                    if not rows:
                        raise LookupError(ref)
                    values["account_id"] = rows[0][0]
                elif name == "ledger":
                    ledger = len(rows)
            return ledger
        finally:
            cur.close()

    return run, give_back


def service_open(db: Database) -> Callable[[str], int]:
    def run(ref: str) -> int:
        with db.uow() as uow:
            return len(account_summary(uow, ref, AS_OF).transactions)

    return run


def count_statements(db: Database, refs: list[str]) -> dict[str, float | int]:
    """SQL statements the service issues per account (min/mean/max over `refs`)."""
    counts: list[int] = []
    current = [0]

    def on_execute(*_args: Any) -> None:
        current[0] += 1

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        for ref in refs:
            current[0] = 0
            with db.uow() as uow:
                account_summary(uow, ref, AS_OF)
            counts.append(current[0])
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
    return {"min": min(counts), "mean": round(sum(counts) / len(counts), 2), "max": max(counts)}


def bench_kind(kind: Kind, accounts: int, seed: int, count: int, repeat: int) -> dict[str, Any]:
    url = ensure_demo_db(kind, accounts, seed)
    db = make_database(url)
    close_raw: Callable[[], None] | None = None
    try:
        refs = sample_refs(db, count, seed + 1000)  # another stream than search's samples
        service = service_open(db)
        raw, close_raw = raw_open(db)
        log(f"{kind}: warming up on {len(refs)} accounts")
        ledger_rows = [raw(ref) for ref in refs]
        for ref in refs:
            service(ref)
        statements = count_statements(db, refs[:50])
        order = list(refs)
        service_times: list[float] = []
        raw_times: list[float] = []
        for r in range(repeat):
            random.Random(seed + r).shuffle(order)  # no benefit from the previous account's pages
            log(f"{kind}: pass {r + 1}/{repeat}")
            for ref in order:
                t0 = time.perf_counter()
                raw(ref)
                t1 = time.perf_counter()
                service(ref)
                t2 = time.perf_counter()
                raw_times.append(t1 - t0)
                service_times.append(t2 - t1)
        service_stats = summarise_ms(service_times)
        return {
            "database": build_report(kind, accounts),
            "service": service_stats,
            "raw": summarise_ms(raw_times),
            "statements_per_open": statements,
            "raw_statements_per_open": len(SUMMARY_STATEMENTS),
            "ledger_rows_per_account": round(sum(ledger_rows) / len(ledger_rows), 1),
            "meets_target": service_stats["p95_ms"] <= TARGET_P95_MS,
        }
    finally:
        if close_raw is not None:
            close_raw()
        db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--db-kind", choices=(*KINDS, "both"), default="both")
    parser.add_argument("--refs", type=int, default=500, help="random accounts to open (default 500)")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the refs (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    kinds: tuple[Kind, ...] = KINDS if args.db_kind == "both" else (args.db_kind,)
    result: dict[str, Any] = {"accounts": args.accounts, "refs": args.refs, "repeat": args.repeat, "as_of": AS_OF.isoformat()}
    for kind in kinds:
        result[kind] = bench_kind(kind, args.accounts, args.seed, args.refs, args.repeat)
    result["targets"] = {"service_p95_ms": TARGET_P95_MS}
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
