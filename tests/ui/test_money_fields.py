"""Issue 16 part 1: one parser for every money field in the desktop. Fields are made with
`ui.forms.money_edit` and read with `ui.forms.pence_or_reason` (over `app.money.parse_pounds`);
nothing else in app/ui parses an amount, so `12,50` is refused the same way everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.ui.forms import pence_or_reason

UI = Path(__file__).resolve().parents[2] / "app" / "ui"


def test_only_the_form_helpers_parse_amounts() -> None:
    parsers = re.compile(r"parse_pounds|Decimal\(|float\(")
    found = [str(p.relative_to(UI)) for p in UI.rglob("*.py") if p.name != "forms.py" and parsers.search(p.read_text())]
    assert found == []


def test_money_fields_are_money_edits() -> None:
    """Every field read with pence_or_reason is a money_edit (right-aligned, the same width rules)."""
    for path in UI.rglob("*.py"):
        text = path.read_text()
        if "pence_or_reason(" in text and path.name != "forms.py":
            assert "money_edit(" in text, path


@pytest.mark.parametrize(("text", "allow_zero", "expected"), [
    ("12,50", False, None), ("1,234.56", False, 123456), ("£0.00", True, 0), ("0", False, None), ("-5", True, None),
])
def test_pence_or_reason(text: str, allow_zero: bool, expected: int | None) -> None:
    pence, reason = pence_or_reason(text, allow_zero=allow_zero)
    assert pence == expected and (reason is None) == (expected is not None)
