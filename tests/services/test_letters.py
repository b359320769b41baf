"""Letters: deterministic rendering, issuing, reproducing from data, template versions, export."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import shutil
import uuid
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.table import Table
from sqlalchemy import func, select

from app.accounts.summary import get_account_id
from app.billing.decisions import precept_table
from app.bootstrap import AppContext
from app.errors import NotFound, ValidationError
from app.letters import documents, export, rendering, templates
from app.models import AuditEvent, BatchRun, Document, LetterTemplate
from app.paths import ROOT
from app.settings import load_settings
from tests.services.helpers import load_examples
from tests.services.letter_data import notice_data

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text_of(content: bytes) -> str:
    """Every paragraph and table row of the document body, in order, one per line."""
    document = docx.Document(io.BytesIO(content))
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            lines.append("".join(t.text or "" for t in element.iter(f"{W}t")))
        elif element.tag == f"{W}tbl":
            for row in Table(element, document).rows:
                lines.append(" | ".join(cell.text.replace("\n", " / ") for cell in row.cells))
    return "\n".join(lines)


# --- rendering (no database) ------------------------------------------------------------

def test_money_and_date_filters() -> None:
    assert rendering.money(123456) == "£1,234.56"
    assert rendering.money(-1200) == "-£12.00"
    assert rendering.money(0) == "£0.00"
    assert rendering.ukdate("2026-11-23") == "23/11/2026"
    assert rendering.ukdate(date(2027, 3, 1)) == "01/03/2027"
    assert rendering.ukdate(None) == ""
    with pytest.raises(ValidationError, match="whole pence"):
        rendering.money(12.5)
    with pytest.raises(ValidationError, match="not a date"):
        rendering.ukdate("23/11/2026")


def test_render_is_deterministic() -> None:
    first = rendering.render("demand_notice", notice_data())
    assert rendering.render("demand_notice", notice_data()) == first
    assert rendering.render("demand_notice", notice_data(issued_on="2026-03-07")) != first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        names = package.namelist()
        assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = docx.Document(io.BytesIO(first)).core_properties
    assert props.created == props.modified == datetime(2026, 3, 6, tzinfo=UTC)


def test_demand_notice_reads_as_a_bill() -> None:
    text = text_of(rendering.render("demand_notice", notice_data()))
    assert "Example District Council" in text
    assert "Council Tax Demand Notice 2026/27" in text and "Amended" not in text
    assert "Mr Daniel Hughes / Ms Chloe Bennett & Son / 12 Station Road / Exampleton / EX1 4QT" in text
    assert "70000001" in text and "06/03/2026" in text
    assert "Valuation band | C" in text and "Parish | Little Example" in text
    assert "Band D council tax 2026/27 | £2,218.47" in text
    assert "01/07/2026 | 31/03/2027 | 274 | Band C, single person discount 25% | £1,110.25" in text
    assert "Less council tax reduction | -£120.00" in text
    assert "Net charge | £1,481.90" in text and "Less amount already paid | -£200.00" in text
    assert "Balance to pay | £1,281.90" in text
    assert "01/04/2026 | £128.27" in text and "01/01/2027 | £128.18" in text
    assert "quoting your account reference 70000001" in text and "You pay by Direct Debit" not in text
    # the council's contact block and ways to pay come from the [contact] settings (issue 16 part 4)
    assert "Online with a debit card at www.example.gov.uk/pay." in text
    assert ("Bank transfer to Example District Council Collection Fund, sort code 00-00-00, account number 00000000, "
            "with 70000001 as the payment reference.") in text
    assert "Phone 01632 960000 (Monday to Friday 9am to 5pm, Wednesday from 10am)." in text
    assert "Write to us at Council Offices, Market Street, Exampleton, EX1 1AA." in text
    assert "{{" not in text and "{%" not in text


def test_demand_notice_names_each_authority_and_its_change() -> None:
    """SI 2011/3038 Sch 1 paras 7-8, 10-11, 13, 15: each authority's amount for the band and its
    percentage change; the notes on discounts, reductions, penalties, 12 instalments and appeals."""
    settings = load_settings()
    table = precept_table(settings, 2026)
    assert table is not None
    shares = table.lines("Fenby", "C", False)
    data = notice_data(parish="Fenby", band_d_pence=218850, annual_charge_pence=194533, precepts=shares,
                       band_d_change=table.total_change("Fenby"))
    text = text_of(rendering.render("demand_notice", data))
    assert "Council tax for 2026/27 set by | Band D | Band C | Change on last year" in text
    assert "Example District Council | £246.30 | £218.93 | +3.7%" in text
    assert "Exampleshire County Council: adult social care | £240.00 | £213.33 | +9.1%" in text
    assert "Fenby parish council | £25.50 | £22.66 | +2.8%" in text
    assert "Total | £2,188.50 | £1,945.33 | +3.0%" in text  # 212,480 -> 218,850
    assert "The adult social care precept is part of" in text
    assert "penalty of £70" in text and "12 monthly instalments" in text and "the Valuation Tribunal." in text
    wales = notice_data(precepts=[], council={**data["council"], "country": "wales"})
    welsh = text_of(rendering.render("demand_notice", wales))
    assert "the Valuation Tribunal for Wales" in welsh and "Where your council tax goes" not in welsh
    assert "penalty of £50" in welsh  # SI 1993/255 Sch 1 para 8(c); England's is £70


def test_ways_to_pay_leave_out_what_the_council_has_not_set() -> None:
    data = notice_data()
    data["council"] = {**data["council"], "pay_online": "", "phone": "", "address_lines": [],
                       "bank": {**data["council"]["bank"], "sort_code": "", "account_number": ""}}
    text = text_of(rendering.render("demand_notice", data))
    assert "Online with" not in text and "Bank transfer" not in text and "Write to us" not in text
    assert "Phone" not in text and "Email counciltax@example.gov.uk." in text


def test_amended_notice_gives_reason_and_direct_debit_wording() -> None:
    data = notice_data(amended=True, reason="Ms Bennett moved out on 30 June 2026.", payment_method="dd", direct_debit=True,
                       parish="")
    text = text_of(rendering.render("amended_demand_notice", data))
    assert "Amended Council Tax Demand Notice 2026/27" in text
    assert "Ms Bennett moved out on 30 June 2026." in text
    assert "replaces the demand notice we sent you earlier for 2026/27" in text
    assert "You pay by Direct Debit" in text and "quoting your account reference" not in text
    assert "Parish" not in text
    # "dd" recorded but no live mandate: nothing will be collected, so the notice says how to pay
    unmandated = text_of(rendering.render("amended_demand_notice", {**data, "direct_debit": False}))
    assert "You pay by Direct Debit" not in unmandated and "quoting your account reference" in unmandated


def test_nothing_to_pay_and_credit() -> None:
    """A credit or a nil balance never asks for payment nor lists instalments, even when the
    re-profiled plan keeps the instalments that stood (issue 16 part 4: "pay the balance of -£394.28")."""
    for moved_out, how in ((True, "we will refund the credit to you"), (False, "We will carry the credit forward")):
        data = notice_data(amended=True, reason="Moved out.", balance_pence=-39428, moved_out=moved_out, direct_debit=True)
        text = text_of(rendering.render("amended_demand_notice", data))
        assert "Your credit | £394.28" in text and "Balance to pay" not in text
        assert "your account is in credit by that amount" in text and how in text
        assert "-£394.28" not in text and "Please pay" not in text and "Due date" not in text
        assert "Direct Debit" not in text.split("Your account is in credit")[1]  # nothing to collect
    nil = text_of(rendering.render("amended_demand_notice", notice_data(amended=True, reason="Moved out.", balance_pence=0)))
    assert "There is nothing more to pay for 2026/27." in nil and "Balance to pay | £0.00" in nil
    assert "Please pay" not in nil and "Due date" not in nil and "in credit" not in nil


def test_data_that_does_not_fit_the_template_is_refused() -> None:
    data = notice_data()
    del data["postcode"]
    with pytest.raises(ValidationError, match="postcode"):
        rendering.render("demand_notice", data)
    with pytest.raises(ValidationError, match="whole pence"):
        rendering.render("demand_notice", notice_data(balance_pence=12.5))
    with pytest.raises(NotFound):
        rendering.render("no_such_letter", notice_data())
    with pytest.raises(ValidationError):
        templates.template_version("../secrets")


def test_template_version_is_the_file_hash() -> None:
    path = templates.TEMPLATES_DIR / "demand_notice.docx"
    assert templates.template_version("demand_notice") == hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_template_generator_is_deterministic() -> None:
    spec = importlib.util.spec_from_file_location("make_letter_templates", ROOT / "scripts" / "make_letter_templates.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.build(amended=False) == generator.build(amended=False)
    assert generator.build(amended=True) != generator.build(amended=False)


# --- with a database --------------------------------------------------------------------

@pytest.fixture
def account_id(ctx: AppContext, examples: Path) -> uuid.UUID:
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        return get_account_id(uow, "70000001")


@pytest.fixture
def own_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A templates folder of the test's own, so a test can edit a template."""
    folder = tmp_path / "letters"
    shutil.copytree(templates.TEMPLATES_DIR, folder)
    monkeypatch.setattr(templates, "TEMPLATES_DIR", folder)
    return folder


def test_issue_letter_keeps_bytes_data_version_and_audit(ctx: AppContext, account_id: uuid.UUID) -> None:
    with ctx.db.uow() as uow:
        info = documents.issue_letter(
            uow, ctx.actor, account_id=account_id, kind="demand_notice", template="demand_notice",
            data=notice_data(), issued_on=date(2026, 3, 6), financial_year=2026,
        )
        uow.commit()
    assert info.has_content and info.template_version == templates.template_version("demand_notice")
    assert info.file_name == "demand_notice-70000001-2026-03-06.docx"
    with ctx.db.uow() as uow:
        doc = uow.session.get(Document, info.document_id)
        assert doc is not None and doc.data == notice_data() and doc.created_by == ctx.actor.username
        assert doc.content.startswith(documents.PACKED)  # kept compressed...
        assert documents.unpacked(doc.content) == rendering.render("demand_notice", notice_data())  # ...byte for byte
        stored = uow.session.scalars(select(LetterTemplate).where(LetterTemplate.name == "demand_notice")).one()
        assert stored.version == info.template_version
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.issued")).one()
        assert event.entity_id == info.document_id and event.account_id == account_id
        assert event.after and event.after["template_version"] == info.template_version
        assert documents.list_documents(uow, account_id) == [info]
        assert documents.document_bytes(uow, info.document_id) == (info.file_name, documents.unpacked(doc.content))


def test_issue_letter_refuses_data_dated_otherwise(ctx: AppContext, account_id: uuid.UUID) -> None:
    with ctx.db.uow() as uow, pytest.raises(ValidationError, match="2026-03-06"):
        documents.issue_letter(
            uow, ctx.actor, account_id=account_id, kind="demand_notice", template="demand_notice",
            data=notice_data(), issued_on=date(2026, 3, 9),
        )
    with ctx.db.uow() as uow, pytest.raises(NotFound):
        documents.issue_letter(
            uow, ctx.actor, account_id=uuid.uuid4(), kind="demand_notice", template="demand_notice",
            data=notice_data(), issued_on=date(2026, 3, 6),
        )


def test_ensure_template_stored_once(ctx: AppContext) -> None:
    with ctx.db.uow() as uow:
        first = templates.ensure_template_stored(uow, "demand_notice")
        assert templates.ensure_template_stored(uow, "demand_notice") == first
        uow.commit()
    with ctx.db.uow() as uow:
        assert templates.ensure_template_stored(uow, "demand_notice") == first
        uow.commit()
        assert uow.session.scalar(select(func.count()).select_from(LetterTemplate)) == 1


def _batch_run(ctx: AppContext, key: str) -> uuid.UUID:
    with ctx.db.uow() as uow:
        run = BatchRun(kind="billing", run_key=key, as_of=date(2026, 3, 6), created_by=ctx.actor.username)
        uow.session.add(run)
        uow.commit()
        return run.id


def _mass_letter(ctx: AppContext, account_id: uuid.UUID, run_id: uuid.UUID, data: dict[str, Any]) -> uuid.UUID:
    """What annual billing writes: data and template version, no bytes."""
    with ctx.db.uow() as uow:
        version = templates.ensure_template_stored(uow, "demand_notice")
        doc = Document(
            account_id=account_id, kind="demand_notice", template="demand_notice", template_version=version,
            file_name=documents.file_name_for("demand_notice", data["account_ref"], date(2026, 3, 6)), content=None, data=data,
            financial_year=2026, issued_on=date(2026, 3, 6), batch_run_id=run_id, created_by="billing",
        )
        uow.session.add(doc)
        uow.commit()
        return doc.id


def test_letter_without_bytes_is_rendered_again_identically(ctx: AppContext, account_id: uuid.UUID) -> None:
    run_id = _batch_run(ctx, "billing:2026")
    doc_id = _mass_letter(ctx, account_id, run_id, notice_data())
    with ctx.db.uow() as uow:
        name, content = documents.document_bytes(uow, doc_id)
        [info] = documents.list_documents(uow, account_id)
    assert name == "demand_notice-70000001-2026-03-06.docx"
    assert content == rendering.render("demand_notice", notice_data())
    assert not info.has_content and info.document_id == doc_id
    with ctx.db.uow() as uow, pytest.raises(NotFound):
        documents.document_bytes(uow, uuid.uuid4())


def test_edited_template_still_reproduces_the_old_letter(ctx: AppContext, account_id: uuid.UUID, own_templates: Path) -> None:
    run_id = _batch_run(ctx, "billing:2026")
    doc_id = _mass_letter(ctx, account_id, run_id, notice_data())
    sent = rendering.render("demand_notice", notice_data())
    old_version = templates.template_version("demand_notice")
    # An officer edits the template in Word (here: replaced with the amended wording).
    shutil.copyfile(own_templates / "amended_demand_notice.docx", own_templates / "demand_notice.docx")
    assert templates.template_version("demand_notice") != old_version
    assert rendering.render("demand_notice", notice_data()) != sent
    with ctx.db.uow() as uow:
        assert documents.document_bytes(uow, doc_id)[1] == sent
        assert rendering.render("demand_notice", notice_data(), version=old_version, uow=uow) == sent
    with pytest.raises(ValidationError, match="needs the database"):
        rendering.render("demand_notice", notice_data(), version=old_version)


def test_export_letters_writes_files_and_stops_when_cancelled(ctx: AppContext, account_id: uuid.UUID, tmp_path: Path) -> None:
    run_id = _batch_run(ctx, "billing:2026")
    for n in range(5):
        _mass_letter(ctx, account_id, run_id, notice_data(account_ref=f"7000000{n}"))
    seen: list[tuple[int, int]] = []
    out = tmp_path / "bureau"
    exported = export.export_letters(ctx.db, batch_run_id=run_id, out_dir=out, progress=lambda d, t: seen.append((d, t)),
                                     chunk_size=2)
    assert exported == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"demand_notice-7000000{n}-2026-03-06.docx" for n in range(5)]
    assert (out / files[3]).read_bytes() == rendering.render("demand_notice", notice_data(account_ref="70000003"))

    stopped = tmp_path / "stopped"
    progress: list[int] = []
    written = export.export_letters(
        ctx.db, batch_run_id=run_id, out_dir=stopped, progress=lambda d, t: progress.append(d),
        cancelled=lambda: bool(progress), chunk_size=2,
    )
    assert written == 2 and len(list(stopped.iterdir())) == 2
    with pytest.raises(NotFound):
        export.export_letters(ctx.db, batch_run_id=uuid.uuid4(), out_dir=tmp_path / "none")
