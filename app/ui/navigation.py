"""The left navigation: which panes exist and how each is built.

Only panes that exist are listed (no greyed-out promises). A later pane (Worklist,
Escalations, Runs, Court mode) is added by writing its widget, which takes a UiContext
and has `focus_primary()`, and appending a `NavEntry` here; the window builds the list,
the stacked pages and the Go menu (with its Ctrl+number shortcut) from this tuple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QWidget

from app.ui.context import UiContext
from app.ui.panes.accounts_pane import AccountsPane
from app.ui.panes.escalations import EscalationsPane
from app.ui.panes.hearings import HearingsPane
from app.ui.panes.refunds import RefundApprovalsPane
from app.ui.panes.runs import RunsPane
from app.ui.panes.sync_conflicts import SyncConflictsPane
from app.ui.panes.worklist import WorklistPane
from app.ui.panes.writeoffs import WriteOffApprovalsPane


class Pane(Protocol):
    def focus_primary(self) -> None:
        """Put the keyboard focus where the officer starts work in this pane."""


@dataclass(frozen=True)
class NavEntry:
    key: str
    title: str
    shortcut: str
    build: Callable[[UiContext], QWidget]


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("accounts", "Accounts", "Ctrl+1", AccountsPane),
    NavEntry("worklist", "Worklist", "Ctrl+2", WorklistPane),
    NavEntry("escalations", "Escalations", "Ctrl+3", EscalationsPane),
    NavEntry("runs", "Runs", "Ctrl+4", RunsPane),
    NavEntry("refunds", "Refund approvals", "Ctrl+5", RefundApprovalsPane),
    NavEntry("hearings", "Hearings", "Ctrl+6", HearingsPane),
    NavEntry("writeoffs", "Write-off approvals", "Ctrl+7", WriteOffApprovalsPane),
    NavEntry("conflicts", "Sync conflicts", "Ctrl+8", SyncConflictsPane),
)
