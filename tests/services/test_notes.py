"""Account notes: added by any officer, listed newest first, never edited or deleted (the
database refuses it, whoever connects)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.bootstrap import AppContext
from app.casework import notes
from app.errors import NotFound, ValidationError
from app.models import AuditEvent
from tests.conftest import as_owner
from tests.services.casework_helpers import OFFICER, OFFICER_2, set_up
from tests.services.money_helpers import count_rows


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    return set_up(ctx, examples)


def test_add_and_list_newest_first(loaded: AppContext) -> None:
    with loaded.db.uow() as uow:
        first = notes.add_note(uow, OFFICER, account_ref="70000001", text="  Called: will pay Friday ")
    with loaded.db.uow() as uow:
        second = notes.add_note(uow, OFFICER_2, account_ref="70000001", text="Paid £50 by card")
    with loaded.db.uow() as uow:
        notes.add_note(uow, OFFICER, account_ref="70000002", text="Other account")
    assert (first.text, first.created_by, first.account_ref) == ("Called: will pay Friday", "olivia", "70000001")
    with loaded.db.uow() as uow:
        listed = notes.list_notes(uow, account_ref="70000001")
        assert [n.note_id for n in listed] == [second.note_id, first.note_id]
        assert [n.text for n in notes.list_notes(uow, account_ref="70000001", limit=1)] == ["Paid £50 by card"]
    assert count_rows(loaded, AuditEvent, AuditEvent.action == "note.added") == 3
    assert second.to_json()["note_id"] == str(second.note_id)


def test_empty_or_unknown_is_refused(loaded: AppContext) -> None:
    with loaded.db.uow() as uow, pytest.raises(ValidationError, match="note's text is required") as err:
        notes.add_note(uow, OFFICER, account_ref="70000001", text="   ")
    assert err.value.field == "text"
    with loaded.db.uow() as uow, pytest.raises(ValidationError, match="longer than 4000"):
        notes.add_note(uow, OFFICER, account_ref="70000001", text="x" * 4001)
    with loaded.db.uow() as uow, pytest.raises(NotFound, match="79999999"):
        notes.add_note(uow, OFFICER, account_ref="79999999", text="hello")


@pytest.mark.parametrize("sql", ["UPDATE note SET text = 'changed'", "DELETE FROM note"])
def test_notes_are_append_only_in_the_database(loaded: AppContext, sql: str) -> None:
    with loaded.db.uow() as uow:
        notes.add_note(uow, OFFICER, account_ref="70000001", text="Original")
    with as_owner(loaded.db) as owner, owner.uow() as uow, pytest.raises(DBAPIError, match="append-only"):
        uow.session.execute(text(sql))
    with loaded.db.uow() as uow:
        assert [n.text for n in notes.list_notes(uow, account_ref="70000001")] == ["Original"]
