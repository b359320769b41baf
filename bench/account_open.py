"""Opening an account (the full summary DTO) at scale, on SQLite and PostgreSQL.

Why: an officer opens dozens of accounts an hour, often straight from a search; the
account view must appear at once at 1,000,000 accounts (target p95 <= 20 ms). Two figures:

* service: `account_summary(uow, ref, as_of)` in its own unit of work, as the app calls it
  (ORM loading, ledger with running balance, years, instalments, recovery, diary);
* raw: the same indexed queries on a driver cursor, rows fetched but no ORM, which is
  the floor the service could reach. If raw is fast and the service slow, the time is in
  Python; if raw is slow, an index or a plan is wrong.

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
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from bench._common import (  # noqa: E402
    AS_OF, KINDS, Kind, build_report, ensure_demo_db, log, peak_rss_mb, raw_connection, sample_refs, summarise_ms,
)
from app.db import Database, make_database  # noqa: E402
from app.services.accounts import account_summary  # noqa: E402

TARGET_P95_MS = 20

# The statements account_summary needs, in its order, written with "?" placeholders. Each
# is driven by an index: account_ref (unique), *_account_id / (account_id, date) indexes,
# period_id and plan_id indexes. "{ids}" is filled with one placeholder per id.
RAW_QUERIES: dict[str, str] = {
    "account": "SELECT * FROM account WHERE account_ref = ?",
    "parties": (
        "SELECT ap.ordinal, p.title, p.forenames, p.surname FROM account_party ap "
        "JOIN person p ON p.id = ap.person_id WHERE ap.account_id = ? ORDER BY ap.ordinal"
    ),
    "periods": (
        "SELECT lp.id, lp.start_date, lp.end_date, lp.disabled_reduction, pr.uprn, pr.address_line1, "
        "pr.address_line2, pr.town, pr.postcode, pr.band, pa.name FROM liability_period lp "
        "JOIN property pr ON pr.id = lp.property_id LEFT JOIN parish pa ON pa.id = pr.parish_id "
        "WHERE lp.account_id = ? ORDER BY lp.start_date"
    ),
    "discounts": "SELECT period_id, kind, start_date, end_date FROM liability_discount WHERE period_id IN ({ids})",
    "exemptions": "SELECT period_id, exemption_class, start_date, end_date FROM liability_exemption WHERE period_id IN ({ids})",
    "ledger": (
        "SELECT posted_on, kind, financial_year, amount_pence, reference, description FROM ledger_transaction "
        "WHERE account_id = ? AND posted_on <= ? ORDER BY posted_on, created_at"
    ),
    "plans": "SELECT id, financial_year FROM instalment_plan WHERE account_id = ? AND status = 'active'",
    "instalments": "SELECT plan_id, seq, due_on, amount_pence FROM instalment WHERE plan_id IN ({ids}) ORDER BY plan_id, seq",
    "recovery": (
        "SELECT stage, event_date FROM recovery_event WHERE account_id = ? AND event_date <= ? "
        "ORDER BY event_date DESC, created_at DESC LIMIT 1"
    ),
    "holds": (
        "SELECT kind, reason, start_date, end_date FROM hold WHERE account_id = ? AND start_date <= ? "
        "AND (end_date IS NULL OR end_date >= ?) ORDER BY start_date"
    ),
    "arrangement": (
        "SELECT id, frequency, start_date, end_date, total_pence, status FROM arrangement "
        "WHERE account_id = ? AND status = 'live' ORDER BY created_at DESC LIMIT 1"
    ),
    "diary": "SELECT id, code, due_on, status, owner, note FROM diary_entry WHERE account_id = ? ORDER BY due_on DESC",
}


def raw_open(db: Database) -> tuple[Callable[[str], int], Callable[[], None]]:
    """A function running RAW_QUERIES for one ref on one held driver connection; returns
    the number of ledger rows (a sanity figure)."""
    conn, give_back = raw_connection(db)
    sqlite = db.dialect == "sqlite"
    mark = "?" if sqlite else "%s"
    sql = {name: q.replace("?", mark) for name, q in RAW_QUERIES.items()}
    as_of: Any = AS_OF.isoformat() if sqlite else AS_OF  # SQLite holds dates as ISO text

    def in_list(name: str, ids: list[Any]) -> str:
        return sql[name].replace("{ids}", ", ".join(mark for _ in ids))

    def run(ref: str) -> int:
        cur = conn.cursor()
        try:
            cur.execute(sql["account"], (ref,))
            account = cur.fetchone()
            if account is None:
                raise LookupError(ref)
            account_id = account[0]
            cur.execute(sql["parties"], (account_id,))
            cur.fetchall()
            cur.execute(sql["periods"], (account_id,))
            period_ids = [row[0] for row in cur.fetchall()]
            if period_ids:
                cur.execute(in_list("discounts", period_ids), period_ids)
                cur.fetchall()
                cur.execute(in_list("exemptions", period_ids), period_ids)
                cur.fetchall()
            cur.execute(sql["ledger"], (account_id, as_of))
            ledger = len(cur.fetchall())
            cur.execute(sql["plans"], (account_id,))
            plan_ids = [row[0] for row in cur.fetchall()]
            if plan_ids:
                cur.execute(in_list("instalments", plan_ids), plan_ids)
                cur.fetchall()
            cur.execute(sql["recovery"], (account_id, as_of))
            cur.fetchall()
            cur.execute(sql["holds"], (account_id, as_of, as_of))
            cur.fetchall()
            cur.execute(sql["arrangement"], (account_id,))
            cur.fetchall()
            cur.execute(sql["diary"], (account_id,))
            cur.fetchall()
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
            "raw_statements_per_open": len(RAW_QUERIES),
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
