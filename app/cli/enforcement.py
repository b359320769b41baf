"""`revdesk hold ...`, `aoe ...`, `benefit ...`, `agent ...`, `candidates`, `routes`, `cases`:
holds and enforcement after the liability order. Thin: parse, ask the application, print."""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_BAD_INPUT, EXIT_OK, Handler, UsageError, date_arg, int_arg, pounds_arg, print_json
from app.enums import EnforcementKind, EnforcementStatus
from app.money import fmt

if TYPE_CHECKING:
    from app.application import Application


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=date_arg, default=None, help="today's date for the action (default: today)")
    parser.add_argument("--json", action="store_true")


def _order_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ref", help="account reference")
    parser.add_argument("--year", type=int_arg, default=None, help="financial year of the liability order (2025 = 2025/26)")


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    hold = sub.add_parser("hold", help="recovery holds (breathing space, insolvency, dispute...)").add_subparsers(
        dest="hold_command", metavar="ACTION", required=True
    )
    add = hold.add_parser("add", help="put an account on hold")
    add.add_argument("ref", help="account reference")
    add.add_argument("--kind", required=True, help="breathing_space, breathing_space_mental_health, bankruptcy, dro, "
                     "iva, deceased, dispute, vulnerability_review or arrangement")
    add.add_argument("--reason", required=True)
    add.add_argument("--from", dest="start", type=date_arg, default=None, help="first day (default: --as-of)")
    add.add_argument("--to", dest="end", type=date_arg, default=None,
                     help="last day (default: 60 days for a standard breathing space, else until lifted)")
    _common(add)
    lift = hold.add_parser("lift", help="lift a hold (its last day in force)")
    lift.add_argument("hold_id")
    lift.add_argument("--date", type=date_arg, default=None, help="last day in force (default: --as-of)")
    lift.add_argument("--reason", required=True)
    _common(lift)
    hold_list = hold.add_parser("list", help="list holds")
    hold_list.add_argument("--account", default=None, help="account reference")
    hold_list.add_argument("--active-on", type=date_arg, default=None, help="only holds in force on this day")
    hold_list.add_argument("--json", action="store_true")

    aoe = sub.add_parser("aoe", help="attachment of earnings orders").add_subparsers(
        dest="aoe_command", metavar="ACTION", required=True
    )
    order = aoe.add_parser("order", help="make an order and issue it to the employer")
    _order_args(order)
    order.add_argument("--employer", required=True, help="employer's name")
    order.add_argument("--employer-address", required=True, help="employer's address (lines separated by commas)")
    order.add_argument("--payroll-ref", default="")
    order.add_argument("--pay-period", required=True, metavar="weekly|fortnightly|four_weekly|monthly|daily")
    order.add_argument("--net", type=pounds_arg, default=None, help="net pay per pay day, in pounds (for the schedule)")
    order.add_argument("--made", type=date_arg, default=None, help="date the order is made (default: --as-of)")
    _common(order)
    deduction = aoe.add_parser("deduction", help="record a deduction paid over by the employer")
    _receipt_args(deduction)

    benefit = sub.add_parser("benefit", help="deductions from benefit").add_subparsers(
        dest="benefit_command", metavar="ACTION", required=True
    )
    apply = benefit.add_parser("apply", help="apply to the DWP for deductions from benefit")
    _order_args(apply)
    apply.add_argument("--benefit", required=True, choices=["universal_credit", "legacy"])
    apply.add_argument("--category", default=None,
                       help="UC standard allowance: single_under_25, single_25_plus, couple_under_25, couple_25_plus")
    apply.add_argument("--rate-year", type=int_arg, default=None, help="year of the benefit rates (default: that of --date)")
    apply.add_argument("--other-deductions", type=pounds_arg, default=0, help="UC: other deductions already taken")
    apply.add_argument("--ni", default="", help="National Insurance number")
    apply.add_argument("--date", type=date_arg, default=None, help="date of the application (default: --as-of)")
    _common(apply)
    receipt = benefit.add_parser("receipt", help="record money paid over by the DWP")
    _receipt_args(receipt)

    agent = sub.add_parser("agent", help="enforcement agents").add_subparsers(
        dest="agent_command", metavar="ACTION", required=True
    )
    refer = agent.add_parser("refer", help="pass a liability order to an enforcement agent")
    _order_args(refer)
    refer.add_argument("--agent", required=True, help="the agent (firm) name")
    refer.add_argument("--date", type=date_arg, default=None, help="date referred (default: --as-of)")
    refer.add_argument("--vulnerable-without-advice", action="store_true", help="reg 12: no enforcement stage fee")
    _common(refer)
    export = agent.add_parser("export", help="write one referral CSV per agent of the cases not yet sent")
    export.add_argument("--out", required=True, help="folder to write into")
    export.add_argument("--agent", default=None, help="only this agent")
    _common(export)
    returns = agent.add_parser("returns", help="import an agent's returns file (payments, fee stages, returns)")
    returns.add_argument("file")
    returns.add_argument("--all-or-nothing", action="store_true", help="apply nothing if any row is rejected")
    _common(returns)
    reconcile = agent.add_parser("reconcile", help="agent's receipts and fees against the ledger and SI 2014/1")
    reconcile.add_argument("--agent", required=True)
    reconcile.add_argument("--from", dest="from_date", type=date_arg, required=True)
    reconcile.add_argument("--to", dest="to_date", type=date_arg, required=True)
    reconcile.add_argument("--json", action="store_true")

    candidates = sub.add_parser("candidates", help="accounts that could go further: charging order, bankruptcy, committal")
    candidates.add_argument("--route", required=True, choices=["charging_order", "bankruptcy", "committal"])
    _common(candidates)
    routes = sub.add_parser("routes", help="the recovery routes open to an account after its liability order")
    routes.add_argument("ref", help="account reference")
    _common(routes)
    cases = sub.add_parser("cases", help="list enforcement cases")
    cases.add_argument("--account", default=None)
    cases.add_argument("--kind", default=None, choices=[k.value for k in EnforcementKind])
    cases.add_argument("--status", default=None, choices=[s.value for s in EnforcementStatus])
    cases.add_argument("--json", action="store_true")

    handlers.update({
        "hold": _hold, "aoe": _aoe, "benefit": _benefit, "agent": _agent, "candidates": _candidates, "routes": _routes,
        "cases": _cases,
    })


def _receipt_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", help="case reference (e.g. AOE-70000001-2025-1) or id")
    parser.add_argument("--amount", type=pounds_arg, required=True, help="amount in pounds")
    parser.add_argument("--date", type=date_arg, required=True, help="date received")
    parser.add_argument("--reference", required=True, help="the payment's own reference (unique)")
    _common(parser)


def _print(args: argparse.Namespace, data: dict[str, Any], text: str, code: int = EXIT_OK) -> int:
    if args.json:
        print_json(data)
    else:
        print(text)
    return code


def _hold(app: Application, args: argparse.Namespace) -> int:
    from app.recovery import holds
    from app.recovery.requests import AddHold, LiftHold

    if args.hold_command == "list":
        views = app.read(holds.list_holds, account_ref=args.account, active_on=args.active_on)
        lines = [f"{v.hold_id}  {v.account_ref:<10} {v.describe()}" for v in views]
        return _print(args, {"holds": [v.to_json() for v in views]}, "\n".join(lines) or "No holds.")
    as_of = args.as_of or clock.today()
    if args.hold_command == "add":
        view = app.execute(AddHold(account_ref=args.ref, kind=args.kind, reason=args.reason,
                                   start_date=args.start or as_of, end_date=args.end, as_of=as_of))
        return _print(args, view.to_json(), f"Hold {view.hold_id} on {view.account_ref}: {view.describe()}.")
    try:
        hold_id = uuid.UUID(args.hold_id)
    except ValueError:
        raise UsageError(f"'{args.hold_id}' is not a hold id (see `revdesk hold list`)") from None
    view = app.execute(LiftHold(hold_id=hold_id, end_date=args.date or as_of, reason=args.reason, as_of=as_of))
    return _print(args, view.to_json(), f"Hold on {view.account_ref} lifted: {view.describe()}.")


def _receipt(app: Application, args: argparse.Namespace, benefit: bool) -> int:
    from app.recovery.enforcement.cases import find_case_id
    from app.recovery.enforcement.requests import RecordAoeDeduction, RecordBenefitReceipt

    case_id = app.read(find_case_id, args.case)
    record = RecordBenefitReceipt if benefit else RecordAoeDeduction
    result = app.execute(record(case_id=case_id, amount_pence=args.amount, received_on=args.date,
                                reference=args.reference, as_of=args.as_of or clock.today()))
    text = (f"{fmt(result.amount_pence)} received on case {result.case.case_ref}; {fmt(result.case.outstanding_pence)} "
            "still to collect." + (" The case is closed: the debt is paid." if result.closed else ""))
    return _print(args, result.to_json(), text)


def _aoe(app: Application, args: argparse.Namespace) -> int:
    from app.recovery.enforcement.requests import MakeAttachmentOrder

    if args.aoe_command == "deduction":
        return _receipt(app, args, benefit=False)
    as_of = args.as_of or clock.today()
    result = app.execute(MakeAttachmentOrder(
        account_ref=args.ref, year=args.year, employer_name=args.employer, employer_address=args.employer_address,
        payroll_ref=args.payroll_ref, pay_period=args.pay_period, net_pay_pence=args.net, made_on=args.made or as_of,
        as_of=as_of,
    ))
    text = f"Attachment of earnings order {result.case.case_ref} made for {fmt(result.case.debt_pence)}"
    if result.schedule:
        text += f"; deduction {fmt(result.schedule.deduction_pence)} per {result.schedule.pay_period} pay day"
    return _print(args, result.to_json(), text + ".")


def _benefit(app: Application, args: argparse.Namespace) -> int:
    from app.recovery.enforcement.requests import ApplyBenefitDeduction

    if args.benefit_command == "receipt":
        return _receipt(app, args, benefit=True)
    as_of = args.as_of or clock.today()
    result = app.execute(ApplyBenefitDeduction(
        account_ref=args.ref, year=args.year, benefit=args.benefit, uc_category=args.category,
        benefit_year=args.rate_year, other_deductions_pence=args.other_deductions, ni_number=args.ni,
        applied_on=args.date or as_of, as_of=as_of,
    ))
    details = result.case.details
    return _print(args, result.to_json(), f"Deduction from benefit {result.case.case_ref}: "
                  f"{fmt(details['amount_pence'])} {details['frequency']} towards {fmt(result.case.debt_pence)}.")


def _agent(app: Application, args: argparse.Namespace) -> int:
    from app.recovery.enforcement import agents
    from app.recovery.enforcement.requests import ExportReferrals, ImportAgentReturns, ReferToAgent

    if args.agent_command == "reconcile":
        rec = app.read(agents.agent_reconciliation, agent=args.agent, from_date=args.from_date, to_date=args.to_date)
        text = "\n".join([
            f"{rec.agent} {rec.from_date:%d/%m/%Y} to {rec.to_date:%d/%m/%Y}: collected {fmt(rec.collected_pence)}, "
            f"fees kept {fmt(rec.fees_claimed_pence)}, net due {fmt(rec.net_due_pence)}, in the ledger "
            f"{fmt(rec.posted_pence)}; fees allowed {fmt(rec.fees_allowed_pence)}.",
            *rec.differences,
        ])
        return _print(args, rec.to_json(), text)
    as_of = args.as_of or clock.today()
    if args.agent_command == "refer":
        view = app.execute(ReferToAgent(
            account_ref=args.ref, year=args.year, agent=args.agent, referred_on=args.date or as_of, as_of=as_of,
            vulnerable_without_advice=args.vulnerable_without_advice,
        ))
        return _print(args, view.to_json(), f"Case {view.case_ref}: {fmt(view.debt_pence)} referred to {args.agent}.")
    if args.agent_command == "export":
        result = app.execute(ExportReferrals(agent=args.agent, out_dir=args.out, as_of=as_of))
        text = "\n".join(f"{f.agent}: {f.cases} cases, {fmt(f.debt_pence)} -> {f.path}" for f in result.files)
        return _print(args, result.to_json(), text or "Nothing new to send to agents; no file written.")
    summary = app.execute(ImportAgentReturns(path=args.file, as_of=as_of, all_or_nothing=args.all_or_nothing))
    for err in summary.errors:
        print(f"revdesk: {args.file}, line {err.line}, field '{err.field}': {err.message}", file=sys.stderr)
    return _print(args, summary.to_json(),
                  f"Returns applied {summary.imported} ({fmt(summary.payments_pence)} posted, {summary.stages_advanced} "
                  f"fee stages, {summary.cases_closed} cases closed), skipped {summary.skipped}, rejected {summary.rejected}.",
                  EXIT_BAD_INPUT if summary.rejected else EXIT_OK)


def _candidates(app: Application, args: argparse.Namespace) -> int:
    from app.recovery.enforcement.candidates import CANDIDATE_ROUTES

    result = app.read(CANDIDATE_ROUTES[args.route], app.settings, args.as_of or clock.today())
    lines = [f"{c.account_ref:<10} {c.name[:28]:<28} {fmt(c.outstanding_pence):>12}  {c.reason}" for c in result.candidates]
    return _print(args, result.to_json(), "\n".join(lines) or f"No candidates. {result.reason}")


def _routes(app: Application, args: argparse.Namespace) -> int:
    from app.recovery.enforcement.routes import recovery_routes

    advice = app.read(recovery_routes, app.settings, args.ref, args.as_of or clock.today())
    lines = [f"{a.route:<24} {a.status:<14} {a.reason}" for a in advice]
    return _print(args, {"account_ref": args.ref, "routes": [a.to_json() for a in advice]}, "\n".join(lines))


def _cases(app: Application, args: argparse.Namespace) -> int:
    from app.recovery.enforcement.cases import list_cases

    views = app.read(list_cases, account_ref=args.account, kind=args.kind, status=args.status)
    lines = [f"{v.case_ref:<26} {v.account_ref:<10} {v.kind:<24} {v.status:<7} {fmt(v.outstanding_pence):>12}" for v in views]
    return _print(args, {"cases": [v.to_json() for v in views]}, "\n".join(lines) or "No enforcement cases.")
