"""The daily recovery run at scale (SQLite).

Why: one run a day examines every account and takes each one in arrears to its next
stage; it must finish in minutes in bounded memory, and running it again the same day
must add nothing (target: 1,000,000 accounts <= 120 s with peak RSS <= 500 MB; the
immediate second run <= 60 s with zero new actions).

The demo database (default 1,000,000 accounts, as of 23/11/2026: arrears of every age,
recovery at every stage, holds) is built or reused by bench._common and copied to a
scratch file so the base stays unchanged. Figures: seconds, actions by stage, peak RSS of
this process and its peak private memory sampled after every chunk (RSS also counts
memory-mapped database pages).

    /work/main/.venv/bin/python -m bench.recovery --accounts 1000000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import load_settings
from app.db import make_database
from app.recovery.run import run_recovery
from app.users.roles import Actor, Role
from bench._common import AS_OF, DATA, build_report, ensure_demo_db, log, peak_rss_mb, sqlite_path
from bench.billing import rss_anon_mb

TARGET_FIRST_S = 120
TARGET_SECOND_S = 60
TARGET_RSS_MB = 500


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    ensure_demo_db("sqlite", args.accounts, args.seed)
    work = DATA / f"recovery-work-{args.accounts}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    log(f"copying the {args.accounts:,}-account database")
    shutil.copyfile(sqlite_path(args.accounts), work)
    db = make_database(f"sqlite:///{work}")
    settings = load_settings(None)
    actor = Actor("bench", Role.ADMIN)
    heap = {"peak_mb": rss_anon_mb()}

    def sample(done: int, total: int) -> None:
        heap["peak_mb"] = max(heap["peak_mb"], rss_anon_mb())

    results = {}
    for label in ("first", "second"):
        log(f"{label} recovery run for {AS_OF:%d/%m/%Y}")
        started = time.perf_counter()
        summary = run_recovery(db, actor, settings, as_of=AS_OF, progress=sample)
        seconds = time.perf_counter() - started
        log(f"{label}: {seconds:.1f} s, actions {summary.actions}")
        target = TARGET_FIRST_S if label == "first" else TARGET_SECOND_S
        results[label] = {
            "seconds": round(seconds, 2), "accounts_examined": summary.accounts_examined, "actions": summary.actions,
            "skipped_on_hold": summary.skipped_on_hold, "letters": summary.letters, "target_s": target,
            "ok": seconds <= target and (label == "first" or sum(summary.actions.values()) == 0),
        }
    db.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    print(json.dumps({
        "benchmark": "recovery", "database": "sqlite", "accounts": args.accounts, "as_of": AS_OF.isoformat(),
        "build": build_report("sqlite", args.accounts), **results,
        "peak_rss_mb": peak_rss_mb(), "peak_anon_mb": round(heap["peak_mb"], 1), "target_rss_mb": TARGET_RSS_MB,
    }))


if __name__ == "__main__":
    main()
