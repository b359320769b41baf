"""A billing run killed mid-way (SIGKILL, no clean-up) resumes without duplicate charges or notices."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from app.bootstrap import bootstrap
from app.config import load_settings
from app.demo.generate import generate_demo
from tests.cli.harness import built_in_settings_with, sqlite_count


def test_killed_billing_run_resumes_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "kill.db"
    ctx = bootstrap(f"sqlite:///{path}", None, "admin")
    generate_demo(ctx.db, ctx.actor, load_settings(None), accounts=3000, seed=9, as_of=date(2026, 11, 23))
    ctx.db.dispose()
    settings = built_in_settings_with(tmp_path / "small-chunks.toml", billing_chunk=200)
    cmd = [sys.executable, "-m", "app", "--db", f"sqlite:///{path}", "--settings", str(settings), "--user", "admin",
           "bill", "--year", "2027", "--as-of", "2027-03-10", "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            done = sqlite_count(path, "SELECT coalesce(max(done), 0) FROM batch_run WHERE kind = 'billing'")
        except sqlite3.OperationalError:
            done = 0  # busy: try again
        if done >= 400:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed: make the data bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    charged_at_kill = sqlite_count(path, "SELECT count(*) FROM ledger_transaction WHERE financial_year = 2027")
    assert 0 < charged_at_kill < 2900
    resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert '"resumed": true' in resumed.stdout and '"status": "completed"' in resumed.stdout
    liable = sqlite_count(path, "SELECT count(DISTINCT account_id) FROM liability_period WHERE start_date <= '2028-03-31' "
                          "AND (end_date IS NULL OR end_date >= '2027-04-01')")
    assert sqlite_count(path, "SELECT count(*) FROM document WHERE financial_year = 2027") == liable
    assert sqlite_count(path, "SELECT count(*) FROM (SELECT account_id FROM ledger_transaction WHERE financial_year = 2027 "
                        "AND kind = 'charge' GROUP BY account_id HAVING count(*) > 1)") == 0
    assert sqlite_count(path, "SELECT count(*) FROM (SELECT account_id FROM instalment_plan WHERE financial_year = 2027 "
                        "AND status = 'active' GROUP BY account_id HAVING count(*) > 1)") == 0
    assert sqlite_count(path, "SELECT count(*) FROM instalment_plan WHERE financial_year = 2027") == liable
