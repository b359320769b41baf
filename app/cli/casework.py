"""`revdesk worklist ...`, `diary ...`, `note ...`, `trace ...` and `escalations ...`: case
work. Thin: parse, ask the application, print. Diary codes are synced from the settings
(`[diary_codes]`) before each command (cheap; writes only when they changed)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_OK, Handler, as_of_and_json, date_arg, int_arg, pounds_arg, print_json, record_id
from app.enums import EscalationReason, EscalationStatus
from app.money import fmt

if TYPE_CHECKING:
    from app.application import Application


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    wl = sub.add_parser("worklist", help="diary worklists: list, claim the next item, complete").add_subparsers(
        dest="worklist_command", metavar="ACTION", required=True
    )
    listing = wl.add_parser("list", help="open diary entries with due/overdue counts (one page)")
    listing.add_argument("--code", help="diary code, e.g. TRACE")
    listing.add_argument("--team")
    listing.add_argument("--owner", help="entries given to this officer")
    listing.add_argument("--mine", action="store_true", help="entries given to or claimed by me")
    listing.add_argument("--due", action="store_true", help="only entries due by --as-of")
    listing.add_argument("--sort", choices=["due", "balance", "stage"], default="due")
    listing.add_argument("--page", type=int_arg, default=1)
    listing.add_argument("--page-size", type=int_arg, default=50)
    as_of_and_json(listing)
    nxt = wl.add_parser("next", help="claim the next due diary entry for me")
    nxt.add_argument("--code")
    nxt.add_argument("--team")
    nxt.add_argument("--claim-minutes", type=int_arg, default=30, help="a claim older than this lapses (default 30)")
    as_of_and_json(nxt)
    complete = wl.add_parser("complete", help="complete a diary entry (a short note is required)")
    complete.add_argument("diary_id")
    complete.add_argument("--note", required=True)
    complete.add_argument("--next-date", type=date_arg, default=None, help="bring forward: a follow-up entry on this date")
    as_of_and_json(complete)
    move = wl.add_parser("reschedule", help="move a diary entry to another date (a note is required)")
    move.add_argument("diary_id")
    move.add_argument("--due", type=date_arg, required=True)
    move.add_argument("--note", required=True)
    as_of_and_json(move)
    reassign = wl.add_parser("reassign", help="give diary entries to an officer or team (team leader)")
    reassign.add_argument("diary_ids", nargs="+")
    reassign.add_argument("--owner", default=None, help="officer's user name ('' = back to the team queue)")
    reassign.add_argument("--team", default=None)
    reassign.add_argument("--json", action="store_true")
    release = wl.add_parser("release", help="give a claimed entry back to the queue")
    release.add_argument("diary_id")
    codes = wl.add_parser("codes", help="the diary codes in use")
    codes.add_argument("--json", action="store_true")

    diary = sub.add_parser("diary", help="diary an account").add_subparsers(dest="diary_command", metavar="ACTION", required=True)
    add = diary.add_parser("add", help="add a diary entry to an account")
    add.add_argument("ref", help="account reference")
    add.add_argument("--code", required=True)
    add.add_argument("--due", type=date_arg, default=None, help="default: as-of + the code's default days")
    add.add_argument("--owner", default=None)
    add.add_argument("--team", default=None, help="default: the code's team")
    add.add_argument("--note", default="")
    as_of_and_json(add)
    dlist = diary.add_parser("list", help="an account's diary")
    dlist.add_argument("ref")
    dlist.add_argument("--open", action="store_true", help="open entries only")
    dlist.add_argument("--json", action="store_true")

    note = sub.add_parser("note", help="account notes (append-only)").add_subparsers(
        dest="note_command", metavar="ACTION", required=True
    )
    nadd = note.add_parser("add", help="add a note to an account")
    nadd.add_argument("ref")
    nadd.add_argument("--text", required=True)
    nadd.add_argument("--json", action="store_true")
    nlist = note.add_parser("list", help="an account's notes, newest first")
    nlist.add_argument("ref")
    nlist.add_argument("--limit", type=int_arg, default=None)
    nlist.add_argument("--json", action="store_true")

    trace = sub.add_parser("trace", help="tracing taxpayers who have gone away").add_subparsers(
        dest="trace_command", metavar="ACTION", required=True
    )
    gone = trace.add_parser("gone-away", help="record a gone away (makes a TRACE diary entry)")
    gone.add_argument("ref")
    gone.add_argument("--note", default="")
    as_of_and_json(gone)
    traced = trace.add_parser("traced", help="record the traced new address (completes TRACE, adds TRACED)")
    traced.add_argument("ref")
    traced.add_argument("--address", required=True)
    traced.add_argument("--note", default="")
    as_of_and_json(traced)

    esc = sub.add_parser("escalations", help="cases referred to team leaders").add_subparsers(
        dest="escalations_command", metavar="ACTION", required=True
    )
    elist = esc.add_parser("list", help="the queue, oldest first")
    elist.add_argument("--team")
    elist.add_argument("--status", choices=[*(s.value for s in EscalationStatus), "all"], default=None)
    elist.add_argument("--json", action="store_true")
    eraise = esc.add_parser("raise", help="refer a case to a team leader")
    eraise.add_argument("ref")
    eraise.add_argument("--reason", required=True, choices=[r.value for r in EscalationReason])
    eraise.add_argument("--note", required=True)
    eraise.add_argument("--amount", type=pounds_arg, default=None, help="amount in pounds (write-off or refund)")
    eraise.add_argument("--subject-id", default=None, help="the refund request (or write-off) it is about")
    eraise.add_argument("--team", default=None, help="default: your team")
    eraise.add_argument("--json", action="store_true")
    decide = esc.add_parser("decide", help="approve, reject or refer an escalation (team leader)")
    decide.add_argument("escalation_id")
    decide.add_argument("--decision", required=True, choices=["approve", "reject", "refer"])
    decide.add_argument("--note", required=True)
    as_of_and_json(decide)

    handlers.update({"worklist": _worklist, "diary": _diary, "note": _note, "trace": _trace, "escalations": _escalations})




def _print(args: argparse.Namespace, data: dict[str, Any], text: str) -> int:
    if getattr(args, "json", False):
        print_json(data)
    else:
        print(text)
    return EXIT_OK


def _worklist(app: Application, args: argparse.Namespace) -> int:
    from app.casework import requests as rq

    app.sync_diary_codes()
    command = args.worklist_command
    as_of = getattr(args, "as_of", None) or clock.today()
    if command == "codes":
        codes = app.diary_codes()
        return _print(args, {"codes": [c.to_json() for c in codes]},
                      "\n".join(f"{c.code:<8} {c.description:<32} {c.default_days:>4} days  {c.team}" for c in codes))
    if command == "list":
        page = app.worklist(
            as_of=as_of, code=args.code, team=args.team, owner=args.owner, mine=args.mine, due_only=args.due,
            sort=args.sort, page=args.page, page_size=args.page_size,
        )
        lines = [f"{page.total} open, {page.due} due, {page.overdue} overdue"] + [
            f"{c.code:<8} {c.open:>6} open {c.due:>6} due {c.overdue:>6} overdue  {c.description}" for c in page.by_code
        ] + [
            f"{r.diary_id}  {r.account_ref:<10} {r.code:<7} {r.due:%d/%m/%Y}{' overdue' if r.overdue else '        '} "
            f"{fmt(r.balance_pence):>11}  {r.owner or r.team}  {r.name}"
            for r in page.rows
        ]
        return _print(args, page.to_json(), "\n".join(lines))
    if command == "next":
        claimed = app.execute(rq.ClaimNext(as_of=as_of, code=args.code, team=args.team, claim_minutes=args.claim_minutes))
        if claimed is None:
            return _print(args, {}, "Nothing left to do in this worklist.")
        data = claimed.to_json()
        return _print(args, data,
                      f"{claimed.diary_id}  {claimed.account_ref} {claimed.code} due {claimed.due:%d/%m/%Y}: {claimed.note}")
    if command == "complete":
        result = app.execute(rq.CompleteDiaryEntry(
            diary_id=record_id(args.diary_id, "diary", "revdesk worklist list"), note=args.note, as_of=as_of,
            next_date=args.next_date,
        ))
        data = {**result.completed.to_json(), "diary_id": str(result.completed.diary_id),
                "follow_up": result.follow_up.to_json() if result.follow_up else None}
        more = f"; brought forward to {result.follow_up.due:%d/%m/%Y}" if result.follow_up else ""
        return _print(args, data, f"Completed {result.completed.code} on {result.completed.account_ref}{more}.")
    if command == "reschedule":
        view = app.execute(rq.RescheduleDiaryEntry(
            diary_id=record_id(args.diary_id, "diary", "revdesk worklist list"), due=args.due, note=args.note, as_of=as_of,
        ))
        return _print(args, view.to_json(), f"{view.code} on {view.account_ref} now due {view.due:%d/%m/%Y}.")
    if command == "reassign":
        ids = tuple(record_id(i, "diary", "revdesk worklist list") for i in args.diary_ids)
        moved = app.execute(rq.ReassignDiaryEntries(diary_ids=ids, owner=args.owner, team=args.team))
        skipped = f" ({len(moved.skipped)} not open, skipped)" if moved.skipped else ""
        return _print(args, moved.to_json(), f"Reassigned {moved.reassigned} diary entries{skipped}.")
    app.execute(rq.ReleaseClaim(diary_id=record_id(args.diary_id, "diary", "revdesk worklist list")))
    print("Released.")
    return EXIT_OK


def _diary(app: Application, args: argparse.Namespace) -> int:
    from app.casework.diary import account_entries
    from app.casework.requests import AddDiaryEntry

    app.sync_diary_codes()
    if args.diary_command == "list":
        views = app.read(account_entries, account_ref=args.ref, include_completed=not args.open)
        return _print(args, {"diary": [v.to_json() for v in views]}, "\n".join(
            f"{v.diary_id}  {v.code:<7} {v.due:%d/%m/%Y} {v.status:<9} {v.owner or v.team}  {v.completion_note or v.note}"
            for v in views
        ) or "No diary entries.")
    view = app.execute(AddDiaryEntry(
        account_ref=args.ref, code=args.code, as_of=args.as_of or clock.today(), due=args.due, owner=args.owner,
        team=args.team, note=args.note,
    ))
    return _print(args, view.to_json(), f"Diary {view.diary_id}: {view.code} on {view.account_ref} "
                                        f"due {view.due:%d/%m/%Y} ({view.owner or view.team}).")


def _note(app: Application, args: argparse.Namespace) -> int:
    from app.casework.requests import AddNote

    if args.note_command == "list":
        views = app.notes(args.ref, limit=args.limit)
        return _print(args, {"notes": [v.to_json() for v in views]},
                      "\n".join(f"{v.created_at:%d/%m/%Y %H:%M} {v.created_by}: {v.text}" for v in views) or "No notes.")
    view = app.execute(AddNote(account_ref=args.ref, text=args.text))
    return _print(args, view.to_json(), f"Note added to {view.account_ref}.")


def _trace(app: Application, args: argparse.Namespace) -> int:
    from app.casework.requests import RecordGoneAway, RecordTraced

    app.sync_diary_codes()
    as_of = args.as_of or clock.today()
    if args.trace_command == "gone-away":
        result = app.execute(RecordGoneAway(account_ref=args.ref, as_of=as_of, note=args.note))
        assert result.trace is not None
        text = (f"Gone away recorded; TRACE due {result.trace.due:%d/%m/%Y}." if result.created
                else f"Gone away recorded; already being traced (TRACE due {result.trace.due:%d/%m/%Y}).")
        return _print(args, result.to_json(), text)
    result = app.execute(RecordTraced(account_ref=args.ref, new_address=args.address, as_of=as_of, note=args.note))
    assert result.follow_up is not None
    return _print(args, result.to_json(), f"Traced; TRACED follow-up due {result.follow_up.due:%d/%m/%Y}.")


def _escalations(app: Application, args: argparse.Namespace) -> int:
    from app.casework.requests import DecideEscalation, RaiseEscalation

    if args.escalations_command == "list":
        queue = app.escalation_queue(team=args.team, status=args.status)
        lines = [
            f"{v.escalation_id}  {v.account_ref:<10} {v.reason:<10} "
            f"{fmt(v.amount_pence) if v.amount_pence is not None else '':>11} "
            f"{v.status:<8} {v.raised_at:%d/%m/%Y} by {v.raised_by}: {v.note}"
            for v in queue.escalations
        ]
        return _print(args, queue.to_json(), "\n".join(lines) or "No escalations waiting.")
    if args.escalations_command == "raise":
        subject = record_id(args.subject_id, "refund request", "revdesk refund list") if args.subject_id else None
        view = app.execute(RaiseEscalation(
            account_ref=args.ref, reason=args.reason, note=args.note, amount_pence=args.amount, subject_id=subject,
            team=args.team,
        ))
        return _print(args, view.to_json(), f"Escalation {view.escalation_id} raised on {view.account_ref} ({view.reason}).")
    view = app.execute(DecideEscalation(
        escalation_id=record_id(args.escalation_id, "escalation", "revdesk escalations list"), decision=args.decision,
        note=args.note, as_of=args.as_of or clock.today(),
    ))
    return _print(args, view.to_json(), f"Escalation {view.escalation_id} on {view.account_ref}: {view.status}.")
