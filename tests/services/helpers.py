"""Small helpers shared by service tests."""

from __future__ import annotations

from pathlib import Path

from app.accounts import imports
from app.adapters.csv_files import ImportSummary
from app.bootstrap import AppContext
from app.payments import imports as payment_imports


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


def load_examples(ctx: AppContext, examples: Path) -> dict[str, ImportSummary]:
    """Import the shared example properties, accounts and payments."""
    with ctx.db.uow() as uow:
        props = imports.import_properties(uow, ctx.actor, ctx.settings, examples / "properties.csv")
    with ctx.db.uow() as uow:
        accts = imports.import_accounts(uow, ctx.actor, ctx.settings, examples / "accounts.csv")
    with ctx.db.uow() as uow:
        pays = payment_imports.import_payments(uow, ctx.actor, examples / "payments.csv")
    return {"properties": props, "accounts": accts, "payments": pays}
