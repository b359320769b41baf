"""`revdesk runs list`: past billing and recovery runs with their figures, newest first."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.cli.common import EXIT_OK, Handler, print_json
from app.money import fmt

if TYPE_CHECKING:
    from app.application import Application

KINDS = ("billing", "recovery")


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    runs = sub.add_parser("runs", help="batch runs: billing and recovery")
    actions = runs.add_subparsers(dest="runs_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="past runs with their figures, newest first")
    listing.add_argument("--kind", choices=KINDS, default=None, help="only this kind of run")
    listing.add_argument("--limit", type=int, default=20, help="runs of each kind (default 20)")
    listing.add_argument("--json", action="store_true")
    handlers["runs"] = _runs


def _runs(app: Application, args: argparse.Namespace) -> int:
    limit = max(1, min(args.limit, 500))
    rows: list[dict[str, Any]] = []
    if args.kind in (None, "billing"):
        rows += [{"kind": "billing", **run.to_json()} for run in app.billing_runs(limit)]
    if args.kind in (None, "recovery"):
        rows += [{"kind": "recovery", **run.to_json()} for run in app.recovery_runs(limit)]
    rows.sort(key=lambda r: r["started_at"] or "", reverse=True)
    if args.json:
        print_json({"runs": rows})
        return EXIT_OK
    if not rows:
        print("No runs yet.")
    for r in rows:
        started = datetime.fromisoformat(r["started_at"]).strftime("%d/%m/%Y %H:%M") if r["started_at"] else ""
        if r["kind"] == "billing":
            figures = f"{r['charges']:,} charges, {r['notices']:,} notices, {fmt(r['charged_pence'])} charged"
        else:
            steps = ", ".join(f"{n:,} {stage.replace('_', ' ')}" for stage, n in r["actions"].items() if n) or "no steps"
            figures = f"{steps}; {r['skipped_on_hold']:,} on hold, {r['held_back']:,} held back; costs {fmt(r['costs_pence'])}"
        print(f"{r['run_id']}  {r['kind']:<8} as of {r['as_of']}  {started}  {r['created_by'] or ''}  "
              f"{r['status']}: {r['accounts_examined']:,} accounts, {figures}")
    return EXIT_OK
