"""The Timeline tab: the account's story in one list (ui.md: "one chronological timeline
... that can be filtered"), newest first, filtered by kind and by words typed.

Enter or a double-click opens what a row refers to: the account view switches to the tab
that holds it, or opens the letter as it was sent. The rows come from the account view's
one snapshot (`OpenedAccount.timeline`), so opening the tab costs no query.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from app.accounts.summary import AccountSummary
from app.accounts.timeline import TimelineEntry, TimelineKind
from app.ui.formatting import count
from app.ui.models.base import SortFilterProxy
from app.ui.models.timeline import TimelineModel, kind_label
from app.ui.panes.account_tabs import AccountTab
from app.ui.signals import emit
from app.ui.widgets import label, make_table

# The filter's choices: a label and the kinds it keeps (None: everything).
FILTERS: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("Everything", None),
    ("Bills and notices", frozenset({TimelineKind.BILL})),
    ("Money in and out", frozenset({TimelineKind.PAYMENT, TimelineKind.REVERSAL, TimelineKind.REFUND})),
    ("Recovery and court", frozenset({TimelineKind.RECOVERY, TimelineKind.COURT, TimelineKind.ENFORCEMENT,
                                      TimelineKind.HOLD, TimelineKind.ARRANGEMENT})),
    ("Diary and notes", frozenset({TimelineKind.DIARY, TimelineKind.NOTE})),
    ("Letters", frozenset({TimelineKind.LETTER})),
    *((kind_label(k), frozenset({k})) for k in TimelineKind),
)


class TimelineTab(AccountTab):
    TITLE = "Timeline"

    open_requested = Signal(object)  # the TimelineEntry whose record the officer asked to open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TimelineModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        t = TimelineModel
        self.table = make_table(self.proxy, stretch=t.COL_DETAIL, widths={t.COL_TITLE: 300, t.COL_AMOUNT: 110},
                                fit=(t.COL_DATE, t.COL_KIND, t.COL_BY))
        self.table.setAccessibleName("Account timeline")
        self.table.sortByColumn(t.COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Show")
        for caption, kinds in FILTERS:
            self.kind.addItem(caption, kinds)
        self.kind.currentIndexChanged.connect(self._filter)
        self.words = QLineEdit()
        self.words.setPlaceholderText("Filter by words (a reference, a name, a note…)")
        self.words.setAccessibleName("Filter the timeline")
        self.words.setClearButtonEnabled(True)
        self.words.setFixedWidth(300)
        self.words.textChanged.connect(self._filter)
        self.count = label("", "muted")
        self.hint = label("Enter or double-click opens what a row refers to.", "caption")

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(label("Show", "muted"))
        bar.addWidget(self.kind)
        bar.addWidget(self.words)
        bar.addStretch(1)
        bar.addWidget(self.count)
        self.body.addLayout(bar)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.hint)

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        """The timeline arrives with the rest of the account (`show_timeline`)."""

    def show_timeline(self, entries: list[TimelineEntry]) -> None:
        self.model.set_rows(entries)
        self._filter()

    def set_filter(self, caption: str) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findText(caption)))

    def visible_entries(self) -> list[TimelineEntry]:
        """The rows as shown (filtered, newest first)."""
        return [self.proxy.row_at(r) for r in range(self.proxy.rowCount())]

    def _filter(self, *_args: object) -> None:
        kinds: frozenset[str] | None = self.kind.currentData()
        words = self.words.text().casefold().split()

        def keep(e: TimelineEntry) -> bool:
            text = f"{e.title} {e.detail} {e.by}".casefold()
            return (kinds is None or e.kind in kinds) and all(w in text for w in words)

        self.proxy.set_row_filter(keep if kinds is not None or words else None)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(count(shown, "entry", "entries") + (f" of {total}" if shown != total else ""))

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            emit(self.open_requested, self.proxy.row_at(index.row()))
