"""Build the council tax demand notice templates in resources/letters/.

    .venv/bin/python scripts/make_letter_templates.py

Writes `demand_notice.docx` and `amended_demand_notice.docx`: tidy A4 letters with docxtpl
(Jinja) tags for the merge data the billing service produces (money as integer pence,
formatted with `|money`; dates as ISO text, formatted with `|ukdate`). Council officers may
edit the files in Word afterwards (keep the {{ ... }} and {% ... %} tags whole); from then on
the edited files are the templates and this script is only a starting point.

The output is deterministic (fixed document dates, zip entry dates and order), so running
the script again gives identical files and the templates' versions (their SHA-256) do not
change unless the wording or layout does.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from app.letters.rendering import normalise_docx
from app.letters.templates import TEMPLATES_DIR

FONT = "Arial"
INK = RGBColor(0x1F, 0x1F, 0x1F)
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
MUTED = RGBColor(0x59, 0x59, 0x59)
RULE = "1F3A5F"
LINE = "BFBFBF"
SHADE = "E8EEF5"
BUILT = datetime(2026, 1, 1)  # fixed document dates: the same script gives the same bytes

# Word refuses properties out of schema order, so each is inserted before what must follow it.
P_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
TBL_AFTER_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
TC_AFTER_SHADING = (
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers", "w:cellIns",
    "w:cellDel", "w:cellMerge", "w:tcPrChange",
)


def build(amended: bool) -> bytes:
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    body = doc

    _para(body, "{{ authority }}", size=18, bold=True, color=ACCENT, after=0)
    sub = _para(body, "Council Tax  ·  Revenues Service", size=10, color=MUTED, after=10)
    _bottom_rule(sub)

    _address_block(doc)

    title = "Amended Council Tax Demand Notice {{ year_label }}" if amended else "Council Tax Demand Notice {{ year_label }}"
    _para(body, title, size=15, bold=True, color=ACCENT, before=12, after=2)
    _para(body, "Council tax for 1 April {{ year }} to 31 March {{ year + 1 }}", color=MUTED, after=8)

    if amended:
        _heading(body, "Why you have received this notice")
        _para(body, "{{ reason }}")
        _para(
            body,
            "This notice replaces the demand notice we sent you earlier for {{ year_label }}."
            "{% if balance_pence > 0 and instalments %} The instalments shown below replace the instalments on that "
            "notice.{% endif %}",
        )

    _heading(body, "Your property")
    facts = _table(doc, [("Property", "{{ property_address }}"), ("Valuation band", "{{ band }}")], [55, 115], grid=False)
    _add_conditional_row(facts, "parish", ("Parish", "{{ parish }}"))
    for label, value in (
        ("Band D council tax {{ year_label }}", "{{ band_d_pence|money }}"),
        ("Annual charge for band {{ band }}", "{{ annual_charge_pence|money }}"),
    ):
        _row(facts, (label, value))
    _bold_column(facts, 0)

    # SI 2011/3038 Sch 1 paras 7-8, 10-11, 13, 15 (Wales: SI 1993/255 Sch 1 as amended): each
    # authority's amount for the band and its change from the year before.
    _para(body, "{%p if precepts %}")
    _heading(body, "Where your council tax goes")
    shares = _table(doc, [("Council tax for {{ year_label }} set by", "Band D", "Band {{ band }}", "Change on last year")],
                    [88, 26, 26, 30], header=True)
    _row(shares, ("{%tr for share in precepts %}", "", "", ""))
    _row(shares, ("{{ share['authority'] }}", "{{ share['band_d_pence']|money }}", "{{ share['band_pence']|money }}",
                  "{{ share['change'] or '–' }}"))
    _row(shares, ("{%tr endfor %}", "", "", ""))
    _row(shares, ("Total", "{{ band_d_pence|money }}", "{{ annual_charge_pence|money }}", "{{ band_d_change or '–' }}"))
    for cell in shares.rows[-1].cells:
        _bold(cell)
    for column in (1, 2, 3):
        _align_column(shares, column, WD_ALIGN_PARAGRAPH.RIGHT)
    _para(body, "{%p if precepts|selectattr('adult_social_care')|list %}")
    _para(body, "The adult social care precept is part of the amount of the council responsible for adult social care. "
                "The Government allows councils with those duties to raise council tax by an extra amount to pay for "
                "adult social care; the line above shows that part of the charge and its change.", size=9, color=MUTED)
    _para(body, "{%p endif %}")
    _para(body, "The full-year amounts are before any discount, exemption or reduction; the changes are against the "
                "amounts for the year before, to one decimal place (– where we do not hold last year's figure).",
          size=9, color=MUTED)
    _para(body, "{%p endif %}")

    _heading(body, "How your charge is worked out")
    lines = _table(doc, [("From", "To", "Days", "Description", "Amount")], [24, 24, 14, 78, 30], header=True)
    _row(lines, ("{%tr for line in lines %}", "", "", "", ""))
    _row(lines, (
        "{{ line['from']|ukdate }}", "{{ line['to']|ukdate }}", "{{ line['days'] }}",
        "{{ line['description'] }}", "{{ line['amount_pence']|money }}",
    ))
    _row(lines, ("{%tr endfor %}", "", "", "", ""))
    _align_column(lines, 2, WD_ALIGN_PARAGRAPH.RIGHT)
    _align_column(lines, 4, WD_ALIGN_PARAGRAPH.RIGHT)
    _para(body, "", after=0, size=4)

    totals = _table(doc, [
        ("Council tax charge", "{{ charge_pence|money }}"),
        ("Less council tax reduction", "{{ (0 - reduction_pence)|money }}"),
        ("Net charge", "{{ net_charge_pence|money }}"),
        ("Less amount already paid", "{{ (0 - paid_pence)|money }}"),
        ("{% if balance_pence < 0 %}Your credit{% else %}Balance to pay{% endif %}",
         "{{ (balance_pence if balance_pence > 0 else 0 - balance_pence)|money }}"),
    ], [70, 30], grid=True, align=WD_TABLE_ALIGNMENT.RIGHT)
    _align_column(totals, 1, WD_ALIGN_PARAGRAPH.RIGHT)
    for index in (2, 4):
        for cell in totals.rows[index].cells:
            _bold(cell)
    for cell in totals.rows[4].cells:
        _shade(cell, SHADE)

    # A credit or a nil balance never asks for payment nor lists instalments (issue 16 part 4).
    _para(body, "{%p if balance_pence > 0 and instalments %}")
    _heading(body, "Your instalments")
    _para(body, "Please pay the balance of {{ balance_pence|money }} by these instalments, each by the date shown:")
    plan = _table(doc, [("Due date", "Amount")], [40, 30], header=True)
    _row(plan, ("{%tr for instalment in instalments %}", ""))
    _row(plan, ("{{ instalment['due']|ukdate }}", "{{ instalment['amount_pence']|money }}"))
    _row(plan, ("{%tr endfor %}", ""))
    _align_column(plan, 1, WD_ALIGN_PARAGRAPH.RIGHT)
    _para(body, "{%p elif balance_pence < 0 %}")
    _heading(body, "Your account is in credit")
    _para(body, "You have paid {{ (0 - balance_pence)|money }} more than the council tax for {{ year_label }}, so your "
                "account is in credit by that amount. You do not need to pay anything more for {{ year_label }}.", bold=True)
    _para(body, "{%p if moved_out %}")
    _para(body, "As you have moved out, we will refund the credit to you. Please tell us how you would like it paid (the "
                "name of the account holder, the sort code and the account number of your bank account), quoting your "
                "account reference {{ account_ref }}. If you owe council tax for another year, we will use the credit "
                "to pay that first and refund what is left.")
    _para(body, "{%p else %}")
    _para(body, "We will carry the credit forward and use it towards your council tax for next year, or towards any "
                "council tax you owe for another year. If you would rather have it refunded, please contact us, quoting "
                "your account reference {{ account_ref }}, and we will pay it to you.")
    _para(body, "{%p endif %}")
    _para(body, "{%p else %}")
    _para(body, "There is nothing more to pay for {{ year_label }}.", bold=True, before=8)
    _para(body, "{%p endif %}")

    _para(body, "{%p if balance_pence > 0 %}")
    _heading(body, "How to pay")
    _para(body, "{%p if direct_debit %}")
    _para(
        body,
        "You pay by Direct Debit. We will collect each instalment shown above from your bank "
        "account on or just after its due date. You do not need to do anything"
        + (": the new amounts will be collected automatically." if amended else "."),
    )
    _para(body, "{%p else %}")
    _para(body, "Please pay each instalment by its due date, quoting your account reference {{ account_ref }}.")
    ways_to_pay(body)
    _para(body, "{%p endif %}")
    _para(
        body,
        "If you do not pay an instalment on time we will send you a reminder. If you still do "
        "not pay, you will lose the right to pay by instalments and the whole balance for the "
        "year will become due. If you are having difficulty paying, please contact us straight "
        "away: we can often agree a plan, and you may be entitled to council tax reduction.",
        before=6,
    )
    _para(body, "{%p endif %}")

    explanatory_notes(body)
    contact_us(body)

    _footer(doc)
    return finish(doc, "Amended Council Tax Demand Notice" if amended else "Council Tax Demand Notice", "Council tax")


# --- layout helpers ----------------------------------------------------------------------

def _page_setup(doc) -> None:  # type: ignore[no-untyped-def]
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(16), Mm(18)
    section.header_distance, section.footer_distance = Mm(8), Mm(8)


def _styles(doc) -> None:  # type: ignore[no-untyped-def]
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.font.color.rgb = INK
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1


def _para(container, text: str, *, size: float | None = None, bold: bool = False, color: RGBColor | None = None,
          before: float | None = None, after: float | None = None) -> Paragraph:  # type: ignore[no-untyped-def]
    paragraph = container.add_paragraph()
    _fill(paragraph, text, size=size, bold=bold, color=color)
    if before is not None:
        paragraph.paragraph_format.space_before = Pt(before)
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _fill(paragraph: Paragraph, text: str, *, size: float | None = None, bold: bool = False,
          color: RGBColor | None = None) -> None:
    if not text:
        return
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color


def _heading(container, text: str) -> Paragraph:  # type: ignore[no-untyped-def]
    paragraph = _para(container, text, size=11, bold=True, color=ACCENT, before=10, after=4)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _bullet(container, lead: str, rest: str) -> None:  # type: ignore[no-untyped-def]
    paragraph = container.add_paragraph()
    paragraph.paragraph_format.left_indent = Mm(6)
    paragraph.paragraph_format.first_line_indent = Mm(-4)
    paragraph.add_run("•\u00a0\u00a0")
    paragraph.add_run(lead).bold = True
    paragraph.add_run(rest)


def ways_to_pay(container) -> None:  # type: ignore[no-untyped-def]
    """The ways to pay, from the council's `[contact]` settings (each left out where not set)."""
    _bullet(container, "Direct Debit", " – the easiest way to pay: ask us to set one up"
            "{% if council.web %}, or apply at {{ council.web }}{% endif %}.")
    _para(container, "{%p if council.pay_online %}")
    _bullet(container, "Online", " with a debit card at {{ council.pay_online }}.")
    _para(container, "{%p endif %}")
    _para(container, "{%p if council.payment_phone %}")
    _bullet(container, "By phone", " with a debit card on {{ council.payment_phone }}.")
    _para(container, "{%p endif %}")
    _para(container, "{%p if council.bank.sort_code %}")
    _bullet(container, "Bank transfer", " to {{ council.bank.account_name }}, sort code {{ council.bank.sort_code }}, "
            "account number {{ council.bank.account_number }}, with {{ account_ref }} as the payment reference.")
    _para(container, "{%p endif %}")


def explanatory_notes(container) -> None:  # type: ignore[no-untyped-def]
    """The notes a demand notice must carry (SI 2011/3038 Sch 1 Part 3 in England; SI 1993/255
    Sch 1 as amended in Wales): discounts, exemptions, reductions and premiums and the duty to
    tell us of changes, 12 instalments on request, and how to appeal."""
    _heading(container, "Discounts, exemptions and reductions")
    for lead, rest in (
        ("Discounts. ", "The full charge assumes two or more adults live in the property. If only one adult lives "
                        "there, the charge is reduced by 25%; some people (such as full-time students, apprentices, "
                        "carers and people who are severely mentally impaired) are not counted. If nobody counts, the "
                        "discount is 50%."),
        ("Exemptions. ", "Some properties are exempt: for example those left empty after a death, occupied only by "
                         "students, or empty because the person who lived there is in hospital or a care home."),
        ("Disabled band reduction. ", "If the property has a feature essential for a disabled person who lives there, "
                                      "the charge may be worked out as if it were in the band below."),
        ("Council tax reduction. ", "If you are on a low income you may get help from our council tax reduction "
                                    "scheme; hardship help is also available in some cases."),
        ("Premiums. ", "A home left empty and unfurnished for a long time, or a second home, may be charged more than "
                       "the full charge; any premium is shown in the lines above."),
    ):
        _bullet(container, lead, rest)
    _para(container, "You must tell us within 21 days if you think you are no longer entitled to a discount, "
                     "exemption or reduction shown on this notice; you may be charged a penalty of "
                     "{% if council.country == 'wales' %}£50{% else %}£70{% endif %} if you do not.",
          size=9)
    _para(container, "If you would like to pay by 12 monthly instalments instead of 10, please ask us (by phone, email "
                     "or in writing); we will send a new notice.", size=9)
    _heading(container, "Your rights of appeal")
    _para(container, "If you think you should not pay council tax, or that the amount is wrong (for example because a "
                     "discount, exemption or reduction should apply), please write to us saying why. If you disagree "
                     "with our answer, or we have not answered within two months, you may appeal to "
                     "{% if council.country == 'wales' %}the Valuation Tribunal for Wales{% else %}the Valuation "
                     "Tribunal{% endif %}. If you think your property is in the wrong valuation band, contact the "
                     "Valuation Office Agency. Please keep paying while your challenge or appeal is considered; "
                     "anything overpaid will be refunded.", size=9, color=MUTED)
    _para(container, "Information about how your council tax is worked out and how the money is spent, including "
                     "each authority's spending and council tax requirement, is on our website"
                     "{% if council.web %} at {{ council.web }}{% endif %}; we will send a printed copy if you ask.",
          size=9, color=MUTED)


def contact_us(container) -> None:  # type: ignore[no-untyped-def]
    """How to reach the council, from the `[contact]` settings: on every letter to a taxpayer."""
    _heading(container, "Contact us")
    _para(container, "{% if council.phone %}Phone {{ council.phone }}{% if council.opening_hours %} "
                     "({{ council.opening_hours }}){% endif %}.  {% endif %}{% if council.email %}Email "
                     "{{ council.email }}.  {% endif %}{% if council.web %}Online {{ council.web }}.{% endif %}", after=2)
    _para(container, "{%p if council.address_lines %}")
    _para(container, "Write to us at {{ council.address_lines|join(', ') }}.")
    _para(container, "{%p endif %}")
    _para(container, "Please quote your account reference {{ account_ref }}.", size=9, color=MUTED)


def _bottom_rule(paragraph: Paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "4"), ("w:color", RULE)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *P_AFTER_BORDER)


def _table(doc, rows: list[tuple[str, ...]], widths_mm: list[int], *, header: bool = False, grid: bool = True,  # type: ignore[no-untyped-def]
           align: WD_TABLE_ALIGNMENT = WD_TABLE_ALIGNMENT.LEFT) -> Table:
    table = doc.add_table(rows=0, cols=len(widths_mm))
    table.alignment = align
    table.autofit = False
    _table_borders(table, grid)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for values in rows:
        _row(table, values)
    if header:
        for cell in table.rows[0].cells:
            _bold(cell)
            _shade(cell, SHADE)
        _repeat_header(table.rows[0])
    return table


def _row(table: Table, values: tuple[str, ...]) -> None:
    row = table.add_row()
    for cell, value, column in zip(row.cells, values, table.columns, strict=True):
        cell.width = column.width
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(1)
        paragraph.paragraph_format.space_before = Pt(1)
        _fill(paragraph, value)


def _add_conditional_row(table: Table, condition: str, values: tuple[str, str]) -> None:
    _row(table, (f"{{%tr if {condition} %}}", ""))
    _row(table, values)
    _row(table, ("{%tr endif %}", ""))


def _table_borders(table: Table, grid: bool) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        visible = grid and edge in ("top", "bottom", "insideH")
        element.set(qn("w:val"), "single" if visible else "nil")
        if visible:
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), LINE)
        borders.append(element)
    properties.insert_element_before(borders, "w:shd", "w:tblLayout", *TBL_AFTER_MARGINS)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("left", "80"), ("right", "80")):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), width)
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.insert_element_before(margins, *TBL_AFTER_MARGINS)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *TC_AFTER_SHADING)


def _bold(cell: _Cell) -> None:
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.bold = True


def _bold_column(table: Table, index: int) -> None:
    for row in table.rows:
        text = row.cells[index].text
        if not text.startswith("{%"):
            _bold(row.cells[index])


def _align_column(table: Table, index: int, alignment: WD_ALIGN_PARAGRAPH) -> None:
    for row in table.rows:
        for paragraph in row.cells[index].paragraphs:
            paragraph.alignment = alignment


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _address_block(doc) -> None:  # type: ignore[no-untyped-def]
    """Names and postal address on the left (for a window envelope), reference and date on the right."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _table_borders(table, grid=False)
    left, right = table.rows[0].cells
    for cell, width in ((left, 100), (right, 70)):
        cell.width = Mm(width)
    for column, width in zip(table.columns, (100, 70), strict=True):
        column.width = Mm(width)
    lines = [
        "{%p for name in names %}", "{{ name }}", "{%p endfor %}",
        "{%p for line in address_lines %}", "{{ line }}", "{%p endfor %}",
        "{{ postcode }}",
    ]
    left.paragraphs[0].add_run(lines[0])
    for text in lines[1:]:
        _cell_line(left, text)
    right.paragraphs[0].add_run("Account reference").bold = True
    _cell_line(right, "{{ account_ref }}", size=13, bold=True, color=ACCENT)
    _cell_line(right, "Date of issue", bold=True, before=4)
    _cell_line(right, "{{ issued_on|ukdate }}")
    _cell_line(right, "Please quote your account reference whenever you contact us or pay.", size=8.5,
               color=MUTED, before=4)
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.space_after = Pt(0)
    _shade(right, SHADE)


def _cell_line(cell: _Cell, text: str, *, size: float | None = None, bold: bool = False,
               color: RGBColor | None = None, before: float | None = None) -> None:
    paragraph = cell.add_paragraph()
    _fill(paragraph, text, size=size, bold=bold, color=color)
    if before is not None:
        paragraph.paragraph_format.space_before = Pt(before)


def _footer(doc) -> None:  # type: ignore[no-untyped-def]
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fill(paragraph, "{{ authority }}  ·  Council Tax  ·  Account {{ account_ref }}  ·  Page ", size=8, color=MUTED)
    _field(paragraph, "PAGE")
    _fill(paragraph, " of ", size=8, color=MUTED)
    _field(paragraph, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")
    properties.append(size)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def finish(doc, title: str, subject: str) -> bytes:  # type: ignore[no-untyped-def]
    """The end of every template: fixed document properties, unused parts pruned, deterministic bytes.

    Shared by scripts/make_recovery_letters.py and scripts/make_casework_letters.py.
    """
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = props.last_modified_by = "Revenues Desk"
    props.comments = "Letter template: edit the wording in Word, keeping the merge tags whole."
    props.created = props.modified = props.last_printed = BUILT
    props.revision = 1
    props.keywords = props.category = props.content_status = props.identifier = props.language = props.version = ""
    _prune(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_docx(buffer.getvalue())


def write_templates(builders: dict[str, Callable[[], bytes]]) -> None:
    """Write each template that changed (unchanged files keep their bytes, so their version)."""
    TEMPLATES_DIR.mkdir(parents=True, exist_ok=True)
    for name, builder in builders.items():
        path: Path = TEMPLATES_DIR / f"{name}.docx"
        content = builder()
        changed = not path.exists() or path.read_bytes() != content
        if changed:
            path.write_bytes(content)
        print(f"{path}: {'written' if changed else 'unchanged'} ({len(content):,} bytes)")


KEEP_STYLES = {
    "Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header", "HeaderChar", "Footer",
    "FooterChar", "Heading1", "Heading2", "Heading1Char", "Heading2Char", "ListParagraph",
    "ListBullet", "ListBullet2", "ListBullet3", "ListNumber", "ListNumber2", "ListNumber3",
}
DROP_PARTS = ("/stylesWithEffects", "/customXml", "/webSettings", "/thumbnail")


def _prune(doc) -> None:  # type: ignore[no-untyped-def]
    """Leave out what python-docx's blank document carries and a letter never uses.

    Its styles (hundreds of table styles) and Word 2010's duplicate `stylesWithEffects`
    make 800 KB; letters are stored uncompressed (see app.letters.rendering.normalise_docx),
    so every rendered letter would carry them.
    """
    for rels in (doc.part.rels, doc.part.package.rels):
        for rel_id, rel in list(rels.items()):
            if rel.reltype.endswith(DROP_PARTS):
                rels.pop(rel_id)
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in KEEP_STYLES:
            styles.remove(style)


# --- recovery letters (attachment of earnings, deductions from benefit) -------------------

def build_attachment_of_earnings_order() -> bytes:
    """The order sent to the employer (AER 1992 reg 37-39), with the Schedule 4 table to use."""
    doc = _recovery_letter_start("Attachment of Earnings Order")
    body = doc
    _para(body, "Council tax attachment of earnings order {{ case_ref }}", size=15, bold=True, color=ACCENT, before=12, after=2)
    _para(body, "Council Tax (Administration and Enforcement) Regulations 1992, regulations 37 to 42 and Schedule 4",
          color=MUTED, after=8)
    _para(body, "To {{ employer_name }}{% if payroll_ref %} (payroll reference {{ payroll_ref }}){% endif %}:")
    _para(
        body,
        "A liability order was made by the magistrates' court on {{ liability_order_date|ukdate }} against your employee "
        "named below for council tax for {{ year_label }}. Under regulation 37 we order you to make deductions from "
        "their earnings and pay them to us until the amount below has been paid.",
    )
    _heading(body, "Your employee")
    facts = _table(doc, [
        ("Name", "{{ debtor_name }}"), ("Address", "{{ debtor_address }}"), ("Account reference", "{{ account_ref }}"),
        ("Amount to be paid", "{{ debt_pence|money }}"), ("Pay period", "{{ pay_period }}"),
        ("Order in date order", "{{ priority }}"),
    ], [55, 115], grid=False)
    _bold_column(facts, 0)

    _heading(body, "How much to deduct each pay day")
    _para(
        body,
        "On each pay day, work out the employee's net earnings (after income tax, employee's national insurance and "
        "pension contributions) and deduct the percentage shown in {{ table_name }} of {{ source }}. The percentage "
        "applies to the whole of the net earnings, except in the top band. You may also deduct {{ admin_fee_pence|money }} "
        "towards your costs each time you make a deduction.",
    )
    table = _table(doc, [("Net earnings", "Deduction rate")], [120, 40], header=True)
    _row(table, ("{%tr for band in bands %}", ""))
    _row(table, ("{{ band['band'] }}", "{{ band['percent'] }}%"))
    _row(table, ("{%tr endfor %}", ""))
    _align_column(table, 1, WD_ALIGN_PARAGRAPH.RIGHT)
    _para(body, "{%p if has_example %}")
    _para(body, "For example, net earnings of {{ net_pence|money }} each {{ pay_period }} pay day give a deduction of "
                "{{ deduction_pence|money }}.", bold=True, before=6)
    _para(body, "{%p endif %}")
    _heading(body, "What you must do")
    _para(
        body,
        "Pay the deductions to us by the 19th of the month after the month in which they were made, quoting the order "
        "reference {{ case_ref }}. Tell us in writing within 14 days if the employee leaves your employment or you are "
        "not their employer. If there is more than one order for this employee, deal with them in date order. It is an "
        "offence to fail to comply with this order without reasonable excuse.",
    )
    return _recovery_letter_end(doc, "Attachment of Earnings Order")


def build_benefit_deduction_application() -> bytes:
    """The application to the DWP for deductions from benefit (SI 1993/494)."""
    doc = _recovery_letter_start("Application for Deductions from Benefit")
    body = doc
    _para(body, "Application for deductions from benefit: council tax", size=15, bold=True, color=ACCENT, before=12, after=2)
    _para(body, "Council Tax (Deductions from Income Support) Regulations 1993", color=MUTED, after=8)
    _para(
        body,
        "A liability order was made by the magistrates' court on {{ liability_order_date|ukdate }} for council tax for "
        "{{ year_label }}. The debtor named below receives {{ benefit }}. We apply for deductions to be made from "
        "that benefit and paid to us until the amount below has been paid.",
    )
    _heading(body, "The debtor")
    facts = _table(doc, [
        ("Name", "{{ debtor_name }}"), ("Address", "{{ debtor_address }}"),
        ("National Insurance number", "{{ ni_number }}"), ("Account reference", "{{ account_ref }}"),
        ("Our reference", "{{ case_ref }}"), ("Amount outstanding", "{{ debt_pence|money }}"),
        ("Deduction", "{{ amount_pence|money }} {{ frequency }}"), ("Basis", "{{ basis }}"),
    ], [55, 115], grid=False)
    _bold_column(facts, 0)
    _para(body, "Please quote our reference {{ case_ref }} with each payment you make to us.", before=8)
    return _recovery_letter_end(doc, "Application for Deductions from Benefit")


def _recovery_letter_start(title: str):  # type: ignore[no-untyped-def]
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _para(doc, "{{ authority }}", size=18, bold=True, color=ACCENT, after=0)
    sub = _para(doc, "Council Tax  ·  Recovery", size=10, color=MUTED, after=10)
    _bottom_rule(sub)
    _address_block(doc)
    return doc


def _recovery_letter_end(doc, title: str) -> bytes:  # type: ignore[no-untyped-def]
    contact_us(doc)
    _footer(doc)
    return finish(doc, title, "Council tax recovery")


def main() -> None:
    write_templates({
        "demand_notice": lambda: build(False), "amended_demand_notice": lambda: build(True),
        "attachment_of_earnings_order": build_attachment_of_earnings_order,
        "benefit_deduction_application": build_benefit_deduction_application,
    })


if __name__ == "__main__":
    main()
