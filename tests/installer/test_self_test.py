"""`revdesk --self-test`: one line per check, exit 0 only if every check passes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QApplication

from app.cli import main
from app.cli.selftest import NO_USABLE_KEYRING, run_check, self_test
from app.config import settings_source
from app.db import SCHEMA_HEAD, make_database
from app.paths import ROOT
from tests.conftest import embedded_user

CHECKS = ["settings", "scratch database", "letter", "workbook", "court pack encryption", "window", "keyring", "server driver",
          "server"]


def run(server: str | None, username: str | None = "clerk") -> tuple[int, list[str]]:
    out = io.StringIO()
    code = self_test(None, server, username, out=out)
    return code, out.getvalue().splitlines()


def test_every_check_passes_with_a_usable_keyring_and_the_server_given(qapp: QApplication, db_url: str) -> None:
    code, lines = run(db_url, embedded_user(db_url, "clerk"))
    assert [line.split(":")[0] for line in lines[:-1]] == CHECKS
    assert all(": ok (" in line for line in lines[:-1]), lines
    assert lines[-1] == "Self-test passed: all 9 checks ok."
    assert code == 0
    assert f", schema at {SCHEMA_HEAD}, you are " in lines[8]
    assert str(settings_source(None)) in lines[0]


def test_no_usable_keyring_fails_the_test_in_one_sentence(qapp: QApplication) -> None:
    keyring.set_keyring(fail.Keyring())
    code, lines = run(None)
    assert code == 1
    (line,) = [line for line in lines if line.startswith("keyring:")]
    assert line.startswith(f"keyring: failed: {NO_USABLE_KEYRING}")
    assert "server passwords are asked at each start" in line
    assert lines[-1] == "Self-test failed: keyring."
    assert "server: ok (none given" in "\n".join(lines)


def test_a_server_that_does_not_answer_fails_its_check_and_the_command_exits_1(
    qapp: QApplication, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--self-test", "--db", "postgresql+psycopg://clerk@127.0.0.1:1/revenues", "--user", "clerk"])
    out = capsys.readouterr()
    assert code == 1
    lines = out.out.splitlines()
    assert lines[8].startswith("server: failed: Cannot reach the database at postgresql+psycopg://clerk@127.0.0.1:1/revenues")
    assert lines[-1] == "Self-test failed: server."
    assert "Traceback" not in out.out + out.err


def test_a_server_with_an_old_schema_is_named_with_what_to_do(qapp: QApplication, tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    make_database(empty).dispose()
    code, lines = run(empty)
    assert code == 1
    assert lines[8].endswith(f"schema is at revision none (an empty database) and this version needs {SCHEMA_HEAD}: "
                             "the schema's owner upgrades it once with revdesk db upgrade.")


def test_a_check_that_crashes_is_one_line_and_its_traceback_goes_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> str:
        raise RuntimeError("the template folder is missing\nsecond line")

    outcome = run_check("letter", broken)
    assert outcome.line() == "letter: failed: the template folder is missing"
    assert "Traceback" in caplog.text and "RuntimeError" in caplog.text


def test_the_installed_command_passes_in_a_process_of_its_own(tmp_path: Path) -> None:
    """`revdesk --self-test` as IT runs it: its own process, the console script, a keyring
    backend named by keyring's own PYTHON_KEYRING_BACKEND (the tests' in-memory one)."""
    revdesk = Path(sys.executable).with_name("revdesk")
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "tests.memory_keyring.MemoryKeyring", "PYTHONPATH": str(ROOT),
           "QT_QPA_PLATFORM": "offscreen", "REVDESK_DATA_DIR": str(tmp_path)}
    done = subprocess.run([str(revdesk), "--self-test", "--user", "clerk"], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "keyring: ok (tests.memory_keyring.MemoryKeyring)" in done.stdout
    assert done.stdout.splitlines()[-1] == "Self-test passed: all 9 checks ok."
    assert done.stderr == ""
