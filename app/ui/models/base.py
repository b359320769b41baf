"""The shared shape of every list in the desktop: columns declared once, a sort role
carrying native values, and a proxy that sorts and filters in Python.

A model subclass lists its `COLUMNS` (header, display text, sort key, alignment) in the
order of its `COL_*` constants; the base class does the Qt plumbing, so money is
right-aligned and dates are UK-formatted the same way in every table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from app.ui.formatting import money, uk_date

ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: how a row reads, how it sorts, where its text sits."""

    header: str
    display: Callable[[Any], str]
    sort_key: Callable[[Any], Any]
    align: Qt.AlignmentFlag = ALIGN_LEFT
    tooltip: Callable[[Any], str] | None = None
    foreground: Callable[[Any], QColor | None] | None = None
    kind: str = "text"  # what an export writes: "text" (the display), "money" (pence), "date", "count"
    value: Callable[[Any], Any] | None = None  # the native value exported for money, date and count columns

    def export_value(self, row: Any) -> Any:
        """The cell an export writes: the native value (pence, a date, a count), else the text shown."""
        return self.value(row) if self.value is not None else self.display(row)


def text_column(header: str, get: Callable[[Any], str], *, tooltip: bool = False) -> Column:
    return Column(header, get, lambda row: get(row).casefold(), tooltip=get if tooltip else None)


def money_column(header: str, get: Callable[[Any], int]) -> Column:
    """Pence shown as £1,234.56, right-aligned, sorting by the integer."""
    return Column(header, lambda row: money(get(row)), get, ALIGN_RIGHT, kind="money", value=get)


def optional_money_column(header: str, get: Callable[[Any], int | None]) -> Column:
    """Pence or nothing (an empty cell), right-aligned; no amount sorts as nought."""
    return Column(header, lambda row: "" if get(row) is None else money(get(row) or 0), lambda row: get(row) or 0,
                  ALIGN_RIGHT, kind="money", value=get)


def count_column(header: str, get: Callable[[Any], int]) -> Column:
    """A whole number shown as 1,234, right-aligned."""
    return Column(header, lambda row: f"{get(row):,}", get, ALIGN_RIGHT, kind="count", value=get)


def date_column(header: str, get: Callable[[Any], date | None], empty: str = "") -> Column:
    """A UK date (23/11/2026), sorting by the date itself; no date sorts last."""
    return Column(
        header,
        lambda row: uk_date(get(row)) or empty,
        lambda row: get(row) or date.max,
        kind="date", value=get,
    )


class DtoTableModel(QAbstractTableModel):
    """A read-only table over a list of DTOs."""

    SortRole = Qt.ItemDataRole.UserRole
    RowRole = Qt.ItemDataRole.UserRole + 1  # the row's DTO; the proxy forwards it unchanged
    COLUMNS: ClassVar[Sequence[Column]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row(self, source_row: int) -> Any:
        return self._rows[source_row]

    def sort_key(self, source_row: int, column: int) -> tuple[Any, int]:
        """Native key for sorting. The row position breaks ties, so equal keys keep the
        service's order (a stable sort: ranked results, ledger order)."""
        return (self.COLUMNS[column].sort_key(self._rows[source_row]), source_row)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == self.SortRole:
            return column.sort_key(row)
        if role == self.RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            return column.foreground(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[section].align
        return None


class SortFilterProxy(QSortFilterProxyModel):
    """Sorts on `SortRole` in Python (Qt cannot compare tuples, and would truncate big
    integers) and filters rows with an optional predicate over the row DTO."""

    def __init__(self, source: DtoTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._accept: Callable[[Any], bool] | None = None
        self.setSourceModel(source)
        self.setSortRole(DtoTableModel.SortRole)

    def set_row_filter(self, accept: Callable[[Any], bool] | None) -> None:
        self.beginFilterChange()
        self._accept = accept
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._accept is None:
            return True
        return bool(self._accept(self._source.row(source_row)))

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        # Straight to the Python keys: a round trip through QVariant would turn dates and
        # tuples into Qt types that do not compare like the originals.
        return bool(self._source.sort_key(left.row(), left.column()) < self._source.sort_key(right.row(), right.column()))

    def row_at(self, proxy_row: int) -> Any:
        """The DTO shown at a row of the (sorted, filtered) view."""
        return self._source.row(self.mapToSource(self.index(proxy_row, 0)).row())
