"""The council's block on every letter: who it is, how to reach it and how to pay.

Every letter's merge data carries `authority` (the council's name) and `council` (its
address, phone, web, opening hours and bank details from the `[contact]` settings), put
there by `council_fields` when the letter is issued. They are stored with the letter's
data, so a letter made again years later shows the numbers it was sent with, not today's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.settings.schema import AuthoritySettings


def council_fields(settings: AuthoritySettings) -> dict[str, Any]:
    """`{"authority": name, "council": {...}}` for a letter's merge data.

    In a template: `{{ council.phone }}`, `{% for line in council.address_lines %}`,
    `{% if council.bank.sort_code %}…{{ council.bank.sort_code }}…{% endif %}`. Keys are
    always present (empty text where the council has not set one), so a template may test
    any of them without failing on a missing field.
    """
    c = settings.contact
    return {
        "authority": settings.name,
        "council": {
            "name": settings.name,
            "country": settings.country,  # "england" or "wales": the notes a demand notice must carry differ
            "address_lines": list(c.address),
            "phone": c.phone,
            "email": c.email,
            "web": c.web,
            "opening_hours": c.opening_hours,
            "pay_online": c.pay_online,
            "payment_phone": c.payment_phone,
            "bank": {
                "name": c.bank_name,
                "sort_code": c.bank_sort_code,
                "account_number": c.bank_account_number,
                "account_name": c.bank_account_name or settings.name,
            },
        },
    }


def court_fields(settings: AuthoritySettings, hearing_date: date | None) -> dict[str, Any]:
    """`{"court": {...}}`: where and when the hearing on `hearing_date` is held (`[court]`).

    In a template: `{{ court.name }}`, `{{ court.address_lines|join(', ') }}`, `{{ court.time }}`
    ("10:00am"). Keys always present (empty where no venue is set up or no hearing is due),
    so a template can say `{% if court.name %}` and never fail on a missing field."""
    venue = settings.court.venue_for(hearing_date)
    if venue is None:
        return {"court": {"name": "", "address_lines": [], "time": ""}}
    return {"court": {"name": venue.name, "address_lines": list(venue.address), "time": venue.time_text}}
