"""Offline court mode: packing a hearing list into an encrypted file, working on it with the
ordinary commands (each change journaled), and syncing the journal back exactly once.

The sync cases are the ones users of offline-sync products have reported as bugs: a crash
after the office commits but before the laptop records it, an entry for a case the office
has moved on, the same journal twice or from a copy, an altered entry, a laptop clock that
is wrong, and a pack that is not what it should be (wrong key, truncated, another database).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.application import Application
from app.bootstrap import AppContext, bootstrap
from app.casework.requests import AddNote
from app.court import journal as journal_module
from app.court import sync as sync_module
from app.court.journal import PackJournal
from app.court.pack_tables import JournalEntry
from app.court.packing import leases, pack_context
from app.court.requests import MakePack, RecordOutcome, ResolveConflict
from app.errors import Conflict, DatabaseUnavailable, NotAllowed, ValidationError
from app.models import CourtPack, LedgerTransaction, Payment, RecoveryEvent
from app.payments.requests import PostPayment
from app.recovery.arrangements.requests import CreateArrangement
from tests.conftest import EXAMPLES
from tests.services.court_helpers import HEARING, summons
from tests.services.helpers import load_examples
from tests.services.money_helpers import OFFICER
from tests.sqlite_files import copy_database

AS_OF = date(2025, 7, 15)
LISTED = ("70000001", "70000002", "70000003", "70000004", "70000005")


@pytest.fixture
def office(ctx: AppContext) -> AppContext:
    """The office database: the example accounts, all five summonsed for HEARING."""
    load_examples(ctx, EXAMPLES)
    for ref in LISTED:
        summons(ctx, ref, 2025, 100000)
    return ctx


@dataclass
class Court:
    """A pack made from `office`, and the application on it (court mode)."""

    office: Application
    path: Path
    pack_id: str
    app: Application

    def reopen(self) -> None:
        self.app.close()
        self.app = court_app(self.path, self.office)

    def close(self) -> None:
        self.app.close()


def court_app(path: Path, office: Application) -> Application:
    ctx = pack_context(path, office.settings, office.actor.username)
    return Application(ctx, journal=PackJournal())


@pytest.fixture
def court(office: AppContext, tmp_path: Path) -> Iterator[Court]:
    app = Application(office)
    result = app.execute(MakePack(hearing_date=HEARING, out=str(tmp_path / "hearing.pack"), as_of=AS_OF))
    c = Court(app, Path(result.file), str(result.pack_id), court_app(Path(result.file), app))
    yield c
    c.close()


def outcome(ref: str, result: str, **kw: Any) -> RecordOutcome:
    return RecordOutcome(account_ref=ref, hearing_date=HEARING, outcome=result, as_of=AS_OF, **kw)


def payment(ref: str, pence: int, reference: str) -> PostPayment:
    return PostPayment(account_ref=ref, amount_pence=pence, received_on=AS_OF, method="cash", reference=reference,
                       as_of=AS_OF)


def note(ref: str, text: str) -> AddNote:
    return AddNote(account_ref=ref, text=text)


def count(app: Application, model: Any, *where: Any) -> int:
    return int(app.read(lambda uow: uow.session.scalar(select(func.count()).select_from(model).where(*where))))


def court_events(app: Application, ref: str) -> list[str]:
    from app.accounts.summary import get_account_id

    def query(uow: Any) -> list[str]:
        account_id = get_account_id(uow, ref)
        return [str(s) for s in uow.session.scalars(
            select(RecoveryEvent.stage).where(RecoveryEvent.account_id == account_id).order_by(RecoveryEvent.created_at))]
    return app.read(query)


# --- packing -----------------------------------------------------------------------------

def test_pack_holds_the_hearing_list_and_leases_it(office: AppContext, court: Court) -> None:
    office_list = court.office.hearing_list(HEARING, AS_OF)
    court_list = court.app.hearing_list(HEARING, AS_OF)
    assert court_list.accounts == office_list.accounts == 5
    assert court_list.to_json() == office_list.to_json()  # names, balances, costs, payments since the summons
    assert court.app.account("70000003", AS_OF).to_json() == court.office.account("70000003", AS_OF).to_json()
    assert court.app.actor.username == court.office.actor.username  # the officer's own login, carried in the pack
    assert court.path.read_bytes()[:16] != b"SQLite format 3\x00"  # encrypted on disk

    def leased(uow: Any) -> dict[Any, date]:
        from app.accounts.summary import get_account_id
        return leases(uow, [get_account_id(uow, "70000003")], AS_OF)
    assert list(court.office.read(leased).values()) == [HEARING + timedelta(days=7)]


def test_pack_refuses_to_overwrite_a_file_without_force(court: Court) -> None:
    before = court.path.read_bytes()
    with pytest.raises(ValidationError, match="already exists"):
        court.office.execute(MakePack(hearing_date=HEARING, out=str(court.path), as_of=AS_OF))
    assert court.path.read_bytes() == before
    court.close()
    again = court.office.execute(MakePack(hearing_date=HEARING, out=str(court.path), as_of=AS_OF, force=True))
    assert again.accounts == 5 and str(again.pack_id) != court.pack_id
    court.app = court_app(court.path, court.office)


# --- the journal ---------------------------------------------------------------------------

def test_each_change_is_journaled_with_a_gap_free_sequence(court: Court) -> None:
    court.app.execute(outcome("70000001", "granted"))
    court.app.execute(payment("70000002", 2500, "COURT-1"))
    court.app.execute(note("70000002", "Paid at court"))
    with pytest.raises(ValidationError):  # refused: nothing changed, nothing journaled
        court.app.execute(outcome("70000009", "granted"))
    entries = court.app.court_journal()
    assert [(e.seq, e.command, e.account_ref) for e in entries] == [
        (1, "court.record_outcome", "70000001"), (2, "payments.post_payment", "70000002"), (3, "casework.add_note", "70000002"),
    ]
    assert entries[1].request["amount_pence"] == 2500
    assert {e.officer for e in entries} == {court.office.actor.username}

    def reads(uow: Any) -> dict[str, Any]:
        return uow.session.scalars(select(JournalEntry.reads).order_by(JournalEntry.seq)).first()  # type: ignore[no-any-return]
    first = court.app.read(reads)
    assert first["court"] == {"2025": {"stage": "summons", "hearing_date": "2025-07-15", "event_date": "2025-06-20"}}
    assert first["owed_pence"] == court.office.account("70000001", AS_OF).balance_pence


# --- sync ------------------------------------------------------------------------------------

def test_sync_applies_each_entry_once_and_releases_the_lease(court: Court) -> None:
    court.app.execute(outcome("70000001", "granted"))
    court.app.execute(payment("70000002", 2500, "COURT-1"))
    court.app.execute(note("70000002", "Paid at court"))
    court.close()
    receipt = court.office.sync_pack(court.path)
    assert (receipt.sent, receipt.applied, receipt.already_applied, receipt.conflicts) == (3, 3, 0, 0)
    assert (receipt.payments, receipt.payments_pence) == (receipt.office_payments, receipt.office_payments_pence) == (1, 2500)
    assert receipt.receipted
    assert court_events(court.office, "70000001") == ["summons", "liability_order"]
    assert court.office.notes("70000002")[0].text == "Paid at court"
    again = court.office.sync_pack(court.path)
    assert (again.sent, again.applied) == (0, 0)
    assert count(court.office, Payment, Payment.external_ref == "COURT-1") == 1
    assert court.office.read(lambda uow: uow.session.get(CourtPack, receipt.pack_id).released_at) is not None
    court.reopen()
    with pytest.raises(NotAllowed, match="read-only"):
        court.app.execute(note("70000002", "After sync"))
    assert all(e.receipt == "applied" for e in court.app.court_journal())


def test_a_copy_synced_from_another_machine_doubles_nothing(court: Court, tmp_path: Path) -> None:
    court.app.execute(payment("70000002", 2500, "COURT-1"))
    court.app.execute(outcome("70000003", "adjourned", adjourned_to=date(2025, 8, 12)))
    court.close()
    copy = tmp_path / "copy.pack"
    shutil.copyfile(court.path, copy)
    first = court.office.sync_pack(court.path)
    second = court.office.sync_pack(copy)
    assert (first.applied, second.sent, second.applied, second.already_applied, second.conflicts) == (2, 2, 0, 2, 0)
    assert count(court.office, Payment, Payment.external_ref == "COURT-1") == 1
    assert court_events(court.office, "70000003") == ["summons", "adjourned"]


def test_entry_3_of_10_for_a_case_withdrawn_in_the_office_is_the_one_conflict(court: Court) -> None:
    refs = ["70000001", "70000002", "70000003", "70000004", "70000005"]
    for i, ref in enumerate(refs):  # 10 entries: a payment and an outcome per account; entry 3 is 70000002's outcome
        court.app.execute(payment(ref, 1000, f"COURT-{i}"))
        court.app.execute(outcome(ref, "granted"))
    court.office.execute(outcome("70000002", "withdrawn"), confirm_at_court=True)  # meanwhile, in the office
    court.close()
    receipt = court.office.sync_pack(court.path)
    assert (receipt.sent, receipt.applied, receipt.conflicts) == (10, 9, 1)
    assert receipt.payments_pence == receipt.office_payments_pence == 5000
    [conflict] = court.office.sync_conflicts()
    assert (conflict.seq, conflict.account_ref, conflict.command) == (4, "70000002", "court.record_outcome")
    assert conflict.base["court"]["2025"]["stage"] == "summons"
    assert conflict.office["court"]["2025"]["stage"] == "withdrawn"
    assert conflict.court["request"]["fields"]["outcome"] == "granted"
    assert court_events(court.office, "70000002") == ["summons", "withdrawn"]  # the office's record stands
    assert receipt.conflict_ids == [conflict.id]


def test_office_paid_and_withdrew_while_court_granted_an_order_is_a_conflict(court: Court) -> None:
    court.app.execute(outcome("70000004", "granted"))
    owed = court.office.account("70000004", AS_OF).balance_pence
    court.office.execute(payment("70000004", owed, "OFFICE-PAID"))
    court.office.execute(outcome("70000004", "withdrawn", withdraw_costs=True), confirm_at_court=True)
    court.close()
    receipt = court.office.sync_pack(court.path)
    assert (receipt.applied, receipt.conflicts) == (0, 1)
    assert court_events(court.office, "70000004") == ["summons", "withdrawn"]
    lo_costs = count(court.office, LedgerTransaction, LedgerTransaction.reference == "LO-2025")
    assert lo_costs == 0  # no order costs posted over the office's withdrawal


def test_a_crash_after_the_office_commits_before_the_pack_records_it(court: Court, monkeypatch: pytest.MonkeyPatch) -> None:
    court.app.execute(payment("70000002", 2500, "COURT-1"))
    court.app.execute(note("70000002", "Receipt 123 given"))
    court.close()
    monkeypatch.setattr(sync_module, "RECEIPTS_EVERY", 1)
    receipts = sync_module._receipts

    def crash(*args: Any) -> None:
        raise KeyboardInterrupt  # the laptop dies after the office commits entry 1, before it records the receipt
    monkeypatch.setattr(sync_module, "_receipts", crash)
    with pytest.raises(KeyboardInterrupt):
        court.office.sync_pack(court.path)
    monkeypatch.setattr(sync_module, "_receipts", receipts)
    again = court.office.sync_pack(court.path)
    assert (again.sent, again.applied, again.already_applied) == (2, 1, 1)
    assert count(court.office, Payment, Payment.external_ref == "COURT-1") == 1
    assert [n.text for n in court.office.notes("70000002")].count("Receipt 123 given") == 1


def test_the_same_entry_id_with_other_contents_is_refused_loudly(court: Court, tmp_path: Path) -> None:
    court.app.execute(payment("70000002", 2500, "COURT-1"))
    court.close()
    altered = tmp_path / "altered.pack"
    shutil.copyfile(court.path, altered)
    court.office.sync_pack(court.path)
    tampered = court_app(altered, court.office)

    def change(uow: Any) -> None:
        entry = uow.session.scalar(select(JournalEntry))
        entry.request = {**entry.request, "fields": {**entry.request["fields"], "amount_pence": 25000}}
        uow.commit()
    tampered.read(change)
    tampered.close()
    with pytest.raises(sync_module.JournalAltered, match="different contents"):
        court.office.sync_pack(altered)
    assert court.office.read(lambda uow: uow.session.scalar(
        select(func.sum(Payment.amount_pence)).where(Payment.external_ref == "COURT-1"))) == 2500


def test_order_follows_sequence_numbers_not_the_laptop_clock(court: Court, monkeypatch: pytest.MonkeyPatch) -> None:
    times = iter([datetime(2025, 7, 15, 10, tzinfo=UTC), datetime(2025, 7, 14, 10, tzinfo=UTC)])  # clock put back a day
    monkeypatch.setattr(journal_module.clock, "now", lambda: next(times, datetime(2025, 7, 14, 11, tzinfo=UTC)))
    court.app.execute(payment("70000001", 20000, "COURT-1"))
    court.app.execute(CreateArrangement(account_ref="70000001", frequency="monthly", start=date(2025, 8, 1),
                                        end=date(2026, 3, 1), as_of=AS_OF, confirm_warnings=True))
    monkeypatch.undo()
    court.close()
    receipt = court.office.sync_pack(court.path)
    assert (receipt.applied, receipt.conflicts) == (2, 0)  # the arrangement saw the payment first, as at court


def test_an_arrangement_that_no_longer_fits_the_balance_is_a_conflict(court: Court) -> None:
    court.app.execute(CreateArrangement(account_ref="70000001", frequency="monthly", start=date(2025, 8, 1),
                                        end=date(2026, 3, 1), as_of=AS_OF, confirm_warnings=True))
    court.office.execute(payment("70000001", 30000, "OFFICE-1"))
    court.close()
    receipt = court.office.sync_pack(court.path)
    assert receipt.conflicts == 1
    assert "no longer match" in court.office.sync_conflicts()[0].reason


def test_edit_and_apply_the_court_s_arrangement_in_the_same_transaction(court: Court) -> None:
    import dataclasses

    from app.requests import from_json, to_json

    court.app.execute(CreateArrangement(account_ref="70000001", frequency="monthly", start=date(2025, 8, 1),
                                        end=date(2026, 3, 1), as_of=AS_OF, confirm_warnings=True))
    court.office.execute(payment("70000001", 30000, "OFFICE-1"))
    court.close()
    court.office.sync_pack(court.path)
    [conflict] = court.office.sync_conflicts()
    recorded = from_json(conflict.court["request"])
    other = dataclasses.replace(recorded, account_ref="70000002")
    with pytest.raises(ValidationError, match=r"same kind of request \(arrangements.create\) for account 70000001"):
        court.office.execute(ResolveConflict(conflict_id=conflict.id, keep="court", note="x", edited=to_json(other)))
    edited = dataclasses.replace(recorded, start=date(2025, 9, 1))  # the court's plan, a month later
    done = court.office.execute(ResolveConflict(conflict_id=conflict.id, keep="court", note="Started in September",
                                                edited=to_json(edited)))
    assert (done.status, done.resolution) == ("resolved", "court")
    assert court.office.sync_conflicts() == []
    shown = court.office.arrangement("70000001", AS_OF)
    assert shown is not None and shown.start == date(2025, 9, 1)


def test_a_team_leader_resolves_a_conflict_keeping_court_or_office(court: Court) -> None:
    court.app.execute(outcome("70000002", "granted"))
    court.app.execute(outcome("70000003", "granted"))
    court.office.execute(outcome("70000002", "adjourned", adjourned_to=date(2025, 8, 12)), confirm_at_court=True)
    court.office.execute(outcome("70000003", "adjourned", adjourned_to=date(2025, 8, 12)), confirm_at_court=True)
    court.close()
    assert court.office.sync_pack(court.path).conflicts == 2
    first, second = court.office.sync_conflicts()
    with pytest.raises(ValidationError, match="note"):
        court.office.execute(ResolveConflict(conflict_id=first.id, keep="office", note=" "))
    kept = court.office.execute(ResolveConflict(conflict_id=first.id, keep="office", note="Adjourned by phone"))
    assert (kept.status, kept.resolution) == ("resolved", "office")
    with pytest.raises(Conflict):  # the court's order cannot stand on a case adjourned since: nothing resolved
        court.office.execute(ResolveConflict(conflict_id=second.id, keep="court", note="Court's word"))
    assert [c.id for c in court.office.sync_conflicts()] == [second.id]


def test_only_a_team_leader_resolves(court: Court) -> None:
    court.app.execute(outcome("70000002", "granted"))
    court.office.execute(outcome("70000002", "withdrawn"), confirm_at_court=True)
    court.close()
    court.office.sync_pack(court.path)
    [conflict] = court.office.sync_conflicts()

    def as_officer(uow: Any) -> None:
        sync_module.resolve_conflict(uow, OFFICER, court.office.settings, conflict_id=conflict.id, keep="office", note="x")
    with pytest.raises(NotAllowed, match="resolve sync conflicts"):
        court.office.read(as_officer)


# --- packs that are not what they should be: one sentence, the file untouched -------------------

def test_a_wrong_key_a_truncated_file_or_another_database(court: Court, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         sqlite_template: Path) -> None:
    court.app.execute(payment("70000002", 2500, "COURT-1"))
    court.close()
    original = court.path.read_bytes()
    monkeypatch.setenv("REVDESK_PACK_KEY", "0" * 64)
    with pytest.raises(DatabaseUnavailable, match="cannot be opened as a court pack") as wrong:
        court.office.sync_pack(court.path)
    assert "\n" not in str(wrong.value) and "0" * 64 not in str(wrong.value)
    monkeypatch.delenv("REVDESK_PACK_KEY")
    truncated = tmp_path / "truncated.pack"
    truncated.write_bytes(original[: len(original) // 2])
    with pytest.raises(DatabaseUnavailable):
        court.office.sync_pack(truncated)
    assert truncated.read_bytes() == original[: len(original) // 2]
    (tmp_path / "other").mkdir()
    other = bootstrap(copy_database(sqlite_template, tmp_path / "other"), str(EXAMPLES / "settings.toml"), "admin")
    try:
        with pytest.raises(NotAllowed, match="was not made from the database"):
            Application(other).sync_pack(court.path)
    finally:
        other.db.dispose()
    assert court.path.read_bytes() == original


def test_a_pack_from_an_older_version_is_not_upgraded_over_an_unsynced_journal(court: Court) -> None:
    court.app.execute(note("70000002", "Recorded by the older version"))

    def older(uow: Any) -> None:
        uow.session.execute(text("UPDATE alembic_version SET version_num = '0014'"))
        uow.commit()
    court.app.read(older)
    court.close()
    with pytest.raises(NotAllowed, match="older version of Revenues Desk and holds journal entries not yet synced"):
        court_app(court.path, court.office)


def test_an_older_version_s_unsynced_journal_is_synced_upcast_without_upgrading_the_pack(
    court: Court, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pack's schema is older and its note was recorded as AddNote version 1; this version's
    AddNote is version 2 (here: its text gained a prefix), so sync upcasts the entry, applies it
    once, and leaves the pack's schema as it was."""
    from app.casework.notes import list_notes
    from app.requests import UPCASTERS

    court.app.execute(note("70000002", "Recorded by the older version"))

    def older(uow: Any) -> None:
        uow.session.execute(text("UPDATE alembic_version SET version_num = '0014'"))
        uow.commit()
    court.app.read(older)
    court.close()
    monkeypatch.setattr(AddNote, "version", 2)
    monkeypatch.setitem(UPCASTERS, ("casework.add_note", 1), lambda f: {**f, "text": f"[court] {f['text']}"})
    receipt = court.office.sync_pack(court.path)
    assert (receipt.sent, receipt.applied, receipt.conflicts) == (1, 1, 0)
    texts = [n.text for n in court.office.read(list_notes, account_ref="70000002")]
    assert "[court] Recorded by the older version" in texts
    assert court.office.sync_pack(court.path).sent == 0
    from app.court.packing import open_pack
    from app.db import current_revision

    db = open_pack(court.path, journal_only=True)
    try:
        assert current_revision(db) == "0014"  # the pack's schema was left as it was
    finally:
        db.dispose()


def test_a_crash_while_an_entry_is_written_leaves_neither_the_change_nor_the_entry(
    court: Court, monkeypatch: pytest.MonkeyPatch,
) -> None:
    court.app.execute(payment("70000002", 1000, "COURT-1"))

    def dies(*args: Any) -> str:
        raise KeyboardInterrupt  # the laptop dies while the journal entry is being written
    monkeypatch.setattr(journal_module, "content_hash", dies)
    with pytest.raises(KeyboardInterrupt):
        court.app.execute(payment("70000002", 2000, "COURT-2"))
    monkeypatch.undo()
    assert [e.request["reference"] for e in court.app.court_journal()] == ["COURT-1"]
    assert count(court.app, Payment, Payment.external_ref == "COURT-2") == 0
    court.close()
    receipt = court.office.sync_pack(court.path)
    assert (receipt.sent, receipt.applied, receipt.payments_pence) == (1, 1, 1000)  # sync not blocked


# --- the office is warned before changing a case at court ----------------------------------

def test_the_office_is_warned_before_changing_a_case_at_court(court: Court) -> None:
    from app.court.at_court import AtCourt, confirmed_at_court
    from app.recovery.requests import AddHold

    until = (HEARING + timedelta(days=7)).strftime("%d/%m/%Y")
    with pytest.raises(AtCourt, match=f"Account 70000002 is at court until {until} \\(pack made by "):
        court.office.execute(outcome("70000002", "withdrawn"))
    with pytest.raises(AtCourt, match="70000003"):
        court.office.execute(AddHold(account_ref="70000003", kind="dispute", reason="Phoned in", start_date=AS_OF,
                                          as_of=AS_OF))
    assert court_events(court.office, "70000002") == ["summons"]  # nothing was changed
    court.office.execute(payment("70000002", 1000, "OFFICE-P"))  # a payment needs no confirming
    court.office.execute(note("70000002", "Called about court"))  # nor a note
    court.office.execute(outcome("70000002", "withdrawn"), confirm_at_court=True)
    with confirmed_at_court():  # the one mechanism the CLI flag and the desktop's retry use
        court.office.execute(outcome("70000003", "withdrawn"))
    assert court_events(court.office, "70000003") == ["summons", "withdrawn"]


def test_a_decision_on_a_record_of_a_case_at_court_is_warned_too(court: Court) -> None:
    """Lifting a hold or deciding a write-off names the record, not the account: the warning
    finds the account through the record."""
    from app.court.at_court import AtCourt
    from app.court.record_accounts import record_accounts
    from app.recovery.requests import AddHold, LiftHold
    from app.writeoffs.requests import DecideWriteOff, ProposeWriteOff

    hold = court.office.execute(AddHold(account_ref="70000004", kind="dispute", reason="Phoned in", start_date=AS_OF,
                                        as_of=AS_OF), confirm_at_court=True)
    lift = LiftHold(hold_id=hold.hold_id, end_date=AS_OF, reason="Resolved", as_of=AS_OF)
    with pytest.raises(AtCourt, match="Account 70000004 is at court until"):
        court.office.execute(lift)
    court.office.execute(lift, confirm_at_court=True)
    proposed = court.office.execute(ProposeWriteOff(account_ref="70000005", financial_year=2025, amount_pence=1000,
                                                    reason="uneconomical", note="Small sum", as_of=AS_OF),
                                    confirm_at_court=True)
    decide = DecideWriteOff(writeoff_id=proposed.writeoff_id, approve=True, note="", as_of=AS_OF)
    assert court.office.read(record_accounts, decide) == ["70000005"]
    assert court.office.read(record_accounts, payment("70000005", 100, "P")) == []  # no record named


def test_the_warning_ends_with_the_lease_or_the_sync(court: Court) -> None:
    from app.court.at_court import AtCourt
    from app.court.requests import RecordOutcomes

    with pytest.raises(AtCourt, match="The list for the hearing on 15/07/2025 is at court until"):
        court.office.execute(RecordOutcomes(hearing_date=HEARING, outcome="granted", as_of=AS_OF))
    after_lease = HEARING + timedelta(days=8)
    court.office.execute(RecordOutcome(account_ref="70000004", hearing_date=HEARING, outcome="granted",
                                       as_of=after_lease))
    court.app.execute(outcome("70000001", "granted"))  # court mode itself is never asked
    court.close()
    court.office.sync_pack(court.path)  # sync releases the lease
    court.office.execute(outcome("70000005", "withdrawn"))


# --- a journal exported for a colleague to sync ----------------------------------------------

def test_an_exported_journal_synced_then_the_pack_itself_doubles_nothing(court: Court, tmp_path: Path) -> None:
    from app.court.packing import open_pack

    court.app.execute(payment("70000002", 2500, "COURT-1"))
    court.app.execute(outcome("70000003", "granted"))
    exported = court.app.export_journal(tmp_path / "journal.export")
    assert (exported.entries, exported.unreceipted, str(exported.pack_id)) == (2, 2, court.pack_id)
    with pytest.raises(ValidationError, match="already exists"):
        court.app.export_journal(tmp_path / "journal.export")
    court.app.execute(note("70000004", "Recorded after the export"))  # the pack goes on being worked on
    with pytest.raises(ValidationError, match="journal exported from a court pack, not a pack"):
        court_app(Path(exported.file), court.office)

    first = court.office.sync_pack(exported.file)  # a colleague syncs the export
    assert (first.export, first.sent, first.applied, first.receipted) == (True, 2, 2, True)
    assert first.payments_pence == first.office_payments_pence == 2500
    assert court.office.at_court_until(HEARING, AS_OF) is not None  # the pack itself is still out
    again = court.office.sync_pack(exported.file)
    assert (again.sent, again.applied) == (0, 0)

    court.close()
    pack = court.office.sync_pack(court.path)  # then the pack itself, back in the office
    assert (pack.export, pack.sent, pack.applied, pack.already_applied, pack.conflicts) == (False, 3, 1, 2, 0)
    assert pack.receipted and court.office.at_court_until(HEARING, AS_OF) is None
    assert count(court.office, Payment, Payment.external_ref == "COURT-1") == 1
    assert court_events(court.office, "70000003") == ["summons", "liability_order"]
    db = open_pack(court.path)
    try:
        with db.uow() as uow:
            assert {e.receipt for e in uow.session.scalars(select(JournalEntry))} == {"applied", "already_applied"}
    finally:
        db.dispose()


def test_an_export_synced_after_the_pack_is_all_already_applied(court: Court, tmp_path: Path) -> None:
    court.app.execute(payment("70000002", 2500, "COURT-1"))
    exported = court.app.export_journal(tmp_path / "journal.export")
    court.close()
    assert court.office.sync_pack(court.path).applied == 1
    late = court.office.sync_pack(exported.file)
    assert (late.sent, late.applied, late.already_applied) == (1, 0, 1)
    assert count(court.office, Payment, Payment.external_ref == "COURT-1") == 1


# --- wiping, and the lease's length ----------------------------------------------------------

def test_a_pack_is_wiped_only_when_every_entry_is_receipted(court: Court) -> None:
    court.app.execute(payment("70000002", 2500, "COURT-1"))
    court.close()
    before = court.path.read_bytes()
    with pytest.raises(NotAllowed, match="1 journal entry not yet synced"):
        court.office.wipe_pack(court.path)
    assert court.path.read_bytes() == before  # untouched
    court.office.sync_pack(court.path)
    overwritten: list[bytes] = []
    real = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self == court.path:
            overwritten.append(self.read_bytes())
        real(self, missing_ok=missing_ok)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "unlink", unlink)
        done = court.office.wipe_pack(court.path)
    assert (str(done.pack_id), done.entries, done.bytes_overwritten) == (court.pack_id, 1, len(overwritten[0]))
    assert not court.path.exists()
    assert overwritten[0] != before[: len(overwritten[0])]  # overwritten before it was deleted


def test_an_unsynced_pack_with_nothing_recorded_is_not_wiped(court: Court) -> None:
    court.close()
    with pytest.raises(NotAllowed, match="has not been synced"):
        court.office.wipe_pack(court.path)
    assert court.path.exists()


def test_the_lease_length_is_a_setting(office: AppContext, tmp_path: Path) -> None:
    import dataclasses

    court = dataclasses.replace(office.settings.court, lease_days_after_hearing=2)
    settings = dataclasses.replace(office.settings, court=court)
    app = Application(dataclasses.replace(office, settings=settings))
    made = app.execute(MakePack(hearing_date=HEARING, out=str(tmp_path / "short.pack"), as_of=AS_OF))
    assert made.leased_until == HEARING + timedelta(days=2)
    assert app.at_court_until(HEARING, HEARING + timedelta(days=3)) is None
