"""Type-ahead account search: the page an officer lands on and comes back to.

Results appear as the officer types: each keystroke restarts a short debounce timer, and
when it fires the search runs on a worker thread. Every change of the text starts a new
"generation"; a result that comes back for an older generation is dropped, so a slow
search can never overwrite the answer to what is in the box now.

Keyboard: Down moves from the box into the results, Up on the first row goes back,
Enter (in the box or the list) or a double-click opens the account. Enter pressed
before the results arrive opens the best match as soon as they do.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from app.accounts.search import SearchResult
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence
from app.ui.models.base import SortFilterProxy
from app.ui.models.search_results import SearchResultsModel
from app.ui.signals import emit
from app.ui.table_export import TableExporter, to_status
from app.ui.widgets import StatusLine, label, make_table

DEBOUNCE_MS = 150
LIMIT = 50
HINT = "Type a name, account reference, address or postcode."
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class SearchPane(QWidget):
    account_requested = Signal(str)  # account reference
    results_shown = Signal(int)  # number of rows, after each (non-stale) search

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self._generation = 0  # bumped on every edit of the box
        self._shown_generation = 0  # the generation the table shows
        self._open_when_ready = False

        self.box = QLineEdit()
        self.box.setObjectName("SearchBox")
        self.box.setPlaceholderText("Name, account reference, address or postcode")
        self.box.setClearButtonEnabled(True)
        self.box.setAccessibleName("Search accounts")
        self.status = StatusLine()
        self.status.show_info(HINT)

        self.model = SearchResultsModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        m = SearchResultsModel
        self.table = make_table(
            self.proxy, stretch=m.COL_ADDRESS,
            widths={m.COL_REF: 110, m.COL_NAME: 200, m.COL_POSTCODE: 90, m.COL_BALANCE: 110, m.COL_STAGE: 190,
                    m.COL_HOLD: 130},
        )
        self.table.setAccessibleName("Search results")
        self.export = TableExporter(ui, self.table, lambda: f"Search {self.box.text().strip()}", to_status(self.status), self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(label("Find an account", "page-title"))
        layout.addWidget(label("Results appear as you type. Press Down to move into the list and Enter to open.", "muted"))
        layout.addSpacing(4)
        layout.addWidget(self.box)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.box)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._run_search)
        self.box.textChanged.connect(self._text_changed)
        self.box.installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self._open_index)

    # --- public -------------------------------------------------------------------

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the box with its text selected, ready to overtype."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    @property
    def up_to_date(self) -> bool:
        """The list shows the answer to exactly what is in the box (nothing pending)."""
        return not self._timer.isActive() and self._shown_generation == self._generation

    def selected_result(self) -> SearchResult | None:
        current = self.table.currentIndex()
        if not current.isValid():
            return None
        result: SearchResult = self.proxy.row_at(current.row())
        return result

    # --- searching ----------------------------------------------------------------

    def _text_changed(self, text: str) -> None:
        self._generation += 1  # anything in flight is stale from now on
        self._open_when_ready = False
        if text.strip():
            self._timer.start()
            return
        self._timer.stop()
        self._shown_generation = self._generation
        self.model.set_rows([])
        self.status.show_info(HINT)

    def _run_search(self) -> None:
        text = self.box.text().strip()
        generation = self._generation
        app, as_of = self._ui.app, self._ui.today()
        self.status.show_info("Searching…")
        self._ui.runner.run(
            lambda _task: app.search(text, LIMIT, as_of=as_of),
            on_success=lambda rows: self._show_results(generation, text, rows),
            on_failure=lambda exc: self._show_failure(generation, exc),
            owner=self,
            description=f"search '{text}'",
        )

    def _show_results(self, generation: int, text: str, rows: list[SearchResult]) -> None:
        if generation != self._generation:
            return  # the officer has typed since: a newer search is coming
        self._shown_generation = generation
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
            self.table.scrollToTop()
            more = f" (the best {LIMIT}; type more to narrow the search)" if len(rows) >= LIMIT else ""
            self.status.show_info(count(len(rows), "result") + more)
        else:
            self.status.show_info(f"No accounts match “{text}”.")
        emit(self.results_shown, len(rows))
        if self._open_when_ready:
            self._open_when_ready = False
            self._open_current()

    def _show_failure(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._shown_generation = generation
        self._open_when_ready = False
        self.model.set_rows([])
        self.status.show_error(error_sentence(exc))

    # --- opening and keyboard -------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            emit(self.account_requested, self.proxy.row_at(index.row()).account_ref)

    def _open_current(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        current = self.table.currentIndex()
        self._open_index(current if current.isValid() else self.proxy.index(0, 0))

    def _enter_in_box(self) -> None:
        if not self.box.text().strip():
            return
        if self._shown_generation != self._generation:
            # Results for what is typed are not in yet: open the best match when they are.
            self._open_when_ready = True
            if self._timer.isActive():
                self._timer.stop()
                self._run_search()
            return
        self._open_current()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.box:
            if key in ENTER_KEYS:
                self._enter_in_box()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.proxy.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self.table.selectRow(0)
                return True
        elif watched is self.table:
            if key in ENTER_KEYS:
                self._open_current()
                return True
            if key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)
