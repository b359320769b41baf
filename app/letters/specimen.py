"""A specimen demand notice's merge data, in the shape the billing service produces.

`revdesk --self-test` renders it to prove an installation can make letters (the templates,
docxtpl, Jinja and lxml are all there), and the letter tests assert on it; one specimen
serves both, so they cannot drift apart. The people and places are invented.
"""

from __future__ import annotations

from typing import Any

from app.letters.council import council_fields
from app.settings import load_settings


def specimen_notice(**changes: Any) -> dict[str, Any]:
    """Merge data for the demand notice templates; `changes` replace or add keys."""
    data: dict[str, Any] = {
        **council_fields(load_settings()), "issued_on": "2026-03-06", "account_ref": "70000001",
        "names": ["Mr Daniel Hughes", "Ms Chloe Bennett & Son"], "address_lines": ["12 Station Road", "Exampleton"],
        "postcode": "EX1 4QT", "property_address": "12 Station Road, Exampleton, EX1 4QT", "band": "C",
        "parish": "Little Example", "year": 2026, "year_label": "2026/27", "band_d_pence": 221847,
        "annual_charge_pence": 197197,
        "lines": [
            {"from": "2026-04-01", "to": "2026-06-30", "days": 91, "description": "Band C", "amount_pence": 49165},
            {"from": "2026-07-01", "to": "2027-03-31", "days": 274, "description": "Band C, single person discount 25%",
             "amount_pence": 111025},
        ],
        "charge_pence": 160190, "reduction_pence": 12000, "net_charge_pence": 148190, "paid_pence": 20000,
        "balance_pence": 128190,
        "instalments": [{"due": "2026-04-01", "amount_pence": 12827}]
        + [{"due": f"2026-{m:02d}-01", "amount_pence": 12818} for m in range(5, 13)]
        + [{"due": "2027-01-01", "amount_pence": 12818}],
        "payment_method": "cash", "direct_debit": False, "amended": False, "reason": "", "moved_out": False,
        "precepts": [], "band_d_change": "",
    }
    data.update(changes)
    return data
