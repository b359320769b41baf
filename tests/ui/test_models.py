"""Table models without a window: rows, display text, sort keys, alignment, sorting and
filtering through the proxy, all from plain DTOs."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.accounts.search import SearchResult
from app.accounts.summary import InstalmentView, PeriodDiscount, PeriodView, TransactionView, YearView
from app.ui.models.base import DtoTableModel, SortFilterProxy
from app.ui.models.instalments import DUE_TODAY, NOT_YET_DUE, OVERDUE, PAID, PART_PAID, InstalmentsModel, instalment_rows
from app.ui.models.liability import PeriodsModel, YearsModel
from app.ui.models.search_results import SearchResultsModel
from app.ui.models.transactions import TransactionsModel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole


def result(ref: str, name: str, balance: int, postcode: str = "EX1 1AA") -> SearchResult:
    return SearchResult(uuid.uuid4(), ref, name, f"1 High Street ({ref})", postcode, balance)


def cell(model: DtoTableModel | SortFilterProxy, row: int, column: int, role: int = DISPLAY) -> object:
    return model.index(row, column).data(role)


def test_search_results_model_shows_rows_with_money_right_aligned(qapp: QApplication) -> None:
    model = SearchResultsModel()
    model.set_rows([result("100000011", "Mr Carl Smith", 123456), result("100000029", "Ann Jones", -500)])
    m = SearchResultsModel
    assert model.rowCount() == 2
    assert model.columnCount() == 7
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == [
        "Reference", "Name", "Address", "Postcode", "Owed now", "Recovery stage", "Hold",
    ]
    assert cell(model, 0, m.COL_REF) == "100000011"
    assert cell(model, 0, m.COL_BALANCE) == "£1,234.56"
    assert cell(model, 1, m.COL_BALANCE) == "-£5.00"
    assert cell(model, 0, m.COL_BALANCE, ALIGN) == RIGHT
    assert model.headerData(m.COL_BALANCE, Qt.Orientation.Horizontal, ALIGN) == RIGHT
    assert cell(model, 0, m.COL_NAME, ALIGN) != RIGHT
    assert cell(model, 0, m.COL_BALANCE, DtoTableModel.SortRole) == 123456
    assert cell(model, 0, m.COL_ADDRESS, Qt.ItemDataRole.ToolTipRole) == "1 High Street (100000011)"
    model.set_rows([])
    assert model.rowCount() == 0


def test_search_proxy_keeps_ranking_until_sorted_and_sorts_money_as_numbers(qapp: QApplication) -> None:
    model = SearchResultsModel()
    proxy = SortFilterProxy(model)
    ranked = [result("3", "Zoe Adams", 900_000_000_00), result("1", "Al Brown", 2), result("2", "Bea Cole", 10)]
    model.set_rows(ranked)
    assert [proxy.row_at(r).account_ref for r in range(3)] == ["3", "1", "2"]  # service ranking kept
    proxy.sort(SearchResultsModel.COL_BALANCE, Qt.SortOrder.AscendingOrder)
    assert [cell(proxy, r, SearchResultsModel.COL_BALANCE) for r in range(3)] == ["£0.02", "£0.10", "£900,000,000.00"]
    proxy.sort(SearchResultsModel.COL_NAME, Qt.SortOrder.AscendingOrder)  # by surname
    assert [proxy.row_at(r).name for r in range(3)] == ["Zoe Adams", "Al Brown", "Bea Cole"]
    proxy.sort(-1)
    assert [proxy.row_at(r).account_ref for r in range(3)] == ["3", "1", "2"]


def test_transactions_model_sorts_by_date_keeping_ledger_order_and_filters_by_year(qapp: QApplication) -> None:
    rows = [
        TransactionView(date(2025, 3, 11), "charge", 2025, 150000, "BILL-2025", "Annual bill", 150000),
        TransactionView(date(2025, 4, 1), "payment", 2025, -15000, "P1", "Payment (dd)", 135000),
        TransactionView(date(2025, 4, 1), "write_off", 2025, -100, "W1", "Small balance", 134900),
        TransactionView(date(2026, 3, 11), "charge", 2026, 160000, "BILL-2026", "Annual bill", 294900),
    ]
    model = TransactionsModel()
    proxy = SortFilterProxy(model)
    model.set_rows(rows)
    t = TransactionsModel
    assert cell(model, 1, t.COL_DATE) == "01/04/2025"
    assert cell(model, 1, t.COL_TYPE) == "Payment"
    assert cell(model, 2, t.COL_TYPE) == "Write-off"
    assert cell(model, 1, t.COL_YEAR) == "2025/26"
    assert cell(model, 1, t.COL_AMOUNT) == "-£150.00"
    assert cell(model, 3, t.COL_BALANCE) == "£2,949.00"
    assert cell(model, 3, t.COL_BALANCE, ALIGN) == RIGHT
    proxy.sort(t.COL_DATE, Qt.SortOrder.DescendingOrder)
    assert [proxy.row_at(r).reference for r in range(4)] == ["BILL-2026", "W1", "P1", "BILL-2025"]
    proxy.set_row_filter(lambda tx: tx.year == 2026)
    assert proxy.rowCount() == 1
    proxy.set_row_filter(None)
    assert proxy.rowCount() == 4


def test_instalment_rows_say_where_each_instalment_stands() -> None:
    year = YearView(
        year=2026, charge_pence=40000, paid_pence=15000, costs_pence=0, balance_pence=25000, discounts=[],
        instalments=[
            InstalmentView(date(2026, 4, 1), 10000, 10000),
            InstalmentView(date(2026, 5, 1), 10000, 5000),
            InstalmentView(date(2026, 12, 1), 10000, 0),
            InstalmentView(date(2027, 1, 1), 10000, 0),
        ],
    )
    rows = instalment_rows(year, as_of=date(2026, 11, 23))
    assert [r.number for r in rows] == [1, 2, 3, 4]
    assert [r.status for r in rows] == [PAID, OVERDUE, NOT_YET_DUE, NOT_YET_DUE]
    assert rows[1].outstanding_pence == 5000
    assert instalment_rows(year, as_of=date(2026, 4, 15))[1].status == PART_PAID
    assert instalment_rows(year, as_of=date(2026, 12, 1))[2].status == DUE_TODAY
    model = InstalmentsModel()
    model.set_rows(rows)
    i = InstalmentsModel
    assert cell(model, 1, i.COL_DUE) == "01/05/2026"
    assert cell(model, 1, i.COL_OUTSTANDING) == "£50.00"
    assert cell(model, 1, i.COL_PAID, ALIGN) == RIGHT
    assert cell(model, 1, i.COL_STATUS) == "Overdue"
    assert cell(model, 1, i.COL_STATUS, Qt.ItemDataRole.ForegroundRole) is not None
    assert cell(model, 0, i.COL_STATUS, Qt.ItemDataRole.ForegroundRole) is None  # paid: plain
    assert cell(model, 2, i.COL_STATUS, Qt.ItemDataRole.ForegroundRole) is None


def test_liability_models_describe_periods_and_years(qapp: QApplication) -> None:
    period = PeriodView(
        period_id=uuid.uuid4(), property_uprn="100000000004", address="Field View, Rectory Crescent, Marshwick",
        postcode="EX10 1AE",
        band="B", parish="", start_date=date(2020, 2, 27), end_date=None, liable=["Aaron Wilson", "Jo Wilson"],
        discounts=[PeriodDiscount(uuid.uuid4(), "SPD", date(2024, 4, 1), None, None)], exemptions=[], disabled_reduction=False,
    )
    periods = PeriodsModel()
    periods.set_rows([period])
    p = PeriodsModel
    assert cell(periods, 0, p.COL_FROM) == "27/02/2020"
    assert cell(periods, 0, p.COL_TO) == "Ongoing"
    assert cell(periods, 0, p.COL_PARISH) == "Unparished"
    assert cell(periods, 0, p.COL_DISCOUNTS) == "Single person discount from 01/04/2024"
    years = YearsModel()
    years.set_rows([YearView(2026, 170948, 136748, 8000, 42200, ["SPD"], [])])
    y = YearsModel
    assert cell(years, 0, y.COL_YEAR) == "2026/27"
    assert cell(years, 0, y.COL_CHARGE) == "£1,709.48"
    assert cell(years, 0, y.COL_COSTS) == "£80.00"
    assert cell(years, 0, y.COL_BALANCE, ALIGN) == RIGHT
    assert cell(years, 0, y.COL_DISCOUNTS) == "Single person discount"
