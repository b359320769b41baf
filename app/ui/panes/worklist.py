"""Worklist: brought-forward (B/F) diary work, "my queue" or "team queue".

Left, the diary codes with open / due / overdue counts (choosing one filters the list);
right, one page of open entries sorted by the server by due date (oldest first), balance
(largest first) or recovery stage (furthest first): click those column headers or use
"Sort by". **Next** (Ctrl+Return) claims the oldest due entry (own entries first, then the
unowned queue; never one another officer is working) and opens the account at its Diary &
notes tab with the entry highlighted. Complete… and Reschedule… need a short note; team
leaders select rows and Reassign… them in bulk. Every list and action runs on a worker;
a conflict ("already completed by olivia") is one sentence under the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.casework.claims import ClaimedEntry
from app.casework.diary import CompletionResult, DiaryView, ReassignResult
from app.casework.diary_codes import DiaryCodeView
from app.casework.requests import ClaimNext
from app.casework.worklists import WorklistPage, WorklistRow
from app.ui.context import UiContext
from app.ui.dialogs.casework import CompleteDiaryDialog, ReassignDialog, RescheduleDiaryDialog
from app.ui.formatting import count, error_sentence, uk_date
from app.ui.models.base import SortFilterProxy
from app.ui.models.casework import WorklistModel
from app.ui.signals import emit
from app.ui.style import set_role
from app.ui.table_export import TableExporter, to_status
from app.ui.widgets import StatusLine, label, make_table, segment_button
from app.users.roles import Actor, Role

PAGE_SIZE = 50
SORT_LABELS = {"due": "Due date (oldest first)", "balance": "Balance (largest first)",
               "stage": "Recovery stage (furthest first)"}
SCOPES = {"mine": "My queue", "team": "Team queue", "all": "All teams"}
CODE_ITEM_HEIGHT = 46


@dataclass(frozen=True)
class Loaded:
    page: WorklistPage
    counts: WorklistPage  # the same filter over every code: the code list's figures
    codes: list[DiaryCodeView] | None
    people: list[Actor] | None


def counts_text(open_: int, due: int, overdue: int) -> str:
    return f"{open_:,} open · {due:,} due · {overdue:,} overdue"


class WorklistPane(QWidget):
    account_requested = Signal(str)
    diary_requested = Signal(str, object)  # account ref, diary id: open the account at this entry

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        actor = ui.app.actor
        self.leader = actor.at_least(Role.TEAM_LEADER)
        self._generation = 0
        self._page = 1
        self._sort = "due"
        self._codes: list[DiaryCodeView] | None = None
        self._people: list[Actor] | None = None
        self.result: WorklistPage | None = None
        self.claimed: ClaimedEntry | None = None
        self.dialog: QDialog | None = None
        self.loading = False

        self.scope_buttons: dict[str, QPushButton] = {}
        self.scope_group = QButtonGroup(self)
        self.scope_group.setExclusive(True)
        scope_bar = QHBoxLayout()
        scope_bar.setSpacing(0)
        for key, text in SCOPES.items():
            if key == "all" and not self.leader:
                continue
            if key == "team" and actor.team:
                text = f"Team queue ({actor.team})"
            button = segment_button(text)
            self.scope_group.addButton(button)
            self.scope_buttons[key] = button
            scope_bar.addWidget(button)
        self.scope_buttons["mine"].setChecked(True)
        self.scope_group.buttonToggled.connect(self._scope_toggled)
        self.due_only = QCheckBox("Due only")
        self.due_only.setToolTip("Hide entries brought forward to a later date")
        self.due_only.toggled.connect(lambda _on: self._filter_changed())
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort by")
        for key, text in SORT_LABELS.items():
            self.sort.addItem(text, key)
        self.sort.currentIndexChanged.connect(lambda _i: self._sort_changed(self.sort.currentData()))
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Load the list again (F5)")
        self.refresh_button.clicked.connect(self.load)
        self.totals = label("", "muted")

        self.codes = QListWidget()
        self.codes.setObjectName("CodeList")
        self.codes.setAccessibleName("Diary codes")
        self.codes.setFixedWidth(240)
        self.codes.currentRowChanged.connect(lambda _r: self._filter_changed())

        self.model = WorklistModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        w = WorklistModel
        self.table = make_table(self.proxy, stretch=w.COL_NOTE, widths={w.COL_NAME: 135, w.COL_STAGE: 140,
                                                                       w.COL_OWNER: 120},
                                fit=(w.COL_DUE, w.COL_CODE, w.COL_ACCOUNT, w.COL_BALANCE))
        self.table.setSortingEnabled(False)  # paged: the server sorts (header clicks choose its order)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(w.COL_DUE, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(self._open_row)
        self.table.activated.connect(self._open_row)
        self.empty = label("", "muted", wrap=True)

        self.previous_button = QPushButton("‹ Previous")
        self.previous_button.clicked.connect(lambda: self._go_page(self._page - 1))
        self.next_page_button = QPushButton("Next page ›")
        self.next_page_button.clicked.connect(lambda: self._go_page(self._page + 1))
        self.page_label = label("", "muted")
        self.open_button = QPushButton("Open account")
        self.open_button.setToolTip("Open the selected entry's account at its diary (Enter)")
        self.open_button.clicked.connect(lambda: self._open_row(self.table.currentIndex()))
        self.complete_button = QPushButton("Complete…")
        self.complete_button.setToolTip("Clear the selected entry with a note, optionally bringing it forward")
        self.complete_button.clicked.connect(self.complete_selected)
        self.reschedule_button = QPushButton("Reschedule…")
        self.reschedule_button.setToolTip("Move the selected entry to another date, with a note")
        self.reschedule_button.clicked.connect(self.reschedule_selected)
        self.reassign_button = QPushButton("Reassign…")
        self.reassign_button.setToolTip("Give the selected entries to an officer or team (team leaders)")
        self.reassign_button.clicked.connect(self.reassign_selected)
        self.reassign_button.setVisible(self.leader)
        self.next_button = QPushButton("Next  ▶")
        set_role(self.next_button, "primary")
        self.next_button.setToolTip("Claim the oldest due entry and open its account (Ctrl+Return)")
        self.next_button.setMinimumWidth(110)
        self.next_button.clicked.connect(self.claim_next)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.claim_next)
        QShortcut(QKeySequence("F5"), self, self.load)
        self.status = StatusLine()
        self.export = TableExporter(ui, self.table, "Worklist", to_status(self.status), self)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(label("Worklist", "page-title"))
        top.addSpacing(18)
        top.addLayout(scope_bar)
        top.addSpacing(12)
        top.addWidget(self.due_only)
        top.addStretch(1)
        top.addWidget(self.totals)
        top.addSpacing(8)
        top.addWidget(self.next_button)

        sort_bar = QHBoxLayout()
        sort_bar.setSpacing(8)
        sort_bar.addWidget(label("Sort by", "muted"))
        sort_bar.addWidget(self.sort)
        sort_bar.addStretch(1)
        sort_bar.addWidget(self.open_button)
        sort_bar.addWidget(self.refresh_button)

        right = QVBoxLayout()
        right.setSpacing(8)
        right.addLayout(sort_bar)
        right.addWidget(self.empty)
        right.addWidget(self.table, 1)
        pager = QHBoxLayout()
        pager.setSpacing(8)
        pager.addWidget(self.previous_button)
        pager.addWidget(self.page_label)
        pager.addWidget(self.next_page_button)
        pager.addStretch(1)  # Open account sits above the table: this row fits 1280x800 beside the codes
        pager.addWidget(self.reschedule_button)
        pager.addWidget(self.reassign_button)
        pager.addWidget(self.complete_button)
        right.addLayout(pager)

        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(label("Diary codes", "section"))
        left.addWidget(self.codes, 1)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addLayout(left)
        body.addLayout(right, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(label(
            "Brought-forward work, oldest due first. Next claims the next due entry and opens its account; completing "
            "or moving an entry needs a short note.", "muted", wrap=True,
        ))
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        self._update_buttons()

    # --- filters -----------------------------------------------------------------------------

    @property
    def scope(self) -> str:
        return next((k for k, b in self.scope_buttons.items() if b.isChecked()), "mine")

    def set_scope(self, scope: str) -> None:
        self.scope_buttons[scope].setChecked(True)

    @property
    def code(self) -> str | None:
        item = self.codes.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return str(value) if value else None

    def _filters(self) -> dict[str, Any]:
        actor = self._ui.app.actor
        scope = self.scope
        return {
            "mine": scope == "mine",
            "team": (actor.team or None) if scope == "team" else None,
            "due_only": self.due_only.isChecked(),
        }

    def _filter_changed(self) -> None:
        self._page = 1
        self.load()

    def _scope_toggled(self, _button: QAbstractButton, on: bool) -> None:
        if on:  # the button turned on, not the one turned off
            self._filter_changed()

    def _sort_changed(self, sort: str) -> None:
        if sort == self._sort:
            return
        self._sort = sort
        column = next(c for c, s in WorklistModel.SERVER_SORTS.items() if s == sort)
        order = Qt.SortOrder.AscendingOrder if sort == "due" else Qt.SortOrder.DescendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)
        self._filter_changed()

    def sort_by(self, sort: str) -> None:
        self.sort.setCurrentIndex(self.sort.findData(sort))

    def _header_clicked(self, column: int) -> None:
        sort = WorklistModel.SERVER_SORTS.get(column)
        if sort is not None:
            self.sort_by(sort)
        # other columns: keep the indicator on the server's order
        current = next(c for c, s in WorklistModel.SERVER_SORTS.items() if s == self._sort)
        order = Qt.SortOrder.AscendingOrder if self._sort == "due" else Qt.SortOrder.DescendingOrder
        self.table.horizontalHeader().setSortIndicator(current, order)

    def _go_page(self, page: int) -> None:
        self._page = max(1, page)
        self.load()

    # --- loading -------------------------------------------------------------------------------

    def focus_primary(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.load()

    def load(self) -> None:
        self._generation += 1
        generation = self._generation
        app, as_of = self._ui.app, self._ui.today()
        filters, code, sort, page = self._filters(), self.code, self._sort, self._page
        need_codes, need_people = self._codes is None, self._people is None and self.leader

        def fetch(_task: Any) -> Loaded:
            result = app.worklist(as_of=as_of, code=code, sort=sort, page=page, page_size=PAGE_SIZE, **filters)
            counts = result if code is None else app.worklist(as_of=as_of, page_size=1, **filters)
            return Loaded(result, counts, app.diary_codes() if need_codes else None,
                          app.users() if need_people else None)

        self.loading = True
        self.totals.setText("Loading…")
        self._ui.runner.run(
            fetch, on_success=lambda loaded: self._loaded(generation, loaded), on_failure=self._load_failed,
            owner=self, description="worklist",
        )
        self._update_buttons()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.totals.setText("")
        self.status.show_error(error_sentence(exc))
        self._update_buttons()

    def _loaded(self, generation: int, loaded: Loaded) -> None:
        if generation != self._generation:
            return
        self.loading = False
        if loaded.codes is not None:
            self._codes = loaded.codes
        if loaded.people is not None:
            self._people = loaded.people
        page = loaded.page
        if page.page > 1 and not page.rows and page.total:
            self._go_page(max(1, -(-page.total // PAGE_SIZE)))  # the list shrank below this page
            return
        self.result = page
        self._show_codes(loaded.counts)
        self.table.setColumnHidden(WorklistModel.COL_OWNER, self.scope == "mine")  # all yours: no need to say
        selected = {r.diary_id for r in self.selected_rows()}
        self.model.set_rows(page.rows)
        self.totals.setText(counts_text(page.total, page.due, page.overdue))
        pages = max(1, -(-page.total // PAGE_SIZE))
        self.page_label.setText(f"Page {page.page} of {pages}")
        self.previous_button.setEnabled(page.page > 1)
        self.next_page_button.setEnabled(page.page < pages)
        scope = SCOPES[self.scope].lower() if self.scope != "team" else "team queue"
        self.empty.setText("" if page.rows else f"Nothing open in your {scope}{' for this code' if self.code else ''}.")
        self.empty.setVisible(not page.rows)
        keep = [n for n, r in enumerate(page.rows) if r.diary_id in selected] or ([0] if page.rows else [])
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for n in keep:  # the rows selected before the reload stay selected
            self.table.selectionModel().select(self.proxy.index(n, 0), flags)
        if keep:
            self.table.selectionModel().setCurrentIndex(self.proxy.index(keep[0], 0),
                                                        QItemSelectionModel.SelectionFlag.NoUpdate)
        self._update_buttons()

    def _show_codes(self, counts: WorklistPage) -> None:
        """"All codes" then every active code, each with its open / due / overdue figures."""
        current = self.code
        by_code = {c.code: c for c in counts.by_code}
        known = {c.code: c.description for c in self._codes or []}
        for c in counts.by_code:
            known.setdefault(c.code, c.description)
        self.codes.blockSignals(True)
        self.codes.clear()
        entries: list[tuple[str | None, str, int, int, int]] = [
            (None, "All codes", counts.total, counts.due, counts.overdue)]
        for code in sorted(known):
            found = by_code.get(code)
            entries.append((code, f"{code} · {known[code]}", found.open if found else 0, found.due if found else 0,
                            found.overdue if found else 0))
        for key, title, open_, due, overdue in entries:
            item = QListWidgetItem(f"{title}\n{counts_text(open_, due, overdue)}")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(0, CODE_ITEM_HEIGHT))
            item.setToolTip(title)
            self.codes.addItem(item)
        index = next((n for n, e in enumerate(entries) if e[0] == current), 0)
        self.codes.setCurrentRow(index)
        self.codes.blockSignals(False)

    # --- selection and actions ------------------------------------------------------------------

    def selected_rows(self) -> list[WorklistRow]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.proxy.row_at(r) for r in rows]

    def current_row(self) -> WorklistRow | None:
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            row: WorklistRow = self.proxy.row_at(index.row())
            return row
        rows = self.selected_rows()
        return rows[0] if rows else None

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        one = len(rows) == 1
        self.open_button.setEnabled(one)
        self.complete_button.setEnabled(one)
        self.reschedule_button.setEnabled(one)
        self.reassign_button.setEnabled(bool(rows) and self._people is not None)
        self.reassign_button.setText(f"Reassign {len(rows)}…" if len(rows) > 1 else "Reassign…")

    def _description(self, code: str) -> tuple[str, int]:
        found = next((c for c in self._codes or [] if c.code == code), None)
        return (found.description, found.default_days) if found else ("", 14)

    def claim_next(self) -> None:
        """Claim the oldest due entry in this queue (and code) and open its account."""
        if not self.next_button.isEnabled():
            return
        app, as_of = self._ui.app, self._ui.today()
        code = self.code
        team = self._filters()["team"]
        self.next_button.setEnabled(False)
        self.status.show_info("Finding the next entry…")
        self._ui.runner.run(
            lambda _task: app.execute(ClaimNext(as_of=as_of, code=code, team=team)), on_success=self._claimed,
            on_failure=lambda exc: self.status.show_error(error_sentence(exc)),
            on_finished=lambda: self.next_button.setEnabled(True), owner=self, description="claim next",
        )

    def _claimed(self, claimed: ClaimedEntry | None) -> None:
        self.claimed = claimed
        if claimed is None:
            self.status.show_info("Nothing is due in this queue: there is no next entry.")
            return
        self.status.show_info(f"You are working {claimed.code} on account {claimed.account_ref} "
                              f"(due {uk_date(claimed.due)}).")
        self.load()
        emit(self.diary_requested, claimed.account_ref, claimed.diary_id)

    def _open_row(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.proxy.row_at(index.row())
            emit(self.diary_requested, row.account_ref, row.diary_id)

    def complete_selected(self) -> CompleteDiaryDialog | None:
        row = self.current_row()
        if row is None:
            return None
        description, days = self._description(row.code)
        dialog = CompleteDiaryDialog(self._ui, row, self, description=description, default_days=days)
        dialog.saved.connect(self._completed)
        self._open(dialog)
        return dialog

    def _completed(self, result: CompletionResult) -> None:
        done = result.completed
        follow = f"; brought forward to {uk_date(result.follow_up.due)}" if result.follow_up else ""
        self.status.show_info(f"{done.code} on account {done.account_ref} completed{follow}.")
        self.load()

    def reschedule_selected(self) -> RescheduleDiaryDialog | None:
        row = self.current_row()
        if row is None:
            return None
        dialog = RescheduleDiaryDialog(self._ui, row, self, description=self._description(row.code)[0])
        dialog.saved.connect(self._rescheduled)
        self._open(dialog)
        return dialog

    def _rescheduled(self, view: DiaryView) -> None:
        self.status.show_info(f"{view.code} on account {view.account_ref} moved to {uk_date(view.due)}.")
        self.load()

    def reassign_selected(self) -> ReassignDialog | None:
        rows = self.selected_rows()
        if not rows or self._people is None:
            return None
        teams = sorted({c.team for c in self._codes or [] if c.team} | {p.team for p in self._people if p.team})
        dialog = ReassignDialog(self._ui, [r.diary_id for r in rows], self._people, teams, self)
        dialog.saved.connect(self._reassigned)
        self._open(dialog)
        return dialog

    def _reassigned(self, result: ReassignResult) -> None:
        skipped = f"; {count(len(result.skipped), 'entry', 'entries')} no longer open" if result.skipped else ""
        self.status.show_info(f"{count(result.reassigned, 'diary entry', 'diary entries')} reassigned{skipped}.")
        self.load()

    def _open(self, dialog: QDialog) -> None:
        previous = self.dialog
        if previous is not None:
            if previous.isVisible():
                previous.reject()
            previous.deleteLater()
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

