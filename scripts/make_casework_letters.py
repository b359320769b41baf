"""Build the case-work letter templates in resources/letters/: arrangement confirmation.

    .venv/bin/python scripts/make_casework_letters.py

Same house style and layout pieces as the demand notices (scripts/make_letter_templates.py,
imported, not copied); deterministic output, so the template's version only changes with
its wording. Merge data (app.recovery.arrangements.agreements): authority, issued_on, account_ref,
names, address_lines, postcode, property_address, total_pence, frequency,
frequency_label, count, regular_pence, last_pence, first_due, clears_by, grace_days,
instalments [{due, amount_pence}]. The template name is `[arrangements] letter_template`
in the authority settings (default `arrangement_confirmation`).
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


TITLE = "Council Tax Payment Arrangement"


def build_arrangement_confirmation() -> bytes:
    doc = Document()
    house._page_setup(doc)
    house._styles(doc)
    house._para(doc, "{{ authority }}", size=18, bold=True, color=house.ACCENT, after=0)
    house._bottom_rule(house._para(doc, "Council Tax  ·  Revenues Service", size=10, color=house.MUTED, after=10))
    house._address_block(doc)
    house._para(doc, TITLE, size=15, bold=True, color=house.ACCENT, before=12, after=2)
    house._para(doc, "{{ property_address }}", color=house.MUTED, after=8)
    house._para(
        doc,
        "Thank you for contacting us. This letter confirms the arrangement we have agreed for you to pay the "
        "council tax you owe, {{ total_pence|money }}, by {{ count }} {{ frequency_label }} payments from "
        "{{ first_due|ukdate }} to {{ clears_by|ukdate }}.",
    )
    summary = house._table(doc, [
        ("Amount owed", "{{ total_pence|money }}"),
        ("Each payment", "{{ regular_pence|money }} {{ frequency_label }}"),
        ("First payment", "{{ first_due|ukdate }}"),
        ("Last payment", "{{ last_pence|money }} on {{ clears_by|ukdate }}"),
    ], [70, 60], grid=True, align=WD_TABLE_ALIGNMENT.LEFT)
    house._bold_column(summary, 0)
    house._heading(doc, "Your payments")
    plan = house._table(doc, [("Due date", "Amount")], [40, 30], header=True)
    house._row(plan, ("{%tr for instalment in instalments %}", ""))
    house._row(plan, ("{{ instalment['due']|ukdate }}", "{{ instalment['amount_pence']|money }}"))
    house._row(plan, ("{%tr endfor %}", ""))
    house._align_column(plan, 1, WD_ALIGN_PARAGRAPH.RIGHT)
    house._heading(doc, "How to pay")
    house.ways_to_pay(doc)
    house._heading(doc, "Keeping to the arrangement")
    house._para(
        doc,
        "Please make each payment by its due date, quoting your account reference {{ account_ref }}. While you "
        "keep to the arrangement we will take no further recovery action for this debt.",
    )
    house._para(
        doc,
        "If a payment is not made in full within {{ grace_days }} days of its due date the arrangement will end, "
        "and recovery will start again from where it stopped, which may add costs to what you owe. If your "
        "circumstances change, please contact us before a payment is missed: we can often change the "
        "arrangement.",
        before=6,
    )
    house._heading(doc, "Help and advice")
    house._para(
        doc,
        "You may be entitled to council tax reduction or a discount. Free, confidential debt advice is available "
        "from organisations such as Citizens Advice, StepChange and National Debtline.",
    )
    house.contact_us(doc)
    house._footer(doc)
    return house.finish(doc, TITLE, "Council tax arrangement")


BUILDERS = {"arrangement_confirmation": build_arrangement_confirmation}


def main() -> None:
    house.write_templates(BUILDERS)


if __name__ == "__main__":
    main()
