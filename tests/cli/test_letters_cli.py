"""`revdesk letters export` and `revdesk document show`, driven in-process through app.cli.main."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest

from app.accounts.summary import get_account_id
from app.cli import main
from app.db import make_database
from app.letters import documents, rendering, templates
from app.models import BatchRun, Document
from app.users.roles import Actor, Role
from tests.services.letter_data import notice_data


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *(["--user", "clerk"] if db.startswith("sqlite") else []), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def letters_db(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> tuple[str, uuid.UUID, uuid.UUID, uuid.UUID]:
    """The example accounts, one letter issued singly and a billing run of three (data only).

    Returns (database URL, run id, issued document id, a run document id).
    """
    for kind in ("properties", "accounts"):
        code, _, err = run(capsys, db_url, "--settings", str(examples / "settings.toml"), "import", kind,
                           str(examples / f"{kind}.csv"))
        assert code == 0, err
    db = make_database(db_url)
    try:
        with db.uow() as uow:
            actor = Actor("clerk", Role.ADMIN)
            account_id = get_account_id(uow, "70000001")
            issued = documents.issue_letter(
                uow, actor, account_id=account_id, kind="amended_demand_notice", template="amended_demand_notice",
                data=notice_data(amended=True, reason="Band changed."), issued_on=date(2026, 3, 6), financial_year=2026,
            )
            version = templates.ensure_template_stored(uow, "demand_notice")
            batch = BatchRun(kind="billing", run_key="billing:2026", as_of=date(2026, 3, 6), created_by="clerk")
            uow.session.add(batch)
            uow.session.flush()
            docs = [
                Document(
                    account_id=account_id, kind="demand_notice", template="demand_notice", template_version=version,
                    file_name=documents.file_name_for("demand_notice", ref, date(2026, 3, 6)),
                    data=notice_data(account_ref=ref), financial_year=2026, issued_on=date(2026, 3, 6),
                    batch_run_id=batch.id, created_by="clerk",
                )
                for ref in ("70000001", "70000002", "70000003")
            ]
            uow.session.add_all(docs)
            uow.commit()
            return db_url, batch.id, issued.document_id, docs[1].id
    finally:
        db.dispose()


def test_letters_export(
    capsys: pytest.CaptureFixture[str], letters_db: tuple[str, uuid.UUID, uuid.UUID, uuid.UUID], tmp_path: Path
) -> None:
    db_url, run_id, _, _ = letters_db
    out = tmp_path / "bureau"
    code, stdout, err = run(capsys, db_url, "letters", "export", "--run", str(run_id), "--out", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout) == {"run": str(run_id), "exported": 3, "out": str(out)}
    assert sorted(p.name for p in out.iterdir()) == [f"demand_notice-7000000{n}-2026-03-06.docx" for n in (1, 2, 3)]
    assert (out / "demand_notice-70000002-2026-03-06.docx").read_bytes() == rendering.render(
        "demand_notice", notice_data(account_ref="70000002")
    )
    code, stdout, _ = run(capsys, db_url, "letters", "export", "--run", str(run_id), "--out", str(out))
    assert code == 0 and stdout.strip() == f"Wrote 3 letters to {out}."


def test_letters_export_bad_or_unknown_run(capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path) -> None:
    code, out, err = run(capsys, sqlite_url, "letters", "export", "--run", "nonsense", "--out", str(tmp_path), "--json")
    assert code == 2 and out == "" and err.strip() == "revdesk: 'nonsense' is not a batch run id"
    unknown = uuid.uuid4()
    code, out, err = run(capsys, sqlite_url, "letters", "export", "--run", str(unknown), "--out", str(tmp_path), "--json")
    assert code == 1 and out == "" and err.strip() == f"revdesk: There is no batch run {unknown}."


def test_document_show(
    capsys: pytest.CaptureFixture[str], letters_db: tuple[str, uuid.UUID, uuid.UUID, uuid.UUID], tmp_path: Path
) -> None:
    db_url, _, issued_id, run_doc_id = letters_db
    target = tmp_path / "letter.docx"
    code, out, err = run(capsys, db_url, "document", "show", str(issued_id), "--out", str(target))
    assert code == 0, err
    assert out.strip() == f"Wrote amended_demand_notice-70000001-2026-03-06.docx to {target}."
    expected = rendering.render("amended_demand_notice", notice_data(amended=True, reason="Band changed."))
    assert target.read_bytes() == expected

    code, out, _ = run(capsys, db_url, "document", "show", str(run_doc_id), "--out", str(target), "--json")
    assert code == 0
    assert json.loads(out)["file_name"] == "demand_notice-70000002-2026-03-06.docx"
    assert target.read_bytes() == rendering.render("demand_notice", notice_data(account_ref="70000002"))

    missing = uuid.uuid4()
    code, out, err = run(capsys, db_url, "document", "show", str(missing), "--out", str(target))
    assert code == 1 and err.strip() == f"revdesk: There is no document {missing}."
    code, _, err = run(capsys, db_url, "document", "show", str(missing), "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err
