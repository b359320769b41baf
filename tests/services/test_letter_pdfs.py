"""Every letter template, made by the services that send it, converted to PDF by LibreOffice
(headless) as a print bureau or an officer's Word would open it, and the PDF's text read back
(issue 16 part 4: letters fit to post): the contact block on each, the court's name, address
and time on the summons, the authorities' shares on the demand notice, and never a request to
pay a negative sum.

LibreOffice (`soffice`) and poppler's `pdftotext` are system programs, not Python packages:
without them the test is skipped with the reason (`apt-get install libreoffice-writer-nogui
poppler-utils`). One database (SQLite): the services under test run on both elsewhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.summary import account_summary, get_account_id
from app.billing import liability_changes as liability
from app.billing.annual_run import run_annual_billing
from app.bootstrap import AppContext, bootstrap
from app.letters.documents import document_bytes
from app.letters.rendering import render
from app.models import Document
from app.paths import DEFAULT_SETTINGS
from app.recovery.arrangements import agreements
from app.recovery.enforcement.attachment import make_attachment_order
from app.recovery.enforcement.benefit import apply_benefit_deduction
from app.recovery.run import run_recovery
from tests.conftest import EXAMPLES, embedded_user
from tests.services.court_helpers import liability_order
from tests.services.court_venues import COURT_TOML
from tests.services.helpers import load_examples
from tests.services.money_helpers import OFFICER

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is absent: apt-get install libreoffice-writer-nogui"),
    pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed: apt-get install poppler-utils"),
]
TEMPLATES = ("demand_notice", "amended_demand_notice", "reminder", "final_notice", "summons", "arrangement_confirmation",
             "attachment_of_earnings_order", "benefit_deduction_application")
CONTACT = ("01632 960000", "www.example.gov.uk/counciltax", "Council Offices, Market Street, Exampleton, EX1 1AA")
# "pay ... -£12.00" anywhere in one sentence: a negative sum asked for
NEGATIVE_PAY = re.compile(r"\bpay\b[^.]*-£\d", re.IGNORECASE)


@pytest.fixture
def sent(sqlite_url: str, examples: Path, tmp_path: Path) -> Iterator[tuple[AppContext, dict[str, bytes]]]:
    """One letter of each template, as the services issue them (bytes of each .docx), for the
    example authority with the built-in file's `[contact]` block."""
    built_in = DEFAULT_SETTINGS.read_text(encoding="utf-8")
    contact = built_in[built_in.index("[contact]"):built_in.index("\n\n", built_in.index("[contact]"))]
    settings = tmp_path / "settings.toml"
    example = (EXAMPLES / "settings.toml").read_text(encoding="utf-8").replace(
        '"Fenby" = 212480 }\n',
        '"Fenby" = 212480 }\nprecepts = { "Example District Council" = 23750, "Exampleshire County Council" = 157250, '
        '"Exampleshire Police and Crime Commissioner" = 21800, "Exampleshire Fire and Rescue Authority" = 7200 }\n'
        'adult_social_care = { "Exampleshire County Council" = 22000 }\n')
    assert "precepts" in example
    settings.write_text(example + "\n" + contact + "\n" + COURT_TOML, encoding="utf-8")
    ctx = bootstrap(sqlite_url, str(settings), embedded_user(sqlite_url, "admin"))
    try:
        load_examples(ctx, examples)
        run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=date(2025, 3, 10))
        run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8))  # reminders
        run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 22))  # summonses, hearing 15/07/2025
        as_of = date(2025, 6, 20)
        with ctx.db.uow() as uow:
            period_id = account_summary(uow, "70000001", as_of).periods[0].period_id
        with ctx.db.uow() as uow:  # moved out after one month, £246 paid: in credit, to the forwarding address
            liability.move_out(uow, ctx.actor, ctx.settings, period_id=period_id, end_date=date(2025, 4, 30), as_of=as_of,
                               forwarding_address="4 New Road, Otherton, OT1 2AB")
        with ctx.db.uow() as uow:
            agreements.create_arrangement(uow, OFFICER, ctx.settings, account_ref="70000004", frequency="monthly",
                                          start=date(2025, 7, 1), end=date(2026, 3, 1), as_of=as_of,
                                          confirm_warnings=True)
        liability_order(ctx, "70000003", 2025, 110000)
        with ctx.db.uow() as uow:
            make_attachment_order(uow, OFFICER, ctx.settings, account_ref="70000003", employer_name="Exampleton Foods Ltd",
                                  employer_address="Unit 4, Dock Road, Exampleton EX1 1AA", payroll_ref="P123",
                                  pay_period="monthly", net_pay_pence=100000, made_on=date(2025, 7, 20),
                                  as_of=date(2025, 8, 1))
        liability_order(ctx, "70000002", 2025, 50000)
        with ctx.db.uow() as uow:
            apply_benefit_deduction(uow, OFFICER, ctx.settings, account_ref="70000002", benefit="universal_credit",
                                    uc_category="single_25_plus", applied_on=date(2025, 7, 20), as_of=date(2025, 8, 1))
        letters: dict[str, bytes] = {}
        with ctx.db.uow() as uow:
            for doc_id, template, data in uow.session.execute(
                select(Document.id, Document.template, Document.data).order_by(Document.issued_on, Document.file_name)
            ):
                if template not in letters:
                    letters[template] = document_bytes(uow, doc_id)[1]
                    if template == "reminder":  # the final notice has the same merge data (the run's)
                        letters["final_notice"] = render("final_notice", {**data, "stage": "final_notice"})
            moved = get_account_id(uow, "70000001")
            amended = uow.session.scalars(select(Document.id).where(Document.account_id == moved,
                                                                    Document.kind == "amended_demand_notice")).one()
            letters["amended_demand_notice"] = document_bytes(uow, amended)[1]
        yield ctx, letters
    finally:
        ctx.db.dispose()


def pdf_texts(letters: dict[str, bytes], folder: Path) -> dict[str, str]:
    """Convert every letter with one LibreOffice run, then read each PDF's text (layout kept)."""
    for name, content in letters.items():
        (folder / f"{name}.docx").write_bytes(content)
    profile = folder / "profile"  # its own profile: no clash with a desktop LibreOffice or another test
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(folder), *(str(folder / f"{name}.docx") for name in letters)],
        check=True, capture_output=True, timeout=300,
    )
    texts = {}
    for name in letters:
        pdf = folder / f"{name}.pdf"
        assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", name
        out = subprocess.run([str(PDFTOTEXT), "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
        texts[name] = re.sub(r"[ \t]+", " ", out.stdout.decode("utf-8"))
    return texts


def test_every_letter_converts_to_a_pdf_fit_to_post(sent: tuple[AppContext, dict[str, bytes]], tmp_path: Path) -> None:
    _ctx, letters = sent
    assert sorted(letters) == sorted(TEMPLATES)
    out = tmp_path / "pdf"
    out.mkdir()
    texts = pdf_texts(letters, out)
    flat = {name: " ".join(text.split()) for name, text in texts.items()}
    for name in TEMPLATES:
        text = flat[name]
        assert "{{" not in text and "{%" not in text, name
        assert "Example District Council" in text, name
        assert all(part in text for part in CONTACT), (name, "contact block")
        assert not NEGATIVE_PAY.search(text), (name, NEGATIVE_PAY.search(text))
    summons = flat["summons"]
    assert "Exampleton Magistrates' Court, The Court House, Castle Street, Exampleton, EX1 2BB" in summons
    assert "15/07/2025 at 10:00am" in summons
    amended = flat["amended_demand_notice"]
    assert "4 New Road" in texts["amended_demand_notice"] and "OT1 2AB" in amended
    assert "Your account is in credit" in amended and "we will refund the credit to you" in amended
    assert "Please pay" not in amended and "Your instalments" not in amended
    notice = flat["demand_notice"]
    assert "Where your council tax goes" in notice and "Exampleshire County Council: adult social care £220.00" in notice
    assert "the Valuation Tribunal" in flat["demand_notice"] and "penalty of £70" in flat["demand_notice"]
    for name in ("reminder", "final_notice"):
        assert "Sort code" in flat[name] or "sort code 00-00-00" in flat[name], name  # bank details to pay
