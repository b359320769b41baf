"""Shared plumbing for the benchmarks: demo databases, percentiles and query sets.

Why this exists: every benchmark needs the same large, deterministic demo database, and
building one at a million accounts takes many minutes, so a database is built once, kept
under bench/data/ and reused while it still holds the expected number of accounts. The
build runs in a child process so its wall time and peak memory (which the project has
targets for) are measured on their own, not mixed with the benchmark's.

Run as a module only to build (used internally by `ensure_demo_db`):
    python -m bench._common build --kind sqlite --accounts 20000
"""

from __future__ import annotations

import argparse
import fcntl
import json
import math
import os
import random
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, cast

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # allow `python bench/x.py` as well as `python -m bench.x`
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.accounts.search_index import words  # noqa: E402
from app.db import Database  # noqa: E402
from app.models import Account, AccountParty, LiabilityPeriod, Person, Property  # noqa: E402

Kind = Literal["sqlite", "postgresql"]
KINDS: tuple[Kind, ...] = ("sqlite", "postgresql")

DATA = Path(__file__).resolve().parent / "data"
AS_OF = date(2026, 11, 23)  # fixed so every build of a size holds the same data
BENCH_USER = "bench"


def bench_user(url: str) -> str | None:
    """The acting user to name: `bench` on an embedded file; None on a server, where the
    login acts (app.users.identity) and, owning the benchmark database, is its admin."""
    return BENCH_USER if url.startswith("sqlite") else None
# Server URL without a database; override for another server. `test` is the database the
# admin connection uses to create and drop the rd_bench_* databases.
PG_SERVER = os.environ.get("REVDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
PG_ADMIN_DB = os.environ.get("REVDESK_BENCH_PG_ADMIN_DB", "test")


def log(message: str) -> None:
    """Progress goes to stderr: stdout carries exactly one JSON object."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- demo databases ------------------------------------------------------------------

def sqlite_path(accounts: int) -> Path:
    return DATA / f"bench-{accounts}.db"


def pg_name(accounts: int) -> str:
    return f"rd_bench_{accounts}"


def sidecar_path(kind: Kind, accounts: int) -> Path:
    return DATA / f"bench-{kind}-{accounts}.json"


def db_url(kind: Kind, accounts: int) -> str:
    if kind == "sqlite":
        return f"sqlite:///{sqlite_path(accounts)}"
    return f"{PG_SERVER}/{pg_name(accounts)}"


def _sqlite_count(path: Path) -> int:
    """Accounts in a SQLite file, 0 if it is missing or has no schema (read-only open)."""
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM account").fetchone()[0])
    except sqlite3.Error:
        return 0


def _pg_admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True)


def _pg_exists(name: str) -> bool:
    with _pg_admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _pg_count(name: str) -> int:
    if not _pg_exists(name):
        return 0
    try:
        with psycopg.connect(f"{PG_SERVER}/{name}") as conn:
            row = conn.execute("SELECT count(*) FROM account").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return 0


def _pg_drop(name: str) -> None:
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_demo_db(kind: Kind, accounts: int, seed: int = 1) -> str:
    """The URL of a demo database holding `accounts` accounts, building it only if needed.

    Reused when it already holds exactly that many accounts (a build is minutes at 1M);
    if missing it is built under a temporary name and renamed into place only when
    complete, so an interrupted build is never mistaken for a finished one. A database
    under the final name with another count (even 0) is refused, not deleted: it is
    someone else's, or a `revdesk demo` build still running.
    """
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / f".{kind}-{accounts}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two benchmarks started together build once
        return _ensure_locked(kind, accounts, seed)


def _ensure_locked(kind: Kind, accounts: int, seed: int) -> str:
    if kind == "sqlite":
        exists = sqlite_path(accounts).exists()
        have = _sqlite_count(sqlite_path(accounts))
    else:
        exists = _pg_exists(pg_name(accounts))
        have = _pg_count(pg_name(accounts))
    if exists and have != accounts:
        # Our own builds appear under the final name only when complete, so this is
        # someone else's database (or a build in progress, e.g. `revdesk demo` writing
        # straight to it): never delete it.
        where = sqlite_path(accounts) if kind == "sqlite" else pg_name(accounts)
        raise SystemExit(
            f"{where} holds {have:,} accounts, not {accounts:,}: a build may be in progress. "
            "Wait for it, or delete the database to have it rebuilt."
        )
    if have == accounts:
        ensure_schema_current(db_url(kind, accounts))
        if kind == "postgresql" and ensure_pg_statistics(pg_name(accounts)):
            _note_no_statistics(accounts)
        info = read_build_info(kind, accounts)
        if info and info.get("seed") not in (None, seed):
            log(f"note: {kind} {accounts:,} database was built with seed {info.get('seed')}, not {seed}; reusing it")
        log(f"reusing {kind} demo database with {accounts:,} accounts")
        return db_url(kind, accounts)
    log(f"building {kind} demo database with {accounts:,} accounts (seed {seed})")
    _build(kind, accounts, seed)
    return db_url(kind, accounts)


def ensure_schema_current(url: str) -> None:
    """Upgrade a reused database to the head migration, as the app does when it opens one.

    Why: a database built before a migration (say, a new index) would otherwise be
    benchmarked without it, and the figures would not describe the current code.
    """
    from app.db import current_revision, head_revision, make_database, upgrade

    db = make_database(url)
    try:
        have, head = current_revision(db), head_revision(db)
        if have != head:
            log(f"upgrading the schema from {have} to {head}")
            upgrade(db, backup=False)  # a bench database is rebuilt, not restored
    finally:
        db.dispose()


def _build(kind: Kind, accounts: int, seed: int) -> None:
    """Build in a child process under a temporary name, then move it into place."""
    if kind == "sqlite":
        staging = DATA / f"bench-{accounts}.building.db"
        _remove_sqlite(staging)
        url = f"sqlite:///{staging}"
    else:
        staging_name = f"{pg_name(accounts)}_building"
        _pg_drop(staging_name)
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{staging_name}"')
        url = f"{PG_SERVER}/{staging_name}"
    sidecar = sidecar_path(kind, accounts)
    sidecar.unlink(missing_ok=True)  # the old figures no longer describe the database
    cmd = [
        sys.executable, "-m", "bench._common", "build", "--kind", kind, "--accounts", str(accounts),
        "--seed", str(seed), "--url", url, "--sidecar", str(sidecar),
    ]
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=sys.stderr)  # our stdout is for the one JSON object
    taken = "{} appeared while building; the new database is left at {}. Delete one and rerun."
    if kind == "sqlite":
        lite = sqlite3.connect(staging)
        try:
            lite.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # fold the WAL in: one file is the whole database
        finally:
            lite.close()
        final = sqlite_path(accounts)
        if final.exists():
            raise SystemExit(taken.format(final, staging))
        _remove_sqlite(final)  # stale -wal/-shm only
        os.replace(staging, final)
        _remove_sqlite(staging)
    else:
        if _pg_exists(pg_name(accounts)):
            raise SystemExit(taken.format(pg_name(accounts), staging_name))
        with _pg_admin() as conn:
            conn.execute(f'ALTER DATABASE "{staging_name}" RENAME TO "{pg_name(accounts)}"')
        if ensure_pg_statistics(pg_name(accounts)):
            _note_no_statistics(accounts)


def _note_no_statistics(accounts: int) -> None:
    """Record in the PostgreSQL sidecar that the demo build left no planner statistics."""
    path = sidecar_path("postgresql", accounts)
    info = read_build_info("postgresql", accounts) or {"accounts": accounts}
    info["demo_left_no_statistics"] = True
    path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def ensure_pg_statistics(name: str) -> bool:
    """ANALYZE the database if it has no column statistics; True if it had to.

    Why: generate_demo's closing ANALYZE on PostgreSQL runs in a transaction that is never
    committed, so pg_statistic stays empty and the planner guesses (seq scans, hash joins
    over whole tables). Production servers would soon autoanalyze; this server may have
    autovacuum off. Benchmarks measure the app against an analysed database, and the
    sidecar records that the demo left none (`demo_left_no_statistics`).
    """
    with psycopg.connect(f"{PG_SERVER}/{name}", autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename = 'account'").fetchone()
        if row and row[0]:
            return False
        log(f"warning: {name} has no planner statistics (generate_demo's ANALYZE was not committed); running ANALYZE")
        started = time.perf_counter()
        conn.execute("ANALYZE")
        log(f"  ANALYZE took {time.perf_counter() - started:.1f} s")
        return True


def _child_build(kind: Kind, accounts: int, seed: int, url: str, sidecar: Path) -> None:
    """Runs in the build child: generate, then record wall time and peak RSS."""
    from app.bootstrap import bootstrap
    from app.demo.generate import generate_demo

    started = time.perf_counter()
    ctx = bootstrap(url, None, bench_user(url))
    step = max(1, accounts // 10)
    last = [0]

    def progress(done: int, total: int) -> None:
        if done - last[0] >= step or done == total:
            last[0] = done
            log(f"  {kind}: {done:,}/{total:,} accounts ({time.perf_counter() - started:.0f} s)")

    result = generate_demo(ctx.db, ctx.actor, ctx.settings, accounts=accounts, seed=seed, as_of=AS_OF, progress=progress)
    ctx.db.dispose()
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # largest child: the generator from 50k accounts
    elapsed_ms = getattr(result, "elapsed_ms", None)  # DemoResult's own timing (was `seconds`)
    generate_seconds = elapsed_ms / 1000 if isinstance(elapsed_ms, int) else float(result.seconds)
    info: dict[str, object] = {
        "kind": kind, "accounts": result.accounts, "seed": seed, "as_of": AS_OF.isoformat(),
        "build_seconds": round(seconds, 2), "generate_seconds": round(generate_seconds, 2),
        "transactions": result.transactions, "properties": result.properties,
        "peak_rss_mb": round(own / 1024, 1), "children_peak_rss_mb": round(children / 1024, 1) if children else None,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),  # clock-ok: provenance only
    }
    sidecar.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    log(f"  built {kind} {accounts:,} in {seconds:.1f} s, peak RSS {info['peak_rss_mb']} MB")


def read_build_info(kind: Kind, accounts: int) -> dict[str, object] | None:
    """The sidecar recorded when this database was built (None if built some other way)."""
    path = sidecar_path(kind, accounts)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def database_size_mb(kind: Kind, accounts: int) -> float | None:
    if kind == "sqlite":
        path = sqlite_path(accounts)
        return round(path.stat().st_size / 2**20, 1) if path.exists() else None
    with _pg_admin() as conn:
        row = conn.execute("SELECT pg_database_size(%s)", (pg_name(accounts),)).fetchone()
    return round(cast(int, row[0]) / 2**20, 1) if row else None


def build_report(kind: Kind, accounts: int) -> dict[str, object]:
    """What the report says about the database: build figures (if recorded) and size."""
    info = dict(read_build_info(kind, accounts) or {})
    info.pop("kind", None)
    info["size_mb"] = database_size_mb(kind, accounts)
    return info


def raw_connection(db: Database) -> tuple[Any, Callable[[], None]]:
    """A driver connection held for the raw queries, and the function that gives it back.

    On PostgreSQL it is put in autocommit so a raw timing is the query alone, without the
    BEGIN/ROLLBACK round trips a unit of work adds (those are in the service figure).
    SQLite's driver opens no transaction for a SELECT, so it needs nothing.
    """
    conn = db.engine.raw_connection()
    driver = conn.driver_connection
    assert driver is not None
    if db.dialect == "postgresql":
        driver.autocommit = True

    def give_back() -> None:
        if db.dialect == "postgresql":
            driver.autocommit = False  # the pool hands it out again as the app expects
        conn.close()

    return driver, give_back


# --- statistics ----------------------------------------------------------------------

def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    if not sorted_values:
        return math.nan
    pos = (len(sorted_values) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summarise_ms(durations_s: Sequence[float]) -> dict[str, float | int]:
    """p50/p95 (and max) in milliseconds, rounded to 3 decimals, from durations in seconds."""
    ordered = sorted(durations_s)
    return {
        "p50_ms": round(percentile(ordered, 50) * 1000, 3),
        "p95_ms": round(percentile(ordered, 95) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3) if ordered else math.nan,
        "n": len(ordered),
    }


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- deterministic samples of real data ----------------------------------------------

@dataclass(frozen=True)
class AccountSample:
    """One real account's searchable facts, as an officer would type them."""

    account_ref: str
    forenames: str
    surname: str
    address_line1: str
    address_line2: str
    postcode: str


def sample_refs(db: Database, count: int, seed: int) -> list[str]:
    """`count` distinct real account references chosen by a seeded RNG.

    Seeks `account_ref >= random` on the unique index instead of ORDER BY random() (a full
    scan at 1M, and not repeatable): the same seed on the same data gives the same refs,
    on either database, because the demo data (and so its refs) depend only on its seed.
    """
    rng = random.Random(seed)
    with db.uow() as uow:
        total = uow.session.scalar(select(func.count()).select_from(Account)) or 0
        lo, hi = uow.session.execute(select(func.min(Account.account_ref), func.max(Account.account_ref))).one()
        if not total or lo is None:
            raise SystemExit("the demo database has no accounts")
        want = min(count, total)
        width = len(hi)
        found: dict[str, None] = {}
        attempts = 0
        while len(found) < want and attempts < want * 20:
            attempts += 1
            probe = f"{rng.randint(int(lo), int(hi)):0{width}d}"
            ref = uow.session.scalar(
                select(Account.account_ref).where(Account.account_ref >= probe).order_by(Account.account_ref).limit(1)
            )
            if ref is not None:
                found[ref] = None
    return list(found)


def sample_accounts(db: Database, count: int, seed: int) -> list[AccountSample]:
    """Names, address and postcode of `count` seeded-random accounts (lead taxpayer,
    latest liability period's property)."""
    samples: list[AccountSample] = []
    with db.uow() as uow:
        for ref in sample_refs(db, count, seed):
            account_id = uow.session.scalar(select(Account.id).where(Account.account_ref == ref))
            person = uow.session.execute(
                select(Person.forenames, Person.surname)
                .join(AccountParty, AccountParty.person_id == Person.id)
                .where(AccountParty.account_id == account_id, AccountParty.ordinal == 0)
            ).first()
            prop = uow.session.execute(
                select(Property.address_line1, Property.address_line2, Property.postcode)
                .join(LiabilityPeriod, LiabilityPeriod.property_id == Property.id)
                .where(LiabilityPeriod.account_id == account_id)
                .order_by(LiabilityPeriod.start_date.desc())
                .limit(1)
            ).first()
            if person is None or prop is None:
                continue
            samples.append(AccountSample(ref, person[0], person[1], prop[0], prop[1], prop[2]))
    return samples


def _first_word(text: str, min_len: int = 1) -> str | None:
    return next((w for w in words(text) if len(w) >= min_len and not w.isdigit()), None)


# Search categories, each a list of (form, query text); the form says which variant of the
# category a query is (e.g. a full reference or a 5-digit prefix) so both can be reported.
QuerySet = dict[str, list[tuple[str, str]]]
CATEGORIES = ("one_word", "two_word", "reference", "postcode", "house_street", "one_letter")


def build_query_set(db: Database, seed: int = 1, per_category: int = 20) -> QuerySet:
    """Search queries an officer would type, built from real demo data with a seeded RNG.

    Real values (not invented words) so every query has matches and the prefix/posting list
    sizes are those of the data; deterministic so runs, and the two databases, compare.
    """
    rng = random.Random(seed * 7919 + 1)
    samples = sample_accounts(db, per_category * 4, seed)
    if not samples:
        raise SystemExit("could not sample any accounts")
    rng.shuffle(samples)
    out: QuerySet = {c: [] for c in CATEGORIES}
    numbered = [s for s in samples if s.address_line1.split()[0].isdigit()] or samples
    for i in range(per_category):
        s = samples[i % len(samples)]
        surname = _first_word(s.surname, 3) or _first_word(s.surname) or "smith"
        forename = _first_word(s.forenames, 3) or "a"
        if i % 3 == 0:
            out["one_word"].append(("prefix3", surname[:3]))
        elif i % 3 == 1:
            out["one_word"].append(("surname", surname))
        else:
            street = _first_word(s.address_line2 or " ".join(s.address_line1.split()[1:]), 3) or surname
            out["one_word"].append(("street_prefix4", street[:4]))
        out["two_word"].append(("forename3_surname3", f"{forename[:3]} {surname[:3]}"))
        if i % 2 == 0:
            out["reference"].append(("full", s.account_ref))
        else:
            out["reference"].append(("prefix5", s.account_ref[:5]))
        if i % 2 == 0:
            out["postcode"].append(("full", s.postcode))
        else:
            out["postcode"].append(("outward", s.postcode.split()[0]))
        h = numbered[rng.randrange(len(numbered))]
        number, *street_words = h.address_line1.split()
        street = _first_word(" ".join(street_words), 3) or "road"
        out["house_street"].append(("number_street", f"{number} {street}"))
        out["one_letter"].append(("letter", surname[0]))
    return out


# --- child entry point ----------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="internal: build one demo database (see ensure_demo_db)")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build")
    build.add_argument("--kind", choices=KINDS, required=True)
    build.add_argument("--accounts", type=int, required=True)
    build.add_argument("--seed", type=int, default=1)
    build.add_argument("--url", default=None, help="build here instead of the usual place (no rename)")
    build.add_argument("--sidecar", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.url is None:  # by hand: the normal reuse-or-build path
        url = ensure_demo_db(args.kind, args.accounts, args.seed)
        print(json.dumps({"url": url, "build": build_report(args.kind, args.accounts)}))
        return
    _child_build(args.kind, args.accounts, args.seed, args.url, args.sidecar or sidecar_path(args.kind, args.accounts))


if __name__ == "__main__":
    main()
