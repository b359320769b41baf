""""Export to Excel…" for any table: the rows as the officer sees them (sorted and filtered),
written by a worker thread to an .xlsx with figures as numbers (`app.adapters.table_workbook`).

The rows are read from the model on the UI thread (DTOs and plain values: cheap); only the
writing, which can take seconds for a long list, runs on the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QTableView, QWidget

from app.adapters.table_workbook import write_table_workbook
from app.errors import Conflict
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence
from app.ui.models.base import DtoTableModel, SortFilterProxy
from app.ui.widgets import StatusLine
from app.ui.workers import TaskHandle

EXPORT_TEXT = "Export to Excel…"
Report = Callable[[str, bool], None]  # (sentence, is_error)


def table_snapshot(proxy: SortFilterProxy) -> tuple[list[str], list[str], list[list[Any]]]:
    """Headers, column kinds and rows of the table as shown (the proxy's order and filter),
    each cell the column's native value for money, dates and counts, else its text."""
    source = proxy.sourceModel()
    assert isinstance(source, DtoTableModel)
    columns = list(source.COLUMNS)
    rows = [[c.export_value(proxy.row_at(r)) for c in columns] for r in range(proxy.rowCount())]
    return [c.header for c in columns], [c.kind for c in columns], rows


def to_status(status: StatusLine) -> Report:
    """Report to a pane's status line."""
    return lambda text, is_error: status.show_error(text) if is_error else status.show_info(text)


def safe_file_stem(title: str) -> str:
    return "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title).strip().replace(" ", "-") or "table"


class TableExporter:
    """Adds "Export to Excel…" to a table (right-click) and runs the export on a worker.

    `report(sentence, is_error)` tells the pane how it went (its status line). `export_to`
    is the action without the file dialog (tests, and panes with their own button)."""

    def __init__(self, ui: UiContext, view: QTableView, title: str | Callable[[], str], report: Report,
                 owner: QWidget | None = None) -> None:
        self._ui = ui
        self._view = view
        self._title = title
        self._report = report
        self._owner = owner or view
        self.handle: TaskHandle | None = None
        self.action = QAction(EXPORT_TEXT, view)
        self.action.triggered.connect(self.ask_and_export)
        view.addAction(self.action)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    @property
    def title(self) -> str:
        return self._title() if callable(self._title) else self._title

    def ask_and_export(self) -> None:
        suggested = str(Path.home() / f"{safe_file_stem(self.title)}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self._owner, EXPORT_TEXT.rstrip("…"), suggested, "Excel workbook (*.xlsx)")
        if path:
            self.export_to(path if path.lower().endswith(".xlsx") else f"{path}.xlsx")

    def export_to(self, path: str) -> TaskHandle | None:
        proxy = self._view.model()
        if not isinstance(proxy, SortFilterProxy):
            self._report("This table cannot be exported.", True)
            return None
        headers, kinds, rows = table_snapshot(proxy)
        if not rows:
            self._report("There are no rows to export.", True)
            return None
        title = self.title
        self._report(f"Exporting {count(len(rows), 'row')} to {Path(path).name}…", False)
        self.handle = self._ui.runner.run(
            lambda _task: _write(path, title, headers, kinds, rows),
            on_success=lambda n: self._report(f"{count(n, 'row')} exported to {path}.", False),
            on_failure=lambda exc: self._report(error_sentence(exc), True),
            owner=self._owner, description=f"export {title}",
        )
        return self.handle


def _write(path: str, title: str, headers: list[str], kinds: list[str], rows: list[list[Any]]) -> int:
    """The worker's part; a file that cannot be written is a sentence, not a crash."""
    try:
        return write_table_workbook(path, title, headers, kinds, rows)
    except OSError as exc:
        raise Conflict(f"{path} could not be written ({exc.strerror or exc}).") from None
