"""Small building blocks every pane uses, so tables, labels and status lines behave and
look the same everywhere (styling comes from `app.ui.style` through `role`)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QWidget,
)

from app.ui.models.base import SortFilterProxy
from app.ui.style import set_role

ROW_HEIGHT = 30


def label(text: str = "", role: str | None = None, *, wrap: bool = False, selectable: bool = False) -> QLabel:
    widget = QLabel(text)
    if role:
        set_role(widget, role)
    widget.setWordWrap(wrap)
    if selectable:
        # Officers copy references and postcodes into other systems.
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


class PageScroll(QScrollArea):
    """A page (a pane, a dialog's contents) that scrolls when the screen is smaller than it,
    rather than pushing its window past the screen's edge.

    Frameless and see-through, so it looks like no scroll area at all; it asks for its
    page's whole size (a plain QScrollArea asks for at most about 36 x 24 lines), so a
    dialog still opens at its natural size and only a window capped by the screen scrolls."""

    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PageScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(page)

    def sizeHint(self) -> QSize:
        page = self.widget()
        if page is None:
            return super().sizeHint()
        return page.sizeHint().expandedTo(page.minimumSizeHint()) + QSize(2 * self.frameWidth(), 2 * self.frameWidth())


def segment_button(text: str) -> QPushButton:
    """One button of a segmented choice (checkable, styled as a segment: put them in an
    exclusive QButtonGroup side by side)."""
    button = QPushButton()
    button.setCheckable(True)
    set_role(button, "segment")
    set_segment_text(button, text)
    return button


def set_segment_text(button: QAbstractButton, text: str) -> None:
    """Set a segment's text, wide enough for its checked (bold) look, so checking it never clips it."""
    bold = button.font()
    bold.setBold(True)
    button.setText(text)
    button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(text) + 34)


def make_table(
    proxy: SortFilterProxy,
    *,
    stretch: int | None = None,
    widths: dict[int, int] | None = None,
    fit: tuple[int, ...] = (),
    parent: QWidget | None = None,
) -> QTableView:
    """A read-only, sortable, row-selecting table. Rows keep the model's order until a
    header is clicked; Tab leaves the table rather than moving between cells.

    `widths` fixes starting widths, `fit` sizes short columns (dates, bands) to their
    contents, and `stretch` gives the rest to one column (usually an address)."""
    view = QTableView(parent)
    view.setModel(proxy)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setTabKeyNavigation(False)
    view.setCornerButtonEnabled(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setMinimumSectionSize(48)
    for column, width in (widths or {}).items():
        header.resizeSection(column, width)
    for column in fit:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the service's order at first
    view.setSortingEnabled(True)
    return view


class StatusLine(QLabel):
    """One line under a list or form: a count, "Searching…", or an error in red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        set_role(self, "muted")

    def show_info(self, text: str) -> None:
        set_role(self, "muted")
        self.setText(text)

    def show_error(self, text: str) -> None:
        set_role(self, "error")
        self.setText(text)

    @property
    def is_error(self) -> bool:
        return bool(self.property("role") == "error")
