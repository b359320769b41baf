"""Merging letters into one Word document (each its own section, footer and bookmark) and
reading a PDF's pages and named destinations back: no database, no LibreOffice."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from app.adapters.docx_merge import bookmark_name, merge_letters
from app.adapters.libreoffice import pdf_pages
from app.letters import rendering
from tests.services.letter_data import notice_data


def test_letters_merge_into_one_document_each_its_own_section(tmp_path: Path) -> None:
    refs = ["70000001", "70000002", "70000003"]
    out = tmp_path / "merged.docx"
    assert merge_letters((rendering.render("demand_notice", notice_data(account_ref=r)) for r in refs), out) == 3
    merged = docx.Document(str(out))
    assert len(merged.sections) == 3
    footers = [s.footer.paragraphs[0].text for s in merged.sections]
    assert [r in f for r, f in zip(refs, footers, strict=True)] == [True, True, True]  # each letter keeps its own
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml").decode()
        footer_xml = z.read("word/print/2_footer1.xml").decode()
    assert [body.count(f'w:name="{bookmark_name(i)}"') for i in (1, 2, 3)] == [1, 1, 1]
    assert body.count('<w:pgNumType w:start="1"/>') == 3  # page numbers restart per letter
    assert "SECTIONPAGES" in footer_xml and "NUMPAGES" not in footer_xml.replace("SECTIONPAGES", "")
    text = "\n".join(p.text for p in merged.paragraphs)
    assert all(text.count(r) >= 1 for r in refs)


def test_nothing_to_merge_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no letters"):
        merge_letters([], tmp_path / "none.docx")


def _pdf(objects: dict[int, str], root: int) -> bytes:
    body = "".join(f"{n} 0 obj\n{text}\nendobj\n" for n, text in objects.items())
    return f"%PDF-1.4\n{body}trailer\n<</Root {root} 0 R>>\n%%EOF\n".encode()


def test_pages_and_where_each_letter_starts_are_read_from_the_pdf() -> None:
    pdf = _pdf({
        1: "<</Type/Catalog/Pages 2 0 R/Dests 9 0 R>>",
        2: "<</Type/Pages/Kids[ 3 0 R 4 0 R ]/Count 4>>",
        3: "<</Type/Pages/Parent 2 0 R/Kids[5 0 R 6 0 R 7 0 R]/Count 3>>",
        4: "<</Type/Page/Parent 2 0 R>>",
        5: "<</Type/Page/Parent 3 0 R>>", 6: "<</Type/Page/Parent 3 0 R>>", 7: "<</Type/Page/Parent 3 0 R>>",
        9: "<</L000001[5 0 R/XYZ 90 720 0]\n/L000002[7 0 R/XYZ 90 720 0]/L000003[4 0 R/XYZ 90 720 0]>>",
    }, root=1)
    assert pdf_pages(pdf) == (4, {"L000001": 1, "L000002": 3, "L000003": 4})
    with pytest.raises(ValueError, match="no catalogue"):
        pdf_pages(b"%PDF-1.4\n%%EOF")


def test_a_batch_renders_the_same_bytes_on_worker_processes() -> None:
    from app.letters import templates
    from app.letters.batch_render import render_batch

    template = (templates.TEMPLATES_DIR / "demand_notice.docx").read_bytes()
    key = ("demand_notice", templates.version_of(template))
    kept = b"PK\x03\x04 a letter kept as sent"
    tasks = [(key, notice_data(account_ref=f"7000000{i}")) for i in range(4)]
    mixed = [tasks[0], kept, *tasks[1:]]
    here = list(render_batch({key: template}, mixed, processes=0))
    assert here[1] == kept and here[0] == rendering.render("demand_notice", tasks[0][1])
    assert list(render_batch({key: template}, mixed, processes=2)) == here
