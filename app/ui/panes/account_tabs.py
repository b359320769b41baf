"""The tabs under the account header. Each shows one part of the AccountSummary the
account view has already loaded, so switching tabs is instant and costs no query.

A tab is a widget with a `TITLE` and `show_summary(summary, as_of)`; the account view
builds them from `ACCOUNT_TABS`, so later tabs (Recovery, Arrangement, Diary & notes,
Documents) are added by writing the class and listing it there.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from app.services.accounts import AccountSummary, PeriodView, YearView
from app.ui.formatting import count, financial_year, money
from app.ui.models.base import SortFilterProxy
from app.ui.models.instalments import InstalmentsModel, instalment_rows
from app.ui.models.liability import PeriodsModel, YearsModel, discounts_text, exemptions_text, liable_text
from app.ui.models.transactions import TransactionsModel
from app.ui.style import set_role
from app.ui.widgets import ROW_HEIGHT, label, make_table


class AccountTab(QWidget):
    TITLE: ClassVar[str] = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 14, 16, 14)
        self.body.setSpacing(8)

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        raise NotImplementedError


def _fit_rows(table: QTableView, rows: int, most: int) -> None:
    """Short lists (a period or two) take only the room they need; longer ones scroll."""
    shown = max(1, min(rows, most))
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + shown * ROW_HEIGHT + 2 * table.frameWidth() + 2)


class LiabilityTab(AccountTab):
    """Who was liable for which property when, and what each year's charge came to."""

    TITLE = "Liability"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.periods_model = PeriodsModel(self)
        self.periods_proxy = SortFilterProxy(self.periods_model, self)
        p = PeriodsModel
        self.periods = make_table(
            self.periods_proxy, stretch=p.COL_PROPERTY,
            widths={p.COL_PARISH: 120, p.COL_DISCOUNTS: 200},
            fit=(p.COL_FROM, p.COL_TO, p.COL_POSTCODE, p.COL_BAND),
        )
        self.periods.selectionModel().selectionChanged.connect(self._period_selected)

        self.details = QFrame()
        set_role(self.details, "card")
        grid = QGridLayout(self.details)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        self._detail_values: dict[str, QLabel] = {}
        fields = (  # two caption/value pairs a row, read left to right
            ("Property reference (UPRN)", "uprn"), ("Discounts", "discounts"),
            ("Liable", "liable"), ("Exemptions", "exemptions"),
            ("Disabled band reduction", "disabled"),
        )
        for n, (caption, key) in enumerate(fields):
            row, column = divmod(n, 2)
            top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
            grid.addWidget(label(caption, "muted"), row, column * 2, top_left)
            value = label("", selectable=True)
            grid.addWidget(value, row, column * 2 + 1, top_left)
            self._detail_values[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnMinimumWidth(2, 120)

        self.years_model = YearsModel(self)
        self.years_proxy = SortFilterProxy(self.years_model, self)
        y = YearsModel
        self.years = make_table(
            self.years_proxy, stretch=y.COL_DISCOUNTS,
            widths={y.COL_YEAR: 110, y.COL_CHARGE: 130, y.COL_PAID: 130, y.COL_COSTS: 110, y.COL_BALANCE: 130},
        )

        self.body.addWidget(label("Liability periods", "section"))
        self.body.addWidget(self.periods)
        self.body.addWidget(label("Selected period", "section"))
        self.body.addWidget(self.details)
        self.body.addWidget(label("Charge by financial year", "section"))
        self.body.addWidget(self.years)
        self.body.addStretch(1)

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        self.periods_model.set_rows(summary.periods)
        self.years_model.set_rows(summary.years)
        _fit_rows(self.periods, len(summary.periods), 5)
        _fit_rows(self.years, len(summary.years), 6)
        current = next(
            (i for i in range(len(summary.periods) - 1, -1, -1) if summary.periods[i].start_date <= as_of),
            len(summary.periods) - 1,
        )
        if current >= 0:
            self.periods.selectRow(self.periods_proxy.mapFromSource(self.periods_model.index(current, 0)).row())
        else:
            self._show_period(None)

    def detail(self, key: str) -> str:
        return self._detail_values[key].text()

    def _period_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        self._show_period(self.periods_proxy.row_at(rows[0].row()) if rows else None)

    def _show_period(self, period: PeriodView | None) -> None:
        values = {
            "uprn": period.property_uprn if period else "",
            "liable": liable_text(period) if period else "",
            "discounts": discounts_text(period) if period else "",
            "exemptions": exemptions_text(period) if period else "",
            "disabled": ("Yes" if period.disabled_reduction else "No") if period else "",
        }
        for key, text in values.items():
            self._detail_values[key].setText(text)
            self._detail_values[key].setToolTip(text if len(text) > 40 else "")


class TransactionsTab(AccountTab):
    """The ledger, newest first, with the balance after each transaction."""

    TITLE = "Transactions"
    ALL_YEARS = "All years"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TransactionsModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        t = TransactionsModel
        self.table = make_table(
            self.proxy, stretch=t.COL_DESCRIPTION,
            widths={t.COL_REFERENCE: 170, t.COL_AMOUNT: 130, t.COL_BALANCE: 130},
            fit=(t.COL_DATE, t.COL_TYPE, t.COL_YEAR),
        )
        self.table.sortByColumn(t.COL_DATE, Qt.SortOrder.DescendingOrder)
        self.year = QComboBox()
        self.year.setAccessibleName("Financial year")
        self.year.setMinimumContentsLength(10)
        self.year.currentIndexChanged.connect(self._filter_year)
        self.count = label("", "muted")

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(label("Financial year", "muted"))
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.count)
        self.body.addLayout(bar)
        self.body.addWidget(self.table, 1)

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        self.model.set_rows(summary.transactions)
        years = sorted({t.year for t in summary.transactions}, reverse=True)
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(self.ALL_YEARS, None)
        for year in years:
            self.year.addItem(financial_year(year), year)
        self.year.blockSignals(False)
        self._filter_year()

    def _filter_year(self) -> None:
        year = self.year.currentData()
        self.proxy.set_row_filter(None if year is None else (lambda t: t.year == year))
        self.count.setText(count(self.proxy.rowCount(), "transaction"))


class InstalmentsTab(AccountTab):
    """One financial year's instalments and where each stands on the as-of date."""

    TITLE = "Instalments"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._years: list[YearView] = []
        self._as_of = date.min
        self.model = InstalmentsModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        i = InstalmentsModel
        self.table = make_table(
            self.proxy, stretch=i.COL_STATUS,
            widths={i.COL_NUMBER: 64, i.COL_DUE: 130, i.COL_AMOUNT: 140, i.COL_PAID: 140, i.COL_OUTSTANDING: 140},
        )
        self.year = QComboBox()
        self.year.setAccessibleName("Financial year")
        self.year.setMinimumContentsLength(10)
        self.year.currentIndexChanged.connect(self._show_year)
        self.totals = label("", "muted")
        self.empty = label("", "muted", wrap=True)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(label("Financial year", "muted"))
        bar.addWidget(self.year)
        bar.addSpacing(16)
        bar.addWidget(self.totals, 1)
        self.body.addLayout(bar)
        self.body.addWidget(self.empty, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addWidget(self.table, 1)

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        self._years = list(summary.years)
        self._as_of = as_of
        self.year.blockSignals(True)
        self.year.clear()
        for year in self._years:
            self.year.addItem(financial_year(year.year), year.year)
        with_plan = next((n for n, y in enumerate(self._years) if y.instalments), 0)
        self.year.setCurrentIndex(with_plan if self._years else -1)
        self.year.blockSignals(False)
        self._show_year()

    def _show_year(self) -> None:
        index = self.year.currentIndex()
        year = self._years[index] if 0 <= index < len(self._years) else None
        rows = instalment_rows(year, self._as_of) if year else []
        self.model.set_rows(rows)
        if year is None:
            self.totals.setText("")
            self.empty.setText("There are no charges on this account yet.")
        else:
            self.totals.setText(
                f"Charge {money(year.charge_pence)}   ·   Paid {money(year.paid_pence)}   ·   "
                f"Costs {money(year.costs_pence)}   ·   Balance {money(year.balance_pence)}"
            )
            self.empty.setText(
                "" if rows else f"There is no active instalment plan for {financial_year(year.year)}."
            )
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))


ACCOUNT_TABS: tuple[type[AccountTab], ...] = (LiabilityTab, TransactionsTab, InstalmentsTab)
