"""Build the recovery letter templates in resources/letters/: reminder, final notice, summons.

    .venv/bin/python scripts/make_recovery_letters.py

Same house style and the same layout pieces as the demand notices (scripts/make_letter_templates.py,
imported, not copied); deterministic output, so the templates' versions only change with
their wording. Merge data (app.recovery.run): authority, issued_on, account_ref, names,
address_lines, postcode, property_address, year, year_label, stage, amount_pence,
costs_pence, pay_by, hearing_date, why, court {name, address_lines, time}, years [{year,
year_label, stage, amount_pence, costs_pence, tax_pence}] (one letter covers every year at that step). Which template each stage uses is set in the
authority settings (`[recovery.letters]`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_letter_templates as house  # noqa: E402


LETTERS = {
    "reminder": "Council Tax Reminder Notice",
    "final_notice": "Council Tax Final Notice",
    "summons": "Council Tax Summons to the Magistrates' Court",
}


def build(name: str) -> bytes:
    doc = Document()
    house._page_setup(doc)
    house._styles(doc)
    house._para(doc, "{{ authority }}", size=18, bold=True, color=house.ACCENT, after=0)
    house._bottom_rule(house._para(doc, "Council Tax  ·  Revenues Service", size=10, color=house.MUTED, after=10))
    house._address_block(doc)
    title = LETTERS[name] + (" {% if stage == 'reminder_2' %}(second reminder){% endif %}" if name == "reminder" else "")
    house._para(doc, title, size=15, bold=True, color=house.ACCENT, before=12, after=2)
    house._para(doc, "Council tax {{ year_label }}  ·  {{ property_address }}", color=house.MUTED, after=8)
    summons = name == "summons"
    summary = house._table(doc, _rows(name), [45, 125] if summons else [70, 40], grid=True, align=WD_TABLE_ALIGNMENT.LEFT)
    if not summons:
        house._align_column(summary, 1, WD_ALIGN_PARAGRAPH.RIGHT)
    house._bold_column(summary, 0)
    _years_table(doc, name)
    for paragraph_text in _body(name):
        house._para(doc, paragraph_text, before=6)
    house._heading(doc, "How to pay")
    house.ways_to_pay(doc)
    house._heading(doc, "If you cannot pay")
    house._para(
        doc,
        "Please contact us straight away. We can often agree a plan you can afford, and you may be "
        "entitled to council tax reduction or a discount. Free, confidential debt advice is available "
        "from organisations such as Citizens Advice, StepChange and National Debtline.",
    )
    house.contact_us(doc)
    house._footer(doc)
    return house.finish(doc, LETTERS[name], "Council tax recovery")


def _years_table(doc, name: str) -> None:  # type: ignore[no-untyped-def]
    """Every year this letter covers, when there is more than one: the run writes one letter per
    person and step, not one per year (issue 16 part 4)."""
    house._para(doc, "{%p if years|length > 1 %}")
    house._para(doc, "This notice covers each council tax year below.", before=6)
    if name == "summons":
        header = ("Council tax year", "Council tax unpaid", "Costs", "Total")
        cells = ("{{ y['year_label'] }}", "{{ y['tax_pence']|money }}", "{{ y['costs_pence']|money }}",
                 "{{ y['amount_pence']|money }}")
        widths = [40, 40, 30, 30]
    elif name == "reminder":
        header = ("Council tax year", "Notice", "Amount to pay now")
        cells = ("{{ y['year_label'] }}", "{% if y['stage'] == 'reminder_2' %}second{% else %}first{% endif %} reminder",
                 "{{ y['amount_pence']|money }}")
        widths = [40, 50, 40]
    else:
        header = ("Council tax year", "Balance now due")
        cells = ("{{ y['year_label'] }}", "{{ y['amount_pence']|money }}")
        widths = [40, 40]
    table = house._table(doc, [header], widths, header=True)
    blank = ("",) * (len(header) - 1)
    house._row(table, ("{%tr for y in years %}", *blank))
    house._row(table, cells)
    house._row(table, ("{%tr endfor %}", *blank))
    for column in range(1, len(header)):
        if header[column] != "Notice":
            house._align_column(table, column, WD_ALIGN_PARAGRAPH.RIGHT)
    house._para(doc, "{%p endif %}")


def _rows(name: str) -> list[tuple[str, str]]:
    if name == "summons":
        return [
            ("Council tax unpaid", "{{ (amount_pence - costs_pence)|money }}"),
            ("Costs of this summons", "{{ costs_pence|money }}"),
            ("Total now due", "{{ amount_pence|money }}"),
            ("Hearing", "{{ hearing_date|ukdate }}{% if court.time %} at {{ court.time }}{% endif %}"),
            ("Court", "{% if court.name %}{{ court.name }}, {{ court.address_lines|join(', ') }}"
                      "{% else %}the magistrates' court (we will write to tell you which){% endif %}"),
        ]
    return [("Amount to pay now", "{{ amount_pence|money }}"), ("Pay by", "{{ pay_by|ukdate }}")]


def _body(name: str) -> list[str]:
    if name == "reminder":
        return [
            "Our records show that the council tax instalments due for {{ year_label }} have not been paid "
            "in full. Please pay {{ amount_pence|money }} (the overdue amount and anything falling due in the "
            "next 7 days) by {{ pay_by|ukdate }}, quoting your account reference {{ account_ref }}.",
            "If you do not pay within 7 days you will lose the right to pay by instalments and the whole "
            "balance for {{ year_label }} will become due (Council Tax (Administration and Enforcement) "
            "Regulations 1992, regulation 23). We may then apply to the magistrates' court for a liability "
            "order, which adds costs to what you owe.",
        ]
    if name == "final_notice":
        return [
            "You have missed an instalment again after reminders this year, so you have lost the right to "
            "pay by instalments. The whole balance of {{ amount_pence|money }} for {{ year_label }} is now "
            "due. Please pay it by {{ pay_by|ukdate }}, quoting your account reference {{ account_ref }}.",
            "If the balance is not paid we will apply to the magistrates' court for a liability order "
            "without further notice, and costs will be added.",
        ]
    return [
        "The council has complained to the magistrates' court that you have not paid council tax for "
        "{{ year_label }}. You are summoned to appear {% if court.name %}at {{ court.name }}, "
        "{{ court.address_lines|join(', ') }}, {% else %}at the magistrates' court {% endif %}on "
        "{{ hearing_date|ukdate }}{% if court.time %} at {{ court.time }}{% endif %} to explain why you have "
        "not paid. If the court makes a liability order, further costs will be added and the "
        "council may deduct the debt from your earnings or benefits or instruct enforcement agents.",
        "You do not need to attend if you pay the total of {{ amount_pence|money }} (including the "
        "summons costs) before the hearing: the application will then be withdrawn. If you think you do "
        "not owe this amount, contact us at once; not having the money is not a defence, but we can "
        "usually agree an arrangement.",
    ]


def main() -> None:
    house.write_templates({name: (lambda name=name: build(name)) for name in LETTERS})


if __name__ == "__main__":
    main()
