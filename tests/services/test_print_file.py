"""The print file's order and manifest on both databases: letters by postcode then address
(not by account or by when they were made), without LibreOffice here (the CLI tests convert)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from app.accounts.summary import get_account_id
from app.bootstrap import AppContext
from app.errors import ValidationError
from app.letters import documents, print_file, templates
from app.models import BatchRun, Document
from tests.services.helpers import load_examples
from tests.services.letter_data import notice_data

# (account, postcode, first address line): made in this order, printed by postcode then address
LETTERS = [("70000001", "EX9 2AA", "The Grange"), ("70000002", "ex1  4qt", "9 Station Road"),
           ("70000003", "EX1 4QT", "12 Station Road"), ("70000004", "", "No postcode"), ("70000005", "EX5 1AB", "Mill")]


@pytest.fixture
def run_id(ctx: AppContext, examples: Path) -> str:
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        version = templates.ensure_template_stored(uow, "demand_notice")
        run = BatchRun(kind="billing", run_key="billing:test", as_of=date(2026, 3, 6), created_by="clerk")
        uow.session.add(run)
        uow.session.flush()
        for ref, postcode, line in LETTERS:
            uow.session.add(Document(
                account_id=get_account_id(uow, ref), kind="demand_notice", template="demand_notice",
                template_version=version, file_name=documents.file_name_for("demand_notice", ref, date(2026, 3, 6)),
                data=notice_data(account_ref=ref, postcode=postcode, address_lines=[line, "Exampleton"]),
                financial_year=2026, issued_on=date(2026, 3, 6), batch_run_id=run.id, created_by="clerk",
            ))
        uow.commit()
        return str(run.id)


def test_letters_are_printed_by_postcode_then_address(ctx: AppContext, run_id: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    monkeypatch.setenv("REVDESK_SOFFICE", str(tmp_path / "absent"))
    made = print_file.print_run(ctx.db, batch_run_id=uuid.UUID(run_id), out=tmp_path / "p.pdf")
    assert made.letters == 5 and made.pages is None and made.file is None and made.warning
    with Path(made.manifest).open(encoding="utf-8") as f:
        order = [r["account"] for r in csv.DictReader(f)]
    assert order == ["70000003", "70000002", "70000005", "70000001", "70000004"]  # no postcode last
    with pytest.raises(ValidationError, match="already exist"):
        print_file.print_run(ctx.db, batch_run_id=uuid.UUID(run_id), out=tmp_path / "p.pdf")
