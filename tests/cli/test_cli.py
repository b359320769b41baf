"""End-to-end command line tests of the public contract (../shared/formats/README.md)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.db import SCHEMA_HEAD


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str, settings: Path | None = None) -> tuple[int, str, str]:
    argv = ["--db", db, *(["--user", "clerk"] if db.startswith("sqlite") else [])]
    if settings is not None:
        argv += ["--settings", str(settings)]
    code = main([*argv, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def loaded(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> str:
    for kind in ("properties", "accounts", "payments"):
        code, _, err = run(capsys, db_url, "import", kind, str(examples / f"{kind}.csv"), "--json",
                           settings=examples / "settings.toml")
        assert code == 0, err
    return db_url


def test_import_summary_json(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> None:
    settings = examples / "settings.toml"
    for kind in ("properties", "accounts"):
        assert run(capsys, db_url, "import", kind, str(examples / f"{kind}.csv"), settings=settings)[0] == 0
    code, out, _ = run(capsys, db_url, "import", "payments", str(examples / "payments.csv"), "--json", settings=settings)
    assert code == 0
    assert json.loads(out) == {"imported": 5, "skipped": 0, "rejected": 0, "suspense": 1, "errors": []}
    code, out, _ = run(capsys, db_url, "import", "payments", str(examples / "payments.csv"), "--json", settings=settings)
    assert json.loads(out)["skipped"] == 5 and json.loads(out)["imported"] == 0


def test_search_and_show(capsys: pytest.CaptureFixture[str], loaded: str, examples: Path) -> None:
    code, out, _ = run(capsys, loaded, "search", "hughes", "--json")
    assert code == 0
    assert json.loads(out)["results"][0] == {
        "account_ref": "70000001", "name": "Mr Daniel Hughes", "address": "12 Station Road, Exampleton",
        "postcode": "EX1 4QT", "balance_pence": -24600, "recovery_stage": "none", "hold": None,
    }
    code, out, _ = run(capsys, loaded, "account", "show", "70000002", "--as-of", "2025-05-20", "--json")
    data = json.loads(out)
    assert code == 0 and data["joint_names"] == ["Marcus Reid"] and data["liable_to"] == "2025-09-30"
    code, out, _ = run(capsys, loaded, "account", "show", "70000002", "--as-of", "2025-05-20")
    assert "Chloe Bennett (with Marcus Reid)" in out


def test_unknown_account_is_one_sentence(capsys: pytest.CaptureFixture[str], loaded: str) -> None:
    code, out, err = run(capsys, loaded, "account", "show", "123", "--json")
    assert code == 1 and out == ""
    assert err.strip() == "revdesk: There is no account with reference 123."


def test_bad_rows_exit_2_naming_file_line_field(
    capsys: pytest.CaptureFixture[str], db_url: str, examples: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "props.csv"
    bad.write_text("uprn,address_line1,postcode,band\n1,One Road,EX1 1AA,A\n2,Two Road,EX1 1AB,Q\n", encoding="utf-8")
    code, out, err = run(capsys, db_url, "import", "properties", str(bad), "--json", settings=examples / "settings.toml")
    assert code == 2
    assert json.loads(out)["imported"] == 1
    assert f"{bad}, line 3, field 'band':" in err


def test_wrong_header_exit_2(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "pay.csv"
    bad.write_text("payment_ref,account,date,amount,method\n", encoding="utf-8")
    code, out, err = run(capsys, db_url, "import", "payments", str(bad), "--json")
    assert code == 2 and out == ""
    assert f"{bad}, line 1, field 'account': unknown column" in err


def test_missing_file_exit_2(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, db_url, "import", "payments", str(tmp_path / "nope.csv"))
    assert code == 2 and "cannot be read" in err


def test_rules_instalments_worked_example(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rules", "instalments", "--amount", "1234.56", "--count", "10", "--first", "2025-04-01", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [i["amount_pence"] for i in out["instalments"]] == [12756] + [12300] * 9
    assert out["instalments"][-1]["due"] == "2026-01-01"


def test_rules_instalments_bad_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "instalments", "--amount", "100", "--count", "13", "--first", "2025-04-01"]) == 2
    assert "--count" in capsys.readouterr().err


def test_users_and_roles(capsys: pytest.CaptureFixture[str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(user: str, *args: str) -> tuple[int, str, str]:
        code = main(["--db", sqlite_url, "--user", user, "user", *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("boss", "list", "--json")  # the first user of a new embedded database is its admin
    assert (code, json.loads(out)["users"]) == (0, [{"username": "boss", "role": "admin", "team": "", "active": True}])
    code, _, err = run("clerk", "list")  # nobody else is let in, or recorded, until an admin adds them
    assert code == 1 and "clerk is not a Revenues Desk user on this database: ask an administrator" in err
    code, out, _ = run("boss", "add", "clerk", "--role", "officer", "--team", "Billing", "--json")
    assert json.loads(out)["users"] == [{"username": "clerk", "role": "officer", "team": "Billing", "active": True}]
    code, _, err = run("clerk", "set-role", "clerk", "admin")
    assert code == 1 and "cannot change users' roles" in err
    code, out, _ = run("boss", "set-role", "clerk", "team_leader", "--json")
    assert json.loads(out)["users"][0]["role"] == "team_leader"
    assert run("boss", "disable", "clerk")[0] == 0
    code, _, err = run("clerk", "list")
    assert code == 1 and "clerk is disabled on this database" in err
    assert run("boss", "enable", "clerk")[0] == 0
    code, out, _ = run("clerk", "list", "--json")
    assert [u["username"] for u in json.loads(out)["users"]] == ["boss", "clerk"]
    code, _, err = run("boss", "add", "x y", "--role", "officer")
    assert code == 2 and "cannot be a user name" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run("boss", "add", "pat", "--role", "officer", "--password-stdin")
    assert code == 2 and "no password" in err


def test_demo_if_empty(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    assert main(["--db", sqlite_url, "demo", "--accounts", "20", "--as-of", "2026-11-23", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accounts"] == 20
    assert main(["--db", sqlite_url, "demo", "--accounts", "20", "--as-of", "2026-11-23"]) == 2
    assert "already has 20 accounts" in capsys.readouterr().err
    assert main(["--db", sqlite_url, "demo", "--if-empty", "--accounts", "20", "--json"]) == 0


def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120, env=env)


def test_unreachable_database_is_one_sentence() -> None:
    proc = _subprocess("--db", "postgresql://nobody@127.0.0.1:1/none", "search", "x", "--json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("revdesk: Cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_not_a_url_and_missing_folder(tmp_path: Path) -> None:
    proc = _subprocess("--db", "nonsense", "search", "x")
    assert proc.returncode == 1 and "is not a database URL" in proc.stderr
    proc = _subprocess("--db", f"sqlite:///{tmp_path}/no/such/dir/x.db", "search", "x")
    assert proc.returncode == 1 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_settings_file(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text("[authority\n", encoding="utf-8")
    proc = _subprocess("--settings", str(bad), "--db", f"sqlite:///{tmp_path}/x.db", "search", "x")
    assert proc.returncode == 2 and "is not valid TOML" in proc.stderr and "Traceback" not in proc.stderr


def test_db_upgrade_and_status(tmp_path: Path) -> None:
    proc = _subprocess("--db", f"sqlite:///{tmp_path}/new.db", "db", "upgrade")
    assert proc.returncode == 0 and f"schema at revision {SCHEMA_HEAD}" in proc.stdout
    assert (tmp_path / "new.db").exists()


def test_usage_error_exit_2() -> None:
    proc = _subprocess("frobnicate")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_a_reader_that_stops_early_ends_revdesk_quietly() -> None:
    """`revdesk … | head`: the pipe closes while revdesk still writes; no traceback."""
    command = f"{sys.executable} -m app rules instalments --amount 1000 --count 10 --first 2025-04-01 | head -c 1"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(3):  # how much is written before head exits varies: try more than once
        done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120,
                              env=env)
        assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr
