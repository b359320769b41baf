"""The tabs under the account header. Each shows one part of the AccountSummary the
account view has already loaded, so switching tabs is instant and costs no query.

A tab is a widget with a `TITLE` and `show_summary(summary, as_of)`; the account view
builds them from `ACCOUNT_TABS`, so later tabs (Recovery, Arrangement, Diary & notes,
Documents) are added by writing the class and listing it there.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.summary import AccountSummary, PeriodView, YearView
from app.payments.posting import PaymentAllocation
from app.recovery.account_recovery import HoldRow
from app.recovery.account_view import AccountRecovery
from app.recovery.safeguards import SafeguardRow
from app.ui.formatting import (
    count,
    date_range,
    error_sentence,
    financial_year,
    money,
    percent_text,
    reduction_label,
    route_label,
)
from app.ui.models.allocations import AllocationsModel
from app.ui.models.base import SortFilterProxy
from app.ui.models.instalments import InstalmentsModel, instalment_rows
from app.ui.models.liability import PeriodsModel, YearsModel, discounts_text, exemptions_text, liable_text
from app.ui.models.recovery import (
    CasesModel,
    HoldsModel,
    RecoveryHistoryModel,
    RecoveryYearsModel,
    hold_rows,
    year_rows,
)
from app.ui.models.transactions import TransactionsModel
from app.ui.signals import emit
from app.ui.style import set_role
from app.ui.widgets import ROW_HEIGHT, label, make_table, segment_button, set_segment_text

# The liability editor's actions: key, menu text, shortcut. The first few are buttons on
# the Liability tab, the rest are in its "More changes" menu; all are in the Account menu.
LIABILITY_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("move_out", "Move out…", "Ctrl+Shift+O"),
    ("add_discount", "Add discount or premium…", "Ctrl+Shift+D"),
    ("add_exemption", "Add exemption…", "Ctrl+Shift+X"),
    ("add_joint", "Add joint taxpayer…", "Ctrl+Shift+J"),
    ("reduction", "Council tax reduction…", "Ctrl+Shift+R"),
    ("end_discount", "End discount or premium…", "Ctrl+Alt+D"),
    ("end_exemption", "End exemption…", "Ctrl+Alt+X"),
    ("end_joint", "End joint liability…", "Ctrl+Alt+J"),
    ("end_reduction", "End council tax reduction…", "Ctrl+Alt+R"),
    ("disabled_reduction", "Disabled band reduction on/off…", "Ctrl+Shift+B"),
    ("split_period", "Split period…", "Ctrl+Shift+S"),
)
BUTTON_ACTIONS = 5
BUTTON_TEXT = {"move_out": "Move out…", "add_discount": "Add discount…", "add_exemption": "Add exemption…",
               "add_joint": "Add joint taxpayer…", "reduction": "Reduction…"}


def joint_text_for(period: PeriodView) -> str:
    parts = [f"{j.name} {date_range(j.from_, j.to)}" for j in period.joint]
    return "; ".join(parts) or "None"


def reductions_text(summary: AccountSummary) -> str:
    parts = [f"{reduction_label(r.kind)} {percent_text(r.percent_bp)} {date_range(r.from_, r.to)}"
             for r in summary.reductions]
    return "; ".join(parts) or "None"


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
    action_requested = Signal(str)  # a LIABILITY_ACTIONS key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._summary: AccountSummary | None = None
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for key, text, shortcut in LIABILITY_ACTIONS[:BUTTON_ACTIONS]:
            button = QPushButton(BUTTON_TEXT.get(key, text))
            button.setToolTip(f"{text.rstrip('…')} ({shortcut})")
            button.clicked.connect(lambda _checked=False, k=key: emit(self.action_requested, k))
            self.buttons[key] = button
            bar.addWidget(button)
        self.more = QToolButton()
        self.more.setText("More")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_menu = QMenu(self.more)
        for key, text, shortcut in LIABILITY_ACTIONS[BUTTON_ACTIONS:]:
            action = QAction(text, self.more_menu)
            action.setShortcut(shortcut)
            action.setShortcutVisibleInContextMenu(True)
            action.triggered.connect(lambda _checked=False, k=key: emit(self.action_requested, k))
            self.more_menu.addAction(action)
        self.more.setMenu(self.more_menu)
        bar.addWidget(self.more)
        bar.addStretch(1)
        self.body.addLayout(bar)
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
            ("Joint taxpayers", "joint"), ("Disabled band reduction", "disabled"),
            ("Reductions (account)", "reductions"),
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

    def selected_period_id(self) -> object | None:
        rows = self.periods.selectionModel().selectedRows()
        return self.periods_proxy.row_at(rows[0].row()).period_id if rows else None

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        self._summary = summary
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
            "joint": joint_text_for(period) if period else "",
            "reductions": reductions_text(self._summary) if self._summary else "",
        }
        for key, text in values.items():
            self._detail_values[key].setText(text)
            self._detail_values[key].setToolTip(text if len(text) > 40 else "")


class TransactionsTab(AccountTab):
    """The ledger, newest first, with the balance after each transaction; or the payments
    and how each was allocated.

    The two are views of the tab (segment buttons), each with the tab's whole height: on
    a 1280x800 screen, below the account header, two tables one above the other showed
    two or three rows each."""

    TITLE = "Transactions"
    ALL_YEARS = "All years"
    LEDGER, PAYMENTS = 0, 1

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

        self.views = QButtonGroup(self)
        self.views.setExclusive(True)
        segments = QHBoxLayout()
        segments.setSpacing(0)
        for view, text in ((self.LEDGER, "Ledger"), (self.PAYMENTS, "Payments and allocation")):
            button = segment_button(text)
            self.views.addButton(button, view)
            segments.addWidget(button)
        self.views.button(self.LEDGER).setChecked(True)
        self.views.idToggled.connect(self._view_toggled)
        self.year_label = label("Financial year", "muted")

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addLayout(segments)
        bar.addSpacing(16)
        bar.addWidget(self.year_label)
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.count)
        self.body.addLayout(bar)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages, 1)

        self.allocations_model = AllocationsModel(self)
        self.allocations_proxy = SortFilterProxy(self.allocations_model, self)
        a = AllocationsModel
        self.allocations = make_table(
            self.allocations_proxy, stretch=a.COL_ALLOCATION, widths={a.COL_REFERENCE: 170, a.COL_AMOUNT: 120},
            fit=(a.COL_RECEIVED, a.COL_METHOD, a.COL_STATUS),
        )
        self.allocations.sortByColumn(a.COL_RECEIVED, Qt.SortOrder.DescendingOrder)
        self.allocations_caption = label("Each payment and the years it paid, oldest debt first", "muted")
        payments = QWidget()
        payments_layout = QVBoxLayout(payments)
        payments_layout.setContentsMargins(0, 0, 0, 0)
        payments_layout.addWidget(self.allocations_caption)
        payments_layout.addWidget(self.allocations, 1)
        self.pages.addWidget(self.table)
        self.pages.addWidget(payments)

    def show_allocations(self, payments: list[PaymentAllocation]) -> None:
        self.allocations_model.set_rows(payments)
        set_segment_text(self.views.button(self.PAYMENTS), f"Payments and allocation ({len(payments)})")
        self._show_count()

    def show_view(self, view: int) -> None:
        """Show the ledger (`LEDGER`) or the payments and their allocation (`PAYMENTS`)."""
        self.views.button(view).setChecked(True)

    def _view_toggled(self, view: int, checked: bool) -> None:
        if not checked:
            return
        self.pages.setCurrentIndex(view)
        ledger = view == self.LEDGER
        self.year_label.setVisible(ledger)
        self.year.setVisible(ledger)
        self._show_count()

    def _show_count(self) -> None:
        if self.pages.currentIndex() == self.LEDGER:
            self.count.setText(count(self.proxy.rowCount(), "transaction"))
        else:
            self.count.setText(count(self.allocations_model.rowCount(), "payment"))

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
        self._show_count()


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
            reduction = f"   ·   Reduction {money(-year.reduction_pence)}" if year.reduction_pence else ""
            self.totals.setText(
                f"Charge {money(year.charge_pence)}{reduction}   ·   Paid {money(year.paid_pence)}   ·   "
                f"Costs {money(year.costs_pence)}   ·   Balance {money(year.balance_pence)}"
            )
            self.empty.setText(
                "" if rows else f"There is no active instalment plan for {financial_year(year.year)}."
            )
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))


# The steps open after a liability order: the route's key, the button's text.
ENFORCEMENT_ACTIONS: tuple[tuple[str, str], ...] = (
    ("attachment_of_earnings", "Attachment of earnings…"),
    ("benefit_deduction", "Benefit deduction…"),
    ("enforcement_agent", "Refer to enforcement agent…"),
)


class RecoveryTab(AccountTab):
    """Where recovery stands: each year's stage, the next step and why (the header above
    sums it up in one line), the steps after a liability order, the holds and the history
    of notices and court events."""

    TITLE = "Recovery"
    action_requested = Signal(str)  # add_hold, lift_hold, or an ENFORCEMENT_ACTIONS key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recovery: AccountRecovery | None = None
        self._labels: dict[str, str] = {}
        self._as_of = date.min


        self.years_model = RecoveryYearsModel(self)
        self.years_proxy = SortFilterProxy(self.years_model, self)
        y = RecoveryYearsModel
        self.years = make_table(self.years_proxy, stretch=y.COL_NEXT, fit=(y.COL_YEAR, y.COL_STAGE, y.COL_SINCE,
                                                                          y.COL_AMOUNT))
        self.years_empty = label("No year is in arrears: there is no recovery step to take.", "muted", wrap=True)

        self.enforce_buttons: dict[str, QPushButton] = {}
        enforce_bar = QHBoxLayout()
        enforce_bar.setSpacing(8)
        for key, text in ENFORCEMENT_ACTIONS:
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, k=key: emit(self.action_requested, k))
            self.enforce_buttons[key] = button
            enforce_bar.addWidget(button)
        enforce_bar.addStretch(1)
        self.routes = label("", "muted", wrap=True, selectable=True)
        self.cases_model = CasesModel(self)
        self.cases_proxy = SortFilterProxy(self.cases_model, self)
        c = CasesModel
        self.cases = make_table(self.cases_proxy, stretch=c.COL_STATUS, widths={c.COL_DEBT: 110, c.COL_COLLECTED: 110},
                                fit=(c.COL_REF, c.COL_KIND, c.COL_YEAR, c.COL_OPENED))

        self.history_model = RecoveryHistoryModel(self)
        self.history_proxy = SortFilterProxy(self.history_model, self)
        h = RecoveryHistoryModel
        self.history = make_table(self.history_proxy, stretch=h.COL_BY, widths={h.COL_STAGE: 220, h.COL_AMOUNT: 120},
                                  fit=(h.COL_DATE, h.COL_YEAR, h.COL_HEARING))
        self.history.sortByColumn(h.COL_DATE, Qt.SortOrder.DescendingOrder)
        self.history_empty = label("No recovery action has been taken on this account.", "muted")

        self.add_hold_button = QPushButton("Add hold…")
        self.add_hold_button.setToolTip("Stop recovery on this account for a reason (breathing space, dispute, ...)")
        self.add_hold_button.clicked.connect(lambda: emit(self.action_requested, "add_hold"))
        self.lift_hold_button = QPushButton("Lift hold…")
        self.lift_hold_button.clicked.connect(lambda: emit(self.action_requested, "lift_hold"))
        self.holds_model = HoldsModel(self)
        self.holds_proxy = SortFilterProxy(self.holds_model, self)
        k = HoldsModel
        self.holds = make_table(self.holds_proxy, stretch=k.COL_REASON, widths={k.COL_KIND: 230},
                                fit=(k.COL_FROM, k.COL_TO, k.COL_STATE))
        self.holds.selectionModel().selectionChanged.connect(lambda *_: self._update_hold_buttons())
        self.holds_empty = label("No holds.", "muted")
        self.safeguards = label("", "muted", wrap=True, selectable=True)
        self.safeguards.setAccessibleName("Safeguards")
        self.release_button = QPushButton("Release…")
        self.release_button.setToolTip("A team leader releases the account from a safeguard, with a reason")
        self.release_button.clicked.connect(lambda: emit(self.action_requested, "release_safeguard"))
        self.problem = label("", "error", wrap=True)
        self.problem.setVisible(False)

        holds_bar = QHBoxLayout()
        holds_bar.setSpacing(8)
        holds_bar.addWidget(label("Holds", "section"))
        holds_bar.addStretch(1)
        holds_bar.addWidget(self.add_hold_button)
        holds_bar.addWidget(self.lift_hold_button)

        self.body.addWidget(self.problem)
        self.body.addWidget(label("Where each year stands", "section"))
        self.body.addWidget(self.years_empty)
        self.body.addWidget(self.years)
        self.body.addWidget(label("After the liability order", "section"))
        self.body.addLayout(enforce_bar)
        self.body.addWidget(self.routes)
        self.body.addWidget(self.cases)
        self.body.addLayout(holds_bar)
        self.body.addWidget(self.holds_empty)
        self.body.addWidget(self.holds)
        safeguards_bar = QHBoxLayout()
        safeguards_bar.setSpacing(8)
        safeguards_bar.addWidget(label("Safeguards", "section"))
        safeguards_bar.addStretch(1)
        safeguards_bar.addWidget(self.release_button)
        self.body.addLayout(safeguards_bar)
        self.body.addWidget(self.safeguards)
        self.body.addWidget(label("History", "section"))
        self.body.addWidget(self.history_empty)
        self.body.addWidget(self.history)
        self.body.addStretch(1)

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        self._as_of = as_of

    def show_failure(self, exc: BaseException) -> None:
        """The account opened but its recovery could not be worked out: say so, offer nothing."""
        self.recovery = None
        self.problem.setText(f"Recovery could not be shown: {error_sentence(exc)}")
        self.problem.setVisible(True)
        for button in (*self.enforce_buttons.values(), self.add_hold_button, self.lift_hold_button, self.release_button):
            button.setEnabled(False)

    def show_recovery(self, recovery: AccountRecovery, hold_labels: dict[str, str], as_of: date) -> None:
        self.recovery = recovery
        self._labels = hold_labels
        self._as_of = as_of
        view = recovery.view
        self.problem.setVisible(False)

        rows = year_rows(view)
        self.years_model.set_rows(rows)
        _fit_rows(self.years, len(rows), 4)
        self.years.setVisible(bool(rows))
        self.years_empty.setVisible(not rows)

        self.history_model.set_rows(view.history)
        _fit_rows(self.history, len(view.history), 8)
        self.history.setVisible(bool(view.history))
        self.history_empty.setVisible(not view.history)

        holds = hold_rows(view, hold_labels, as_of)
        self.holds_model.set_rows(holds)
        _fit_rows(self.holds, len(holds), 4)
        self.holds.setVisible(bool(holds))
        self.holds_empty.setVisible(not holds)
        self.add_hold_button.setEnabled(True)
        current = next((n for n, h in enumerate(holds) if h.hold.in_force), None)
        if current is not None:
            self.holds.selectRow(self.holds_proxy.mapFromSource(self.holds_model.index(current, 0)).row())
        self._update_hold_buttons()

        for key, button in self.enforce_buttons.items():
            route = recovery.route(key)
            button.setEnabled(route is not None and route.status == "available")
            button.setToolTip(route.reason if route else "")
        reasons = [f"{route_label(r.route)}: {r.reason}" for r in recovery.routes
                   if r.route in self.enforce_buttons]
        first = recovery.routes[0].reason if recovery.routes else ""
        same = all(r.reason == first for r in recovery.routes)
        self.routes.setText(first if same else "\n".join(reasons))
        self.cases_model.set_rows(recovery.cases)
        _fit_rows(self.cases, len(recovery.cases), 4)
        self.cases.setVisible(bool(recovery.cases))
        self.safeguards.setText(safeguards_text(recovery.safeguards))
        self.release_button.setEnabled(any(r.holding for r in recovery.safeguards))

    def selected_hold(self) -> HoldRow | None:
        rows = self.holds.selectionModel().selectedRows()
        return self.holds_proxy.row_at(rows[0].row()).hold if rows else None

    def _update_hold_buttons(self) -> None:
        hold = self.selected_hold()
        liftable = hold is not None and (hold.to is None or hold.to >= self._as_of)
        self.lift_hold_button.setEnabled(liftable)
        self.lift_hold_button.setToolTip(
            "End the selected hold" if liftable else "Select a hold that has not ended to lift it."
        )

    def hold_label(self, kind: str) -> str:
        return self._labels.get(kind, kind)


def safeguards_text(rows: list[SafeguardRow]) -> str:
    """The Recovery tab's safeguards, one line each: what holds the next statutory step back and why."""
    if not rows:
        return "No open trace, vulnerability review or escalation: nothing holds the next statutory step back."
    lines = []
    for r in rows:
        since = f"{r.label[:1].upper()}{r.label[1:]} since {r.opened_at:%d/%m/%Y}" + (f" ({r.detail})" if r.detail else "")
        state = ("holds back a summons, a liability order, an agent referral and an attachment" if r.holding
                 else r.why_not)
        lines.append(f"{since}: {state}.")
    return "\n".join(lines)


ACCOUNT_TABS: tuple[type[AccountTab], ...] = (LiabilityTab, TransactionsTab, InstalmentsTab, RecoveryTab)
