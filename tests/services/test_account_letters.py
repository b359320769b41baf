"""Letters an officer writes from an account: the one merge-data builder (people, forwarding
address, owed now, years, write-offs, council block), generating and keeping a letter as sent
(compressed, byte-identical), the council's templates folder, and templates refused before
any letter is made."""

from __future__ import annotations

import dataclasses
import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from app.bootstrap import AppContext
from app.casework.diary_codes import sync_diary_codes
from app.casework.tracing import record_gone_away, record_traced
from app.config import AuthoritySettings
from app.errors import ValidationError
from app.letters import catalogue, documents, rendering, templates
from app.letters.account_letters import (
    ACCOUNT_FIELDS,
    GeneratedLetter,
    account_letter_data,
    account_templates,
    generate_letter,
    split_address,
)
from app.letters.catalogue import TemplateBroken
from app.models import AuditEvent, Document, LetterTemplate
from app.settings.schema import LetterSettings
from tests.services.helpers import load_examples
from tests.services.money_helpers import OFFICER, post_charge

AS_OF = date(2025, 6, 30)
REF = "70000005"  # Jordan Price: nothing paid
NEW = ("writeoff_notification", "arrangement_default", "general_correspondence", "tracing_enquiry")


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    post_charge(ctx, REF, 2025, 150_000)
    post_charge(ctx, REF, 2024, 20_000)
    return ctx


def text_of(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def generate(ctx: AppContext, template: str, settings: AuthoritySettings | None = None, **kw: object) -> GeneratedLetter:
    with ctx.db.uow() as uow:
        return generate_letter(uow, OFFICER, settings or ctx.settings, account_ref=REF, template=template,
                               as_of=AS_OF, **kw)  # type: ignore[arg-type]


def letters_kept(ctx: AppContext) -> int:
    with ctx.db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Document)) or 0)


def with_folder(settings: AuthoritySettings, folder: Path) -> AuthoritySettings:
    return dataclasses.replace(settings, letters=LetterSettings(templates_folder=str(folder)))


def edit_body(content: bytes, old: str, new: str) -> bytes:
    """A copy of a .docx with text in word/document.xml replaced (what an officer does in Word)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                text = data.decode()
                assert old in text
                data = text.replace(old, new, 1).encode()
            target.writestr(item, data)
    return out.getvalue()


def test_split_address_finds_the_postcode() -> None:
    assert split_address("4 New Street\nOtherton, ot2 3ab") == (["4 New Street", "Otherton"], "OT2 3AB")
    assert split_address("Flat 2, The Mill") == (["Flat 2", "The Mill"], "")


def test_merge_data_from_the_account(loaded: AppContext) -> None:
    with loaded.db.uow() as uow:
        from app.accounts.summary import get_account_id

        account_id = get_account_id(uow, REF)
        data = account_letter_data(uow, loaded.settings, OFFICER, account_id, AS_OF, paragraph="Hello")
    assert data["names"] == data["taxpayer_names"] and data["names"] and "Price" in data["names"][0]
    assert data["owed_now_pence"] == 170_000 and not data["forwarded"]
    assert data["years"] == [{"year": 2024, "year_label": "2024/25", "balance_pence": 20_000},
                             {"year": 2025, "year_label": "2025/26", "balance_pence": 150_000}]
    assert data["council"]["name"] == loaded.settings.name and data["authority"] == loaded.settings.name
    assert data["officer"] == (OFFICER.display_name or OFFICER.username) and data["free_paragraph"] == "Hello"
    assert data["issued_on"] == "2025-06-30" and data["account_ref"] == REF
    assert set(data) == ACCOUNT_FIELDS
    assert set(NEW) <= {t.name for t in account_templates(None)} and "demand_notice" not in {
        t.name for t in account_templates(None)}


def test_a_traced_taxpayer_is_written_to_at_the_forwarding_address(loaded: AppContext) -> None:
    with loaded.db.uow() as uow:
        sync_diary_codes(uow, loaded.settings, OFFICER.username)
        uow.commit()
    with loaded.db.uow() as uow:
        record_gone_away(uow, OFFICER, account_ref=REF, as_of=AS_OF, note="Returned post")
        uow.commit()
    with loaded.db.uow() as uow:
        record_traced(uow, OFFICER, account_ref=REF, new_address="4 New Street, Otherton, OT2 3AB", as_of=AS_OF)
        uow.commit()
    letter = generate(loaded, "general_correspondence", paragraph="We have your new address.")
    with loaded.db.uow() as uow:
        doc = uow.session.get_one(Document, letter.document_id)
        assert doc.data is not None
        assert (doc.data["address_lines"], doc.data["postcode"], doc.data["forwarded"]) == (
            ["4 New Street", "Otherton"], "OT2 3AB", True)
        assert doc.data["last_known_address"] == "4 New Street, Otherton, OT2 3AB"
        _, content = documents.document_bytes(uow, letter.document_id)
    assert "OT2 3AB" in text_of(content)


@pytest.mark.parametrize("template", NEW)
def test_each_new_template_makes_a_letter_kept_as_sent(loaded: AppContext, template: str) -> None:
    letter = generate(loaded, template, paragraph="A word from the officer." if template != "writeoff_notification"
                      else "", recipient=("Acme Lettings Ltd", "1 High Street", "EX1 2AB") if template == "tracing_enquiry"
                      else ())
    assert letter.template_version == templates.template_version(template)
    with loaded.db.uow() as uow:
        doc = uow.session.get_one(Document, letter.document_id)
        assert doc.kind == "letter" and doc.template == template and doc.created_by == OFFICER.username
        raw = uow.session.scalar(select(Document.content).where(Document.id == letter.document_id))
        assert raw is not None and raw.startswith(documents.PACKED)  # compressed
        _, content = documents.document_bytes(uow, letter.document_id)
        assert doc.data is not None
        assert content == rendering.render_bytes(template, templates.TEMPLATES_DIR.joinpath(f"{template}.docx").read_bytes(),
                                                 doc.data)  # byte for byte what was rendered
        assert len(raw) < len(content) / 3
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.issued",
                                                            AuditEvent.entity_id == letter.document_id)).one()
        assert event.after and event.after["template"] == template
    text = text_of(content)
    assert REF in text and loaded.settings.name in text
    if template == "tracing_enquiry":
        assert "Acme Lettings Ltd" in text and "£" not in text.split("Contact us")[0]  # never the debt to a third party
    else:
        assert "£1,700.00" in text
    if template != "writeoff_notification":
        assert "A word from the officer." in text


def test_a_free_paragraph_only_where_the_template_has_one(loaded: AppContext) -> None:
    infos = {i.name: i for i in catalogue.list_templates(None)[0]}
    assert infos["general_correspondence"].free_paragraph and not infos["demand_notice"].free_paragraph
    with pytest.raises(ValidationError, match="no free paragraph"):
        generate(loaded, "demand_notice", paragraph="Hello")
    assert letters_kept(loaded) == 0


def test_a_batch_template_cannot_be_made_from_an_account(loaded: AppContext) -> None:
    with pytest.raises(TemplateBroken, match=r"demand_notice.*reads merge fields .*band_d_pence"):
        generate(loaded, "demand_notice")
    assert letters_kept(loaded) == 0


def test_the_council_folder_takes_precedence_and_old_versions_re_render(loaded: AppContext, tmp_path: Path) -> None:
    folder = tmp_path / "council"
    folder.mkdir()
    builtin = (templates.TEMPLATES_DIR / "general_correspondence.docx").read_bytes()
    (folder / "general_correspondence.docx").write_bytes(edit_body(builtin, "Dear ", "Dear neighbour "))
    settings = with_folder(loaded.settings, folder)
    infos = {i.name: i for i in catalogue.list_templates(settings.letters.folder)[0]}
    assert infos["general_correspondence"].source == "council" and infos["demand_notice"].source == "built-in"
    first = generate(loaded, "general_correspondence", settings, paragraph="One")
    assert first.template_version != templates.template_version("general_correspondence")
    (folder / "general_correspondence.docx").write_bytes(edit_body(builtin, "Dear ", "Hello "))
    second = generate(loaded, "general_correspondence", settings, paragraph="Two")
    assert second.template_version != first.template_version
    with loaded.db.uow() as uow:
        assert "Dear neighbour" in text_of(documents.document_bytes(uow, first.document_id)[1])
        assert "Hello" in text_of(documents.document_bytes(uow, second.document_id)[1])
        kept = set(uow.session.scalars(select(LetterTemplate.version)
                                       .where(LetterTemplate.name == "general_correspondence")))
    assert {first.template_version, second.template_version} <= kept


def test_templates_that_cannot_make_letters_are_named_before_any_letter(loaded: AppContext, tmp_path: Path) -> None:
    folder = tmp_path / "council"
    folder.mkdir()
    builtin = (templates.TEMPLATES_DIR / "general_correspondence.docx").read_bytes()
    (folder / "general_correspondence.docx").write_bytes(edit_body(builtin, "Dear ", "Dear {{ shoe_size }} "))
    (folder / "tracing_enquiry.docx").write_bytes(edit_body(builtin, "<w:body>", "<w:body><w:p>"))
    (folder / "arrangement_default.docx").write_bytes(b"not a word file")
    (folder / "own_letter.docx").write_bytes(edit_body(builtin, "Dear ", "Dear {{ names|join( }} "))
    shutil.copy(templates.TEMPLATES_DIR / "general_correspondence.docx", folder / "reply.docx")
    infos, problems = catalogue.list_templates(folder)
    named = {p.name: p for p in problems}
    assert set(named) == {"general_correspondence", "tracing_enquiry", "arrangement_default", "own_letter"}
    assert "shoe_size" in named["general_correspondence"].reason
    assert named["general_correspondence"].file == str(folder / "general_correspondence.docx")
    assert "Word XML is broken" in named["tracing_enquiry"].reason
    assert "not a Word" in named["arrangement_default"].reason
    assert "merge tag is broken" in named["own_letter"].reason
    assert {i.name for i in infos} >= {"reply", "writeoff_notification"}
    settings = with_folder(loaded.settings, folder)
    for name, why in (("general_correspondence", "shoe_size"), ("tracing_enquiry", "Word XML is broken")):
        with pytest.raises(TemplateBroken, match=why) as caught:
            generate(loaded, name, settings)
        assert str(folder / f"{name}.docx") in str(caught.value)
    assert generate(loaded, "reply", settings, paragraph="Thanks").template == "reply"
    assert letters_kept(loaded) == 1


def test_a_missing_council_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    infos, problems = catalogue.list_templates(tmp_path / "nowhere")
    assert problems and "does not exist" in problems[0].reason and infos


def test_letters_stored_before_compression_still_read(ctx: AppContext) -> None:
    assert documents.unpacked(b"PK\x03\x04plain") == b"PK\x03\x04plain"
    letter = b"PK\x03\x04" + bytes(range(256)) * 40
    assert documents.unpacked(documents.packed(letter)) == letter
