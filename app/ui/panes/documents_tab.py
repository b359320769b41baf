"""The Documents tab: every letter on the account (batch or single) by date, template and
version; Open shows one as it was sent, and "Write a letter…" makes a new one.

The rows come with the account's one snapshot (`OpenedAccount.documents`), so opening the
tab costs no query; the account view opens a letter (on a worker) and the letter dialog.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.accounts.summary import AccountSummary
from app.letters.documents import DocumentInfo
from app.ui.formatting import count
from app.ui.models.base import SortFilterProxy
from app.ui.models.documents import DocumentsModel
from app.ui.panes.account_tabs import AccountTab
from app.ui.signals import emit
from app.ui.style import set_role
from app.ui.widgets import label, make_table


class DocumentsTab(AccountTab):
    TITLE = "Documents"

    open_requested = Signal(object)  # the DocumentInfo to open as it was sent
    write_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentsModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        d = DocumentsModel
        self.table = make_table(self.proxy, stretch=d.COL_FILE, widths={d.COL_LETTER: 260},
                                fit=(d.COL_DATE, d.COL_YEAR, d.COL_VERSION, d.COL_MADE))
        self.table.setAccessibleName("Letters on the account")
        self.table.sortByColumn(d.COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the letter as it was sent, in Word or LibreOffice")
        self.open_button.clicked.connect(self.open_selected)
        self.open_button.setEnabled(False)
        self.write_button = QPushButton("Write a letter…")
        set_role(self.write_button, "primary")
        self.write_button.setToolTip("Choose a template, see it filled for this account, and make the letter")
        self.write_button.clicked.connect(self.write_requested)
        self.count = label("", "muted")
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.write_button)
        bar.addWidget(self.open_button)
        bar.addStretch(1)
        bar.addWidget(self.count)
        self.body.addLayout(bar)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(label("Enter or double-click opens a letter exactly as it was sent.", "caption"))

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        """The letters arrive with the rest of the account (`show_documents`)."""

    def show_documents(self, documents: list[DocumentInfo]) -> None:
        self.model.set_rows(documents)
        self.count.setText(count(len(documents), "letter"))
        self._selection_changed()

    def visible_documents(self) -> list[DocumentInfo]:
        return [self.proxy.row_at(r) for r in range(self.proxy.rowCount())]

    def selected(self) -> DocumentInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def open_selected(self) -> None:
        doc = self.selected()
        if doc is not None:
            emit(self.open_requested, doc)

    def _selection_changed(self, *_args: QItemSelection) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            emit(self.open_requested, self.proxy.row_at(index.row()))
