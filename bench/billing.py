"""Annual billing and rebilling at scale (SQLite).

Why: a council bills every account for the new year in one run each March; the run must
finish in minutes, in bounded memory, and be safe to rerun. Officers rebill single
accounts all day (move in/out, discounts): that must feel instant.

Figures (targets from the billing issue):
* `annual`: `run_annual_billing` for 2027/28 over the demo database (default 250,000
  accounts, built or reused by bench._common) on a scratch copy, so the base stays
  unbilled. Seconds, accounts/s, peak RSS of this process and its peak private memory
  sampled after every chunk (RSS includes memory-mapped database pages) (target <= 60 s).
* `rerun`: the same year again with a later issue date: every account is examined and
  nothing is written (idempotence), seconds.
* `rebill`: one account's liability change (a 25% council tax reduction from a date)
  through `app.billing.liability_changes`, committed, with the amended notice rendered:
  p50/p95 ms over sampled accounts (target p95 <= 50 ms); `trial` is the same change as a
  preview (rolled back).

    /work/main/.venv/bin/python -m bench.billing --accounts 250000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.billing import liability_changes as liability
from app.billing.annual_run import run_annual_billing
from app.config import load_settings
from app.db import make_database
from app.users.roles import Actor, Role
from bench._common import DATA, build_report, ensure_demo_db, log, peak_rss_mb, sample_refs, sqlite_path, summarise_ms

YEAR = 2027
ISSUE = date(2027, 3, 10)
TARGET_ANNUAL_S = 60
TARGET_REBILL_P95_MS = 50


def rss_anon_mb() -> float:
    """This process's private memory (RssAnon): peak RSS also counts the database file's pages
    that SQLite memory-maps (mmap_size), which are cache the kernel can drop, not heap."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=250_000)
    parser.add_argument("--rebills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    ensure_demo_db("sqlite", args.accounts, args.seed)
    work = DATA / f"billing-work-{args.accounts}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(sqlite_path(args.accounts), work)
    db = make_database(f"sqlite:///{work}")
    settings = load_settings(None)
    actor = Actor("bench", Role.ADMIN)

    log(f"annual billing {YEAR}/{(YEAR + 1) % 100:02d} over {args.accounts:,} accounts")
    heap = {"peak_mb": rss_anon_mb()}

    def sample(done: int, total: int) -> None:
        heap["peak_mb"] = max(heap["peak_mb"], rss_anon_mb())

    started = time.perf_counter()
    summary = run_annual_billing(db, actor, settings, year=YEAR, as_of=ISSUE, progress=sample)
    annual_s = time.perf_counter() - started
    rss_after_annual = peak_rss_mb()
    log(f"annual: {annual_s:.1f} s, {summary.charges:,} charges, {summary.notices:,} notices")

    started = time.perf_counter()
    rerun = run_annual_billing(db, actor, settings, year=YEAR, as_of=date(2027, 3, 11))
    rerun_s = time.perf_counter() - started
    log(f"rerun: {rerun_s:.1f} s, {rerun.charges} charges")

    refs = sample_refs(db, args.rebills, args.seed)
    trial_times: list[float] = []
    rebill_times: list[float] = []
    changed = 0
    for ref in refs:
        for preview, times in ((True, trial_times), (False, rebill_times)):
            t0 = time.perf_counter()
            with db.uow() as uow:
                change = liability.set_reduction(
                    uow, actor, settings, account_ref=ref, kind="ctr", percent_bp=2500, start_date=date(2027, 5, 1),
                    end_date=None, as_of=date(2027, 4, 20), preview=preview,
                )
            times.append(time.perf_counter() - t0)
            if not preview and any(r.notice for r in change.results):
                changed += 1
    db.dispose()
    report = {
        "benchmark": "billing",
        "database": "sqlite",
        "accounts": args.accounts,
        "build": build_report("sqlite", args.accounts),
        "annual": {
            "year": YEAR, "seconds": round(annual_s, 2), "accounts_per_s": round(summary.accounts_examined / annual_s),
            "accounts_examined": summary.accounts_examined, "charges": summary.charges, "notices": summary.notices,
            "peak_rss_mb": rss_after_annual, "peak_anon_mb": round(heap["peak_mb"], 1),
            "target_s": TARGET_ANNUAL_S, "ok": annual_s <= TARGET_ANNUAL_S,
        },
        "rerun": {"seconds": round(rerun_s, 2), "charges": rerun.charges, "notices": rerun.notices},
        "rebill": {**summarise_ms(rebill_times), "accounts_changed": changed, "target_p95_ms": TARGET_REBILL_P95_MS,
                   "ok": summarise_ms(rebill_times)["p95_ms"] <= TARGET_REBILL_P95_MS},
        "trial": summarise_ms(trial_times),
    }
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
