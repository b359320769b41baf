"""design.md rule 4: "One module writes ledger entries". Every writer goes through
app/ledger (`post` or `LedgerRows`); this finds any code in app/ that builds ledger rows or
writes the ledger table itself."""

from __future__ import annotations

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
WRITES_THE_LEDGER = re.compile(
    r"LedgerTransaction\(|LedgerTransaction\.__table__|insert\(LedgerTransaction|INSERT INTO ledger_transaction", re.I
)


def test_only_app_ledger_writes_ledger_rows() -> None:
    writers = sorted(
        str(path.relative_to(APP.parent)) for path in APP.rglob("*.py")
        if WRITES_THE_LEDGER.search(path.read_text(encoding="utf-8"))
    )
    assert writers == ["app/ledger/posting.py", "app/models/ledger.py"]
