"""Diary codes from the settings, diary entries (B/F: completing or moving needs a note),
worklists (counts, pages, sorts), bulk reassignment, tracing, and claim-next: never the
same entry to two officers (PostgreSQL SKIP LOCKED; SQLite single writer)."""

from __future__ import annotations

import sqlite3
import threading
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.accounts.summary import get_account_id
from app.bootstrap import AppContext
from app.casework.claims import claim_next
from app.casework.diary import account_entries, complete_entry, reassign_entries, reschedule_entry
from app.casework.diary_codes import list_codes, sync_diary_codes
from app.casework.tracing import record_gone_away, record_traced
from app.casework.worklists import worklist
from app.config import SettingsError, parse_settings
from app.db import make_database
from app.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.models import AuditEvent, DiaryCode, DiaryEntry, Note
from app.paths import DEFAULT_SETTINGS
from app.settings import DEFAULT_DIARY_CODES, DiaryCodeSettings
from tests.services.casework_helpers import (
    AS_OF,
    LEADER,
    OFFICER,
    OFFICER_2,
    diary,
    set_up,
)
from tests.services.money_helpers import count_rows, post_charge


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    return set_up(ctx, examples)


def complete(ctx: AppContext, diary_id, actor=OFFICER, note="Called the taxpayer", **kw):  # type: ignore[no-untyped-def]
    with ctx.db.uow() as uow:
        return complete_entry(uow, actor, diary_id=diary_id, note=note, as_of=kw.pop("as_of", AS_OF), **kw)


def claim(ctx: AppContext, actor=OFFICER, **kw):  # type: ignore[no-untyped-def]
    with ctx.db.uow() as uow:
        return claim_next(uow, actor, as_of=kw.pop("as_of", AS_OF), **kw)


# --- diary codes ---------------------------------------------------------------------

def test_codes_are_synced_from_the_settings_idempotently(ctx: AppContext) -> None:
    with ctx.db.uow() as uow:
        first = sync_diary_codes(uow, ctx.settings)
    assert first.added == sorted(DEFAULT_DIARY_CODES) and not first.updated
    with ctx.db.uow() as uow:
        again = sync_diary_codes(uow, ctx.settings)
        assert not again.changed
        codes = {c.code: c for c in list_codes(uow)}
    assert (codes["VULN"].description, codes["VULN"].default_days, codes["VULN"].team) == ("Vulnerable — review", 7, "Welfare")
    assert codes["TRACED"].description == "Traced: new address"

    changed = parse_settings({"diary_codes": {
        "CORR": {"description": "Letter to answer", "default_days": 5, "team": "Billing"},
        "SPD": {"description": "Single person discount review", "default_days": 30, "team": "Billing"},
        "VULN": {"active": False},
    }}, "test")
    with ctx.db.uow() as uow:
        result = sync_diary_codes(uow, changed)
    assert (result.added, result.updated) == (["SPD"], ["CORR", "VULN"])
    with ctx.db.uow() as uow:
        assert not sync_diary_codes(uow, changed).changed
        assert [c.code for c in list_codes(uow)] == ["AOEEMP", "ARRCHK", "CORR", "SPD", "TRACE", "TRACED"]
        assert uow.session.get(DiaryCode, "CORR").default_days == 5  # type: ignore[union-attr]


def test_a_malformed_code_in_the_settings_is_named_when_the_file_is_read() -> None:
    with pytest.raises(SettingsError, match=r"^test: \[diary_codes.CORR\] default_days must be a whole number"):
        parse_settings({"diary_codes": {"CORR": {"default_days": "soon"}}}, "test")


def test_the_built_in_settings_file_lists_the_default_codes() -> None:
    table = tomllib.loads(DEFAULT_SETTINGS.read_text(encoding="utf-8"))["diary_codes"]
    assert {c: DiaryCodeSettings(**t) for c, t in table.items()} == DEFAULT_DIARY_CODES


# --- entries -------------------------------------------------------------------------

def test_add_entry_defaults_due_and_team_from_the_code(loaded: AppContext) -> None:
    view = diary(loaded, code="trace", note="Post returned")
    assert (view.code, view.due, view.team, view.owner, view.status) == (
        "TRACE", AS_OF + timedelta(days=28), "Recovery", None, "open",
    )
    given = diary(loaded, code="CORR", due=date(2025, 7, 4), owner="oscar", team="Recovery")
    assert (given.due, given.owner, given.team) == (date(2025, 7, 4), "oscar", "Recovery")
    with pytest.raises(ValidationError, match="'NOPE' is not a diary code \\(use one of AOEEMP, ARRCHK"):
        diary(loaded, code="NOPE")
    with pytest.raises(ValidationError, match="in the past"):
        diary(loaded, due=date(2025, 6, 1))
    with pytest.raises(ValidationError, match="no user 'ghost'"):
        diary(loaded, owner="ghost")
    with pytest.raises(NotFound):
        diary(loaded, ref="79999999")
    assert count_rows(loaded, AuditEvent, AuditEvent.action == "diary.created") == 2


def test_completing_needs_a_note_and_a_second_completion_names_who(loaded: AppContext) -> None:
    entry = diary(loaded)
    with pytest.raises(ValidationError, match="short note") as err:
        complete(loaded, entry.diary_id, note="  ")
    assert err.value.field == "note"
    done = complete(loaded, entry.diary_id, note="Answered the letter")
    assert (done.completed.status, done.completed.completed_by, done.completed.completion_note) == (
        "completed", "olivia", "Answered the letter",
    )
    assert done.follow_up is None
    on = done.completed.completed_at.strftime("%d/%m/%Y")  # type: ignore[union-attr]
    with pytest.raises(Conflict, match=f"already completed by olivia on {on}"):
        complete(loaded, entry.diary_id, actor=OFFICER_2, note="Me too")
    with loaded.db.uow() as uow:
        row = uow.session.get(DiaryEntry, entry.diary_id)
        assert row is not None and row.completed_by == "olivia" and row.completion_note == "Answered the letter"


def test_complete_with_a_next_date_brings_the_case_forward(loaded: AppContext) -> None:
    entry = diary(loaded, code="AOEEMP", owner="oscar")
    with pytest.raises(ValidationError, match="must be after"):
        complete(loaded, entry.diary_id, next_date=AS_OF)
    done = complete(loaded, entry.diary_id, note="Employer not replied", next_date=date(2025, 7, 14))
    assert done.follow_up is not None
    assert (done.follow_up.code, done.follow_up.due, done.follow_up.owner, done.follow_up.team, done.follow_up.status) == (
        "AOEEMP", date(2025, 7, 14), "oscar", "Enforcement", "open")
    assert "Employer not replied" in done.follow_up.note


def test_a_stale_screen_gets_changed_by_someone_else(loaded: AppContext) -> None:
    entry = diary(loaded)
    with loaded.db.uow() as uow:
        reschedule_entry(uow, OFFICER_2, diary_id=entry.diary_id, due=date(2025, 7, 20), note="Waiting for a reply", as_of=AS_OF)
    with pytest.raises(Conflict, match="changed by someone else"):
        complete(loaded, entry.diary_id, expected_version=entry.version)


def test_reschedule_needs_a_note_and_keeps_it_on_the_account(loaded: AppContext) -> None:
    entry = diary(loaded)
    with loaded.db.uow() as uow, pytest.raises(ValidationError, match="why the date moves"):
        reschedule_entry(uow, OFFICER, diary_id=entry.diary_id, due=date(2025, 8, 1), note="", as_of=AS_OF)
    with loaded.db.uow() as uow:
        moved = reschedule_entry(uow, OFFICER, diary_id=entry.diary_id, due=date(2025, 8, 1), note="Taxpayer on holiday",
                                 as_of=AS_OF)
    assert (moved.due, moved.version) == (date(2025, 8, 1), entry.version + 1)
    with loaded.db.uow() as uow:
        texts = list(uow.session.scalars(select(Note.text)))
    assert any("Taxpayer on holiday" in t and "2025-08-01" in t for t in texts)
    complete(loaded, entry.diary_id)
    with loaded.db.uow() as uow, pytest.raises(Conflict, match="already completed"):
        reschedule_entry(uow, OFFICER, diary_id=entry.diary_id, due=date(2025, 9, 1), note="x", as_of=AS_OF)


def test_reassign_in_bulk_is_for_team_leaders(loaded: AppContext) -> None:
    entries = [diary(loaded, ref=r) for r in ("70000001", "70000002", "70000003")]
    done = entries[2]
    complete(loaded, done.diary_id)
    wanted = [e.diary_id for e in entries]
    with (
        loaded.db.uow() as uow,
        pytest.raises(NotAllowed, match="olivia is an officer and cannot reassign diary work: that needs the team leader role"),
    ):
        reassign_entries(uow, OFFICER, diary_ids=wanted, owner="oscar")
    with loaded.db.uow() as uow:
        result = reassign_entries(uow, LEADER, diary_ids=wanted, owner="oscar", team="Recovery")
    assert (result.reassigned, result.skipped) == (2, [done.diary_id])
    with loaded.db.uow() as uow:
        owners = {e.id: (e.owner, e.team) for e in uow.session.scalars(select(DiaryEntry))}
        back = reassign_entries(uow, LEADER, diary_ids=wanted[:1], owner="")
    assert owners[wanted[0]] == ("oscar", "Recovery") and owners[done.diary_id] == (None, "Billing")
    assert back.reassigned == 1
    with loaded.db.uow() as uow, pytest.raises(ValidationError, match="no user 'ghost'"):
        reassign_entries(uow, LEADER, diary_ids=wanted, owner="ghost")


# --- worklists -----------------------------------------------------------------------

def test_worklist_counts_and_pages_sorted_by_due_balance_and_stage(loaded: AppContext) -> None:
    early = date(2025, 5, 1)
    a = diary(loaded, ref="70000001", code="CORR", due=date(2025, 6, 10), as_of=early)  # overdue
    b = diary(loaded, ref="70000002", code="CORR", due=AS_OF)  # due today
    c = diary(loaded, ref="70000003", code="TRACE", due=date(2025, 7, 10), owner="olivia")  # not yet due
    d = diary(loaded, ref="70000005", code="TRACE", due=date(2025, 6, 20), as_of=early)  # overdue
    complete(loaded, diary(loaded, ref="70000001", code="VULN").diary_id)  # completed: not on any worklist
    post_charge(loaded, "70000003", 2025, 90000)
    post_charge(loaded, "70000002", 2025, 50000)
    with loaded.db.uow() as uow:
        page = worklist(uow, OFFICER, as_of=AS_OF)
        assert (page.total, page.due, page.overdue) == (4, 3, 2)
        assert [(c.code, c.open, c.due, c.overdue) for c in page.by_code] == [("CORR", 2, 2, 1), ("TRACE", 2, 1, 1)]
        assert [r.diary_id for r in page.rows] == [a.diary_id, d.diary_id, b.diary_id, c.diary_id]
        assert [r.overdue for r in page.rows] == [True, True, False, False]
        assert page.rows[0].name == "Mr Daniel Hughes"
        by_balance = worklist(uow, OFFICER, as_of=AS_OF, sort="balance", page_size=2)
        assert [r.account_ref for r in by_balance.rows] == ["70000003", "70000002"]
        assert by_balance.rows[0].balance_pence == 90000 and by_balance.total == 4
        second = worklist(uow, OFFICER, as_of=AS_OF, sort="balance", page=2, page_size=2)
        assert len(second.rows) == 2 and not {r.diary_id for r in second.rows} & {r.diary_id for r in by_balance.rows}
        assert [r.diary_id for r in worklist(uow, OFFICER, as_of=AS_OF, code="trace").rows] == [d.diary_id, c.diary_id]
        assert [r.diary_id for r in worklist(uow, OFFICER, as_of=AS_OF, mine=True).rows] == [c.diary_id]
        assert worklist(uow, OFFICER, as_of=AS_OF, team="Billing").total == 2
        assert worklist(uow, OFFICER, as_of=AS_OF, due_only=True).total == 3
        assert len(worklist(uow, OFFICER, as_of=AS_OF, sort="stage").rows) == 4
        with pytest.raises(ValidationError, match="page size"):
            worklist(uow, OFFICER, as_of=AS_OF, page_size=0)
        with pytest.raises(ValidationError, match="not a worklist order"):
            worklist(uow, OFFICER, as_of=AS_OF, sort="name")


# --- claim next ----------------------------------------------------------------------

def test_claim_next_takes_the_oldest_due_unclaimed_entry(loaded: AppContext) -> None:
    early = date(2025, 5, 1)
    later = diary(loaded, ref="70000002", due=date(2025, 6, 20), as_of=early)
    oldest = diary(loaded, ref="70000001", due=date(2025, 6, 5), as_of=early)
    diary(loaded, ref="70000003", due=date(2025, 7, 5))  # not due yet
    theirs = diary(loaded, ref="70000005", due=date(2025, 6, 1), as_of=early, owner="oscar")  # oscar's own
    first = claim(loaded)
    assert first is not None
    assert (first.diary_id, first.account_ref, first.code, first.due) == (oldest.diary_id, "70000001", "CORR", date(2025, 6, 5))
    second = claim(loaded, actor=OFFICER_2)
    assert second is not None and second.diary_id == theirs.diary_id  # his own entry comes first
    third = claim(loaded, actor=OFFICER_2)
    assert third is not None and third.diary_id == later.diary_id
    assert claim(loaded) is None  # nothing due left unclaimed
    with loaded.db.uow() as uow:
        row = uow.session.get(DiaryEntry, oldest.diary_id)
        assert row is not None and row.claimed_by == "olivia" and row.claimed_at is not None
        page = worklist(uow, OFFICER, as_of=AS_OF, mine=True)
    assert [r.diary_id for r in page.rows] == [oldest.diary_id]
    # a claim lapses after claim_minutes: the work goes back to the queue
    again = claim(loaded, actor=LEADER, claim_minutes=0)
    assert again is not None and again.diary_id == oldest.diary_id
    # completing clears it for good; oscar's own entry stays his
    complete(loaded, oldest.diary_id, actor=LEADER)
    last = claim(loaded, claim_minutes=0)
    assert last is not None and last.diary_id == later.diary_id


def test_claim_next_filters_by_code_and_team(loaded: AppContext) -> None:
    early = date(2025, 5, 1)
    trace = diary(loaded, ref="70000001", code="TRACE", due=date(2025, 6, 10), as_of=early)
    corr = diary(loaded, ref="70000002", code="CORR", due=date(2025, 6, 1), as_of=early)
    assert claim(loaded, code="VULN") is None
    got = claim(loaded, code="trace")
    assert got is not None and got.diary_id == trace.diary_id
    got = claim(loaded, team="Billing")
    assert got is not None and got.diary_id == corr.diary_id
    assert count_rows(loaded, AuditEvent, AuditEvent.action == "diary.claimed") == 2


def _many(ctx: AppContext, n: int) -> None:
    with ctx.db.uow() as uow:
        for i in range(n):
            ref = f"7000000{1 + i % 5}"
            account_id = get_account_id(uow, ref)
            uow.session.add(DiaryEntry(account_id=account_id, code="CORR", due_on=date(2025, 6, 1) + timedelta(days=i % 25),
                                       team="Billing", note=f"item {i}", status="open", created_by="test"))
        uow.commit()


def test_concurrent_officers_never_get_the_same_entry(loaded: AppContext) -> None:
    """Eight officers press Next at the same moment, repeatedly, each in their own session."""
    _many(loaded, 40)
    officers = [OFFICER.__class__(f"officer{i}", OFFICER.role) for i in range(8)]
    got: dict[str, list[object]] = {o.username: [] for o in officers}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(officers))

    def work(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            for _ in range(6):
                c = claim(loaded, actor=actor)
                if c is not None:
                    got[actor.username].append(c.diary_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    claimed = [i for items in got.values() for i in items]
    assert len(claimed) == 40 and len(set(claimed)) == 40  # everything handed out, nothing twice
    with loaded.db.uow() as uow:
        owners = dict(uow.session.execute(select(DiaryEntry.id, DiaryEntry.claimed_by)).all())
    assert all(owners[i] == who for who, items in got.items() for i in items)


def test_postgresql_skip_locked_gives_two_sessions_different_entries(loaded: AppContext) -> None:
    if loaded.db.dialect != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite is covered by the single-writer test")
    early = date(2025, 5, 1)
    first = diary(loaded, ref="70000001", due=date(2025, 6, 1), as_of=early)
    second = diary(loaded, ref="70000002", due=date(2025, 6, 2), as_of=early)
    other = make_database(loaded.db.url)
    try:
        # Session A is half-way through claiming: it holds the oldest entry's row lock.
        with other.uow() as a:
            locked = a.session.execute(
                select(DiaryEntry.id).where(DiaryEntry.status == "open").order_by(DiaryEntry.due_on).limit(1)
                .with_for_update(skip_locked=True)
            ).scalar_one()
            assert locked == first.diary_id
            # Session B (another officer) presses Next meanwhile: not blocked, and not given A's entry.
            started = time.perf_counter()
            result: list[object] = []
            worker = threading.Thread(target=lambda: result.append(claim(loaded, actor=OFFICER_2)))
            worker.start()
            worker.join(10)
            assert not worker.is_alive() and time.perf_counter() - started < 5
            b = result[0]
            assert b is not None and b.diary_id == second.diary_id  # type: ignore[attr-defined]
            # A completes its claim through the service in the same transaction's place
            a.rollback()
        got_a = claim(loaded, actor=OFFICER)
        assert got_a is not None and got_a.diary_id == first.diary_id
        assert claim(loaded, actor=LEADER) is None
    finally:
        other.dispose()


def test_sqlite_claims_wait_for_the_single_writer(loaded: AppContext) -> None:
    if loaded.db.dialect != "sqlite":
        pytest.skip("SQLite's single-writer lock")
    early = date(2025, 5, 1)
    first = diary(loaded, ref="70000001", due=date(2025, 6, 1), as_of=early)
    second = diary(loaded, ref="70000002", due=date(2025, 6, 2), as_of=early)
    path = make_url(str(loaded.db.url)).database
    writer = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        # Another officer's claim is in progress: it holds the write lock and has taken the oldest entry.
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE diary_entry SET claimed_by = 'oscar', claimed_at = '2099-01-01 00:00:00', version = version + 1 "
                       "WHERE id = ?", (first.diary_id.bytes,))
        result: list[object] = []
        worker = threading.Thread(target=lambda: result.append(claim(loaded, actor=OFFICER)))
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and not result  # waits for the writer rather than choosing from stale data
        writer.execute("COMMIT")
        worker.join(10)
        got = result[0]
        assert got is not None and got.diary_id == second.diary_id  # type: ignore[attr-defined]
    finally:
        writer.close()
    with loaded.db.uow() as uow:
        claimed = dict(uow.session.execute(select(DiaryEntry.id, DiaryEntry.claimed_by)).all())
    assert claimed == {first.diary_id: "oscar", second.diary_id: "olivia"}


# --- tracing -------------------------------------------------------------------------

def test_gone_away_then_traced(loaded: AppContext) -> None:
    with loaded.db.uow() as uow:
        gone = record_gone_away(uow, OFFICER, account_ref="70000002", as_of=AS_OF, note="Post returned RTS")
    assert gone.created and gone.trace is not None
    assert (gone.trace.code, gone.trace.due, gone.trace.team) == ("TRACE", AS_OF + timedelta(days=28), "Recovery")
    with loaded.db.uow() as uow:
        again = record_gone_away(uow, OFFICER, account_ref="70000002", as_of=AS_OF, note="Second letter back")
    assert not again.created and again.trace is not None and again.trace.diary_id == gone.trace.diary_id
    with loaded.db.uow() as uow, pytest.raises(ValidationError, match="new address is required"):
        record_traced(uow, OFFICER, account_ref="70000002", new_address=" ", as_of=AS_OF)
    with loaded.db.uow() as uow:
        traced = record_traced(uow, OFFICER_2, account_ref="70000002", new_address="4 Mill Lane, Fenby FE1 2AB",
                               as_of=date(2025, 7, 10), note="Credit reference agency")
    assert traced.trace is not None and traced.follow_up is not None
    assert (traced.trace.diary_id, traced.trace.status, traced.trace.completed_by) == (gone.trace.diary_id, "completed", "oscar")
    assert "4 Mill Lane" in traced.trace.completion_note
    assert (traced.follow_up.code, traced.follow_up.due, traced.follow_up.status) == ("TRACED", date(2025, 7, 17), "open")
    with loaded.db.uow() as uow:
        entries = account_entries(uow, account_ref="70000002")
        notes = list(uow.session.scalars(select(Note.text).order_by(Note.created_at)))
    assert [(e.code, e.status) for e in entries] == [("TRACED", "open"), ("TRACE", "completed")]
    assert notes[0].startswith("Gone away reported: Post returned RTS") and "Traced: new address 4 Mill Lane" in notes[-1]
