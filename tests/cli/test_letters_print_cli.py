"""`revdesk letters print`: a batch run's letters as one PDF in address order (postcode,
then address), its page count and a manifest to reconcile; without LibreOffice, one
sentence and the merged .docx. The PDF tests need LibreOffice (scripts/ensure_libreoffice)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import docx
import pytest

from app.adapters.libreoffice import soffice
from tests.cli.harness import Revdesk, with_examples

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed (scripts/ensure_libreoffice)")


@pytest.fixture
def billed(capsys: pytest.CaptureFixture[str], sqlite_url: str, examples: Path) -> tuple[Revdesk, str]:
    cli = with_examples(capsys, sqlite_url, examples)
    run = cli.json("bill", "--year", "2025", "--as-of", "2025-03-01")
    return cli, str(run["run_id"])


def address_order(examples: Path) -> list[str]:
    """The example accounts by their property's postcode, then address (what the post wants)."""
    with (examples / "properties.csv").open(encoding="utf-8-sig") as f:
        props = {r["uprn"]: r for r in csv.DictReader(f)}
    with (examples / "accounts.csv").open(encoding="utf-8-sig") as f:
        accounts = {r["account_ref"]: props[r["uprn"]] for r in csv.DictReader(f)}  # the latest row per account

    def key(ref: str) -> tuple[str, str]:
        p = accounts[ref]
        return " ".join(p["postcode"].upper().split()), " ".join(
            x for x in (p["address_line1"], p["address_line2"], p["town"]) if x).casefold()

    return sorted(accounts, key=lambda ref: (*key(ref), ref))


def manifest(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@needs_libreoffice
def test_print_file_in_address_order_with_pages_and_manifest(billed: tuple[Revdesk, str], tmp_path: Path,
                                                             examples: Path) -> None:
    cli, run = billed
    out = tmp_path / "bureau.pdf"
    made = cli.json("letters", "print", "--run", run, "--out", str(out))
    assert set(made) >= {"letters", "pages", "manifest"} and made["warning"] is None
    assert made["letters"] == 5 and out.read_bytes().startswith(b"%PDF")
    rows = manifest(Path(made["manifest"]))
    assert [r["account"] for r in rows] == address_order(examples)
    assert {r["template"] for r in rows} == {"demand_notice"}
    pages = [int(r["pages"]) for r in rows]
    firsts = [int(r["first_page"]) for r in rows]
    assert firsts[0] == 1 and all(b == a + n for a, b, n in zip(firsts, firsts[1:], pages, strict=False))
    assert sum(pages) == made["pages"] and made["pages"] >= 5

    code, _, err = cli("letters", "print", "--run", run, "--out", str(out))
    assert code == 2 and "--force" in err
    assert cli.json("letters", "print", "--run", run, "--out", str(out), "--force")["pages"] == made["pages"]


def test_without_libreoffice_the_docx_still_comes_out(billed: tuple[Revdesk, str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, examples: Path) -> None:
    monkeypatch.setenv("REVDESK_SOFFICE", str(tmp_path / "no-libreoffice-here"))
    cli, run = billed
    out = tmp_path / "bureau.pdf"
    code, printed, err = cli("letters", "print", "--run", run, "--out", str(out), "--json")
    assert code == 0, err
    assert "LibreOffice is not installed" in err and err.count("\n") == 1  # one sentence
    result = json.loads(printed)
    assert not out.exists() and result["file"] is None and result["pages"] is None
    assert result["letters"] == 5 and "LibreOffice is not installed" in result["warning"]
    merged = docx.Document(str(tmp_path / "bureau.docx"))
    assert len(merged.sections) == 5
    rows = manifest(tmp_path / "bureau-manifest.csv")
    assert [r["account"] for r in rows] == address_order(examples) and {r["pages"] for r in rows} == {""}


def test_bad_runs_and_names_are_refused(billed: tuple[Revdesk, str], tmp_path: Path) -> None:
    cli, run = billed
    code, _, err = cli("letters", "print", "--run", run, "--out", str(tmp_path / "bureau.docx"))
    assert code == 2 and ".pdf" in err
    code, _, err = cli("letters", "print", "--run", "01a23d4b-be60-75be-8e83-a58d77002fcb", "--out",
                       str(tmp_path / "x.pdf"))
    assert code == 1 and "no batch run" in err
    code, _, err = cli("letters", "print", "--run", "nonsense", "--out", str(tmp_path / "x.pdf"))
    assert code == 2


def test_the_ensure_script_is_there_for_ci() -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "ensure_libreoffice"
    assert script.exists() and "libreoffice-writer-nogui" in script.read_text()
    assert shutil.which("bash")
