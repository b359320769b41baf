"""`revdesk recovery run|show|stats` end to end: the contract's summary keys, idempotence per
date, dry run, and a run killed mid-way resuming with no duplicate letters or costs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from app.config import load_settings
from app.demo.generate import generate_demo
from tests.cli.harness import built_in_settings_with, sqlite_count
from tests.cli.test_cli import run


@pytest.fixture
def billed(capsys: pytest.CaptureFixture[str], sqlite_url: str, examples: Path) -> str:
    settings = examples / "settings.toml"
    for kind in ("properties", "accounts", "payments"):
        assert run(capsys, sqlite_url, "import", kind, str(examples / f"{kind}.csv"), settings=settings)[0] == 0
    assert run(capsys, sqlite_url, "bill", "--year", "2025", "--as-of", "2025-03-10", settings=settings)[0] == 0
    return sqlite_url


def test_recovery_run_summary_contract(
    capsys: pytest.CaptureFixture[str], billed: str, examples: Path, tmp_path: Path
) -> None:
    settings = examples / "settings.toml"
    code, out, err = run(capsys, billed, "recovery", "run", "--as-of", "2025-05-08", "--dry-run", "--json", settings=settings)
    assert code == 0, err
    dry = json.loads(out)
    for key in ("run_id", "as_of", "dry_run", "accounts_examined", "actions", "skipped_on_hold", "letters"):
        assert key in dry
    assert dry["dry_run"] is True and dry["actions"]["reminder_1"] == 2
    assert set(dry["actions"]) >= {"reminder_1", "reminder_2", "final_notice", "summons"}
    code, out, _ = run(capsys, billed, "recovery", "run", "--as-of", "2025-05-08", "--json", "--letters-dir",
                       str(tmp_path / "letters"), settings=settings)
    real = json.loads(out)
    assert real["actions"] == dry["actions"] and real["letters"] == 2 and real["dry_run"] is False
    assert real["letters_written"] == 2 and len(list((tmp_path / "letters").glob("reminder_1-*.docx"))) == 2
    code, out, _ = run(capsys, billed, "recovery", "run", "--as-of", "2025-05-08", "--json", settings=settings)
    assert sum(json.loads(out)["actions"].values()) == 0
    code, out, _ = run(capsys, billed, "recovery", "show", "70000005", "--as-of", "2025-05-09", "--json", settings=settings)
    shown = json.loads(out)
    assert shown["years"][0]["stage"] == "reminder_1" and "waiting for payment" in shown["years"][0]["next_step"]
    code, out, _ = run(capsys, billed, "recovery", "stats", "--from", "2025-05-01", "--to", "2025-05-31", "--json",
                       settings=settings)
    assert json.loads(out)["by_stage"]["reminder_1"]["count"] == 2


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str], billed: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, billed, "recovery", "run", "--as-of", "31/02/2025")
    assert exit_info.value.code == 2


def test_killed_recovery_run_resumes_without_duplicate_letters_or_costs(tmp_path: Path) -> None:
    path = tmp_path / "kill.db"
    ctx = bootstrap(f"sqlite:///{path}", None, "admin")
    generate_demo(ctx.db, ctx.actor, load_settings(None), accounts=4000, seed=11, as_of=date(2026, 11, 23))
    ctx.db.dispose()
    settings = built_in_settings_with(tmp_path / "small-chunks.toml", recovery_chunk=100)
    cmd = [sys.executable, "-m", "app", "--db", f"sqlite:///{path}", "--settings", str(settings), "--user", "admin",
           "recovery", "run", "--as-of", "2026-11-23", "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if sqlite_count(path, "SELECT coalesce(max(done), 0) FROM batch_run WHERE kind = 'recovery'") >= 600:
                break
        except sqlite3.OperationalError:
            pass  # busy: try again
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed: make the data bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    letters_at_kill = sqlite_count(path, "SELECT count(*) FROM document WHERE issued_on = '2026-11-23'")
    resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["resumed"] and summary["status"] == "completed" and summary["accounts_examined"] == 4000
    letters = sqlite_count(path, "SELECT count(*) FROM document WHERE issued_on = '2026-11-23'")
    events = sqlite_count(path, "SELECT count(*) FROM recovery_event WHERE event_date = '2026-11-23'")
    assert events >= letters == summary["letters"] > letters_at_kill  # one letter per person and step, years in it
    assert sqlite_count(path, "SELECT count(*) FROM (SELECT account_id, template FROM document "
                        "WHERE issued_on = '2026-11-23' GROUP BY 1, 2 HAVING count(*) > 1)") == 0
    assert sqlite_count(path, "SELECT count(*) FROM (SELECT account_id, financial_year, stage FROM recovery_event "
                        "WHERE event_date = '2026-11-23' GROUP BY 1, 2, 3 HAVING count(*) > 1)") == 0
    summons = sqlite_count(path, "SELECT count(*) FROM recovery_event WHERE event_date = '2026-11-23' AND stage = 'summons'")
    costs = sqlite_count(path, "SELECT count(*) FROM ledger_transaction WHERE kind = 'costs' AND posted_on = '2026-11-23'")
    assert costs == summons
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert sum(json.loads(again.stdout)["actions"].values()) == 0
