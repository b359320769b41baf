"""Build the letters an officer writes from an account, in resources/letters/.

    .venv/bin/python scripts/make_officer_letters.py

Writes `writeoff_notification.docx`, `arrangement_default.docx`, `general_correspondence.docx`
and `tracing_enquiry.docx`, in the house style of the other letters
(scripts/make_letter_templates.py, imported, not copied); deterministic output, so a
template's version only changes with its wording. Every one is merged from the same data
(app.letters.account_letters.account_letter_data): authority, council (the contact block),
issued_on, account_ref, names, address_lines, postcode, taxpayer_names, property_address,
forwarded, last_known_address, owed_now_pence, years [{year, year_label, balance_pence}],
writeoffs [{year_label, amount_pence, reason, approved_on}], officer, free_paragraph (the
officer's own words: a template that reads it offers a free paragraph).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import make_letter_templates as house


def _start(strap: str = "Council Tax  ·  Revenues Service"):  # type: ignore[no-untyped-def]
    doc = Document()
    house._page_setup(doc)
    house._styles(doc)
    house._para(doc, "{{ authority }}", size=18, bold=True, color=house.ACCENT, after=0)
    house._bottom_rule(house._para(doc, strap, size=10, color=house.MUTED, after=10))
    house._address_block(doc)
    return doc


def _title(doc, title: str, subtitle: str = "") -> None:  # type: ignore[no-untyped-def]
    house._para(doc, title, size=15, bold=True, color=house.ACCENT, before=12, after=2 if subtitle else 8)
    if subtitle:
        house._para(doc, subtitle, color=house.MUTED, after=8)


def _free_paragraph(doc) -> None:  # type: ignore[no-untyped-def]
    """The officer's own words, one Word paragraph per line they typed (left out when empty)."""
    house._para(doc, "{%p for line in free_paragraph.splitlines() if line.strip() %}")
    house._para(doc, "{{ line }}")
    house._para(doc, "{%p endfor %}")


def _years_owed(doc) -> None:  # type: ignore[no-untyped-def]
    """What is owed for each year, with the total owed now."""
    table = house._table(doc, [("Year", "Outstanding")], [40, 35], header=True, align=WD_TABLE_ALIGNMENT.LEFT)
    house._row(table, ("{%tr for y in years if y['balance_pence'] > 0 %}", ""))
    house._row(table, ("{{ y['year_label'] }}", "{{ y['balance_pence']|money }}"))
    house._row(table, ("{%tr endfor %}", ""))
    house._row(table, ("Owed now", "{{ owed_now_pence|money }}"))
    house._bold(table.rows[-1].cells[0])
    house._bold(table.rows[-1].cells[1])
    house._align_column(table, 1, WD_ALIGN_PARAGRAPH.RIGHT)


def _sign_off(doc) -> None:  # type: ignore[no-untyped-def]
    house._para(doc, "Yours sincerely", before=10, after=18)
    house._para(doc, "{{ officer }}", bold=True, after=0)
    house._para(doc, "Revenues Officer, {{ authority }}")


def _help(doc) -> None:  # type: ignore[no-untyped-def]
    house._heading(doc, "Help and advice")
    house._para(
        doc,
        "You may be entitled to council tax reduction or a discount. Free, confidential debt advice is available "
        "from organisations such as Citizens Advice, StepChange and National Debtline.",
    )


def _end(doc, title: str, subject: str) -> bytes:  # type: ignore[no-untyped-def]
    house.contact_us(doc)
    house._footer(doc)
    return house.finish(doc, title, subject)


WRITEOFF_TITLE = "Council Tax Written Off"


def build_writeoff_notification() -> bytes:
    """Tells the taxpayer which amounts are written off (and that a write-off can be reversed)."""
    doc = _start()
    _title(doc, WRITEOFF_TITLE, "{{ property_address }}")
    house._para(doc, "We have decided to write off the council tax below. This means we will not ask you to pay it "
                     "unless your circumstances change.")
    table = house._table(doc, [("Year", "Amount written off", "Reason")], [30, 40, 90], header=True,
                         align=WD_TABLE_ALIGNMENT.LEFT)
    house._row(table, ("{%tr for w in writeoffs %}", "", ""))
    house._row(table, ("{{ w['year_label'] }}", "{{ w['amount_pence']|money }}", "{{ w['reason'] }}"))
    house._row(table, ("{%tr endfor %}", "", ""))
    house._align_column(table, 1, WD_ALIGN_PARAGRAPH.RIGHT)
    house._heading(doc, "What you still owe")
    house._para(doc, "{% if owed_now_pence > 0 %}After the write-off you still owe {{ owed_now_pence|money }}, "
                     "which you must pay as we have asked.{% else %}After the write-off there is nothing more for you "
                     "to pay on this account now.{% endif %}")
    house._para(doc, "If we later find that the write-off should not have been made (for example, if money or an estate "
                     "becomes available, or we find an address for you), we may reinstate the debt and ask for it again.",
                before=6)
    _free_paragraph(doc)
    _sign_off(doc)
    return _end(doc, WRITEOFF_TITLE, "Council tax write-off")


DEFAULT_TITLE = "Your Payment Arrangement Has Ended"


def build_arrangement_default() -> bytes:
    """The arrangement is broken: the whole balance is due and recovery starts again."""
    doc = _start()
    _title(doc, DEFAULT_TITLE, "{{ property_address }}")
    house._para(doc, "We agreed an arrangement with you to pay the council tax you owed. The payments have not been made "
                     "as agreed, so the arrangement has ended.")
    house._para(doc, "The whole amount you owe, {{ owed_now_pence|money }}, is now due. We will restart recovery from "
                     "where it stopped, which may mean a summons to the magistrates' court and further costs.")
    _years_owed(doc)
    house._heading(doc, "What to do now")
    house._para(doc, "Please pay the full amount straight away. If you cannot, contact us within 7 days: we will "
                     "consider a new arrangement if you can show us what you can afford.")
    _free_paragraph(doc)
    house._heading(doc, "How to pay")
    house.ways_to_pay(doc)
    _help(doc)
    _sign_off(doc)
    return _end(doc, DEFAULT_TITLE, "Council tax arrangement")


GENERAL_TITLE = "Your Council Tax"


def build_general_correspondence() -> bytes:
    """An officer's own letter: their paragraph, the balance, the house sign-off."""
    doc = _start()
    _title(doc, GENERAL_TITLE, "{{ property_address }}")
    house._para(doc, "Dear {{ names|join(' and ') }}")
    _free_paragraph(doc)
    house._para(doc, "{%p if owed_now_pence > 0 %}")
    house._para(doc, "The balance of your account today is {{ owed_now_pence|money }}.", before=6)
    house._para(doc, "{%p endif %}")
    _sign_off(doc)
    return _end(doc, GENERAL_TITLE, "Council tax correspondence")


TRACING_TITLE = "Request for Information"


def build_tracing_enquiry() -> bytes:
    """To a third party (a previous landlord or employer): where has the taxpayer gone?

    It names the taxpayer and their last known address but never the debt: a third party
    needs no more than that to answer."""
    doc = _start("Council Tax  ·  Recovery")
    _title(doc, TRACING_TITLE, "{{ taxpayer_names|join(', ') }}, last known at {{ last_known_address }}")
    house._para(doc, "We are trying to contact the person named above about their council tax account with "
                     "{{ authority }}. We understand you may have been their landlord, employer or agent.")
    house._para(doc, "Please tell us, as far as you know:")
    for lead, rest in (("A forwarding address", " or the date they left."),
                       ("A current employer", " and their address, or the date the employment ended."),
                       ("A telephone number or email address", " we could use to contact them.")):
        house._bullet(doc, lead, rest)
    _free_paragraph(doc)
    house._para(doc, "The Data Protection Act 2018 (Schedule 2, paragraph 2) allows you to give us personal data "
                     "needed for the assessment or collection of a tax, such as council tax. Please reply within 14 "
                     "days, quoting our reference {{ account_ref }}.", before=6)
    _sign_off(doc)
    return _end(doc, TRACING_TITLE, "Council tax tracing")


BUILDERS = {
    "writeoff_notification": build_writeoff_notification,
    "arrangement_default": build_arrangement_default,
    "general_correspondence": build_general_correspondence,
    "tracing_enquiry": build_tracing_enquiry,
}


def main() -> None:
    house.write_templates(BUILDERS)


if __name__ == "__main__":
    main()
