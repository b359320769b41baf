"""Command groups beyond the foundation's, one module per group.

Each module has `register(sub, handlers)`: it adds its sub-parser(s) to `revdesk`'s
sub-commands and its handler(s) to the dispatch table. Handlers take the application
context and the parsed arguments and return an exit code; they stay thin (parse, call a
service, print).
"""

from __future__ import annotations

from types import ModuleType

COMMAND_MODULES: list[ModuleType] = []

from app.commands import letters  # noqa: E402  (letters export, document show)

COMMAND_MODULES.append(letters)

from app.commands import billing  # noqa: E402  (bill, liability)

COMMAND_MODULES.append(billing)

from app.commands import payments  # noqa: E402  (payment, refund, dd)

COMMAND_MODULES.append(payments)

from app.commands import recovery  # noqa: E402  (recovery run, show, stats)

COMMAND_MODULES.append(recovery)

from app.commands import court  # noqa: E402  (court hearings, list, outcome, outcomes)

COMMAND_MODULES.append(court)

from app.commands import enforcement  # noqa: E402  (hold, aoe, benefit, agent, candidates, routes, cases)

COMMAND_MODULES.append(enforcement)

from app.commands import casework  # noqa: E402  (worklist, diary, note, trace, escalations)

COMMAND_MODULES.append(casework)

from app.commands import arrangements  # noqa: E402  (arrangement plan, create, amend, show, cancel, monitor)

COMMAND_MODULES.append(arrangements)
